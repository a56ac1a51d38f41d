"""An ingest run: files into a copy of the published database, models rebuilt, then one
`os.replace`. Every run is recorded in `ingest.runs`, and a bad file changes no loaded row.

Order of work: under the writer lock, copy the published file to a work file; refuse early what
cannot be read (from the first chunk of each file, before any row is written); load each file
(the pass that hashes its bytes runs in a thread beside DuckDB's read, and what that pass refuses
is refused before the file's rows are kept); rebuild staging and marts with the build runner;
flag cross-table warnings; write the audit rows; checkpoint, close, replace. Any failure
discards the work file, so the published database is untouched.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from pipelines import build as models
from pipelines import db
from pipelines.ingest import references, store
from pipelines.ingest.file_bytes import background, peek, scan, settle
from pipelines.ingest.loader import FileResult, load_file
from pipelines.ingest.loader import finish as load_finish
from pipelines.ingest.profile import SourceProfile, load_profile
from pipelines.ingest.sources import FileRefused, Source, bind_header, discover, read_header
from pipelines.load import REQUIRED_TABLES, ContractError
from pipelines.settings import Settings

# DuckDB spills to the work file's .tmp folder beyond this, which keeps a 10-million-row load
# well under 3 GB of memory on the 2-core machines this runs on.
MEMORY_LIMIT = "2GB"
Progress = Callable[[str, float], None]


@dataclass
class IngestResult:
    outcome: str  # published | no change | refused
    message: str
    files: list[FileResult]
    db_path: Path
    user: str
    profile: str
    run_id: int | None = None
    as_of: date | None = None
    seconds: float = 0.0
    ignored: list[Path] = field(default_factory=list)
    models: dict[str, float] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return self.outcome == "refused"

    def total(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)


def ingest(
    paths: list[Path] | list[str],
    *,
    settings: Settings,
    profile: str | Path | SourceProfile | None = None,
    user: str | None = None,
    progress: Progress | None = None,
) -> IngestResult:
    """Load exports into the published database, quarantining bad rows; never raises for data.

    A refused file gives `outcome == "refused"` and a message naming the file (and line); the
    published database then keeps every row it had. Safe to call while others read it.
    """
    return run(paths, settings=settings, profile=profile, user=user, progress=progress)


def run(
    paths: list[Path] | list[str],
    *,
    settings: Settings,
    profile: str | Path | SourceProfile | None = None,
    user: str | None = None,
    progress: Progress | None = None,
    strict: bool = False,
    fresh: bool = False,
    kind: str = "ingest",
    source_label: str | None = None,
    lock_timeout: float = 600.0,
) -> IngestResult:
    """The machinery behind `ingest` and `build` (strict: the first violation raises)."""
    started, clock = _now(), time.perf_counter()
    prof = profile if isinstance(profile, SourceProfile) else load_profile(profile)
    target = Path(settings.db_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    result = IngestResult("refused", "", [], target, user or _os_user(), prof.label)
    audit = {
        "started_at": started,
        "user_name": result.user,
        "kind": kind,
        "profile": prof.label,
        "profile_sha256": prof.sha256,
    }
    say = progress or (lambda what, fraction: None)
    sources: list[Source] = []
    with db.writer_lock(target, lock_timeout):
        db.remove_stale_work_files(target)
        try:
            sources, result.ignored = find(paths, prof, strict)
            inspect(sources, whole=False)
            label = source_label or f"{kind}: " + ", ".join(s.name for s in sources)
            _load(sources, result, settings, fresh, strict, say, audit, label)
        except FileRefused as exc:
            _settle_quietly(sources)
            if strict:
                raise
            result.outcome, result.message = "refused", str(exc)
            result.files = _refused_files(sources, exc)
            if target.exists() and not fresh:
                _record_refusal(target, result, audit)
    result.seconds = time.perf_counter() - clock
    return result


def prepare(
    paths: list, prof: SourceProfile, strict: bool = False
) -> tuple[list[Source], list[Path]]:
    """Find, scan and read the header of every input; refuse what cannot be read as a table."""
    sources, ignored = find(paths, prof, strict)
    inspect(sources)
    return sources, ignored


def find(paths: list, prof: SourceProfile, strict: bool) -> tuple[list[Source], list[Path]]:
    if strict and not Path(paths[0]).is_dir():
        raise ContractError(paths[0], None, None, "input folder not found")
    sources, ignored = discover([Path(p) for p in paths], prof)
    if strict:
        folder = Path(paths[0])
        for name in REQUIRED_TABLES:
            if not any(s.table == name for s in sources):
                raise ContractError(folder / f"{name}.csv", None, None, "required file is missing")
    return sources, ignored


def inspect(sources: list[Source], *, whole: bool = True) -> None:
    """Refuse what cannot be read as a table; with `whole=False`, from each file's first chunk
    (the pass over all its bytes then runs beside the load: `file_bytes.background`)."""
    for source in sources:
        (scan if whole else peek)(source)
        bind_header(source, read_header(source))


def _start_scan(con, source: Source, fresh: bool) -> None:
    """Hash the file while it is read, unless its bytes may have been loaded before.

    A file is skipped as already loaded only when an earlier load had the same SHA-256, so the
    same size; for a size no earlier load of the table had, the hash can wait.
    """
    if source.sha256 or source.pending is not None:
        return
    if fresh or not store.loaded_size(con, source.table, source.path.stat().st_size):
        source.pending = background(source)
    else:
        scan(source)


def _settle_quietly(sources: list[Source]) -> None:
    """Finish every file's pass over its bytes, so a refused run records each file's hash."""
    for source in sources:
        with contextlib.suppress(FileRefused, OSError):
            if source.pending is not None:
                settle(source)
            elif not source.sha256:
                scan(source)


def _load(sources, result, settings, fresh, strict, say, audit, label) -> None:
    target = result.db_path
    cutoff = settings.as_of or date.today()
    work = db.work_path(target)
    try:
        db.start_work(target, fresh=fresh)
        con = _connect(work)
        try:
            store.create_schema(con)
            run_id = result.run_id = store.next_run_id(con)
            for source in sources:
                _start_scan(con, source, fresh)
                prior = (
                    store.already_loaded(con, source.table, source.sha256)
                    if source.sha256 and not fresh
                    else None
                )
                if prior is not None:
                    run_no, when, name = prior
                    note = f"already loaded in run {run_no} ({when:%Y-%m-%d %H:%M}) as {name}"
                    result.files.append(
                        FileResult.of(source, outcome="already loaded", message=note)
                    )
                    continue
                result.files.append(
                    load_file(
                        con,
                        source,
                        run_id=run_id,
                        cutoff=cutoff,
                        strict=strict,
                        progress=lambda f, name=source.name: say(name, f),
                    )
                )
                say(source.name, 1.0)
            load_finish(con)
            loaded = {f.table_name for f in result.files if f.outcome == "loaded"}
            if loaded or fresh:
                say("rebuilding marts", 0.0)
                result.as_of, result.models = models.rebuild_models(con, settings, label)
                references.flag(con, run_id, loaded)
                _count_warnings(con, run_id, result.files)
                result.outcome = "published"
            else:
                result.outcome = "no change"
                result.message = (
                    "every file was already loaded: nothing changed"
                    if sources
                    else "no file of a contract table was found: nothing changed"
                )
                result.as_of = _as_of(con)
            _write_audit(con, result, audit)
            con.execute("checkpoint")
        finally:
            con.close()
        db.publish(work, target)
    finally:
        db.remove_work_files(work)


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    # Progress is tracked (for the bar we draw) but never printed by DuckDB itself. In a Jupyter
    # kernel DuckDB refuses to track it without ipywidgets: load without the fraction then.
    with contextlib.suppress(duckdb.InvalidInputException):
        con.execute("set enable_progress_bar = true; set enable_progress_bar_print = false")
    con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
    return con


def _count_warnings(con, run_id: int, files: list[FileResult]) -> None:
    rows = con.execute(
        "select file_name, check_name, count(*) from ingest.warnings "
        "where run_id = ? and action = 'loaded' group by all order by 3 desc",
        [run_id],
    ).fetchall()
    by_name = {f.file_name: f for f in files}
    for file_name, check_name, n in rows:
        f = by_name[file_name]
        f.n_warned += n
        words = references.SUMMARY_WORDS[check_name]
        f.reasons[words] = f.reasons.get(words, 0) + n


def _write_audit(con, result: IngestResult, audit: dict) -> None:
    finished = _now()
    totals = {
        n: result.total(n) for n in ("n_read", "n_loaded", "n_skipped", "n_quarantined", "n_warned")
    }
    store.insert_row(
        con,
        "runs",
        {
            **audit,
            **totals,
            "run_id": result.run_id,
            "finished_at": finished,
            "seconds": (finished - audit["started_at"]).total_seconds(),
            "outcome": result.outcome,
            "message": result.message,
            "n_files": len(result.files),
            "as_of": result.as_of,
        },
    )
    for f in result.files:
        store.insert_row(con, "files", {**f.__dict__, "run_id": result.run_id})


def _record_refusal(target: Path, result: IngestResult, audit: dict) -> None:
    """A refused run changes no data, but it is still recorded in the audit table."""
    work = db.work_path(target)
    try:
        db.start_work(target, fresh=False)
        con = _connect(work)
        try:
            store.create_schema(con)
            result.run_id = store.next_run_id(con)
            result.as_of = _as_of(con)
            _write_audit(con, result, audit)
            con.execute("checkpoint")
        finally:
            con.close()
        db.publish(work, target)
    finally:
        db.remove_work_files(work)


def _refused_files(sources: list[Source], exc: FileRefused) -> list[FileResult]:
    out = [FileResult.of(s, outcome="not loaded") for s in sources]
    for f in out:
        if Path(f.path) == Path(exc.file):
            f.outcome, f.message = "refused", str(exc)
    if not any(f.outcome == "refused" for f in out):
        name = Path(exc.file).name
        out.append(FileResult(name, exc.file, "", "", outcome="refused", message=str(exc)))
    return out


def _as_of(con) -> date | None:
    try:
        return con.execute("select as_of from meta.parameters").fetchone()[0]
    except duckdb.Error:
        return None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"
