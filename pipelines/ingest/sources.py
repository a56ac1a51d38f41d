"""Input files: which table each holds, its format and its header.

The header is read with the profile's names; the pass over a file's bytes (SHA-256, lines,
encoding) is in `pipelines.ingest.file_bytes`. A file that cannot be read as a table is refused
with one message, before anything is loaded.
"""

from __future__ import annotations

import csv
import fnmatch
import io
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.contract import TABLES
from pipelines.ingest.profile import SUFFIXES, SourceProfile, TableProfile
from pipelines.load import ContractError

FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet", ".xlsx": "xlsx"}


class FileRefused(ContractError):
    """A file that cannot be loaded at all: nothing of the run is published."""


@dataclass
class Source:
    path: Path
    table: str
    profile: TableProfile
    format: str
    sha256: str = ""
    size: int = 0
    encoding: str = "utf-8"
    delimiter: str = ","
    header: list[str] = field(default_factory=list)  # names as in the file
    columns: dict[str, int] = field(default_factory=dict)  # contract column -> header position
    n_newlines: int = 0
    tail_newlines: int = 0  # newline characters after the last character that is not one
    has_bom: bool = False
    pending: Future | None = None  # the pass over the bytes, while it runs in a thread

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def content_lines(self) -> int:
        """Physical lines up to the last one holding text (the header is line 1)."""
        return self.n_newlines - self.tail_newlines + 1

    @property
    def ends_with_newline(self) -> bool:
        return self.tail_newlines > 0


def discover(paths: list[Path], profile: SourceProfile) -> tuple[list[Source], list[Path]]:
    """Input files in load order (tables in contract order, then by name) and files ignored."""
    found: list[Source] = []
    ignored: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(p for p in path.iterdir() if p.is_file()):
                table = match_table(child, profile)
                if table is None or child.suffix.lower() not in FORMATS:
                    ignored.append(child)
                else:
                    found.append(_source(child, table, profile))
        elif path.is_file():
            _supported(path)
            table = match_table(path, profile) or detect_table(path, profile)
            found.append(_source(path, table, profile))
        else:
            raise FileRefused(path, None, None, "file or folder not found")
    _no_twins(found)
    order = list(TABLES)
    return sorted(found, key=lambda s: order.index(s.table)), ignored


def match_table(path: Path, profile: SourceProfile) -> str | None:
    name = path.name.lower()
    hits = [
        t
        for t, tp in profile.tables.items()
        if any(fnmatch.fnmatch(name, p.lower()) for p in tp.files)
    ]
    if len(hits) > 1:
        raise FileRefused(path, None, None, f"the profile matches it to several tables: {hits}")
    return hits[0] if hits else None


def detect_table(path: Path, profile: SourceProfile) -> str:
    """For a file whose name says nothing: the one table whose required columns its header has."""
    header = read_header(_source(path, "admissions", profile))
    fits = [t for t, tp in profile.tables.items() if not _missing(header, tp)]
    if len(fits) != 1:
        raise FileRefused(
            path,
            None,
            None,
            "cannot tell which table this file holds: name it after the table "
            "(admissions, attendance, substance_use, abstinence, followups) or map it in a profile",
        )
    return fits[0]


def _supported(path: Path) -> None:
    if path.suffix.lower() == ".xls":
        raise FileRefused(path, None, None, "old Excel format (.xls): save it as .xlsx or CSV")
    if path.suffix.lower() not in FORMATS:
        raise FileRefused(path, None, None, f"unsupported file type: use one of {SUFFIXES}")


def _source(path: Path, table: str, profile: SourceProfile) -> Source:
    return Source(path, table, profile.tables[table], FORMATS.get(path.suffix.lower(), "csv"))


def _no_twins(sources: list[Source]) -> None:
    """Rows are traced by file name, so two inputs of one name would be indistinguishable."""
    names: set[str] = set()
    stems: set[tuple[str, Path, str]] = set()
    for s in sources:
        stem = (s.table, s.path.parent, s.path.stem.lower())
        if s.name.lower() in names or stem in stems:
            raise FileRefused(s.path, None, None, f"two files for table {s.table}: keep one")
        names.add(s.name.lower())
        stems.add(stem)


def read_header(source: Source) -> list[str]:
    """The header row's names as written, with the delimiter settled for CSV files."""
    if source.format == "parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(source.path).names)
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise FileRefused(source.path, None, None, f"cannot be read as Parquet: {exc}") from exc
    if source.format == "xlsx":
        from pipelines.ingest.excel import header_row

        return header_row(source)
    with source.path.open("rb") as f:
        first = f.readline(1 << 20)
    encoding = "utf-8-sig" if source.encoding == "utf-8" else source.encoding
    text = first.decode(encoding, errors="replace").rstrip("\r\n")
    if not text.strip():
        raise FileRefused(source.path, 1, None, "the first line is empty: no header row")
    delimiter = source.profile.delimiter
    if delimiter == "auto":
        delimiter = "\t" if source.path.suffix.lower() == ".tsv" else sniff_delimiter(text)
    source.delimiter = delimiter
    return next(csv.reader(io.StringIO(text), delimiter=delimiter))


def sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def bind_header(source: Source, header: list[str]) -> None:
    """Map the header's names onto contract columns, or refuse the file with a reason."""
    source.header = header
    tp = source.profile
    columns: dict[str, int] = {}
    for i, name in enumerate(header):
        contract = tp.contract_name(name)
        if contract is None:
            continue
        if contract in columns:
            first = header[columns[contract]]
            raise FileRefused(
                source.path, 1, contract, f"two columns hold {contract}: {first!r} and {name!r}"
            )
        columns[contract] = i
    source.columns = columns
    missing = _missing(header, tp)
    if len(header) == 1 and source.format == "csv" and any(d in header[0] for d in ",;\t|"):
        raise FileRefused(
            source.path,
            1,
            None,
            f"the header has one column ({header[0][:40]!r}"
            f"…): the delimiter is not {source.delimiter!r}",
        )
    if not columns:
        shown = ", ".join(repr(h) for h in header[:4])
        raise FileRefused(
            source.path,
            1,
            None,
            f"the first line is not a header row of {source.table} (it starts {shown})",
        )
    if missing:
        hint = _looks_like(header, source)
        raise FileRefused(
            source.path, 1, missing[0], "required column is missing from the header" + hint
        )


def _missing(header: list[str], tp: TableProfile) -> list[str]:
    present = {tp.contract_name(h) for h in header}
    return [c for c in TABLES[tp.table].required_columns if c not in present]


def _looks_like(header: list[str], source: Source) -> str:
    if len(header) == 1 and source.format == "csv":
        return " (the header has one column: is the delimiter right?)"
    for table in TABLES:
        if table != source.table and not _missing(header, TableProfile(table, ())):
            return f" (the header looks like the {table} table)"
    return ""
