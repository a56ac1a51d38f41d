-- coverage: how much of what should have been measured was: the share of treatment weeks with at
-- least one screen, and the share of due follow-ups that were attempted.
-- Grain: one row per group per measure. Weeks: complete and partial episode-weeks with at least one
-- scheduled session (marts.episode_weeks); a screen is a UDS or breath test with a valid result;
-- both counted per episode in marts.episode_screens.
-- Follow-ups: due by the cut-off (is_due) and not deceased; attempted = any status but pending.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

weeks as (
    select
        e.group_value,
        'weeks with a screen' as measure,
        1 as measure_order,
        sum(s.n_screened_weeks)::bigint as n_covered,
        sum(s.n_scheduled_weeks)::bigint as n_expected
    from episodes as e
    inner join marts.episode_screens as s using (episode_id)
    group by e.group_value
    having sum(s.n_scheduled_weeks) > 0
),

followups as (
    select
        e.group_value,
        'due follow-ups attempted' as measure,
        2 as measure_order,
        count(*) filter (where f.status <> 'pending') as n_covered,
        count(*) as n_expected
    from episodes as e
    inner join marts.followups as f using (episode_id)
    where f.is_due and f.status <> 'deceased'
    group by e.group_value
),

final as (
    select * from weeks
    union all
    select * from followups
)

select * from final order by group_value, measure_order
