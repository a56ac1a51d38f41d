-- orphan_rows: input rows that belong to no episode of their client, kept and reported.
-- Grain: one row per orphan input row. Sessions and tests must fall inside an episode;
-- assessments and follow-ups only need an admission on or before their date.
with sessions as (
    select 'attendance' as input_table, client_id, session_date as row_date, episode_id,
        is_in_episode, _file, _line
    from marts.sessions
),

tests as (
    select 'substance_use', client_id, test_date, episode_id, is_in_episode, _file, _line
    from marts.substance_tests
),

assessments as (
    select 'abstinence', client_id, assessment_date, episode_id, episode_id is not null,
        _file, _line
    from marts.assessments
),

followups as (
    select 'followups', client_id, due_date, episode_id, episode_id is not null, _file, _line
    from marts.followups
),

all_rows as (
    select * from sessions
    union all select * from tests
    union all select * from assessments
    union all select * from followups
),

final as (
    select
        input_table,
        client_id,
        row_date,
        case
            when episode_id is null then 'no admission of this client on or before this date'
            else 'after the end of the client''s episode and before any new admission'
        end as reason,
        _file,
        _line
    from all_rows
    where not is_in_episode
)

select * from final
