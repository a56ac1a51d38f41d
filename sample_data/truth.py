"""The ground truth, worked out from the parameters alone (no simulated data is read here).

Each entry names its estimand in words and how the product should estimate it, so a test can
assert that the product's 95% confidence interval covers the value on a large seeded sample.
"""

from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np

from sample_data import timeline
from sample_data.params import REFERENCE_TRACK, TIMEPOINTS, TRACKS, Params

SURVIVAL_DAYS = (30, 60, 90)
TEDS_REASONS = (
    "completed",
    "dropped_out",
    "terminated",
    "transferred",
    "incarcerated",
    "deceased",
    "other",
)


def _r(x: float) -> float:
    return round(float(x), 6)


def weeks_distribution(p: Params) -> dict[int, float]:
    """Planned weeks including extensions -> probability."""
    dist: dict[int, float] = {}
    for key, share in p.planned_weeks.items():
        w = int(key)
        dist[w] = dist.get(w, 0.0) + share * (1 - p.extension_share)
        for extra in p.extension_weeks:
            add = share * p.extension_share / len(p.extension_weeks)
            dist[w + extra] = dist.get(w + extra, 0.0) + add
    return dict(sorted(dist.items()))


def survival(rate: float, t: int) -> float:
    """P(latent premature exit day > t), admission weekday uniform over Monday-Friday."""
    return float(np.mean([math.exp(-rate * timeline.weekdays_through(t, w)) for w in range(5)]))


def reason_shares(p: Params, track: str) -> dict[str, float]:
    """Competing risks in weekday-time: premature (ties won), other, else completion at 5*weeks."""
    a = math.exp(-p.premature_rate * p.premature_hr[track])
    b = math.exp(-p.other_exit_rate)
    prem = other = 0.0
    for w, pw in weeks_distribution(p).items():
        k = 5 * w
        prem += pw * (1 - a) * (1 - (a * b) ** (k + 1)) / (1 - a * b)
        other += pw * (1 - b) * a * (1 - (a * b) ** k) / (1 - a * b)
    out = {"completed": 1 - prem - other}
    out.update({k: prem * v for k, v in p.premature_split.items()})
    out.update({k: other * v for k, v in p.other_exit_split.items()})
    return {k: out[k] for k in (*TEDS_REASONS, "administrative")}


def _mix(per_track: dict[str, dict[str, float]], p: Params) -> dict[str, float]:
    keys = next(iter(per_track.values()))
    return {k: sum(p.track_shares[t] * per_track[t][k] for t in TRACKS) for k in keys}


def retention(p: Params) -> dict:
    by_track = {}
    for t in TRACKS:
        rate = p.premature_rate * p.premature_hr[t]
        by_track[t] = {
            "rate_per_weekday": _r(rate),
            "survival": {str(d): _r(survival(rate, d)) for d in SURVIVAL_DAYS},
        }
    ref = p.premature_hr[REFERENCE_TRACK]
    base = p.premature_rate * ref
    return {
        "estimand": "Survival of the time from admission to premature exit (dropped_out, "
        "terminated, or administrative discharge), per track, at days 30/60/90; and the hazard "
        f"ratio of each track against {REFERENCE_TRACK}.",
        "method": "Kaplan-Meier on days = discharge_date - admission_date (recorded "
        "dropped_out/terminated), or last attended session - admission_date for an open episode "
        "whose last attended session is more than 30 days before as_of; every other episode is "
        "censored at its discharge_date, or at as_of when open. Hazard ratios: Cox model or the "
        "log-rank observed/expected ratio on the same data.",
        "time_scale": "Exits happen on weekdays only: a constant hazard per weekday of "
        "treatment, so survival is exponential in the number of weekdays since admission and "
        "the hazard ratio is constant (proportional hazards) in calendar days too.",
        "reference_track": REFERENCE_TRACK,
        "by_track": by_track,
        "hazard_ratio": {t: _r(p.premature_hr[t] / ref) for t in TRACKS},
        "daily_hazard_ratio": {
            t: _r((1 - math.exp(-p.premature_rate * p.premature_hr[t])) / (1 - math.exp(-base)))
            for t in TRACKS
        },
    }


def discharge_reasons(p: Params) -> dict:
    by_track = {t: reason_shares(p, t) for t in TRACKS}
    overall = _mix(by_track, p)
    teds = dict(overall)
    teds["dropped_out"] += teds.pop("administrative")
    return {
        "estimand": "Share of episodes ending for each reason, among episodes admitted at least "
        "150 days before as_of (all of them have ended). 'administrative' = open episode whose "
        "last attended session is more than 30 days before as_of.",
        "method": "Count reasons (administrative discharges inferred) over that cohort; "
        "binomial (Wilson) interval per reason.",
        "cohort_admitted_days_before_as_of": 150,
        "overall": {k: _r(v) for k, v in overall.items()},
        "overall_teds": {k: _r(v) for k, v in teds.items()},
        "by_track": {t: {k: _r(v) for k, v in s.items()} for t, s in by_track.items()},
    }


def _weekly_positive(p: Params, r: float, weeks: int) -> np.ndarray:
    q, u1 = p.stop_use, p.use_week1
    pi = r / (r + q)
    return pi + (u1 - pi) * (1 - r - q) ** np.arange(weeks)


def return_to_use(p: Params) -> dict:
    total = sum(p.primary_shares.values())
    moud = p.primary_shares["opioids"] / total * p.moud_share
    alcohol = p.primary_shares["alcohol"] / total
    # An alcohol client's use week shows a drug only through a second substance that is a drug.
    second_drug = p.secondary_analytes["alcohol"] / sum(p.secondary_analytes.values())
    via_second = p.secondary_share * (1 - second_drug) * p.secondary_positive
    by_track = {}
    for t in TRACKS:
        r = p.return_to_use[t]
        r_m = r * p.moud_return_multiplier
        plain, treated = _weekly_positive(p, r, 8), _weekly_positive(p, r_m, 8)
        weekly = (1 - moud) * plain + moud * treated
        drugs = (1 - moud - alcohol) * plain + moud * treated + alcohol * via_second * plain
        by_track[t] = {
            "return_to_use": _r(r),
            "return_to_use_moud": _r(r_m),
            "stationary_positive": _r(r / (r + p.stop_use)),
            "weekly_positive_share": [_r(x) for x in weekly],
            "mean_weekly_positive_share_weeks_1_8": _r(weekly.mean()),
            "weekly_positive_share_drugs_only": [_r(x) for x in drugs],
            "mean_weekly_positive_share_drugs_only_weeks_1_8": _r(drugs.mean()),
        }
    return {
        "estimand": "Per track and treatment week k = 1..8 (week k = days 7(k-1)..7k-1 after "
        "admission): share of weeks with a positive screen among weeks with a valid screen. A "
        "screen is positive when any substance tested positive (urine drug screen, alcohol "
        "included via EtG), except the client's own prescribed methadone or buprenorphine. "
        "Also the mean of the eight weekly shares, and both again counting drugs only "
        "(alcohol results ignored: the 'any drug' class).",
        "method": "Missing ignored: screens are missed at random with respect to use (absences, "
        "exits, skipped screens), so weekly proportions over screened weeks are unbiased. "
        "Transitions: among consecutive screened weeks with week k-1 negative, the share "
        "positive at week k is the weekly return-to-use probability (stratify by track and "
        "medication; Mantel-Haenszel for the medication effect).",
        "stop_use": _r(p.stop_use),
        "use_week1": _r(p.use_week1),
        "moud_share_of_episodes": _r(moud),
        "moud_return_multiplier": _r(p.moud_return_multiplier),
        "by_track": by_track,
    }


def attendance(p: Params) -> dict:
    return {
        "estimand": "Per track, share of scheduled sessions attended (and excused, no_show, "
        "cancelled) among completed episodes, excluding the admission day and discharge day.",
        "method": "attended / all scheduled rows in that set; binomial interval. Other episodes "
        f"attend less in the {p.pre_exit_days} days before a premature exit.",
        "by_track": {t: {k: _r(v) for k, v in p.attendance[t].items()} for t in TRACKS},
        "pre_exit": {k: _r(v) for k, v in p.pre_exit_attendance.items()},
    }


def followup(p: Params) -> dict:
    shares = _mix({t: reason_shares(p, t) for t in TRACKS}, p)
    eligible = 1 - shares["deceased"] - shares["administrative"]
    completer_share = shares["completed"] / eligible
    rate, abst_resp = {}, {}
    for g in ("completer", "non_completer"):
        rate[g], abst_resp[g] = {}, {}
        for tp in TIMEPOINTS:
            a = p.followup_abstinent[g][tp]
            ra, ru = (p.followup_response[g][s][tp] for s in ("abstinent", "using"))
            rate[g][tp] = a * ra + (1 - a) * ru
            abst_resp[g][tp] = a * ra / rate[g][tp]
    overall = {
        tp: completer_share * rate["completer"][tp]
        + (1 - completer_share) * rate["non_completer"][tp]
        for tp in TIMEPOINTS
    }
    use_days = 1 + (30 - 1) * p.followup_use_days_p
    return {
        "estimand": "Response rate: completed / (follow-ups due at least 45 days before as_of, "
        "excluding status deceased), per timepoint, for completers (discharge_reason completed) "
        "and non-completers (any other recorded reason).",
        "method": "Proportion with a Wilson interval per group; 'overall' assumes the "
        "population mix of completers among follow-up-eligible discharges and is approximate "
        "in a sample (use the per-group rates).",
        "eligible": "Recorded discharges except deceased; no follow-ups for open episodes.",
        "completer_share_of_eligible": _r(completer_share),
        "response_rate": {g: {tp: _r(v) for tp, v in d.items()} for g, d in rate.items()},
        "response_rate_overall": {tp: _r(v) for tp, v in overall.items()},
        "abstinent_latent": {
            g: {tp: _r(v) for tp, v in p.followup_abstinent[g].items()}
            for g in p.followup_abstinent
        },
        "abstinent_among_responders": {
            g: {tp: _r(v) for tp, v in d.items()} for g, d in abst_resp.items()
        },
        "mean_days_abstinent_30_among_responders": {
            g: {tp: _r(30 - (1 - v) * use_days) for tp, v in d.items()}
            for g, d in abst_resp.items()
        },
        "note": "Abstinent clients answer more often, so outcomes among responders overstate "
        "abstinence: the retention-bias table should show it.",
        "contact_outside_30_days_share": _r(p.contact_late_share),
    }


def abstinence(p: Params) -> dict:
    a, b = p.intake_use_beta
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    log_beta30 = math.lgamma(a) + math.lgamma(b + 30) - math.lgamma(a + b + 30)
    return {
        "estimand": "Intake (timepoint intake, window 30): mean days_abstinent and share with "
        "30 of 30 days abstinent, over all episodes.",
        "method": "Sample mean with a t interval; proportion with a Wilson interval.",
        "intake_mean_days_abstinent": _r(30 * b / (a + b)),
        "intake_share_abstinent_30_of_30": _r(math.exp(log_beta30 - log_beta)),
    }


def build(p: Params) -> dict:
    return {
        "parameters": asdict(p),
        "retention": retention(p),
        "discharge_reasons": discharge_reasons(p),
        "return_to_use": return_to_use(p),
        "attendance": attendance(p),
        "followup": followup(p),
        "abstinence": abstinence(p),
    }
