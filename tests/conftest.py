"""Shared fixtures. Tests that need ../shared/data fail under CI (CI=true) when it is missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def require(path: Path, what: str) -> Path:
    """Return `path`, or fail under CI / skip locally when it does not exist."""
    if path.exists():
        return path
    message = f"{what} not found at {path}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI must provide it)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return require(SHARED_DATA, "shared data folder")


@pytest.fixture(scope="session")
def survival_dir(shared_data: Path) -> Path:
    return require(shared_data / "survival", "survival data sets")


@pytest.fixture(scope="session")
def ctn0094_dir(shared_data: Path) -> Path:
    return require(shared_data / "ctn0094", "CTN-0094 data")


TINY = Path(__file__).resolve().parent / "fixtures" / "tiny"
TINY_AS_OF = "2026-03-31"


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made tiny dataset built once (answers in tests/fixtures/tiny/README.md)."""
    from datetime import date

    from pipelines.build import build
    from pipelines.settings import Settings

    path = tmp_path_factory.mktemp("tiny") / "outcomes.duckdb"
    build(TINY, Settings(db_path=path, as_of=date.fromisoformat(TINY_AS_OF)))
    return path


@pytest.fixture()
def tiny_con(tiny_db: Path):
    import duckdb

    con = duckdb.connect(str(tiny_db), read_only=True)
    yield con
    con.close()
