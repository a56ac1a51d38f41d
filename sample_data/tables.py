"""Simulated arrays -> Arrow tables with exactly the contract's columns, in contract order."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from pipelines.contract import (
    ABSTINENCE,
    ADMISSIONS,
    ASSESSMENT_TIMEPOINTS,
    ATTENDANCE,
    ATTENDANCE_STATUSES,
    DISCHARGE_REASONS,
    FOLLOWUP_STATUSES,
    FOLLOWUPS,
    LEVELS_OF_CARE,
    MEDICATIONS,
    SESSION_TYPES,
    SUBSTANCE_USE,
    TEST_METHODS,
    TEST_RESULTS,
    Table,
)
from sample_data.assessments import WINDOW, Followups, Interviews
from sample_data.attendance import Sessions
from sample_data.episodes import Episodes
from sample_data.params import (
    COUNSELORS_PER_SITE,
    OTHER,
    PRIMARY_SUBSTANCES,
    SITES,
    TIMEPOINTS,
    TRACKS,
    Params,
)
from sample_data.substance import SUBSTANCE_NAMES, Tests

ARROW_TYPES = {
    "text": pa.string(),
    "date": pa.date32(),
    "integer": pa.int32(),
    "boolean": pa.bool_(),
}
COUNSELORS = tuple(f"Counselor {i + 1:02d}" for i in range(len(SITES) * COUNSELORS_PER_SITE))


def categories(p: Params) -> dict[str, list[str]]:
    """The text values the generator uses where the contract leaves them open."""
    return {
        "track": list(TRACKS),
        "site": list(SITES),
        "counselor": list(COUNSELORS),
        "race_ethnicity": list(p.race_shares),
        "referral_source": list(p.referral_shares),
        "followup_timepoint": list(TIMEPOINTS),
    }


def schema(table: Table) -> pa.Schema:
    return pa.schema([(c.name, ARROW_TYPES[c.type]) for c in table.columns])


def client_ids(rng: np.random.Generator, n_clients: int) -> tuple[pa.Array, int]:
    """Printed ids "C000123", a random permutation so ids say nothing about admission order."""
    width = max(6, len(str(n_clients + 100)))
    numbers = pa.array(rng.permutation(n_clients) + 1).cast(pa.string())
    padded = pa.compute.utf8_lpad(numbers, width=width, padding="0")
    return pa.compute.binary_join_element_wise("C", padded, ""), width


def _text(codes: np.ndarray, names: tuple[str, ...] | list[str]) -> pa.Array:
    codes = np.asarray(codes)
    idx = pa.array(codes.astype(np.int32), mask=codes < 0)
    return pa.array(list(names), pa.string()).take(idx)


def _date(days: np.ndarray) -> pa.Array:
    days = np.asarray(days)
    return pa.array(days.astype(np.int32), pa.int32(), mask=days < 0).cast(pa.date32())


def _int(values: np.ndarray) -> pa.Array:
    values = np.asarray(values)
    return pa.array(values.astype(np.int32), pa.int32(), mask=values < 0)


def _bool(values: np.ndarray) -> pa.Array:
    values = np.asarray(values)
    return pa.array(values == 1, pa.bool_(), mask=values < 0)


def _build(table: Table, columns: dict[str, pa.Array]) -> pa.Table:
    return pa.Table.from_arrays([columns[c] for c in table.column_names], schema=schema(table))


def admissions(ep: Episodes, ids: pa.Array, p: Params) -> pa.Table:
    recorded = ep.reason <= OTHER
    return _build(
        ADMISSIONS,
        {
            "client_id": ids.take(pa.array(ep.client)),
            "admission_date": _date(ep.admit),
            "track": _text(ep.track, TRACKS),
            "site": _text(ep.site, SITES),
            "level_of_care": _text(ep.level, LEVELS_OF_CARE),
            "discharge_date": _date(np.where(recorded, ep.admit + ep.end, -1)),
            "discharge_reason": _text(np.where(recorded, ep.reason, -1), DISCHARGE_REASONS),
            "medication": _text(ep.medication, MEDICATIONS),
            "primary_substance": _text(ep.primary, PRIMARY_SUBSTANCES),
            "sex": _text(ep.sex, list(p.sex_shares)),
            "age_at_admission": _int(ep.age),
            "race_ethnicity": _text(ep.race, list(p.race_shares)),
            "referral_source": _text(ep.referral, list(p.referral_shares)),
            "counselor": _text(ep.counselor, COUNSELORS),
        },
    )


def attendance(s: Sessions, ep: Episodes, ids: pa.Array) -> pa.Table:
    return _build(
        ATTENDANCE,
        {
            "client_id": ids.take(pa.array(ep.client[s.episode])),
            "session_date": _date(ep.admit[s.episode] + s.day),
            "status": _text(s.status, ATTENDANCE_STATUSES),
            "session_type": _text(s.type, SESSION_TYPES),
            "duration_minutes": _int(s.minutes),
        },
    )


def substance_use(t: Tests, ep: Episodes, ids: pa.Array) -> pa.Table:
    return _build(
        SUBSTANCE_USE,
        {
            "client_id": ids.take(pa.array(ep.client[t.episode])),
            "test_date": _date(ep.admit[t.episode] + t.day),
            "method": _text(t.method, TEST_METHODS),
            "substance": _text(t.substance, SUBSTANCE_NAMES),
            "result": _text(t.result, TEST_RESULTS),
        },
    )


def abstinence(iv: Interviews, ep: Episodes, ids: pa.Array) -> pa.Table:
    n = len(iv.episode)
    return _build(
        ABSTINENCE,
        {
            "client_id": ids.take(pa.array(ep.client[iv.episode])),
            "assessment_date": _date(iv.date),
            "window_days": _int(np.full(n, WINDOW)),
            "days_abstinent": _int(iv.days_abstinent),
            "timepoint": _text(iv.timepoint, ASSESSMENT_TIMEPOINTS),
            "substance": _text(np.zeros(n, np.int8), ["any"]),
        },
    )


def followups(fu: Followups, ep: Episodes, ids: pa.Array) -> pa.Table:
    return _build(
        FOLLOWUPS,
        {
            "client_id": ids.take(pa.array(ep.client[fu.episode])),
            "timepoint": _text(fu.timepoint, TIMEPOINTS),
            "due_date": _date(fu.due),
            "status": _text(fu.status, FOLLOWUP_STATUSES),
            "contact_date": _date(fu.contact),
            "days_abstinent_30": _int(fu.days_abstinent),
            "employed_or_in_school": _bool(fu.employed),
            "stable_housing": _bool(fu.housing),
            "arrested_30d": _bool(fu.arrested),
        },
    )
