"""Weekly use-pattern words: the five symbols, the three missing-data rules, and the encoding of
many words into one numpy matrix for the bulk (vectorised) definitions.

A word has one symbol per treatment week (CTNote's legend, CTN-0094/CTNote vignettes):
`+` all tests positive, `-` all negative, `*` mixed, `o` no test (missing), `_` not scheduled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, get_args

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

POSITIVE, NEGATIVE, MIXED, MISSING, NOT_SCHEDULED = "+", "-", "*", "o", "_"
SYMBOLS = POSITIVE + NEGATIVE + MIXED + MISSING + NOT_SCHEDULED

MissingRule = Literal["positive", "ignored", "completers"]
# What a definition computes on a WordMatrix: column name -> (values, is_na); values at NA rows
# are placeholders.
Columns = dict[str, tuple[np.ndarray, np.ndarray]]
MISSING_RULES: tuple[MissingRule, ...] = get_args(MissingRule)
MISSING_RULE_HELP: dict[MissingRule, str] = {
    "positive": (
        "The published rule of each definition. For every use definition a missing week (`o`) "
        "counts as positive; dropout and retention read missing weeks as they are, and CTN-0094 "
        "abstinence tolerates one missing week in weeks 12-15."
    ),
    "ignored": (
        "Missing weeks are deleted from the word before the definition reads it (CTNote's "
        "recode_missing_visits(missing_becomes = \"\"), its 'missing is ignored'). Times are then "
        "counted in observed weeks, not calendar weeks; fixed calendar windows (weeks 1-12, "
        "12-15) are located on the calendar first and the missing weeks inside them dropped."
    ),
    "completers": (
        "Only words without any missing week are evaluated (with the published rule); every "
        "other word gives NA."
    ),
}

# Codes of the symbol matrix; PAD fills the cells after the end of a shorter word.
PAD, POS, NEG, MIX, MISS, NOSCHED = 0, 1, 2, 3, 4, 5
_INVALID = 255
_LOOKUP = np.full(256, _INVALID, dtype=np.uint8)
for _symbol, _code in zip(SYMBOLS, (POS, NEG, MIX, MISS, NOSCHED), strict=True):
    _LOOKUP[ord(_symbol)] = _code


def check_missing_rule(missing: str) -> MissingRule:
    if missing not in MISSING_RULES:
        raise ValueError(f"missing must be one of {MISSING_RULES}, not {missing!r}")
    return missing  # type: ignore[return-value]


def check_word(word: str) -> str:
    """Return `word` unchanged, or raise ValueError when it holds a symbol outside the legend."""
    if not isinstance(word, str):
        raise TypeError(f"a use-pattern word is a str, not {type(word).__name__}")
    bad = set(word) - set(SYMBOLS)
    if bad:
        raise ValueError(f"word {word!r} has symbols outside {SYMBOLS!r}: {sorted(bad)}")
    return word


def prepare(
    word: str, missing: MissingRule, *, missing_is_positive: bool, mixed_is_positive: bool
) -> str | None:
    """Apply a missing-data rule and a definition's published recoding to one word.

    Returns None when the rule excludes the word (completers-only and the word has a missing week).
    """
    if missing == "completers" and MISSING in word:
        return None
    if missing == "ignored":
        word = word.replace(MISSING, "")
    elif missing_is_positive:
        word = word.replace(MISSING, POSITIVE)
    if mixed_is_positive:
        word = word.replace(MIXED, POSITIVE)
    return word


@dataclass(frozen=True)
class WordMatrix:
    """Many words as one uint8 matrix of symbol codes (one row a word, PAD after its end)."""

    codes: np.ndarray  # (n_words, max_length) uint8
    lengths: np.ndarray  # (n_words,) int64
    is_null: np.ndarray  # (n_words,) bool: the input was NA; every definition gives NA
    # Recoded matrices by (recoding, rule): seven definitions share the same recoding.
    recoded: dict[object, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def n_words(self) -> int:
        return int(self.lengths.shape[0])

    @cached_property
    def has_missing(self) -> np.ndarray:
        return (self.codes == MISS).any(axis=1)

    @cached_property
    def without_missing(self) -> WordMatrix:
        """The same words with every `o` deleted and the rest shifted left (rule 'ignored')."""
        keep = (self.codes != MISS) & (self.codes != PAD)
        new_lengths = keep.sum(axis=1, dtype=np.int64)
        width = int(new_lengths.max(initial=0))
        out = np.zeros((self.n_words, width), dtype=np.uint8)
        rows, cols = np.nonzero(keep)
        new_cols = np.cumsum(keep, axis=1)[rows, cols] - 1
        out[rows, new_cols] = self.codes[rows, cols]
        return WordMatrix(out, new_lengths, self.is_null)

    def weeks(self, first: int, last: int) -> np.ndarray:
        """Columns for calendar weeks first..last (1-based), PAD where a word is shorter."""
        block = np.zeros((self.n_words, last - first + 1), dtype=np.uint8)
        available = self.codes[:, first - 1 : last]
        block[:, : available.shape[1]] = available
        return block


@dataclass(frozen=True)
class Recoding:
    """A definition's published recoding, applied alike to one word and to a WordMatrix."""

    missing_is_positive: bool  # `o` becomes `+` under the rule 'positive'
    mixed_is_positive: bool  # `*` becomes `+` under every rule

    def word(self, word: str, missing: MissingRule) -> str | None:
        return prepare(
            word,
            missing,
            missing_is_positive=self.missing_is_positive,
            mixed_is_positive=self.mixed_is_positive,
        )

    def matrix(
        self, words: WordMatrix, missing: MissingRule
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (recoded codes, lengths, excluded) where excluded rows must give NA."""
        key = (self, missing)
        if key not in words.recoded:
            view = words.without_missing if missing == "ignored" else words
            excluded = (
                words.is_null | words.has_missing if missing == "completers" else words.is_null
            )
            lookup = np.arange(NOSCHED + 1, dtype=np.uint8)
            if missing == "positive" and self.missing_is_positive:
                lookup[MISS] = POS
            if self.mixed_is_positive:
                lookup[MIX] = POS
            words.recoded[key] = (lookup[view.codes], view.lengths, excluded)
        return words.recoded[key]


# The published recoding of every use definition: missing and mixed weeks count as positive.
USE_RECODING = Recoding(missing_is_positive=True, mixed_is_positive=True)
# Dropout and retention read the word as it is.
NO_RECODING = Recoding(missing_is_positive=False, mixed_is_positive=False)


def to_arrow(words: Sequence[str | None] | pd.Series) -> pa.LargeStringArray:
    """Words as one Arrow string array (nulls kept), the cheapest way to reach their bytes."""
    if isinstance(words, pd.Series) and hasattr(words.array, "__arrow_array__"):
        # Arrow-backed strings (what DuckDB returns): handed over without a copy, where going
        # through Python objects took 37 ms for 200,000 words.
        array = pa.array(words.array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            return array.cast(pa.large_string())
        words = words.to_numpy(dtype=object, na_value=None)
    elif isinstance(words, pd.Series):
        words = words.to_numpy(dtype=object, na_value=None)
    array = pa.array(words, type=pa.large_string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def encode(array: pa.LargeStringArray) -> WordMatrix:
    """Encode words into a WordMatrix; raise ValueError naming the first word with a bad symbol."""
    is_null = array.is_null().to_numpy(zero_copy_only=False)
    clean = pc.fill_null(array, "") if array.null_count else array
    # A slice shares its parent's buffers; its own offsets start at clean.offset.
    offsets = np.frombuffer(clean.buffers()[1], dtype=np.int64)
    offsets = offsets[clean.offset : clean.offset + len(clean) + 1]
    data_buffer = clean.buffers()[2]
    data = np.frombuffer(data_buffer or b"", dtype=np.uint8)
    symbols = _LOOKUP[data[offsets[0] : offsets[-1]]]
    if (symbols == _INVALID).any():
        first_bad = int(np.flatnonzero(symbols == _INVALID)[0])
        row = int(np.searchsorted(offsets, offsets[0] + first_bad, side="right") - 1)
        check_word(clean[row].as_py())  # raises with the word and its bad symbols
        raise ValueError(f"word at position {row} holds a symbol outside {SYMBOLS!r}")
    starts = offsets[:-1] - offsets[0]
    lengths = np.diff(offsets)
    width = int(lengths.max(initial=0))
    codes = np.zeros((len(lengths), width), dtype=np.uint8)
    if symbols.size:
        last = symbols.size - 1
        # One pass per week column keeps memory at one (n_words,) index array at a time.
        for week in range(width):
            inside = lengths > week
            codes[:, week] = np.where(inside, symbols[np.minimum(starts + week, last)], PAD)
    return WordMatrix(codes, lengths, is_null)
