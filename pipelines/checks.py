"""Row checks generated from the data contract, run in DuckDB over text columns.

Each check yields violations as rows of (line, column, value, reason). The strict loader stops at
the first one; ingestion ([3/9]) quarantines the rows instead. One definition serves both.
"""

from __future__ import annotations

from pipelines.contract import BOOLEAN_FALSE, BOOLEAN_TRUE, Column, Table

DATE_FORMAT = "%Y-%m-%d"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def typed_expression(column: Column, date_format: str = DATE_FORMAT) -> str:
    """SQL turning the text column into its contract type; NULL when it does not parse."""
    ref = f"nullif(trim({_quote(column.name)}), '')"
    if column.type == "date":
        return f"try_strptime({ref}, '{date_format}')::date"
    if column.type == "integer":
        return f"try_cast({ref} as integer)"
    if column.type == "boolean":
        return (
            f"case when lower({ref}) in {_in_list(BOOLEAN_TRUE)} then true "
            f"when lower({ref}) in {_in_list(BOOLEAN_FALSE)} then false end"
        )
    return ref


def _in_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join("'" + v + "'" for v in values) + ")"


def column_checks(column: Column, date_format: str = DATE_FORMAT) -> list[tuple[str, str]]:
    """(condition that marks a bad value, reason in words) for one column."""
    raw = f"nullif(trim({_quote(column.name)}), '')"
    typed = typed_expression(column, date_format)
    checks: list[tuple[str, str]] = []
    if column.required:
        checks.append((f"{raw} is null", f"{column.name} is required but empty"))
    if column.type == "date":
        shown = date_format.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")
        checks.append((f"{raw} is not null and {typed} is null", f"not a date ({shown})"))
    elif column.type == "integer":
        checks.append((f"{raw} is not null and {typed} is null", "not a whole number"))
    elif column.type == "boolean":
        checks.append((f"{raw} is not null and {typed} is null", "not true or false"))
    if column.allowed:
        checks.append(
            (
                f"{raw} is not null and not list_contains({_literal_list(column.allowed)}, "
                f"lower({raw}))",
                "not one of: " + ", ".join(column.allowed),
            )
        )
    if column.minimum is not None:
        checks.append((f"{typed} < {column.minimum}", f"below the minimum {column.minimum}"))
    if column.maximum is not None:
        checks.append((f"{typed} > {column.maximum}", f"above the maximum {column.maximum}"))
    return checks


def row_checks(table: Table, date_format: str = DATE_FORMAT) -> list[tuple[str, str, str]]:
    """Checks across columns of one row: (column to blame, condition, reason)."""
    t = {c.name: typed_expression(c, date_format) for c in table.columns}
    if table.name == "admissions":
        return [
            (
                "discharge_date",
                f"{t['discharge_date']} < {t['admission_date']}",
                "discharge_date is before admission_date",
            ),
            (
                "discharge_reason",
                f"{t['discharge_date']} is not null and {t['discharge_reason']} is null",
                "discharge_reason is required when discharged",
            ),
            (
                "discharge_reason",
                f"{t['discharge_date']} is null and {t['discharge_reason']} is not null",
                "discharge_reason given but discharge_date is empty",
            ),
        ]
    if table.name == "abstinence":
        return [
            (
                "days_abstinent",
                f"{t['days_abstinent']} > coalesce({t['window_days']}, 30)",
                "days_abstinent is larger than window_days",
            ),
        ]
    if table.name == "followups":
        return [
            (
                "contact_date",
                f"{t['status']} = 'completed' and {t['contact_date']} is null",
                "contact_date is required when status is completed",
            ),
        ]
    return []


def violations_sql(table: Table, relation: str, date_format: str = DATE_FORMAT) -> str:
    """A query listing every violation in `relation` (text columns plus `_line`)."""
    parts = []
    for column in table.columns:
        for condition, reason in column_checks(column, date_format):
            parts.append(_violation(column.name, condition, reason, relation))
    for column_name, condition, reason in row_checks(table, date_format):
        parts.append(_violation(column_name, condition, reason, relation))
    return "\nunion all\n".join(parts)


def _violation(column: str, condition: str, reason: str, relation: str) -> str:
    reason_sql = reason.replace("'", "''")
    return (
        f"select _line as line, '{column}' as column_name, "
        f"{_quote(column)}::varchar as value, '{reason_sql}' as reason "
        f"from {relation} where {condition}"
    )
