-- episode_attended_days: the days of each episode with an attended session, as a sorted list.
-- Grain: one row per episode with at least one attended session. attended_days: distinct days
-- since admission (the admission day is day 0) with an attended session, ascending, up to the
-- effective discharge (or the data cut-off while active). Initiation and engagement
-- (initiation_engagement.sql) read windows of this list.
-- Why a mart: those windows otherwise scan every session row (3.4 M at 100k episodes) per call.
-- Why list_distinct: `list(distinct ...)` hashes every (episode, day) pair of 27 M sessions at
-- 1M episodes; removing the repeated days inside each short list took 7.3 s down to 4.5 s.
with sessions as (
    select * from marts.sessions where is_in_episode and is_attended
),

episodes as (
    select * from marts.episodes
),

parameters as (
    select * from meta.parameters
),

final as (
    select
        s.episode_id,
        list_sort(list_distinct(list(s.session_date - e.admission_date))) as attended_days
    from sessions as s
    inner join episodes as e using (episode_id)
    cross join parameters as p
    where s.session_date <= coalesce(e.discharge_date, p.as_of)
    group by s.episode_id
)

select * from final
