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
# # Comparing two tracks
#
# Retention, relapse and abstinence of two program tracks side by side, with the statistics a
# researcher needs to judge them and the retention-bias table that says who the follow-up
# numbers describe. Every number comes from the product's own functions (`pipelines.metrics`,
# `pipelines.patterns`, `pipelines.stats`): the definitions are the dashboard's, documented in
# [the metric catalogue](../docs/metrics.md) and [docs/patterns.md](../docs/patterns.md).
#
# **Data.** By default the bundled synthetic sample (`sample_data/sample/`, 5,000 episodes,
# data cut-off 2026-09-30) is built into a temporary database, so the notebook runs anywhere.
# To analyse a program's own published database instead, set `DATABASE` below (for example
# `"data/outcomes.duckdb"`; it is opened read-only) and choose its tracks.
#
# Open it in Jupyter with `uv run jupytext --to ipynb notebooks/compare_tracks.py`, or run it
# as a script with `uv run python notebooks/compare_tracks.py`.

# %%
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from IPython.display import display

import pipelines
from pipelines import metrics
from pipelines.build import build
from pipelines.metrics import Filters
from pipelines.patterns import (
    DEFINITIONS,
    MISSING_RULE_HELP,
    MISSING_RULES,
    relapse_curve,
    relapse_logrank,
    relapse_rate,
)
from pipelines.settings import Settings
from pipelines.stats import benjamini_hochberg

pd.set_option("display.width", 160)
pd.set_option("display.max_columns", 30)

# %% tags=["parameters"]
TRACK_A = "Morning"  # the reference track (hazard ratios are against it)
TRACK_B = "Evening"
SUBSTANCE = "any"  # the screens read: any (alcohol or any drug), opioids, alcohol, stimulants
RELAPSE_DEFINITIONS = ("ctn0094_relapse", "lee2016_relapse", "krupitsky2004_relapse")
DATABASE = None  # a published database to read instead of building the bundled sample

# %% [markdown]
# ## The data
#
# `pipelines.build.build()` (the `outcomes build` command) loads the five contract files,
# builds the staging views and mart tables and publishes the database file.

# %%
REPO = Path(pipelines.__file__).resolve().parents[1]

if DATABASE is None:
    workdir = tempfile.TemporaryDirectory(prefix="iop-compare-tracks-")
    db_path = Path(workdir.name) / "outcomes.duckdb"
    built = build(REPO / "sample_data" / "sample", Settings(db_path=db_path))
    print(f"built {built.db_path} (data cut-off {built.as_of})")
else:
    db_path = REPO / DATABASE  # a relative path is taken from the repository folder
con = duckdb.connect(str(db_path), read_only=True)
as_of = con.execute("select as_of from meta.parameters").fetchone()[0]
cohort = Filters(tracks=(TRACK_A, TRACK_B))
print(f"data cut-off {as_of}; compared: {cohort.describe()}")

# %% [markdown]
# ## Retention
#
# Retention is the time from admission to a premature exit (dropped out, terminated by the
# facility, or administrative discharge after 30 days without an attended session); completers,
# transfers and episodes still active at the cut-off are censored. Kaplan–Meier with log-log
# 95% bands, the log-rank test (as R's `survival::survdiff`) and the Peto hazard ratio against
# `TRACK_A` (catalogue: `retention_curve`, `retention_at`, `retention_median`,
# `retention_logrank`).

# %%
curve = metrics.retention_curve(con, filters=cohort, group_by="track")
figure = go.Figure()
for track, part in curve.groupby("group_value"):
    figure.add_scatter(
        x=part["day"], y=part["retained_rate"], mode="lines", name=track, line_shape="hv"
    )
    figure.add_scatter(
        x=np.concatenate([part["day"], part["day"][::-1]]),
        y=np.concatenate([part["retained_rate_upper"], part["retained_rate_lower"][::-1]]),
        fill="toself",
        opacity=0.2,
        line_width=0,
        showlegend=False,
        name=f"{track} 95% band",
    )
figure.update_layout(
    title="Retention",
    xaxis_title="days since admission",
    yaxis_title="retained (Kaplan–Meier)",
    yaxis_tickformat=".0%",
)
figure.show()

# %% [markdown]
# Number at risk under the curve, and the share retained at set days:

# %%
retained = metrics.retention_at(con, filters=cohort, group_by="track", days=(0, 30, 60, 90, 120))
display(retained.pivot(index="group_value", columns="day", values="n_at_risk"))
display(retained[retained["day"] > 0])

# %%
median = metrics.retention_median(con, filters=cohort, group_by="track")
retention_test = metrics.retention_logrank(con, filters=cohort, group_by="track", reference=TRACK_A)
display(median.drop(columns="median_convention"))
print("median convention:", median["median_convention"].iloc[0])
display(retention_test)

# %% [markdown]
# ## Relapse under three definitions and three missing-data rules
#
# Each episode's drug screens become a weekly use-pattern word (`+` positive, `-` negative,
# `*` mixed, `o` no test). The published definitions are evaluated on that word; the
# missing-data rule decides what an `o` week means.

# %%
for definition in RELAPSE_DEFINITIONS:
    print(f"{definition}: {DEFINITIONS[definition].rule}")
for rule in MISSING_RULES:
    print(f"missing = {rule}: {MISSING_RULE_HELP[rule]}")

# %%
relapse = relapse_rate(
    con,
    filters=cohort,
    group_by="track",
    definition=RELAPSE_DEFINITIONS,
    substance=SUBSTANCE,
    missing=MISSING_RULES,
)
relapse["events / evaluable"] = (
    relapse["n_events"].astype(str) + " / " + relapse["n_evaluable"].astype(str)
)
display(
    relapse.pivot(
        index=["definition", "missing"],
        columns="group_value",
        values=["event_rate", "events / evaluable"],
    )
)

# %% [markdown]
# Time to relapse (weeks), Kaplan–Meier per track, and the log-rank test for every definition
# and rule:

# %%
relapse_tests = relapse_logrank(
    con,
    filters=cohort,
    group_by="track",
    definition=RELAPSE_DEFINITIONS,
    substance=SUBSTANCE,
    missing=MISSING_RULES,
)
display(relapse_tests)

relapse_curves = relapse_curve(
    con,
    filters=cohort,
    group_by="track",
    definition=RELAPSE_DEFINITIONS[0],
    substance=SUBSTANCE,
    missing=MISSING_RULES,
)
figure = go.Figure()
for (track, rule), part in relapse_curves.groupby(["group_value", "missing"]):
    figure.add_scatter(
        x=part["week"],
        y=part["event_free_rate"],
        mode="lines",
        line_shape="hv",
        name=f"{track}, missing = {rule}",
    )
figure.update_layout(
    title=f"Time to relapse ({RELAPSE_DEFINITIONS[0]})",
    xaxis_title="week in treatment",
    yaxis_title="relapse-free (Kaplan–Meier)",
    yaxis_tickformat=".0%",
)
figure.show()

# %% [markdown]
# ## Abstinence: change from intake
#
# Percent days abstinent (alcohol or illicit drugs) at intake and at discharge and each
# follow-up, on the same clients (paired; Wilcoxon signed-rank), per track (catalogue:
# `abstinence_change`). The change is described, not an effect of treatment.

# %%
change = metrics.abstinence_change(con, filters=cohort, group_by="track")
display(
    change[
        [
            "group_value",
            "timepoint",
            "n_pairs",
            "intake_rate_mean",
            "rate_mean",
            "mean_difference",
            "n_improved",
            "n_worse",
            "p_value",
        ]
    ]
)

# %% [markdown]
# Every outcome side by side, each with the test that fits it and its effect size;
# `p_adjusted` is Benjamini–Hochberg over the rows of this table (catalogue: `compare_groups`).

# %%
comparison = metrics.compare_groups(con, filters=cohort, group_by="track")
display(comparison)

# %% [markdown]
# ## The retention-bias table
#
# Outcomes at follow-up describe only the clients who were reached. The table compares the
# intake characteristics of the clients followed and the clients lost, per track
# (catalogue: `followup_bias`); the follow-up rates come first (`followup_status`).

# %%
followup = metrics.followup_status(con, filters=cohort, group_by="track")
display(followup[["group_value", "timepoint", "n_eligible", "n_in_window", "followup_rate"]])
bias = metrics.followup_bias(con, filters=cohort, group_by="track")
display(bias)

# %% [markdown]
# ## How many tests
#
# This notebook ran one retention log-rank test, a log-rank test for every relapse
# definition and rule, and the tests of the comparison table above (whose retention row is
# the same log-rank test). Read the p-values as one family:
# Benjamini–Hochberg over all of them.

# %%
family = pd.concat(
    [
        pd.DataFrame(
            {"test": ["retention log-rank"], "p_value": [retention_test["p_value"].iloc[0]]}
        ),
        relapse_tests.drop_duplicates(["definition", "missing"]).assign(
            test=lambda d: "relapse log-rank: " + d["definition"] + ", missing = " + d["missing"]
        )[["test", "p_value"]],
        # compare_groups repeats the retention log-rank above: counted once.
        comparison[comparison["metric"] != "retention"].assign(
            test=lambda d: "compare_groups: " + d["label"]
        )[["test", "p_value"]],
    ],
    ignore_index=True,
).dropna(subset=["p_value"])
family["p_adjusted"] = benjamini_hochberg(family["p_value"].to_numpy(float))
display(family.sort_values("p_value"))
print(f"{len(family)} tests; {(family['p_adjusted'] < 0.05).sum()} below 0.05 after adjustment")

# %%
hazard = retention_test.set_index("group_value").loc[TRACK_B]
reached = bias.drop_duplicates("group_value").set_index("group_value")
print(
    f"{TRACK_B} vs {TRACK_A}: hazard ratio of premature exit {hazard['hazard_ratio']:.2f} "
    f"(95% CI {hazard['hazard_ratio_lower']:.2f} to {hazard['hazard_ratio_upper']:.2f}).\n"
    f"Relapse rates run from {relapse['event_rate'].min():.0%} to "
    f"{relapse['event_rate'].max():.0%} depending on the definition and missing-data rule.\n"
    "Episodes with a follow-up counted in the rate, reached in window at least once / never: "
    f"{TRACK_A} {reached.loc[TRACK_A, 'n_followed_total']} / "
    f"{reached.loc[TRACK_A, 'n_lost_total']}, {TRACK_B} "
    f"{reached.loc[TRACK_B, 'n_followed_total']} / {reached.loc[TRACK_B, 'n_lost_total']}."
)

# %% [markdown]
# ## What can and cannot be concluded
#
# These are observational records of one program, not a trial. Clients were not assigned to
# a track at random: who comes in the evening (people in work, people with children at home,
# people referred by a court) differs from who comes in the morning, so a difference between
# the tracks can come from the clients as much as from the track. Nothing here is adjusted
# for case mix, and nothing here supports a causal claim that one track *makes* people stay
# or stop using. What the numbers do support is a description: in this data, how long
# clients of each track stayed, how their drug screens read under each published definition,
# and how much their self-reported abstinence changed between two interviews.
#
# Three things limit even that description. First, relapse depends on the definition and,
# above all, on the missing-data rule: "missing = positive" counts a client who stopped coming
# as relapsed, so it partly measures retention again; "missing ignored" assumes that the
# missed screens look like the ones taken; "completers only" keeps the few clients who missed
# nothing, a selected group. A difference that holds under one rule and not another is not a
# finding. Second, the change from intake is a pre/post comparison on the clients interviewed
# at both points; improvement after an intake taken at a low point is expected whatever the
# treatment (regression to the mean), and the clients who left early are missing from it.
# Third, follow-up outcomes describe only the clients reached: the retention-bias table shows
# whether those reached differ from those lost (completers are usually over-represented among
# the reached), so outcomes among those reached overstate the whole cohort's.
#
# Finally, this notebook ran many tests on the same clients. Judge the p-values as a family
# (the Benjamini–Hochberg column above) and prefer intervals and effect sizes to thresholds.
# On the bundled sample every number describes the synthetic generator, whose true values are
# in `sample_data/sample/truth.json`; it says nothing about any real program.
