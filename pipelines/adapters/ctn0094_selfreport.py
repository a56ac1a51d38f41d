"""CTN-0094 self-reported abstinent days (Timeline Followback) and post-treatment follow-ups.

`tlfb` has one row per substance per day of use and no rows on abstinent days, so a day without
a row is either abstinent or was never asked about. Windows are therefore written only where an
interview evidently covered them (see abstinence_frame).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from pipelines.adapters.contract_csv import study_dates
from pipelines.adapters.ctn0094_events import contact_days

# TLFB entries that are not alcohol or illicit-drug use (the GPRA "any" measure): ordinary
# medications and caffeine. Everything else, including "Unknown", counts as a use day.
NOT_SUBSTANCE_USE = frozenset(
    {
        "Analgesic",
        "Antibiotic",
        "Antidepressant",
        "Antiemetic",
        "Antihistamine",
        "Antipsychotic",
        "Benadryl",
        "Caffeine",
        "Clonidine",
        "Pseudoephedrine",
    }
)
# The person's own study medication, self-reported during treatment, is adherence, not use.
OWN_MEDICATION_TLFB = {"methadone": "Methadone", "buprenorphine": "Buprenorphine"}

INTAKE_WINDOW_DAYS = 30
BLOCK_DAYS = 28

# CTN-0027 post-treatment visits: label and trial week (due = randomization day + 7 * week).
FOLLOWUP_VISITS = {"WK28": ("week 28", 28), "WK32": ("week 32", 32)}
FOLLOWUP_WINDOW_DAYS = 30


def use_days(episodes: pd.DataFrame, src: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Distinct (who, day) with self-reported alcohol or illicit-drug use."""
    tlfb = src["tlfb"].dropna(subset=["when"]).rename(columns={"when": "day"})
    tlfb = tlfb[~tlfb["what"].isin(NOT_SUBSTANCE_USE)].astype({"day": int})
    own = tlfb["who"].map(episodes.set_index("who")["medication"].map(OWN_MEDICATION_TLFB))
    admission = tlfb["who"].map(episodes.set_index("who")["admission_day"])
    in_treatment_own = (tlfb["what"] == own) & (tlfb["day"] >= admission)
    return tlfb.loc[~in_treatment_own, ["who", "day"]].drop_duplicates()


def _count_use(windows: pd.DataFrame, uses: pd.DataFrame) -> pd.Series:
    """Use days of the window's person inside each window [start, end], indexed like `windows`."""
    numbered = windows[["who", "start", "end"]].reset_index(drop=True)
    pairs = numbered.rename_axis("row").reset_index().merge(uses, on="who")
    inside = pairs["day"].between(pairs["start"], pairs["end"])
    counts = pairs.loc[inside].groupby("row").size().reindex(range(len(windows)), fill_value=0)
    return pd.Series(counts.to_numpy(), index=windows.index)


def abstinence_frame(
    episodes: pd.DataFrame, src: dict[str, pd.DataFrame], anchor: date, notes: dict[str, int]
) -> pd.DataFrame:
    """An intake assessment (the 30 days before admission) and one per complete 4-week block of
    the episode, counting days abstinent from any alcohol or illicit drug (TLFB)."""
    uses = use_days(episodes, src)
    reported = set(src["tlfb"]["who"])

    intake = episodes.loc[episodes["who"].isin(reported), ["who", "admission_day"]].copy()
    notes["abstinence_intake_skipped_no_tlfb"] = int(len(episodes) - len(intake))
    intake["start"] = intake["admission_day"] - INTAKE_WINDOW_DAYS
    intake["end"] = intake["admission_day"] - 1
    intake["assessment_day"] = intake["admission_day"]
    intake["window_days"] = INTAKE_WINDOW_DAYS
    intake["timepoint"] = "intake"

    n_blocks = (episodes["n_weeks"] // 4).to_numpy()
    blocks = episodes.loc[episodes.index.repeat(n_blocks), ["who", "admission_day"]]
    blocks["block"] = np.concatenate([np.arange(1, n + 1) for n in n_blocks])
    blocks["start"] = blocks["admission_day"] + BLOCK_DAYS * (blocks["block"] - 1)
    blocks["end"] = blocks["start"] + BLOCK_DAYS - 1
    blocks["assessment_day"] = blocks["end"]
    blocks["window_days"] = BLOCK_DAYS
    blocks["timepoint"] = "in_treatment"
    # TLFB is collected at visits and recalls back to the previous one, so a block is known
    # only if the person was seen (or reported use) on or after its last day.
    reports = src["tlfb"][["who", "when"]].dropna().rename(columns={"when": "day"})
    last_seen = pd.concat([contact_days(src), reports]).groupby("who")["day"].max()
    covered = blocks["end"] <= blocks["who"].map(last_seen).fillna(-np.inf)
    notes["abstinence_blocks_skipped_after_last_contact"] = int((~covered).sum())
    blocks = blocks[covered]

    windows = pd.concat([intake, blocks.drop(columns="block")], ignore_index=True)
    windows["days_abstinent"] = windows["window_days"] - _count_use(windows, uses)
    by_who = episodes.set_index("who")["client_id"]
    return pd.DataFrame(
        {
            "client_id": by_who.loc[windows["who"]].to_numpy(),
            "assessment_date": study_dates(windows["assessment_day"], anchor).to_numpy(),
            "window_days": windows["window_days"].to_numpy(),
            "days_abstinent": windows["days_abstinent"].to_numpy(),
            "timepoint": windows["timepoint"].to_numpy(),
            "substance": "any",
        }
    )


def followups_frame(
    episodes: pd.DataFrame, src: dict[str, pd.DataFrame], anchor: date, notes: dict[str, int]
) -> pd.DataFrame:
    """CTN-0027 week 28 and week 32 post-treatment visits. CTN-0051's month 1 and month 3
    follow-ups are all recorded MISSING without a date and CTN-0030 has none, so neither is
    written."""
    visit = src["visit"]
    rows = visit[visit["visit"].isin(FOLLOWUP_VISITS) & visit["who"].isin(episodes["who"])]
    notes["followup_rows_duplicate"] = int(rows.duplicated(["who", "visit"]).sum())
    rows = rows.drop_duplicates(["who", "visit"]).merge(
        episodes[["who", "rand_day", "client_id"]], on="who"
    )
    label = rows["visit"].map({k: v[0] for k, v in FOLLOWUP_VISITS.items()})
    week = rows["visit"].map({k: v[1] for k, v in FOLLOWUP_VISITS.items()})
    completed = rows["what"].isin(["visit", "final"]) & rows["when"].notna()
    status = np.select(
        [
            completed,
            rows["is_dead"] == "1",
            rows["is_in_jail"] == "1",
            rows["is_left_study"] == "1",
        ],
        ["completed", "deceased", "incarcerated", "refused"],
        default="unreachable",
    )
    contact_day = rows["when"].where(completed)

    # Days abstinent in the 30 days before a completed visit, from the TLFB taken there.
    reached = rows.loc[completed, ["who"]].assign(
        start=contact_day[completed] - FOLLOWUP_WINDOW_DAYS, end=contact_day[completed] - 1
    )
    abstinent = FOLLOWUP_WINDOW_DAYS - _count_use(reached, use_days(episodes, src))
    return pd.DataFrame(
        {
            "client_id": rows["client_id"],
            "timepoint": label,
            "due_date": study_dates(rows["rand_day"] + 7 * week, anchor),
            "status": status,
            "contact_date": study_dates(contact_day, anchor),
            "days_abstinent_30": abstinent.reindex(rows.index).astype("Int64"),
            "employed_or_in_school": None,
            "stable_housing": None,
            "arrested_30d": None,
        }
    )
