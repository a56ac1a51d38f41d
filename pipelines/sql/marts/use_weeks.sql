-- use_weeks: the weekly use-pattern symbol of each episode week, per substance class.
-- Materialized: view
-- Grain: one row per episode per treatment week (marts.episode_weeks) per substance class
-- (opioids, alcohol, stimulants, any): marts.use_week_symbols (where the symbols and their
-- legend are defined) with its class columns as rows.
-- Why a view: 28 M rows at 1M episodes that only researchers and checks read; writing them took
-- about 4 s of every build.
with symbols as (
    select * from marts.use_week_symbols
),

class_weeks as (
    unpivot symbols
    on opioids, alcohol, stimulants, "any"
    into name substance_class value symbol
),

final as (
    select episode_id, substance_class, week_number, symbol
    from class_weeks
)

select * from final
