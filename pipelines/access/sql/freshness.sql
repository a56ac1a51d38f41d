-- freshness: how recent each input table's data is, against the data cut-off.
-- Grain: one row per input table; defined and counted at build time in marts.freshness.
select input_table, n_rows, latest_date, days_before_cutoff
from marts.freshness
order by case input_table
    when 'admissions' then 1 when 'attendance' then 2 when 'substance_use' then 3
    when 'abstinence' then 4 else 5 end
