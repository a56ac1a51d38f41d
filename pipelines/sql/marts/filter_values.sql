-- filter_values: the values each filter of the filter bar can take, with how many episodes have
-- each (pipelines.access offers funders only values held by k or more).
-- Grain: one row per filter column per distinct non-empty value. Why a mart: every page asks for
-- these on load, and unpivoting every episode took longer than most metrics.
with episodes as (
    select
        track, site, level_of_care, medication, sex, age_group, race_ethnicity,
        admission_quarter
    from marts.episodes
),

values_long as (
    unpivot episodes on columns(*) into name column_name value value
),

final as (
    select column_name, value, count(*) as n_episodes
    from values_long
    where value <> ''
    group by column_name, value
)

select * from final
