"""The definitions appendix: the entries of docs/metrics.md for the metrics the report uses,
turned from the catalogue's small Markdown (bullets, `code`, **bold**) into HTML."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup, escape

CATALOGUE = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
# Metric entries behind the report's tables (their period is the report's, stated per table).
METRICS = (
    "discharges_by_reason",
    "completion_rate",
    "length_of_stay",
    "retention_at",
    "attendance_rate",
    "hours_per_week",
    "initiation_engagement",
    "abstinence_by_timepoint",
    "abstinence_change",
    "followup_status",
    "followup_outcomes",
    "followup_bias",
)
MODEL_TERMS = ("Episode", "Administrative discharge", "Length of stay", "Retention time")
SCREENS = (
    "**Definition**: screens showing no use / screens, pooled over clients. A screen is one "
    "urine drug screen or breath test on one day (all substances of that method and day "
    "together); it is negative when no substance shows use, a positive for the client's "
    "prescribed medication (methadone, buprenorphine) being adherence, not use. Invalid results "
    "and self-reports are not screens. **Interval**: cluster-robust, clients as clusters. "
    "**Source**: `pipelines/access/sql/negative_screen_rate.sql`."
)


def _inline(text: str) -> str:
    html = str(escape(text))
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", html)
    html = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", html)
    return re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"<em>\1</em>", html)


def bullets_html(lines: list[str]) -> Markup:
    """Markdown bullets (with wrapped lines and one level of nesting) as nested <ul>."""
    items: list[tuple[int, str]] = []
    for line in lines:
        match = re.match(r"^(\s*)- (.*)$", line)
        if match:
            items.append((len(match.group(1)) // 2, match.group(2).strip()))
        elif line.strip() and items:
            depth, text = items[-1]
            items[-1] = (depth, f"{text} {line.strip()}")
    html, depth = ["<ul>"], 0
    for level, text in items:
        while level > depth:
            html.append("<ul>")
            depth += 1
        while level < depth:
            html.append("</ul>")
            depth -= 1
        html.append(f"<li>{_inline(text)}</li>")
    html.append("</ul>" * (depth + 1))
    return Markup("".join(html))


def _entries(text: str) -> dict[str, list[str]]:
    entries: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"^###? `?([^`]+)`?\s*$", line)
        if heading:
            current = heading.group(1).strip()
            entries[current] = []
        elif current is not None:
            entries[current].append(line)
    return entries


def definitions(catalogue: Path = CATALOGUE) -> list[tuple[str, Markup]]:
    """(name, HTML) for each model term and metric the report uses, in the catalogue's words."""
    if not catalogue.exists():
        return [("Metric catalogue", Markup("<p>See docs/metrics.md of the product.</p>"))]
    entries = _entries(catalogue.read_text())
    out = []
    terms = entries.get("Definitions the models fix", [])
    for term in MODEL_TERMS:
        wanted = [line for line in _bullet_block(terms, f"- **{term}**")]
        if wanted:
            out.append((term, bullets_html(wanted)))
    for name in METRICS:
        if name in entries:  # where the dashboard shows it is not the report's business
            lines = _without(entries[name], "- **Shown on**")
            out.append((name, bullets_html(lines)))
    out.append(("negative_screen_rate", bullets_html([f"- {SCREENS}"])))
    return out


def _without(lines: list[str], start: str) -> list[str]:
    """The lines without the bullet starting with `start` (and its wrapped lines)."""
    block = _bullet_block(lines, start)
    if not block:
        return lines
    first = lines.index(block[0])
    return lines[:first] + lines[first + len(block) :]


def _bullet_block(lines: list[str], start: str) -> list[str]:
    """The bullet starting with `start` and its wrapped lines."""
    block: list[str] = []
    for line in lines:
        if line.startswith(start):
            block = [line]
        elif block and line.startswith("  ") and not line.lstrip().startswith("- "):
            block.append(line)
        elif block:
            break
    return block
