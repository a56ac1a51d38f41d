-- attendance_by_week: sessions per week in treatment and group, for a week x cohort matrix.
-- Grain: one row per group per treatment week (1..$max_weeks). Week 1 starts on the admission
-- day. n_episodes: episodes that reached the week (not discharged before it starts). Attendance
-- rate = attended / scheduled (cancelled excluded), computed in Python.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

weeks as (
    select * from marts.episode_weeks where week_number <= $max_weeks
),

final as (
    select
        e.group_value,
        w.week_number,
        count(*) as n_episodes,
        sum(w.n_scheduled)::bigint as n_scheduled,
        sum(w.n_attended)::bigint as n_attended,
        sum(w.n_no_show)::bigint as n_no_show,
        sum(w.attended_hours) as attended_hours
    from episodes as e
    inner join weeks as w using (episode_id)
    group by all
)

select * from final order by group_value, week_number
