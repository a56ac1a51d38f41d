-- followup_outcomes: NOMs outcomes among clients reached at each follow-up timepoint.
-- Grain: one row per group per timepoint per outcome. Reached: follow-up completed, inside the
-- window unless $in_window_only is false. Outcomes (SAMHSA National Outcome Measures): abstinent
-- (0 days of alcohol or drug use in the past 30, GPRA), employed or in school, stable housing,
-- arrested in the past 30 days. Denominator: reached clients who answered (n_answered).
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

reached as (
    select e.group_value, f.*
    from episodes as e
    inner join marts.followups as f using (episode_id)
    where f.is_completed and (f.is_in_window or not $in_window_only)
),

answers as (
    select group_value, timepoint, timepoint_order, 1 as outcome_order, 'abstinent' as outcome,
        is_fully_abstinent as answer
    from reached
    union all
    select group_value, timepoint, timepoint_order, 2, 'employed_or_in_school',
        employed_or_in_school
    from reached
    union all
    select group_value, timepoint, timepoint_order, 3, 'stable_housing', stable_housing
    from reached
    union all
    select group_value, timepoint, timepoint_order, 4, 'arrested_30d', arrested_30d
    from reached
),

final as (
    select
        group_value,
        timepoint,
        timepoint_order,
        outcome,
        outcome_order,
        count(*) as n_reached,
        count(answer) as n_answered,
        count(*) filter (where answer) as n_yes
    from answers
    group by all
)

select * from final order by group_value, timepoint_order, timepoint, outcome_order
