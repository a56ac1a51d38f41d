-- int_followup_answer_kinds: the distinct ways a reached client can answer, numbered.
-- Grain: one row per distinct combination, among completed follow-ups placed in an episode, of
-- the timepoint, whether the contact was inside the window, and the four outcome answers
-- (a hundred or so). Intermediate: as marts.int_followup_kinds, for the outcomes
-- (marts.followup_answer_patterns).
with followups as (
    select * from marts.followups where episode_id is not null and is_completed
),

kinds as (
    select distinct
        timepoint,
        timepoint_order,
        is_in_window,
        is_fully_abstinent,
        employed_or_in_school,
        stable_housing,
        arrested_30d
    from followups
),

final as (
    select
        row_number() over (
            order by timepoint_order, timepoint, is_in_window, is_fully_abstinent,
                employed_or_in_school, stable_housing, arrested_30d
        ) as answer_kind,
        *
    from kinds
)

select * from final
