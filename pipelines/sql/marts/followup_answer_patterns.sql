-- followup_answer_patterns: the completed follow-ups of each answer pattern, with the answers.
-- Grain: one row per answer pattern per completed follow-up in it
-- (marts.int_episode_followups). Columns as in marts.followups. Why: as
-- marts.followup_patterns; at 1M episodes 0.7 M episodes with a completed follow-up answer in
-- about 32,000 patterns. followup_outcomes counts this way.
with patterns as (
    select distinct answer_pattern_id, answer_kinds
    from marts.int_episode_followups
    where answer_pattern_id is not null
),

kinds as (
    select * from marts.int_followup_answer_kinds
),

final as (
    select
        p.answer_pattern_id,
        k.timepoint,
        k.timepoint_order,
        k.is_in_window,
        k.is_fully_abstinent,
        k.employed_or_in_school,
        k.stable_housing,
        k.arrested_30d
    from patterns as p
    cross join unnest(p.answer_kinds) as u (answer_kind)
    inner join kinds as k on k.answer_kind = u.answer_kind
)

select * from final
