-- freshness: how recent each input table's data is, against the data cut-off.
-- Grain: one row per input table. Latest date: the newest admission, session, test, assessment
-- or follow-up contact loaded; rows: rows in the mart (orphans included).
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
    select 'substance_use', count(*), max(test_date) from marts.substance_tests
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
