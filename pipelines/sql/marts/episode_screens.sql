-- episode_screens: each episode's drug and alcohol screens summed up, for the negative-screen
-- rate, the at-risk list and the screening coverage.
-- Grain: one row per episode (every episode; 0 screens when it has none).
-- A screen is one urine drug screen or breath test on one day (all substances of that method and
-- day together), in the episode, with a positive or negative result (invalid results and
-- self-reports are not screens); it shows use when any of its results is use
-- (marts.substance_tests.is_use: the prescribed medication is adherence, not use).
-- n_screens, n_negative_screens: screens, and those showing no use.
-- Screen days (every method of one day together), newest first: last_screen_date,
-- is_last_screen_positive (the latest day shows use), n_negative_before_last (the run of
-- negative screen days just before the latest one).
-- n_scheduled_weeks: episode-weeks with a scheduled session (marts.episode_weeks);
-- n_screened_weeks: those with at least one screen.
-- Why a mart: the metrics read 3.4 M test rows at 100k episodes on every call otherwise.
with tests as (
    select episode_id, test_date, method, week_number, is_use
    from marts.substance_tests
    where is_in_episode and method in ('uds', 'breath') and result in ('positive', 'negative')
),

screens as (
    select episode_id, test_date, method, bool_or(is_use) as shows_use
    from tests
    group by all
),

screen_counts as (
    select
        episode_id,
        count(*) as n_screens,
        count(*) filter (where not shows_use) as n_negative_screens
    from screens
    group by episode_id
),

screen_days as (
    select
        episode_id,
        test_date,
        bool_or(shows_use) as shows_use
    from screens
    group by episode_id, test_date
),

ordered as (
    select
        *,
        row_number() over (partition by episode_id order by test_date desc) as recency
    from screen_days
),

runs as (
    select
        episode_id,
        max(test_date) filter (where recency = 1) as last_screen_date,
        bool_or(shows_use) filter (where recency = 1) as is_last_screen_positive,
        coalesce(min(recency) filter (where recency >= 2 and shows_use), max(recency) + 1) - 2
            as n_negative_before_last
    from ordered
    group by episode_id
),

screened_weeks as (
    select distinct episode_id, week_number
    from tests
),

weeks as (
    select
        w.episode_id,
        count(*) as n_scheduled_weeks,
        count(s.episode_id) as n_screened_weeks
    from marts.episode_weeks as w
    left join screened_weeks as s using (episode_id, week_number)
    where w.n_scheduled > 0
    group by w.episode_id
),

final as (
    select
        e.episode_id,
        coalesce(c.n_screens, 0) as n_screens,
        coalesce(c.n_negative_screens, 0) as n_negative_screens,
        r.last_screen_date,
        r.is_last_screen_positive,
        r.n_negative_before_last,
        coalesce(w.n_scheduled_weeks, 0) as n_scheduled_weeks,
        coalesce(w.n_screened_weeks, 0) as n_screened_weeks
    from marts.episodes as e
    left join screen_counts as c using (episode_id)
    left join runs as r using (episode_id)
    left join weeks as w using (episode_id)
)

select * from final
