-- episode_weeks: one row per episode per treatment week, with sessions and hours.
-- Grain: one row per episode-week. Week 1 starts on the admission day (days 0-6), week k covers
-- days 7(k-1)..7k-1; the last week is the one holding the discharge date (or the data cut-off
-- while active). Counts are of sessions scheduled in that week, by status.
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
        e.admission_date
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
        coalesce(sum(s.attended_hours), 0) as attended_hours
    from sessions as s
    inner join episodes as e using (episode_id)
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
        coalesce(s.attended_hours, 0) as attended_hours
    from weeks as w
    left join session_weeks as s using (episode_id, week_number)
)

select * from final
