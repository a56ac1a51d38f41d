"""The k-group log-rank test and the Peto (O−E)/V hazard ratio built from the same sums."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy
from numpy.typing import ArrayLike

from pipelines.stats._checks import check_confidence, check_survival_data, group_codes


@dataclass(frozen=True)
class LogrankResult:
    """Log-rank (Mantel–Haenszel) test: chi-square with k-1 df, as R's `survdiff` (rho = 0)."""

    statistic: float
    df: int
    p_value: float
    groups: tuple[Any, ...]
    n: tuple[int, ...]
    observed: tuple[int, ...]
    expected: tuple[float, ...]
    method: str = "log-rank"

    def table(self) -> pd.DataFrame:
        """One row per group: n, observed and expected events, O − E."""
        frame = pd.DataFrame({"group": self.groups, "n": self.n, "observed": self.observed}).assign(
            expected=self.expected
        )
        return frame.assign(observed_minus_expected=frame["observed"] - frame["expected"])


@dataclass(frozen=True)
class PetoHazardRatio:
    """Peto one-step hazard ratio exp((O−E)/V) of `group` against `reference`, with its CI."""

    group: Any
    reference: Any
    hazard_ratio: float
    lower: float
    upper: float
    confidence: float
    log_hazard_ratio: float
    standard_error: float
    observed_minus_expected: float
    variance: float
    oe_ratio: float  # (O/E in group) / (O/E in reference): the older, cruder estimate
    method: str = "Peto one-step (O-E)/V from the log-rank sums"


@dataclass(frozen=True)
class _LogrankSums:
    groups: tuple[Any, ...]
    n: np.ndarray
    observed: np.ndarray
    expected: np.ndarray
    variance: np.ndarray  # k x k covariance of O − E


def _logrank_sums(
    durations: ArrayLike, events: ArrayLike, groups: ArrayLike, weights: ArrayLike | None
) -> _LogrankSums:
    d, e, w = check_survival_data(durations, events, weights)
    codes, labels = group_codes(groups, d.size)
    if len(labels) < 2:
        raise ValueError(
            f"a log-rank comparison needs at least 2 groups; got {len(labels)}: {list(labels)}"
        )
    # Per group and distinct time: people leaving (event or censored) and events, so that
    # counted rows (frequency weights) cost what their distinct values cost.
    times, where = np.unique(d, return_inverse=True)
    k = len(labels)
    cell = codes * times.size + where
    leaving = np.bincount(cell, weights=w, minlength=k * times.size).reshape(k, times.size)
    dying = np.bincount(cell, weights=np.where(e, w, 0), minlength=k * times.size)
    dying = dying.reshape(k, times.size)
    at_risk_all = leaving[:, ::-1].cumsum(axis=1)[:, ::-1]  # duration >= time, per group
    is_event_time = dying.sum(axis=0) > 0
    at_risk, deaths = at_risk_all[:, is_event_time], dying[:, is_event_time]
    n_t = at_risk.sum(axis=0)
    d_t = deaths.sum(axis=0)
    share = at_risk / n_t  # each group's share of those at risk at each event time
    # Hypergeometric variance factor d(n-d)/(n-1); it is 0 when one person is at risk (n = d = 1).
    factor = np.divide(d_t * (n_t - d_t), n_t - 1, out=np.zeros_like(d_t), where=n_t > 1)
    variance = np.einsum("t,gt,ht->gh", factor, share, -share)
    variance[np.diag_indices(k)] += (factor * share).sum(axis=1)
    return _LogrankSums(
        groups=labels,
        n=np.bincount(codes, weights=w, minlength=k).astype("int64"),
        observed=deaths.sum(axis=1),
        expected=(share * d_t).sum(axis=1),
        variance=variance,
    )


def logrank(
    durations: ArrayLike,
    events: ArrayLike,
    groups: ArrayLike,
    *,
    weights: ArrayLike | None = None,
) -> LogrankResult:
    """Log-rank test of equal survival across 2 or more groups (chi-square on k-1 df).

    Sums observed and expected events and their covariance over the distinct event times, then
    chi-square = (O−E)' V⁻¹ (O−E) on all groups but one. As in R's `survdiff`, groups with no
    expected events (nobody at risk at any event time) are left out of the test and the df; with
    no events at all there is no test and statistic and p-value are NaN. `weights` are
    frequency weights (row i stands for weights[i] people), as in `kaplan_meier`.
    """
    sums = _logrank_sums(durations, events, groups, weights)
    tested = np.flatnonzero(sums.expected > 0)[:-1]  # dropping one group makes V invertible
    df = tested.size
    if df == 0:
        statistic = p_value = float("nan")
    else:
        diff = (sums.observed - sums.expected)[tested]
        v = sums.variance[np.ix_(tested, tested)]
        statistic = float(diff @ np.linalg.pinv(v) @ diff)
        p_value = float(scipy.stats.chi2.sf(statistic, df))
    return LogrankResult(
        statistic=statistic,
        df=int(df),
        p_value=p_value,
        groups=sums.groups,
        n=tuple(int(x) for x in sums.n),
        observed=tuple(int(x) for x in sums.observed),
        expected=tuple(float(x) for x in sums.expected),
    )


def hazard_ratio_logrank(
    durations: ArrayLike,
    events: ArrayLike,
    groups: ArrayLike,
    *,
    reference: Any = None,
    confidence: float = 0.95,
    weights: ArrayLike | None = None,
) -> PetoHazardRatio:
    """Peto one-step hazard ratio exp((O−E)/V) between two groups, CI exp((O−E)/V ± z/√V).

    O, E and V are the log-rank sums for the non-reference group. `reference` defaults to the
    first group in sorted order. Good when the hazard ratio is near 1 and groups are balanced; it
    is biased for large effects, where a Cox model is the better tool. `weights` as in `logrank`.
    """
    check_confidence(confidence)
    sums = _logrank_sums(durations, events, groups, weights)
    if len(sums.groups) != 2:
        raise ValueError(f"a hazard ratio needs exactly 2 groups; got {list(sums.groups)}")
    if reference is None:
        reference = sums.groups[0]
    if reference not in sums.groups:
        raise ValueError(f"reference {reference!r} is not one of the groups {list(sums.groups)}")
    ref = sums.groups.index(reference)
    other = 1 - ref
    o_minus_e = float(sums.observed[other] - sums.expected[other])
    v = float(sums.variance[other, other])
    z = scipy.stats.norm.ppf(0.5 + confidence / 2)
    if v > 0:
        log_hr, se = o_minus_e / v, 1 / np.sqrt(v)
    else:
        log_hr = se = float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = sums.observed / sums.expected
        oe_ratio = float(rate[other] / rate[ref])
    return PetoHazardRatio(
        group=sums.groups[other],
        reference=reference,
        hazard_ratio=float(np.exp(log_hr)),
        lower=float(np.exp(log_hr - z * se)),
        upper=float(np.exp(log_hr + z * se)),
        confidence=confidence,
        log_hazard_ratio=float(log_hr),
        standard_error=float(se),
        observed_minus_expected=o_minus_e,
        variance=v,
        oe_ratio=oe_ratio,
    )
