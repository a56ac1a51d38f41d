"""The shared filter bar as one object, turned into the bound parameters every metric takes."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

# Columns a metric may be grouped by ("compare by"). Only these names ever reach SQL.
GROUP_COLUMNS = (
    "track",
    "site",
    "level_of_care",
    "medication",
    "sex",
    "age_group",
    "race_ethnicity",
    "referral_source",
    "primary_substance",
    "counselor",
    "discharge_reason",
    "admission_month",
    "admission_quarter",
    "admission_year",
)


@dataclass(frozen=True)
class Filters:
    """Which episodes a metric counts: admission date range, cohort and episode attributes.

    Empty tuples and None mean "all". Date bounds apply to the admission date, inclusive.
    """

    date_from: date | None = None
    date_to: date | None = None
    quarters: tuple[str, ...] = ()
    tracks: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    sexes: tuple[str, ...] = ()
    age_groups: tuple[str, ...] = ()
    race_ethnicities: tuple[str, ...] = ()

    def params(self, group_by: str | None = None) -> dict[str, object]:
        if group_by is not None and group_by not in GROUP_COLUMNS:
            raise ValueError(f"cannot group by {group_by!r}; choose one of {GROUP_COLUMNS}")
        values: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            values[f.name] = (
                list(value)
                if isinstance(value, tuple) and value
                else (None if isinstance(value, tuple) else value)
            )
        values["group_by"] = group_by
        return values

    def describe(self) -> str:
        """The filters in words, for captions and exports."""
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"admitted {self.date_from or '…'} to {self.date_to or '…'}")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple) and value:
                parts.append(f"{f.name.replace('_', ' ')}: {', '.join(value)}")
        return "; ".join(parts) or "all episodes"


ALL = Filters()
