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
# # Replicating CTN-0094: relapse, dropout and abstinence by arm and trial
#
# The NIDA Clinical Trials Network's CTN-0094 project harmonized three randomized trials of
# medication for opioid use disorder (Balise RR, Hu MC, Odom GJ, et al., "The Harmonization of
# 'High Stakes' Clinical Trial Data"; R package `public.ctn0094data` 1.0.6, MIT licence):
# CTN-0027 (methadone vs buprenorphine), CTN-0030 (buprenorphine with enhanced or standard
# medical management) and CTN-0051 (buprenorphine vs extended-release naltrexone, both
# started in inpatient detoxification). This notebook loads the public data through the
# product's adapter, builds the product's database from it, and computes the three CTN-0094
# outcome definitions by arm and by trial, with Kaplan–Meier curves of time to relapse.
#
# **Data.** The project does not ship the trial data. Point the environment variable
# `CTN0094_DIR` at a folder holding the package's tables as Parquet files (one per table,
# written with `arrow::write_parquet()`); without it the notebook reads `../shared/data/ctn0094`
# next to the repository. The adapter and its conventions are described in
# [docs/ctn0094.md](../docs/ctn0094.md); the definitions in
# [docs/patterns.md](../docs/patterns.md).
#
# Open it in Jupyter with `uv run jupytext --to ipynb notebooks/ctn0094_replication.py`, or run
# it as a script with `uv run python notebooks/ctn0094_replication.py`.

# %%
import os
import tempfile
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
from IPython.display import display

import pipelines
from pipelines.adapters import convert_ctn0094
from pipelines.build import build
from pipelines.metrics import Filters
from pipelines.patterns import (
    DEFINITIONS,
    episode_words,
    evaluate,
    relapse_curve,
    relapse_logrank,
    relapse_rate,
)
from pipelines.settings import Settings

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)
pd.set_option("display.max_colwidth", 60)

# %% tags=["parameters"]
REPO = Path(pipelines.__file__).resolve().parents[1]
CTN0094_DIR = Path(os.environ.get("CTN0094_DIR") or REPO.parent / "shared" / "data" / "ctn0094")
AS_OF = "2021-12-31"  # every episode has ended by then (study day 0 is written as 2020-01-01)
OUTCOMES = ("ctn0094_relapse", "ctn0094_dropout", "ctn0094_abstinence")

# %% [markdown]
# ## From the trial tables to the product's database
#
# `convert_ctn0094` (also `outcomes import ctn0094 --from DIR --out DIR`) writes the five
# contract files: one episode per randomized person, admitted the day after randomization, so
# that the product's week 1 is the published weekly pattern's week 1. `pipelines.build.build()`
# (the `outcomes build` command) then loads them.

# %%
if not CTN0094_DIR.is_dir():
    raise FileNotFoundError(f"CTN-0094 data not found at {CTN0094_DIR}: set CTN0094_DIR")
workdir = tempfile.TemporaryDirectory(prefix="iop-ctn0094-")
contract_dir = Path(workdir.name) / "contract"
db_path = Path(workdir.name) / "outcomes.duckdb"
rows = convert_ctn0094(CTN0094_DIR, contract_dir)
display(pd.Series(rows, name="rows written"))

built = build(contract_dir, Settings(db_path=db_path, as_of=date.fromisoformat(AS_OF)))
print(f"built {built.db_path} (data cut-off {built.as_of})")
con = duckdb.connect(str(db_path), read_only=True)

# %% [markdown]
# ## The definitions
#
# All three read each person's weekly opioid word (`+` positive, `-` negative, `*` mixed, `o` no
# test), under the published missing-data rule (missing = positive for relapse).

# %%
for definition in OUTCOMES:
    d = DEFINITIONS[definition]
    print(f"{d.id}: {d.title}\n  {d.rule}\n")
print("Source:", DEFINITIONS[OUTCOMES[0]].citation)

# %% [markdown]
# ## By arm
#
# One row per arm and outcome: the people whose outcome is defined (`n_evaluable`), how many
# had the event (for abstinence: treatment success), the rate and its Wilson 95% interval
# (catalogue: `relapse_rate`).

# %%
by_arm = relapse_rate(con, group_by="track", definition=OUTCOMES, substance="opioids")
by_arm = by_arm.rename(columns={"group_value": "arm"})
by_arm.insert(0, "trial", by_arm["arm"].str.split().str[0])
display(
    by_arm[
        ["trial", "arm", "definition", "n_evaluable", "n_events", "event_rate"]
        + ["event_rate_lower", "event_rate_upper"]
    ]
)

# %% [markdown]
# ## By trial
#
# The same functions with a filter on the trial's arms (the shared filter bar of the
# dashboard), not grouped.

# %%
arms = by_arm.drop_duplicates("arm").groupby("trial")["arm"].apply(tuple)
trial_rows = [
    relapse_rate(con, filters=Filters(tracks=trial_arms), definition=OUTCOMES).assign(trial=trial)
    for trial, trial_arms in arms.items()
]
trial_rows.append(relapse_rate(con, definition=OUTCOMES).assign(trial="all three trials"))
by_trial = pd.concat(trial_rows, ignore_index=True)
by_trial["events / evaluable"] = (
    by_trial["n_events"].astype(str) + " / " + by_trial["n_evaluable"].astype(str)
)
display(
    by_trial.pivot(index="trial", columns="definition", values=["events / evaluable", "event_rate"])
)

# %% [markdown]
# ## Time to relapse
#
# Kaplan–Meier curves of weeks to CTN-0094 relapse per arm (log-log 95% bands; a person without
# relapse is censored at the end of their word, as the definition specifies), and the log-rank
# test between the arms of each trial: the comparison each trial randomized.

# %%
curves = relapse_curve(con, group_by="track", definition="ctn0094_relapse")
figure = go.Figure()
for arm, part in curves.groupby("group_value"):
    figure.add_scatter(
        x=part["week"], y=part["event_free_rate"], mode="lines", line_shape="hv", name=arm
    )
figure.update_layout(
    title="Time to relapse (CTN-0094 definition, missing = positive)",
    xaxis_title="week after randomization",
    yaxis_title="relapse-free (Kaplan–Meier)",
    yaxis_tickformat=".0%",
)
figure.show()

# %%
tests = pd.concat(
    [
        relapse_logrank(con, filters=Filters(tracks=trial_arms), group_by="track").assign(
            trial=trial
        )
        for trial, trial_arms in arms.items()
    ],
    ignore_index=True,
)
display(tests[["trial", "group_value", "n_evaluable", "n_events", "n_expected", "p_value"]])

# %% [markdown]
# ## The same numbers from the published words
#
# CTN-0094 publishes each randomized person's weekly opioid word
# (`derived_weeklyOpioidPattern`, `Phase_1` + `Phase_2`). The words the product built from the
# raw tests should be exactly those words, and the definitions evaluated on the published
# words should give the table above.

# %%
randomized = pd.read_parquet(CTN0094_DIR / "randomization.parquet")
randomized = randomized.loc[randomized["which"].astype(str) == "1", "who"]
published = pd.read_parquet(CTN0094_DIR / "derived_weeklyOpioidPattern.parquet")
published = published[published["who"].isin(randomized)]
published = pd.DataFrame(
    {
        "client_id": "ctn" + published["who"].astype(str).str.zfill(4),
        "published_word": published["Phase_1"].fillna("") + published["Phase_2"].fillna(""),
    }
)
built = episode_words(con, group_by="track", substance="opioids")
both = built.merge(published, on="client_id", how="outer", validate="one_to_one")
n_same = int((both["word"] == both["published_word"]).sum())
print(f"{n_same} of {len(both)} randomized people have exactly the published word")

values = evaluate(both["published_word"], list(OUTCOMES), "positive")
from_published = (
    pd.DataFrame(
        {
            "arm": both["group_value"],
            "ctn0094_relapse": values["ctn0094_relapse_event"],
            "ctn0094_dropout": values["ctn0094_dropout_event"],
            "ctn0094_abstinence": values["ctn0094_abstinence"],
        }
    )
    .groupby("arm")[list(OUTCOMES)]
    .sum()
    .astype(int)
)
from_product = by_arm.pivot(index="arm", columns="definition", values="n_events")[list(OUTCOMES)]
display(pd.concat({"published words": from_published, "product": from_product}, axis=1))
assert from_published.equals(from_product.astype(int))

# %% [markdown]
# ## Reading the results
#
# The rates are those of the trials' randomized people under the CTN-0094 definitions, which
# count a missed urine screen as positive; dropout and relapse therefore overlap. Arms are
# comparable only within a trial (each trial randomized its own arms, with its own protocol
# length, visit schedule and screening panel), so the log-rank tests compare arms within
# trials and never across them. CTN-0030's phase 2 re-randomized people who did not do well in
# phase 1, and their episode continues into phase 2 with the phase 1 arm as its track (see
# [docs/ctn0094.md](../docs/ctn0094.md)).
