-- substance_tests: drug screens, breath tests and self-reports placed in their episode.
-- Materialized: view
-- Grain: one row per test result or self-report per substance.
-- Why a view: 34 M rows at 1M episodes that pages never read (they read marts.episode_screens
-- and marts.use_test_weeks, built from this view); storing them took 18.5 s of an 87 s build,
-- and the three models that read it take about 7 s more for placing the rows again
-- (docs/performance.md). Researchers reading it pay the placement: about 2.6 s a scan at 1M.
-- A positive for the medication prescribed in the episode (methadone, buprenorphine) is
-- adherence, not use (DOMAIN.md): is_use is false for it.
with tests as (
    select * from staging.stg_substance_use
),

spans as (
    select * from marts.int_episode_spans
),

parameters as (
    select * from meta.parameters
),

final as (
    select
        t.client_id,
        t.test_date,
        t.method,
        t.substance,
        t.substance_class,
        t.result,
        s.episode_id,
        t.test_date - s.admission_date as day_in_episode,
        (t.test_date - s.admission_date) // 7 + 1 as week_number,
        s.episode_id is not null and coalesce(t.test_date <= least(
            coalesce(s.discharge_date_recorded, p.as_of),
            coalesce(s.next_admission_date - 1, p.as_of),
            p.as_of
        ), false) as is_in_episode,
        coalesce(t.substance_medication = s.medication, false) as is_prescribed_medication,
        t.result = 'positive' and not coalesce(t.substance_medication = s.medication, false)
            as is_use,
        t._file,
        t._line
    from tests as t
    -- [admission, next admission) is "the latest admission on or before"; as a hash join
    -- with a range it is several times faster than an ASOF join (docs/performance.md).
    left join spans as s
        on t.client_id = s.client_id
        and t.test_date >= s.admission_date
        and (t.test_date < s.next_admission_date or s.next_admission_date is null)
    cross join parameters as p
)

select * from final
