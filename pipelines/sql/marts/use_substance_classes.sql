-- use_substance_classes: which drug screens each weekly use-pattern class reads.
-- Grain: one row per pattern class (substance_class of marts.use_weeks) per tested class per
-- method. Drug screens are urine drug screens (uds) for every class and breath tests for
-- alcohol; self-reports are not screens. 'any' = alcohol or any drug (every class the seed
-- substance_classes knows, including names it maps to 'other'), as the contract's 'any'.
-- A code list kept beside the models that read it (docs/patterns.md, "Use patterns").
with codes as (
    select * from (
        values
            ('opioids', 'opioids', 'uds'),
            ('alcohol', 'alcohol', 'uds'),
            ('alcohol', 'alcohol', 'breath'),
            ('stimulants', 'stimulants', 'uds'),
            ('any', 'opioids', 'uds'),
            ('any', 'alcohol', 'uds'),
            ('any', 'alcohol', 'breath'),
            ('any', 'stimulants', 'uds'),
            ('any', 'cannabis', 'uds'),
            ('any', 'sedatives', 'uds'),
            ('any', 'other', 'uds'),
            ('any', 'any', 'uds')
    ) as codes (substance_class, tested_class, method)
),

final as (
    select substance_class, tested_class, method from codes
)

select * from final
