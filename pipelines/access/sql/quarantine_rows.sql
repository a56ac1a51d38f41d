-- quarantine_rows: the rows rejected at ingestion, with the value and line as written.
-- Grain: one row per rejected row. Client-level (raw lines): directors only (pipelines.access).
select run_id, file_name, table_name, line, column_name, value, reason, other_problems, raw_line
from ingest.quarantine
order by run_id desc, file_name, line
