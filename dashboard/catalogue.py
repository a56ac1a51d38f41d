"""The metric catalogue split into entries, each with the SQL that computes it.

The catalogue is docs/metrics.md (metrics and the other tables pages show) and the group
aggregates of docs/patterns.md; tests/test_catalogue.py fails when a table the access layer
serves has no entry, so every caption's "Definition" link lands on a written definition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from pipelines.patterns import DEFINITIONS, MISSING_RULE_HELP

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "docs" / "metrics.md"
PATTERNS = REPO / "docs" / "patterns.md"  # the use-pattern aggregates are catalogued there
SQL_DIRS = (
    REPO / "pipelines" / "sql" / "metrics",
    REPO / "pipelines" / "sql" / "patterns",
    REPO / "pipelines" / "access" / "sql",
)
_ENTRY = re.compile(r"^### `([a-z0-9_]+)`\s*$", re.M)
_SOURCE = re.compile(r"`(pipelines/[a-z0-9_/]+\.sql)`")


@dataclass(frozen=True)
class Entry:
    name: str
    markdown: str
    sql: str
    sql_path: str


def _sql_for(name: str, markdown: str) -> tuple[str, str]:
    found = _SOURCE.search(markdown)
    candidates = [REPO / found.group(1)] if found else []
    candidates += [folder / f"{name}.sql" for folder in SQL_DIRS]
    for path in candidates:
        if path.exists():
            return path.read_text(), str(path.relative_to(REPO))
    return "", ""


@cache
def intro() -> str:
    text = CATALOGUE.read_text() if CATALOGUE.exists() else ""
    return text.split("\n## Metrics", 1)[0]


@cache
def entries() -> dict[str, Entry]:
    """name -> entry, in catalogue order (docs/metrics.md, then docs/patterns.md)."""
    out: dict[str, Entry] = {}
    for doc in (CATALOGUE, PATTERNS):
        parts = _ENTRY.split(doc.read_text())
        for name, body in zip(parts[1::2], parts[2::2], strict=True):
            body = re.split(r"^## ", body, maxsplit=1, flags=re.M)[0].strip()
            out[name] = Entry(name, body, *_sql_for(name, body))
    return out


def pattern_definitions() -> pd.DataFrame:
    """The outcome definitions on weekly use-pattern words (pipelines.patterns)."""
    return pd.DataFrame(
        [
            {
                "id": d.id,
                "title": d.title,
                "kind": d.kind,
                "rule": d.rule,
                "missing_rule": d.missing_rule,
                "citation": d.citation,
            }
            for d in DEFINITIONS.values()
        ]
    )


def missing_rules() -> dict[str, str]:
    return dict(MISSING_RULE_HELP)
