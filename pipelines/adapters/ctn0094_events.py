"""CTN-0094 attendance (expected weekly visits) and urine drug screens, as contract frames.

`notes` collects counts of source rows dropped or repaired; convert_ctn0094 logs them and
docs/ctn0094.md reports them.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from pipelines.adapters.contract_csv import study_dates

# uds `what` -> the substance name written (lower case, names the product's seed maps to a
# class). Opioid is the generic opiate screen (opiates 300/2000 plus oxycodone and propoxyphene,
# grouped by the harmonization); Amphetamine includes methamphetamine; Sedatives is the
# barbiturate screen (CTN-0051).
UDS_SUBSTANCES = {
    "Opioid": "opioid",
    "Methadone": "methadone",
    "Buprenorphine": "buprenorphine",
    "Cocaine": "cocaine",
    "Thc": "thc",
    "Benzodiazepine": "benzodiazepine",
    "Amphetamine": "amphetamine",
    "Sedatives": "barbiturates",
    "Alcohol": "alcohol",
    "Mdma/Hallucinogen": "mdma",
}

# meta_substance_groups_uds names its groups slightly differently from the uds table.
PANEL_GROUP_TO_UDS = {"THC": "Thc", "Barbiturate": "Sedatives"}
PANEL_COLUMNS = {27: "CTN-0027", 30: "CTN-0030", 51: "CTN-0051"}

# CTN-0030 screened buprenorphine only at the phase 1 week 10 and 12/final and phase 2 week 22
# and 24/final visits (harmonization vignette), so only specimens from those visit days carry a
# buprenorphine result; elsewhere a buprenorphine positive is written, a negative is not.
CTN30_BUP_VISITS = ("P1Wk10", "P1Wk12", "P1Finl", "P2Wk22", "P2Wk24", "P2Finl")

ATTENDANCE_STATUS = {"Present": "attended", "Missing": "no_show"}
SESSION_MINUTES = 30


def _inside_episode(
    frame: pd.DataFrame, episodes: pd.DataFrame, notes: dict[str, int], what: str
) -> pd.DataFrame:
    """Keep rows dated within the person's episode; count those before and after it.

    The product places a row in the latest episode admitted on or before its date and reports
    rows outside every episode as orphans, so the adapter drops them and says how many.
    """
    span = episodes.set_index("who")
    admission = frame["who"].map(span["admission_day"])
    discharge = frame["who"].map(span["discharge_day"])
    notes[f"{what}_dropped_before_admission"] = int((frame["day"] < admission).sum())
    notes[f"{what}_dropped_after_discharge"] = int((frame["day"] > discharge).sum())
    return frame[frame["day"].between(admission, discharge)]


def contact_days(src: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Days each person was seen: an attended visit or a collected urine specimen."""
    imputed = src["derived_visitImputed"]
    visit = src["visit"]
    parts = [
        imputed.loc[imputed["visitImputed"] == "Present", ["who", "when"]],
        visit.loc[visit["what"].isin(["visit", "final"]), ["who", "when"]],
        src["uds_temp"][["who", "when"]],
        src["uds"][["who", "when"]],
    ]
    days = pd.concat(parts).dropna().rename(columns={"when": "day"})
    return days.astype({"day": int}).drop_duplicates().reset_index(drop=True)


def attendance_frame(
    episodes: pd.DataFrame, src: dict[str, pd.DataFrame], anchor: date, notes: dict[str, int]
) -> pd.DataFrame:
    """One row per expected weekly visit from derived_visitImputed: attended or no-show."""
    visits = src["derived_visitImputed"].rename(columns={"when": "day"})
    visits = visits[visits["who"].isin(episodes["who"])].astype({"day": int})
    unknown = set(visits["visitImputed"]) - set(ATTENDANCE_STATUS)
    if unknown:
        raise ValueError(f"derived_visitImputed: unknown values {sorted(unknown)}")
    # Baseline and randomization-day visits precede the episode (week 0 of the trial).
    visits = _inside_episode(visits, episodes, notes, "attendance")
    return pd.DataFrame(
        {
            "client_id": episodes.set_index("who").loc[visits["who"], "client_id"].to_numpy(),
            "session_date": study_dates(visits["day"], anchor).to_numpy(),
            "status": visits["visitImputed"].map(ATTENDANCE_STATUS).to_numpy(),
            "session_type": "medication",
            "duration_minutes": SESSION_MINUTES,
        }
    )


def screening_panels(meta: pd.DataFrame) -> dict[int, list[str]]:
    """The uds substances each trial screened every specimen for (meta_substance_groups_uds)."""
    panels = {}
    for project, column in PANEL_COLUMNS.items():
        groups = meta[column][meta[column] != "NO"].replace(PANEL_GROUP_TO_UDS)
        panel = sorted(set(groups))
        unknown = set(panel) - set(UDS_SUBSTANCES)
        if unknown:
            raise ValueError(f"meta_substance_groups_uds: unknown groups {sorted(unknown)}")
        if project == 30:
            panel.remove("Buprenorphine")
        panels[project] = panel
    return panels


def _test_days(src: dict[str, pd.DataFrame], notes: dict[str, int]) -> pd.DataFrame:
    """Days with a full panel result: the attended visits (derived_visitImputed `Present`).

    The harmonized data records positives only and documents that "a negative test is an
    attended visit with no positive row" (shared/data/README.md, `uds`); the published weekly
    patterns follow that rule exactly, so panel negatives are written for attended visits only.
    Positives are written as recorded on whatever day they fall (substance_use_frame).
    """
    temp = src["uds_temp"]
    notes["uds_temp_rows_without_day"] = int(temp["when"].isna().sum())
    specimens = temp.dropna(subset=["when"])[["who", "when"]].drop_duplicates()
    imputed = src["derived_visitImputed"]
    attended = imputed.loc[imputed["visitImputed"] == "Present", ["who", "when"]].dropna()
    attended = attended.drop_duplicates()
    specimen_only = specimens.merge(attended, how="left", indicator=True)
    notes["specimen_days_without_attended_visit"] = int(
        (specimen_only["_merge"] == "left_only").sum()
    )
    return attended.rename(columns={"when": "day"}).astype({"day": int})


def substance_use_frame(
    episodes: pd.DataFrame, src: dict[str, pd.DataFrame], anchor: date, notes: dict[str, int]
) -> pd.DataFrame:
    """One row per test day and screened substance: positive where `uds` has a row, else
    negative; positives for substances outside the trial's panel are written as well."""
    uds = src["uds"].rename(columns={"when": "day"})
    unknown = set(uds["what"]) - set(UDS_SUBSTANCES)
    if unknown:
        raise ValueError(f"uds: unknown substances {sorted(unknown)}")
    uds = uds.astype({"day": int})

    days = _test_days(src, notes)
    notes["uds_test_days_not_randomized"] = int((~days["who"].isin(episodes["who"])).sum())
    # Screening-period tests precede the episode; post-treatment ones (CTN-0027 weeks 28 and 32,
    # later visits) follow it.
    days = _inside_episode(days, episodes, notes, "uds_test_days")
    days = days.merge(episodes[["who", "project"]], on="who")[["who", "project", "day"]]

    panels = screening_panels(src["meta_substance_groups_uds"])
    panel = pd.DataFrame(
        [(p, s) for p, names in panels.items() for s in names], columns=["project", "what"]
    )
    screened = days.merge(panel, on="project")
    visit = src["visit"]
    bup_days = visit.loc[visit["visit"].isin(CTN30_BUP_VISITS), ["who", "when"]].dropna()
    bup_days = bup_days.rename(columns={"when": "day"}).astype({"day": int}).drop_duplicates()
    ctn30_bup = days[days["project"] == 30].merge(bup_days, on=["who", "day"])
    screened = pd.concat([screened, ctn30_bup.assign(what="Buprenorphine")])

    keys = ["who", "day", "what"]
    # Positives count on any day inside the episode, with or without an attended visit.
    positives = _inside_episode(
        uds[uds["who"].isin(episodes["who"])], episodes, notes, "uds_positive_rows"
    )[keys].drop_duplicates()
    # Outer join: positives outside the panel (or off the CTN-0030 buprenorphine schedule) stay.
    rows = (
        screened[keys]
        .assign(in_panel=True)
        .merge(positives.assign(positive=True), on=keys, how="outer")
    )
    notes["uds_positive_rows_outside_panel"] = int(rows["in_panel"].isna().sum())
    is_positive = rows["positive"].fillna(False).astype(bool)
    by_who = episodes.set_index("who")["client_id"]
    return pd.DataFrame(
        {
            "client_id": by_who.loc[rows["who"]].to_numpy(),
            "test_date": study_dates(rows["day"], anchor).to_numpy(),
            "method": "uds",
            "substance": rows["what"].map(UDS_SUBSTANCES).to_numpy(),
            "result": is_positive.map({True: "positive", False: "negative"}).to_numpy(),
        }
    )
