-- readmission_rate: discharges followed by a new admission of the same client within N days.
-- Grain: one row per group per window (30, 90, 365 days). Numerator: eligible discharges whose
-- client was admitted again at most N days after the discharge date. Denominator: discharges
-- whose whole N-day window lies before the data cut-off (discharge date + N <= cut-off), so a
-- recent discharge is not counted as "not readmitted" before its window has passed.
-- Any new episode counts, a step-down to another level of care included. DOMAIN.md "Readmission".
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

parameters as (
    select * from meta.parameters
),

windows as (
    select unnest([30, 90, 365]) as window_days
),

groups as (
    select distinct group_value from episodes
),

counts as (
    select
        e.group_value,
        w.window_days,
        count(*) as n_discharged_eligible,
        count(*) filter (where e.days_to_readmission <= w.window_days) as n_readmitted
    from episodes as e
    cross join windows as w
    cross join parameters as p
    where e.is_discharged and e.discharge_date + w.window_days <= p.as_of
    group by all
),

final as (
    select
        g.group_value,
        w.window_days,
        coalesce(c.n_discharged_eligible, 0) as n_discharged_eligible,
        coalesce(c.n_readmitted, 0) as n_readmitted
    from groups as g
    cross join windows as w
    left join counts as c using (group_value, window_days)
)

select * from final order by group_value, window_days
