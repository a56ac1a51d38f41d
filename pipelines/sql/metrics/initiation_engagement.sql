-- initiation_engagement: treatment initiation and engagement, HEDIS IET-style.
-- Grain: one row per group. Days with an attended session count once (distinct dates), up to
-- the effective discharge. Initiated: the 2nd attended day falls within $initiation_days (14)
-- of admission (the admission day is day 0); its date is the initiation date. Engaged: initiated
-- and at least $engagement_services (2) more attended days in the $engagement_days (34) after
-- the initiation date. Denominators: episodes admitted at least 14 (initiation) or 14 + 34
-- (engagement) days before the cut-off, so every counted window has passed. Citation: NCQA
-- HEDIS "Initiation and Engagement of Substance Use Disorder Treatment (IET)".
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

sessions as (
    select * from marts.sessions where is_in_episode and is_attended
),

parameters as (
    select * from meta.parameters
),

attended_days as (
    -- Each episode's distinct attended days (days since admission) as one sorted list: one row
    -- per episode instead of per session-day, several times faster (docs/performance.md).
    select
        s.episode_id,
        list_sort(list_distinct(list(s.session_date - e.admission_date))) as days
    from sessions as s
    inner join episodes as e using (episode_id)
    cross join parameters as p
    where s.session_date <= coalesce(e.discharge_date, p.as_of)
    group by s.episode_id
),

initiation as (
    select episode_id, days, days[2] as initiation_day
    from attended_days
    where len(days) >= 2 and days[2] <= $initiation_days
),

engagement as (
    select
        episode_id,
        len(list_filter(
            days, lambda d: d > initiation_day and d <= initiation_day + $engagement_days
        )) as n_after_initiation
    from initiation
),

flags as (
    select
        e.group_value,
        e.admission_date + $initiation_days <= p.as_of as is_eligible_initiation,
        e.admission_date + $initiation_days + $engagement_days <= p.as_of
            as is_eligible_engagement,
        i.episode_id is not null as is_initiated,
        coalesce(g.n_after_initiation, 0) >= $engagement_services as is_engaged
    from episodes as e
    cross join parameters as p
    left join initiation as i using (episode_id)
    left join engagement as g using (episode_id)
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
