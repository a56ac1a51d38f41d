-- hours_per_week: attended hours of every complete treatment week, against the weekly minimum.
-- Counted rows of complete episode-weeks (all 7 days on or before the discharge or cut-off; the
-- partial last week would understate the dose). Minimum: $minimum_hours when given, else the
-- ASAM level 2.1 minimum by age (9 hours a week for adults, 6 under 18; ASAM Criteria, 3rd ed.,
-- 2013). Meets the minimum: attended hours >= minimum.
-- Grain: two kinds of rows, told apart by `part`, each with `n_rows` (how many it stands for):
--   'week': one row per group and distinct (attended_hours, meets_minimum) of its complete
--     episode-weeks; n_rows = episode-weeks.
--   'episode': one row per group and distinct (n_weeks, n_meeting) of its episodes with at least
--     one complete week (n_weeks: complete weeks, n_meeting: those meeting the minimum);
--     n_rows = episodes.
-- Ordered by part, group_value, then the values. Both come from one query so the filtered
-- episodes are found once (docs/performance.md). Without $minimum_hours the per-episode counts
-- are marts.episode_attendance's n_complete_weeks and n_complete_weeks_meeting_asam (the same
-- weeks and the same ASAM rule, already summed per episode); with it they are counted here
-- (DuckDB plans the branch not taken as an empty result).
-- Groups travel as small integers through the joins and aggregations (cheaper than strings) and
-- get their group_value back at the end.
with episodes as materialized (
    select episode_id, group_value from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

groups as (
    select group_value, row_number() over (order by group_value) as group_id
    from (select distinct group_value from episodes)
),

grouped_episodes as materialized (
    select e.episode_id, g.group_id
    from episodes as e
    inner join groups as g on e.group_value is not distinct from g.group_value
),

weeks as (
    select
        episode_id,
        attended_hours,
        attended_hours >= coalesce($minimum_hours, asam_minimum_hours) as meets_minimum
    from marts.episode_weeks
    where is_complete_week
),

episode_counts as (
    select
        episode_id,
        n_complete_weeks as n_weeks,
        n_complete_weeks_meeting_asam as n_meeting
    from marts.episode_attendance
    where $minimum_hours is null and n_complete_weeks > 0
    union all
    select
        episode_id,
        count(*) as n_weeks,
        count(*) filter (where meets_minimum) as n_meeting
    from weeks
    where $minimum_hours is not null
    group by episode_id
),

per_week as (
    select e.group_id, w.attended_hours, w.meets_minimum, count(*) as n_rows
    from grouped_episodes as e
    inner join weeks as w using (episode_id)
    group by all
),

per_episode as (
    select e.group_id, c.n_weeks, c.n_meeting, count(*) as n_rows
    from grouped_episodes as e
    inner join episode_counts as c using (episode_id)
    group by all
),

counted as (
    select
        'week' as part,
        group_id,
        attended_hours,
        meets_minimum,
        null::bigint as n_weeks,
        null::bigint as n_meeting,
        n_rows
    from per_week
    union all
    select
        'episode' as part,
        group_id,
        null::double as attended_hours,
        null::boolean as meets_minimum,
        n_weeks,
        n_meeting,
        n_rows
    from per_episode
),

final as (
    select
        c.part,
        g.group_value,
        c.attended_hours,
        c.meets_minimum,
        c.n_weeks,
        c.n_meeting,
        c.n_rows
    from counted as c
    inner join groups as g using (group_id)
)

select * from final
order by part, group_value, attended_hours, meets_minimum, n_weeks, n_meeting
