"""The few computations every definition is built from, each twice: a plain loop over one word
(the reference, easy to check by eye) and a numpy version over a WordMatrix (for the dashboard).

Each mirrors a CTNote function (CTN-0094/CTNote, R/): `window_rule` is detect_in_window.R,
`count_symbol` count_matches.R, `longest_run_without` measure_abstinence_period.R and
`last_present_week` measure_retention.R.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from pipelines.patterns.words import MISS, PAD


class TimeEvent(NamedTuple):
    """A time-to-event pair: time in weeks (1-based) and event 1/0; both None when undefined."""

    time: int | None
    event: int | None


def default_offset(width: int, threshold: int) -> int:
    """CTNote's default `offset = window_width - threshold`: the event is dated at the start of
    the matching run inside the window, not at the window's start (detect_in_window.R)."""
    return width - threshold


def check_window(width: int, threshold: int) -> None:
    if not 1 <= threshold <= width:
        raise ValueError(f"need 1 <= threshold <= width, got threshold={threshold}, width={width}")


# --- one word -------------------------------------------------------------------------------


def window_rule(word: str, match: str, width: int, threshold: int, offset: int) -> TimeEvent:
    """First window of `width` weeks holding at least `threshold` `match` weeks.

    Event time = the window's 1-based start + offset; with no such window the word is censored at
    (number of windows) + offset; a word shorter than the window has no windows and gives
    (None, None), as CTNote's detect_in_window returns NA for it.
    """
    n_windows = len(word) - width + 1
    if n_windows < 1:
        return TimeEvent(None, None)
    for start in range(1, n_windows + 1):
        if word[start - 1 : start - 1 + width].count(match) >= threshold:
            return TimeEvent(start + offset, 1)
    return TimeEvent(n_windows + offset, 0)


def count_symbol(word: str, symbol: str) -> int:
    return word.count(symbol)


def longest_run_without(word: str, symbol: str) -> int:
    """Length of the longest stretch of consecutive weeks none of which is `symbol` (0 if none)."""
    best = run = 0
    for week in word:
        run = 0 if week == symbol else run + 1
        best = max(best, run)
    return best


def last_present_week(word: str, missing: str) -> int:
    """1-based position of the last week that is not `missing`; 0 when there is none."""
    for position in range(len(word), 0, -1):
        if word[position - 1] != missing:
            return position
    return 0


# --- many words -----------------------------------------------------------------------------
# Each takes a boolean matrix `hits` (n_words, width) already False in PAD cells, or the codes.


def window_rule_bulk(
    hits: np.ndarray, lengths: np.ndarray, width: int, threshold: int, offset: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised window_rule: returns (time, event, is_na)."""
    n_words, n_weeks = hits.shape
    n_windows = lengths - width + 1
    is_na = n_windows < 1
    if n_weeks < width:  # no word is long enough for one window
        zeros = np.zeros(n_words, dtype=np.int64)
        return zeros, zeros.copy(), np.ones(n_words, dtype=bool)
    n_starts = n_weeks - width + 1
    # Matches in the window starting at week s+1, as `width` shifted adds (no cumsum temporaries).
    in_window = np.zeros((n_words, n_starts), dtype=np.int8 if width < 128 else np.int32)
    for shift in range(width):
        in_window += hits[:, shift : shift + n_starts]
    starts = np.arange(n_starts)
    qualifies = (in_window >= threshold) & (starts[None, :] < n_windows[:, None])
    event = qualifies.any(axis=1)
    first = qualifies.argmax(axis=1)
    time = np.where(event, first + 1, n_windows) + offset
    return time, event.astype(np.int64), is_na


def longest_run_without_bulk(codes: np.ndarray, code: int) -> np.ndarray:
    """Vectorised longest_run_without: one pass per week column over all words at once."""
    n_words = codes.shape[0]
    best = np.zeros(n_words, dtype=np.int64)
    run = np.zeros(n_words, dtype=np.int64)
    for week in range(codes.shape[1]):
        column = codes[:, week]
        continues = (column != code) & (column != PAD)
        run = np.where(continues, run + 1, 0)
        np.maximum(best, run, out=best)
    return best


def last_present_week_bulk(codes: np.ndarray) -> np.ndarray:
    """Vectorised last_present_week with `o` as missing (PAD cells are past the word's end)."""
    present = (codes != MISS) & (codes != PAD)
    if present.shape[1] == 0:
        return np.zeros(present.shape[0], dtype=np.int64)
    from_end = present[:, ::-1].argmax(axis=1)
    return np.where(present.any(axis=1), present.shape[1] - from_end, 0).astype(np.int64)
