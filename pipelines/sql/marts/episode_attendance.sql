-- episode_attendance: each episode's sessions, hours and weeks summed from its episode-weeks.
-- Grain: one row per episode. Sessions up to the effective discharge (marts.episode_weeks);
-- scheduled excludes cancelled. Complete weeks are the ones the ASAM dose share counts.
with weeks as (
    select * from marts.episode_weeks
),

final as (
    select
        episode_id,
        count(*) as n_weeks,
        count(*) filter (where is_complete_week) as n_complete_weeks,
        count(*) filter (where is_complete_week and meets_asam_minimum)
            as n_complete_weeks_meeting_asam,
        sum(n_scheduled)::bigint as n_scheduled,
        sum(n_attended)::bigint as n_attended,
        sum(n_excused)::bigint as n_excused,
        sum(n_no_show)::bigint as n_no_show,
        sum(n_cancelled)::bigint as n_cancelled,
        sum(n_missed)::bigint as n_missed,
        sum(attended_hours) as attended_hours,
        sum(scheduled_hours) as scheduled_hours,
        sum(attended_hours) filter (where is_complete_week) as attended_hours_complete_weeks
    from weeks
    group by episode_id
)

select * from final
