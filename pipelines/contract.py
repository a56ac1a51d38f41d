"""The data contract (v1): the five input tables, as one table of facts.

Everything that needs to know a column (the loader, the ingestion checks, the generator, the
documentation test) reads it from here, so the contract has exactly one definition.
`docs/data-contract.md` is the human-readable form and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTRACT_VERSION = "1"

DISCHARGE_REASONS = (
    "completed",
    "dropped_out",
    "terminated",
    "transferred",
    "incarcerated",
    "deceased",
    "other",
)
LEVELS_OF_CARE = ("php", "iop", "op")
MEDICATIONS = ("none", "methadone", "buprenorphine", "naltrexone", "other")
ATTENDANCE_STATUSES = ("attended", "excused", "no_show", "cancelled")
SESSION_TYPES = ("group", "individual", "family", "medication", "other")
TEST_METHODS = ("uds", "breath", "self_report")
TEST_RESULTS = ("positive", "negative", "invalid")
ASSESSMENT_TIMEPOINTS = ("intake", "in_treatment", "discharge", "followup")
FOLLOWUP_STATUSES = ("completed", "pending", "unreachable", "refused", "deceased", "incarcerated")
SEXES = ("female", "male", "other", "unknown")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # one of: text, date, integer, boolean
    required: bool
    help: str
    example: str
    allowed: tuple[str, ...] | None = None
    default: str | None = None
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    key: tuple[str, ...]
    date_column: str  # the date that places a row inside an episode
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


CLIENT_ID = Column("client_id", "text", True, "The program's identifier for the client.", "C000123")

ADMISSIONS = Table(
    name="admissions",
    grain="one row per treatment episode (admission)",
    key=("client_id", "admission_date"),
    date_column="admission_date",
    columns=(
        CLIENT_ID,
        Column("admission_date", "date", True, "First day of the episode.", "2025-03-04"),
        Column("track", "text", True, "Program track (time of day or specialty).", "Evening"),
        Column("site", "text", False, "Site of care.", "main", default="main"),
        Column(
            "level_of_care",
            "text",
            False,
            "Level of care at admission.",
            "iop",
            allowed=LEVELS_OF_CARE,
            default="iop",
        ),
        Column(
            "discharge_date",
            "date",
            False,
            "Last day of the episode; empty while the client is still in treatment. "
            "Not before admission_date.",
            "2025-05-20",
        ),
        Column(
            "discharge_reason",
            "text",
            False,
            "Required when discharge_date is set (TEDS REASON codes 1-7, in order).",
            "completed",
            allowed=DISCHARGE_REASONS,
        ),
        Column(
            "medication",
            "text",
            False,
            "Prescribed medication for opioid use disorder.",
            "buprenorphine",
            allowed=MEDICATIONS,
            default="none",
        ),
        Column("primary_substance", "text", False, "Primary substance at admission.", "opioids"),
        Column("sex", "text", False, "Sex.", "female", allowed=SEXES, default="unknown"),
        Column(
            "age_at_admission",
            "integer",
            False,
            "Age in years at admission.",
            "34",
            minimum=10,
            maximum=110,
        ),
        Column("race_ethnicity", "text", False, "Race and ethnicity.", "Hispanic"),
        Column("referral_source", "text", False, "Who referred the client.", "court"),
        Column("counselor", "text", False, "Primary counselor.", "Counselor 07"),
    ),
)

ATTENDANCE = Table(
    name="attendance",
    grain="one row per scheduled session",
    key=("client_id", "session_date", "session_type"),
    date_column="session_date",
    columns=(
        CLIENT_ID,
        Column("session_date", "date", True, "Date of the scheduled session.", "2025-03-05"),
        Column("status", "text", True, "What happened.", "attended", allowed=ATTENDANCE_STATUSES),
        Column(
            "session_type",
            "text",
            False,
            "Kind of session.",
            "group",
            allowed=SESSION_TYPES,
            default="group",
        ),
        Column(
            "duration_minutes",
            "integer",
            False,
            "Scheduled length in minutes.",
            "180",
            minimum=1,
            maximum=720,
        ),
    ),
)

SUBSTANCE_USE = Table(
    name="substance_use",
    grain="one row per test result or self-report, per substance",
    key=("client_id", "test_date", "method", "substance"),
    date_column="test_date",
    columns=(
        CLIENT_ID,
        Column("test_date", "date", True, "Date of the test or of the reported use.", "2025-03-06"),
        Column("method", "text", True, "How the result was obtained.", "uds", allowed=TEST_METHODS),
        Column(
            "substance",
            "text",
            True,
            "Substance name; the seed substance_classes maps it to a class.",
            "fentanyl",
        ),
        Column("result", "text", True, "Result.", "negative", allowed=TEST_RESULTS),
    ),
)

ABSTINENCE = Table(
    name="abstinence",
    grain="one row per abstinent-day assessment, per substance",
    key=("client_id", "assessment_date", "substance"),
    date_column="assessment_date",
    columns=(
        CLIENT_ID,
        Column("assessment_date", "date", True, "Date of the interview.", "2025-03-04"),
        Column(
            "window_days",
            "integer",
            False,
            "Length of the recall window in days.",
            "30",
            default="30",
            minimum=1,
            maximum=365,
        ),
        Column(
            "days_abstinent",
            "integer",
            True,
            "Days without use in the window (0..window_days).",
            "21",
            minimum=0,
            maximum=365,
        ),
        Column(
            "timepoint",
            "text",
            False,
            "When in care the interview took place.",
            "intake",
            allowed=ASSESSMENT_TIMEPOINTS,
        ),
        Column(
            "substance",
            "text",
            False,
            "Substance asked about; `any` = alcohol or illicit drugs.",
            "any",
            default="any",
        ),
    ),
)

FOLLOWUPS = Table(
    name="followups",
    grain="one row per scheduled post-discharge follow-up",
    key=("client_id", "timepoint", "due_date"),
    date_column="due_date",
    columns=(
        CLIENT_ID,
        Column("timepoint", "text", True, "Label of the follow-up point.", "90d"),
        Column("due_date", "date", True, "Date the follow-up is due.", "2025-08-18"),
        Column(
            "status",
            "text",
            True,
            "Outcome of the attempt.",
            "completed",
            allowed=FOLLOWUP_STATUSES,
        ),
        Column(
            "contact_date", "date", False, "Date reached; required when completed.", "2025-08-25"
        ),
        Column(
            "days_abstinent_30",
            "integer",
            False,
            "Days without alcohol or drug use in the past 30.",
            "30",
            minimum=0,
            maximum=30,
        ),
        Column("employed_or_in_school", "boolean", False, "Employed or in school.", "true"),
        Column("stable_housing", "boolean", False, "In stable housing.", "true"),
        Column("arrested_30d", "boolean", False, "Arrested in the past 30 days.", "false"),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (ADMISSIONS, ATTENDANCE, SUBSTANCE_USE, ABSTINENCE, FOLLOWUPS)
}

BOOLEAN_TRUE = ("true", "1", "yes", "y")
BOOLEAN_FALSE = ("false", "0", "no", "n")
