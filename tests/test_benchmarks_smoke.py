"""The benchmark harness at toy size: every step it runs produces results of the right shape,
and the summary and its tables are written. Benchmarks are not tests: no time is asserted."""

from __future__ import annotations

import json
import subprocess

import pytest

from benchmarks import data, docs, run, system

STEPS = ("ingest", "build", "queries", "pages")


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    argv = ["--sizes", "500", "--only", ",".join(STEPS), "--repeat", "2", "--heavy-repeat", "1"]
    argv += ["--cold-repeat", "1", "--no-browser", "--no-docs", "--pages", "overview,definitions"]
    argv += ["--data-dir", str(root / "data"), "--results-dir", str(root / "results")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "INGEST_TABLES", ("admissions",))  # one file is enough for the shape
        assert run.main(argv) == 0
    (path,) = (root / "results").glob("*.json")
    return json.loads(path.read_text()), root


def test_every_step_has_a_result(results):
    run_result, _ = results
    size = run_result["sizes"]["500"]
    assert size["episodes"] == 500
    for step in STEPS:
        assert "error" not in size[step], size[step]
        assert {"load_average", "measured_at"} <= size[step].keys()
    assert {"cpu", "cores", "packages", "git"} <= run_result["system"].keys()


def test_ingest_compares_with_bare_read_csv(results):
    table = results[0]["sizes"]["500"]["ingest"]["tables"]["admissions"]
    assert table["rows"] == 500
    for kind in ("ingest", "read_csv"):
        assert table[kind]["rows_per_second"] > 0
        assert table[kind]["peak_rss_mb"] > 0
        assert table[kind]["seconds"]["n"] == 1
    assert table["ratio_to_read_csv"] > 0


def test_build_times_every_model(results):
    build = results[0]["sizes"]["500"]["build"]
    assert "marts.episodes" in build["models"]
    assert set(build["models"]["marts.episodes"]) == {"n", "median", "p95", "min", "max"}
    assert build["rows"]["admissions"] == 500


def test_queries_replay_each_page_cold_and_warm(results):
    pages = results[0]["sizes"]["500"]["queries"]["pages"]
    assert set(pages) == {"overview"}  # the Definitions page fetches nothing
    overview = pages["overview"]
    assert overview["n_calls"] == len(overview["calls"]) > 0
    assert overview["warm_total"]["n"] == 2 and overview["cold_total"]["n"] == 1
    names = {c["name"] for c in overview["calls"]}
    assert {"active_census", "completion_rate"} <= names


def test_pages_run_under_apptest_without_errors(results):
    apptest = results[0]["sizes"]["500"]["pages"]["apptest"]
    assert set(apptest["pages"]) == {"overview", "definitions"}
    for page, entry in apptest["pages"].items():
        assert entry["problems"] == [], page


def test_summary_and_tables(results, tmp_path):
    run_result, _ = results
    json_path, md_path = tmp_path / "performance.json", tmp_path / "performance.md"
    md_path.write_text(
        f"# Performance\n\nprose\n\n{docs.BEGIN}\nSTALE TABLE\n{docs.END}\n\nmore prose\n"
    )
    summary = docs.update(run_result, json_path, md_path)
    assert json.loads(json_path.read_text()) == json.loads(json.dumps(summary, default=str))
    assert summary["sizes"]["500"]["build"]["models_seconds"] is not None
    text = md_path.read_text()
    assert text.startswith("# Performance\n\nprose") and text.rstrip().endswith("more prose")
    assert "STALE TABLE" not in text and "### Growth with size" in text


@pytest.mark.parametrize(
    ("episodes", "label"),
    [(500, "500"), (10_000, "10k"), (300_000, "300k"), (1_000_000, "1m"), (1_400_000, "1.4m")],
)
def test_size_labels_read_back_as_the_same_size(episodes, label):
    # A dataset's folder and its row in docs/performance.md carry this label.
    assert data.label_of(episodes) == label
    assert data.parse_size(label) == episodes


def test_only_code_changes_mark_a_run_uncommitted(tmp_path):
    # `make bench` runs twice; the first run's rewrite of docs/performance.* must not mark the
    # second run's code as uncommitted, while a changed source file must.
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    (tmp_path / "docs").mkdir()
    for path in (*system.OUTPUTS, "pipelines.py"):
        (tmp_path / path).write_text("before\n")
    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-q", "-m", "x")
    assert system._git(tmp_path)["dirty"] is False
    for path in system.OUTPUTS:
        (tmp_path / path).write_text("after\n")
    assert system._git(tmp_path)["dirty"] is False
    (tmp_path / "pipelines.py").write_text("after\n")
    assert system._git(tmp_path)["dirty"] is True
