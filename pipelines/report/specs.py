"""Suppression specs of the report's own tables (see `pipelines.access.protect.Spec`): which
columns are counts and how they add up. Metric tables use `pipelines.access.specs.SPECS`."""

from __future__ import annotations

from pipelines.access.protect import Rate, Spec


def _ci(name: str) -> tuple[str, str, str]:
    return (name, f"{name}_lower", f"{name}_upper")


LOS = ("los_median_days", "los_q1_days", "los_q3_days", "los_mean_days")

REPORT_SPECS: dict[str, Spec] = {
    # served = active at start + admissions = discharges + active at end, in every row.
    "census": Spec(
        row_parts=(
            (("n_active_start", "n_admissions"), "n_episodes_served"),
            (("n_discharges", "n_active_end"), "n_episodes_served"),
        ),
        counts=("n_clients_served",),
    ),
    # Reasons add up to the 'all' row of their group; each reason is a share of the discharges.
    "discharges": Spec(
        keys=("discharge_reason",),
        rates=(Rate("n_discharges", "n_discharged", _ci("reason_rate")),),
        parts=(("n_discharges", "n_discharges"),),
        total_key=("discharge_reason", "all"),
        stats=(("n_discharges", LOS),),
    ),
    "followups": Spec(
        keys=("timepoint",),
        rates=(Rate("n_in_window", "n_eligible", (*_ci("followup_rate"), "meets_target")),),
    ),
    "outcomes": Spec(
        keys=("timepoint", "outcome"),
        rates=(Rate("n_yes", "n_answered", _ci("outcome_rate")), Rate("n_answered", "n_reached")),
    ),
    "abstinence": Spec(
        keys=("timepoint",),
        rates=(
            Rate("n_fully_abstinent_intake", "n_pairs", _ci("intake_rate")),
            Rate("n_fully_abstinent", "n_pairs", _ci("abstinent_rate")),
        ),
        stats=(("n_pairs", ("intake_rate_mean", "rate_mean")),),
    ),
    "bias": Spec(
        keys=("characteristic", "level"),
        rates=(
            Rate("n_followed", "n_followed_total", ("followed_value",)),
            Rate("n_lost", "n_lost_total", ("lost_value",)),
        ),
    ),
}
