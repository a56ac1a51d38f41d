"""Statistics as pure functions of arrays: no DuckDB, no Streamlit; each names its method.

- `survival`: Kaplan–Meier curve with log-log bands, survival at fixed times, median (R rules).
- `logrank`: k-group log-rank test and the Peto (O−E)/V hazard ratio.
- `proportions`: Wilson and Newcombe intervals, chi-square / Fisher comparisons.
- `comparisons`: Mann–Whitney, Wilcoxon signed-rank (both with frequency weights), weighted
  median, Benjamini–Hochberg.

`scipy.stats`, `scipy.special` and `scipy.linalg` are reached as `scipy.stats.…` (and so on) at
call time, not imported at the top: scipy loads a subpackage on first use, so a new dashboard
server sends its first chart without waiting the 0.6 s those imports take (docs/performance.md,
"Browser cold start"). `tests/test_architecture.py` keeps them out of the app's first imports.
"""

from pipelines.stats.comparisons import (
    AmountComparison,
    PairedChange,
    benjamini_hochberg,
    compare_amounts,
    paired_change,
    weighted_median,
)
from pipelines.stats.logrank import (
    LogrankResult,
    PetoHazardRatio,
    hazard_ratio_logrank,
    logrank,
)
from pipelines.stats.proportions import (
    ProportionComparison,
    compare_proportions,
    newcombe_difference,
    wilson_interval,
)
from pipelines.stats.survival import (
    kaplan_meier,
    kaplan_meier_arrays,
    km_median,
    km_median_ci,
    survival_at,
    survival_at_arrays,
)

__all__ = [
    "AmountComparison",
    "LogrankResult",
    "PairedChange",
    "PetoHazardRatio",
    "ProportionComparison",
    "benjamini_hochberg",
    "compare_amounts",
    "compare_proportions",
    "hazard_ratio_logrank",
    "kaplan_meier",
    "kaplan_meier_arrays",
    "km_median",
    "km_median_ci",
    "logrank",
    "newcombe_difference",
    "paired_change",
    "survival_at",
    "survival_at_arrays",
    "weighted_median",
    "wilson_interval",
]
