"""House boundaries: the core never imports the UI; pages hold no SQL and no DuckDB; the app's
first imports stay light."""

import ast
import re
import subprocess
import sys
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


def test_the_app_imports_no_scipy_subpackage_before_its_first_chart():
    # The entry point's imports run before a new server's first chart; scipy.stats (0.5 s),
    # scipy.special and scipy.linalg (0.1 s) are reached on first use instead
    # (pipelines/stats/__init__.py, docs/performance.md).
    code = (
        "import sys, streamlit\n"
        "from dashboard import auth, charts, data, filters, navigation, preload, ui, warmup\n"
        "lazy = (['scipy', 'stats'], ['scipy', 'special'], ['scipy', 'linalg'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[:2] in lazy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
