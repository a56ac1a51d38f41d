-- use_weeks: the weekly use-pattern symbol of each episode week, per substance class.
-- Grain: one row per episode per treatment week (marts.episode_weeks) per substance class
-- (opioids, alcohol, stimulants, any). Test days come from marts.use_test_weeks (drug screens
-- of the class; the prescribed medication left out; invalid results are no test).
-- Symbol (CTNote legend, NIDA CTN-0094): '+' every test day of the week positive, '-' every
-- one negative, '*' both, 'o' no test (missing), '_' not scheduled: no test in a week whose
-- sessions were all cancelled by the program. A week without any session row is 'o' (CTN-0094
-- publishes weeks without a protocol visit as missing). docs/patterns.md, "Use patterns".
with weeks as (
    select * from marts.episode_weeks
),

test_weeks as (
    select * from marts.use_test_weeks
),

week_counts as (
    select
        w.episode_id,
        w.week_number,
        w.n_scheduled = 0 and w.n_cancelled > 0 as is_closed,
        columns(t.* exclude (episode_id, week_number)).coalesce(0)
    from weeks as w
    left join test_weeks as t using (episode_id, week_number)
),

class_weeks as (
    unpivot week_counts
    on (opioids_pos, opioids_neg) as opioids, (alcohol_pos, alcohol_neg) as alcohol,
        (stimulants_pos, stimulants_neg) as stimulants, (any_pos, any_neg) as "any"
    into name substance_class value n_positive_days, n_negative_days
),

final as (
    select
        episode_id,
        substance_class,
        week_number,
        case
            when n_positive_days > 0 and n_negative_days > 0 then '*'
            when n_positive_days > 0 then '+'
            when n_negative_days > 0 then '-'
            when is_closed then '_'
            else 'o'
        end as symbol
    from class_weeks
)

select * from final
