-- discharges_by_reason: discharges per reason (TEDS REASON, plus administrative) and group.
-- Grain: one row per discharge reason per group; reasons with no discharges are shown as 0.
-- Denominator for shares: all discharges of the group (n_discharged).
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

reasons as (
    select * from seeds.discharge_reasons
),

groups as (
    select distinct group_value from episodes
),

counts as (
    select group_value, discharge_reason, count(*) as n_discharges
    from episodes
    where discharge_reason is not null
    group by all
),

final as (
    select
        g.group_value,
        r.discharge_reason,
        r.teds_code,
        r.label,
        r.sort_order,
        coalesce(c.n_discharges, 0) as n_discharges,
        sum(coalesce(c.n_discharges, 0)) over (partition by g.group_value)::bigint
            as n_discharged
    from groups as g
    cross join reasons as r
    left join counts as c using (group_value, discharge_reason)
)

select * from final order by group_value, sort_order
