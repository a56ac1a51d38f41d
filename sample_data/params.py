"""Parameters of the simulated program: every effect whose true size the product must recover.

Each value is written to truth.json, so a test reads the truth from the data, not from this file.
Shares are keyed by name so truth.json reads like the code. Rates are per *weekday* of treatment
(the program meets on weekdays only), which keeps the survival truth exact: see timeline.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TRACKS = ("Morning", "Afternoon", "Evening", "Professionals", "Co-occurring")
REFERENCE_TRACK = "Morning"
SITES = ("Northside", "Downtown", "Riverside")
COUNSELORS_PER_SITE = 4  # "Counselor 01".."Counselor 12", sites in order

# Internal episode outcomes. 0-6 follow the contract's DISCHARGE_REASONS (TEDS REASON order);
# 7 = administrative discharge (open episode, client stopped attending), 8 = active at the cut-off.
COMPLETED, DROPPED_OUT, TERMINATED, TRANSFERRED, INCARCERATED, DECEASED, OTHER = range(7)
ADMINISTRATIVE, ACTIVE = 7, 8
PREMATURE = (DROPPED_OUT, TERMINATED, ADMINISTRATIVE)

PRIMARY_SUBSTANCES = (
    "alcohol",
    "opioids",
    "methamphetamine",
    "cocaine",
    "cannabis",
    "benzodiazepines",
)
# Names written to substance_use.substance (UDS analytes; self-report adds "cannabis").
ANALYTES = (
    "fentanyl",
    "heroin",
    "oxycodone",
    "methadone",
    "buprenorphine",
    "cocaine",
    "methamphetamine",
    "amphetamine",
    "thc",
    "benzodiazepine",
    "alcohol",
)
TIMEPOINTS = ("30d", "90d", "180d", "365d")
TIMEPOINT_DAYS = (30, 90, 180, 365)


def _by_track(*values: float) -> dict[str, float]:
    return dict(zip(TRACKS, values, strict=True))


@dataclass(frozen=True)
class Params:
    """Every knob of the simulator; defaults reproduce TEDS 2004 IOP discharge proportions."""

    # --- admissions -----------------------------------------------------------------------------
    span_months: int = 24  # 8 quarters ending at as_of
    track_shares: dict[str, float] = field(
        default_factory=lambda: _by_track(0.24, 0.20, 0.23, 0.15, 0.18)
    )
    # Relative admission volume by calendar month (January bump, December dip).
    month_weights: tuple[float, ...] = (
        1.25,
        1.10,
        1.05,
        1.0,
        1.0,
        0.95,
        0.95,
        1.0,
        1.05,
        1.0,
        0.90,
        0.75,
    )
    level_shares: dict[str, float] = field(
        default_factory=lambda: {"iop": 0.85, "php": 0.08, "op": 0.07}
    )
    readmission_share: float = 0.12  # share of episodes that are a client's second or later
    readmission_min_gap_days: int = 31
    readmission_mean_extra_gap_days: float = 120.0
    # Relative chance that a discharge is followed by a readmission, by discharge reason.
    readmission_weights: dict[str, float] = field(
        default_factory=lambda: {
            "completed": 1.0,
            "dropped_out": 2.0,
            "terminated": 2.0,
            "transferred": 0.5,
            "incarcerated": 1.0,
            "other": 1.0,
        }
    )

    # --- length of stay and exits ---------------------------------------------------------------
    planned_weeks: dict[str, float] = field(
        default_factory=lambda: {"8": 0.20, "9": 0.15, "10": 0.25, "11": 0.15, "12": 0.25}
    )
    extension_share: float = 0.20  # plans extended by the team, so some stays pass day 90
    extension_weeks: tuple[int, ...] = (2, 3, 4)
    # Latent premature exit: exponential in weekday-time, rate = base * hazard ratio of the track.
    premature_rate: float = 0.00953
    premature_hr: dict[str, float] = field(
        default_factory=lambda: _by_track(1.0, 1.15, 1.5, 0.7, 1.3)
    )
    premature_split: dict[str, float] = field(
        default_factory=lambda: {"dropped_out": 0.47, "terminated": 0.38, "administrative": 0.15}
    )
    # Competing exits that are not premature (independent censoring of the premature exit).
    other_exit_rate: float = 0.00748
    other_exit_split: dict[str, float] = field(
        default_factory=lambda: {
            "transferred": 0.713,
            "incarcerated": 0.08,
            "deceased": 0.02,
            "other": 0.187,
        }
    )
    admin_trailing_days: int = 14  # no-shows stay on the schedule this long after the last visit

    # --- schedule and attendance ----------------------------------------------------------------
    group_days_iop: dict[str, float] = field(
        default_factory=lambda: {"3": 0.40, "4": 0.35, "5": 0.25}
    )
    group_minutes: tuple[int, ...] = (120, 150, 180)
    individual_minutes: int = 60
    family_minutes: int = 90
    medication_minutes: int = 30
    family_share: float = 0.25  # clients with a family session every other week
    attendance: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "Morning": {"attended": 0.86, "excused": 0.06, "no_show": 0.06, "cancelled": 0.02},
            "Afternoon": {"attended": 0.84, "excused": 0.06, "no_show": 0.08, "cancelled": 0.02},
            "Evening": {"attended": 0.80, "excused": 0.07, "no_show": 0.11, "cancelled": 0.02},
            "Professionals": {
                "attended": 0.88,
                "excused": 0.07,
                "no_show": 0.03,
                "cancelled": 0.02,
            },
            "Co-occurring": {"attended": 0.78, "excused": 0.09, "no_show": 0.11, "cancelled": 0.02},
        }
    )
    pre_exit_days: int = 21  # attendance worsens over these days before a premature exit
    pre_exit_attendance: dict[str, float] = field(
        default_factory=lambda: {
            "attended": 0.55,
            "excused": 0.12,
            "no_show": 0.31,
            "cancelled": 0.02,
        }
    )

    # --- substance use --------------------------------------------------------------------------
    primary_shares: dict[str, float] = field(
        default_factory=lambda: {
            "alcohol": 0.35,
            "opioids": 0.30,
            "methamphetamine": 0.12,
            "cocaine": 0.10,
            "cannabis": 0.10,
            "benzodiazepines": 0.03,
        }
    )
    opioid_analyte_shares: dict[str, float] = field(
        default_factory=lambda: {"fentanyl": 0.60, "heroin": 0.25, "oxycodone": 0.15}
    )
    moud_share: float = 0.55  # of opioid clients
    moud_split: dict[str, float] = field(
        default_factory=lambda: {"methadone": 0.35, "buprenorphine": 0.50, "naltrexone": 0.15}
    )
    moud_adherence: float = 0.90  # screens positive for the prescribed methadone/buprenorphine
    # Weekly use state: a two-state Markov chain over treatment weeks.
    use_week1: float = 0.45  # P(use in week 1)
    return_to_use: dict[str, float] = field(
        default_factory=lambda: _by_track(0.10, 0.11, 0.13, 0.07, 0.15)
    )
    moud_return_multiplier: float = 0.6
    stop_use: float = 0.40  # P(no use next week | use this week)
    use_days_extra_p: float = 0.30  # days used in a use week = 1 + Binomial(6, p)
    secondary_share: float = 0.30  # clients with a second substance
    secondary_positive: float = 0.5  # P(second substance positive | use week)
    heroin_fentanyl_positive: float = 0.6  # heroin supply often carries fentanyl
    screen_missed: float = 0.10  # weekly screen skipped at random (besides absences)
    screen_invalid: float = 0.02  # specimen invalid (dilute, adulterated): all analytes invalid
    self_report_sensitivity: float = 0.75
    breath_positive_given_use: float = 0.35  # alcohol clients: same-day drinking
    intake_use_beta: tuple[float, float] = (2.0, 3.0)  # daily use probability before admission
    discharge_interview: dict[str, float] = field(
        default_factory=lambda: {
            "completed": 0.95,
            "transferred": 0.85,
            "dropped_out": 0.35,
            "terminated": 0.35,
            "incarcerated": 0.35,
            "other": 0.35,
        }
    )

    # --- follow-ups -----------------------------------------------------------------------------
    followup_abstinent: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "completer": {"30d": 0.62, "90d": 0.50, "180d": 0.42, "365d": 0.36},
            "non_completer": {"30d": 0.40, "90d": 0.31, "180d": 0.26, "365d": 0.22},
        }
    )
    followup_response: dict[str, dict[str, dict[str, float]]] = field(
        default_factory=lambda: {
            "completer": {
                "abstinent": {"30d": 0.88, "90d": 0.82, "180d": 0.76, "365d": 0.70},
                "using": {"30d": 0.70, "90d": 0.62, "180d": 0.55, "365d": 0.48},
            },
            "non_completer": {
                "abstinent": {"30d": 0.72, "90d": 0.64, "180d": 0.56, "365d": 0.50},
                "using": {"30d": 0.52, "90d": 0.44, "180d": 0.37, "365d": 0.31},
            },
        }
    )
    followup_death_per_interval: float = 0.004
    nonresponse_split: dict[str, float] = field(
        default_factory=lambda: {"unreachable": 0.72, "refused": 0.16, "incarcerated": 0.12}
    )
    contact_early_days: int = 14  # contact offsets: uniform in [-14, +30] ...
    contact_late_share: float = 0.10  # ... except this share, uniform in [+31, +45]
    contact_late_max_days: int = 45
    pending_horizon_days: int = 30  # follow-ups due up to this many days after as_of: "pending"
    followup_use_days_p: float = 0.3  # days used when not abstinent = 1 + Binomial(29, p)
    outcome_given_abstinent: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "employed_or_in_school": {"abstinent": 0.62, "using": 0.45},
            "stable_housing": {"abstinent": 0.88, "using": 0.74},
            "arrested_30d": {"abstinent": 0.03, "using": 0.10},
        }
    )

    # --- demographics ---------------------------------------------------------------------------
    sex_shares: dict[str, float] = field(
        default_factory=lambda: {"male": 0.62, "female": 0.37, "other": 0.005, "unknown": 0.005}
    )
    race_shares: dict[str, float] = field(
        default_factory=lambda: {
            "White": 0.58,
            "Black or African American": 0.15,
            "Hispanic or Latino": 0.16,
            "American Indian or Alaska Native": 0.025,
            "Asian": 0.015,
            "Native Hawaiian or Pacific Islander": 0.003,
            "Two or more races": 0.03,
            "Unknown": 0.037,
        }
    )
    referral_shares: dict[str, float] = field(
        default_factory=lambda: {
            "self": 0.35,
            "court": 0.25,
            "employer": 0.05,
            "physician": 0.15,
            "family": 0.12,
            "other": 0.08,
        }
    )
    professionals_employer_referral: float = 0.30  # the Professionals track's extra employer share
    secondary_analytes: dict[str, float] = field(
        default_factory=lambda: {
            "thc": 0.45,
            "alcohol": 0.20,
            "cocaine": 0.15,
            "benzodiazepine": 0.10,
            "methamphetamine": 0.10,
        }
    )
    age_gamma: tuple[float, float] = (2.2, 8.0)  # age = 18 + Gamma(shape, scale), capped at 80
