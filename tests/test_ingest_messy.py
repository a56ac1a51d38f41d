"""The generator's `--messy` export: every damage its truth.json lists is caught at the listed
line, nothing else is, and what loads equals the clean export of the same seed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.build import build
from pipelines.ingest import ingest
from pipelines.settings import Settings
from sample_data import generator

SEED, EPISODES = 11, 500
# How each kind of damage the generator reports must come out: (table, check, action).
CAUGHT = {
    "duplicate_admission_rows": ("warnings", "duplicate_row", "skipped"),
    "discharge_before_admission": ("quarantine", "discharge_before_admission", None),
    "duplicate_attendance_rows": ("warnings", "duplicate_row", "skipped"),
    "unknown_client_attendance": ("warnings", "unknown_client", "loaded"),
    "duplicate_substance_use_rows": ("warnings", "duplicate_row", "skipped"),
    "unknown_client_substance_use": ("warnings", "unknown_client", "loaded"),
    "days_abstinent_exceed_window": ("quarantine", "days_over_window", None),
    "duplicate_followup_rows": ("warnings", "duplicate_row", "skipped"),
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("messy")
    truth = generator.generate(root / "messy", episodes=EPISODES, seed=SEED, messy=True)
    generator.generate(root / "clean", episodes=EPISODES, seed=SEED)
    as_of = date.fromisoformat(truth["generator"]["as_of"])
    clean = root / "clean.duckdb"
    build(root / "clean", Settings(db_path=clean, as_of=as_of))
    messy = root / "messy.duckdb"
    result = ingest(
        [root / "messy"], settings=Settings(db_path=messy, as_of=as_of), profile="messy_sample"
    )
    assert result.outcome == "published"
    return messy, clean, truth


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_truth_lists_every_kind_we_expect(loaded):
    _, _, truth = loaded
    assert set(truth["messy"]) == set(CAUGHT)
    assert json.dumps(truth["messy_profile"])  # the mapping the shipped profile mirrors


@pytest.mark.parametrize("kind", sorted(CAUGHT))
def test_each_damage_is_caught_at_its_lines(loaded, kind):
    db, _, truth = loaded
    where, check, action = CAUGHT[kind]
    damage = truth["messy"][kind]
    filter_action = f"and action = '{action}'" if action else ""
    got = rows(
        db,
        f"select line from ingest.{where} where file_name = '{damage['file']}' "
        f"and check_name = '{check}' {filter_action} order by line",
    )
    assert [r[0] for r in got] == damage["rows"]
    assert len(damage["rows"]) == damage["count"] > 0


def test_nothing_else_is_flagged(loaded):
    db, _, truth = loaded
    expected = sum(d["count"] for d in truth["messy"].values())
    flagged = rows(
        db,
        "select (select count(*) from ingest.quarantine) + (select count(*) from ingest.warnings)",
    )
    assert flagged == [(expected,)]


def test_every_row_is_accounted_for(loaded):
    db, _, truth = loaded
    got = dict(rows(db, "select table_name, n_read from ingest.files"))
    assert got == truth["rows"]
    assert rows(
        db,
        "select sum(n_read) = sum(n_inserted + n_updated + n_duplicate + n_unchanged "
        "+ n_quarantined) from ingest.files",
    ) == [(True,)]


@pytest.mark.parametrize(
    "model",
    ["stg_admissions", "stg_attendance", "stg_substance_use", "stg_abstinence", "stg_followups"],
)
def test_what_loads_equals_the_clean_export(loaded, model):
    db, clean, truth = loaded
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute(f"attach '{clean}' as clean (read_only)")
        cols = ", ".join(
            r[0]
            for r in con.execute(f"describe staging.{model}").fetchall()
            if not r[0].startswith("_")
        )
        extra = con.execute(
            f"select count(*) from (select {cols} from staging.{model} except all "
            f"select {cols} from clean.staging.{model})"
        ).fetchone()[0]
        missing = con.execute(
            f"select count(*) from (select {cols} from clean.staging.{model} "
            f"except all select {cols} from staging.{model})"
        ).fetchone()[0]
    finally:
        con.close()
    # Rows of unknown clients are kept (and flagged); nothing else differs.
    table = model.removeprefix("stg_")
    kept = truth["messy"].get(f"unknown_client_{table}", {"count": 0})["count"]
    assert (extra, missing) == (kept, 0)
