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
    -- Days since admission of each attended session (a day with two sessions twice). The 2nd
    -- distinct day is the smallest day after the first one: plain aggregates over these rows
    -- are several times faster than numbering distinct days (docs/performance.md).
    select s.episode_id, s.session_date - e.admission_date as day
    from sessions as s
    inner join episodes as e using (episode_id)
    cross join parameters as p
    where s.session_date <= coalesce(e.discharge_date, p.as_of)
),

first_days as (
    select episode_id, min(day) as first_day
    from attended_days
    group by episode_id
),

initiation as (
    select a.episode_id, min(a.day) as initiation_day
    from attended_days as a
    inner join first_days as f using (episode_id)
    where a.day > f.first_day
    group by a.episode_id
    having min(a.day) <= $initiation_days
),

engagement as (
    select a.episode_id, count(distinct a.day) as n_after_initiation
    from attended_days as a
    inner join initiation as i using (episode_id)
    where a.day > i.initiation_day and a.day <= i.initiation_day + $engagement_days
    group by a.episode_id
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
