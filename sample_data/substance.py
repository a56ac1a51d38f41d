"""Weekly substance use (a two-state Markov chain) and the tests that observe it.

Use is simulated per treatment week (week k = days 7(k-1)..7k-1 from admission) independently of
attendance and exits, so a screen missing because of an absence or an exit is missing completely
at random with respect to use: "missing ignored" estimates are unbiased by construction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.contract import TEST_METHODS, TEST_RESULTS
from sample_data.attendance import ATTENDED, Schedule
from sample_data.episodes import PRIMARY_ANALYTE, Episodes
from sample_data.params import ANALYTES, PRIMARY_SUBSTANCES, TRACKS, Params

MAX_WEEKS = 17  # 16 planned weeks at most, plus the completion day that opens week 17
A = {name: i for i, name in enumerate(ANALYTES)}
CORE_PANEL = ("fentanyl", "cocaine", "methamphetamine", "thc", "benzodiazepine")
SELF_REPORT_NAMES = tuple("cannabis" if a == "thc" else a for a in ANALYTES)
SELF_REPORT = len(ANALYTES)  # substance index of "cannabis" in the output dictionary
SUBSTANCE_NAMES = (*ANALYTES, "cannabis")
UDS, BREATH, SELF = (TEST_METHODS.index(m) for m in ("uds", "breath", "self_report"))
POSITIVE, NEGATIVE, INVALID = (TEST_RESULTS.index(r) for r in ("positive", "negative", "invalid"))
MOUD_ANALYTE = {1: A["methadone"], 2: A["buprenorphine"]}  # MEDICATIONS index -> analyte


@dataclass
class Tests:
    """One entry per test row, sorted by episode, day, method and substance."""

    episode: np.ndarray
    day: np.ndarray
    method: np.ndarray  # index into TEST_METHODS
    substance: np.ndarray  # index into SUBSTANCE_NAMES
    result: np.ndarray  # index into TEST_RESULTS


def names(p: Params) -> dict[str, list[str]]:
    """Every substance name the generator writes, by where it appears (for the class seed)."""
    primary = sorted({*p.opioid_analyte_shares, *PRIMARY_ANALYTE.values()})
    return {
        "substance_use": sorted(set(SUBSTANCE_NAMES)),
        "uds": list(ANALYTES),
        "self_report": sorted(SELF_REPORT_NAMES[A[a]] for a in primary),
        "breath": ["alcohol"],
        "abstinence": ["any"],
        "primary_substance": list(PRIMARY_SUBSTANCES),
    }


def return_to_use_prob(ep: Episodes, p: Params) -> np.ndarray:
    base = np.array([p.return_to_use[t] for t in TRACKS])[ep.track]
    return np.where(ep.medication != 0, base * p.moud_return_multiplier, base)


def weekly_use(rng: np.random.Generator, ep: Episodes, p: Params) -> tuple[np.ndarray, np.ndarray]:
    """(n, MAX_WEEKS) use state and days used in each week (0 in abstinent weeks)."""
    n = len(ep)
    r = return_to_use_prob(ep, p)
    use = np.zeros((n, MAX_WEEKS), bool)
    use[:, 0] = rng.random(n) < p.use_week1
    for k in range(1, MAX_WEEKS):  # a loop over weeks, vectorised over episodes
        u = rng.random(n)
        use[:, k] = np.where(use[:, k - 1], u >= p.stop_use, u < r)
    days = 1 + rng.binomial(6, p.use_days_extra_p, size=(n, MAX_WEEKS))
    return use, np.where(use, days, 0).astype(np.int8)


def screens(
    rng: np.random.Generator,
    ep: Episodes,
    sch: Schedule,
    grid: np.ndarray,
    use: np.ndarray,
    p: Params,
) -> Tests:
    """A weekly screen on a random group day of each week, if the client attended that day."""
    n = len(ep)
    slot = rng.integers(0, sch.n_group[:, None], size=(n, MAX_WEEKS))
    day = 7 * np.arange(MAX_WEEKS) + np.take_along_axis(sch.offsets, slot, axis=1)
    inside = day <= ep.end[:, None]
    attended = np.zeros_like(inside)
    e_in, k_in = np.nonzero(inside)
    attended[e_in, k_in] = grid[e_in, day[e_in, k_in]] == ATTENDED
    done = attended & (rng.random((n, MAX_WEEKS)) >= p.screen_missed)
    e, k = np.nonzero(done)
    return _results(rng, ep, e, day[e, k], use[e, k], p)


def _results(
    rng: np.random.Generator,
    ep: Episodes,
    e: np.ndarray,
    day: np.ndarray,
    used: np.ndarray,
    p: Params,
) -> Tests:
    m = len(e)
    rows = np.arange(m)
    analyte, second, med = ep.analyte[e], ep.secondary[e], ep.medication[e]
    panel = np.zeros((m, len(ANALYTES)), bool)
    panel[:, [A[a] for a in CORE_PANEL]] = True
    panel[rows, analyte] = True
    has_second = second >= 0
    panel[rows[has_second], second[has_second]] = True
    meth = analyte == A["methamphetamine"]
    panel[rows[meth], A["amphetamine"]] = True
    moud = np.flatnonzero(np.isin(med, list(MOUD_ANALYTE)))
    moud_analyte = np.where(med[moud] == 1, A["methadone"], A["buprenorphine"])
    panel[moud, moud_analyte] = True

    positive = np.zeros_like(panel)
    positive[rows[used], analyte[used]] = True  # use of the primary substance shows on the screen
    positive[rows[used & meth], A["amphetamine"]] = True  # metabolite
    heroin = used & (analyte == A["heroin"]) & (rng.random(m) < p.heroin_fentanyl_positive)
    positive[rows[heroin], A["fentanyl"]] = True
    also = used & has_second & (rng.random(m) < p.secondary_positive)
    positive[rows[also], second[also]] = True
    adherent = rng.random(len(moud)) < p.moud_adherence  # adherence, not use
    positive[moud[adherent], moud_analyte[adherent]] = True
    invalid = rng.random(m) < p.screen_invalid

    s, a = np.nonzero(panel)
    result = np.where(positive[s, a], POSITIVE, NEGATIVE)
    result = np.where(invalid[s], INVALID, result)
    uds = (s, a, np.full(len(s), UDS), result)

    # Self-report of the primary substance at the same visit; under-reports use.
    told = used & (rng.random(m) < p.self_report_sensitivity)
    self_sub = np.where(analyte == A["thc"], SELF_REPORT, analyte)
    selfr = (rows, self_sub, np.full(m, SELF), np.where(told, POSITIVE, NEGATIVE))
    # Breath alcohol for alcohol clients: only same-day drinking shows.
    b = np.flatnonzero(analyte == A["alcohol"])
    blown = used[b] & (rng.random(len(b)) < p.breath_positive_given_use)
    breath = (
        b,
        np.full(len(b), A["alcohol"]),
        np.full(len(b), BREATH),
        np.where(blown, POSITIVE, NEGATIVE),
    )

    s = np.concatenate([uds[0], selfr[0], breath[0]])
    sub = np.concatenate([uds[1], selfr[1], breath[1]]).astype(np.int8)
    method = np.concatenate([uds[2], selfr[2], breath[2]]).astype(np.int8)
    res = np.concatenate([uds[3], selfr[3], breath[3]]).astype(np.int8)
    order = np.lexsort((sub, method, day[s], e[s]))
    s = s[order]
    return Tests(
        episode=e[s], day=day[s], method=method[order], substance=sub[order], result=res[order]
    )
