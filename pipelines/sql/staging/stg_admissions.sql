-- stg_admissions: admissions typed, codes lower-cased, contract defaults applied.
-- Grain: one row per admission (client_id, admission_date), as loaded.
with source as (
    select * from raw.admissions
),

final as (
    select
        trim(client_id) as client_id,
        cast(admission_date as date) as admission_date,
        trim(track) as track,
        coalesce(nullif(trim(site), ''), 'main') as site,
        coalesce(lower(nullif(trim(level_of_care), '')), 'iop') as level_of_care,
        cast(nullif(trim(discharge_date), '') as date) as discharge_date_recorded,
        lower(nullif(trim(discharge_reason), '')) as discharge_reason_recorded,
        coalesce(lower(nullif(trim(medication), '')), 'none') as medication,
        coalesce(lower(nullif(trim(primary_substance), '')), 'unknown') as primary_substance,
        coalesce(lower(nullif(trim(sex), '')), 'unknown') as sex,
        cast(nullif(trim(age_at_admission), '') as integer) as age_at_admission,
        coalesce(nullif(trim(race_ethnicity), ''), 'Unknown') as race_ethnicity,
        coalesce(nullif(trim(referral_source), ''), 'unknown') as referral_source,
        coalesce(nullif(trim(counselor), ''), 'unassigned') as counselor,
        _file,
        _line
    from source
)

select * from final
