"""Build runner: seeds, staging views and mart tables, layer by layer, over what `raw` holds.

`build()` makes a fresh database from a folder; `outcomes ingest` loads into a copy of the
published one. Both rebuild the models here and publish with `os.replace` (pipelines/db.py), so a
reader sees either the old database or the new one, never a half-built one.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from pipelines.contract import CONTRACT_VERSION
from pipelines.load import LoadedFile
from pipelines.settings import Settings

PACKAGE = Path(__file__).resolve().parent
SQL_DIR = PACKAGE / "sql"
SEEDS_DIR = PACKAGE / "seeds"
# Staging is cheap and always current as views; marts are what pages read, so they are tables,
# except a model headed `-- Materialized: view` (a reshaping that only checks and exports read).
LAYERS = (("staging", "view"), ("marts", "table"))
_AS_VIEW = re.compile(r"^-- Materialized: view$", re.MULTILINE)
_COMMENT = re.compile(r"--[^\n]*")
_REF = re.compile(r"\b(staging|marts)\.([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class BuildResult:
    db_path: Path
    as_of: date
    loaded: list[LoadedFile]
    models: dict[str, float]  # model -> seconds
    seconds: float


def model_files(layer: str) -> dict[str, Path]:
    return {p.stem: p for p in sorted((SQL_DIR / layer).glob("*.sql"))}


def model_order(layer: str) -> list[str]:
    """Models of a layer in dependency order, read from their `layer.model` references."""
    files = model_files(layer)
    graph = {}
    for name, path in files.items():
        code = _COMMENT.sub("", path.read_text())  # a header may mention models it does not read
        refs = {m for s, m in _REF.findall(code) if s == layer and m != name}
        unknown = refs - files.keys()
        if unknown:
            raise ValueError(f"{path.name} refers to unknown {layer} models: {sorted(unknown)}")
        graph[name] = refs
    return list(TopologicalSorter(graph).static_order())


def load_seeds(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists seeds")
    for path in sorted(SEEDS_DIR.glob("*.csv")):
        con.execute(
            f"create or replace table seeds.{path.stem} as "
            "select * from read_csv($path, header = true, auto_detect = true)",
            {"path": str(path)},
        )


def detect_as_of(con: duckdb.DuckDBPyConnection) -> date:
    """The latest date found in the loaded data: the default data cut-off."""
    row = con.execute(
        """
        select greatest(
            (select max(greatest(admission_date, coalesce(discharge_date_recorded,
                admission_date))) from staging.stg_admissions),
            (select max(session_date) from staging.stg_attendance),
            (select max(test_date) from staging.stg_substance_use),
            (select max(assessment_date) from staging.stg_abstinence),
            (select max(coalesce(contact_date, date '0001-01-01')) from staging.stg_followups)
        )
        """
    ).fetchone()
    return row[0]


def write_parameters(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> None:
    con.execute("create schema if not exists meta")
    con.execute(
        "create or replace table meta.parameters as select $as_of::date as as_of, "
        "$gap::integer as admin_discharge_gap_days, $window::integer as followup_window_days, "
        "$k::integer as small_cell_min",
        {
            "as_of": as_of,
            "gap": settings.admin_discharge_gap_days,
            "window": settings.followup_window_days,
            "k": settings.small_cell_min,
        },
    )


def run_models(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    timings = {}
    for layer, kind in LAYERS:
        con.execute(f"create schema if not exists {layer}")
        for name in model_order(layer):
            started = time.perf_counter()
            sql = model_files(layer)[name].read_text()
            model_kind = "view" if _AS_VIEW.search(sql) else kind
            _drop_other_kind(con, layer, name, model_kind)
            try:
                con.execute(f"create or replace {model_kind} {layer}.{name} as\n{sql}")
            except duckdb.Error as exc:
                first = str(exc).split("Candidate functions")[0].strip()  # DuckDB lists dozens
                raise RuntimeError(f"model {layer}.{name} failed: {first}") from exc
            timings[f"{layer}.{name}"] = time.perf_counter() - started
    # Table macros (the shared filter) are created last: they read the marts.
    for path in sorted((SQL_DIR / "macros").glob("*.sql")):
        con.execute(path.read_text())
    return timings


def _drop_other_kind(con: duckdb.DuckDBPyConnection, layer: str, name: str, kind: str) -> None:
    """A database built before a model changed kind holds it as the other kind, which
    `create or replace` refuses to replace."""
    other = {"view": "table", "table": "view"}[kind]
    catalog = "duckdb_tables()" if other == "table" else "duckdb_views()"
    found = con.execute(
        f"select count(*) from {catalog} where schema_name = ? and {other}_name = ?"
        " and database_name = current_database()",
        [layer, name],
    ).fetchone()[0]
    if found:
        con.execute(f"drop {other} {layer}.{name}")


def rebuild_models(
    con: duckdb.DuckDBPyConnection, settings: Settings, source: str
) -> tuple[date, dict[str, float]]:
    """Seeds, staging, the data cut-off, marts and build info, from whatever `raw` holds now."""
    load_seeds(con)
    con.execute("create schema if not exists staging")
    for name in model_order("staging"):
        con.execute(
            f"create or replace view staging.{name} as\n" + model_files("staging")[name].read_text()
        )
    # An empty database (nothing loaded yet) has no latest date: fall back to today.
    as_of = settings.as_of or detect_as_of(con) or date.today()
    write_parameters(con, settings, as_of)
    timings = run_models(con)
    con.execute(
        "create or replace table meta.build_info as select $built_at::timestamp as built_at,"
        " $source::varchar as source, $contract::varchar as contract_version",
        {
            "built_at": datetime.now(UTC).replace(tzinfo=None),
            "source": source,
            "contract": CONTRACT_VERSION,
        },
    )
    return as_of, timings


def build(source_dir: Path, settings: Settings) -> BuildResult:
    """A fresh database from `source_dir`, strictly: the first contract violation stops it.

    It goes through the same ingestion machinery as `outcomes ingest` (and records a run in
    `ingest.runs`), then publishes to `settings.db_path` atomically.
    """
    from pipelines.ingest.runner import run

    started = time.perf_counter()
    result = run(
        [Path(source_dir)],
        settings=settings,
        strict=True,
        fresh=True,
        kind="build",
        source_label=str(source_dir),
    )
    loaded = [LoadedFile(f.table_name, Path(f.path), f.n_loaded) for f in result.files]
    return BuildResult(
        Path(settings.db_path), result.as_of, loaded, result.models, time.perf_counter() - started
    )
