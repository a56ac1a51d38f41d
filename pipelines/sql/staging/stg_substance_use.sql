-- stg_substance_use: test results and self-reports typed, substance names mapped to classes.
-- Grain: one row per test result or self-report per substance.
-- Substances missing from the seed map to class 'other' so no row is lost.
with source as (
    select * from raw.substance_use
),

classes as (
    select * from seeds.substance_classes
),

final as (
    select
        trim(s.client_id) as client_id,
        cast(s.test_date as date) as test_date,
        lower(trim(s.method)) as method,
        lower(trim(s.substance)) as substance,
        coalesce(c.substance_class, 'other') as substance_class,
        c.medication as substance_medication,
        lower(trim(s.result)) as result,
        s._file,
        s._line
    from source as s
    left join classes as c on lower(trim(s.substance)) = c.substance
)

select * from final
