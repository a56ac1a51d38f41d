-- abstinence_by_timepoint: days abstinent of every episode at intake, discharge, each follow-up.
-- Grain: one row per episode per timepoint (marts.abstinence_points). Percent days abstinent
-- (PDA) = days abstinent / days in the recall window; fully abstinent = 0 days of alcohol or
-- illicit-drug use in the past 30 days (SAMHSA GPRA). Follow-up points count only when contacted
-- inside the window unless $in_window_only is false. Means, medians and shares: Python.
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

final as (
    select
        e.group_value,
        p.episode_id,
        p.timepoint,
        p.timepoint_order,
        p.days_abstinent_rate,
        p.is_fully_abstinent
    from episodes as e
    inner join points as p using (episode_id)
)

-- Unordered: the Python side groups these rows, and sorting them here cost more than the
-- rest of the query (docs/performance.md).
select * from final
