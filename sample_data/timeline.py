"""Calendar arithmetic on integer day numbers (days since 1970-01-01, as Arrow's date32).

The program meets on weekdays. Latent times (exits, completion) run in *weekday-time*: index 0 is
the admission day, index 1 the next weekday, and so on. A client admitted on any weekday therefore
meets exactly five times a week in weekday-time, and an exponential exit time in weekday-time
maps to a calendar day that is always a weekday, so the product's day count is exact.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

EPOCH = date(1970, 1, 1)


def day_number(d: date) -> int:
    return (d - EPOCH).days


def to_date(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def weekday(days: np.ndarray) -> np.ndarray:
    """Monday = 0 .. Sunday = 6 (1970-01-01 was a Thursday)."""
    return (days + 3) % 7


def weekday_offset(k: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Calendar days from admission (on weekday w, 0-4) to weekday index k (0 = admission day)."""
    k = np.asarray(k, dtype=np.int64)
    pos = w + k % 5
    return 7 * (k // 5) + pos + 2 * (pos >= 5) - w


def weekdays_through(t: int, w: int) -> int:
    """How many weekday indices fall on calendar days 0..t after an admission on weekday w."""
    full, rest = divmod(t + 1, 7)
    return 5 * full + sum(1 for d in range(rest) if (w + d) % 7 < 5)


def span_start(as_of: date, months: int) -> date:
    """First day of the span of `months` whole months that ends on as_of (inclusive)."""
    nxt = as_of + timedelta(days=1)
    total = nxt.year * 12 + nxt.month - 1 - months
    start = date(total // 12, total % 12 + 1, 1)
    # An as_of that is not a month end keeps its day of month: span = (as_of - months, as_of].
    return start.replace(day=min(nxt.day, 28)) if nxt.day != 1 else start


def month_of(days: np.ndarray) -> np.ndarray:
    """Calendar month 1-12 of day numbers (vectorised through numpy datetime64)."""
    d64 = days.astype("datetime64[D]")
    return (d64.astype("datetime64[M]").astype(np.int64) % 12) + 1


def years_between(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whole years elapsed from start to end (both day numbers)."""
    return ((end - start) // 365.25).astype(np.int64)
