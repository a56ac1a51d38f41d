-- sessions: scheduled sessions placed in their episode.
-- Grain: one row per scheduled session. A session belongs to the client's latest admission on or
-- before its date; it is in the episode when it falls before the recorded discharge (or the next
-- admission, or the data cut-off). Sessions outside every episode are kept, with episode_id null
-- or is_in_episode false, and listed in marts.orphan_rows.
with attendance as (
    select * from staging.stg_attendance
),

spans as (
    select * from marts.int_episode_spans
),

parameters as (
    select * from meta.parameters
),

placed as (
    select
        a.*,
        s.episode_id,
        s.episode_id is not null and coalesce(
            a.session_date <= least(
                coalesce(s.discharge_date_recorded, p.as_of),
                coalesce(s.next_admission_date - 1, p.as_of),
                p.as_of
            ),
            false
        ) as is_in_episode
    from attendance as a
    -- [admission, next admission) is "the latest admission on or before"; as a hash join
    -- with a range it is several times faster than an ASOF join (docs/performance.md).
    left join spans as s
        on a.client_id = s.client_id
        and a.session_date >= s.admission_date
        and (a.session_date < s.next_admission_date or s.next_admission_date is null)
    cross join parameters as p
),

final as (
    select
        *,
        status = 'attended' as is_attended,
        case when status = 'attended' then duration_minutes / 60.0 else 0 end as attended_hours
    from placed
)

select * from final
