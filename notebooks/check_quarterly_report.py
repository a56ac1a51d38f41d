# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Checking a quarterly report
#
# An auditor's notebook: it recomputes the numbers of the funder quarterly report
# ([docs/report.md](../docs/report.md)) from the client-level SAMHSA-style extract, one
# interview point per row, and shows for every number its numerator and denominator next to
# what the report printed. Counts the report leaves blank (small-cell suppression) are listed
# with the reason the report gives.
#
# The extract is client-level and protected by 42 CFR Part 2: this check is for the treating
# program and its auditors, never for the funder.
#
# **Data.** By default the bundled synthetic sample is built into a temporary database and the
# quarter 2026Q2 is checked. To check a program's own report, set `DATABASE` to its published
# database (for example `"data/outcomes.duckdb"`, opened read-only) and `QUARTER` to the
# report's quarter. The report is assembled here with the same function `outcomes report` calls
# (`pipelines.report.assemble`, settings from the environment as the command reads them); its
# tables are the sheets of the Excel workbook (`outcomes report --format xlsx`).
#
# Open it in Jupyter with `uv run jupytext --to ipynb notebooks/check_quarterly_report.py`, or
# run it as a script with `uv run python notebooks/check_quarterly_report.py`.

# %%
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from IPython.display import display

import pipelines
from pipelines import metrics
from pipelines.build import build
from pipelines.metrics import Filters
from pipelines.report import assemble
from pipelines.report.extract import extract_csv_bytes, samhsa_extract
from pipelines.report.period import Quarter
from pipelines.settings import Settings

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)
pd.set_option("display.max_rows", 60)

# %% tags=["parameters"]
QUARTER = "2026Q2"
DATABASE = None  # a published database to check instead of building the bundled sample

# %% [markdown]
# ## The database and the report
#
# `pipelines.build.build()` (the `outcomes build` command) builds the bundled sample.

# %%
REPO = Path(pipelines.__file__).resolve().parents[1]
workdir = tempfile.TemporaryDirectory(prefix="iop-check-report-")
if DATABASE is None:
    db_path = Path(workdir.name) / "outcomes.duckdb"
    built = build(REPO / "sample_data" / "sample", Settings(db_path=db_path))
    print(f"built {built.db_path} (data cut-off {built.as_of})")
else:
    db_path = REPO / DATABASE  # a relative path is taken from the repository folder
con = duckdb.connect(str(db_path), read_only=True)

settings = Settings.from_env()
report = assemble(con, quarter=QUARTER, settings=settings)
sheets = {sheet.key: sheet for sheet in report.sheets}
k = report.k
period = report.period
print("\n".join(report.stamp_lines()))
print("tables:", ", ".join(sheets))

# %% [markdown]
# ## The extract
#
# `outcomes extract --quarter Q --client-level --out FILE` writes one row per client per
# interview point of the quarter: an intake row for each episode admitted in it, a discharge
# row for each episode discharged in it, and a follow-up row for each follow-up completed in it
# or, not completed, whose window closed in it. A report counts a discharge of the quarter
# against its intake interview, which sits in the extract of its admission quarter, and a
# follow-up whose window closed in the quarter may have been reached in the quarter before. So
# the check reads the extract of **every** quarter from the first admission to the data
# cut-off, written as CSV by the same code as the command, and read back as an auditor would.

# %%
as_of = report.as_of
first_admission = con.execute("select min(admission_date) from marts.episodes").fetchone()[0]
quarter = Quarter(first_admission.year, (first_admission.month - 1) // 3 + 1)
extract_dir = Path(workdir.name) / "extracts"
extract_dir.mkdir()
while quarter.start <= as_of:
    path = extract_dir / f"{quarter}-interviews.csv"
    path.write_bytes(extract_csv_bytes(samhsa_extract(con, quarter=quarter)))
    quarter = quarter.shift(1)

DATES = ["episode_admission_date", "interview_date", "due_date", "window_start_date"]
DATES += ["window_end_date", "discharge_date"]
FLAGS = ["is_in_window", "is_abstinent", "is_employed_or_in_school", "is_stably_housed"]
FLAGS += ["was_arrested_30d"]
NUMBERS = ["recall_window_days", "days_abstinent", "days_used", "days_since_admission"]


def read_extract(path: Path) -> pd.DataFrame:
    """One extract CSV: dates YYYY-MM-DD, booleans yes/no, empty = not recorded."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in DATES:
        frame[column] = pd.to_datetime(frame[column].replace("", None))
    for column in FLAGS:
        frame[column] = frame[column].map({"yes": True, "no": False}).astype("boolean")
    for column in NUMBERS:
        frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Int64")
    return frame


extract = pd.concat(
    [read_extract(path) for path in sorted(extract_dir.glob("*.csv"))], ignore_index=True
)
point = ["client_id", "episode_admission_date", "record_type", "timepoint", "due_date"]
assert not extract.duplicated(point).any(), "an interview point is in two extracts"
display(extract["record_type"].value_counts().rename("rows in the extracts"))

# %% [markdown]
# ## The quarter's rows, as each table of the report counts them

# %%
start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
intakes = extract[extract["record_type"] == "intake"]
discharges = extract[extract["record_type"] == "discharge"]
followups = extract[extract["record_type"] == "followup"]
episode = ["client_id", "episode_admission_date"]

admitted = intakes[intakes["episode_admission_date"].between(start, end)]
discharged = discharges[discharges["discharge_date"].between(start, end)].assign(
    los_days=lambda d: (d["discharge_date"] - d["episode_admission_date"]).dt.days
)
# Follow-ups of the quarter: the window (due date ± the follow-up window) closed in it, before
# the data cut-off; counted in the rate unless the client died (GPRA); reached = in window.
closed = followups[
    followups["window_end_date"].between(start, end)
    & (followups["window_end_date"] < pd.Timestamp(as_of))
]
counted = closed[closed["interview_status"] != "deceased"]
reached = counted[counted["is_in_window"].fillna(False).astype(bool)]
interviewed = intakes[intakes["days_abstinent"].notna()]
intake_points = interviewed[episode].assign(
    intake_rate=(interviewed["days_abstinent"] / interviewed["recall_window_days"]).astype(float),
    intake_abstinent=interviewed["is_abstinent"],
)
print(
    f"{period.describe()}: {len(admitted)} admitted, {len(discharged)} discharged, "
    f"{len(counted)} follow-ups counted, {len(reached)} reached in window"
)

# %% [markdown]
# ## Recomputing every table
#
# Each report row is a group: the program ("All clients"), a track or a site; the extract
# carries both. For every cell the audit keeps the recomputed value, its numerator and
# denominator, what the report printed and, for a blank cell, the report's reason.

# %%
audit_rows: list[dict] = []


def rows_of(frame: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """The extract rows of one report row's group."""
    if row["dimension"] == "program":
        return frame
    return frame[frame[row["dimension"]] == row["group"]]


def rate(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else np.nan


def check(key: str, recompute, label_columns: tuple[str, ...] = ()) -> None:
    """Compare each row of report table `key` with recompute(row) = {column: (value, num, den)}."""
    sheet = sheets[key]
    for i, row in sheet.data.iterrows():
        label = " ".join(str(row[c]) for c in label_columns)
        for column, (value, numerator, denominator) in recompute(row).items():
            reported = sheet.data.at[i, column]
            audit_rows.append(
                {
                    "table": key,
                    "group": f"{row['dimension']}: {row['group']}",
                    "row": label,
                    "column": column,
                    "numerator": numerator,
                    "denominator": denominator,
                    "recomputed": np.nan if pd.isna(value) else float(value),
                    "reported": np.nan if pd.isna(reported) else float(reported),
                    "reason": sheet.reasons.at[i, column],
                }
            )


def census(row):
    n_admitted, n_discharged = len(rows_of(admitted, row)), len(rows_of(discharged, row))
    return {
        "n_admissions": (n_admitted, None, None),
        "n_discharges": (n_discharged, None, None),
    }


def by_reason(row):
    group = rows_of(discharged, row)
    part = (
        group
        if row["discharge_reason"] == "all"
        else group[group["discharge_reason"] == row["discharge_reason"]]
    )
    los = part["los_days"]
    return {
        "n_discharges": (len(part), None, None),
        "n_discharged": (len(group), None, None),
        "reason_rate": (rate(len(part), len(group)), len(part), len(group)),
        "los_median_days": (los.median() if len(los) else np.nan, None, len(los)),
    }


def completion(row):
    group = rows_of(discharged, row)
    n_completed = int((group["discharge_reason"] == "completed").sum())
    n_positive = n_completed + int((group["discharge_reason"] == "transferred").sum())
    return {
        "n_completed": (n_completed, None, None),
        "completion_rate": (rate(n_completed, len(group)), n_completed, len(group)),
        "n_completed_or_transferred": (n_positive, None, None),
        "completed_or_transferred_rate": (rate(n_positive, len(group)), n_positive, len(group)),
    }


def followup_rate(row):
    group = rows_of(counted, row)
    group = group[group["timepoint"] == row["timepoint"]]
    n_reached = int(group["is_in_window"].fillna(False).astype(bool).sum())
    return {
        "n_eligible": (len(group), None, None),
        "n_in_window": (n_reached, None, None),
        "followup_rate": (rate(n_reached, len(group)), n_reached, len(group)),
    }


OUTCOME_COLUMNS = {
    "abstinent": "is_abstinent",
    "employed_or_in_school": "is_employed_or_in_school",
    "stable_housing": "is_stably_housed",
    "arrested_30d": "was_arrested_30d",
}


def outcome(row):
    group = rows_of(reached, row)
    group = group[group["timepoint"] == row["timepoint"]]
    answers = group[OUTCOME_COLUMNS[row["outcome"]]]
    n_answered, n_yes = int(answers.notna().sum()), int(answers.fillna(False).sum())
    return {
        "n_reached": (len(group), None, None),
        "n_answered": (n_answered, None, None),
        "n_yes": (n_yes, None, None),
        "outcome_rate": (rate(n_yes, n_answered), n_yes, n_answered),
    }


def abstinence(row):
    if row["timepoint"] == "discharge":
        later = rows_of(discharged, row)
    else:
        later = rows_of(reached, row)
        later = later[later["timepoint"] == row["timepoint"]]
    later = later[later["days_abstinent"].notna()]
    pairs = later.merge(intake_points, on=episode, how="inner")
    n = len(pairs)
    n_intake = int(pairs["intake_abstinent"].fillna(False).sum())
    n_later = int(pairs["is_abstinent"].fillna(False).sum())
    later_rate = pairs["days_abstinent"] / pairs["recall_window_days"]
    return {
        "n_pairs": (n, None, None),
        "n_fully_abstinent_intake": (n_intake, None, None),
        "n_fully_abstinent": (n_later, None, None),
        "abstinent_rate": (rate(n_later, n), n_later, n),
        "intake_rate_mean": (pairs["intake_rate"].mean(), None, n),
        "rate_mean": (later_rate.astype(float).mean(), None, n),
    }


def bias(row):
    episodes = counted.assign(is_reached=counted["is_in_window"].fillna(False).astype(bool))
    followed = episodes.groupby(episode)["is_reached"].any()
    n_followed, n_lost = int(followed.sum()), int((~followed).sum())
    return {
        "n_followed_total": (n_followed, None, None),
        "n_lost_total": (n_lost, None, None),
    }


check("census", census)
check("discharges", by_reason, ("discharge_reason",))
check("completion", completion)
check("followups", followup_rate, ("timepoint",))
check("outcomes", outcome, ("timepoint", "outcome"))
check("abstinence", abstinence, ("timepoint",))
check("bias", bias, ("characteristic", "level"))

# %% [markdown]
# Retention and attendance are computed from sessions, not interviews, so the extract cannot
# hold them. For those the check calls the metric functions the report names as its source
# (`retention_at`, `attendance_rate`) for the admission cohort of the quarter, and compares.

# %%
cohort = Filters(quarters=(str(report.period.quarter),))


def from_metric(function, **kwargs):
    """Rows of a metric function for the cohort, keyed like the report's rows."""
    tables = {"program": function(con, filters=cohort, **kwargs).assign(group="All clients")}
    for dimension in ("track", "site"):
        table = function(con, filters=cohort, group_by=dimension, **kwargs)
        tables[dimension] = table.rename(columns={"group_value": "group"})
    return pd.concat(tables, names=["dimension"]).reset_index(level=0)


retention = from_metric(metrics.retention_at)
attendance = from_metric(metrics.attendance_rate)


def retention_row(row):
    r = retention[
        (retention["dimension"] == row["dimension"])
        & (retention["group"] == row["group"])
        & (retention["day"] == row["day"])
    ].iloc[0]
    return {
        "n_episodes": (r["n_episodes"], None, None),
        "n_at_risk": (r["n_at_risk"], None, None),
        "n_events_cumulative": (r["n_events_cumulative"], None, None),
        "retained_rate": (r["retained_rate"], None, r["n_episodes"]),
    }


def attendance_row(row):
    r = attendance[
        (attendance["dimension"] == row["dimension"]) & (attendance["group"] == row["group"])
    ].iloc[0]
    return {
        "n_scheduled": (r["n_scheduled"], None, None),
        "n_attended": (r["n_attended"], None, None),
        "attendance_rate": (r["attendance_rate"], r["n_attended"], r["n_scheduled"]),
    }


check("retention", retention_row, ("day",))
check("attendance", attendance_row)

# %% [markdown]
# ## The audit

# %%
audit = pd.DataFrame(audit_rows)
audit["shown"] = audit["reason"] == ""
audit["agrees"] = ~audit["shown"] | np.isclose(
    audit["recomputed"], audit["reported"], rtol=1e-9, atol=1e-12, equal_nan=True
)
with pd.option_context("display.max_rows", 300):
    display(audit[audit["group"] == "program: All clients"].drop(columns="group"))

# %% [markdown]
# Cells the report leaves blank, with its reason. A count from 1 to k − 1 must be among them;
# the others are blank so that it cannot be worked out from a total.

# %%
blank = audit[~audit["shown"]]
display(blank.groupby(["table", "reason"]).size().rename("blank cells"))
display(
    blank.loc[
        blank["group"] == "program: All clients",
        ["table", "row", "column", "recomputed"] + ["reason"],
    ]
)
small = audit["column"].str.startswith("n_") & audit["recomputed"].between(1, k - 1)
assert not (small & audit["shown"]).any(), "a count below k is shown"

# %%
summary = audit.groupby("table", sort=False).agg(
    cells=("agrees", "size"),
    shown=("shown", "sum"),
    blank=("shown", lambda s: int((~s).sum())),
    disagree=("agrees", lambda s: int((~s).sum())),
)
display(summary)
mismatches = audit[~audit["agrees"]]
display(mismatches)
assert mismatches.empty, f"{len(mismatches)} numbers of the report differ from the extract"
print(
    f"{int(audit['shown'].sum())} numbers of the {report.period.quarter} report recomputed and "
    f"equal; {len(blank)} blank cells, each with its reason."
)

# %% [markdown]
# ## What the extract cannot check
#
# Clients served and episodes active at the start and end of the quarter need every episode
# active in the quarter, not only those with an interview point in it; the dose, drug-screen
# and trend tables come from sessions and screens (the trends repeat the tables above for the
# three quarters before). These are computed by the report's own queries
# (`pipelines/report/sql/`), whose definitions are in [docs/report.md](../docs/report.md).
