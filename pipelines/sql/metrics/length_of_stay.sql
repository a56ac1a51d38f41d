-- length_of_stay: the length of stay of every discharged episode, for medians and quartiles.
-- Grain: one row per discharged episode (administrative discharges included, dated at the last
-- attended session). los_days = discharge date - admission date (TEDS LOS); active episodes
-- have no length of stay yet and are excluded. Statistics are computed in Python.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

reasons as (
    select * from seeds.discharge_reasons
),

final as (
    select
        e.group_value,
        e.episode_id,
        e.discharge_reason,
        r.label as discharge_reason_label,
        r.sort_order as discharge_reason_order,
        e.los_days
    from episodes as e
    inner join reasons as r using (discharge_reason)
    where e.is_discharged
)

-- Unordered: the Python side groups these rows, and sorting them here cost more than the
-- rest of the query (docs/performance.md).
select * from final
