"""Grain and contract checks on the marts, driven by one table of {model: key columns}.

jaffle-shop's data tests in one function: unique, non-null keys; numerators within their
denominators; accepted codes; sessions that add up. Run on the tiny dataset and on generated data.
"""

from __future__ import annotations

import duckdb

# Model -> the columns that identify one row (its grain).
GRAIN = {
    "episodes": ("episode_id",),
    "sessions": ("client_id", "session_date", "session_type"),
    "episode_weeks": ("episode_id", "week_number"),
    "episode_attendance": ("episode_id",),
    "substance_tests": ("client_id", "test_date", "method", "substance"),
    "assessments": ("client_id", "assessment_date", "substance"),
    "abstinence_points": ("episode_id", "timepoint"),
    "followups": ("client_id", "timepoint", "due_date"),
}
# (model, numerator, denominator): the numerator can never exceed the denominator.
BOUNDED = [
    ("episode_weeks", "n_attended", "n_scheduled"),
    ("episode_weeks", "n_missed", "n_scheduled"),
    ("episode_attendance", "n_attended", "n_scheduled"),
    ("episode_attendance", "n_complete_weeks_meeting_asam", "n_complete_weeks"),
    ("episode_attendance", "n_complete_weeks", "n_weeks"),
    ("abstinence_points", "days_abstinent", "window_days"),
]


def check_contract(con: duckdb.DuckDBPyConnection) -> None:
    """Unique, non-null keys; bounded counts; accepted codes; sessions add up."""
    for model, keys in GRAIN.items():
        cols = ", ".join(keys)
        dup = con.execute(
            f"select count(*) from (select {cols} from marts.{model} group by all "
            "having count(*) > 1)"
        ).fetchone()[0]
        assert dup == 0, f"marts.{model} has duplicate keys ({cols})"
        nulls = " or ".join(f"{k} is null" for k in keys)
        n = con.execute(f"select count(*) from marts.{model} where {nulls}").fetchone()[0]
        assert n == 0, f"marts.{model} has null keys"
    for model, num, den in BOUNDED:
        n = con.execute(f"select count(*) from marts.{model} where {num} > {den}").fetchone()[0]
        assert n == 0, f"marts.{model}: {num} > {den}"
    unknown = con.execute(
        "select count(*) from marts.episodes where discharge_reason is not null and "
        "discharge_reason not in (select discharge_reason from seeds.discharge_reasons)"
    ).fetchone()[0]
    assert unknown == 0
    bad = con.execute(
        "select count(*) from marts.episode_weeks "
        "where n_scheduled <> n_attended + n_excused + n_no_show or n_missed <> n_scheduled - "
        "n_attended"
    ).fetchone()[0]
    assert bad == 0
    # Every episode has its weeks, and weeks are numbered 1..n without gaps.
    gaps = con.execute(
        "select count(*) from (select episode_id, max(week_number) m, count(*) c "
        "from marts.episode_weeks group by 1) where m <> c"
    ).fetchone()[0]
    assert gaps == 0
    n_eps = con.execute("select count(*) from marts.episodes").fetchone()[0]
    assert con.execute("select count(*) from marts.episode_attendance").fetchone()[0] == n_eps
    # marts.freshness counts each input's rows as its mart places them; for tests it counts
    # staging (marts.substance_tests is a view): the same rows, each placed once.
    for table, mart in (("attendance", "sessions"), ("substance_use", "substance_tests")):
        placed = con.execute(f"select count(*) from marts.{mart}").fetchone()[0]
        counted = con.execute(
            "select n_rows from marts.freshness where input_table = ?", [table]
        ).fetchone()[0]
        assert counted == placed, f"marts.freshness: {table} {counted} rows, marts.{mart} {placed}"
