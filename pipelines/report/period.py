"""A reporting quarter ("2026Q3"): its days, the part of it the data covers, the quarters before."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

QUARTER_PATTERN = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2026Q3' (also '2026-Q3', '2026q3') as a Quarter."""
        match = QUARTER_PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"quarter {text!r} is not like 2026Q3")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        following = self.shift(1).start
        return following - timedelta(days=1)

    def shift(self, quarters: int) -> Quarter:
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    def last(self, n: int) -> list[Quarter]:
        """The n quarters ending with this one, oldest first."""
        return [self.shift(i) for i in range(1 - n, 1)]

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class Period:
    """The days of a quarter the report counts: the quarter, cut at the data cut-off."""

    quarter: Quarter
    as_of: date

    def __post_init__(self) -> None:
        if self.quarter.start > self.as_of:
            raise ValueError(
                f"quarter {self.quarter} starts after the data cut-off {self.as_of}: no data yet"
            )

    @property
    def start(self) -> date:
        return self.quarter.start

    @property
    def end(self) -> date:
        return min(self.quarter.end, self.as_of)

    @property
    def is_partial(self) -> bool:
        return self.end < self.quarter.end

    def describe(self) -> str:
        text = f"{self.quarter} ({self.start.isoformat()} to {self.end.isoformat()}"
        return text + (", cut at the data cut-off)" if self.is_partial else ")")

    def params(self) -> dict[str, date]:
        return {"period_start": self.start, "period_end": self.end}
