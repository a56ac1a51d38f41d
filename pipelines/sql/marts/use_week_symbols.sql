-- use_week_symbols: the weekly use-pattern symbol of each episode week, one column per class.
-- Grain: one row per episode per treatment week (marts.episode_weeks). Columns opioids, alcohol,
-- stimulants, any: the week's symbol for that class. marts.use_weeks lists the same symbols one
-- row per class; marts.episode_words spells them into words. Test days come from
-- marts.use_test_weeks (drug screens of the class; the prescribed medication left out; invalid
-- results are no test).
-- Symbol (CTNote legend, NIDA CTN-0094): '+' every test day of the week positive, '-' every
-- one negative, '*' both, 'o' no test (missing), '_' not scheduled: no test in a week whose
-- sessions were all cancelled by the program. A week without any session row is 'o' (CTN-0094
-- publishes weeks without a protocol visit as missing). docs/patterns.md, "Use patterns".
-- Why one column per class: the words are packed from 7 M episode-weeks at 1M episodes instead
-- of 28 M week-class rows (use_weeks and episode_words took 14 s to build that way, 6 s this way).
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

final as (
    -- Per class: 'o+-*'[1 + (any positive day) + 2 * (any negative day)], that is 'o' no test,
    -- '+' positive days only, '-' negative days only, '*' both; '_' for a week without a test
    -- whose sessions were all cancelled.
    select
        episode_id,
        week_number,
        case when is_closed and opioids_pos + opioids_neg = 0 then '_'
            else 'o+-*'[1 + (opioids_pos > 0)::int + 2 * (opioids_neg > 0)::int] end as opioids,
        case when is_closed and alcohol_pos + alcohol_neg = 0 then '_'
            else 'o+-*'[1 + (alcohol_pos > 0)::int + 2 * (alcohol_neg > 0)::int] end as alcohol,
        case when is_closed and stimulants_pos + stimulants_neg = 0 then '_'
            else 'o+-*'[1 + (stimulants_pos > 0)::int + 2 * (stimulants_neg > 0)::int]
            end as stimulants,
        case when is_closed and any_pos + any_neg = 0 then '_'
            else 'o+-*'[1 + (any_pos > 0)::int + 2 * (any_neg > 0)::int] end as "any"
    from week_counts
)

select * from final
