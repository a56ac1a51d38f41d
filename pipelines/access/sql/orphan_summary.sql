-- orphan_summary: input rows that belong to no episode, counted by table and reason.
-- Grain: one row per input table per reason (marts.orphan_rows has the rows themselves).
select input_table, reason, count(*) as n_rows
from marts.orphan_rows
group by input_table, reason
order by input_table, reason
