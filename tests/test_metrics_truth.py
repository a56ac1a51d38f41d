"""The metrics recover the generator's truth (sample_data/truth.py writes it to truth.json).

Each truth value is compared with the product's estimate and its 95% interval: retention at days
30/60/90 per track (Kaplan–Meier, log-log band), the premature-exit hazard ratio of each track
against the reference (Peto log-rank O−E), discharge-reason shares overall and per track (Wilson),
follow-up response rates of completers and non-completers (Wilson), attendance per track
(cluster-robust ratio), and intake abstinence (t and Wilson intervals).

With about 90 intervals, some 5% miss by chance, so the rule is: at most 10% outside their 95%
interval, and none beyond 1.68 times its half-width on the side it falls (the 99.9% level, 3.29
standard errors), which an estimator with a real bias would break.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from pipelines import metrics
from pipelines.metrics import Filters
from pipelines.metrics._common import ratio_interval
from pipelines.stats import wilson_interval
from tests.generated_sample import build_sample

WIDER = 3.2905 / 1.959964  # 99.9% over 95% normal quantiles
TIMEPOINT_DAYS = {"30d": 30, "90d": 90, "180d": 180, "365d": 365}
LONGEST_STAY_DAYS = 16 * 7 + 7  # 12 planned weeks + 4 extension weeks, and a week to spare

# Truth's attendance estimand: completed episodes, all scheduled rows (cancelled included), not
# counting the admission and discharge days. No product filter says "completers without their
# first and last day", so the rows come from the marts and go through the product's estimator.
ATTENDANCE_SQL = """
select e.track, s.episode_id, count(*) as n_rows,
    count(*) filter (where s.status = 'attended') as n_attended,
    count(*) filter (where s.status = 'no_show') as n_no_show
from marts.sessions as s
inner join marts.episodes as e using (episode_id)
where s.is_in_episode and e.discharge_reason = 'completed'
    and s.session_date > e.admission_date and s.session_date < e.discharge_date
group by all
"""


def truth_checks(con: duckdb.DuckDBPyConnection, truth: dict) -> pd.DataFrame:
    """One row per truth value: name, truth, estimate, lower, upper."""
    rows = []
    as_of = date.fromisoformat(truth["generator"]["as_of"])

    retention = truth["retention"]
    at = metrics.retention_at(con, group_by="track").set_index(["group_value", "day"])
    for track, values in retention["by_track"].items():
        for day, survival in values["survival"].items():
            r = at.loc[(track, int(day))]
            rows.append((f"retained at {day} {track}", survival, *r.iloc[:3]))
    reference = retention["reference_track"]
    logrank = metrics.retention_logrank(con, group_by="track", reference=reference)
    for track, hr in retention["hazard_ratio"].items():
        if track != reference:
            r = logrank.set_index("group_value").loc[track]
            estimate = (r.hazard_ratio, r.hazard_ratio_lower, r.hazard_ratio_upper)
            rows.append((f"hazard ratio {track}", hr, *estimate))

    reasons = truth["discharge_reasons"]
    cohort = Filters(date_to=as_of - timedelta(days=reasons["cohort_admitted_days_before_as_of"]))
    shares = {"All": reasons["overall"], **reasons["by_track"]}
    for group_by in (None, "track"):
        df = metrics.discharges_by_reason(con, filters=cohort, group_by=group_by)
        df = df.set_index(["group_value", "discharge_reason"])
        for (group, reason), r in df.iterrows():
            estimate = (r.reason_rate, r.reason_rate_lower, r.reason_rate_upper)
            rows.append((f"{reason} share {group}", shares[group][reason], *estimate))

    response = truth["followup"]["response_rate"]
    for timepoint, days in TIMEPOINT_DAYS.items():
        # Admitted early enough that every follow-up at this timepoint was due >= 45 days ago.
        cutoff = as_of - timedelta(days=45 + days + LONGEST_STAY_DAYS)
        df = metrics.followup_status(
            con, filters=Filters(date_to=cutoff), group_by="discharge_reason"
        )
        df = df[df["timepoint"] == timepoint]
        assert (df["n_eligible"] == df["n_scheduled"] - df["n_deceased"]).all()  # none pending
        for group, chosen in (
            ("completer", df[df["group_value"] == "completed"]),
            ("non_completer", df[df["group_value"] != "completed"]),
        ):
            x, n = int(chosen["n_completed"].sum()), int(chosen["n_eligible"].sum())
            rows.append(
                (
                    f"response {timepoint} {group}",
                    response[group][timepoint],
                    x / n,
                    *wilson_interval(x, n),
                )
            )

    attendance = con.execute(ATTENDANCE_SQL).df()
    for track, part in attendance.groupby("track"):
        for status in ("attended", "no_show"):
            r = ratio_interval(part[f"n_{status}"], part["n_rows"])
            expected = truth["attendance"]["by_track"][track][status]
            rows.append((f"{status} share {track}", expected, r.rate, r.lower, r.upper))

    intake = metrics.abstinence_by_timepoint(con).set_index("timepoint").loc["intake"]
    abstinence = truth["abstinence"]
    rows.append(
        (
            "intake mean days abstinent",
            abstinence["intake_mean_days_abstinent"],
            *(30 * intake[f"days_abstinent_rate_mean{s}"] for s in ("", "_lower", "_upper")),
        )
    )
    rows.append(
        (
            "intake 30 of 30 days abstinent",
            abstinence["intake_share_abstinent_30_of_30"],
            *(intake[f"fully_abstinent_rate{s}"] for s in ("", "_lower", "_upper")),
        )
    )
    return pd.DataFrame(rows, columns=["name", "truth", "estimate", "lower", "upper"])


def assert_recovers(checks: pd.DataFrame) -> None:
    outside = checks[(checks["truth"] < checks["lower"]) | (checks["truth"] > checks["upper"])]
    assert len(outside) <= max(1, round(0.10 * len(checks))), outside.to_string()
    e = checks["estimate"]
    low = e - WIDER * (e - checks["lower"])
    high = e + WIDER * (checks["upper"] - e)
    far = checks[(checks["truth"] < low - 1e-9) | (checks["truth"] > high + 1e-9)]
    assert far.empty, far.to_string()


def recover(tmp_path_factory, episodes: int, seed: int) -> pd.DataFrame:
    db, truth = build_sample(tmp_path_factory, episodes=episodes, seed=seed)
    with duckdb.connect(str(db), read_only=True) as con:
        checks = truth_checks(con, truth)
    assert len(checks) >= 80  # 15 survival, 4 hazard ratios, 48 reasons, 8 response, 10 + 2
    assert checks[["estimate", "lower", "upper"]].notna().all().all(), checks
    return checks


def test_metrics_recover_the_truth_moderate_sample(tmp_path_factory):
    assert_recovers(recover(tmp_path_factory, 5_000, seed=101))


@pytest.mark.slow
def test_metrics_recover_the_truth_large_sample(tmp_path_factory):
    checks = recover(tmp_path_factory, 30_000, seed=202)
    assert_recovers(checks)
    # With 30,000 episodes the intervals are narrow: the hazard ratios within about 10%.
    hr = checks[checks["name"].str.startswith("hazard ratio")]
    assert ((hr["upper"] - hr["lower"]) / hr["estimate"] < 0.2).all()
