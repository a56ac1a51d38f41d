-- samhsa_extract: one row per client per interview point in a period, for SPARS/SUPRT upload.
-- CLIENT-LEVEL: for the treating program only (42 CFR Part 2), never for funders.
-- Grain: one row per episode per interview point. Points: intake, for episodes admitted in the
-- period (the episode's first intake interview, substance `any`); discharge, for episodes
-- discharged in the period (its last discharge interview); follow-up, for follow-ups completed
-- in the period (contact date) or, not completed, whose window (due ± followup_window_days)
-- closed in it. Items: days abstinent in the recall window (alcohol or illicit drugs), and at
-- follow-ups employment or school, stable housing and arrests (the data contract has these
-- only at follow-up). A point without an interview keeps its row with an empty date.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

parameters as (
    select * from meta.parameters
),

reasons as (
    select * from seeds.discharge_reasons
),

points as (
    select * from marts.abstinence_points where timepoint in ('intake', 'discharge')
),

intakes as (
    select
        e.episode_id, 'intake' as record_type, 'intake' as timepoint, p.point_date,
        case when p.point_date is null then 'no_interview' else 'conducted' end as status,
        null::date as due_date, null::boolean as is_in_window, p.window_days, p.days_abstinent,
        p.is_fully_abstinent, null::boolean as employed_or_in_school,
        null::boolean as stable_housing, null::boolean as arrested_30d, 1 as point_order
    from episodes as e
    left join points as p on p.episode_id = e.episode_id and p.timepoint = 'intake'
    where e.admission_date between $period_start and $period_end
),

discharges as (
    select
        e.episode_id, 'discharge', 'discharge', p.point_date,
        case when p.point_date is null then 'no_interview' else 'conducted' end,
        null::date, null::boolean, p.window_days, p.days_abstinent, p.is_fully_abstinent,
        null::boolean, null::boolean, null::boolean, 2
    from episodes as e
    left join points as p on p.episode_id = e.episode_id and p.timepoint = 'discharge'
    where e.discharge_date between $period_start and $period_end
),

followups as (
    select
        f.episode_id, 'followup', f.timepoint, f.contact_date, f.status, f.due_date,
        f.is_in_window, case when f.days_abstinent_30 is not null then 30 end,
        f.days_abstinent_30, f.is_fully_abstinent, f.employed_or_in_school, f.stable_housing,
        f.arrested_30d, 2 + f.timepoint_order
    from marts.followups as f
    inner join episodes as e using (episode_id)
    where (f.is_completed and f.contact_date between $period_start and $period_end)
        or (not f.is_completed and f.is_window_closed
            and f.window_close_date between $period_start and $period_end)
),

interviews as (
    select * from intakes
    union all
    select * from discharges
    union all
    select * from followups
),

final as (
    select
        e.client_id,
        e.admission_date as episode_admission_date,
        e.episode_number,
        e.track,
        e.site,
        i.record_type,
        i.timepoint,
        i.status as interview_status,
        i.point_date as interview_date,
        i.point_date - e.admission_date as days_since_admission,
        i.due_date,
        i.due_date - p.followup_window_days as window_start_date,
        i.due_date + p.followup_window_days as window_end_date,
        i.is_in_window,
        i.window_days as recall_window_days,
        i.days_abstinent,
        i.window_days - i.days_abstinent as days_used,
        i.is_fully_abstinent as is_abstinent,
        i.employed_or_in_school as is_employed_or_in_school,
        i.stable_housing as is_stably_housed,
        i.arrested_30d as was_arrested_30d,
        e.discharge_date,
        e.discharge_reason,
        r.teds_code as discharge_reason_teds_code,
        i.point_order
    from interviews as i
    inner join episodes as e using (episode_id)
    cross join parameters as p
    left join reasons as r on r.discharge_reason = e.discharge_reason
)

select * exclude (point_order)
from final
order by client_id, episode_admission_date, point_order, due_date
