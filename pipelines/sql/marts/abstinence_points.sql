-- abstinence_points: days abstinent at intake, discharge and each follow-up, one per episode.
-- Grain: one row per episode per timepoint. Intake = the episode's first assessment labelled
-- `intake`, discharge = its last labelled `discharge` (substance `any`: alcohol or illicit drugs);
-- follow-ups = completed follow-ups with days_abstinent_30 (a 30-day window), the first contact
-- per timepoint label. Percent days abstinent (PDA) = days abstinent / days in the window;
-- fully abstinent = 0 days of use in the window (SAMHSA GPRA). Assessments labelled
-- `in_treatment` or `followup` stay in marts.assessments only.
with assessments as (
    select * from marts.assessments
    where episode_id is not null and substance = 'any' and timepoint in ('intake', 'discharge')
),

followups as (
    select * from marts.followups
    where episode_id is not null and is_completed and days_abstinent_30 is not null
),

from_assessments as (
    select
        episode_id,
        timepoint,
        case timepoint when 'intake' then 0 else 1 end as timepoint_order,
        assessment_date as point_date,
        window_days,
        days_abstinent,
        true as is_in_window,
        'assessment' as source
    from assessments
    qualify row_number() over (
        partition by episode_id, timepoint
        order by case when timepoint = 'intake' then assessment_date end,
            assessment_date desc
    ) = 1
),

from_followups as (
    select
        episode_id,
        timepoint,
        1 + timepoint_order as timepoint_order,
        contact_date as point_date,
        30 as window_days,
        days_abstinent_30 as days_abstinent,
        is_in_window,
        'followup' as source
    from followups
    qualify row_number() over (partition by episode_id, timepoint order by contact_date) = 1
),

points as (
    select * from from_assessments
    union all
    select * from from_followups
),

final as (
    select
        *,
        days_abstinent / window_days as days_abstinent_rate,
        days_abstinent = window_days as is_fully_abstinent
    from points
)

select * from final
