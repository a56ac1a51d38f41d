"""Source profiles: a small TOML file per source that says how its exports spell the contract.

Every key is documented in docs/source-profiles.md. Unknown keys are refused (a typo in a profile
must not silently fall back to a default), and so are codes that map onto values the contract
does not allow.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.checks import DATE_FORMAT, ValueRules
from pipelines.contract import BOOLEAN_FALSE, BOOLEAN_TRUE, TABLES

PROFILES_DIR = Path(__file__).resolve().parents[1] / "profiles"
ENCODINGS = {"auto": "auto", "utf-8": "utf-8", "utf8": "utf-8", "utf-8-sig": "utf-8"}
ENCODINGS |= {"latin-1": "latin-1", "latin1": "latin-1", "iso-8859-1": "latin-1"}
DELIMITERS = ("auto", ",", ";", "\t", "|")
SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".xlsx")
# Keys a table section may override; the same keys at the top level are the defaults.
FORMAT_KEYS = ("encoding", "delimiter", "date_format", "null_values", "true_values", "false_values")
TOP_KEYS = {"name", "description", "tables", *FORMAT_KEYS}
TABLE_KEYS = {"file", "sheet", "columns", "codes", *FORMAT_KEYS}


class ProfileError(ValueError):
    """A source profile that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class TableProfile:
    table: str
    files: tuple[str, ...]  # glob patterns matched against file names, ignoring case
    encoding: str = "auto"
    delimiter: str = "auto"
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # export header (lower) -> contract
    rules: ValueRules = ValueRules()

    def contract_name(self, header: str) -> str | None:
        """The contract column an export header maps to (contract names always match)."""
        key = header.strip().lower()
        if key in self.columns:
            return self.columns[key]
        return key if key in TABLES[self.table].column_names else None


@dataclass(frozen=True)
class SourceProfile:
    name: str
    tables: dict[str, TableProfile]
    description: str = ""
    path: Path | None = None
    sha256: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.path.name})" if self.path else self.name


def default_patterns(table: str) -> tuple[str, ...]:
    return tuple(table + s for s in SUFFIXES)


def default_profile() -> SourceProfile:
    """The contract as it is written: contract names, ISO dates, encoding and delimiter sniffed."""
    tables = {t: TableProfile(t, default_patterns(t)) for t in TABLES}
    return SourceProfile("contract", tables, "Files written exactly as docs/data-contract.md says")


def load_profile(spec: str | Path | None) -> SourceProfile:
    """A profile from a TOML path, or the name of a shipped one (pipelines/profiles/NAME.toml)."""
    if spec is None:
        return default_profile()
    path = Path(spec)
    if not path.exists() and (PROFILES_DIR / f"{spec}.toml").exists():
        path = PROFILES_DIR / f"{spec}.toml"
    if not path.is_file():
        raise ProfileError(f"{path}: source profile not found")
    data = path.read_bytes()
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{path.name}: not a valid TOML file: {exc}") from exc
    profile = parse_profile(doc, path.name)
    return SourceProfile(
        profile.name, profile.tables, profile.description, path, hashlib.sha256(data).hexdigest()
    )


def parse_profile(doc: dict, where: str = "profile") -> SourceProfile:
    _known(doc, TOP_KEYS, where)
    defaults = {k: doc[k] for k in FORMAT_KEYS if k in doc}
    sections = doc.get("tables", {})
    _known(sections, set(TABLES), f"{where} [tables]")
    tables = {}
    for name in TABLES:
        section = sections.get(name, {})
        _known(section, TABLE_KEYS, f"{where} [tables.{name}]")
        tables[name] = _table(name, {**defaults, **section}, f"{where} [tables.{name}]")
    return SourceProfile(str(doc.get("name", Path(where).stem)), tables, doc.get("description", ""))


def _table(name: str, s: dict, where: str) -> TableProfile:
    table = TABLES[name]
    columns: dict[str, str] = {}
    for export, contract in s.get("columns", {}).items():
        if contract not in table.column_names:
            raise ProfileError(
                f"{where}: column {export!r} maps to {contract!r}, not a column of {name}"
            )
        if contract in columns.values():
            raise ProfileError(f"{where}: two export columns map to {contract!r}")
        columns[export.strip().lower()] = contract
    codes: dict[str, dict[str, str]] = {}
    for column, mapping in s.get("codes", {}).items():
        if column not in table.column_names:
            raise ProfileError(f"{where}: codes for {column!r}, not a column of {name}")
        allowed = table.column(column).allowed
        for local, value in mapping.items():
            if allowed and value not in allowed:
                raise ProfileError(
                    f"{where}: code {local!r} of {column} maps to {value!r}, "
                    f"not one of: {', '.join(allowed)}"
                )
        codes[column] = {str(k).strip(): str(v) for k, v in mapping.items()}
    encoding = str(s.get("encoding", "auto")).lower()
    if encoding not in ENCODINGS:
        raise ProfileError(f"{where}: encoding {encoding!r} is not one of: auto, utf-8, latin-1")
    delimiter = s.get("delimiter", "auto")
    if delimiter not in DELIMITERS:
        raise ProfileError(f"{where}: delimiter {delimiter!r} is not one of: auto , ; tab |")
    formats = _strings(s.get("date_format", DATE_FORMAT), where, "date_format")
    if not all("%" in f for f in formats):
        raise ProfileError(f"{where}: date_format needs strftime codes such as %Y-%m-%d")
    rules = ValueRules(
        date_formats=formats,
        true_values=BOOLEAN_TRUE + _strings(s.get("true_values", []), where, "true_values"),
        false_values=BOOLEAN_FALSE + _strings(s.get("false_values", []), where, "false_values"),
        null_values=_strings(s.get("null_values", []), where, "null_values"),
        codes=codes,
    )
    files = _strings(s.get("file", list(default_patterns(name))), where, "file")
    sheet = s.get("sheet")
    return TableProfile(name, files, ENCODINGS[encoding], delimiter, sheet, columns, rules)


def _strings(value: object, where: str, key: str) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ProfileError(f"{where}: {key} must be a text or a list of texts")
    return tuple(values)


def _known(section: object, known: set[str], where: str) -> None:
    if not isinstance(section, dict):
        raise ProfileError(f"{where}: expected a table of keys")
    unknown = sorted(set(section) - known)
    if unknown:
        raise ProfileError(
            f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})"
        )
