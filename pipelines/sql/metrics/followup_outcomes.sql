-- followup_outcomes: NOMs outcomes among clients reached at each follow-up timepoint.
-- Grain: one row per group per timepoint per outcome. Reached: follow-up completed, inside the
-- window unless $in_window_only is false. Outcomes (SAMHSA National Outcome Measures): abstinent
-- (0 days of alcohol or drug use in the past 30, GPRA), employed or in school, stable housing,
-- arrested in the past 30 days. Denominator: reached clients who answered (n_answered).
-- Plan: the four outcomes are counted in one pass over the reached follow-ups and unpivoted on
-- the few counted rows; a union of four scans of them cost 1.5-1.8x more (docs/performance.md).
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

counted as (
    select
        e.group_value,
        f.timepoint,
        f.timepoint_order,
        count(*) as n_reached,
        count(f.is_fully_abstinent) as answered_1,
        count(*) filter (where f.is_fully_abstinent) as yes_1,
        count(f.employed_or_in_school) as answered_2,
        count(*) filter (where f.employed_or_in_school) as yes_2,
        count(f.stable_housing) as answered_3,
        count(*) filter (where f.stable_housing) as yes_3,
        count(f.arrested_30d) as answered_4,
        count(*) filter (where f.arrested_30d) as yes_4
    from episodes as e
    inner join marts.followups as f using (episode_id)
    where f.is_completed and (f.is_in_window or not $in_window_only)
    group by all
),

outcomes as (
    select * from (values
        (1, 'abstinent'), (2, 'employed_or_in_school'), (3, 'stable_housing'), (4, 'arrested_30d')
    ) as o (outcome_order, outcome)
),

final as (
    select
        c.group_value,
        c.timepoint,
        c.timepoint_order,
        o.outcome,
        o.outcome_order,
        c.n_reached,
        [c.answered_1, c.answered_2, c.answered_3, c.answered_4][o.outcome_order] as n_answered,
        [c.yes_1, c.yes_2, c.yes_3, c.yes_4][o.outcome_order] as n_yes
    from counted as c
    cross join outcomes as o
)

select * from final order by group_value, timepoint_order, timepoint, outcome_order
