-- followup_outcomes: NOMs outcomes among clients reached at each follow-up timepoint.
-- Grain: one row per group per timepoint per outcome. Reached: follow-up completed, inside the
-- window unless $in_window_only is false. Outcomes (SAMHSA National Outcome Measures): abstinent
-- (0 days of alcohol or drug use in the past 30, GPRA), employed or in school, stable housing,
-- arrested in the past 30 days. Denominator: reached clients who answered (n_answered).
-- Plan: the four outcomes are counted in one pass over the reached follow-ups and unpivoted on
-- the few counted rows; a union of four scans of them cost 1.5-1.8x more (docs/performance.md).
-- The reached follow-ups are counted through the episodes' answer patterns
-- (marts.followup_answer_patterns): the same counts as joining every follow-up to its episode,
-- about 3x faster at 1M.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

patterns as (
    -- Episodes whose reached clients answered the same way counted once
    -- (marts.followup_answer_patterns).
    select group_value, answer_pattern_id, count(*) as n_episodes
    from episodes
    where answer_pattern_id is not null
    group by all
),

answers as (
    select * from marts.followup_answer_patterns
    where is_in_window or not $in_window_only
),

counted as (
    select
        p.group_value,
        a.timepoint,
        a.timepoint_order,
        sum(p.n_episodes)::bigint as n_reached,
        sum(if(a.is_fully_abstinent is not null, p.n_episodes, 0))::bigint as answered_1,
        sum(if(a.is_fully_abstinent, p.n_episodes, 0))::bigint as yes_1,
        sum(if(a.employed_or_in_school is not null, p.n_episodes, 0))::bigint as answered_2,
        sum(if(a.employed_or_in_school, p.n_episodes, 0))::bigint as yes_2,
        sum(if(a.stable_housing is not null, p.n_episodes, 0))::bigint as answered_3,
        sum(if(a.stable_housing, p.n_episodes, 0))::bigint as yes_3,
        sum(if(a.arrested_30d is not null, p.n_episodes, 0))::bigint as answered_4,
        sum(if(a.arrested_30d, p.n_episodes, 0))::bigint as yes_4
    from patterns as p
    inner join answers as a using (answer_pattern_id)
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
