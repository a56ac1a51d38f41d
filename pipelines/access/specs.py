"""For each aggregate table: which columns are counts and how they add up (see protect.Spec).

A table without a spec here is never shown to funders.
"""

from __future__ import annotations

from pipelines.access.protect import Rate, Spec


def _ci(name: str) -> tuple[str, str, str]:
    return (name, f"{name}_lower", f"{name}_upper")


SPECS: dict[str, Spec] = {
    "active_census": Spec(rates=(Rate("n_active", "n_episodes"),)),
    "admissions_by_month": Spec(keys=("admission_month",), counts=("n_admissions",)),
    "discharges_by_reason": Spec(
        keys=("discharge_reason",),
        rates=(Rate("n_discharges", "n_discharged", _ci("reason_rate")),),
        parts=(("n_discharges", "n_discharged"),),
    ),
    "completion_rate": Spec(
        rates=(
            Rate("n_completed", "n_discharged", _ci("completion_rate")),
            Rate(
                "n_completed_or_transferred",
                "n_discharged",
                _ci("completed_or_transferred_rate"),
            ),
        )
    ),
    "readmission_rate": Spec(
        keys=("window_days",),
        rates=(Rate("n_readmitted", "n_discharged_eligible", _ci("readmission_rate")),),
    ),
    "retention_at": Spec(
        keys=("day",),
        rates=(Rate("n_events_cumulative", "n_episodes"), Rate("n_at_risk", "n_episodes")),
        stats=(
            ("n_episodes", _ci("retained_rate")),
            ("n_at_risk", _ci("retained_rate")),
        ),
    ),
    "retention_median": Spec(
        rates=(Rate("n_events", "n_episodes"),),
        row_parts=((("n_events", "n_censored"), "n_episodes"),),
        stats=(("n_episodes", _ci("median_days")),),
    ),
    "retention_logrank": Spec(
        rates=(Rate("n_events", "n_episodes"),),
        stats=(("n_episodes", ("n_expected", *_ci("hazard_ratio"))),),
    ),
    "attendance_rate": Spec(
        rates=(
            Rate("n_attended", "n_scheduled", _ci("attendance_rate")),
            Rate("n_no_show", "n_scheduled", _ci("no_show_rate")),
        ),
        stats=(("n_episodes", (*_ci("attendance_rate"), *_ci("no_show_rate"))),),
    ),
    "hours_per_week": Spec(
        rates=(Rate("n_weeks_meeting_minimum", "n_weeks", _ci("meeting_minimum_rate")),),
        stats=(
            (
                "n_episodes",
                (*_ci("meeting_minimum_rate"), "hours_per_week_mean", "hours_per_week_median"),
            ),
        ),
    ),
    "initiation_engagement": Spec(
        rates=(
            Rate("n_initiated", "n_eligible_initiation", _ci("initiation_rate")),
            Rate("n_engaged", "n_eligible_engagement", _ci("engagement_rate")),
        ),
    ),
    "attendance_by_week": Spec(
        keys=("week_number",),
        rates=(Rate("n_attended", "n_scheduled", ("attendance_rate",)),),
        stats=(("n_episodes", ("attendance_rate", "attended_hours")),),
    ),
    "length_of_stay": Spec(
        keys=("discharge_reason",),
        parts=(("n_discharges", "n_discharges"),),
        total_key=("discharge_reason", "all"),
        stats=(
            ("n_discharges", ("los_median_days", "los_q1_days", "los_q3_days", "los_mean_days")),
        ),
    ),
    "length_of_stay_buckets": Spec(
        keys=("los_bucket",),
        rates=(Rate("n_discharges", "n_discharged"),),
        parts=(("n_discharges", "n_discharged"),),
    ),
    "followup_status": Spec(
        keys=("timepoint",),
        rates=(
            Rate("n_in_window", "n_eligible", (*_ci("followup_rate"), "meets_target")),
            Rate("n_due", "n_scheduled"),
            Rate("n_overdue", "n_due"),
            Rate("n_completed", "n_due"),
        ),
    ),
    "followup_outcomes": Spec(
        keys=("timepoint", "outcome"),
        rates=(Rate("n_yes", "n_answered", _ci("outcome_rate")), Rate("n_answered", "n_reached")),
    ),
    # followup_bias has no spec: its levels sum to totals per characteristic, and cell-wise
    # suppression let hidden counts be recalculated (total minus the shown levels). Funders get
    # the retention-bias table from the quarterly report, protected per characteristic.
    "abstinence_by_timepoint": Spec(
        keys=("timepoint",),
        rates=(Rate("n_fully_abstinent", "n_episodes", _ci("fully_abstinent_rate")),),
        stats=(
            (
                "n_episodes",
                (*_ci("days_abstinent_rate_mean"), "days_abstinent_rate_median"),
            ),
        ),
    ),
    "abstinence_change": Spec(
        keys=("timepoint",),
        row_parts=((("n_improved", "n_worse", "n_unchanged"), "n_pairs"),),
        rates=(
            Rate("n_fully_abstinent_intake", "n_pairs"),
            Rate("n_fully_abstinent", "n_pairs"),
        ),
        stats=(
            (
                "n_pairs",
                (
                    "intake_rate_mean",
                    "rate_mean",
                    "mean_difference",
                    "median_difference",
                    "statistic",
                    "p_value",
                ),
            ),
        ),
    ),
    "negative_screen_rate": Spec(
        rates=(Rate("n_negative", "n_screens", _ci("negative_screen_rate")),),
        stats=(("n_episodes", _ci("negative_screen_rate")),),
    ),
    "positivity_by_week": Spec(
        keys=("missing", "week_number"),
        rates=(Rate("n_positive_weeks", "n_weeks", _ci("positive_rate")),),
    ),
    "relapse_rate": Spec(
        keys=("definition", "missing"),
        rates=(
            Rate("n_events", "n_evaluable", _ci("event_rate")),
            Rate("n_evaluable", "n_episodes"),
        ),
    ),
    "relapse_logrank": Spec(
        keys=("definition", "missing"),
        rates=(Rate("n_events", "n_evaluable"),),
        stats=(("n_evaluable", ("n_expected",)),),
    ),
}
