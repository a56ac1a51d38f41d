-- freshness: how recent each input table's data is, against the data cut-off.
-- Grain: one row per input table. Latest date: the newest admission (or recorded discharge),
-- session, test, assessment or follow-up contact loaded; rows: the input's rows placed in its
-- mart, orphans included. Read by the Data quality page (pipelines/access/sql/freshness.sql).
-- Why a mart: marts.substance_tests is a view, and counting it at 1M episodes places 34 M rows
-- again (2.6 s a call); counted here once per build, from staging, whose rows that view places
-- one to one (an episode's span ends where the client's next one starts).
with parameters as (
    select * from meta.parameters
),

latest as (
    select 'admissions' as input_table, count(*) as n_rows,
        max(greatest(admission_date, coalesce(discharge_date_recorded, admission_date)))
            as latest_date
    from marts.episodes
    union all
    select 'attendance', count(*), max(session_date) from marts.sessions
    union all
    select 'substance_use', count(*), max(test_date) from staging.stg_substance_use
    union all
    select 'abstinence', count(*), max(assessment_date) from marts.assessments
    union all
    select 'followups', count(*), max(contact_date) from marts.followups
),

final as (
    select l.*, p.as_of - l.latest_date as days_before_cutoff
    from latest as l
    cross join parameters as p
)

select * from final
