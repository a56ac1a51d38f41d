-- quarter_census: clients served, admissions, discharges and active episodes in a report period.
-- Grain: one row per group (groups with no episode in the period are absent). Period:
-- $period_start to $period_end (the quarter, ending at the data cut-off when it falls inside).
-- Served: episodes active on at least one day of the period (admitted on or before its last day,
-- not discharged before its first); n_clients_served counts distinct clients among them.
-- Active at start: served and admitted before the period. Admissions and discharges: dated in the
-- period (discharges include administrative ones, dated at the last attended session). Active at
-- end: served and not discharged by the period's last day. Identities: served = active at start +
-- admissions = discharges + active at end. Filters select episodes as everywhere; the admission
-- date and quarter filters are not used ($date_from, $date_to and $quarters are null).
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

served as (
    select *
    from episodes
    where admission_date <= $period_end
        and (discharge_date is null or discharge_date >= $period_start)
),

final as (
    select
        group_value,
        count(distinct client_id) as n_clients_served,
        count(*) as n_episodes_served,
        count(*) filter (where admission_date < $period_start) as n_active_start,
        count(*) filter (where admission_date >= $period_start) as n_admissions,
        count(*) filter (where discharge_date <= $period_end) as n_discharges,
        count(*) filter (where discharge_date is null or discharge_date > $period_end)
            as n_active_end
    from served
    group by group_value
)

select * from final order by group_value
