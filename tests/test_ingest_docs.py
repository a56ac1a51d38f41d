"""docs/ingestion.md and docs/source-profiles.md describe what the code does: every audit and
quarantine column, every check, every profile key and every shipped profile."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipelines.checks import ValueRules, checks_for
from pipelines.contract import TABLES
from pipelines.ingest.profile import PROFILES_DIR, TABLE_KEYS, TOP_KEYS
from pipelines.ingest.references import SUMMARY_WORDS
from pipelines.ingest.store import INGEST_TABLES

DOCS = Path(__file__).resolve().parents[1] / "docs"
LOADER_CHECKS = {"unreadable_line", "key_conflict", "duplicate_row"}


def test_every_ingest_table_column_is_documented():
    text = (DOCS / "ingestion.md").read_text()
    for table, columns in INGEST_TABLES.items():
        section = text.split(f"### `ingest.{table}`", 1)[1].split("\n### ", 1)[0]
        for name, _, help_text in columns:
            assert f"| `{name}` | {help_text} |" in section, (table, name)


def test_every_check_is_documented_with_its_action():
    text = (DOCS / "ingestion.md").read_text()
    rules = ValueRules(cutoff=date(2026, 3, 31))
    names = {c.name for t in TABLES.values() for c in checks_for(t, rules)}
    names |= LOADER_CHECKS | set(SUMMARY_WORDS)
    for name in names:
        row = next((line for line in text.splitlines() if line.startswith(f"| `{name}`")), None)
        if row is None:  # documented together with its partner
            row = next(line for line in text.splitlines() if f"`{name}`" in line)
        assert any(f"| {action} |" in row for action in ("rejects", "warns", "skips")), name


def test_every_profile_key_and_shipped_profile_is_documented():
    text = (DOCS / "source-profiles.md").read_text()
    for key in TOP_KEYS | TABLE_KEYS:
        assert f"`{key}`" in text, key
    for path in PROFILES_DIR.glob("*.toml"):
        assert f"`{path.stem}`" in text and f"pipelines/profiles/{path.name}" in text
