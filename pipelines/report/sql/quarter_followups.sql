-- quarter_followups: the follow-ups whose window closed in a report period, with what was learnt.
-- Grain: one row per scheduled follow-up (aggregated in Python; never shown row by row).
-- In the period: the window (due date ± followup_window_days, SUPRT 180 ± 30 days) closed from
-- $period_start to $period_end, before the data cut-off, so every outcome is final. Counted in
-- the follow-up rate: all but clients who died (SAMHSA GPRA). Reached: completed inside the
-- window. Outcomes (NOMs) as answered at the contact; intake abstinence from
-- marts.abstinence_points. Intake characteristics for the retention-bias table. Admission date
-- and quarter filters are not used (null).
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

followups as (
    select * from marts.followups
    where window_close_date between $period_start and $period_end and is_window_closed
),

intake as (
    select * from marts.abstinence_points where timepoint = 'intake'
),

final as (
    select
        e.group_value,
        f.episode_id,
        f.timepoint,
        f.timepoint_order,
        f.status,
        f.is_in_followup_rate as is_counted,
        f.is_in_window as is_reached,
        f.days_abstinent_30,
        f.days_abstinent_30 / 30 as days_abstinent_rate,
        f.is_fully_abstinent,
        f.employed_or_in_school,
        f.stable_housing,
        f.arrested_30d,
        i.days_abstinent_rate as intake_days_abstinent_rate,
        i.is_fully_abstinent as is_fully_abstinent_intake,
        e.age_at_admission,
        e.sex,
        e.primary_substance,
        coalesce(e.discharge_reason, 'active') as discharge_reason,
        case when e.is_completed then 'yes' else 'no' end as completed_treatment,
        e.track
    from episodes as e
    inner join followups as f using (episode_id)
    left join intake as i using (episode_id)
)

select * from final order by group_value, timepoint_order, timepoint, episode_id
