"""Every metric function in pipelines.metrics has an entry in docs/metrics.md."""

import inspect
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
