-- analysis_extract: one row per episode for researchers, de-identified: no dates (days from
-- admission instead, year of admission kept as HIPAA Safe Harbor allows), age in groups, the
-- client id replaced by a keyed pseudonym in Python (pipelines.access.pseudonyms). The weekly
-- use-pattern words (marts.episode_words, CTNote legend) let outcome definitions be recomputed.
-- Grain: one row per episode passing the filters.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

attendance as (
    select * from marts.episode_attendance
),

screens as (
    -- the screen counts of the negative-screen rate, from their one definition
    select episode_id, n_screens, n_negative_screens from marts.episode_screens
),

points as (
    select
        episode_id,
        max(days_abstinent_rate) filter (where timepoint = 'intake') as intake_days_abstinent_rate,
        max(days_abstinent_rate) filter (where timepoint = 'discharge')
            as discharge_days_abstinent_rate
    from marts.abstinence_points
    group by episode_id
),

followups as (
    select
        episode_id,
        count(*) filter (where is_in_followup_rate) as n_followups_eligible,
        count(*) filter (where is_in_window) as n_followups_in_window
    from marts.followups
    group by episode_id
),

words as (
    select
        episode_id,
        max(word) filter (where substance_class = 'any') as use_word_any,
        max(word) filter (where substance_class = 'opioids') as use_word_opioids,
        max(word) filter (where substance_class = 'alcohol') as use_word_alcohol,
        max(word) filter (where substance_class = 'stimulants') as use_word_stimulants
    from marts.episode_words
    group by episode_id
),

final as (
    select
        e.client_id,
        e.episode_id,
        e.episode_number,
        e.group_value,
        e.admission_year,
        e.track,
        e.site,
        e.level_of_care,
        e.medication,
        e.primary_substance,
        e.sex,
        e.age_group,
        e.race_ethnicity,
        e.referral_source,
        e.is_active,
        e.discharge_reason,
        e.los_days,
        e.retention_days,
        e.retention_event,
        e.days_to_readmission,
        a.n_weeks,
        a.n_scheduled,
        a.n_attended,
        a.n_no_show,
        a.attended_hours,
        a.n_complete_weeks,
        a.n_complete_weeks_meeting_asam,
        coalesce(s.n_screens, 0) as n_screens,
        coalesce(s.n_negative_screens, 0) as n_negative_screens,
        pt.intake_days_abstinent_rate,
        pt.discharge_days_abstinent_rate,
        coalesce(f.n_followups_eligible, 0) as n_followups_eligible,
        coalesce(f.n_followups_in_window, 0) as n_followups_in_window,
        w.use_word_any,
        w.use_word_opioids,
        w.use_word_alcohol,
        w.use_word_stimulants
    from episodes as e
    left join attendance as a using (episode_id)
    left join screens as s using (episode_id)
    left join points as pt using (episode_id)
    left join followups as f using (episode_id)
    left join words as w using (episode_id)
)

select * from final order by admission_year, track, episode_id
