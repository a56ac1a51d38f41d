"""Evaluate outcome definitions on many words at once, returning one pandas DataFrame."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pipelines.patterns.definitions import Kind, choose
from pipelines.patterns.words import MissingRule, check_missing_rule, encode, to_arrow

# Words per encoded block: bounds memory (a block is n_words x longest-word bytes plus a few work
# matrices of the same shape) while keeping numpy's per-call overhead negligible.
CHUNK_WORDS = 250_000


def evaluate(
    words: Sequence[str | None] | pd.Series,
    ids: str | Sequence[str] = "all",
    missing: MissingRule = "positive",
) -> pd.DataFrame:
    """Definitions `ids` on every word under one missing-data rule.

    One row per word (the Series' index is kept); a time-event definition gives the columns
    `<id>_time` and `<id>_event` (Int64), a count `<id>` (Int64), a share `<id>` (Float64) and
    a flag `<id>` (boolean). NA input words and excluded words give <NA>.
    """
    missing = check_missing_rule(missing)
    chosen = choose(ids)
    index = words.index if isinstance(words, pd.Series) else pd.RangeIndex(len(words))
    array = to_arrow(words)
    blocks: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {
        column: [] for definition in chosen for column in definition.columns
    }
    for start in range(0, len(array), CHUNK_WORDS):
        matrix = encode(array.slice(start, CHUNK_WORDS))
        for definition in chosen:
            for column, values in definition.on_matrix(matrix, missing).items():
                blocks[column].append(values)
    kinds = {column: d.kind for d in chosen for column in d.columns}
    data = {column: _nullable(kinds[column], parts) for column, parts in blocks.items()}
    return pd.DataFrame(data, index=index, copy=False)


def evaluate_rules(
    words: Sequence[str | None] | pd.Series,
    ids: str | Sequence[str] = "all",
    rules: Sequence[MissingRule] = ("positive", "ignored", "completers"),
) -> pd.DataFrame:
    """The same definitions under several missing-data rules side by side: the columns form a
    MultiIndex (rule, column)."""
    return pd.concat({rule: evaluate(words, ids, rule) for rule in rules}, axis=1)


def _nullable(
    kind: Kind, parts: list[tuple[np.ndarray, np.ndarray]]
) -> pd.api.extensions.ExtensionArray:
    values = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0)
    is_na = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=bool)
    is_na = np.asarray(is_na, dtype=bool)
    if kind == "flag":
        return pd.arrays.BooleanArray(values.astype(bool, copy=False), is_na)
    if kind == "share":
        return pd.arrays.FloatingArray(values.astype(np.float64, copy=False), is_na)
    return pd.arrays.IntegerArray(values.astype(np.int64, copy=False), is_na)
