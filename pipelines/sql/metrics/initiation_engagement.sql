-- initiation_engagement: treatment initiation and engagement, HEDIS IET-style.
-- Grain: one row per group. Days with an attended session count once (distinct dates), up to
-- the effective discharge (marts.episode_attended_days). Initiated: the 2nd attended day falls
-- within $initiation_days (14) of admission (the admission day is day 0); its date is the
-- initiation date. Engaged: initiated and at least $engagement_services (2) more attended days
-- in the $engagement_days (34) after the initiation date. Denominators: episodes admitted at
-- least 14 (initiation) or 14 + 34 (engagement) days before the cut-off, so every counted window
-- has passed. Citation: NCQA HEDIS "Initiation and Engagement of Substance Use Disorder Treatment
-- (IET)".
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

parameters as (
    select * from meta.parameters
),

attended as (
    select * from marts.episode_attended_days
),

initiation as (
    -- The list is sorted and distinct: its 2nd day is the initiation day, and at least
    -- $engagement_services more days fall within $engagement_days after it exactly when the
    -- ($engagement_services)-th day after it does (no per-day work at query time).
    select
        episode_id,
        attended_days[2] as initiation_day,
        coalesce(
            attended_days[2 + $engagement_services] <= attended_days[2] + $engagement_days,
            false
        ) as is_engaged
    from attended
    where len(attended_days) >= 2 and attended_days[2] <= $initiation_days
),

flags as (
    select
        e.group_value,
        e.admission_date + $initiation_days <= p.as_of as is_eligible_initiation,
        e.admission_date + $initiation_days + $engagement_days <= p.as_of
            as is_eligible_engagement,
        i.episode_id is not null as is_initiated,
        coalesce(i.is_engaged, false) as is_engaged
    from episodes as e
    cross join parameters as p
    left join initiation as i using (episode_id)
),

final as (
    select
        group_value,
        count(*) filter (where is_eligible_initiation) as n_eligible_initiation,
        count(*) filter (where is_eligible_initiation and is_initiated) as n_initiated,
        count(*) filter (where is_eligible_engagement) as n_eligible_engagement,
        count(*) filter (where is_eligible_engagement and is_engaged) as n_engaged
    from flags
    group by all
)

select * from final order by group_value
