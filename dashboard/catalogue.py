"""The metric catalogue (docs/metrics.md) split into entries, each with the SQL that computes it.

Tables the dashboard shows that the catalogue does not (yet) describe get their definition from
the header comment of their SQL file, so every caption's "Definition" link lands somewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from pipelines import metrics
from pipelines.access import SOURCES
from pipelines.patterns import DEFINITIONS, MISSING_RULE_HELP

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = REPO / "docs" / "metrics.md"
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


def _header(sql: str) -> str:
    lines = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines)


@cache
def intro() -> str:
    text = CATALOGUE.read_text() if CATALOGUE.exists() else ""
    return text.split("\n## Metrics", 1)[0]


@cache
def entries() -> dict[str, Entry]:
    """name -> entry, catalogue order first, then every other table the dashboard shows."""
    text = CATALOGUE.read_text() if CATALOGUE.exists() else ""
    out: dict[str, Entry] = {}
    parts = _ENTRY.split(text)
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        body = re.split(r"^## ", body, maxsplit=1, flags=re.M)[0].strip()
        out[name] = Entry(name, body, *_sql_for(name, body))
    for name, source in sorted(SOURCES.items()):
        if name in out or source.level == "reference":
            continue
        sql, path = _sql_for(name, "")
        doc = (getattr(metrics, name, None) or source.fn).__doc__ or ""
        header = _header(sql) if sql else ""
        markdown = f"- **Definition**: {doc.strip()}\n" + (
            f"- **From the SQL**: {header}" * bool(header)
        )
        out[name] = Entry(name, markdown, sql, path)
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
