-- attendance_by_week: sessions per week in treatment and group, for a week x cohort matrix.
-- Grain: one row per group per treatment week (1..$max_weeks). Week 1 starts on the admission
-- day. n_episodes: episodes that reached the week (not discharged before it starts). Attendance
-- rate = attended / scheduled (cancelled excluded), computed in Python.
-- Groups travel as small integers through the join and the aggregation (cheaper than strings)
-- and get their group_value back at the end (docs/performance.md).
with episodes as materialized (
    select episode_id, group_value from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

groups as (
    select group_value, row_number() over (order by group_value) as group_id
    from (select distinct group_value from episodes)
),

grouped_episodes as (
    select e.episode_id, g.group_id
    from episodes as e
    inner join groups as g on e.group_value is not distinct from g.group_value
),

weeks as (
    select episode_id, week_number, n_scheduled, n_attended, n_no_show, attended_hours
    from marts.episode_weeks
    where week_number <= $max_weeks
),

counted as (
    select
        e.group_id,
        w.week_number,
        count(*) as n_episodes,
        sum(w.n_scheduled)::bigint as n_scheduled,
        sum(w.n_attended)::bigint as n_attended,
        sum(w.n_no_show)::bigint as n_no_show,
        sum(w.attended_hours) as attended_hours
    from grouped_episodes as e
    inner join weeks as w using (episode_id)
    group by all
),

final as (
    select
        g.group_value,
        c.week_number,
        c.n_episodes,
        c.n_scheduled,
        c.n_attended,
        c.n_no_show,
        c.attended_hours
    from counted as c
    inner join groups as g using (group_id)
)

select * from final order by group_value, week_number
