"""What several subcommands share: settings with command-line overrides."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date
from pathlib import Path

from pipelines.settings import Settings

REPO = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO / "sample_data" / "sample"


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, overridden by --db and --as-of when given."""
    settings = Settings.from_env()
    if getattr(args, "db", None):
        settings = replace(settings, db_path=Path(args.db))
    if getattr(args, "as_of", None):
        settings = replace(settings, as_of=date.fromisoformat(args.as_of))
    return settings
