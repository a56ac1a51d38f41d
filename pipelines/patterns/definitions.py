"""The catalogue of outcome definitions computed on weekly use-pattern words.

Every definition has a plain single-word implementation (`Definition.single`, for explanation and
tests) and a vectorised one used by `evaluate` (many words at once, for the dashboard). The rules
mirror the CTNote endpoint library of the NIDA CTN-0094 project (see `source` of each entry).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from pipelines.patterns import calendar, citations
from pipelines.patterns.rules import (
    TimeEvent,
    check_window,
    count_symbol,
    default_offset,
    last_present_week,
    last_present_week_bulk,
    longest_run_without,
    longest_run_without_bulk,
    window_rule,
    window_rule_bulk,
)
from pipelines.patterns.words import (
    MISSING,
    NEG,
    NEGATIVE,
    NO_RECODING,
    NOT_SCHEDULED,
    POS,
    POSITIVE,
    SYMBOLS,
    USE_RECODING,
    Columns,
    MissingRule,
    Recoding,
    WordMatrix,
    check_missing_rule,
    check_word,
)

Kind = Literal["time_event", "count", "share", "flag"]
Value = TimeEvent | int | float | bool | None
OnWord = Callable[[str, MissingRule], Value]  # one word -> its value (None = NA)
OnMatrix = Callable[[WordMatrix, MissingRule], Columns]  # many words -> columns
_CODE = {symbol: code for symbol, code in zip(SYMBOLS, range(1, 6), strict=True)}


@dataclass(frozen=True)
class Definition:
    """One named, versioned outcome definition on a use-pattern word."""

    id: str
    title: str
    kind: Kind
    rule: str  # the exact rule as implemented, including how `_` and `*` are read
    missing_rule: str  # the published missing-data rule (the 'positive' setting)
    citation: str
    source: str  # the CTNote code this mirrors and where its published values were checked
    params: Mapping[str, object] = field(hash=False)
    on_word: OnWord = field(repr=False, compare=False)
    on_matrix: OnMatrix = field(repr=False, compare=False)
    version: str = "1"  # bump whenever the computed values of the definition change

    @property
    def columns(self) -> tuple[str, ...]:
        if self.kind == "time_event":
            return (f"{self.id}_time", f"{self.id}_event")
        return (self.id,)

    def single(self, word: str, missing: MissingRule = "positive") -> Value:
        """This definition on one word: a TimeEvent, a count, a share or a flag (None = NA)."""
        return self.on_word(check_word(word), check_missing_rule(missing))

    def bulk(
        self, words: Sequence[str | None] | pd.Series, missing: MissingRule = "positive"
    ) -> pd.DataFrame:
        """This definition on many words at once (vectorised); see `evaluate`."""
        from pipelines.patterns.bulk import evaluate  # bulk imports this module

        return evaluate(words, [self.id], missing)


def window_definition(
    id: str,
    title: str,
    *,
    match: str,
    width: int,
    threshold: int,
    recoding: Recoding,
    missing_rule: str,
    citation: str,
    source: str,
    offset: int | None = None,
    version: str = "1",
) -> Definition:
    """A window-rule definition; every relapse/dropout/first-use outcome shares this one code."""
    check_window(width, threshold)
    shift = default_offset(width, threshold) if offset is None else offset

    def single(word: str, missing: MissingRule) -> TimeEvent:
        prepared = recoding.word(word, missing)
        if prepared is None:
            return TimeEvent(None, None)
        return window_rule(prepared, match, width, threshold, shift)

    def bulk(matrix: WordMatrix, missing: MissingRule) -> Columns:
        codes, lengths, excluded = recoding.matrix(matrix, missing)
        time, event, is_na = window_rule_bulk(
            codes == _CODE[match], lengths, width, threshold, shift
        )
        is_na = is_na | excluded
        return {f"{id}_time": (time, is_na), f"{id}_event": (event, is_na)}

    rule = (
        f"Slide a {width}-week window over the word; the event is the first window holding at "
        f"least {threshold} '{match}' weeks, dated at the window's start + {shift}. Without one, "
        f"censored at (weeks - {width} + 1) + {shift}. A word shorter than {width} weeks is NA. "
        f"'{NOT_SCHEDULED}' weeks stay in place and never match."
    )
    params = {"width": width, "threshold": threshold, "offset": shift, "match": match}
    return Definition(
        id=id, title=title, kind="time_event", rule=rule, missing_rule=missing_rule,
        citation=citation, source=source, params=MappingProxyType(params),
        on_word=single, on_matrix=bulk, version=version,
    )  # fmt: skip


def _recoded_value(
    id: str, recoding: Recoding, one: Callable[[str], int], many: Callable[..., np.ndarray]
) -> tuple[OnWord, OnMatrix]:
    """Single and bulk functions of a whole-word count: recode, then compute."""

    def single(word: str, missing: MissingRule) -> int | None:
        prepared = recoding.word(word, missing)
        return None if prepared is None else one(prepared)

    def bulk(matrix: WordMatrix, missing: MissingRule) -> Columns:
        codes, _, excluded = recoding.matrix(matrix, missing)
        return {id: (many(codes), excluded)}

    return single, bulk


_MISSING_POSITIVE = "Missing (o) and mixed (*) weeks count as positive."
_CTNOTE_RELAPSE = "CTNote vignette 'Relapse Outcomes' (library_relapse); R/detect_in_window.R."

_fiellin = _recoded_value(
    "fiellin2006_negative_weeks",
    USE_RECODING,
    lambda word: count_symbol(word, NEGATIVE),
    lambda codes: (codes == NEG).sum(axis=1, dtype=np.int64),
)
_schottenfeld = _recoded_value(
    "schottenfeld2008_longest_abstinence",
    USE_RECODING,
    lambda word: longest_run_without(word, POSITIVE),
    lambda codes: longest_run_without_bulk(codes, POS),
)
_retention = _recoded_value(
    "retention_weeks",
    NO_RECODING,
    lambda word: last_present_week(word, MISSING),
    last_present_week_bulk,
)

_ALL = (
    window_definition(
        "ctn0094_relapse", "CTN-0094 relapse (4 consecutive positive weeks)",
        match=POSITIVE, width=4, threshold=4, recoding=USE_RECODING,
        missing_rule=_MISSING_POSITIVE, citation=f"{citations.CTNOTE}. {citations.CTN0094}",
        source=_CTNOTE_RELAPSE + " Checked against CTNote's RsT/RsE_ctnNinetyFour_2023.",
    ),
    window_definition(
        "ctn0094_dropout", "CTN-0094 dropout (4 consecutive missing weeks)",
        match=MISSING, width=4, threshold=4, recoding=NO_RECODING,
        missing_rule="Missing weeks are the event; nothing is recoded (mixed is not missing). "
        "Under 'ignored' and 'completers' no missing week is left, so no event by construction.",
        citation=f"{citations.CTNOTE}. {citations.CTN0094}",
        source=_CTNOTE_RELAPSE + " Checked against CTNote's DrT/DrE_ctnNinetyFour_2023.",
    ),
    Definition(
        id="ctn0094_abstinence", kind="flag",
        title="CTN-0094 abstinence at end of treatment (weeks 12-15)",
        rule="Success when the word reaches week 15 and each of weeks 12-15 is negative (-) or "
        "missing (o) with at most one missing week; a positive, mixed (*) or not-scheduled (_) "
        "week in 12-15 fails. Under 'ignored' any number of missing weeks may be dropped as long "
        "as one negative week remains.",
        missing_rule="At most one missing week tolerated; mixed counts as positive.",
        citation=f"{citations.CTNOTE}. {citations.CTN0094}",
        source="CTNote's Ab_ctnNinetyFour_2023: mixed recoded positive, then weeks 12-15 must be "
        "one of '----', 'o---', '-o--', '--o-', '---o' (detect_subpattern.R); checked against "
        "CTNote's inst/extdata/outcomes_abstinence_20230210.csv.",
        params=MappingProxyType({"first_week": 12, "last_week": 15, "max_missing": 1}),
        on_word=calendar.ctn0094_abstinence_word, on_matrix=calendar.ctn0094_abstinence_matrix,
    ),
    window_definition(
        "lee2016_relapse", "Lee et al. 2016 relapse (2 positive weeks in 4)",
        match=POSITIVE, width=4, threshold=2, recoding=USE_RECODING,
        missing_rule=_MISSING_POSITIVE, citation=f"{citations.LEE_2016}. {citations.CTNOTE}",
        source=_CTNOTE_RELAPSE + " Checked against CTNote's RsT/RsE_lee_2016.",
    ),
    window_definition(
        "krupitsky2004_relapse", "Krupitsky et al. 2004 relapse (3 consecutive positive weeks)",
        match=POSITIVE, width=3, threshold=3, recoding=USE_RECODING,
        missing_rule=_MISSING_POSITIVE, citation=f"{citations.KRUPITSKY_2004}. {citations.CTNOTE}",
        source="CTNote vignette 'Relapse Outcomes' (detect_subpattern '+++' for the flag) and the "
        "CTNote paper vignette's time-to-event form detect_in_window(3, 3). Checked against "
        "CTNote's Rs_krupitsky_2004 and RsT/RsE_schottenfeld_2008 (the same 3-of-3 window).",
    ),
    Definition(
        id="fiellin2006_negative_weeks", kind="count",
        title="Fiellin et al. 2006 negative weeks",
        rule="Number of negative (-) weeks in the whole word after recoding.",
        missing_rule=_MISSING_POSITIVE,
        citation=f"{citations.FIELLIN_2006}. {citations.CTNOTE}",
        source="CTNote vignette 'Abstinence Outcomes': count_matches(match_is = '-') on the "
        "recoded word, no end week. Checked against CTNote's Ab_fiellin_2006.",
        params=MappingProxyType({"match": NEGATIVE}),
        on_word=_fiellin[0], on_matrix=_fiellin[1],
    ),
    Definition(
        id="schottenfeld2008_longest_abstinence", kind="count",
        title="Schottenfeld et al. 2008 longest abstinent run (weeks)",
        rule="Length of the longest run of consecutive weeks without a positive week after "
        "recoding; a not-scheduled (_) week continues and lengthens a run, as CTNote recodes _ "
        "to - for this measure. Under 'ignored' missing weeks are deleted, so a run bridges them.",
        missing_rule=_MISSING_POSITIVE,
        citation=f"{citations.SCHOTTENFELD_2008}. {citations.CTNOTE}",
        source="CTNote R/measure_abstinence_period.R. Checked against CTNote's "
        "Ab_schottenfeldB_2008 ('positive') and Ab_schottenfeld_2005 (missing ignored).",
        params=MappingProxyType({"use": POSITIVE}),
        on_word=_schottenfeld[0], on_matrix=_schottenfeld[1],
    ),
    Definition(
        id="retention_weeks", kind="count",
        title="Retention (week of the last non-missing week)",
        rule="1-based position of the last week that is not missing (o); a not-scheduled (_) "
        "week counts as present, as in CTNote. 0 when every week is missing.",
        missing_rule="Missing weeks are what is measured; nothing is recoded. Under 'ignored' "
        "the value is the number of weeks that are not missing.",
        citation=citations.CTNOTE,
        source="CTNote R/measure_retention.R (used by its Eissenberg 1997 and Ling 1976 "
        "endpoints).",
        params=MappingProxyType({"missing": MISSING}),
        on_word=_retention[0], on_matrix=_retention[1],
    ),
    Definition(
        id="negative_weeks_share_1_12", kind="share",
        title="Share of negative weeks, weeks 1-12",
        rule="Negative (-) weeks among weeks 1-12 / the scheduled weeks among them (12 minus "
        "the not-scheduled _ weeks). Weeks 1-12 past the end of a shorter word are untested and "
        "handled like missing weeks. Under 'ignored' the denominator is the tested weeks "
        "(+, -, *) only. NA when the denominator is 0.",
        missing_rule="Missing (o) and mixed (*) weeks count as not negative (positive).",
        citation=f"{citations.CTNOTE}. {citations.LING_2010}",
        source="Product definition in CTNote's 'proportion of negative UOS' family "
        "(count_matches(..., proportion = TRUE)), over a fixed 12-week denominator.",
        params=MappingProxyType({"first_week": 1, "last_week": 12}),
        on_word=calendar.share_word, on_matrix=calendar.share_matrix,
    ),
    window_definition(
        "first_positive_week", "Time to first positive week",
        match=POSITIVE, width=1, threshold=1, recoding=USE_RECODING,
        missing_rule=_MISSING_POSITIVE,
        citation=f"{citations.MOKRI_2016}. {citations.SCHOTTENFELD_2008}. {citations.CTNOTE}",
        source="CTNote vignette 'Abstinence Outcomes' (Mokri 2016, Schottenfeld 2008 A): "
        "detect_in_window(1, 1); censored at the word's length. Checked against CTNote's "
        "AbT/AbE_mokri_2016.",
    ),
)  # fmt: skip

DEFINITIONS: Mapping[str, Definition] = MappingProxyType({d.id: d for d in _ALL})


def choose(ids: str | Sequence[str] = "all") -> list[Definition]:
    """Definitions for `ids` ('all', one id, or a list of ids), in catalogue order if 'all'."""
    if isinstance(ids, str):
        ids = list(DEFINITIONS) if ids == "all" else [ids]
    unknown = [i for i in ids if i not in DEFINITIONS]
    if unknown:
        raise KeyError(f"unknown definition ids {unknown}; known: {list(DEFINITIONS)}")
    return [DEFINITIONS[i] for i in ids]
