-- int_followup_kinds: the distinct ways a follow-up can stand, numbered.
-- Grain: one row per distinct combination of a follow-up's timepoint and status flags among the
-- follow-ups placed in an episode (a few dozen). Intermediate: an episode's follow-ups are
-- written as a sorted list of these numbers (marts.int_episode_followups), so that episodes
-- whose follow-ups stand the same way share one pattern (marts.followup_patterns).
with followups as (
    select * from marts.followups where episode_id is not null
),

kinds as (
    select distinct
        timepoint,
        timepoint_order,
        status,
        is_due,
        is_completed,
        is_in_window,
        is_overdue,
        is_in_followup_rate
    from followups
),

final as (
    select
        row_number() over (
            order by timepoint_order, timepoint, status, is_due, is_completed, is_in_window,
                is_overdue, is_in_followup_rate
        ) as followup_kind,
        *
    from kinds
)

select * from final
