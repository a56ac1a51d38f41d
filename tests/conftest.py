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
