"""The one door between a viewer and the data: `fetch(con, viewer, name, ...)`.

- director: every table, client-level lists included.
- researcher: aggregates, and client-level rows only de-identified (keyed pseudonyms for client
  ids, days from admission for dates, no episode ids).
- funder: aggregates only, each through small-cell suppression with k = Settings.small_cell_min;
  client-level and operational tables, and aggregates without a suppression spec, are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import duckdb
import pandas as pd

from pipelines import metrics, patterns
from pipelines.access import queries
from pipelines.access.protect import protect
from pipelines.access.pseudonyms import deidentify
from pipelines.access.specs import SPECS
from pipelines.metrics.filters import ALL, Filters
from pipelines.suppression import DEFAULT_K

Role = Literal["director", "researcher", "funder"]
ROLES: tuple[Role, ...] = ("director", "researcher", "funder")
ROLE_HELP: dict[Role, str] = {
    "director": "Everything, client-level lists included.",
    "researcher": "Aggregates and a de-identified extract (pseudonymous ids, days from admission).",
    "funder": "Aggregates only; counts below the small-cell minimum are blank.",
}
Level = Literal["aggregate", "reference", "operational", "client"]
EVERYONE: frozenset[Role] = frozenset(ROLES)
STAFF: frozenset[Role] = frozenset({"director", "researcher"})
DIRECTOR: frozenset[Role] = frozenset({"director"})
ACTIONS: dict[str, frozenset[Role]] = {"upload": DIRECTOR}


class AccessDenied(PermissionError):
    """The viewer's role may not see this table or take this action."""


@dataclass(frozen=True)
class Viewer:
    role: Role
    k: int = DEFAULT_K  # Settings.small_cell_min
    key: bytes = field(default=b"", repr=False)  # the database's pseudonym key

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise AccessDenied(f"unknown role {self.role!r}; roles are {ROLES}")


@dataclass(frozen=True)
class Source:
    fn: Callable[..., pd.DataFrame]
    level: Level
    roles: frozenset[Role]
    filtered: bool = True  # takes the shared filters and a group-by


@dataclass(frozen=True)
class Shown:
    """What a viewer may see of a table; `reasons` says why each blank cell is blank."""

    frame: pd.DataFrame
    reasons: pd.DataFrame | None = None
    k: int | None = None

    @property
    def n_hidden(self) -> int:
        return 0 if self.reasons is None else int((self.reasons != "").to_numpy().sum())

    def note(self) -> str:
        """Why cells are blank, in words ("" when none is)."""
        if not self.n_hidden:
            return ""
        found = pd.unique(self.reasons.to_numpy().ravel())
        why = "; ".join(r for r in found if r)
        return (
            f"{self.n_hidden} blank cell{'s' if self.n_hidden > 1 else ''}: {why}. Counts from 1 "
            f"to {self.k - 1} are never shown, nor anything they could be worked out from "
            "(small-cell suppression)."
        )


def _metric(name: str) -> Source:
    return Source(getattr(metrics, name), "aggregate", EVERYONE)


_METRICS = [n for n in metrics.__all__ if n not in ("ALL", "GROUP_COLUMNS", "Filters")]
SOURCES: dict[str, Source] = {name: _metric(name) for name in _METRICS} | {
    "negative_screen_rate": Source(queries.negative_screen_rate, "aggregate", EVERYONE),
    "positivity_by_week": Source(patterns.positivity_by_week, "aggregate", EVERYONE),
    "relapse_rate": Source(patterns.relapse_rate, "aggregate", EVERYONE),
    "relapse_curve": Source(patterns.relapse_curve, "aggregate", EVERYONE),
    "relapse_logrank": Source(patterns.relapse_logrank, "aggregate", EVERYONE),
    "filter_choices": Source(queries.filter_choices, "reference", EVERYONE, filtered=False),
    "admission_dates": Source(queries.admission_dates, "reference", EVERYONE, filtered=False),
    "coverage": Source(queries.coverage, "operational", STAFF),
    "freshness": Source(queries.freshness, "operational", STAFF, filtered=False),
    "ingest_runs": Source(queries.ingest_runs, "operational", STAFF, filtered=False),
    "quarantine_summary": Source(queries.quarantine_summary, "operational", STAFF, False),
    "orphan_summary": Source(queries.orphan_summary, "operational", STAFF, filtered=False),
    "analysis_extract": Source(queries.analysis_extract, "client", STAFF),
    "at_risk_clients": Source(queries.at_risk_clients, "client", DIRECTOR),
    "followups_due": Source(queries.followups_due, "client", DIRECTOR),
    "followups_due_counts": Source(queries.followups_due_counts, "operational", DIRECTOR),
    "orphan_rows": Source(queries.orphan_rows, "client", DIRECTOR, filtered=False),
    "quarantine_rows": Source(queries.quarantine_rows, "client", DIRECTOR, filtered=False),
}
# Always de-identified, whoever asks: the researchers' extract leaves the program.
ALWAYS_DEIDENTIFIED = frozenset({"analysis_extract"})


def allowed(role: Role, name: str, *, suppress: bool = False) -> bool:
    """Whether `role` may fetch `name` (or take the action `name`)."""
    if name in ACTIONS:
        return role in ACTIONS[name]
    source = SOURCES.get(name)
    if source is None or role not in source.roles:
        return False
    if role == "funder" or suppress:
        return source.level == "reference" or name in SPECS
    return True


def require(viewer: Viewer, action: str) -> None:
    if not allowed(viewer.role, action):
        raise AccessDenied(f"a {viewer.role} may not {action}")


def fetch(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    name: str,
    *,
    filters: Filters = ALL,
    group_by: str | None = None,
    suppress: bool = False,
    **params: object,
) -> Shown:
    """Table `name` as `viewer` may see it; `suppress=True` protects it for every role."""
    if not allowed(viewer.role, name, suppress=suppress):
        raise AccessDenied(f"a {viewer.role} may not see {name!r}")
    source = SOURCES[name]
    args = {"filters": filters, "group_by": group_by} if source.filtered else {}
    frame = source.fn(con, **args, **params)
    if source.level == "reference":
        return Shown(_choices(frame, viewer) if "n_episodes" in frame.columns else frame)
    if viewer.role == "funder" or suppress:
        total = None
        if group_by is not None:
            total = source.fn(con, filters=filters, group_by=None, **params)
        values, reasons = protect(frame, SPECS[name], viewer.k, total)
        return Shown(values, reasons, viewer.k)
    if source.level == "client" and (viewer.role != "director" or name in ALWAYS_DEIDENTIFIED):
        frame = deidentify(frame, viewer.key, dates=_dates(frame))
    return Shown(frame)


def _choices(frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """Filter values without their counts; for funders only values held by k or more episodes
    (a value held by one client would say that client is in the data)."""
    if viewer.role == "funder":
        frame = frame[frame["n_episodes"] >= viewer.k]
    return frame.drop(columns=["n_episodes"]).reset_index(drop=True)


def _dates(frame: pd.DataFrame) -> list[str]:
    if "admission_date" not in frame.columns:
        return []
    return [c for c in frame.columns if c.endswith("_date") and c != "admission_date"]
