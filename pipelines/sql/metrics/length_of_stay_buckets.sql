-- length_of_stay_buckets: discharges per TEDS length-of-stay category.
-- Grain: one row per TEDS LOS category per group; every category is listed, 0 when empty.
-- Categories (TEDS-D LOS): 1-30 days (a same-day discharge counts here), 31-45, 46-60, 61-90,
-- 91-120, 121-180, 181-365, over a year. Denominator for shares: the group's discharges.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

buckets as (
    select * from seeds.los_buckets
),

groups as (
    select distinct group_value from episodes
),

counts as (
    select group_value, los_bucket, count(*) as n_discharges
    from episodes
    where is_discharged
    group by all
),

final as (
    select
        g.group_value,
        b.los_bucket,
        b.sort_order as los_bucket_order,
        coalesce(c.n_discharges, 0) as n_discharges,
        sum(coalesce(c.n_discharges, 0)) over (partition by g.group_value)::bigint
            as n_discharged
    from groups as g
    cross join buckets as b
    left join counts as c using (group_value, los_bucket)
)

select * from final order by group_value, los_bucket_order
