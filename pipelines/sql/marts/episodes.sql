-- episodes: one row per admission with its effective discharge, length of stay, retention time,
-- readmission and admission cohort. Grain: one row per episode (client_id, admission_date).
-- Effective discharge: recorded, or administrative (marts.int_episode_exits). Length of stay
-- (TEDS LOS): discharge minus admission date in days. Retention: days to a premature exit
-- (dropped out, terminated, administrative); every other exit and active episodes are censored.
-- Readmission within N days: next admission at most N days after discharge; empty while active.
-- followup_pattern_id: how its follow-ups stand (marts.followup_patterns); empty without any.
-- answer_pattern_id: the answers at its completed follow-ups (marts.followup_answer_patterns).
with exits as (
    select * from marts.int_episode_exits
),

reasons as (
    select * from seeds.discharge_reasons
),

buckets as (
    select * from seeds.los_buckets
),

age_groups as (
    select * from seeds.age_groups
),

parameters as (
    select * from meta.parameters
),

followups as (
    select * from marts.int_episode_followups
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
        e.discharge_date is not null as is_discharged,
        e.discharge_reason = 'completed' as is_completed,
        e.last_attended_date,
        e.discharge_date - e.admission_date as los_days,
        b.los_bucket,
        b.sort_order as los_bucket_order,
        case when e.discharge_date - e.admission_date <= 30
            then greatest(e.discharge_date - e.admission_date, 1) else b.teds_code
        end as los_teds_code,
        coalesce(r.is_premature_exit, false) as is_premature_exit,
        coalesce(r.is_completed_or_transferred, false) as is_completed_or_transferred,
        coalesce(e.discharge_date, p.as_of) - e.admission_date as retention_days,
        coalesce(r.is_premature_exit, false) as retention_event,
        e.next_admission_date,
        e.next_admission_date - e.discharge_date as days_to_readmission,
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
        date_trunc('month', e.discharge_date)::date as discharge_month,
        e.track,
        e.site,
        e.level_of_care,
        e.medication,
        e.primary_substance,
        e.sex,
        e.age_at_admission,
        coalesce(a.age_group, 'unknown') as age_group,
        e.race_ethnicity,
        e.referral_source,
        e.counselor,
        f.followup_pattern_id,
        f.answer_pattern_id
    from exits as e
    cross join parameters as p
    left join reasons as r on e.discharge_reason = r.discharge_reason
    left join buckets as b on e.discharge_date - e.admission_date between b.min_days and b.max_days
    left join age_groups as a on e.age_at_admission between a.min_age and a.max_age
    left join followups as f on f.episode_id = e.episode_id
)

select * from final
