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
    select
        episode_id,
        week_number,
        case
            when opioids_pos > 0 and opioids_neg > 0 then '*'
            when opioids_pos > 0 then '+'
            when opioids_neg > 0 then '-'
            when is_closed then '_'
            else 'o'
        end as opioids,
        case
            when alcohol_pos > 0 and alcohol_neg > 0 then '*'
            when alcohol_pos > 0 then '+'
            when alcohol_neg > 0 then '-'
            when is_closed then '_'
            else 'o'
        end as alcohol,
        case
            when stimulants_pos > 0 and stimulants_neg > 0 then '*'
            when stimulants_pos > 0 then '+'
            when stimulants_neg > 0 then '-'
            when is_closed then '_'
            else 'o'
        end as stimulants,
        case
            when any_pos > 0 and any_neg > 0 then '*'
            when any_pos > 0 then '+'
            when any_neg > 0 then '-'
            when is_closed then '_'
            else 'o'
        end as "any"
    from week_counts
)

select * from final
