-- followup_patterns: the follow-ups of each follow-up pattern, with their flags.
-- Grain: one row per pattern per follow-up in it (marts.int_episode_followups). Columns as in
-- marts.followups. Why: at 1M episodes, 2.5 M follow-ups stand in about 1,500 patterns, so a
-- count over the episodes of a filter is their patterns counted, then joined here (about
-- 30 ms), instead of the 2.5 M follow-ups joined to a million episodes (about 230 ms;
-- docs/performance.md). followup_status and followup_bias read it.
with patterns as (
    select distinct followup_pattern_id, followup_kinds from marts.int_episode_followups
),

kinds as (
    select * from marts.int_followup_kinds
),

final as (
    select
        p.followup_pattern_id,
        k.timepoint,
        k.timepoint_order,
        k.status,
        k.is_due,
        k.is_completed,
        k.is_in_window,
        k.is_overdue,
        k.is_in_followup_rate
    from patterns as p
    cross join unnest(p.followup_kinds) as u (followup_kind)
    inner join kinds as k on k.followup_kind = u.followup_kind
)

select * from final
