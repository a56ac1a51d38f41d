"""Build: a fresh database from a generated folder (`pipelines.build.build`), with the time of
every model as the build runner records it."""

from __future__ import annotations

import resource
import time
from datetime import date
from pathlib import Path


def measure(args: dict) -> dict:
    from pipelines.build import build
    from pipelines.settings import Settings

    settings = Settings(db_path=Path(args["db_path"]), as_of=date.fromisoformat(args["as_of"]))
    started = time.perf_counter()
    cpu = _cpu()
    result = build(Path(args["source"]), settings)
    seconds = time.perf_counter() - started
    models = {name: round(s, 3) for name, s in result.models.items()}
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(_cpu() - cpu, 3),
        "models_seconds": round(sum(result.models.values()), 3),
        "load_seconds": round(seconds - sum(result.models.values()), 3),
        "models": models,
        "rows": {f.table: f.rows for f in result.loaded},
        "as_of": result.as_of.isoformat(),
        "db_mb": round(Path(args["db_path"]).stat().st_size / 2**20, 1),
    }


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
