"""Every table the product serves has a catalogue entry naming its columns: the metric functions of
pipelines.metrics and the other tables of pipelines.access (docs/metrics.md), and the use-pattern
aggregates (docs/patterns.md)."""

import inspect
import re
from pathlib import Path

import pipelines.metrics as metrics
from pipelines.access import SOURCES

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"
PATTERNS_DOC = DOC.with_name("patterns.md")


def metric_functions() -> list[str]:
    return [n for n in metrics.__all__ if inspect.isfunction(getattr(metrics, n))]


def test_every_metric_has_a_catalogue_entry():
    text = DOC.read_text()
    names = metric_functions()
    assert names, "no metric functions exported"
    missing = [n for n in names if f"### `{n}`" not in text]
    assert missing == []


def test_every_metric_sql_file_is_named_in_the_catalogue():
    text = DOC.read_text()
    sql = Path(metrics.__file__).resolve().parents[1] / "sql" / "metrics"
    missing = [p.name for p in sql.glob("*.sql") if f"sql/metrics/{p.name}" not in text]
    assert missing == []


def catalogue_entries() -> dict[str, str]:
    out = {}
    for doc in (DOC, PATTERNS_DOC):
        parts = re.split(r"^### `([a-z0-9_]+)`\s*$", doc.read_text(), flags=re.M)
        pairs = zip(parts[1::2], parts[2::2], strict=True)
        out |= {name: body.split("\n## ")[0] for name, body in pairs}
    return out


def served_tables() -> list[str]:
    """Every table pipelines.access serves that is not a metric function (those are above);
    reference tables (filter choices, date bounds) are inputs to the filter bar, not numbers."""
    return [
        name
        for name, source in SOURCES.items()
        if source.level != "reference" and name not in metric_functions()
    ]


def test_every_entry_says_definition_grain_and_source():
    for name, body in catalogue_entries().items():
        for field in ("**Definition**", "**Grain**", "**Source**", "**Columns**"):
            assert field in body, f"{name}: no {field}"


def test_catalogue_lists_every_output_column(tiny_con):
    entries = catalogue_entries()
    for name in metric_functions():
        df = getattr(metrics, name)(tiny_con, group_by="track")
        body = entries[name]
        for column in df.columns:
            if column.startswith(("value: ", "n: ")):  # compare_groups' per-group columns
                continue
            base = column.removesuffix("_lower").removesuffix("_upper")
            assert f"`{column}`" in body or f"`{base}`" in body, f"{name}: `{column}` undocumented"


def test_every_served_table_has_a_catalogue_entry():
    entries = catalogue_entries()
    names = served_tables()
    assert {"negative_screen_rate", "at_risk_clients", "relapse_rate"} <= set(names)
    assert [n for n in names if n not in entries] == []


def test_catalogue_lists_every_column_of_the_served_tables(tiny_con):
    entries = catalogue_entries()
    for name in served_tables():
        source = SOURCES[name]
        df = source.fn(tiny_con, group_by="track") if source.filtered else source.fn(tiny_con)
        assert len(df.columns) > 0, name
        for column in df.columns:
            base = column.removesuffix("_lower").removesuffix("_upper")
            assert f"`{column}`" in entries[name] or f"`{base}`" in entries[name], (
                f"{name}: `{column}` undocumented"
            )


def test_the_definitions_page_reads_every_entry():
    from dashboard import catalogue

    shown = catalogue.entries()
    assert set(catalogue_entries()) == set(shown)
    assert shown["relapse_rate"].sql_path == "pipelines/sql/patterns/pattern_episodes.sql"
    assert shown["coverage"].sql_path == "pipelines/access/sql/coverage.sql"
