"""The notebooks in notebooks/ run end to end, and what they compute agrees with values worked
out here independently: the generator's truth.json, counts read from the sample's own CSV files
with pandas, and the published CTN-0094 weekly opioid words read from the trial's parquet files.

Each notebook is a jupytext percent script; it is converted with jupytext and executed by
nbclient on a kernel that runs this interpreter (a kernel spec written to a temporary
JUPYTER_PATH, so nothing is written to the home directory). A probe cell appended to the
notebook prints, as JSON, the numbers the test checks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Development dependencies installed by `make test`: a missing one is an error, not a skip.
import jupytext
import nbclient
import nbformat
import pandas as pd
import pytest

from tests.conftest import REPO

NOTEBOOKS = REPO / "notebooks"
SAMPLE = REPO / "sample_data" / "sample"
KERNEL = "iop-outcomes-tests"
MARK = "NOTEBOOK-PROBE "


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory: pytest.TempPathFactory):
    """A kernel spec for this interpreter in a temporary JUPYTER_PATH, and private Jupyter and
    IPython folders, for as long as the module's tests run."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "iop-outcomes (tests)", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(root))
        patch.setenv("JUPYTER_RUNTIME_DIR", str(root / "runtime"))
        patch.setenv("JUPYTER_DATA_DIR", str(root / "data"))
        patch.setenv("JUPYTER_CONFIG_DIR", str(root / "config"))
        patch.setenv("IPYTHONDIR", str(root / "ipython"))
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")
        # Figures as plain JSON: the default renderer would embed plotly.js (5 MB) per run.
        patch.setenv("PLOTLY_RENDERER", "json")
        yield patch


def run_notebook(name: str, probe: str, workdir: Path) -> dict:
    """Execute notebooks/<name> end to end with `probe` appended; return what the probe printed."""
    notebook = jupytext.read(NOTEBOOKS / name)
    notebook.cells.append(
        nbformat.v4.new_code_cell(f"import json\nprint({MARK!r} + json.dumps({probe}))")
    )
    client = nbclient.NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=600,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    for output in notebook.cells[-1].outputs:
        for line in output.get("text", "").splitlines():
            if line.startswith(MARK):
                return json.loads(line[len(MARK) :])
    raise AssertionError(f"{name}: the probe printed nothing: {notebook.cells[-1].outputs}")


def test_notebooks_are_percent_scripts_importing_pipelines():
    names = sorted(p.name for p in NOTEBOOKS.glob("*.py"))
    assert names == ["check_quarterly_report.py", "compare_tracks.py", "ctn0094_replication.py"]
    for name in names:
        text = (NOTEBOOKS / name).read_text()
        assert "format_name: percent" in text
        assert "import pipelines" in text or "from pipelines" in text


# --- Comparing two tracks -------------------------------------------------------------------

COMPARE_PROBE = """{
    "tracks": [TRACK_A, TRACK_B],
    "retained": retained[retained["day"] > 0].to_dict("records"),
    "hazard": retention_test.set_index("group_value").loc[TRACK_B, [
        "hazard_ratio", "hazard_ratio_lower", "hazard_ratio_upper", "p_value"]].to_dict(),
    "episodes": median.set_index("group_value")["n_episodes"].to_dict(),
    "relapse_rows": len(relapse),
    "relapse_rules": sorted(relapse["missing"].unique()),
    "relapse_definitions": sorted(relapse["definition"].unique()),
    "bias_characteristics": sorted(bias["characteristic"].unique()),
    "n_tests": len(family),
}"""


def test_compare_tracks_recovers_the_generator_truth(kernel_env, tmp_path):
    got = run_notebook("compare_tracks.py", COMPARE_PROBE, tmp_path)
    truth = json.loads((SAMPLE / "truth.json").read_text())["retention"]
    morning, evening = got["tracks"]
    assert (morning, evening) == ("Morning", "Evening")

    # Episodes per track, counted from the sample's admissions file.
    admissions = pd.read_csv(SAMPLE / "admissions.csv")
    expected = admissions["track"].value_counts()
    assert got["episodes"] == {t: int(expected[t]) for t in (morning, evening)}

    # Retention at 30/60/90 days: the generator's true survival lies in each 95% band.
    checked = 0
    for row in got["retained"]:
        day = str(row["day"])
        if day in truth["by_track"][row["group_value"]]["survival"]:
            true = truth["by_track"][row["group_value"]]["survival"][day]
            assert row["retained_rate_lower"] <= true <= row["retained_rate_upper"], row
            checked += 1
    assert checked == 6

    # The hazard ratio of premature exit, Evening vs Morning: truth 1.5.
    hazard = got["hazard"]
    true_ratio = truth["hazard_ratio"][evening] / truth["hazard_ratio"][morning]
    assert true_ratio == 1.5
    assert hazard["hazard_ratio_lower"] <= true_ratio <= hazard["hazard_ratio_upper"]
    assert hazard["p_value"] < 0.001

    # Three definitions under three missing-data rules, for two tracks.
    assert got["relapse_rows"] == 3 * 3 * 2
    assert got["relapse_rules"] == ["completers", "ignored", "positive"]
    assert len(got["relapse_definitions"]) == 3
    assert {"completed treatment", "discharge reason", "sex"} <= set(got["bias_characteristics"])
    assert got["n_tests"] >= 20


# --- Replicating CTN-0094 -------------------------------------------------------------------

# The adapter's arm names (docs/ctn0094.md) for randomization.treatment.
CTN0094_ARMS = {
    "Methadone": "CTN-0027 methadone",
    "Outpatient BUP": "CTN-0027 buprenorphine",
    "Outpatient BUP + EMM": "CTN-0030 buprenorphine + enhanced medical management",
    "Outpatient BUP + SMM": "CTN-0030 buprenorphine + standard medical management",
    "Inpatient BUP": "CTN-0051 buprenorphine (inpatient start)",
    "Inpatient NR-NTX": "CTN-0051 extended-release naltrexone (inpatient start)",
}

CTN0094_PROBE = """{
    "by_arm": by_arm[["arm", "definition", "n_evaluable", "n_events"]].to_dict("records"),
    "by_trial": by_trial[["trial", "definition", "n_evaluable", "n_events"]].to_dict("records"),
    "n_same_word": n_same,
    "n_people": len(both),
    "curve_arms": sorted(curves["group_value"].unique()),
    "logrank_trials": sorted(tests["trial"].unique()),
}"""


def published_outcomes(ctn0094_dir: Path) -> pd.DataFrame:
    """The three CTN-0094 outcomes per randomized person, from the published weekly opioid word
    (Phase_1 + Phase_2) by plain string rules written here from DOMAIN.md, not the product's."""
    rand = pd.read_parquet(ctn0094_dir / "randomization.parquet")
    rand = rand[rand["which"].astype(str) == "1"][["who", "treatment"]]
    words = pd.read_parquet(ctn0094_dir / "derived_weeklyOpioidPattern.parquet")
    words["word"] = words["Phase_1"].fillna("") + words["Phase_2"].fillna("")
    people = rand.merge(words[["who", "word"]], on="who", validate="one_to_one")

    def relapse(word: str) -> bool:  # 4 consecutive positive weeks; missing, mixed = positive
        return "++++" in word.replace("o", "+").replace("*", "+")

    def dropout(word: str) -> bool:  # 4 consecutive missing weeks
        return "oooo" in word

    def abstinent(word: str) -> bool:  # weeks 12-15: no positive or mixed, at most 1 missing
        weeks = word[11:15]
        return len(word) >= 15 and set(weeks) <= {"-", "o"} and weeks.count("o") <= 1

    return pd.DataFrame(
        {
            "arm": people["treatment"].astype(str).map(CTN0094_ARMS),
            "ctn0094_relapse": people["word"].map(relapse),
            "ctn0094_dropout": people["word"].map(dropout),
            "ctn0094_abstinence": people["word"].map(abstinent),
        }
    )


def test_ctn0094_replication_matches_the_published_words(
    kernel_env, tmp_path, ctn0094_dir, monkeypatch
):
    monkeypatch.setenv("CTN0094_DIR", str(ctn0094_dir))
    got = run_notebook("ctn0094_replication.py", CTN0094_PROBE, tmp_path)
    reference = published_outcomes(ctn0094_dir)
    assert reference["arm"].notna().all()
    assert len(reference) == 2492

    assert got["n_people"] == got["n_same_word"] == 2492
    definitions = ["ctn0094_relapse", "ctn0094_dropout", "ctn0094_abstinence"]
    expected = {
        (arm, d): (len(part), int(part[d].sum()))
        for arm, part in reference.groupby("arm")
        for d in definitions
    }
    by_arm = {(r["arm"], r["definition"]): (r["n_evaluable"], r["n_events"]) for r in got["by_arm"]}
    assert by_arm == expected

    trial = reference["arm"].str.split().str[0]
    for row in got["by_trial"]:
        part = reference if row["trial"] == "all three trials" else reference[trial == row["trial"]]
        assert (row["n_evaluable"], row["n_events"]) == (
            len(part),
            int(part[row["definition"]].sum()),
        ), row
    assert {r["trial"] for r in got["by_trial"]} == {
        "CTN-0027",
        "CTN-0030",
        "CTN-0051",
        "all three trials",
    }
    # Relapse over all 2,492 randomized people, counted here: 1,836 (73.7%).
    overall = [r for r in got["by_trial"] if r["trial"] == "all three trials"]
    assert {r["definition"]: r["n_events"] for r in overall}["ctn0094_relapse"] == int(
        reference["ctn0094_relapse"].sum()
    )
    assert got["curve_arms"] == sorted(CTN0094_ARMS.values())
    assert got["logrank_trials"] == ["CTN-0027", "CTN-0030", "CTN-0051"]


# --- Checking a quarterly report ------------------------------------------------------------

REPORT_PROBE = """{
    "quarter": QUARTER,
    "k": int(k),
    "cells": len(audit),
    "shown": int(audit["shown"].sum()),
    "mismatches": len(mismatches),
    "tables": sorted(audit["table"].unique()),
    "admissions": audit[(audit["table"] == "census") & (audit["column"] == "n_admissions")]
        .set_index("group")["recomputed"].to_dict(),
    "reported_admissions": audit[(audit["table"] == "census")
        & (audit["column"] == "n_admissions")].set_index("group")["reported"].to_dict(),
    "completed": audit[(audit["table"] == "completion") & (audit["column"] == "n_completed")]
        .set_index("group")["reported"].to_dict(),
    "blank_small_counts": audit[~audit["shown"] & audit["column"].str.startswith("n_")
        & audit["recomputed"].between(1, k - 1)].shape[0],
}"""


def test_check_quarterly_report_agrees_with_the_sample_files(kernel_env, tmp_path):
    got = run_notebook("check_quarterly_report.py", REPORT_PROBE, tmp_path)
    assert got["quarter"] == "2026Q2"
    assert got["mismatches"] == 0
    assert got["shown"] > 1000
    assert {"census", "discharges", "completion", "followups", "outcomes", "abstinence"} <= set(
        got["tables"]
    )
    assert got["blank_small_counts"] > 0  # small cells exist, and the audit saw them blank

    # Admissions and completed discharges of 2026Q2, counted from the sample's admissions file.
    dates = ["admission_date", "discharge_date"]
    admissions = pd.read_csv(SAMPLE / "admissions.csv", parse_dates=dates)
    in_quarter = admissions["admission_date"].between("2026-04-01", "2026-06-30")
    completed = (admissions["discharge_reason"] == "completed") & admissions[
        "discharge_date"
    ].between("2026-04-01", "2026-06-30")
    assert got["admissions"]["program: All clients"] == in_quarter.sum() == 654
    assert got["reported_admissions"]["program: All clients"] == 654
    for track, n in admissions[in_quarter]["track"].value_counts().items():
        assert got["reported_admissions"][f"track: {track}"] == n
    assert got["completed"]["program: All clients"] == completed.sum() == 263
