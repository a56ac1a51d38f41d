-- admissions_by_month: episodes admitted per admission month and group.
-- Grain: one row per admission month per group. Count of episodes (admissions), not clients.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

final as (
    select admission_month, group_value, count(*) as n_admissions
    from episodes
    group by all
)

select * from final order by admission_month, group_value
