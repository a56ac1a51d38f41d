-- orphan_rows: the input rows that belong to no episode, with file and line to fix them at.
-- Grain: one row per orphan input row. Client-level: directors only (pipelines.access).
select input_table, client_id, row_date, reason, _file as file_name, _line as line
from marts.orphan_rows
order by input_table, file_name, line
