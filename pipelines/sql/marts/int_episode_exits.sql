-- int_episode_exits: each admission with its effective discharge (recorded or administrative).
-- Grain: one row per admission. Intermediate: marts.episodes reads it.
-- Administrative discharge (block-grant episode rule, DOMAIN.md "Episode rules"): an episode with
-- no recorded discharge whose last attended session is more than admin_discharge_gap_days before
-- the data cut-off is discharged at that last attended session (at the admission date when no
-- session was attended); an open episode followed by a new admission is closed the same way.
-- TEDS counts such exits as REASON 2 (dropped out). Parameter: meta.parameters.
with spans as (
    select * from marts.int_episode_spans
),

sessions as (
    select * from marts.sessions where is_in_episode
),

parameters as (
    select * from meta.parameters
),

last_attended as (
    select episode_id, max(session_date) as last_attended_date
    from sessions
    where is_attended
    group by episode_id
),

exits as (
    select
        s.*,
        l.last_attended_date,
        s.discharge_date_recorded is null
            and (
                s.next_admission_date is not null
                or p.as_of - coalesce(l.last_attended_date, s.admission_date)
                    > p.admin_discharge_gap_days
            )
            as is_administrative_discharge
    from spans as s
    left join last_attended as l using (episode_id)
    cross join parameters as p
),

final as (
    select
        *,
        case
            when is_administrative_discharge then coalesce(last_attended_date, admission_date)
            else discharge_date_recorded
        end as discharge_date,
        case
            when is_administrative_discharge then 'administrative'
            else discharge_reason_recorded
        end as discharge_reason
    from exits
)

select * from final
