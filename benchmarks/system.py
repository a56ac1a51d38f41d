"""The machine and the versions a result was measured with."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("duckdb", "pandas", "pyarrow", "numpy", "scipy", "streamlit", "plotly", "playwright")
PACKAGES += ("kaleido", "choreographer")
CHROMIUM = Path("/usr/bin/chromium")


def describe() -> dict:
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "chromium": _run([str(CHROMIUM), "--version"]) if CHROMIUM.exists() else None,
        "git": _git(),
        "load_average": os.getloadavg(),
    }


def load_average() -> list[float]:
    """Load average now: on a shared machine, read every timing next to it."""
    return [round(x, 2) for x in os.getloadavg()]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _run(cmd: list[str], cwd: Path = REPO) -> str | None:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd=cwd)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


# What the benchmarks write themselves: `make bench` runs twice, and the second run must not
# call the code measured "uncommitted" because the first one rewrote these.
OUTPUTS = ("docs/performance.md", "docs/performance.json")


def _git(repo: Path = REPO) -> dict:
    commit = _run(["git", "rev-parse", "--short", "HEAD"], repo)
    except_outputs = ["--", ".", *(f":(exclude){path}" for path in OUTPUTS)]
    dirty = _run(["git", "status", "--porcelain", "--untracked-files=no", *except_outputs], repo)
    return {"commit": commit, "dirty": bool(dirty)}
