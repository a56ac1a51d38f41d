"""Outcome definitions on weekly use-pattern words, one symbol per treatment week (CTNote legend):
`+` all tests positive, `-` all negative, `*` mixed, `o` no test (missing), `_` not scheduled.

    from pipelines.patterns import DEFINITIONS, evaluate
    DEFINITIONS["ctn0094_relapse"].single("--++++-")  # TimeEvent(time=3, event=1)
    evaluate(words, ids="all", missing="positive")  # one DataFrame, vectorised

How every definition reads the symbols, under every missing-data rule:
- `*` counts as positive in every use definition (CTNote recodes it first); being a test, it is
  never missing (dropout, retention).
- `_` stays in place, so weeks keep their calendar numbers. It never matches in a window (a `_`
  interrupts "4 consecutive positive/missing weeks"), is never a negative week, continues an
  abstinent run (CTNote's measure_abstinence_period reads it as `-`), counts as present for
  retention, leaves the denominator of the weeks 1-12 share, and fails CTN-0094 abstinence when
  it falls in weeks 12-15.
- A window definition on a word shorter than its window is NA (CTNote's detect_in_window).

The missing-data rules (`missing=`, see MISSING_RULE_HELP):
- "positive": the published rule; `o` becomes `+` in every use definition.
- "ignored": every `o` is deleted before the definition reads the word, so times are counted in
  observed weeks (a sensitivity analysis, not calendar time); the fixed calendar windows (weeks
  1-12, weeks 12-15) are located first and the missing weeks inside them dropped.
- "completers": NA for a word with any `o`; otherwise identical to "positive".

The words come from the database (marts.use_weeks, marts.episode_words): `episode_words` and
`episode_outcomes` read them per episode; `relapse_rate`, `relapse_curve`, `relapse_logrank` and
`positivity_by_week` aggregate them by group (docs/patterns.md).
"""

import importlib

from pipelines.patterns.bulk import evaluate, evaluate_rules
from pipelines.patterns.definitions import DEFINITIONS, Definition, choose, window_definition
from pipelines.patterns.rules import TimeEvent
from pipelines.patterns.substances import SUBSTANCE_CLASSES, SUBSTANCE_HELP
from pipelines.patterns.words import MISSING_RULE_HELP, MISSING_RULES, SYMBOLS, MissingRule

__all__ = [
    "DEFINITIONS",
    "MISSING_RULES",
    "MISSING_RULE_HELP",
    "SUBSTANCE_CLASSES",
    "SUBSTANCE_HELP",
    "SYMBOLS",
    "Definition",
    "MissingRule",
    "TimeEvent",
    "choose",
    "episode_outcomes",
    "episode_words",
    "evaluate",
    "evaluate_rules",
    "positivity_by_week",
    "relapse_curve",
    "relapse_logrank",
    "relapse_rate",
    "window_definition",
    "write_outcomes_csv",
]

# The database functions import pipelines.metrics (DuckDB, SciPy): loaded on first use, so that
# `from pipelines.patterns import DEFINITIONS` (and every `outcomes` command) stays light.
_LAZY = {
    "episode_outcomes": "episodes",
    "episode_words": "episodes",
    "write_outcomes_csv": "episodes",
    "positivity_by_week": "aggregates",
    "relapse_curve": "aggregates",
    "relapse_logrank": "aggregates",
    "relapse_rate": "aggregates",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(f"pipelines.patterns.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'pipelines.patterns' has no attribute {name!r}")
