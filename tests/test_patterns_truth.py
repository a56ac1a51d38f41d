"""The use-pattern builder recovers the synthetic generator's known truth (truth.json,
"return_to_use"): weekly use is a two-state Markov chain per treatment week, screens are missed
at random, so the 'any' words estimate the truth without bias under "missing ignored"."""

from __future__ import annotations

import math
from datetime import date

import duckdb
import pytest
from scipy import stats

from pipelines.build import build
from pipelines.patterns import positivity_by_week
from pipelines.settings import Settings

from .hand_formulas import Z95, wilson

EPISODES, SEED, AS_OF = 4000, 20261122, date(2026, 9, 30)

# Consecutive treatment weeks with a screen, the earlier one negative: the later one is positive
# with the weekly return-to-use probability (truth.json "method").
TRANSITIONS = """
with weeks as (
    select
        w.episode_id, e.track, e.medication <> 'none' as is_on_medication, w.symbol,
        lag(w.symbol) over (partition by w.episode_id order by w.week_number) as previous
    from marts.use_weeks as w
    join marts.episodes as e using (episode_id)
    where w.substance_class = 'any'
)
select
    track, is_on_medication,
    count(*) filter (where symbol in ('+', '*')) as n_returns,
    count(*) as n_pairs
from weeks
where previous = '-' and symbol in ('+', '-', '*')
group by all
order by all
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):
    from sample_data.generator import generate

    folder = tmp_path_factory.mktemp("truth")
    truth = generate(folder, episodes=EPISODES, seed=SEED, as_of=AS_OF)
    build(folder, Settings(db_path=folder / "outcomes.duckdb", as_of=AS_OF))
    con = duckdb.connect(str(folder / "outcomes.duckdb"), read_only=True)
    yield con, truth["return_to_use"]
    con.close()


def test_week_one_positivity_covers_the_truth(sample):
    con, truth = sample
    # Week 1 use has the same probability on every track (use_week1).
    week1 = {track["weekly_positive_share"][0] for track in truth["by_track"].values()}
    assert week1 == {truth["use_week1"]}
    df = positivity_by_week(con, substance="any", missing="ignored")
    first = df[df["week_number"] == 1].iloc[0]
    assert first["n_weeks"] > 1000
    assert first["positive_rate_lower"] <= truth["use_week1"] <= first["positive_rate_upper"]


def test_weekly_return_to_use_by_track_covers_the_truth(sample):
    con, truth = sample
    counts = con.execute(TRANSITIONS).df()
    untreated = counts[~counts["is_on_medication"]].set_index("track")
    assert set(untreated.index) == set(truth["by_track"])
    # Five tracks: each interval at 99% keeps the family-wise coverage at 95% (Bonferroni).
    z = stats.norm.ppf(1 - 0.01 / 2)
    for track, expected in truth["by_track"].items():
        x, n = untreated.loc[track, ["n_returns", "n_pairs"]]
        low, high = wilson(int(x), int(n), z)
        assert low <= expected["return_to_use"] <= high, (track, x / n)


def test_medication_effect_covers_the_truth(sample):
    # Mantel-Haenszel risk ratio (on medication vs none) over tracks, Greenland-Robins variance.
    con, truth = sample
    counts = con.execute(TRANSITIONS).df()
    numerator = denominator = variance = 0.0
    for _, stratum in counts.groupby("track"):
        by = stratum.set_index("is_on_medication")
        a, n1 = by.loc[True, ["n_returns", "n_pairs"]].astype(float)
        c, n0 = by.loc[False, ["n_returns", "n_pairs"]].astype(float)
        total = n1 + n0
        numerator += a * n0 / total
        denominator += c * n1 / total
        variance += (n1 * n0 * (a + c) - a * c * total) / total**2
    ratio = numerator / denominator
    se = math.sqrt(variance / (numerator * denominator))
    low, high = ratio * math.exp(-Z95 * se), ratio * math.exp(Z95 * se)
    assert low <= truth["moud_return_multiplier"] <= high, ratio


def test_positivity_rules_order(sample):
    # Counting missing weeks as positive can only raise the share; on completers it is defined.
    con, _ = sample
    df = positivity_by_week(con, substance="any").pivot_table(
        index="week_number", columns="missing", values="positive_rate"
    )
    weeks = df.loc[1:8]
    assert (weeks["positive"] >= weeks["ignored"]).all()
    assert weeks["completers"].notna().all()


def test_words_span_every_treatment_week(sample):
    con, _ = sample
    row = con.execute(
        "select count(*), count(*) filter (where w.n_weeks = a.n_weeks) from marts.episode_words w"
        " join (select episode_id, count(*) as n_weeks from marts.episode_weeks group by all) a"
        " using (episode_id) where w.substance_class = 'opioids'"
    ).fetchone()
    assert row[0] == row[1] == EPISODES
