-- followups_due_counts: the pending follow-ups of followups_pending.sql counted per state.
-- Grain: one row per state (overdue, window open, coming due), zero when none, in that order.
-- Directors only, as the list (pipelines.access).
with states as (
    select * from (values (1, 'overdue'), (2, 'window open'), (3, 'coming due'))
        as s (state_order, followup_state)
),

pending as (
    select followup_state from ({followups_pending})
),

final as (
    select
        s.followup_state,
        s.state_order,
        count(p.followup_state) as n_followups
    from states as s
    left join pending as p using (followup_state)
    group by all
)

select * from final order by state_order
