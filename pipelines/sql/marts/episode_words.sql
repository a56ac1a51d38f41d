-- episode_words: each episode's weekly use-pattern word per substance class.
-- Grain: one row per episode per substance class. word = the symbols of marts.use_weeks in week
-- order, week 1 first (week 1 starts on the admission day); it ends with the week holding the
-- effective discharge, or the data cut-off while the episode is active (marts.episode_weeks).
-- The outcome definitions of pipelines.patterns read these words (docs/patterns.md).
-- Citation: CTNote (Odom, Brandt, Luo, Balise; NIDA CTN-0094), weekly use-pattern words.
-- Why the packing: an ordered string_agg sorts every group's rows and took twice as long at 1M
-- episodes; here each week becomes one integer (week * 8 + the symbol's place in '+-*o_'), the
-- list of integers is sorted and unpacked into symbols.
with weeks as (
    select * from marts.use_weeks
),

packed as (
    select
        episode_id,
        substance_class,
        list_sort(list(week_number * 8 + strpos('+-*o_', symbol) - 1)) as weeks_and_symbols
    from weeks
    group by all
),

final as (
    select
        episode_id,
        substance_class,
        translate(
            array_to_string(list_transform(weeks_and_symbols, lambda x: x % 8), ''),
            '01234',
            '+-*o_'
        ) as word,
        len(weeks_and_symbols)::integer as n_weeks
    from packed
)

select * from final
