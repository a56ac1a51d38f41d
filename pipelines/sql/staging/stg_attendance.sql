-- stg_attendance: scheduled sessions typed.
-- Grain: one row per scheduled session (client_id, session_date, session_type).
-- duration_minutes defaults to 180 (a typical IOP group) when the export leaves it empty.
with source as (
    select * from raw.attendance
),

final as (
    select
        trim(client_id) as client_id,
        cast(session_date as date) as session_date,
        lower(trim(status)) as status,
        coalesce(lower(nullif(trim(session_type), '')), 'group') as session_type,
        coalesce(cast(nullif(trim(duration_minutes), '') as integer), 180) as duration_minutes,
        _file,
        _line
    from source
)

select * from final
