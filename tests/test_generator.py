"""The sample-data generator: determinism, contract validity, and recovery of its ground truth.

Truth values are re-derived here from the parameters by independent means (numpy's business-day
calendar, a Monte Carlo of the competing risks, the Markov chain iterated by hand), then the
seeded sample is checked against them with binomial / Kaplan-Meier standard errors.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats
from scipy.optimize import minimize_scalar

from pipelines.contract import TABLES
from sample_data.generator import DEFAULT_EPISODES, generate

N = 20_000
SEED = 20261122
Z = 4.0  # tolerance in standard errors for a seeded sample (many comparisons, fixed seed)
TIMEPOINT_DAYS = {"30d": 30, "90d": 90, "180d": 180, "365d": 365}


def _read(path: Path) -> pd.DataFrame:
    """Every column as text, '' = missing, exactly as written."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, engine="pyarrow")


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s.replace("", None), format="%Y-%m-%d")


class Sample:
    """A generated sample read back, with each row attached to its episode."""

    def __init__(self, out: Path, truth: dict) -> None:
        self.out, self.truth = out, truth
        self.raw = {name: _read(out / f"{name}.csv") for name in TABLES}
        self.as_of = pd.Timestamp(truth["generator"]["as_of"])
        adm = self.raw["admissions"].copy()
        adm["admission_date"] = _dates(adm.admission_date)
        adm["discharge_date"] = _dates(adm.discharge_date)
        adm = adm.sort_values(["admission_date", "client_id"]).reset_index(drop=True)
        adm["ep"] = adm.index
        adm["end"] = adm.discharge_date.fillna(self.as_of)
        self.adm = adm
        att = self.attach(self.raw["attendance"], "session_date")
        last = att[att.status == "attended"].groupby("ep").session_date.max()
        adm["last_attended"] = adm.ep.map(last)
        lapsed = (self.as_of - adm.last_attended).dt.days > 30
        adm["administrative"] = adm.discharge_date.isna() & lapsed
        self.att = att

    def attach(self, df: pd.DataFrame, col: str) -> pd.DataFrame:
        """Attach rows to the client's latest admission on or before the row's date."""
        df = df.copy()
        df[col] = _dates(df[col])
        df = df.sort_values(col)
        eps = self.adm[["client_id", "admission_date", "end", "ep", "track", "medication"]]
        out = pd.merge_asof(
            df,
            eps.sort_values("admission_date"),
            left_on=col,
            right_on="admission_date",
            by="client_id",
        )
        return out.sort_index()

    def retention(self) -> tuple[np.ndarray, np.ndarray]:
        """The product's measure: days to premature exit, and whether it was observed."""
        a = self.adm
        event = a.discharge_reason.isin(["dropped_out", "terminated"]) | a.administrative
        end = a.end.where(~a.administrative, a.last_attended)
        return (end - a.admission_date).dt.days.to_numpy(), event.to_numpy()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    out = tmp_path_factory.mktemp("sample")
    return Sample(out, generate(out, episodes=N, seed=SEED))


def _digest(folder: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(folder.iterdir())}


# --- interface and determinism ------------------------------------------------------------------


def test_same_seed_byte_identical_and_other_seed_differs(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate(tmp_path / name, episodes=500, seed=seed)
    a, b, c = (_digest(tmp_path / n) for n in "abc")
    assert set(a) == {f"{t}.csv" for t in TABLES} | {"truth.json"}
    assert a == b
    assert all(a[f] != c[f] for f in a if f != "truth.json")


def test_parquet_is_deterministic_and_holds_the_same_rows(tmp_path: Path) -> None:
    truths = [generate(tmp_path / n, episodes=500, seed=3, fmt="parquet") for n in "ab"]
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    csv_truth = generate(tmp_path / "csv", episodes=500, seed=3)
    assert truths[0]["rows"] == csv_truth["rows"]
    table = pd.read_parquet(tmp_path / "a" / "admissions.parquet")
    assert list(table.columns) == list(TABLES["admissions"].column_names)
    clean = _read(tmp_path / "csv" / "admissions.csv")
    assert (table.client_id.to_numpy() == clean.client_id.to_numpy()).all()


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="episodes"):
        generate(tmp_path, episodes=499)
    with pytest.raises(ValueError, match="fmt"):
        generate(tmp_path, episodes=500, fmt="xlsx")
    with pytest.raises(ValueError, match="messy"):
        generate(tmp_path, episodes=500, fmt="parquet", messy=True)


def test_progress_bar_goes_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    generate(tmp_path, episodes=500, progress=True)
    captured = capsys.readouterr()
    assert "sample data" in captured.err and captured.out == ""


def test_default_sample_fills_every_track_quarter_and_stays_small(tmp_path: Path) -> None:
    generate(tmp_path)
    adm = _read(tmp_path / "admissions.csv")
    assert len(adm) == DEFAULT_EPISODES
    for col in ("admission_date", "discharge_date"):
        quarter = _dates(adm[col]).dt.to_period("Q")
        cells = adm.groupby([quarter, adm.track]).size().unstack(fill_value=0)
        assert cells.shape == (8, 5) and cells.to_numpy().min() >= 11, col
    assert (tmp_path / "attendance.csv").stat().st_size < 8_000_000


# --- the contract -------------------------------------------------------------------------------


def test_columns_values_and_keys_follow_the_contract(sample: Sample) -> None:
    for name, table in TABLES.items():
        df = sample.raw[name]
        assert tuple(df.columns) == table.column_names, name
        assert len(df) == sample.truth["rows"][name]
        for col in table.columns:
            values = df[col.name]
            present = values[values != ""]
            if col.required:
                assert len(present) == len(values), (name, col.name)
            if col.allowed:
                assert set(present.unique()) <= set(col.allowed), (name, col.name)
            if col.type == "date":
                assert present.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
                assert (_dates(present) <= sample.as_of).all() or name == "followups"
            if col.type == "boolean":
                assert set(present.unique()) <= {"true", "false"}
            if col.type == "integer":
                ints = present.astype(int)
                assert col.minimum is None or ints.min() >= col.minimum, (name, col.name)
                assert col.maximum is None or ints.max() <= col.maximum, (name, col.name)
        assert not df.duplicated(list(table.key)).any(), name


def test_discharge_date_and_reason_come_together(sample: Sample) -> None:
    adm = sample.raw["admissions"]
    assert ((adm.discharge_date == "") == (adm.discharge_reason == "")).all()
    a = sample.adm
    assert (a.discharge_date.isna() | (a.discharge_date >= a.admission_date)).all()


def test_episodes_of_a_client_never_overlap(sample: Sample) -> None:
    a = sample.adm.sort_values(["client_id", "admission_date"])
    prev_end = a.groupby("client_id").discharge_date.shift()
    again = a.groupby("client_id").cumcount() > 0
    gap = (a.admission_date - prev_end).dt.days[again]
    assert again.sum() > 0.08 * len(a)
    assert gap.notna().all() and gap.min() >= 31  # readmitted only after a recorded discharge
    assert a.age_at_admission.astype(int).between(18, 82).all()


def test_rows_fall_inside_an_episode_of_their_client(sample: Sample) -> None:
    for name, col in (("attendance", "session_date"), ("substance_use", "test_date")):
        df = sample.attach(sample.raw[name], col)
        assert df.ep.notna().all(), name
        assert (df[col] <= df.end).all(), name
    ab = sample.attach(sample.raw["abstinence"], "assessment_date")
    inside = ab.timepoint.isin(["intake", "discharge"])
    assert (ab.assessment_date[inside] <= ab.end[inside]).all()
    intake = ab[ab.timepoint == "intake"]
    assert (intake.assessment_date == intake.admission_date).all()
    assert (ab.assessment_date[~inside] > ab.end[~inside]).all()  # follow-ups come after


def test_followups_are_scheduled_from_a_discharge(sample: Sample) -> None:
    fu = sample.raw["followups"].copy()
    fu["due"] = _dates(fu.due_date)
    fu["contact"] = _dates(fu.contact_date)
    fu["discharge_date"] = fu.due - pd.to_timedelta(fu.timepoint.map(TIMEPOINT_DAYS), unit="D")
    m = fu.merge(
        sample.adm[["client_id", "discharge_date", "discharge_reason"]],
        how="left",
        on=["client_id", "discharge_date"],
    )
    assert m.discharge_reason.notna().all() and (m.discharge_reason != "deceased").all()
    offset = (m.contact - m.due).dt.days.dropna()
    assert offset.between(-14, 45).all() and 0.05 < (offset > 30).mean() < 0.15
    assert (m.contact.dropna() <= sample.as_of).all()
    assert (m.due <= sample.as_of + pd.Timedelta(days=30)).all()
    closed = m.due <= sample.as_of - pd.Timedelta(days=45)
    assert (m.status[closed] != "pending").all()
    assert (m.status[m.due > sample.as_of] == "pending").all()
    done = m.status == "completed"
    assert m.contact_date[done].ne("").all() and m.days_abstinent_30[done].ne("").all()
    assert m.days_abstinent_30[~done].eq("").all()


def test_schedule_is_three_to_five_groups_a_week_of_two_to_three_hours(sample: Sample) -> None:
    att = sample.att
    group = att[(att.session_type == "group") & ~att.ep.map(sample.adm.administrative)]
    assert group.duration_minutes.astype(int).between(120, 180).all()
    week = (group.session_date - group.admission_date).dt.days // 7
    full = group.admission_date + pd.to_timedelta(7 * week + 6, unit="D") < group.end
    per_week = group[full].groupby([group.ep[full], week[full]]).size()
    assert per_week.between(3, 5).all() and set(per_week.unique()) == {3, 4, 5}
    assert set(att.session_type.unique()) == {"group", "individual", "family", "medication"}


def test_program_shape(sample: Sample) -> None:
    a = sample.adm
    per_day = a.groupby(a.admission_date.dt.month).size() / a.groupby(
        a.admission_date.dt.month
    ).admission_date.apply(lambda d: d.dt.date.nunique())
    assert per_day[1] > 1.3 * per_day[12]  # a January bump, a December dip
    assert (a.admission_date.dt.day_of_week < 5).all()
    assert 0.80 < (a.level_of_care == "iop").mean() < 0.90
    sites = a.groupby("counselor").site.nunique()
    assert len(sites) == 12 and (sites == 1).all()
    on_moud = a.medication != "none"
    assert (a.primary_substance[on_moud] == "opioids").all()
    assert 0.45 < on_moud[a.primary_substance == "opioids"].mean() < 0.65
    assert 0.10 < a.client_id.duplicated().mean() < 0.14  # readmissions
    assert (a.discharge_date.isna() & ~a.administrative).sum() > 0.05 * len(a)  # active


def test_attendance_worsens_before_a_premature_exit(sample: Sample) -> None:
    att, a = sample.att, sample.adm.set_index("ep")
    left = a.discharge_reason.isin(["dropped_out", "terminated"]) | a.administrative
    exit_day = a.discharge_date.where(~a.administrative, a.last_attended)[left]
    rows = att[att.ep.isin(exit_day.index)]
    days_before = (rows.ep.map(exit_day) - rows.session_date).dt.days
    before = rows[days_before.between(1, 21) & (rows.session_date > rows.admission_date)]
    share = (before.status == "attended").mean()
    expected = sample.truth["attendance"]["pre_exit"]["attended"]
    assert share == pytest.approx(expected, abs=0.02)
    assert (rows.status[days_before == 0] == "attended").all()  # the exit day is a visit


# --- truth.json, re-derived independently --------------------------------------------------------


def test_truth_survival_matches_a_business_day_calendar(sample: Sample) -> None:
    params, ret = sample.truth["parameters"], sample.truth["retention"]
    mondays = np.datetime64("2025-01-06") + np.arange(5)  # admissions Monday..Friday
    for track, hr in params["premature_hr"].items():
        rate = params["premature_rate"] * hr
        for day in (30, 60, 90):
            n = np.busday_count(mondays, mondays + day + 1)
            expected = np.exp(-rate * n).mean()
            assert ret["by_track"][track]["survival"][str(day)] == pytest.approx(expected, abs=2e-6)
        assert ret["hazard_ratio"][track] == pytest.approx(hr / params["premature_hr"]["Morning"])
    assert ret["hazard_ratio"]["Evening"] == pytest.approx(1.5)


def test_truth_discharge_shares_match_a_monte_carlo_of_the_competing_exits(sample: Sample) -> None:
    p = sample.truth["parameters"]
    rng = np.random.default_rng(0)
    n = 1_000_000
    weeks = rng.choice([int(w) for w in p["planned_weeks"]], n, p=list(p["planned_weeks"].values()))
    weeks += (rng.random(n) < p["extension_share"]) * rng.choice(p["extension_weeks"], n)
    tracks = list(p["track_shares"])
    hr = np.array([p["premature_hr"][t] for t in tracks])[
        rng.choice(len(tracks), n, p=list(p["track_shares"].values()))
    ]
    t_prem = np.floor(rng.exponential(1 / (p["premature_rate"] * hr)))
    t_other = np.floor(rng.exponential(1 / p["other_exit_rate"], n))
    prem = (t_prem <= t_other) & (t_prem <= 5 * weeks)
    other = ~prem & (t_other < 5 * weeks)
    shares = sample.truth["discharge_reasons"]["overall"]
    assert prem.mean() == pytest.approx(
        sum(shares[k] for k in ("dropped_out", "terminated", "administrative")), abs=0.002
    )
    assert (~prem & ~other).mean() == pytest.approx(shares["completed"], abs=0.002)
    assert shares["transferred"] == pytest.approx(other.mean() * 0.713, abs=0.002)


def test_truth_weekly_positive_share_iterates_the_markov_chain(sample: Sample) -> None:
    p, truth = sample.truth["parameters"], sample.truth["return_to_use"]
    moud = p["primary_shares"]["opioids"] * p["moud_share"]
    for track, r in p["return_to_use"].items():
        shares = []
        for rate, weight in ((r, 1 - moud), (r * p["moud_return_multiplier"], moud)):
            pos, chain = p["use_week1"], []
            for _ in range(8):
                chain.append(pos)
                pos = pos * (1 - p["stop_use"]) + (1 - pos) * rate
            shares.append(weight * np.array(chain))
        expected = sum(shares)
        assert truth["by_track"][track]["weekly_positive_share"] == pytest.approx(
            expected, abs=1e-6
        )


def test_truth_followup_and_intake_values(sample: Sample) -> None:
    p, fu = sample.truth["parameters"], sample.truth["followup"]
    for g in ("completer", "non_completer"):
        for tp in TIMEPOINT_DAYS:
            a = p["followup_abstinent"][g][tp]
            ra, ru = (p["followup_response"][g][s][tp] for s in ("abstinent", "using"))
            assert fu["response_rate"][g][tp] == pytest.approx(a * ra + (1 - a) * ru, abs=1e-6)
    a, b = p["intake_use_beta"]
    ab = sample.truth["abstinence"]
    assert ab["intake_mean_days_abstinent"] == pytest.approx(30 * b / (a + b))
    share = special.beta(a, b + 30) / special.beta(a, b)
    assert ab["intake_share_abstinent_30_of_30"] == pytest.approx(share, abs=1e-6)


# --- the sample recovers its truth ----------------------------------------------------------------


def _within(estimate: float, truth: float, se: float, what: str) -> None:
    assert abs(estimate - truth) <= Z * se, f"{what}: {estimate:.4f} vs truth {truth:.4f}"


def _binomial(hits: pd.Series, truth: float, what: str) -> None:
    n = len(hits)
    _within(float(hits.mean()), truth, math.sqrt(truth * (1 - truth) / n), what)


def test_discharge_reason_shares(sample: Sample) -> None:
    a = sample.adm
    cohort = a[a.admission_date <= sample.as_of - pd.Timedelta(days=150)]
    reason = cohort.discharge_reason.where(~cohort.administrative, "administrative")
    assert (reason != "").all()
    for k, v in sample.truth["discharge_reasons"]["overall"].items():
        _binomial(reason == k, v, k)


def test_retention_kaplan_meier_per_track(sample: Sample) -> None:
    time, event = sample.retention()
    for track, truth in sample.truth["retention"]["by_track"].items():
        m = (sample.adm.track == track).to_numpy()
        sf = stats.ecdf(stats.CensoredData(uncensored=time[m & event], right=time[m & ~event])).sf
        ci = sf.confidence_interval(confidence_level=0.9999, method="log-log")
        for day, expected in truth["survival"].items():
            i = np.searchsorted(sf.quantiles, int(day), side="right") - 1
            assert ci.low.probabilities[i] <= expected <= ci.high.probabilities[i], (track, day)


def cox_hazard_ratio(time: np.ndarray, event: np.ndarray, group: np.ndarray):
    """Cox model with one binary covariate (Breslow ties): HR and the SE of log HR."""
    ts = np.unique(time[event])

    def at_risk(mask: np.ndarray) -> np.ndarray:
        s = np.sort(time[mask])
        return len(s) - np.searchsorted(s, ts, side="left")

    n1, n0 = at_risk(group), at_risk(~group)
    d1 = np.bincount(np.searchsorted(ts, time[event & group]), minlength=len(ts))
    d = np.bincount(np.searchsorted(ts, time[event]), minlength=len(ts))
    fit = minimize_scalar(
        lambda b: -(d1 * b - d * np.log(n0 + n1 * np.exp(b))).sum(),
        bounds=(-3, 3),
        method="bounded",
    )
    share = n1 * np.exp(fit.x) / (n0 + n1 * np.exp(fit.x))
    return math.exp(fit.x), 1 / math.sqrt((d * share * (1 - share)).sum())


def test_retention_hazard_ratios(sample: Sample) -> None:
    time, event = sample.retention()
    for track in ("Evening", "Professionals"):
        m = sample.adm.track.isin([track, "Morning"]).to_numpy()
        hr, se = cox_hazard_ratio(time[m], event[m], (sample.adm.track == track).to_numpy()[m])
        truth = sample.truth["retention"]["hazard_ratio"][track]
        _within(math.log(hr), math.log(truth), se, f"HR {track}")


def _weekly_screens(sample: Sample) -> pd.DataFrame:
    su = sample.attach(sample.raw["substance_use"], "test_date")
    uds = su[(su.method == "uds") & (su.result != "invalid")].copy()
    uds["week"] = (uds.test_date - uds.admission_date).dt.days // 7 + 1
    own = uds.substance == uds.medication  # methadone / buprenorphine as prescribed
    uds["positive"] = (uds.result == "positive") & ~own
    uds["drug_positive"] = uds.positive & (uds.substance != "alcohol")
    keys = ["ep", "week", "track", "medication"]
    return uds.groupby(keys, as_index=False)[["positive", "drug_positive"]].any()


def test_weekly_positive_share_per_track(sample: Sample) -> None:
    weeks = _weekly_screens(sample)
    assert weeks.groupby("ep").week.size().min() >= 1
    for track, truth in sample.truth["return_to_use"]["by_track"].items():
        for k, expected in enumerate(truth["weekly_positive_share"], start=1):
            sel = weeks[(weeks.track == track) & (weeks.week == k)]
            _binomial(sel.positive, expected, f"{track} week {k}")
        first8 = weeks[(weeks.track == track) & (weeks.week <= 8)].groupby("week")
        shares, sizes = first8.drug_positive.mean(), first8.size()
        expected = np.array(truth["weekly_positive_share_drugs_only"])
        se = math.sqrt((expected * (1 - expected) / sizes.to_numpy()).sum()) / 8
        mean = truth["mean_weekly_positive_share_drugs_only_weeks_1_8"]
        assert expected.mean() == pytest.approx(mean, abs=1e-6)
        _within(float(shares.mean()), float(expected.mean()), se, f"{track} drugs only")


def test_return_to_use_transitions_and_medication_effect(sample: Sample) -> None:
    w = _weekly_screens(sample).set_index(["ep", "week"])
    prev = w.positive.rename("prev")
    prev.index = pd.MultiIndex.from_arrays(
        [prev.index.get_level_values(0), prev.index.get_level_values(1) + 1]
    )
    pairs = w.join(prev, how="inner")
    pairs = pairs[~pairs.prev]
    by_track = sample.truth["return_to_use"]["by_track"]
    for track, truth in by_track.items():
        off = pairs[(pairs.track == track) & (pairs.medication == "none")]
        _binomial(off.positive, truth["return_to_use"], track)
    moud = pairs[pairs.medication.isin(["methadone", "buprenorphine", "naltrexone"])]
    expected = np.array([by_track[t]["return_to_use_moud"] for t in moud.track])
    se = math.sqrt((expected * (1 - expected)).sum()) / len(moud)
    _within(float(moud.positive.mean()), float(expected.mean()), se, "MOUD return to use")


def test_moud_clients_test_positive_for_their_medication(sample: Sample) -> None:
    su = sample.attach(sample.raw["substance_use"], "test_date")
    own = su[(su.method == "uds") & (su.result != "invalid") & (su.substance == su.medication)]
    assert set(own.medication.unique()) == {"methadone", "buprenorphine"}
    _binomial(own.result == "positive", sample.truth["parameters"]["moud_adherence"], "adherence")


def test_attendance_rates_per_track_among_completers(sample: Sample) -> None:
    att, a = sample.att, sample.adm.set_index("ep")
    done = att[att.ep.map(a.discharge_reason) == "completed"]
    done = done[(done.session_date != done.admission_date) & (done.session_date != done.end)]
    for track, probs in sample.truth["attendance"]["by_track"].items():
        sel = done[done.track == track]
        for status, expected in probs.items():
            _binomial(sel.status == status, expected, f"{track} {status}")


def test_no_active_client_looks_administratively_discharged(sample: Sample) -> None:
    a = sample.adm
    active = a.discharge_date.isna() & ~a.administrative
    assert ((sample.as_of - a.last_attended[active]).dt.days <= 30).all()
    admin = a[a.administrative]
    assert len(admin) > 0.03 * len(a)
    after = sample.att[sample.att.ep.isin(admin.ep)]
    stopped = after.session_date > after.ep.map(admin.set_index("ep").last_attended)
    assert (after.status[stopped] == "no_show").all()


def test_followup_response_rates(sample: Sample) -> None:
    fu = sample.raw["followups"].copy()
    fu["due"] = _dates(fu.due_date)
    fu["discharge_date"] = fu.due - pd.to_timedelta(fu.timepoint.map(TIMEPOINT_DAYS), unit="D")
    fu = fu.merge(
        sample.adm[["client_id", "discharge_date", "discharge_reason"]],
        on=["client_id", "discharge_date"],
    )
    fu = fu[(fu.due <= sample.as_of - pd.Timedelta(days=45)) & (fu.status != "deceased")]
    rates = sample.truth["followup"]["response_rate"]
    for completer, group in ((True, "completer"), (False, "non_completer")):
        sel = fu[(fu.discharge_reason == "completed") == completer]
        for tp, expected in rates[group].items():
            _binomial(sel.status[sel.timepoint == tp] == "completed", expected, f"{group} {tp}")
    reached = fu[fu.status == "completed"]
    abst = (reached.days_abstinent_30.astype(int) == 30)[reached.discharge_reason == "completed"]
    share = sample.truth["followup"]["abstinent_among_responders"]["completer"]["30d"]
    _binomial(abst[reached.timepoint == "30d"], share, "abstinent among reached completers")


def test_abstinent_days_follow_simulated_use(sample: Sample) -> None:
    ab = sample.attach(sample.raw["abstinence"], "assessment_date")
    intake = ab[ab.timepoint == "intake"].days_abstinent.astype(int)
    truth = sample.truth["abstinence"]["intake_mean_days_abstinent"]
    _within(float(intake.mean()), truth, float(intake.std()) / math.sqrt(len(intake)), "intake")
    weeks = _weekly_screens(sample)
    last4 = weeks[weeks.week >= weeks.groupby("ep").week.transform("max") - 3]
    any_pos = last4.groupby("ep").positive.any()
    dis = ab[ab.timepoint == "discharge"].set_index("ep").days_abstinent.astype(int)
    both = pd.concat([dis, any_pos], axis=1, join="inner")
    means = both.groupby("positive").days_abstinent.mean()
    assert means[False] - means[True] > 5  # positive screens late in care, fewer abstinent days
    assert set(sample.raw["abstinence"].substance.unique()) == {"any"}


def test_substance_names_are_reported(sample: Sample) -> None:
    su, names = sample.raw["substance_use"], sample.truth["substances"]
    assert set(su.substance.unique()) == set(names["substance_use"])
    for method in ("uds", "self_report", "breath"):
        assert set(su.substance[su.method == method].unique()) == set(names[method]), method
    assert set(sample.raw["admissions"].primary_substance.unique()) == set(
        sample.truth["substances"]["primary_substance"]
    )


# --- scale ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_large_sample_recovers_the_truth(tmp_path: Path) -> None:
    truth = generate(tmp_path, episodes=200_000, seed=11, as_of=date(2026, 6, 30))
    sample = Sample(tmp_path, truth)
    assert truth["rows"]["admissions"] == 200_000
    test_discharge_reason_shares(sample)
    test_retention_kaplan_meier_per_track(sample)
    test_retention_hazard_ratios(sample)
    test_followup_response_rates(sample)
