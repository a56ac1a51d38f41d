"""Abstinent-day interviews (intake, discharge, follow-up) and the post-discharge follow-ups.

Interviews count days of any alcohol or drug use in the 30 days up to the interview, from the same
simulated weekly use as the drug screens, so positive screens come with fewer abstinent days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.contract import ASSESSMENT_TIMEPOINTS, FOLLOWUP_STATUSES
from sample_data.episodes import REASON_CODE, Episodes
from sample_data.params import COMPLETED, DECEASED, OTHER, TIMEPOINT_DAYS, TIMEPOINTS, Params

WINDOW = 30
INTAKE, DISCHARGE, FOLLOWUP = (
    ASSESSMENT_TIMEPOINTS.index(t) for t in ("intake", "discharge", "followup")
)
STATUS = {s: i for i, s in enumerate(FOLLOWUP_STATUSES)}


@dataclass
class Interviews:
    episode: np.ndarray
    date: np.ndarray  # day number
    days_abstinent: np.ndarray
    timepoint: np.ndarray  # index into ASSESSMENT_TIMEPOINTS


@dataclass
class Followups:
    episode: np.ndarray
    timepoint: np.ndarray  # index into TIMEPOINTS
    due: np.ndarray
    status: np.ndarray  # index into FOLLOWUP_STATUSES
    contact: np.ndarray  # day number, -1 = empty
    days_abstinent: np.ndarray  # -1 = empty
    employed: np.ndarray  # 1 / 0, -1 = empty
    housing: np.ndarray
    arrested: np.ndarray


def in_treatment(
    rng: np.random.Generator, ep: Episodes, use: np.ndarray, use_days: np.ndarray, p: Params
) -> Interviews:
    """Intake interview for every episode; discharge interview for some recorded discharges."""
    n = len(ep)
    daily = rng.beta(*p.intake_use_beta, size=n)  # use before admission
    intake_used = rng.binomial(WINDOW, daily)

    reason_names = {v: k for k, v in REASON_CODE.items()}
    chance = np.array(
        [
            p.discharge_interview.get(reason_names.get(r, ""), 0.0)
            for r in range(max(REASON_CODE.values()) + 2)
        ]
    )[ep.reason]
    d = np.flatnonzero((ep.end > 0) & (rng.random(n) < chance))
    end = ep.end[d]
    start = end - (WINDOW - 1)
    before = rng.binomial(np.maximum(0, -start), daily[d])  # window days before admission
    weeks = np.arange(use.shape[1])
    lo = np.maximum(7 * weeks, start[:, None])
    hi = np.minimum(7 * weeks + 6, end[:, None])
    overlap = np.maximum(0, hi - lo + 1)
    good = use_days[d].astype(np.int64)
    # Which of the week's use days fall inside the window: a hypergeometric draw.
    during = np.zeros_like(overlap)
    r, c = np.nonzero(overlap * good)
    during[r, c] = rng.hypergeometric(good[r, c], 7 - good[r, c], overlap[r, c])
    used = before + during.sum(axis=1)
    return Interviews(
        episode=np.concatenate([np.arange(n), d]),
        date=np.concatenate([ep.admit, ep.admit[d] + end]),
        days_abstinent=np.concatenate([WINDOW - intake_used, WINDOW - used]),
        timepoint=np.concatenate([np.full(n, INTAKE), np.full(len(d), DISCHARGE)]),
    )


def followups(
    rng: np.random.Generator, ep: Episodes, as_of: int, p: Params
) -> tuple[Followups, Interviews]:
    """Follow-ups at 30/90/180/365 days after each recorded discharge (not after a death)."""
    idx = np.flatnonzero((ep.reason <= OTHER) & (ep.reason != DECEASED))
    n_t = len(TIMEPOINTS)
    e = np.repeat(idx, n_t)
    t = np.tile(np.arange(n_t), len(idx))
    due = ep.admit[e] + ep.end[e] + np.asarray(TIMEPOINT_DAYS)[t]
    m = len(e)
    group = np.where(ep.reason[e] == COMPLETED, 0, 1)
    table_abst = np.array(
        [[p.followup_abstinent[g][tp] for tp in TIMEPOINTS] for g in ("completer", "non_completer")]
    )
    table_resp = np.array(
        [
            [[p.followup_response[g][a][tp] for tp in TIMEPOINTS] for a in ("using", "abstinent")]
            for g in ("completer", "non_completer")
        ]
    )
    abstinent = rng.random(m) < table_abst[group, t]
    reached = rng.random(m) < table_resp[group, abstinent.astype(int), t]
    # Death after discharge is absorbing; a client who came back for another episode was alive.
    death_at = rng.geometric(p.followup_death_per_interval, len(ep)) - 1
    readmitted = ep.next_admit < np.iinfo(np.int64).max // 2
    dead = (t >= death_at[e]) & ~readmitted[e]
    split = np.array([STATUS[s] for s in p.nonresponse_split])
    shares = np.array(list(p.nonresponse_split.values()))
    lost = split[rng.choice(len(shares), size=m, p=shares / shares.sum())]
    status = np.where(dead, STATUS["deceased"], np.where(reached, STATUS["completed"], lost))

    late = rng.random(m) < p.contact_late_share
    offset = np.where(
        late,
        rng.integers(31, p.contact_late_max_days + 1, m),
        rng.integers(-p.contact_early_days, 31, m),
    )
    contact = due + offset
    talked = (status == STATUS["completed"]) | (status == STATUS["refused"])
    # Only follow-ups due by as_of get a final status, once resolved: a contact made by as_of,
    # or the attempt window (due + 45 days) closed. The rest are "pending".
    resolved = np.where(talked, contact <= as_of, due + p.contact_late_max_days <= as_of)
    open_ = (due > as_of) | ~resolved
    status = np.where(open_, STATUS["pending"], status)
    talked &= ~open_
    contact = np.where(talked, contact, -1)
    done = status == STATUS["completed"]

    used = 1 + rng.binomial(WINDOW - 1, p.followup_use_days_p, m)
    days = np.where(done, np.where(abstinent, WINDOW, WINDOW - used), -1)
    outcomes = []
    for name in ("employed_or_in_school", "stable_housing", "arrested_30d"):
        prob = np.where(
            abstinent,
            p.outcome_given_abstinent[name]["abstinent"],
            p.outcome_given_abstinent[name]["using"],
        )
        outcomes.append(np.where(done, (rng.random(m) < prob).astype(np.int8), -1))

    # Written when due by as_of + horizon ("pending" ahead), and never once the client is back
    # in treatment: the new episode starts its own follow-up schedule.
    keep = (due <= as_of + p.pending_horizon_days) & (
        due + p.contact_late_max_days < ep.next_admit[e]
    )
    fu = Followups(
        e[keep],
        t[keep],
        due[keep],
        status[keep],
        contact[keep],
        days[keep],
        *(o[keep] for o in outcomes),
    )
    k = np.flatnonzero(done & keep)
    talks = Interviews(
        episode=e[k], date=contact[k], days_abstinent=days[k], timepoint=np.full(len(k), FOLLOWUP)
    )
    return fu, talks


def merge(*parts: Interviews) -> Interviews:
    """Concatenate interviews and sort them by episode and date."""
    cat = {
        f: np.concatenate([getattr(x, f) for x in parts])
        for f in ("episode", "date", "days_abstinent", "timepoint")
    }
    order = np.lexsort((cat["date"], cat["episode"]))
    return Interviews(**{f: v[order] for f, v in cat.items()})
