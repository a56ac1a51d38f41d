-- census_by_month: admissions, discharges and active episodes per calendar month and group.
-- Grain: one row per month per group, from the first admission month to the cut-off's month.
-- Active at month end: admitted on or before the census date and not discharged by it (no
-- discharge, or a discharge date after it). Census date: the month's last day, or the data
-- cut-off in the cut-off's month. Discharges include administrative ones, dated at the last
-- attended session, so past months' census uses what is known at the cut-off.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

parameters as (
    select * from meta.parameters
),

months as (
    select unnest(generate_series(
        (select min(admission_month) from episodes),
        (select date_trunc('month', as_of)::date from parameters),
        interval 1 month
    ))::date as month
),

census_dates as (
    select m.month, least(last_day(m.month), p.as_of) as census_date
    from months as m
    cross join parameters as p
),

groups as (
    select distinct group_value from episodes
),

admissions as (
    select group_value, admission_month as month, count(*) as n_admissions
    from episodes
    group by all
),

discharges as (
    select group_value, discharge_month as month, count(*) as n_discharges
    from episodes
    where discharge_date is not null
    group by all
),

-- Active at a census date = admitted by it minus those who left by it (discharged on or after
-- their admission, by that date). Running sums of monthly counts give it per month; joining
-- every episode to every census date grew with episodes x months (docs/performance.md).
admitted as (
    select e.group_value, e.admission_month as month, count(*) as n_admitted
    from episodes as e
    cross join parameters as p
    where e.admission_date <= p.as_of
    group by all
),

left_care as (
    select
        e.group_value,
        date_trunc('month', greatest(e.admission_date, e.discharge_date))::date as month,
        count(*) as n_left
    from episodes as e
    cross join parameters as p
    where e.discharge_date is not null and greatest(e.admission_date, e.discharge_date) <= p.as_of
    group by all
),

active as (
    select
        g.group_value,
        c.month,
        c.census_date,
        sum(coalesce(a.n_admitted, 0) - coalesce(l.n_left, 0))
            over (partition by g.group_value order by c.month)::bigint as n_active_end
    from census_dates as c
    cross join groups as g
    left join admitted as a on a.group_value = g.group_value and a.month = c.month
    left join left_care as l on l.group_value = g.group_value and l.month = c.month
),

final as (
    select
        a.month,
        a.group_value,
        a.census_date,
        coalesce(ad.n_admissions, 0) as n_admissions,
        coalesce(d.n_discharges, 0) as n_discharges,
        a.n_active_end
    from active as a
    left join admissions as ad using (group_value, month)
    left join discharges as d using (group_value, month)
)

select * from final order by month, group_value
