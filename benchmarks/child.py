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
    Path(out_path).write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:4])
