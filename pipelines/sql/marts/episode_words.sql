-- episode_words: each episode's weekly use-pattern word per substance class.
-- Grain: one row per episode per substance class. word = the symbols of marts.use_week_symbols
-- (marts.use_weeks) in week order, week 1 first (week 1 starts on the admission day); it ends
-- with the week holding the effective discharge, or the data cut-off while the episode is active
-- (marts.episode_weeks).
-- The outcome definitions of pipelines.patterns read these words (docs/patterns.md).
-- Citation: CTNote (Odom, Brandt, Luo, Balise; NIDA CTN-0094), weekly use-pattern words.
-- Why the packing: an ordered string_agg sorts every group's rows and took twice as long at 1M
-- episodes; here each week becomes one integer (week * 4096, plus the place in '+-*o_' of each
-- class's symbol in three bits per class), each episode's list of integers is sorted once and
-- unpacked into the four words.
with symbols as (
    select * from marts.use_week_symbols
),

packed as (
    select
        episode_id,
        list_sort(list(
            week_number * 4096
            + (strpos('+-*o_', opioids) - 1) * 512
            + (strpos('+-*o_', alcohol) - 1) * 64
            + (strpos('+-*o_', stimulants) - 1) * 8
            + (strpos('+-*o_', "any") - 1)
        )) as weeks_and_symbols
    from symbols
    group by episode_id
),

words as (
    select
        episode_id,
        len(weeks_and_symbols)::integer as n_weeks,
        translate(array_to_string(list_transform(weeks_and_symbols, lambda x: (x // 512) % 8), ''),
            '01234', '+-*o_') as opioids,
        translate(array_to_string(list_transform(weeks_and_symbols, lambda x: (x // 64) % 8), ''),
            '01234', '+-*o_') as alcohol,
        translate(array_to_string(list_transform(weeks_and_symbols, lambda x: (x // 8) % 8), ''),
            '01234', '+-*o_') as stimulants,
        translate(array_to_string(list_transform(weeks_and_symbols, lambda x: x % 8), ''),
            '01234', '+-*o_') as "any"
    from packed
),

class_words as (
    unpivot words
    on opioids, alcohol, stimulants, "any"
    into name substance_class value word
),

final as (
    select episode_id, substance_class, word, n_weeks
    from class_words
)

select * from final
