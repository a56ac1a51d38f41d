"""The substance classes weekly use-pattern words are built for (marts.use_weeks)."""

from __future__ import annotations

# The classes of marts.use_substance_classes, in display order; a test keeps them equal.
SUBSTANCE_CLASSES = ("opioids", "alcohol", "stimulants", "any")
SUBSTANCE_HELP = {
    "opioids": "urine drug screens for opioids (the client's prescribed methadone or "
    "buprenorphine left out)",
    "alcohol": "urine drug screens and breath tests for alcohol",
    "stimulants": "urine drug screens for cocaine, methamphetamine and other stimulants",
    "any": "alcohol or any drug: every urine drug screen and breath test",
}


def check_substance(substance: str) -> str:
    if substance not in SUBSTANCE_CLASSES:
        raise ValueError(f"substance must be one of {SUBSTANCE_CLASSES}, not {substance!r}")
    return substance
