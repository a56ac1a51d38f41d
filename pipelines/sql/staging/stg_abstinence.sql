-- stg_abstinence: abstinent-day assessments typed.
-- Grain: one row per assessment per substance (client_id, assessment_date, substance).
with source as (
    select * from raw.abstinence
),

final as (
    select
        trim(client_id) as client_id,
        cast(assessment_date as date) as assessment_date,
        coalesce(cast(nullif(trim(window_days), '') as integer), 30) as window_days,
        cast(days_abstinent as integer) as days_abstinent,
        lower(nullif(trim(timepoint), '')) as timepoint,
        coalesce(lower(nullif(trim(substance), '')), 'any') as substance,
        _file,
        _line
    from source
)

select * from final
