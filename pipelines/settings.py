"""Settings: one frozen object read from environment variables, each with a default and a help line.

The README's configuration table is checked against `SETTINGS_HELP` by a test, so a setting
cannot be added without being documented.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

ENV_PREFIX = "OUTCOMES_"


@dataclass(frozen=True)
class Settings:
    db_path: Path = Path("data/outcomes.duckdb")
    source_dir: Path = Path("sample_data/sample")
    as_of: date | None = None
    small_cell_min: int = 11
    admin_discharge_gap_days: int = 30
    followup_window_days: int = 30
    program_name: str = "Sample IOP"
    logo_path: Path | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, raw, f.type)
        return cls(**values)


SETTINGS_HELP: dict[str, str] = {
    "db_path": "Published DuckDB database the dashboard reads and builds replace.",
    "source_dir": "Folder of input files `make run` builds from (the bundled sample by default).",
    "as_of": "Data cut-off date (YYYY-MM-DD); empty = the latest date found in the loaded data.",
    "small_cell_min": "Smallest count shown to funders; counts from 1 to this minus 1 are hidden.",
    "admin_discharge_gap_days": "Days without an attended session after which an open episode "
    "counts as discharged (administrative discharge) at its last attended session.",
    "followup_window_days": "A follow-up contact counts as in window within this many days of "
    "its due date.",
    "program_name": "Program name printed on pages and reports.",
    "logo_path": "Image file (PNG, JPEG or SVG) printed at the top of every page of the quarterly "
    "report; empty = none.",
}


def env_name(field_name: str) -> str:
    return ENV_PREFIX + field_name.upper()


def _parse(name: str, raw: str, type_: object) -> object:
    text = str(type_)
    try:
        if "Path" in text:
            return Path(raw)
        if "date" in text:
            return date.fromisoformat(raw)
        if "int" in text:
            value = int(raw)
            if value < 1:
                raise ValueError("must be at least 1")
            return value
        return raw
    except ValueError as exc:
        raise ValueError(f"{env_name(name)}={raw!r} is not valid: {exc}") from exc
