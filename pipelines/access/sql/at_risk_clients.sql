-- at_risk_clients: episodes a director should look at this week, with the reason for each flag.
-- Grain: one row per flagged episode. Flags, counted back from the data cut-off:
-- recent no-shows: at least $min_no_shows no-shows in the last $recent_days days (active only);
-- positive after a negative run: the latest screen shows use, after at least $negative_run
--   negative screens in a row, and falls in the last $recent_days days (active only);
-- no contact: no attended session for $no_contact_days days or more (active only);
-- follow-up overdue: a follow-up still pending after its window closed (marts.followups).
-- Screens and runs of negative screen days: marts.episode_screens. Client-level: directors only
-- (pipelines.access).
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

parameters as (
    select * from meta.parameters
),

no_shows as (
    select s.episode_id, count(*) as n_recent_no_shows
    from marts.sessions as s
    cross join parameters as p
    where s.is_in_episode and s.status = 'no_show'
        and s.session_date > p.as_of - $recent_days and s.session_date <= p.as_of
    group by s.episode_id
),

runs as (
    select * from marts.episode_screens
),

overdue as (
    select
        episode_id,
        string_agg(timepoint || ' (due ' || strftime(due_date, '%Y-%m-%d') || ')', ', '
            order by due_date) as overdue_followups
    from marts.followups
    where is_overdue
    group by episode_id
),

flagged as (
    select
        e.client_id,
        e.episode_id,
        e.track,
        e.site,
        e.counselor,
        e.admission_date,
        e.is_active,
        coalesce(n.n_recent_no_shows, 0) as n_recent_no_shows,
        e.last_attended_date,
        p.as_of - coalesce(e.last_attended_date, e.admission_date) as days_since_contact,
        r.last_screen_date,
        r.n_negative_before_last,
        o.overdue_followups,
        e.is_active and coalesce(n.n_recent_no_shows, 0) >= $min_no_shows as has_no_shows,
        e.is_active and coalesce(r.is_last_screen_positive, false)
            and r.n_negative_before_last >= $negative_run
            and r.last_screen_date > p.as_of - $recent_days as has_positive_after_negatives,
        e.is_active and p.as_of - coalesce(e.last_attended_date, e.admission_date)
            >= $no_contact_days as has_no_contact,
        o.overdue_followups is not null as has_overdue_followup
    from episodes as e
    cross join parameters as p
    left join no_shows as n using (episode_id)
    left join runs as r using (episode_id)
    left join overdue as o using (episode_id)
),

final as (
    select
        *,
        concat_ws('; ',
            case when has_no_shows then
                n_recent_no_shows || ' no-shows in the last ' || $recent_days || ' days' end,
            case when has_positive_after_negatives then
                'positive screen on ' || strftime(last_screen_date, '%Y-%m-%d') || ' after '
                || n_negative_before_last || ' negative screens in a row' end,
            case when has_no_contact then
                'no attended session for ' || days_since_contact || ' days' end,
            case when has_overdue_followup then 'follow-up overdue: ' || overdue_followups end
        ) as reasons
    from flagged
    where has_no_shows or has_positive_after_negatives or has_no_contact
        or has_overdue_followup
)

select * from final order by is_active desc, days_since_contact desc, client_id
