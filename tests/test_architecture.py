"""House boundaries: the core never imports the UI; pages hold no SQL and no DuckDB."""

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def python_files(folder: str) -> list[Path]:
    files = sorted((REPO / folder).rglob("*.py"))
    assert files, f"no Python files under {folder}"
    return files


def test_core_never_imports_streamlit():
    offenders = [
        str(p.relative_to(REPO))
        for folder in ("pipelines", "sample_data")
        for p in python_files(folder)
        if "streamlit" in imported_modules(p)
    ]
    assert offenders == []


def test_pages_are_thin():
    sql = re.compile(r"\b(select|insert|create)\b.+\b(from|into|table)\b", re.IGNORECASE)
    for page in python_files("dashboard/app_pages"):
        assert "duckdb" not in imported_modules(page), page
        assert not sql.search(page.read_text()), f"SQL in {page.name}"
