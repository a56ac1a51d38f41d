-- filter_choices: the values each filter of the filter bar can take, from the episodes, with how
-- many episodes have each (marts.filter_values; pipelines.access offers funders only values held
-- by k or more).
-- Grain: one row per filter column per distinct non-empty value.
select column_name, value, n_episodes
from marts.filter_values
order by column_name, value
