-- followups_pending: follow-ups to do now: overdue, window open, or coming due in $horizon_days.
-- Grain: one row per pending follow-up, unordered. Window: due date +/- followup_window_days
-- (SUPRT); overdue = still pending after the window closed (marts.followups.is_overdue).
-- The one definition behind followups_due (the list) and followups_due_counts (its counts);
-- pipelines.access.queries puts it in their {followups_pending}.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

parameters as (
    select * from meta.parameters
),

final as (
    select
        e.client_id,
        e.episode_id,
        e.track,
        e.counselor,
        f.timepoint,
        f.due_date,
        f.due_date - p.followup_window_days as window_open_date,
        f.window_close_date,
        case
            when f.is_overdue then 'overdue'
            when f.due_date - p.followup_window_days <= p.as_of then 'window open'
            else 'coming due'
        end as followup_state,
        greatest(p.as_of - f.window_close_date, 0) as days_overdue
    from episodes as e
    inner join marts.followups as f using (episode_id)
    cross join parameters as p
    where f.status = 'pending' and f.due_date <= p.as_of + $horizon_days
)

select * from final
