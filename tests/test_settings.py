"""Every setting is read from the environment, has help, and is documented in the README."""

from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from pipelines.settings import SETTINGS_HELP, Settings, env_name

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_has_help_and_a_readme_row():
    text = README.read_text()
    for f in fields(Settings):
        assert SETTINGS_HELP.get(f.name), f"{f.name} has no help line"
        assert f"`{env_name(f.name)}`" in text, f"{env_name(f.name)} missing from README"


def test_environment_overrides_defaults():
    s = Settings.from_env(
        {
            "OUTCOMES_SMALL_CELL_MIN": "16",
            "OUTCOMES_AS_OF": "2026-06-30",
            "OUTCOMES_DB_PATH": "/tmp/x.duckdb",
        }
    )
    assert (s.small_cell_min, s.as_of, str(s.db_path)) == (16, date(2026, 6, 30), "/tmp/x.duckdb")
    assert Settings.from_env({}).small_cell_min == 11


def test_bad_value_names_the_variable():
    with pytest.raises(ValueError, match="OUTCOMES_ADMIN_DISCHARGE_GAP_DAYS='soon'"):
        Settings.from_env({"OUTCOMES_ADMIN_DISCHARGE_GAP_DAYS": "soon"})
