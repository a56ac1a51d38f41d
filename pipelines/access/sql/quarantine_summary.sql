-- quarantine_summary: rows rejected at ingestion, counted by run, file, column and check.
-- Grain: one row per run, file, column and check. The reasons and raw lines stay in
-- ingest.quarantine (quarantine_rows.sql): they can hold client ids.
select run_id, file_name, table_name, column_name, check_name, count(*) as n_rows
from ingest.quarantine
group by all
order by run_id desc, file_name, n_rows desc
