"""Run one benchmark step in a subprocess and measure it from outside: wall time, CPU time and
peak resident memory of that process alone (os.wait4 gives one child's own rusage)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_step(step: str, args: dict, *, timeout: float = 3600.0) -> dict:
    """`python -m benchmarks.child step` with `args`; its JSON result plus `_process` facts.

    A step that fails returns {"error": ...} instead of raising, so one broken step (an API that
    moved) does not lose the rest of a long run.
    """
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        args_path, out_path = Path(tmp) / "args.json", Path(tmp) / "out.json"
        args_path.write_text(json.dumps(args, default=str))
        log_path = Path(tmp) / "log.txt"
        started = time.perf_counter()
        with log_path.open("w") as log:
            child = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.child", step, str(args_path), str(out_path)],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=os.environ | {"PYTHONUNBUFFERED": "1"},
            )
            status, usage = _wait(child, timeout)
        wall = time.perf_counter() - started
        process = {
            "wall_seconds": round(wall, 3),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes; see below
            "exit_status": status,
        }
        if status != 0 or not out_path.exists():
            tail = log_path.read_text(errors="replace")[-3000:]
            return {
                "error": f"step {step} exited with {status}",
                "log_tail": tail,
                "_process": process,
            }
        result = json.loads(out_path.read_text())
    if result.get("_peak_rss_mb") is not None:  # the child's own count, see child.peak_rss_mb
        process["peak_rss_mb"] = result.pop("_peak_rss_mb")
    result["_process"] = process
    return result


def _wait(child: subprocess.Popen, timeout: float):
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            child.returncode = os.waitstatus_to_exitcode(status)
            return child.returncode, usage
        if time.monotonic() > deadline:
            child.kill()
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = -9
            return -9, usage
        time.sleep(0.05)


def summarize(values: list[float]) -> dict:
    """Median, 95th percentile (nearest rank), min and max of repeated timings, in seconds."""
    ordered = sorted(values)
    if not ordered:
        return {"n": 0}
    rank = max(0, min(len(ordered) - 1, -(-95 * len(ordered) // 100) - 1))
    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), 4),
        "p95": round(ordered[rank], 4),
        "min": round(ordered[0], 4),
        "max": round(ordered[-1], 4),
    }
