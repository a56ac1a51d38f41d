-- stg_followups: scheduled post-discharge follow-ups typed.
-- Grain: one row per scheduled follow-up (client_id, timepoint, due_date).
with source as (
    select * from raw.followups
),

final as (
    select
        trim(client_id) as client_id,
        trim(timepoint) as timepoint,
        cast(due_date as date) as due_date,
        lower(trim(status)) as status,
        cast(nullif(trim(contact_date), '') as date) as contact_date,
        cast(nullif(trim(days_abstinent_30), '') as integer) as days_abstinent_30,
        cast(nullif(trim(employed_or_in_school), '') as boolean) as employed_or_in_school,
        cast(nullif(trim(stable_housing), '') as boolean) as stable_housing,
        cast(nullif(trim(arrested_30d), '') as boolean) as arrested_30d,
        _file,
        _line
    from source
)

select * from final
