"""Row checks generated from the data contract, run in DuckDB over text columns.

One definition serves the strict build (stop at the first violation) and ingestion (quarantine the
row). Every value is translated once per row, in two projections: `_m_<column>` is the cell as
contract text (trimmed, empty spellings as NULL, a profile's local codes translated) and
`_t_<column>` its typed value. Checks are cheap conditions over those two, so a whole file is
checked in one vectorised pass, never per row in Python. (Written as nested projections because
DuckDB evaluates a long CASE over repeated parse expressions several times slower.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipelines.contract import BOOLEAN_FALSE, BOOLEAN_TRUE, Column, Table

DATE_FORMAT = "%Y-%m-%d"
EARLIEST_DATE = date(1900, 1, 1)
# A follow-up is scheduled ahead: its due date may lie after the data cut-off.
FUTURE_ALLOWED = frozenset({"due_date"})
# Staging lower-cases these free-text columns, so keys must compare them ignoring case too.
LOWERCASED = frozenset({"substance"})


@dataclass(frozen=True)
class ValueRules:
    """How the text of one source spells values: what a profile says about a table."""

    date_formats: tuple[str, ...] = (DATE_FORMAT,)
    true_values: tuple[str, ...] = BOOLEAN_TRUE
    false_values: tuple[str, ...] = BOOLEAN_FALSE
    null_values: tuple[str, ...] = ()
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # column: local -> contract
    cutoff: date | None = None  # no event may be dated after this

    @property
    def iso_dates(self) -> bool:
        return self.date_formats == (DATE_FORMAT,)


@dataclass(frozen=True)
class Check:
    name: str  # stable code, for grouping on a data-quality page
    column: str  # the column a person should look at
    condition: str  # SQL over `_m_*` and `_t_*` columns, true when the row breaks the check
    reason: str  # words shown to a program administrator


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def m(name: str) -> str:
    return quote(f"_m_{name}")


def t(name: str) -> str:
    return quote(f"_t_{name}")


def _in_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"


def shown_format(formats: tuple[str, ...]) -> str:
    words = {"%Y": "YYYY", "%y": "YY", "%m": "MM", "%d": "DD", "%H": "hh", "%M": "mm", "%S": "ss"}
    shown = []
    for f in formats:
        for code, word in words.items():
            f = f.replace(code, word)
        shown.append(f)
    return " or ".join(shown)


def mapped_expression(column: Column, rules: ValueRules, ref: str) -> str:
    """The cell as contract text: trimmed, empty spellings as NULL, local codes translated."""
    # trim() only where a space is at either end: trimming every cell cost more than parsing it.
    padded = f"{ref} like ' %' or {ref} like '% '"
    out = f"nullif(case when {padded} then trim({ref}) else {ref} end, '')"
    if rules.null_values:
        nulls = _in_list(tuple(v.lower() for v in rules.null_values))
        out = f"(case when lower({out}) in {nulls} then null else {out} end)"
    codes = rules.codes.get(column.name)
    if codes:
        whens = " ".join(f"when {literal(k.lower())} then {literal(v)}" for k, v in codes.items())
        out = f"(case lower({out}) {whens} else {out} end)"
    return out


def typed_expression(column: Column, rules: ValueRules, ref: str) -> str:
    """SQL turning mapped text into its contract type; NULL when it does not parse."""
    if column.type == "date":
        # Not try_cast: it reads "01/07/26" as the year 1.
        formats = "[" + ", ".join(literal(f) for f in rules.date_formats) + "]"
        return f"try_strptime({ref}, {formats})::date"
    if column.type == "integer":
        # A plain cast rounds 34.5 to 35: a decimal point is allowed only before zeros ("34.0").
        whole = f"regexp_full_match({ref}, '[+-]?[0-9]+\\.0*')"
        cast = f"try_cast({ref} as integer)"
        return f"(case when not contains({ref}, '.') then {cast} when {whole} then {cast} end)"
    if column.type == "boolean":
        yes = _in_list(tuple(v.lower() for v in rules.true_values))
        no = _in_list(tuple(v.lower() for v in rules.false_values))
        return (
            f"(case when lower({ref}) in {yes} then true when lower({ref}) in {no} then false end)"
        )
    if column.allowed or column.name in LOWERCASED:
        return f"lower({ref})"
    return ref


def normalized_expression(column: Column, rules: ValueRules) -> str:
    """The text stored in `raw` (from `_m_`/`_t_`): ISO dates, plain integers, true/false.

    Only rows that pass every check are stored normalized, so a date is between 1900 and the
    cut-off (or a later due date): there a date's cast to text is its `%Y-%m-%d` spelling, and
    it costs a third of `strftime` or of testing whether the cell is already canonical.
    """
    typed = t(column.name)
    if column.type == "date":
        return f"{typed}::varchar"
    if column.type == "integer":
        return f"{typed}::varchar"
    if column.type == "boolean":
        return f"(case {typed} when true then 'true' when false then 'false' end)"
    return typed


def key_expression(column: Column, normalized: str) -> str:
    """A key value as staging will see it: contract defaults filled in."""
    if column.default is None:
        return normalized
    return f"coalesce({normalized}, {literal(column.default)})"


def column_checks(column: Column, rules: ValueRules = ValueRules()) -> list[Check]:
    raw, typed, name = m(column.name), t(column.name), column.name
    checks: list[Check] = []
    if column.required:
        checks.append(
            Check("missing_value", name, f"{raw} is null", f"{name} is required but empty")
        )
    unparsed = f"{raw} is not null and {typed} is null"
    if column.type == "date":
        shown = shown_format(rules.date_formats)
        checks.append(Check("not_a_date", name, unparsed, f"not a date ({shown})"))
        checks.append(
            Check(
                "date_too_early",
                name,
                f"{typed} < date '{EARLIEST_DATE}'",
                f"a date before {EARLIEST_DATE.year}: probably a typing error",
            )
        )
        if rules.cutoff is not None and name not in FUTURE_ALLOWED:
            checks.append(
                Check(
                    "after_cutoff",
                    name,
                    f"{typed} > date '{rules.cutoff}'",
                    f"after the data cut-off {rules.cutoff}",
                )
            )
    elif column.type == "integer":
        checks.append(Check("not_a_number", name, unparsed, "not a whole number"))
    elif column.type == "boolean":
        checks.append(Check("not_yes_no", name, unparsed, "not true or false"))
    if column.allowed:
        checks.append(
            Check(
                "not_allowed",
                name,
                f"{typed} is not null and {typed} not in {_in_list(column.allowed)}",
                "not one of: " + ", ".join(column.allowed),
            )
        )
    if column.minimum is not None:
        below = f"below the minimum {column.minimum}"
        checks.append(Check("below_minimum", name, f"{typed} < {column.minimum}", below))
    if column.maximum is not None:
        above = f"above the maximum {column.maximum}"
        checks.append(Check("above_maximum", name, f"{typed} > {column.maximum}", above))
    return checks


def row_checks(table: Table) -> list[Check]:
    """Checks across the columns of one row."""
    if table.name == "admissions":
        return [
            Check(
                "discharge_before_admission",
                "discharge_date",
                f"{t('discharge_date')} < {t('admission_date')}",
                "discharge_date is before admission_date",
            ),
            Check(
                "discharge_without_reason",
                "discharge_reason",
                f"{t('discharge_date')} is not null and {t('discharge_reason')} is null",
                "discharge_reason is required when discharged",
            ),
            Check(
                "reason_without_discharge",
                "discharge_reason",
                f"{t('discharge_date')} is null and {t('discharge_reason')} is not null",
                "discharge_reason given but discharge_date is empty",
            ),
        ]
    if table.name == "abstinence":
        return [
            Check(
                "days_over_window",
                "days_abstinent",
                f"{t('days_abstinent')} > coalesce({t('window_days')}, 30)",
                "days_abstinent is larger than window_days",
            )
        ]
    if table.name == "followups":
        return [
            Check(
                "completed_without_contact",
                "contact_date",
                f"{t('status')} = 'completed' and {t('contact_date')} is null",
                "contact_date is required when status is completed",
            )
        ]
    return []


def checks_for(table: Table, rules: ValueRules = ValueRules()) -> list[Check]:
    """Every check of a table, column checks first (in contract order), then row checks."""
    out = [check for column in table.columns for check in column_checks(column, rules)]
    return out + row_checks(table)


def checked_sql(table: Table, rules: ValueRules, source: str, checks: list[Check]) -> str:
    """`source` (text columns named as the contract's) with `_m_*`, `_t_*` and `_problem`:
    the index in `checks` of the first check the row breaks (NULL for a good row)."""
    mapped = ", ".join(
        f"{mapped_expression(c, rules, quote(c.name))} as {m(c.name)}" for c in table.columns
    )
    typed = ", ".join(
        f"{typed_expression(c, rules, m(c.name))} as {t(c.name)}" for c in table.columns
    )
    whens = " ".join(f"when {c.condition} then {i}" for i, c in enumerate(checks))
    return (
        f"select *, (case {whens} end) as _problem "
        f"from (select *, {typed} from (select *, {mapped} from {source}))"
    )
