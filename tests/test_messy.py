"""The messy export: each damage is found in the written files exactly where truth.json says, and
the recorded source profile turns the messy files back into the clean ones."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from pipelines.contract import TABLES
from sample_data.generator import generate

SEED = 4242


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    messy_dir, clean_dir = tmp_path_factory.mktemp("messy"), tmp_path_factory.mktemp("clean")
    truth = generate(messy_dir, episodes=2000, seed=SEED, messy=True)
    generate(clean_dir, episodes=2000, seed=SEED)
    return {"messy": messy_dir, "clean": clean_dir, "truth": truth}


def _lines(runs: dict, table: str) -> list[str]:
    """The file's lines, decoded as its profile says (line 1 = header)."""
    prof = runs["truth"]["messy_profile"][table]
    raw = (runs["messy"] / prof["file"]).read_bytes()
    encoding = "utf-8-sig" if prof["bom"] else prof["encoding"]
    return raw.decode(encoding).splitlines()


def _frame(runs: dict, table: str) -> pd.DataFrame:
    prof = runs["truth"]["messy_profile"][table]
    text = "\n".join(_lines(runs, table)) + "\n"
    return pd.read_csv(io.StringIO(text), sep=prof["delimiter"], dtype=str, keep_default_na=False)


def _found(runs: dict, kind: str) -> list[int]:
    """Line numbers of damaged rows, found by looking at the file, not at the generator."""
    table = runs["truth"]["messy"][kind]["file"].removesuffix(".csv")
    lines = _lines(runs, table)
    df = _frame(runs, table)
    line = pd.Series(range(2, len(df) + 2), index=df.index)
    if kind.startswith("duplicate"):
        seen: set[str] = set()
        hits = []
        for number, text in enumerate(lines[1:], start=2):
            if text in seen:
                hits.append(number)
            seen.add(text)
        return hits
    if kind.startswith("unknown_client"):
        known = set(pd.read_csv(runs["clean"] / "admissions.csv", dtype=str).client_id)
        return line[~df["Client ID"].isin(known)].tolist()
    if kind == "discharge_before_admission":
        fmt = runs["truth"]["messy_profile"]["admissions"]["date_format"]
        admit = pd.to_datetime(df["Admit Date"], format=fmt)
        leave = pd.to_datetime(df["Discharge Date"].replace("", None), format=fmt)
        return line[leave < admit].tolist()
    if kind == "days_abstinent_exceed_window":
        return line[df.days_abstinent.astype(int) > df.window_days.astype(int)].tolist()
    raise AssertionError(kind)


def test_every_damage_is_where_truth_says(runs: dict) -> None:
    damage = runs["truth"]["messy"]
    assert len(damage) == 8
    for kind, entry in damage.items():
        assert entry["count"] == len(entry["rows"]) > 0, kind
        assert _found(runs, kind) == entry["rows"], kind


def test_file_level_quirks(runs: dict) -> None:
    folder, prof = runs["messy"], runs["truth"]["messy_profile"]
    admissions = (folder / "admissions.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        admissions.decode("utf-8")
    assert "Counselor Peña" in admissions.decode("latin-1")
    assert prof["admissions"]["encoding"] == "latin-1"
    assert (folder / "substance_use.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    header = _lines(runs, "attendance")[0]
    assert prof["attendance"]["delimiter"] == ";" and header.count(";") == 4
    first = _frame(runs, "admissions")["Admit Date"].iloc[0]
    datetime.strptime(first, "%m/%d/%Y")
    reasons = set(_frame(runs, "admissions")["Discharge Reason"]) - {""}
    assert {"AMA", "Successful", "Admin", "Xfer"} <= reasons


def _restore(runs: dict, table: str) -> pd.DataFrame:
    """Read a messy file the way an ingestion profile would, quarantining the listed rows."""
    prof = runs["truth"]["messy_profile"][table]
    df = _frame(runs, table)
    bad = {
        r for e in runs["truth"]["messy"].values() if e["file"] == prof["file"] for r in e["rows"]
    }
    df = df[[line not in bad for line in range(2, len(df) + 2)]]
    df = df.rename(columns=prof["columns"])
    for col in TABLES[table].columns:
        values = df[col.name]
        if col.name in prof["values"]:
            values = values.replace(prof["values"][col.name])
        if col.type == "date":
            parsed = pd.to_datetime(values.replace("", None), format=prof["date_format"])
            values = parsed.dt.strftime("%Y-%m-%d").fillna("")
        if col.type == "boolean":
            truth_map = {v: "true" for v in prof["true_values"]}
            truth_map |= {v: "false" for v in prof["false_values"]}
            values = values.replace(truth_map)
        df[col.name] = values
    return df.reset_index(drop=True)


@pytest.mark.parametrize("table", list(TABLES))
def test_profile_recovers_the_clean_export(runs: dict, table: str) -> None:
    clean = pd.read_csv(runs["clean"] / f"{table}.csv", dtype=str, keep_default_na=False)
    restored = _restore(runs, table)
    assert list(restored.columns) == list(clean.columns)
    pd.testing.assert_frame_equal(restored, clean, check_dtype=False)


def test_messy_export_is_deterministic(tmp_path: Path) -> None:
    for name in "ab":
        generate(tmp_path / name, episodes=500, seed=9, messy=True)
    digest = {
        name: {
            f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in (tmp_path / name).iterdir()
        }
        for name in "ab"
    }
    assert digest["a"] == digest["b"]
