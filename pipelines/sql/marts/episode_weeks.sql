-- episode_weeks: one row per episode per treatment week, with sessions and hours.
-- Grain: one row per episode-week. Week 1 starts on the admission day (days 0-6), week k covers
-- days 7(k-1)..7k-1; the last week holds the discharge date (or the data cut-off while active).
-- Sessions count only up to the effective discharge (an administrative discharge ends the
-- episode at the last attended session). Scheduled excludes cancelled; missed = excused + no-show.
-- A week is complete when its 7 days all fall on or before the discharge date (or cut-off).
-- ASAM minimum (ASAM Criteria 3rd ed., level 2.1): 9 hours a week for adults, 6 under age 18.
with episodes as (
    select * from marts.episodes
),

sessions as (
    select * from marts.sessions where is_in_episode
),

parameters as (
    select * from meta.parameters
),

weeks as (
    select
        e.episode_id,
        unnest(range(1, (coalesce(e.discharge_date, p.as_of) - e.admission_date) // 7 + 2))
            ::integer as week_number,
        e.admission_date,
        coalesce(e.discharge_date, p.as_of) as end_date,
        case when e.age_at_admission < 18 then 6 else 9 end as asam_minimum_hours
    from episodes as e
    cross join parameters as p
),

session_weeks as (
    select
        s.episode_id,
        (s.session_date - e.admission_date) // 7 + 1 as week_number,
        count(*) filter (where s.status <> 'cancelled') as n_scheduled,
        count(*) filter (where s.status = 'attended') as n_attended,
        count(*) filter (where s.status = 'excused') as n_excused,
        count(*) filter (where s.status = 'no_show') as n_no_show,
        count(*) filter (where s.status = 'cancelled') as n_cancelled,
        coalesce(sum(s.attended_hours), 0) as attended_hours,
        coalesce(sum(s.duration_minutes / 60.0) filter (where s.status <> 'cancelled'), 0)
            as scheduled_hours
    from sessions as s
    inner join episodes as e using (episode_id)
    cross join parameters as p
    where s.session_date <= coalesce(e.discharge_date, p.as_of)
    group by all
),

final as (
    select
        w.episode_id,
        w.week_number,
        w.admission_date + 7 * (w.week_number - 1) as week_start_date,
        coalesce(s.n_scheduled, 0) as n_scheduled,
        coalesce(s.n_attended, 0) as n_attended,
        coalesce(s.n_excused, 0) as n_excused,
        coalesce(s.n_no_show, 0) as n_no_show,
        coalesce(s.n_cancelled, 0) as n_cancelled,
        coalesce(s.attended_hours, 0) as attended_hours,
        coalesce(s.n_excused + s.n_no_show, 0) as n_missed,
        coalesce(s.scheduled_hours, 0) as scheduled_hours,
        w.admission_date + 7 * w.week_number - 1 <= w.end_date as is_complete_week,
        w.asam_minimum_hours,
        coalesce(s.attended_hours, 0) >= w.asam_minimum_hours as meets_asam_minimum
    from weeks as w
    left join session_weeks as s using (episode_id, week_number)
)

select * from final
