-- abstinence_change: the same episode's days abstinent at intake and at a later timepoint.
-- Pairs: each episode's later timepoints (discharge, each follow-up) that have an intake measure
-- too: paired, so change is measured on the same clients (DOMAIN.md "Abstinent-day counts").
-- Grain: counted pairs, one row per group, later timepoint and distinct (intake_rate, rate,
-- is_fully_abstinent_intake, is_fully_abstinent), with n_rows the number of pairs holding it;
-- ordered by every column. The Wilcoxon signed-rank test runs in Python on the counted pairs
-- (n_rows as frequency weights). Pre/post change is not a causal effect.
-- Plan (EXPLAIN ANALYZE at 1M episodes): intake is joined to the filtered episodes first and
-- materialized (one row per episode), so the later rows probe it; left to itself DuckDB joined
-- later to intake first and built the episodes join's hash table on those 1.8M pairs. Each side
-- reads marts.abstinence_points on its own (a shared CTE would be materialized too). Groups
-- travel as small integers through the joins and the aggregation (cheaper than strings) and get
-- their group_value back at the end (docs/performance.md).
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

intake as materialized (
    select
        g.group_id,
        i.episode_id,
        i.days_abstinent_rate as intake_rate,
        i.is_fully_abstinent as is_fully_abstinent_intake
    from episodes as e
    inner join groups as g on e.group_value is not distinct from g.group_value
    inner join marts.abstinence_points as i using (episode_id)
    where i.timepoint = 'intake' and (i.is_in_window or not $in_window_only)
),

later as (
    select * from marts.abstinence_points
    where timepoint <> 'intake' and (is_in_window or not $in_window_only)
),

counted as (
    select
        i.group_id,
        l.timepoint_order,
        l.timepoint,
        i.intake_rate,
        l.days_abstinent_rate as rate,
        i.is_fully_abstinent_intake,
        l.is_fully_abstinent,
        count(*) as n_rows
    from later as l
    inner join intake as i using (episode_id)
    group by all
),

final as (
    select
        g.group_value,
        c.timepoint_order,
        c.timepoint,
        c.intake_rate,
        c.rate,
        c.is_fully_abstinent_intake,
        c.is_fully_abstinent,
        c.n_rows
    from counted as c
    inner join groups as g using (group_id)
)

select * from final order by all
