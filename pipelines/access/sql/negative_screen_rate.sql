-- negative_screen_rate: each episode's drug and alcohol screens and how many showed no use.
-- Grain: one row per episode. A screen is one urine drug screen or breath test on one day (all
-- substances of that method and day together); it is negative when no substance shows use (a
-- positive for the prescribed medication is adherence, not use: marts.substance_tests.is_use).
-- Invalid results and self-reports are not screens. Rate = negative screens / screens, pooled in
-- Python with a cluster-robust interval (screens of one client are not independent).
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

screens as (
    select episode_id, test_date, method, bool_or(is_use) as shows_use
    from marts.substance_tests
    where is_in_episode and method in ('uds', 'breath') and result in ('positive', 'negative')
    group by episode_id, test_date, method
),

final as (
    select
        e.group_value,
        e.episode_id,
        count(s.episode_id) as n_screens,
        count(s.episode_id) filter (where not s.shows_use) as n_negative
    from episodes as e
    left join screens as s using (episode_id)
    group by e.group_value, e.episode_id
)

select * from final order by group_value, episode_id
