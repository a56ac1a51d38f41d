"""Episode-level simulation: who is admitted when, to which track, and how each episode ends.

Every array has one entry per episode; nothing loops over episodes. Readmissions are drawn in a
few vectorised generations (second episodes from first ones, third from second ones, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from pipelines.contract import LEVELS_OF_CARE, MEDICATIONS
from sample_data import timeline
from sample_data.params import (
    ACTIVE,
    ADMINISTRATIVE,
    ANALYTES,
    COMPLETED,
    COUNSELORS_PER_SITE,
    DECEASED,
    DROPPED_OUT,
    INCARCERATED,
    OTHER,
    PRIMARY_SUBSTANCES,
    SITES,
    TERMINATED,
    TRACKS,
    TRANSFERRED,
    Params,
)

MAX_WEEKDAY_INDEX = 10_000  # latent exits this far out never happen inside the span
REASON_CODE = {
    "completed": COMPLETED,
    "dropped_out": DROPPED_OUT,
    "terminated": TERMINATED,
    "transferred": TRANSFERRED,
    "incarcerated": INCARCERATED,
    "deceased": DECEASED,
    "other": OTHER,
    "administrative": ADMINISTRATIVE,
}
PRIMARY_ANALYTE = {
    "alcohol": "alcohol",
    "methamphetamine": "methamphetamine",
    "cocaine": "cocaine",
    "cannabis": "thc",
    "benzodiazepines": "benzodiazepine",
}


@dataclass
class Episodes:
    """Column arrays, one entry per episode, sorted by admission day."""

    client: np.ndarray  # client index; the printed id is a permutation of it
    admit: np.ndarray  # admission day number
    track: np.ndarray  # index into TRACKS
    site: np.ndarray
    counselor: np.ndarray  # 0-11
    level: np.ndarray  # index into LEVELS_OF_CARE
    weeks: np.ndarray  # planned weeks including any extension
    reason: np.ndarray  # internal outcome code (params.COMPLETED .. ACTIVE)
    end: np.ndarray  # days from admission to discharge / last attended (admin) / as_of (active)
    primary: np.ndarray  # index into PRIMARY_SUBSTANCES
    analyte: np.ndarray  # index into ANALYTES of the primary substance's analyte
    secondary: np.ndarray  # index into ANALYTES, -1 for none
    medication: np.ndarray  # index into MEDICATIONS
    sex: np.ndarray
    race: np.ndarray
    referral: np.ndarray
    age: np.ndarray
    parent: np.ndarray  # episode this one readmits, -1 for a first episode
    next_admit: np.ndarray  # admission day of the client's next episode, or a large number

    def __len__(self) -> int:
        return len(self.admit)

    def take(self, idx: np.ndarray) -> Episodes:
        return Episodes(**{f.name: getattr(self, f.name)[idx] for f in fields(self)})


def _choice(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    p = np.array(list(shares.values()), dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int16)


def admission_days(rng: np.random.Generator, n: int, start: int, as_of: int, p: Params):
    """Weekdays in [start, as_of], weighted by calendar month (seasonality)."""
    days = np.arange(start, as_of + 1)
    days = days[timeline.weekday(days) < 5]
    w = np.asarray(p.month_weights)[timeline.month_of(days) - 1]
    return rng.choice(days, size=n, p=w / w.sum())


def draw_course(
    rng: np.random.Generator, track: np.ndarray, admit: np.ndarray, as_of: int, p: Params
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Planned weeks, outcome code and end offset of each episode (see docs/sample-data.md)."""
    n = len(track)
    weeks = np.array([int(k) for k in p.planned_weeks])[_choice(rng, p.planned_weeks, n)]
    extended = rng.random(n) < p.extension_share
    weeks = weeks + extended * rng.choice(np.asarray(p.extension_weeks), size=n)
    completion = 5 * weeks  # weekday index of day 7*weeks: same weekday, `weeks` weeks later
    hr = np.array([p.premature_hr[t] for t in TRACKS])[track]
    t_prem = rng.exponential(1.0, n) / (p.premature_rate * hr)
    t_other = rng.exponential(1.0 / p.other_exit_rate, n)
    d_prem = np.minimum(np.floor(t_prem), MAX_WEEKDAY_INDEX).astype(np.int64)
    d_other = np.minimum(np.floor(t_other), MAX_WEEKDAY_INDEX).astype(np.int64)
    # Ties on a day go to the premature exit, so a censored client is known to be event-free
    # on the censoring day: Kaplan-Meier's convention, which keeps it unbiased.
    premature = (d_prem <= d_other) & (d_prem <= completion)
    other = ~premature & (d_other < completion)
    index = np.where(premature, d_prem, np.where(other, d_other, completion))
    end = timeline.weekday_offset(index, timeline.weekday(admit))

    codes = np.array([REASON_CODE[k] for k in p.premature_split])
    prem_reason = codes[_choice(rng, p.premature_split, n)]
    codes = np.array([REASON_CODE[k] for k in p.other_exit_split])
    other_reason = codes[_choice(rng, p.other_exit_split, n)]
    reason = np.where(premature, prem_reason, np.where(other, other_reason, COMPLETED))
    exit_day = admit + end
    # Within 30 days of the cut-off a stopped client still looks active: staff record it instead.
    reason[(reason == ADMINISTRATIVE) & (exit_day > as_of - 31)] = DROPPED_OUT
    active = exit_day > as_of
    reason[active] = ACTIVE
    end = np.where(active, as_of - admit, end)
    return weeks.astype(np.int16), reason.astype(np.int8), end.astype(np.int64)


def _new_clients(
    rng: np.random.Generator, n: int, first_client: int, start: int, as_of: int, p: Params
) -> Episodes:
    """First episodes of n new clients."""
    admit = admission_days(rng, n, start, as_of, p)
    primary = _choice(rng, p.primary_shares, n)
    analyte = np.array(
        [ANALYTES.index(PRIMARY_ANALYTE.get(s, "fentanyl")) for s in PRIMARY_SUBSTANCES]
    )[primary]
    opioid = primary == PRIMARY_SUBSTANCES.index("opioids")
    opioid_analyte = np.array([ANALYTES.index(a) for a in p.opioid_analyte_shares])
    analyte = np.where(opioid, opioid_analyte[_choice(rng, p.opioid_analyte_shares, n)], analyte)
    second = np.array([ANALYTES.index(a) for a in p.secondary_analytes])
    second = second[_choice(rng, p.secondary_analytes, n)]
    second = np.where((rng.random(n) < p.secondary_share) & (second != analyte), second, -1)
    moud_codes = np.array([MEDICATIONS.index(m) for m in p.moud_split])
    on_moud = opioid & (rng.random(n) < p.moud_share)
    medication = np.where(on_moud, moud_codes[_choice(rng, p.moud_split, n)], 0)
    site = rng.integers(0, len(SITES), n)
    age = 18 + np.minimum(rng.gamma(*p.age_gamma, size=n), 62).astype(np.int64)
    ep = Episodes(
        client=np.arange(first_client, first_client + n),
        admit=admit,
        track=np.zeros(n, np.int16),
        site=site,
        counselor=site * COUNSELORS_PER_SITE + rng.integers(0, COUNSELORS_PER_SITE, n),
        level=np.zeros(n, np.int16),
        weeks=np.zeros(n, np.int16),
        reason=np.zeros(n, np.int8),
        end=np.zeros(n, np.int64),
        primary=primary,
        analyte=analyte.astype(np.int16),
        secondary=second.astype(np.int16),
        medication=medication.astype(np.int16),
        sex=_choice(rng, p.sex_shares, n),
        race=_choice(rng, p.race_shares, n),
        referral=np.zeros(n, np.int16),
        age=age,
        parent=np.full(n, -1),
        next_admit=np.full(n, np.iinfo(np.int64).max // 2),
    )
    return _admit(rng, ep, as_of, p)


def _admit(rng: np.random.Generator, ep: Episodes, as_of: int, p: Params) -> Episodes:
    """Draw what belongs to the episode rather than the client, then its course."""
    n = len(ep)
    ep.track = _choice(rng, p.track_shares, n)  # fresh each episode: track mix stays as given
    ep.level = np.array([LEVELS_OF_CARE.index(k) for k in p.level_shares])[
        _choice(rng, p.level_shares, n)
    ]
    ep.referral = _choice(rng, p.referral_shares, n)
    pro = ep.track == TRACKS.index("Professionals")
    employer = list(p.referral_shares).index("employer")
    ep.referral[pro & (rng.random(n) < p.professionals_employer_referral)] = employer
    ep.weeks, ep.reason, ep.end = draw_course(rng, ep.track, ep.admit, as_of, p)
    return ep


def _readmit(
    rng: np.random.Generator, prev: Episodes, offset: int, k_max: int, as_of: int, p: Params
) -> Episodes:
    """Readmissions of up to k_max clients discharged in `prev` (episode numbers from offset)."""
    reasons = {v: k for k, v in REASON_CODE.items()}
    weight = np.array(
        [p.readmission_weights.get(reasons.get(int(r), ""), 0.0) for r in range(ACTIVE + 1)]
    )[prev.reason]
    earliest = (
        prev.admit
        + prev.end
        + p.readmission_min_gap_days
        + rng.exponential(p.readmission_mean_extra_gap_days, len(prev)).astype(np.int64)
    )
    monday = earliest + (7 - timeline.weekday(earliest)) % 7
    admit = monday + rng.integers(0, 5, len(prev))  # weekday uniform, as for first admissions
    ok = np.flatnonzero((weight > 0) & (admit <= as_of))
    k = min(k_max, len(ok))
    if k == 0:
        return prev.take(np.array([], dtype=np.int64))
    chosen = np.sort(rng.choice(ok, size=k, replace=False, p=weight[ok] / weight[ok].sum()))
    ep = prev.take(chosen)
    ep.parent = chosen + offset
    ep.age = ep.age + timeline.years_between(prev.admit[chosen], admit[chosen])
    ep.admit = admit[chosen]
    same = rng.random(k) < 0.5  # half keep their counselor; the rest get one at the same site
    ep.counselor = np.where(
        same, ep.counselor, ep.site * COUNSELORS_PER_SITE + rng.integers(0, COUNSELORS_PER_SITE, k)
    )
    return _admit(rng, ep, as_of, p)


def simulate_episodes(
    rng: np.random.Generator, n: int, start: int, as_of: int, p: Params
) -> Episodes:
    """Exactly n episodes in [start, as_of], about p.readmission_share of them readmissions."""
    target = round(n * p.readmission_share)
    batches = [_new_clients(rng, n - target, 0, start, as_of, p)]
    n_clients, n_eps, remaining = n - target, n - target, target
    for _ in range(8):
        if remaining == 0:
            break
        batch = _readmit(
            rng,
            batches[-1],
            n_eps - len(batches[-1]),
            max(1, int(np.ceil(0.85 * remaining))),
            as_of,
            p,
        )
        if len(batch) == 0:
            break
        batches.append(batch)
        n_eps += len(batch)
        remaining -= len(batch)
    if remaining:  # too few discharges to readmit (tiny spans): fill with new clients
        batches.append(_new_clients(rng, remaining, n_clients, start, as_of, p))
        n_clients += remaining
    ep = Episodes(
        **{f.name: np.concatenate([getattr(b, f.name) for b in batches]) for f in fields(Episodes)}
    )
    has_parent = ep.parent >= 0
    ep.next_admit[ep.parent[has_parent]] = ep.admit[has_parent]
    order = np.lexsort((ep.client, ep.admit))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    ep = ep.take(order)
    ep.parent = np.where(ep.parent >= 0, rank[np.maximum(ep.parent, 0)], -1)
    return ep
