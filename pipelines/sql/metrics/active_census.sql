-- active_census: episodes active on the data cut-off, by group.
-- Grain: one row per group. Active = admitted and neither discharged nor administratively
-- discharged by the cut-off (marts.episodes.is_active).
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

final as (
    select
        group_value,
        count(*) filter (where is_active) as n_active,
        count(*) as n_episodes
    from episodes
    group by all
)

select * from final order by group_value
