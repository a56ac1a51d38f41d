"""Every metric function in pipelines.metrics has an entry in docs/metrics.md naming its columns."""

import inspect
import re
from pathlib import Path

import pipelines.metrics as metrics

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


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
    parts = re.split(r"^### `([a-z0-9_]+)`\s*$", DOC.read_text(), flags=re.M)
    pairs = zip(parts[1::2], parts[2::2], strict=True)
    return {name: body.split("\n## ")[0] for name, body in pairs}


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
