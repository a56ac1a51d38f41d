"""`generate()`: a simulated IOP program's five contract tables plus truth.json.

Same seed and arguments give byte-identical files. Episode-level draws use one generator; the
session-level work runs in fixed-size chunks of episodes, each with its own seeded generator, so
a million episodes fit in about 1.5 GB and the result does not depend on the machine.
"""

from __future__ import annotations

import json
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
from tqdm import tqdm

from pipelines.contract import CONTRACT_VERSION, TABLES
from sample_data import assessments, attendance, substance, tables, timeline
from sample_data import messy as messy_export
from sample_data.episodes import simulate_episodes
from sample_data.params import Params
from sample_data.truth import build
from sample_data.writer import Sink

GENERATOR_VERSION = "1"
DEFAULT_EPISODES = 5000
DEFAULT_SEED = 20261122
DEFAULT_AS_OF = date(2026, 9, 30)
CHUNK = 50_000  # episodes per session-level chunk (fixed: part of what the seed means)
MIN_EPISODES, MAX_EPISODES = 500, 2_000_000


def generate(
    out_dir: Path,
    *,
    episodes: int = DEFAULT_EPISODES,
    seed: int = DEFAULT_SEED,
    as_of: date = DEFAULT_AS_OF,
    fmt: str = "csv",
    messy: bool = False,
    progress: bool = False,
) -> dict:
    """Write admissions, attendance, substance_use, abstinence, followups and truth.json to
    out_dir; return the truth dict. `messy=True` writes them the way real exports arrive."""
    if not MIN_EPISODES <= episodes <= MAX_EPISODES:
        raise ValueError(f"episodes must be {MIN_EPISODES}..{MAX_EPISODES}, got {episodes}")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    if messy and fmt != "csv":
        raise ValueError("messy=True writes CSV exports; use fmt='csv'")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    p = Params()
    start = timeline.span_start(as_of, p.span_months)
    today = timeline.day_number(as_of)
    n_chunks = -(-episodes // CHUNK)
    bar = tqdm(
        total=3 + n_chunks, desc="sample data", unit="step", disable=not progress, file=sys.stderr
    )

    rng = np.random.default_rng([seed, 0])
    ep = simulate_episodes(rng, episodes, timeline.day_number(start), today, p)
    use, use_days = substance.weekly_use(rng, ep, p)
    ids, width = tables.client_ids(rng, int(ep.client.max()) + 1)
    bar.update()

    damage = messy_export.Damage(np.random.default_rng([seed, 2]), width) if messy else None
    sinks = {name: _sink(out_dir, name, fmt, damage) for name in TABLES}

    sinks["admissions"].write(tables.admissions(ep, ids, p))
    interviews = assessments.in_treatment(rng, ep, use, use_days, p)
    fu, talks = assessments.followups(rng, ep, today, p)
    sinks["abstinence"].write(tables.abstinence(assessments.merge(interviews, talks), ep, ids))
    sinks["followups"].write(tables.followups(fu, ep, ids))
    bar.update(2)

    # Writing a chunk (pyarrow and file I/O release the GIL) overlaps simulating the next one;
    # one worker keeps the order, waiting on it bounds memory to two chunks.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending: Future | None = None
        for c, lo in enumerate(range(0, episodes, CHUNK)):
            crng = np.random.default_rng([seed, 1, c])
            part = ep.take(slice(lo, lo + CHUNK))
            sch = attendance.schedule(crng, part, p)
            ses = attendance.sessions(crng, part, sch, today, p)
            grid = attendance.group_status_grid(ses, part)
            tests = substance.screens(crng, part, sch, grid, use[lo : lo + CHUNK], p)
            att, su = tables.attendance(ses, part, ids), tables.substance_use(tests, part, ids)
            if pending is not None:
                pending.result()
                bar.update()
            pending = pool.submit(_write, (sinks["attendance"], att), (sinks["substance_use"], su))
        if pending is not None:
            pending.result()
            bar.update()
    counts = {name: sink.close() for name, sink in sinks.items()}
    bar.close()

    truth = {
        "generator": {
            "version": GENERATOR_VERSION,
            "contract_version": CONTRACT_VERSION,
            "seed": seed,
            "episodes": episodes,
            "clients": int(ep.client.max()) + 1,
            "as_of": as_of.isoformat(),
            "span_start": start.isoformat(),
            "format": fmt,
            "messy": messy,
        },
        "files": {name: f"{name}.{fmt}" for name in TABLES},
        "rows": counts,
        "substances": substance.names(p),
        "categories": tables.categories(p),
        **build(p),
    }
    if damage is not None:
        truth["messy"] = damage.report()
        truth["messy_profile"] = messy_export.profile()
    (out_dir / "truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return truth


def _write(*jobs: tuple[Sink, pa.Table]) -> None:
    for sink, table in jobs:
        sink.write(table)


def _sink(out_dir: Path, name: str, fmt: str, damage: messy_export.Damage | None) -> Sink:
    schema = tables.schema(TABLES[name])
    path = out_dir / f"{name}.{fmt}"
    if damage is None:
        return Sink(path, schema, fmt)
    style = messy_export.STYLES[name]
    return Sink(
        path,
        schema,
        fmt,
        transform=damage.transform(name),
        delimiter=style.delimiter,
        encoding=style.encoding,
        bom=style.bom,
    )
