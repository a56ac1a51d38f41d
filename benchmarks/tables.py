"""The targets of the issue checked against docs/performance.json, and the Markdown tables."""

from __future__ import annotations

TEN_MILLION = 10_000_000


def _get(summary: dict, label: str, *path: str):
    node = summary["sizes"].get(label, {})
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _target(what: str, limit: str, value, ok: bool | None, where: str) -> dict:
    return {"target": what, "limit": limit, "measured": value, "met": ok, "where": where}


def _worst(pages: dict | None, key: str) -> tuple[float | None, str]:
    if not pages:
        return None, ""
    page, entry = max(pages.items(), key=lambda kv: kv[1][key] or 0)
    return entry[key], page


def targets(summary: dict) -> list[dict]:
    out = []
    big = [
        (label, t)
        for label in summary["sizes"]
        if (t := _get(summary, label, "ingest", "tables", "attendance"))
        and t["rows"] >= TEN_MILLION
        and t.get("ratio_to_read_csv") is not None
    ]
    if big:
        label, t = big[0]
        ratio = t["ratio_to_read_csv"]
        out.append(
            _target("ingest attendance vs bare read_csv", ">= 0.5x", ratio, ratio >= 0.5, label)
        )
        peak = max(
            v["ingest_peak_rss_mb"] or 0
            for v in summary["sizes"][label]["ingest"]["tables"].values()
        )
        out.append(_target("ingest peak memory (MB)", "<= 3072", peak, peak <= 3072, label))
    models = _get(summary, "1m", "build", "models_seconds")
    if models is not None:
        out.append(_target("build all models, 1M (s)", "<= 60", models, models <= 60, "1m"))
    for label, key, limit in (("100k", "warm_median", 0.3), ("100k", "cold_median", 2.0)):
        value, page = _worst(_get(summary, label, "queries", "pages"), key)
        if value is not None:
            what = f"metric calls per page, {key.split('_')[0]}, worst page ({page}) (s)"
            out.append(_target(what, f"<= {limit}", value, value <= limit, label))
    value, page = _worst(_get(summary, "1m", "queries", "pages"), "warm_median")
    if value is not None:
        what = f"metric calls per page, warm, worst page ({page}) (s)"
        out.append(_target(what, "<= 1.0", value, value <= 1.0, "1m"))
    browser = _get(summary, "100k", "pages", "browser") or {}
    for key, what, limit in (
        ("cold_start_to_first_chart", "browser cold start to first chart (s)", 4),
        ("switch_first_visit_median", "browser page switch, first visit, median (s)", 1),
        ("switch_revisit_median", "browser page switch, revisit, median (s)", 1),
    ):
        if browser.get(key) is not None:
            value = browser[key]
            out.append(_target(what, f"<= {limit}", value, value <= limit, "100k"))
    pdf = _get(summary, "100k", "report", "first_seconds")
    if pdf is not None:
        out.append(_target("quarterly PDF, 100k (s)", "<= 10", pdf, pdf <= 10, "100k"))
    return out


def _fmt(value, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def render(summary: dict) -> str:
    sizes = list(summary["sizes"])
    parts = ["### Targets", ""]
    met = {True: "met", False: "**missed**", None: "–"}
    rows = [
        [t["target"], t["where"], t["limit"], t["measured"], met[t["met"]]]
        for t in targets(summary)
    ]
    parts += [_table(["target", "size", "limit", "measured", ""], rows), ""]
    parts += ["### Growth with size", "", _growth(summary, sizes), ""]
    parts += ["### Metric calls per page (seconds, median of the page's calls in order)", ""]
    parts += [_pages(summary, sizes), ""]
    parts += ["### Slowest calls (warm median, seconds)", "", _slowest(summary, sizes), ""]
    parts += ["### Build: seconds per model (median)", "", _models(summary, sizes), ""]
    parts += ["### Ingest per file", "", _ingest(summary, sizes), ""]
    parts += ["### Pages in AppTest and in Chromium", "", _apptest(summary, sizes), ""]
    parts += [_browser(summary), "", "### Machine", "", _machine(summary)]
    return "\n".join(parts)


def _growth(summary: dict, sizes: list[str]) -> str:
    rows = []
    for label in sizes:
        s = summary["sizes"][label]
        build, att = s.get("build", {}), _get(summary, label, "ingest", "tables", "attendance")
        pages = _get(summary, label, "queries", "pages") or {}
        rows.append(
            [
                label,
                (build.get("rows") or {}).get("attendance") or (att or {}).get("rows"),
                build.get("seconds"),
                build.get("models_seconds"),
                build.get("cpu_seconds"),
                build.get("peak_rss_mb"),
                build.get("db_mb"),
                (att or {}).get("ingest_rows_per_second"),
                (att or {}).get("ratio_to_read_csv"),
                _worst(pages, "warm_median")[0],
                _worst(pages, "cold_median")[0],
                _get(summary, label, "report", "first_seconds"),
            ]
        )
    header = ["size", "attendance rows", "build s", "models s", "build CPU s", "build peak MB"]
    header += ["DB MB", "ingest attendance rows/s", "vs read_csv", "worst page warm s"]
    header += ["worst page cold s", "PDF s"]
    return _table(header, rows)


def _pages(summary: dict, sizes: list[str]) -> str:
    names = sorted({p for label in sizes for p in (_get(summary, label, "queries", "pages") or {})})
    rows = []
    for page in names:
        row = [page]
        for label in sizes:
            p = (_get(summary, label, "queries", "pages") or {}).get(page, {})
            row += [p.get("n_calls"), p.get("warm_median"), p.get("cold_median")]
        rows.append(row)
    header = ["page"] + [f"{label} {k}" for label in sizes for k in ("calls", "warm", "cold")]
    return _table(header, rows)


def _slowest(summary: dict, sizes: list[str], n: int = 10) -> str:
    rows = []
    for label in sizes:
        calls = {}
        for page, p in (_get(summary, label, "queries", "pages") or {}).items():
            for c in p["calls"]:
                name = c["name"] + (f" by {c['group_by']}" if c["group_by"] else "")
                name += " (suppressed)" if c["suppress"] else ""
                calls.setdefault(name, (c, []))[1].append(page)
        top = sorted(calls.items(), key=lambda kv: -(kv[1][0]["warm_median"] or 0))[:n]
        for name, (c, pages) in top:
            rows.append(
                [
                    label,
                    name,
                    ", ".join(sorted(set(pages))),
                    c["warm_median"],
                    c["warm_p95"],
                    c["cold_median"],
                ]
            )
    return _table(["size", "call", "pages", "warm", "warm p95", "cold"], rows)


def _models(summary: dict, sizes: list[str]) -> str:
    names = []
    for label in sizes:
        for m in _get(summary, label, "build", "models") or {}:
            if m not in names:
                names.append(m)
    rows = [
        [m] + [(_get(summary, label, "build", "models") or {}).get(m) for label in sizes]
        for m in names
    ]
    return _table(["model"] + sizes, rows)


def _ingest(summary: dict, sizes: list[str]) -> str:
    rows = []
    for label in sizes:
        for table, t in (_get(summary, label, "ingest", "tables") or {}).items():
            rows.append(
                [
                    label,
                    table,
                    t["rows"],
                    t["file_mb"],
                    t["ingest_rows_per_second"],
                    t["read_csv_rows_per_second"],
                    t["ratio_to_read_csv"],
                    t["ingest_peak_rss_mb"],
                    t["read_csv_peak_rss_mb"],
                ]
            )
    header = ["size", "file", "rows", "MB", "ingest rows/s", "read_csv rows/s", "ratio"]
    return _table(header + ["ingest peak MB", "read_csv peak MB"], rows)


def _apptest(summary: dict, sizes: list[str]) -> str:
    names = sorted({p for label in sizes for p in (_get(summary, label, "pages", "apptest") or {})})
    rows = []
    for page in names:
        row = [page]
        for label in sizes:
            p = (_get(summary, label, "pages", "apptest") or {}).get(page, {})
            row += [p.get("cold_median"), p.get("warm_median")]
        rows.append(row)
    header = ["AppTest page (s)"] + [f"{label} {k}" for label in sizes for k in ("cold", "warm")]
    return _table(header, rows)


def _browser(summary: dict) -> str:
    for label in summary["sizes"]:
        b = _get(summary, label, "pages", "browser")
        if b and "error" not in b:
            keys = [k for k in b if isinstance(b[k], int | float) and not isinstance(b[k], bool)]
            rows = [[k.replace("_", " "), b[k]] for k in keys]
            rows += [[f"first visit: {p}", s] for p, s in b["first_visit"].items()]
            errors = b.get("errors", [])
            rows += [[f"{e['error']}: {e['page']} (round {e['round']})", None] for e in errors]
            return f"Chromium at {label} (seconds):\n\n" + _table(["measure", "seconds"], rows)
    return "Chromium: not measured."


def _machine(summary: dict) -> str:
    s = summary.get("system", {})
    packages = ", ".join(f"{k} {v}" for k, v in (s.get("packages") or {}).items() if v)
    git = s.get("git") or {}
    return (
        f"{s.get('cpu')}, {s.get('cores')} cores, {s.get('memory_gb')} GB; {s.get('os')}; "
        f"Python {s.get('python')}; {packages}; {s.get('chromium')}; "
        f"commit {git.get('commit')}{' (uncommitted changes)' if git.get('dirty') else ''}."
    )
