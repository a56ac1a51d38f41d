"""The subprocess side of a benchmark step: `python -m benchmarks.child STEP ARGS.json OUT.json`."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

STEPS = {
    "ingest_file": "benchmarks.ingest:ingest_file",
    "read_csv": "benchmarks.ingest:bare_read_csv",
    "build": "benchmarks.build:measure",
    "queries": "benchmarks.queries:measure",
    "pages": "benchmarks.pages:measure",
    "browser": "benchmarks.browser:measure",
    "report": "benchmarks.report:measure",
}


def main(step: str, args_path: str, out_path: str) -> None:
    module, name = STEPS[step].split(":")
    fn = getattr(importlib.import_module(module), name)
    result = fn(json.loads(Path(args_path).read_text()))
    result["_peak_rss_mb"] = peak_rss_mb()
    Path(out_path).write_text(json.dumps(result, default=str))


def peak_rss_mb() -> float | None:
    """This process's peak resident memory since it started (VmHWM; Linux).

    Not ru_maxrss: that high-water mark survives exec, so a child of a parent that once held a
    gigabyte (say, after generating data) would report the parent's peak as its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


if __name__ == "__main__":
    main(*sys.argv[1:4])
