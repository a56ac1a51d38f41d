"""How each table is shown: its columns in order with readable labels, and result sentences."""

from __future__ import annotations

import pandas as pd

from dashboard.ui import number, percent, text

GROUP = {"group_value": text("Group")}
# Rows of a client list a page shows (the CSV holds them all): a state system has hundreds of
# thousands of pending follow-ups, and moving them all to the browser took longer than every
# other table of the Follow-up page (docs/performance.md).
DUE_ROWS = 1_000
CI = "95% interval"


def _rate(name: str, label: str) -> dict:
    return {
        name: percent(label),
        f"{name}_lower": percent("lower", CI),
        f"{name}_upper": percent("upper", CI),
    }


RETENTION_AT = (
    GROUP
    | {
        "day": number("Day"),
        "n_episodes": number("Episodes (n)"),
        "n_at_risk": number("At risk"),
        "n_events_cumulative": number("Premature exits by then"),
    }
    | _rate("retained_rate", "Retained")
)
LOS = GROUP | {
    "discharge_reason_label": text("Discharge reason"),
    "n_discharges": number("Discharges (n)"),
    "los_median_days": number("Median days"),
    "los_q1_days": number("Q1"),
    "los_q3_days": number("Q3"),
    "los_mean_days": number("Mean days", fmt="%.1f"),
}
DOSE = (
    GROUP
    | {
        "n_episodes": number("Episodes"),
        "n_weeks": number("Complete weeks (n)"),
        "n_weeks_meeting_minimum": number("At the minimum"),
    }
    | _rate("meeting_minimum_rate", "Share at minimum")
    | {
        "hours_per_week_mean": number("Mean hours/week", fmt="%.1f"),
        "hours_per_week_median": number("Median hours/week", fmt="%.1f"),
        "minimum_rule": text("Minimum"),
    }
)
FOLLOWUP_STATUS = (
    GROUP
    | {
        "timepoint": text("Timepoint"),
        "n_scheduled": number("Scheduled"),
        "n_due": number("Due"),
        "n_completed": number("Completed"),
        "n_in_window": number("In window"),
        "n_overdue": number("Overdue"),
        "n_eligible": number("Counted (n)"),
    }
    | _rate("followup_rate", "Follow-up rate")
)
OUTCOMES = (
    GROUP
    | {
        "timepoint": text("Timepoint"),
        "outcome": text("Outcome"),
        "n_reached": number("Reached"),
        "n_answered": number("Answered (n)"),
        "n_yes": number("Yes"),
    }
    | _rate("outcome_rate", "Share")
)
CHANGE = GROUP | {
    "timepoint": text("Compared with intake"),
    "n_pairs": number("Clients (n)"),
    "intake_rate_mean": percent("Intake mean"),
    "rate_mean": percent("Then mean"),
    "mean_difference": number("Mean change", fmt="%.2f"),
    "n_improved": number("Improved"),
    "n_worse": number("Worse"),
    "n_unchanged": number("Unchanged"),
    "p_value": number("p", fmt="%.3g"),
    "test": text("Test"),
}
BIAS = GROUP | {
    "characteristic": text("At intake"),
    "level": text("Level"),
    "n_followed": number("Followed (n)"),
    "followed_value": number("Followed", fmt="%.2f"),
    "n_lost": number("Lost (n)"),
    "lost_value": number("Lost", fmt="%.2f"),
    "test": text("Test"),
    "p_value": number("p", fmt="%.3g"),
    "p_adjusted": number("p (BH)", fmt="%.3g"),
    "note": text("Note"),
}
ABSTINENCE = (
    GROUP
    | {
        "timepoint": text("Timepoint"),
        "n_episodes": number("Clients (n)"),
    }
    | _rate("days_abstinent_rate_mean", "Mean days abstinent")
    | {
        "n_fully_abstinent": number("Fully abstinent"),
    }
    | _rate("fully_abstinent_rate", "Share fully abstinent")
)

CENSUS = GROUP | {
    "n_episodes": number("Admitted (n)"),
    "n_active": number("Active at cut-off"),
}
REASONS = (
    GROUP
    | {
        "label": text("Discharge reason"),
        "teds_code": number("TEDS code"),
        "n_discharges": number("Discharges"),
        "n_discharged": number("All discharged (n)"),
    }
    | _rate("reason_rate", "Share")
)
COMPLETION = (
    GROUP
    | {
        "n_discharged": number("Discharged (n)"),
        "n_completed": number("Completed"),
    }
    | _rate("completion_rate", "Completion")
    | {
        "n_completed_or_transferred": number("Completed or transferred"),
    }
    | _rate("completed_or_transferred_rate", "Completed or transferred")
)
RELAPSE_RATES = (
    GROUP
    | {
        "definition": text("Definition"),
        "missing": text("Missing weeks"),
        "n_episodes": number("Episodes"),
        "n_evaluable": number("Evaluable (n)"),
        "n_events": number("Events"),
    }
    | _rate("event_rate", "Event rate")
)


def logrank_line(df: pd.DataFrame) -> str:
    """One sentence with the log-rank result, or why there is none."""
    if df.empty or pd.isna(df["statistic"].iloc[0]):
        return "Log-rank test: needs at least two groups."
    row = df.iloc[0]
    return (
        f"Log-rank test: χ² = {row['statistic']:.2f} on {int(row['df'])} df, "
        f"p = {row['p_value']:.3g}."
    )
