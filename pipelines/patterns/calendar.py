"""Definitions read on fixed calendar weeks (CTN-0094 abstinence in weeks 12-15, the share of
negative weeks in weeks 1-12): the window is located on the calendar word first, then the
missing-data rule is applied to the weeks inside it."""

from __future__ import annotations

import numpy as np

from pipelines.patterns.words import (
    MISS,
    MISSING,
    NEG,
    NEGATIVE,
    NOSCHED,
    NOT_SCHEDULED,
    PAD,
    Columns,
    MissingRule,
    WordMatrix,
)


def ctn0094_abstinence_word(word: str, missing: MissingRule) -> bool | None:
    if missing == "completers" and MISSING in word:
        return None
    if len(word) < 15:  # the person was not followed to week 15: not a success
        return False
    weeks = word[11:15]
    if any(week not in NEGATIVE + MISSING for week in weeks):  # +, * (mixed) and _ all fail
        return False
    if missing == "ignored":  # missing weeks dropped; at least one negative week must remain
        return weeks.count(MISSING) < len(weeks)
    return weeks.count(MISSING) <= 1


def ctn0094_abstinence_matrix(matrix: WordMatrix, missing: MissingRule) -> Columns:
    weeks = matrix.weeks(12, 15)
    n_missing = (weeks == MISS).sum(axis=1)
    only_negative_or_missing = ((weeks == NEG) | (weeks == MISS)).all(axis=1)
    allowed = n_missing < 4 if missing == "ignored" else n_missing <= 1
    success = (matrix.lengths >= 15) & only_negative_or_missing & allowed
    excluded = matrix.is_null | (matrix.has_missing if missing == "completers" else False)
    return {"ctn0094_abstinence": (success, excluded)}


def share_word(word: str, missing: MissingRule) -> float | None:
    if missing == "completers" and MISSING in word:
        return None
    weeks = word[:12].ljust(12, MISSING)  # weeks 1-12 past the end of the word were not tested
    if missing == "ignored":
        weeks = weeks.replace(MISSING, "")
    scheduled = len(weeks) - weeks.count(NOT_SCHEDULED)
    return weeks.count(NEGATIVE) / scheduled if scheduled else None


def share_matrix(matrix: WordMatrix, missing: MissingRule) -> Columns:
    weeks = matrix.weeks(1, 12)
    negative = (weeks == NEG).sum(axis=1)
    if missing == "ignored":  # missing and past-the-end (PAD) weeks leave the denominator
        scheduled = ((weeks != MISS) & (weeks != NOSCHED) & (weeks != PAD)).sum(axis=1)
    else:  # untested weeks stay in the denominator as weeks without a negative test
        scheduled = 12 - (weeks == NOSCHED).sum(axis=1)
    share = np.divide(negative, scheduled, out=np.zeros(len(negative)), where=scheduled > 0)
    excluded = matrix.is_null | (scheduled == 0)
    if missing == "completers":
        excluded = excluded | matrix.has_missing
    return {"negative_weeks_share_1_12": (share, excluded)}
