"""Input checks shared by the statistics functions: fail loudly on data that would mislead."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike


def check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")


def check_survival_data(
    durations: ArrayLike, events: ArrayLike, weights: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Durations as finite, non-negative floats, events as booleans (1/True = event) and
    frequency weights as whole numbers (1 each when not given)."""
    d = np.asarray(durations, dtype=float).ravel()
    e = np.asarray(events, dtype=float).ravel()
    if d.shape != e.shape:
        raise ValueError(f"durations ({d.size}) and events ({e.size}) differ in length")
    if not np.isfinite(d).all():
        raise ValueError("durations must be finite numbers; drop or resolve missing ones first")
    if (d < 0).any():
        raise ValueError("durations must not be negative")
    if not np.isin(e, (0.0, 1.0)).all():
        raise ValueError("events must be 0/1 or booleans (1 = the event happened)")
    if weights is None:
        return d, e == 1.0, np.ones(d.size, dtype="int64")
    w = np.asarray(weights, dtype=float).ravel()
    if w.shape != d.shape:
        raise ValueError(f"durations ({d.size}) and weights ({w.size}) differ in length")
    if not np.isfinite(w).all() or (w < 0).any() or (w != np.round(w)).any():
        raise ValueError("weights must be whole numbers of people, 0 or more")
    return d, e == 1.0, w.astype("int64")


def check_weights(weights: ArrayLike | None, n: int) -> np.ndarray:
    """Frequency weights for n values as int64 whole numbers, 0 or more (1 each when not
    given): value i stands for weights[i] observations, as if repeated that many times."""
    if weights is None:
        return np.ones(n, dtype="int64")
    w = np.asarray(weights, dtype=float).ravel()
    if w.size != n:
        raise ValueError(f"values ({n}) and weights ({w.size}) differ in length")
    if not np.isfinite(w).all() or (w < 0).any() or (w != np.round(w)).any():
        raise ValueError("weights must be whole numbers of people, 0 or more")
    return w.astype("int64")


def group_codes(groups: ArrayLike, n: int) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Integer codes 0..k-1 for the group labels, labels in sorted order."""
    codes, labels = pd.factorize(pd.Series(np.asarray(groups, dtype=object).ravel()), sort=True)
    if codes.size != n:
        raise ValueError(f"groups ({codes.size}) and durations ({n}) differ in length")
    if (codes < 0).any():
        raise ValueError("groups must not be missing")
    return codes, tuple(labels.tolist())
