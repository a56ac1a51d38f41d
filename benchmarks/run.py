"""`python -m benchmarks`: generate (or reuse) seeded data, run the chosen steps at each size,
write benchmarks/results/<time>.json, then merge into docs/performance.json and regenerate the
tables of docs/performance.md."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import data, docs, system
from benchmarks.proc import REPO, run_step, summarize

STEPS = ("ingest", "build", "queries", "pages", "report")
RESULTS = Path(__file__).resolve().parent / "results"
INGEST_TABLES = ("admissions", "attendance", "substance_use", "abstinence", "followups")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--sizes", default="10k,100k,1m", help="episodes per dataset (10k,100k,1m)")
    p.add_argument("--only", default=",".join(STEPS), help=f"steps to run, of {','.join(STEPS)}")
    p.add_argument("--repeat", type=int, default=20, help="warm repetitions of each query")
    p.add_argument(
        "--heavy-repeat", type=int, default=3, help="repetitions of each build and file ingest"
    )
    p.add_argument("--cold-repeat", type=int, default=5, help="cold repetitions of each query")
    p.add_argument("--browser-size", default="100k", help="the size the Chromium run uses")
    p.add_argument("--no-browser", action="store_true", help="pages: AppTest only")
    p.add_argument("--pages", default="", help="only these dashboard pages (default: all)")
    p.add_argument("--no-docs", action="store_true", help="leave docs/performance.* alone")
    p.add_argument("--data-dir", type=Path, default=data.DATA, help="generated data and databases")
    p.add_argument("--results-dir", type=Path, default=RESULTS, help="where result files go")
    args = p.parse_args(argv)
    args.sizes = [data.parse_size(s) for s in args.sizes.split(",") if s.strip()]
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    args.pages = [s.strip() for s in args.pages.split(",") if s.strip()]
    unknown = set(args.only) - set(STEPS)
    if unknown:
        p.error(f"unknown steps {sorted(unknown)}; choose from {STEPS}")
    return args


def say(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run = {"system": system.describe(), "options": _options(args), "sizes": {}}
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    args.results_dir.mkdir(parents=True, exist_ok=True)
    out = args.results_dir / f"{stamp}.json"
    for episodes in args.sizes:
        label = data.label_of(episodes)
        size = run["sizes"].setdefault(label, {"episodes": episodes})
        for step in args.only:
            say(f"{label}: {step}")
            started, load = time.perf_counter(), system.load_average()
            size[step] = STEP_FUNCTIONS[step](episodes, args)
            size[step]["load_average"] = {"before": load, "after": system.load_average()}
            size[step]["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
            say(f"{label}: {step} done in {time.perf_counter() - started:.0f} s")
            out.write_text(json.dumps(run, indent=1, default=str) + "\n")  # partial results
    run["system"]["load_average_end"] = system.load_average()
    out.write_text(json.dumps(run, indent=1, default=str) + "\n")
    say(f"results: {out}")
    if not args.no_docs:
        docs.update(run)
        say("updated docs/performance.json and docs/performance.md")
    return 0


def _options(args: argparse.Namespace) -> dict:
    return {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}


def _dataset(episodes: int, fmt: str, args: argparse.Namespace) -> Path:
    folder, cached = data.dataset(episodes, fmt, root=args.data_dir, progress=True)
    if not cached:
        say(f"generated {folder}")
    return folder


def ingest(episodes: int, args: argparse.Namespace) -> dict:
    """Each contract file through the ingest API and through bare read_csv, interleaved."""
    source = _dataset(episodes, "csv", args)
    rows, files = data.rows(source), data.files(source)
    out = {"source": "csv", "tables": {}}
    for table in INGEST_TABLES:
        runs: dict[str, list[dict]] = {"ingest": [], "read_csv": []}
        for _ in range(args.heavy_repeat):
            for kind, step in (("ingest", "ingest_file"), ("read_csv", "read_csv")):
                with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
                    job = {"path": str(files[table]), "table": table, "rows": rows[table]}
                    job |= {"db_dir": tmp, "as_of": data.AS_OF.isoformat()}
                    runs[kind].append(run_step(step, job))
        out["tables"][table] = _ingest_summary(rows[table], runs, files[table])
    return out


def _ingest_summary(n_rows: int, runs: dict[str, list[dict]], path: Path) -> dict:
    entry = {"rows": n_rows, "file_mb": round(path.stat().st_size / 2**20, 1)}
    for kind, results in runs.items():
        good = [r for r in results if "error" not in r]
        if not good:
            entry[kind] = {"error": results[0].get("error"), "log_tail": results[0].get("log_tail")}
            continue
        seconds = summarize([r["seconds"] for r in good])
        entry[kind] = {
            "seconds": seconds,
            "rows_per_second": round(n_rows / seconds["median"]),
            "peak_rss_mb": max(r["_process"]["peak_rss_mb"] for r in good),
            "cpu_seconds": summarize([r["_process"]["cpu_seconds"] for r in good]),
        }
    if "rows_per_second" in entry.get("ingest", {}) and "rows_per_second" in entry["read_csv"]:
        ratio = entry["ingest"]["rows_per_second"] / entry["read_csv"]["rows_per_second"]
        entry["ratio_to_read_csv"] = round(ratio, 3)
    return entry


def db_path(episodes: int, args: argparse.Namespace) -> Path:
    return data.folder(data.label_of(episodes), args.data_dir) / "outcomes.duckdb"


def _db_key(episodes: int) -> dict:
    digest = hashlib.sha256()
    for path in sorted((REPO / "pipelines").glob("**/*")):
        if path.suffix in (".sql", ".csv") and path.is_file():
            digest.update(path.relative_to(REPO).as_posix().encode() + path.read_bytes())
    return data.key(episodes, "parquet") | {"models": digest.hexdigest()}


def build(episodes: int, args: argparse.Namespace, repeats: int | None = None) -> dict:
    """Build from the parquet files `heavy_repeat` times; the last database is kept for the
    query, page and report steps."""
    source = _dataset(episodes, "parquet", args)
    target = db_path(episodes, args)
    results = []
    for _ in range(repeats or args.heavy_repeat):
        with tempfile.TemporaryDirectory(prefix="bench-build-", dir=target.parent) as tmp:
            path = Path(tmp) / "outcomes.duckdb"
            job = {"source": str(source), "db_path": str(path), "as_of": data.AS_OF.isoformat()}
            result = run_step("build", job)
            results.append(result)
            if "error" not in result:
                shutil.move(path, target)
                target.with_name("db-key.json").write_text(json.dumps(_db_key(episodes)))
    good = [r for r in results if "error" not in r]
    if not good:
        return {"error": results[0]["error"], "log_tail": results[0].get("log_tail")}
    models = {m: summarize([r["models"][m] for r in good]) for m in good[0]["models"]}
    return {
        "source": "parquet",
        "rows": good[0]["rows"],
        "seconds": summarize([r["seconds"] for r in good]),
        "models_seconds": summarize([r["models_seconds"] for r in good]),
        "load_seconds": summarize([r["load_seconds"] for r in good]),
        "cpu_seconds": summarize([r["_process"]["cpu_seconds"] for r in good]),
        "peak_rss_mb": max(r["_process"]["peak_rss_mb"] for r in good),
        "db_mb": good[-1]["db_mb"],
        "models": dict(sorted(models.items(), key=lambda kv: -kv[1]["median"])),
    }


def ensure_db(episodes: int, args: argparse.Namespace) -> Path:
    """The built database of this size: reused while its data and models are unchanged."""
    target = db_path(episodes, args)
    key_file = target.with_name("db-key.json")
    fresh = target.exists() and key_file.exists()
    if not fresh or json.loads(key_file.read_text()) != _db_key(episodes):
        say(f"building {target} (not timed)")
        result = build(episodes, args, repeats=1)
        if "error" in result:
            raise RuntimeError(f"cannot build the {data.label_of(episodes)} database: {result}")
    return target


def queries(episodes: int, args: argparse.Namespace) -> dict:
    db = ensure_db(episodes, args)
    job = {"db_path": str(db), "repeat": args.repeat, "cold_repeat": args.cold_repeat}
    job["pages"] = args.pages
    return run_step("queries", job)


def pages(episodes: int, args: argparse.Namespace) -> dict:
    db = ensure_db(episodes, args)
    job = {
        "db_path": str(db),
        "repeat": min(args.repeat, 10),
        "cold_repeat": min(args.cold_repeat, 3),
    }
    out = {"apptest": run_step("pages", job | {"pages": args.pages})}
    if not args.no_browser and episodes == data.parse_size(args.browser_size):
        out["browser"] = run_step("browser", {"db_path": str(db), "rounds": 3})
    return out


def report(episodes: int, args: argparse.Namespace) -> dict:
    job = {"db_path": str(ensure_db(episodes, args)), "repeat": min(args.repeat, 3)}
    return run_step("report", job)


STEP_FUNCTIONS = {
    "ingest": ingest,
    "build": build,
    "queries": queries,
    "pages": pages,
    "report": report,
}
