-- hours_per_week: attended hours of every complete treatment week, against the weekly minimum.
-- Grain: one row per complete episode-week (all 7 days on or before the discharge or cut-off;
-- the partial last week would understate the dose). Minimum: $minimum_hours when given, else
-- the ASAM level 2.1 minimum by age (9 hours a week for adults, 6 under 18; ASAM Criteria,
-- 3rd ed., 2013). Meets the minimum: attended hours >= minimum.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

weeks as (
    select * from marts.episode_weeks where is_complete_week
),

final as (
    select
        e.group_value,
        w.episode_id,
        w.week_number,
        w.attended_hours,
        coalesce($minimum_hours, w.asam_minimum_hours) as minimum_hours,
        w.attended_hours >= coalesce($minimum_hours, w.asam_minimum_hours) as meets_minimum
    from episodes as e
    inner join weeks as w using (episode_id)
)

-- Unordered: the Python side groups these rows, and sorting them here cost more than the
-- rest of the query (docs/performance.md).
select * from final
