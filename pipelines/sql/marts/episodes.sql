-- episodes: one row per admission with its effective discharge, retention time and cohort.
-- Grain: one row per episode (client_id, admission_date).
-- Administrative discharge (block-grant episode rule, DOMAIN.md): an episode with no recorded
-- discharge whose last attended session is more than admin_discharge_gap_days before the data
-- cut-off (or before the client's next admission) is discharged at that last attended session
-- (at the admission date when no session was attended); an open episode followed by a new
-- admission is closed the same way. TEDS counts such exits as code 2 (dropped out).
-- Retention: time from admission to premature exit (dropped out, terminated, administrative);
-- completers, transfers, other exits and clients active at the cut-off are censored.
with spans as (
    select * from marts.int_episode_spans
),

sessions as (
    select * from marts.sessions where is_in_episode
),

reasons as (
    select * from seeds.discharge_reasons
),

buckets as (
    select * from seeds.los_buckets
),

parameters as (
    select * from meta.parameters
),

last_attended as (
    select episode_id, max(session_date) as last_attended_date
    from sessions
    where is_attended
    group by episode_id
),

exits as (
    select
        s.*,
        l.last_attended_date,
        s.discharge_date_recorded is null
            and (
                s.next_admission_date is not null
                or p.as_of - coalesce(l.last_attended_date, s.admission_date)
                    > p.admin_discharge_gap_days
            )
            as is_administrative_discharge
    from spans as s
    left join last_attended as l using (episode_id)
    cross join parameters as p
),

effective as (
    select
        *,
        case
            when is_administrative_discharge then coalesce(last_attended_date, admission_date)
            else discharge_date_recorded
        end as discharge_date,
        case
            when is_administrative_discharge then 'administrative'
            else discharge_reason_recorded
        end as discharge_reason
    from exits
),

final as (
    select
        e.episode_id,
        e.client_id,
        e.episode_number,
        e.admission_date,
        e.discharge_date,
        e.discharge_date_recorded,
        e.discharge_reason,
        r.teds_code as discharge_reason_teds_code,
        r.label as discharge_reason_label,
        e.is_administrative_discharge,
        e.discharge_date is null as is_active,
        e.last_attended_date,
        e.discharge_date - e.admission_date as los_days,
        b.los_bucket,
        coalesce(r.is_premature_exit, false) as is_premature_exit,
        coalesce(r.is_completed_or_transferred, false) as is_completed_or_transferred,
        coalesce(e.discharge_date, p.as_of) - e.admission_date as retention_days,
        coalesce(r.is_premature_exit, false) as retention_event,
        e.next_admission_date,
        case when e.discharge_date is not null
            then coalesce(e.next_admission_date - e.discharge_date <= 30, false)
        end as is_readmitted_30d,
        case when e.discharge_date is not null
            then coalesce(e.next_admission_date - e.discharge_date <= 90, false)
        end as is_readmitted_90d,
        case when e.discharge_date is not null
            then coalesce(e.next_admission_date - e.discharge_date <= 365, false)
        end as is_readmitted_365d,
        date_trunc('month', e.admission_date)::date as admission_month,
        strftime(e.admission_date, '%Y') || 'Q' || quarter(e.admission_date)
            as admission_quarter,
        year(e.admission_date) as admission_year,
        e.track,
        e.site,
        e.level_of_care,
        e.medication,
        e.primary_substance,
        e.sex,
        e.age_at_admission,
        case
            when e.age_at_admission is null then 'unknown'
            when e.age_at_admission < 18 then 'under 18'
            when e.age_at_admission < 26 then '18-25'
            when e.age_at_admission < 35 then '26-34'
            when e.age_at_admission < 45 then '35-44'
            when e.age_at_admission < 55 then '45-54'
            when e.age_at_admission < 65 then '55-64'
            else '65 and over'
        end as age_group,
        e.race_ethnicity,
        e.referral_source,
        e.counselor
    from effective as e
    cross join parameters as p
    left join reasons as r on e.discharge_reason = r.discharge_reason
    left join buckets as b on e.discharge_date - e.admission_date between b.min_days and b.max_days
)

select * from final
