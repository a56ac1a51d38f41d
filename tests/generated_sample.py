"""Build a database from a seeded generated sample (sample_data.generator), for metric tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest


def build_sample(
    tmp_path_factory: pytest.TempPathFactory, *, episodes: int, seed: int
) -> tuple[Path, dict]:
    """Generate `episodes` episodes with `seed`, build them at the truth's cut-off: (db, truth)."""
    from pipelines.build import build
    from pipelines.settings import Settings
    from sample_data.generator import generate

    folder = tmp_path_factory.mktemp(f"sample-{episodes}-{seed}")
    truth = generate(folder / "files", episodes=episodes, seed=seed)
    as_of = date.fromisoformat(truth["generator"]["as_of"])
    db = folder / "outcomes.duckdb"
    build(folder / "files", Settings(db_path=db, as_of=as_of))
    return db, truth
