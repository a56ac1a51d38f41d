"""Checks across tables, run after the marts are rebuilt: they warn, never reject.

The data contract keeps rows that belong to no episode (they are listed in `marts.orphan_rows`),
so a row of a client with no admission, or outside every episode of its client, is loaded and
flagged. The episode placement is the marts' own: nothing here re-implements it.
"""

from __future__ import annotations

import duckdb

SUMMARY_WORDS = {
    "unknown_client": "warning: client has no admission (row kept)",
    "outside_episode": "warning: outside every episode of the client (row kept)",
    "contact_before_discharge": "warning: follow-up contact before the discharge (row kept)",
}
EVENT_TABLES = ("attendance", "substance_use", "abstinence", "followups")

_UNKNOWN = """
select r._file, r._line, trim(r.client_id) as client_id, 'client_id' as column_name,
    'unknown_client' as check_name,
    'no admission of client ' || trim(r.client_id) || ' in the data: kept, listed as an '
        || 'orphan row' as reason
from raw.{table} as r
where r._run_id = $run
    and trim(r.client_id) not in (select trim(client_id) from raw.admissions)
"""

_OUTSIDE = """
select r._file, r._line, o.client_id, '{date_column}', 'outside_episode',
    'outside every episode of client ' || o.client_id || ' (' || o.reason || '): kept, listed '
        || 'as an orphan row'
from marts.orphan_rows as o
join raw.{table} as r
    on r._file = o._file and r._line = o._line and trim(r.client_id) = o.client_id
where o.input_table = '{table}' and r._run_id = $run
    and o.client_id in (select trim(client_id) from raw.admissions)
"""

_CONTACT = """
select f._file, f._line, f.client_id, 'contact_date', 'contact_before_discharge',
    'contact_date ' || f.contact_date || ' is before the discharge on ' || e.discharge_date
        || ' that this follow-up comes after'
from marts.followups as f
join marts.episodes as e using (episode_id)
join raw.followups as r on r._file = f._file and r._line = f._line
where r._run_id = $run and e.discharge_date is not null
    and f.due_date > e.discharge_date and f.contact_date < e.discharge_date
"""

DATE_COLUMNS = {
    "attendance": "session_date",
    "substance_use": "test_date",
    "abstinence": "assessment_date",
    "followups": "due_date",
}


def flag(con: duckdb.DuckDBPyConnection, run_id: int, tables: set[str]) -> None:
    """Append warnings about the rows this run loaded to `ingest.warnings`.

    Only this run's rows are flagged: a row loaded earlier was flagged by its own run, and
    `marts.orphan_rows` always shows the current state.
    """
    parts = []
    for table in EVENT_TABLES:
        if table not in tables:
            continue
        checks = [_UNKNOWN, _OUTSIDE] + ([_CONTACT] if table == "followups" else [])
        for sql in checks:
            body = sql.format(table=table, date_column=DATE_COLUMNS[table])
            parts.append(f"select '{table}' as table_name, * from ({body})")
    if not parts:
        return
    con.execute(
        "insert into ingest.warnings select $run, _file, table_name, _line, column_name, "
        "client_id, check_name, reason, 'loaded' from (" + " union all ".join(parts) + ") "
        "order by table_name, _file, _line",
        {"run": run_id},
    )
