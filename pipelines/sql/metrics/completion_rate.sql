-- completion_rate: completed and completed-or-transferred discharges among all discharges.
-- Grain: one row per group. Numerator: discharges with TEDS REASON 1 (completed), and 1 or 4
-- (completed or transferred to further treatment). Denominator: all discharges, administrative
-- ones included (TEDS REASON 2). Active episodes are excluded. Citation: SAMHSA TEDS-D codebook,
-- variable REASON; DOMAIN.md "Discharge reasons". Intervals (Wilson) are added in Python.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

final as (
    select
        group_value,
        count(*) filter (where is_discharged) as n_discharged,
        count(*) filter (where is_completed) as n_completed,
        count(*) filter (where is_discharged and is_completed_or_transferred)
            as n_completed_or_transferred
    from episodes
    group by all
)

select * from final order by group_value
