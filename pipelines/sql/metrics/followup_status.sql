-- followup_status: follow-ups scheduled, due, completed, in window and overdue per timepoint.
-- Grain: one row per group per follow-up timepoint. Follow-up rate (computed in Python) =
-- completed inside the window (due date +/- followup_window_days, SUPRT) / follow-ups counted
-- in the rate (n_eligible: a final outcome, or pending after the window closed; clients who died
-- are left out, as in SAMHSA GPRA). Target: 80% (SAMHSA). marts.followups holds the flags.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

followups as (
    select * from marts.followups
),

final as (
    select
        e.group_value,
        f.timepoint,
        f.timepoint_order,
        count(*) as n_scheduled,
        count(*) filter (where f.is_due) as n_due,
        count(*) filter (where not f.is_due) as n_not_yet_due,
        count(*) filter (where f.is_completed) as n_completed,
        count(*) filter (where f.is_in_window) as n_in_window,
        count(*) filter (where f.is_overdue) as n_overdue,
        count(*) filter (where f.status = 'deceased') as n_deceased,
        count(*) filter (where f.is_in_followup_rate) as n_eligible
    from episodes as e
    inner join followups as f using (episode_id)
    group by all
)

select * from final order by group_value, timepoint_order, timepoint
