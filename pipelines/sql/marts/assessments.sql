-- assessments: abstinent-day counts placed in their episode, with percent days abstinent.
-- Grain: one row per assessment per substance. An assessment belongs to the client's latest
-- admission on or before its date (follow-up interviews fall after discharge by design).
with abstinence as (
    select * from staging.stg_abstinence
),

spans as (
    select * from marts.int_episode_spans
),

final as (
    select
        a.client_id,
        a.assessment_date,
        a.timepoint,
        a.substance,
        a.window_days,
        a.days_abstinent,
        a.days_abstinent / a.window_days as days_abstinent_rate,
        a.days_abstinent = a.window_days as is_fully_abstinent,
        s.episode_id,
        a.assessment_date - s.admission_date as day_in_episode,
        a._file,
        a._line
    from abstinence as a
    -- [admission, next admission) is "the latest admission on or before"; as a hash join
    -- with a range it is several times faster than an ASOF join (docs/performance.md).
    left join spans as s
        on a.client_id = s.client_id
        and a.assessment_date >= s.admission_date
        and (a.assessment_date < s.next_admission_date or s.next_admission_date is null)
)

select * from final
