"""The messy export: the same data the way real program exports arrive.

Formatting (renamed columns, MM/DD/YYYY dates, local codes, Y/N, Latin-1, a byte-order mark, a
semicolon delimiter) changes no value: a correct source profile recovers the clean data exactly.
Damage *adds* rows (exact duplicates and impossible or orphan rows) to the first chunk of a file,
so quarantining exactly the rows listed in truth.json["messy"] leaves the clean data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.contract import TABLES
from sample_data.writer import Transform

MDY = "%m/%d/%Y"


@dataclass(frozen=True)
class Style:
    columns: dict[str, str] = field(default_factory=dict)  # contract name -> export name
    date_format: str | None = None  # None = ISO 8601
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column: canonical -> code
    booleans: tuple[str, str] | None = None  # (true, false) codes
    delimiter: str = ","
    encoding: str = "utf-8"
    bom: bool = False


STYLES = {
    "admissions": Style(
        columns={
            "client_id": "Client ID",
            "admission_date": "Admit Date",
            "track": "Program",
            "level_of_care": "LOC",
            "discharge_date": "Discharge Date",
            "discharge_reason": "Discharge Reason",
            "primary_substance": "Primary Substance",
            "age_at_admission": "Age",
            "race_ethnicity": "Race/Ethnicity",
            "referral_source": "Referral Source",
            "counselor": "Primary Counselor",
        },
        date_format=MDY,
        values={
            "discharge_reason": {
                "completed": "Successful",
                "dropped_out": "AMA",
                "terminated": "Admin",
                "transferred": "Xfer",
                "incarcerated": "Jail",
                "deceased": "Expired",
                "other": "Other",
            },
            "sex": {"female": "F", "male": "M", "other": "X", "unknown": "U"},
            "counselor": {"Counselor 07": "Counselor Peña"},  # needs Latin-1 to survive
        },
        encoding="latin-1",
    ),
    "attendance": Style(
        columns={
            "client_id": "Client ID",
            "session_date": "Session Date",
            "status": "Attendance",
            "session_type": "Service",
            "duration_minutes": "Minutes",
        },
        date_format=MDY,
        values={
            "status": {
                "attended": "Present",
                "excused": "Excused",
                "no_show": "No Show",
                "cancelled": "Cancelled",
            }
        },
        delimiter=";",
    ),
    "substance_use": Style(
        columns={
            "client_id": "Client ID",
            "test_date": "Collection Date",
            "method": "Method",
            "substance": "Analyte",
            "result": "Result",
        },
        values={"method": {"uds": "UDS", "breath": "BAC", "self_report": "Self-report"}},
        bom=True,
    ),
    "abstinence": Style(),
    "followups": Style(
        columns={
            "client_id": "Client ID",
            "timepoint": "Follow-up",
            "due_date": "Due Date",
            "status": "Status",
            "contact_date": "Contact Date",
            "days_abstinent_30": "Days Abstinent (30)",
        },
        date_format=MDY,
        booleans=("Y", "N"),
    ),
}

# How many rows of each kind the messy export adds: (table, kind, count).
DAMAGE = (
    ("admissions", "duplicate_admission_rows", 3),
    ("admissions", "discharge_before_admission", 3),
    ("attendance", "duplicate_attendance_rows", 5),
    ("attendance", "unknown_client_attendance", 6),
    ("substance_use", "duplicate_substance_use_rows", 3),
    ("substance_use", "unknown_client_substance_use", 4),
    ("abstinence", "days_abstinent_exceed_window", 4),
    ("followups", "duplicate_followup_rows", 2),
)


def profile() -> dict:
    """What an ingestion source profile needs to read each messy file back into the contract."""
    out = {}
    for name, s in STYLES.items():
        columns = {c: s.columns.get(c, c) for c in TABLES[name].column_names}
        out[name] = {
            "file": f"{name}.csv",
            "encoding": s.encoding,
            "bom": s.bom,
            "delimiter": s.delimiter,
            "date_format": s.date_format or "%Y-%m-%d",
            "columns": {export: contract for contract, export in columns.items()},
            "values": {
                col: {code: canon for canon, code in m.items()} for col, m in s.values.items()
            },
            "true_values": [s.booleans[0] if s.booleans else "true"],
            "false_values": [s.booleans[1] if s.booleans else "false"],
        }
    return out


class Damage:
    """Adds damaged rows to the first chunk of each file and remembers their line numbers."""

    def __init__(self, rng: np.random.Generator, id_width: int) -> None:
        self.rng, self.width = rng, id_width
        self.lines: dict[str, list[int]] = {}
        self._unknown = 0

    def transform(self, name: str) -> Transform:
        def apply(table: pa.Table, rows_before: int) -> pa.Table:
            if rows_before == 0 and table.num_rows > 0:
                table = self._inject(name, table)
            return _format(table, STYLES[name])

        return apply

    def report(self) -> dict:
        return {
            kind: {
                "file": f"{name}.csv",
                "count": len(self.lines.get(kind, [])),
                "rows": self.lines.get(kind, []),
            }
            for name, kind, _ in DAMAGE
        }

    def _unknown_ids(self, k: int) -> pa.Array:
        start = 10**self.width - 1 - self._unknown
        self._unknown += k
        return pa.array([f"C{start - j:0{self.width}d}" for j in range(k)])

    def _inject(self, name: str, table: pa.Table) -> pa.Table:
        n = table.num_rows
        added, keys, kinds = [], [], []
        for table_name, kind, count in DAMAGE:
            if table_name != name:
                continue
            source = np.sort(self.rng.choice(n, size=min(count, n), replace=False))
            rows = table.take(pa.array(source))
            if kind.startswith("duplicate"):
                key = self.rng.uniform(source + 0.5, n)  # the copy comes after its original
            else:
                key = self.rng.uniform(-0.5, n, len(source))
                rows = self._spoil(kind, rows)
            added.append(rows)
            keys.append(key)
            kinds += [kind] * len(source)
        order = np.argsort(np.concatenate([np.arange(n, dtype=float), *keys]), kind="stable")
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        for j, kind in enumerate(kinds):
            self.lines.setdefault(kind, []).append(int(position[n + j]) + 2)  # header = line 1
        for kind in set(kinds):
            self.lines[kind].sort()
        return pa.concat_tables([table, *added]).take(pa.array(order))

    def _spoil(self, kind: str, rows: pa.Table) -> pa.Table:
        k = rows.num_rows
        if kind == "discharge_before_admission":
            back = pa.array(self.rng.integers(1, 31, k).astype(np.int32))
            days = pc.subtract(rows["admission_date"].cast(pa.int32()), back).cast(pa.date32())
            rows = _set(rows, "discharge_date", days)
            rows = _set(rows, "discharge_reason", pa.array(["completed"] * k))
            return _set(rows, "client_id", self._unknown_ids(k))
        if kind.startswith("unknown_client"):
            return _set(rows, "client_id", self._unknown_ids(k))
        if kind == "days_abstinent_exceed_window":
            rows = _set(rows, "days_abstinent", pa.array([45] * k, pa.int32()))
            return _set(rows, "substance", pa.array(["alcohol"] * k))  # a key of its own
        raise ValueError(kind)


def _set(table: pa.Table, column: str, values: pa.Array) -> pa.Table:
    i = table.schema.get_field_index(column)
    return table.set_column(i, table.schema.field(i), values.cast(table.schema.field(i).type))


def _format(table: pa.Table, style: Style) -> pa.Table:
    columns = []
    for name in table.column_names:
        col = table[name]
        if pa.types.is_date32(col.type) and style.date_format:
            col = pc.strftime(col.cast(pa.timestamp("s")), format=style.date_format)
        if pa.types.is_boolean(col.type) and style.booleans:
            col = pc.if_else(col, *style.booleans)
        if name in style.values:
            mapping = style.values[name]
            idx = pc.index_in(col, value_set=pa.array(list(mapping)))
            coded = pa.array(list(mapping.values())).take(idx)
            col = pc.if_else(pc.is_null(idx), col, coded)
        columns.append(col)
    names = [style.columns.get(n, n) for n in table.column_names]
    return pa.Table.from_arrays(columns, names=names)
