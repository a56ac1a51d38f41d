-- followups: scheduled post-discharge follow-ups placed in their episode, with window compliance.
-- Grain: one row per scheduled follow-up. A follow-up belongs to the client's latest admission
-- on or before its due date. In window: contacted within followup_window_days of the due date
-- (SUPRT: due date +/- 30 days). Window closed: due date + window before the data cut-off.
-- Overdue: still pending after its window closed. Counted in the follow-up rate
-- (is_in_followup_rate): a final outcome (any status but pending) or an overdue one, except a
-- client who died (SAMHSA GPRA leaves deceased clients out of the follow-up rate).
with followups as (
    select * from staging.stg_followups
),

spans as (
    select * from marts.int_episode_spans
),

timepoints as (
    select * from seeds.followup_timepoints
),

parameters as (
    select * from meta.parameters
),

final as (
    select
        f.client_id,
        f.timepoint,
        t.days_after_discharge,
        coalesce(t.sort_order, 99) as timepoint_order,
        f.due_date,
        f.status,
        f.contact_date,
        f.status = 'completed' as is_completed,
        coalesce(
            f.status = 'completed'
            and abs(f.contact_date - f.due_date) <= p.followup_window_days,
            false
        ) as is_in_window,
        f.due_date <= p.as_of as is_due,
        f.status = 'pending' and f.due_date + p.followup_window_days < p.as_of as is_overdue,
        f.due_date + p.followup_window_days as window_close_date,
        f.due_date + p.followup_window_days < p.as_of as is_window_closed,
        f.status <> 'deceased'
            and (f.status <> 'pending' or f.due_date + p.followup_window_days < p.as_of)
            as is_in_followup_rate,
        f.contact_date - f.due_date as days_from_due,
        f.days_abstinent_30,
        f.days_abstinent_30 = 30 as is_fully_abstinent,
        f.employed_or_in_school,
        f.stable_housing,
        f.arrested_30d,
        s.episode_id,
        f._file,
        f._line
    from followups as f
    -- [admission, next admission) is "the latest admission on or before"; as a hash join
    -- with a range it is several times faster than an ASOF join (docs/performance.md).
    left join spans as s
        on f.client_id = s.client_id
        and f.due_date >= s.admission_date
        and (f.due_date < s.next_admission_date or s.next_admission_date is null)
    left join timepoints as t on f.timepoint = t.timepoint
    cross join parameters as p
)

select * from final
