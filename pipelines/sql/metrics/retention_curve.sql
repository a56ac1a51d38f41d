-- retention_curve: retention time and event of every episode, for the Kaplan-Meier estimate.
-- Grain: one row per episode. retention_days = days from admission to the effective discharge,
-- or to the data cut-off while active. Event (retention_event): a premature exit - dropped out,
-- terminated or administrative discharge (TEDS REASON 2, 3). Censored: completed, transferred,
-- incarcerated, deceased, other, and active at the cut-off. DOMAIN.md "Retention".
-- The same rows feed retention_at, retention_median and retention_logrank (one definition).
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

final as (
    select group_value, episode_id, retention_days, retention_event
    from episodes
)

-- Unordered: the Python side groups these rows, and sorting them here cost more than the
-- rest of the query (docs/performance.md).
select * from final
