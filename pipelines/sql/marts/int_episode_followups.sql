-- int_episode_followups: each episode's follow-ups as two patterns.
-- Grain: one row per episode with at least one follow-up. followup_kinds: the sorted kinds of
-- its follow-ups (marts.int_followup_kinds; a kind repeats when two follow-ups share it);
-- answer_kinds: the same for its completed follow-ups and their answers
-- (marts.int_followup_answer_kinds; empty when none was completed). followup_pattern_id and
-- answer_pattern_id number the distinct lists (answer_pattern_id empty for an empty list).
-- marts.episodes carries both ids.
with followups as (
    select * from marts.followups where episode_id is not null
),

kinds as (
    select * from marts.int_followup_kinds
),

answer_kinds as (
    select * from marts.int_followup_answer_kinds
),

listed as (
    select
        f.episode_id,
        list(k.followup_kind order by k.followup_kind) as followup_kinds,
        list(a.answer_kind order by a.answer_kind) filter (where a.answer_kind is not null)
            as answer_kinds
    from followups as f
    -- Every column compared as "not distinct": a NULL status or answer is a kind too.
    inner join kinds as k
        on f.timepoint is not distinct from k.timepoint
        and f.timepoint_order = k.timepoint_order
        and f.status is not distinct from k.status
        and f.is_due is not distinct from k.is_due
        and f.is_completed is not distinct from k.is_completed
        and f.is_in_window is not distinct from k.is_in_window
        and f.is_overdue is not distinct from k.is_overdue
        and f.is_in_followup_rate is not distinct from k.is_in_followup_rate
    left join answer_kinds as a
        on f.is_completed
        and f.timepoint is not distinct from a.timepoint
        and f.timepoint_order = a.timepoint_order
        and f.is_in_window is not distinct from a.is_in_window
        and f.is_fully_abstinent is not distinct from a.is_fully_abstinent
        and f.employed_or_in_school is not distinct from a.employed_or_in_school
        and f.stable_housing is not distinct from a.stable_housing
        and f.arrested_30d is not distinct from a.arrested_30d
    group by f.episode_id
),

final as (
    select
        episode_id,
        followup_kinds,
        dense_rank() over (order by followup_kinds) as followup_pattern_id,
        coalesce(answer_kinds, []) as answer_kinds,
        case when answer_kinds is not null
            then dense_rank() over (order by answer_kinds)
        end as answer_pattern_id
    from listed
)

select * from final
