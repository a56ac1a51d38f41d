-- pattern_episodes: the episodes passing the shared filters, each with its weekly use-pattern
-- word for one substance class, for the outcome definitions of pipelines.patterns.
-- Grain: one row per episode. word from marts.episode_words (week 1 starts on the admission
-- day); NULL when the episode has no treatment week (admitted after the data cut-off), which
-- every definition reads as not evaluable. Parameters: the shared filters, $group_by (an
-- allow-listed column) and $substance (opioids, alcohol, stimulants, any).
with episodes as (
    select * from marts.filtered_episodes(
        $date_from, $date_to, $quarters, $tracks, $sites, $levels, $medications, $sexes,
        $age_groups, $race_ethnicities, $group_by
    )
),

words as (
    select * from marts.episode_words where substance_class = $substance
),

final as (
    select
        e.group_value,
        e.episode_id,
        e.client_id,
        e.admission_date,
        w.word,
        coalesce(w.n_weeks, 0) as n_weeks
    from episodes as e
    left join words as w using (episode_id)
)

-- Unordered: the group aggregates count these rows by word, and sorting them first took as long
-- as the rest of the query; episode_words orders what it returns.
select * from final
