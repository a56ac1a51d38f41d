-- positivity_by_week: weekly use-pattern symbols counted by week in treatment, per group, with
-- the counts each missing-data rule needs for the share of positive weeks.
-- Grain: one row per group per week number (week 1 starts on the admission day).
-- Positive week: '+' or '*' (a mixed week holds a positive test day). Denominators:
-- missing ignored = weeks with a test ('+', '-', '*'); missing = positive: every scheduled week
-- ('o' counted positive; only not-scheduled '_' weeks left out); completers: weeks with a test
-- of episodes whose word has no missing week. Parameters: the shared filters, $group_by,
-- $substance. Citation: CTNote (NIDA CTN-0094) missing-data conventions; docs/patterns.md.
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

words as (
    select * from marts.episode_words where substance_class = $substance
),

weeks as (
    select * from marts.use_weeks where substance_class = $substance
),

episode_weeks as (
    select
        e.group_value,
        w.week_number,
        w.symbol,
        not contains(d.word, 'o') as is_completer
    from episodes as e
    inner join weeks as w using (episode_id)
    inner join words as d using (episode_id)
),

final as (
    select
        group_value,
        week_number,
        count(*) filter (where symbol in ('+', '*')) as n_positive_weeks,
        count(*) filter (where symbol in ('+', '-', '*')) as n_tested_weeks,
        count(*) filter (where symbol = 'o') as n_missing_weeks,
        count(*) filter (where symbol <> '_') as n_scheduled_weeks,
        count(*) filter (where is_completer and symbol in ('+', '*'))
            as n_positive_weeks_completers,
        count(*) filter (where is_completer and symbol in ('+', '-', '*'))
            as n_tested_weeks_completers
    from episode_weeks
    group by all
)

select * from final order by group_value, week_number
