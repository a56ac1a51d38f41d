-- quarter_discharges: the episodes discharged in a report period, whatever their admission date.
-- Grain: one row per discharged episode (aggregated in Python; never shown row by row).
-- Discharged in the period: effective discharge date (recorded, or administrative at the last
-- attended session) from $period_start to $period_end. Reason: TEDS REASON (seed
-- discharge_reasons; administrative under code 2). Length of stay: TEDS LOS days (discharge −
-- admission). Abstinence: the episode's intake and discharge interviews (marts.abstinence_points,
-- substance `any`; 0 days of use in the past 30 = fully abstinent, SAMHSA GPRA), empty when not
-- interviewed. Admission date and quarter filters are not used (null).
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

reasons as (
    select * from seeds.discharge_reasons
),

intake as (
    select * from marts.abstinence_points where timepoint = 'intake'
),

at_discharge as (
    select * from marts.abstinence_points where timepoint = 'discharge'
),

final as (
    select
        e.group_value,
        e.episode_id,
        e.discharge_reason,
        r.label as discharge_reason_label,
        r.sort_order as discharge_reason_order,
        e.los_days,
        i.days_abstinent_rate as intake_days_abstinent_rate,
        i.is_fully_abstinent as is_fully_abstinent_intake,
        d.days_abstinent_rate as discharge_days_abstinent_rate,
        d.is_fully_abstinent as is_fully_abstinent_discharge
    from episodes as e
    inner join reasons as r using (discharge_reason)
    left join intake as i using (episode_id)
    left join at_discharge as d using (episode_id)
    where e.discharge_date between $period_start and $period_end
)

select * from final order by group_value, episode_id
