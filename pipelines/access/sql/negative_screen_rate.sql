-- negative_screen_rate: episodes counted by their number of drug and alcohol screens and of
-- those that showed no use.
-- Grain: one row per group per (n_screens, n_negative) pair, with the episodes that have it. A
-- screen is one urine drug screen or breath test on one day (all substances of that method and
-- day together); it is negative when no substance shows use (a positive for the prescribed
-- medication is adherence, not use: marts.substance_tests.is_use). Invalid results and
-- self-reports are not screens (marts.episode_screens). Rate = negative screens / screens,
-- pooled in Python with a cluster-robust interval (screens of one client are not independent).
-- Why counted: episodes with the same counts add the same terms, and a million episode rows
-- cost more to move into Python than the statistics take.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

final as (
    select
        e.group_value,
        s.n_screens,
        s.n_negative_screens as n_negative,
        count(*) as n_episodes
    from episodes as e
    inner join marts.episode_screens as s using (episode_id)
    group by all
)

select * from final order by group_value, n_screens, n_negative
