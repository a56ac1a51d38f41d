-- attendance_rate: each episode's scheduled, attended, excused, no-show and cancelled sessions.
-- Grain: one row per episode. Attendance rate = attended / scheduled; no-show rate = no-show /
-- scheduled; scheduled excludes cancelled sessions (the program, not the client, cancelled).
-- Sessions count up to the effective discharge (marts.episode_weeks). Pooled rates and their
-- cluster-robust intervals are computed in Python from these rows. DOMAIN.md "Attendance".
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

attendance as (
    select * from marts.episode_attendance
),

final as (
    select
        e.group_value,
        e.episode_id,
        a.n_scheduled,
        a.n_attended,
        a.n_excused,
        a.n_no_show,
        a.n_cancelled
    from episodes as e
    inner join attendance as a using (episode_id)
)

-- Unordered: the Python side groups these rows, and sorting them here cost more than the
-- rest of the query (docs/performance.md).
select * from final
