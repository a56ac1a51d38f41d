-- ingest_runs: the audit of every load into this database (pipelines.ingest), newest first.
-- Grain: one row per run.
select
    run_id, kind, started_at, seconds, user_name, outcome, message, n_files, n_read, n_loaded,
    n_skipped, n_quarantined, n_warned, as_of
from ingest.runs
order by run_id desc
