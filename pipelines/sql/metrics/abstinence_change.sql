-- abstinence_change: the same episode's days abstinent at intake and at a later timepoint.
-- Grain: one row per episode per later timepoint (discharge, each follow-up) that has an intake
-- measure too: paired, so change is measured on the same clients (DOMAIN.md "Abstinent-day
-- counts"). The Wilcoxon signed-rank test runs in Python. Pre/post change is not a causal effect.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

points as (
    select * from marts.abstinence_points
    where is_in_window or not $in_window_only
),

intake as (
    select * from points where timepoint = 'intake'
),

later as (
    select * from points where timepoint <> 'intake'
),

final as (
    select
        e.group_value,
        l.episode_id,
        l.timepoint,
        l.timepoint_order,
        i.days_abstinent_rate as intake_rate,
        l.days_abstinent_rate as rate,
        i.is_fully_abstinent as is_fully_abstinent_intake,
        l.is_fully_abstinent
    from episodes as e
    inner join later as l using (episode_id)
    inner join intake as i using (episode_id)
)

-- Unordered: the Python side groups these rows, and sorting them here cost more than the
-- rest of the query (docs/performance.md).
select * from final
