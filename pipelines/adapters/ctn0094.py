"""Convert the public NIDA CTN-0094 harmonized trial data into the five contract tables.

Source: the R data packages public.ctn0094data / public.ctn0094extra (Balise RR, Hu MC, Odom GJ,
et al., "The Harmonization of 'High Stakes' Clinical Trial Data", CTN-0094), as one Parquet file
per table. Every mapping choice is documented in docs/ctn0094.md; the comments here say why.

The data has no calendar dates, only study days counted from consent (day 0). Day 0 is anchored to
a fixed `anchor` date, so a study day d is written as `anchor + d`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.adapters.contract_csv import study_dates, write_contract_csv
from pipelines.adapters.ctn0094_events import attendance_frame, contact_days, substance_use_frame
from pipelines.adapters.ctn0094_selfreport import abstinence_frame, followups_frame

log = logging.getLogger(__name__)

DEFAULT_ANCHOR = date(2020, 1, 1)


@dataclass(frozen=True)
class Arm:
    project: int
    medication: str
    track: str


# The six arms of the three trials, by the source's `randomization.treatment` label. An unknown
# label stops the conversion rather than guessing a medication.
ARMS: dict[str, Arm] = {
    "Methadone": Arm(27, "methadone", "CTN-0027 methadone"),
    "Outpatient BUP": Arm(27, "buprenorphine", "CTN-0027 buprenorphine"),
    "Outpatient BUP + EMM": Arm(
        30, "buprenorphine", "CTN-0030 buprenorphine + enhanced medical management"
    ),
    "Outpatient BUP + SMM": Arm(
        30, "buprenorphine", "CTN-0030 buprenorphine + standard medical management"
    ),
    "Inpatient BUP": Arm(51, "buprenorphine", "CTN-0051 buprenorphine (inpatient start)"),
    "Inpatient NR-NTX": Arm(
        51, "naltrexone", "CTN-0051 extended-release naltrexone (inpatient start)"
    ),
}

# Protocol periods exactly as the published weekly patterns (public.ctn0094extra,
# derived_weeklyOpioidPattern) use them, so each episode spans the published word:
# CTN-0027 and CTN-0051 end on study day 168 counted from consent; CTN-0030 phase 1 ends
# 98 days after randomization, or the day before the phase 2 randomization, which then runs
# 168 days.
FIXED_END_DAY = {27: 168, 51: 168}
CTN30_PHASE1_DAYS = 98
CTN30_PHASE2_DAYS = 168

# A person "completed" when seen (attended visit or urine specimen) in the last 4 weeks.
COMPLETION_WINDOW_DAYS = 28

SOURCE_TABLES = (
    "everybody",
    "randomization",
    "demographics",
    "derived_raceEthnicity",
    "site_masked",
    "derived_visitImputed",
    "uds",
    "uds_temp",
    "tlfb",
    "visit",
    "meta_substance_groups_uds",
)

SEX = {"Yes": "male", "No": "female"}


def client_id(who: pd.Series) -> pd.Series:
    """The product's client id for a CTN-0094 `who` (1..3560): ctn0001..ctn3560."""
    return "ctn" + who.astype(int).astype(str).str.zfill(4)


def load_sources(source_dir: Path) -> dict[str, pd.DataFrame]:
    """Read the source tables, turning categorical columns into plain strings."""
    missing = [t for t in SOURCE_TABLES if not (source_dir / f"{t}.parquet").exists()]
    if missing:
        raise FileNotFoundError(f"CTN-0094 tables missing in {source_dir}: {missing}")
    sources = {}
    for name in SOURCE_TABLES:
        frame = pd.read_parquet(source_dir / f"{name}.parquet")
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.CategoricalDtype):
                frame[column] = frame[column].astype("str")
        sources[name] = frame
    return sources


def episodes_frame(src: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per randomized person: arm, trial and the episode's first and last study day."""
    rand = src["randomization"]
    first = rand.loc[rand["which"] == "1", ["who", "treatment", "when"]]
    if first["who"].duplicated().any():
        raise ValueError("randomization: more than one first randomization for a person")
    first = first.rename(columns={"treatment": "arm", "when": "rand_day"})
    project = src["everybody"][["who", "project"]].astype({"project": int})
    episodes = first.merge(project, on="who", how="left", validate="one_to_one")

    unknown = sorted(set(episodes["arm"]) - set(ARMS))
    if unknown:
        raise ValueError(f"randomization: unknown arms {unknown}")
    expected_project = episodes["arm"].map({k: a.project for k, a in ARMS.items()})
    if (expected_project != episodes["project"]).any():
        raise ValueError("randomization: an arm appears in the wrong trial")

    # `which == 2` is the CTN-0030 phase 2 randomization; in CTN-0027/0051 it repeats the first.
    second = rand.loc[rand["which"] == "2", ["who", "when"]].rename(columns={"when": "rand2_day"})
    second = second[second["who"].isin(episodes.loc[episodes["project"] == 30, "who"])]
    episodes = episodes.merge(second, on="who", how="left", validate="one_to_one")

    rand_day = episodes["rand_day"].astype(int)
    phase1_end = rand_day + CTN30_PHASE1_DAYS
    phase2_end = episodes["rand2_day"] + CTN30_PHASE2_DAYS
    ctn30_end = phase2_end.where(episodes["rand2_day"].notna(), phase1_end)
    end_day = episodes["project"].map(FIXED_END_DAY).fillna(ctn30_end).astype(int)

    # Week k of the published word covers days rand+7(k-1)+1 .. rand+7k and runs to the week
    # holding the protocol's last day; the episode starts the day after randomization, so the
    # product's weeks line up with the published ones, and ends on the protocol's last day,
    # since the published patterns read no test after it.
    episodes["rand_day"] = rand_day
    episodes["n_weeks"] = (end_day - rand_day - 1) // 7 + 1
    episodes["admission_day"] = rand_day + 1
    episodes["discharge_day"] = end_day
    episodes["client_id"] = client_id(episodes["who"])
    episodes["medication"] = episodes["arm"].map({k: a.medication for k, a in ARMS.items()})
    return episodes.sort_values("who").reset_index(drop=True)


def discharge_reasons(
    episodes: pd.DataFrame, src: dict[str, pd.DataFrame], contacts: pd.DataFrame
) -> pd.Series:
    """'completed' if seen in the last 4 weeks of the protocol, 'deceased' if the visit log
    says so, otherwise 'dropped_out'."""
    window = contacts.merge(episodes[["who", "discharge_day"]], on="who")
    in_window = window["day"].between(
        window["discharge_day"] - (COMPLETION_WINDOW_DAYS - 1), window["discharge_day"]
    )
    completers = set(window.loc[in_window, "who"])
    visit = src["visit"]
    deceased = set(visit.loc[visit["is_dead"] == "1", "who"])
    reason = np.where(episodes["who"].isin(completers), "completed", "dropped_out")
    reason = np.where(episodes["who"].isin(deceased), "deceased", reason)
    return pd.Series(reason, index=episodes.index)


def admissions_frame(
    episodes: pd.DataFrame, src: dict[str, pd.DataFrame], contacts: pd.DataFrame, anchor: date
) -> pd.DataFrame:
    """The admissions table: one episode per randomized person."""
    people = (
        episodes.merge(src["demographics"][["who", "age", "is_male"]], on="who", how="left")
        .merge(src["derived_raceEthnicity"][["who", "race_ethnicity"]], on="who", how="left")
        .merge(src["site_masked"][["who", "site_masked"]], on="who", how="left")
    )
    arms = people["arm"].map(ARMS)
    return pd.DataFrame(
        {
            "client_id": people["client_id"],
            "admission_date": study_dates(people["admission_day"], anchor),
            "track": arms.map(lambda a: a.track),
            "site": "site " + people["site_masked"].astype("str"),
            # Weekly medication visits, not the 9+ hours a week of IOP: standard outpatient.
            "level_of_care": "op",
            "discharge_date": study_dates(people["discharge_day"], anchor),
            "discharge_reason": discharge_reasons(people, src, contacts),
            "medication": people["medication"],
            "primary_substance": "opioids",
            "sex": people["is_male"].map(SEX).fillna("unknown"),
            "age_at_admission": people["age"].round().astype("Int64"),
            "race_ethnicity": people["race_ethnicity"],
            "referral_source": "research",
            "counselor": None,
        }
    )


def convert_ctn0094(
    source_dir: Path, out_dir: Path, *, anchor: date = DEFAULT_ANCHOR
) -> dict[str, int]:
    """Write the CTN-0094 trials as the five contract CSV files; return row counts per table."""
    src = load_sources(Path(source_dir))
    out_dir = Path(out_dir)
    notes: dict[str, int] = {}
    episodes = episodes_frame(src)
    notes["people_not_randomized"] = int(src["everybody"]["who"].nunique() - len(episodes))

    frames = {
        "attendance": attendance_frame(episodes, src, anchor, notes),
        "substance_use": substance_use_frame(episodes, src, anchor, notes),
        "abstinence": abstinence_frame(episodes, src, anchor, notes),
        "followups": followups_frame(episodes, src, anchor, notes),
    }
    frames["admissions"] = admissions_frame(episodes, src, contact_days(src), anchor)

    counts = {
        name: write_contract_csv(frames[name], name, out_dir / f"{name}.csv")
        for name in ("admissions", "attendance", "substance_use", "abstinence", "followups")
    }
    for key in sorted(notes):
        log.info("ctn0094: %s = %d", key, notes[key])
    return counts
