"""Weekly schedules and session attendance for a chunk of episodes (vectorised over sessions).

Group days are 3-5 weekdays that include the admission weekday, so the admission day, the
completion day (same weekday, `weeks` weeks later) and every treatment week hold the same pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.contract import ATTENDANCE_STATUSES, LEVELS_OF_CARE, SESSION_TYPES
from sample_data import timeline
from sample_data.episodes import Episodes
from sample_data.params import ACTIVE, ADMINISTRATIVE, COMPLETED, PREMATURE, TRACKS, Params

NO_DAY = 10_000  # offset of an unused group-day slot: beyond every episode
ATTENDED, EXCUSED, NO_SHOW, CANCELLED = (
    ATTENDANCE_STATUSES.index(s) for s in ("attended", "excused", "no_show", "cancelled")
)
GROUP, INDIVIDUAL, FAMILY, MEDICATION = (
    SESSION_TYPES.index(s) for s in ("group", "individual", "family", "medication")
)


@dataclass
class Schedule:
    offsets: np.ndarray  # (n, 5) group-day offsets within a week from admission, NO_DAY if unused
    n_group: np.ndarray  # group days a week (3-5)
    minutes: np.ndarray  # group session length
    individual_slot: np.ndarray  # which group day also holds the weekly individual session
    family: np.ndarray  # bool: family session every other week
    family_slot: np.ndarray
    medication_slot: np.ndarray  # medication management every other week for MOUD clients


@dataclass
class Sessions:
    """One entry per scheduled session, sorted by episode, day and session type."""

    episode: np.ndarray  # index into the chunk
    day: np.ndarray  # days from admission
    type: np.ndarray  # index into SESSION_TYPES
    status: np.ndarray  # index into ATTENDANCE_STATUSES
    minutes: np.ndarray


def schedule(rng: np.random.Generator, ep: Episodes, p: Params) -> Schedule:
    n = len(ep)
    wd = timeline.weekday(ep.admit)
    iop_days = np.array([int(k) for k in p.group_days_iop])
    shares = np.array(list(p.group_days_iop.values()))
    n_group = iop_days[rng.choice(len(shares), size=n, p=shares / shares.sum())]
    n_group = np.where(ep.level == LEVELS_OF_CARE.index("php"), 5, n_group)
    n_group = np.where(ep.level == LEVELS_OF_CARE.index("op"), 3, n_group)
    keys = rng.random((n, 5))
    keys[np.arange(n), wd] = -1.0  # the admission weekday is always a group day
    days = np.argsort(keys, axis=1)
    offsets = (days - wd[:, None]) % 7
    offsets = np.where(np.arange(5) < n_group[:, None], offsets, NO_DAY)
    offsets.sort(axis=1)
    minutes = np.asarray(p.group_minutes)[rng.integers(0, len(p.group_minutes), n)]
    minutes = np.where(ep.level == LEVELS_OF_CARE.index("php"), max(p.group_minutes), minutes)
    minutes = np.where(ep.level == LEVELS_OF_CARE.index("op"), min(p.group_minutes), minutes)
    return Schedule(
        offsets=offsets,
        n_group=n_group,
        minutes=minutes,
        individual_slot=rng.integers(0, n_group),
        family=rng.random(n) < p.family_share,
        family_slot=rng.integers(0, n_group),
        medication_slot=rng.integers(0, n_group),
    )


def scheduled_until(ep: Episodes, as_of: int, p: Params) -> np.ndarray:
    """Last day (offset) with sessions on the schedule."""
    trailing = np.minimum(ep.end + p.admin_trailing_days, as_of - ep.admit)
    return np.where(ep.reason == ADMINISTRATIVE, trailing, ep.end)


def _status_table(p: Params) -> np.ndarray:
    """Cumulative status probabilities: rows = tracks, then one row for the pre-exit window."""
    rows = [[p.attendance[t][s] for s in ATTENDANCE_STATUSES] for t in TRACKS]
    rows.append([p.pre_exit_attendance[s] for s in ATTENDANCE_STATUSES])
    table = np.cumsum(np.array(rows), axis=1)
    return table / table[:, -1:]


def sessions(
    rng: np.random.Generator, ep: Episodes, sch: Schedule, as_of: int, p: Params
) -> Sessions:
    """Every scheduled session of the chunk's episodes, with what happened."""
    n = len(ep)
    last = scheduled_until(ep, as_of, p)
    reps = (last // 7 + 1) * 5
    e = np.repeat(np.arange(n), reps)
    within = np.arange(len(e)) - np.repeat(np.cumsum(reps) - reps, reps)
    week, slot = within // 5, within % 5
    day = 7 * week + sch.offsets[e, slot]
    keep = day <= last[e]
    e, week, slot, day = e[keep], week[keep], slot[keep], day[keep]

    moud = ep.medication[e] != 0
    parts = [
        (np.ones(len(e), bool), GROUP),
        (slot == sch.individual_slot[e], INDIVIDUAL),
        (sch.family[e] & (slot == sch.family_slot[e]) & (week % 2 == 1), FAMILY),
        (moud & (slot == sch.medication_slot[e]) & (week % 2 == 0), MEDICATION),
    ]
    # A premature exit is a day the client was seen: if it is not a group day, an individual
    # session that day is the last contact.
    premature = np.isin(ep.reason, PREMATURE)
    on_group_day = (sch.offsets == (ep.end % 7)[:, None]).any(axis=1)
    extra = np.flatnonzero(premature & ~on_group_day)
    kind = np.concatenate(
        [np.full(int(m.sum()), t, np.int8) for m, t in parts]
        + [np.full(len(extra), INDIVIDUAL, np.int8)]
    )
    e, day = (
        np.concatenate([e[m] for m, _ in parts] + [extra]),
        np.concatenate([day[m] for m, _ in parts] + [ep.end[extra]]),
    )

    table = _status_table(p)
    exit_day = np.where(premature, ep.end, -1)[e]
    pre_exit = (day < exit_day) & (day >= exit_day - p.pre_exit_days)
    row = np.where(pre_exit, len(TRACKS), ep.track[e])
    status = (rng.random(len(e))[:, None] > table[row]).sum(axis=1).astype(np.int8)
    status[day > np.where(exit_day >= 0, exit_day, NO_DAY)] = NO_SHOW  # stopped coming
    seen = (day == 0) | (day == exit_day) | ((ep.reason[e] == COMPLETED) & (day == ep.end[e]))
    status[seen] = ATTENDED

    _keep_actives_visible(e, day, kind, status, ep)
    order = np.lexsort((kind, day, e))
    minutes = np.select(
        [kind == GROUP, kind == INDIVIDUAL, kind == FAMILY],
        [sch.minutes[e], p.individual_minutes, p.family_minutes],
        p.medication_minutes,
    )
    return Sessions(
        episode=e[order],
        day=day[order],
        type=kind[order],
        status=status[order],
        minutes=minutes[order].astype(np.int32),
    )


def _keep_actives_visible(
    e: np.ndarray, day: np.ndarray, kind: np.ndarray, status: np.ndarray, ep: Episodes
) -> None:
    """An active client attends within 30 days of as_of, else the product would (rightly) infer an
    administrative discharge that the truth does not contain. Mark their latest group attended."""
    n = len(ep)
    rows = np.flatnonzero((ep.reason == ACTIVE)[e])
    last_attended = np.full(n, -1)
    att = rows[status[rows] == ATTENDED]
    np.maximum.at(last_attended, e[att], day[att])
    lapsed = (ep.reason == ACTIVE) & (ep.end - last_attended > 30)
    if not lapsed.any():
        return
    group = rows[(kind[rows] == GROUP) & lapsed[e[rows]]]
    latest = np.full(n, -1)
    np.maximum.at(latest, e[group], day[group])
    status[group[day[group] == latest[e[group]]]] = ATTENDED


def group_status_grid(s: Sessions, ep: Episodes) -> np.ndarray:
    """(episode, day) -> status of that day's group session, -1 where none (for drug screens)."""
    width = max(int(s.day.max(initial=0)), int(ep.end.max(initial=0))) + 1
    grid = np.full((len(ep), width), -1, np.int8)
    g = s.type == GROUP
    grid[s.episode[g], s.day[g]] = s.status[g]
    return grid
