-- followup_bias: intake characteristics of episodes followed up and of episodes lost.
-- Grain: one row per episode with at least one follow-up counted in the follow-up rate (at
-- $timepoint, or at any timepoint when it is null). Followed: completed inside the window at
-- least once; lost: none. Characteristics: age, sex, primary substance, intake percent days
-- abstinent, discharge reason ('active' when none), completion, track. Tests run in Python.
-- The retention-bias table the National Academies' CARA reviews ask for (DOMAIN.md).
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

followups as (
    -- An episode's follow-ups through its pattern (marts.followup_patterns): one small table
    -- instead of 2.5 M follow-ups grouped per episode at 1M episodes.
    select * from marts.followup_patterns
    where is_in_followup_rate and ($timepoint is null or timepoint = $timepoint)
),

intake as (
    select * from marts.abstinence_points where timepoint = 'intake'
),

status as (
    select followup_pattern_id, bool_or(is_in_window) as is_followed
    from followups
    group by followup_pattern_id
),

final as (
    select
        e.group_value,
        e.episode_id,
        s.is_followed,
        e.age_at_admission,
        e.sex,
        e.primary_substance,
        i.days_abstinent_rate as intake_days_abstinent_rate,
        coalesce(e.discharge_reason, 'active') as discharge_reason,
        case when e.is_completed then 'yes' else 'no' end as completed_treatment,
        e.track
    from episodes as e
    inner join status as s using (followup_pattern_id)
    left join intake as i using (episode_id)
)

-- Unordered: the Python side groups these rows, and sorting them here cost more than the
-- rest of the query (docs/performance.md).
select * from final
