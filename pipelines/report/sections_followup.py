"""The report's sections on outcomes: abstinence (paired), follow-up rates against the 80%
target, outcomes among those reached (NOMs) and the retention-bias table."""

from __future__ import annotations

from markupsafe import Markup, escape

from pipelines.report.cells import Row, decimal, missing
from pipelines.report.charts import followup_chart
from pipelines.report.layout import PERIODS, pivot, view
from pipelines.report.model import Chart, Section
from pipelines.report.protection import Protected

OUTCOME_LABELS = {
    "abstinent": "Abstinent (no use, past 30 days)",
    "employed_or_in_school": "Employed or in school",
    "stable_housing": "Stable housing",
    "arrested_30d": "Arrested, past 30 days",
}
CAUTION = (
    "Change from intake is not an effect of treatment: there is no comparison group, scores "
    "drift towards the mean, and the clients reached differ from those lost (see the "
    "retention-bias table)."
)


def abstinence_section(tables: dict[str, Protected], k: int) -> Section:
    def later(r: Row) -> Markup:
        point = str(r.data["timepoint"])
        return escape("Discharge" if point == "discharge" else f"Follow-up {point}")

    def pda(r: Row) -> Markup:
        blank = r._blank("intake_rate_mean", "rate_mean")
        if blank:
            return blank
        means = [r.data["intake_rate_mean"], r.data["rate_mean"]]
        return escape(" → ".join(f"{100 * float(m):.1f}%" for m in means))

    header = ["Group", "Later point", "Pairs", "Abstinent at intake", "Abstinent later"]
    header.append("Mean % days abstinent, intake → later")
    table = view(
        "abstinence", "Abstinence at intake and later, same clients", PERIODS["abstinence"],
        header, tables["abstinence"],
        lambda label, r: [escape(label), later(r), r.count("n_pairs"),
                          r.share("intake_rate", "n_fully_abstinent_intake", "n_pairs"),
                          r.share("abstinent_rate", "n_fully_abstinent", "n_pairs"), pda(r)],
        k, caption="Abstinent: no alcohol or illicit-drug use in the past 30 days (SAMHSA GPRA). "
        + CAUTION,
    )  # fmt: skip
    intro = (
        "Abstinence at intake compared with discharge and with each follow-up, on the same "
        "clients (paired), with numerators and denominators."
    )
    return Section("abstinence", "Abstinence at intake, discharge and follow-up", intro, [table])


def followup_section(tables: dict[str, Protected], k: int, window: int) -> Section:
    followups = tables["followups"]
    period = PERIODS["followups"].format(window=window)
    program = followups.data["dimension"] == "program"

    def target(r: Row) -> Markup:
        blank = r._blank("meets_target")
        if blank:
            return blank
        return escape("n/a" if missing(r.data["followup_rate"]) else
                      ("yes" if bool(r.data["meets_target"]) else "no"))  # fmt: skip

    header = ["Timepoint", "Counted", "Reached in window", "Follow-up rate (95% CI)"]
    header.append("Meets the 80% target")
    overall = view(
        "followups", "Follow-up rate per timepoint, all clients", period, header, followups,
        lambda _, r: [r.text("timepoint"), r.count("n_eligible"), r.count("n_in_window"),
                      r.percent("followup_rate"), target(r)],
        k, where=program,
        caption=f"In-window rule: a follow-up counts as reached when the client was interviewed "
        f"within {window} days before or after its due date (SUPRT: 180 ± 30 days). Counted: "
        "every follow-up whose window closed, reached or not (unreachable, refused, "
        "incarcerated, pending), except clients who died (SAMHSA GPRA). SAMHSA requires at "
        "least 80%.",
    )  # fmt: skip
    by_group = pivot(
        "followups_by_group", "Follow-up rate by track and site: rate (reached / counted)",
        period, followups, "timepoint",
        lambda r: r.share("followup_rate", "n_in_window", "n_eligible"), k,
        order="timepoint_order",
    )  # fmt: skip
    chart = Chart("followup", "Follow-up rate per timepoint against the SAMHSA 80% target",
                  followup_chart(followups))  # fmt: skip
    intro = (
        "Post-discharge follow-up interviews whose window closed in the quarter, and the share "
        "reached inside the window, against SAMHSA's 80% requirement."
    )
    return Section("followup", "Follow-up rates", intro, [overall, by_group], [chart])


def outcomes_section(tables: dict[str, Protected], k: int) -> Section:
    outcomes = tables["outcomes"]
    header = ["Group", "Timepoint", "Reached", *OUTCOME_LABELS.values()]
    keys = ["dimension", "group", "timepoint"]
    data = outcomes.data
    first = data.drop_duplicates(keys)
    where = dict(zip(zip(*(data[c] for c in [*keys, "outcome"]), strict=True), data.index,
                     strict=True))  # fmt: skip

    def cells(label: str, r: Row) -> list[Markup]:
        line = [escape(label), r.text("timepoint"), r.count("n_reached")]
        point = tuple(r.data[c] for c in keys)
        for outcome in OUTCOME_LABELS:
            index = where.get((*point, outcome))
            if index is None:
                line.append(escape(""))
                continue
            row = Row(data.loc[index], outcomes.reasons.loc[index], r.notes)
            line.append(row.share("outcome_rate", "n_yes", "n_answered"))
        return line

    table = view(
        "outcomes", "Outcomes among clients reached: share (yes / answered)", PERIODS["outcomes"],
        header, Protected(first, outcomes.reasons.loc[first.index], outcomes.spec), cells, k,
        caption="National Outcome Measures (NOMs) among the clients reached inside the window. "
        "They describe those reached; clients lost to follow-up often do worse.",
    )  # fmt: skip
    intro = "Abstinence, employment or school, housing and arrests at each follow-up."
    return Section("outcomes", "Outcomes among clients reached", intro, [table])


def bias_section(tables: dict[str, Protected], k: int) -> Section:
    def value(r: Row, side: str) -> Markup:
        blank = r._blank(f"n_{side}", f"{side}_value")
        if blank:
            return blank
        amount = r.data[f"{side}_value"]
        if r.data["value_kind"] == "median":
            if "abstinent" in str(r.data["characteristic"]):
                return escape("n/a" if missing(amount) else f"{100 * float(amount):.1f}%")
            return escape(decimal(amount))
        share = "n/a" if missing(amount) else f"{100 * float(amount):.1f}%"
        return escape(f"{share} ({int(r.data[f'n_{side}']):,})")

    header = ["Characteristic", "Level", "Followed", "Lost", "Test", "p", "p (BH)"]
    table = view(
        "bias", "Intake characteristics of clients followed up and of clients lost",
        PERIODS["bias"], header, tables["bias"],
        lambda _, r: [r.text("characteristic"), r.text("level"), value(r, "followed"),
                      value(r, "lost"), escape(short_test(str(r.data["test"]))),
                      r.p_value("p_value"), r.p_value("p_adjusted")],
        k, caption="Followed: reached inside the window at least once; lost: never. Medians for "
        "amounts (Mann–Whitney U), shares with counts for categories (Pearson chi-square, with "
        "Yates' correction for two levels; Fisher's exact test for a sparse two-by-two table); "
        "p (BH): Benjamini–Hochberg across the characteristics.",
    )  # fmt: skip
    _once_per_characteristic(table, tables["bias"])
    intro = (
        "The retention-bias table (National Academies' CARA reviews): do the clients reached "
        "at follow-up differ at intake from those lost? Outcomes among those reached can only "
        "be read with it."
    )
    if len(tables["bias"].data):
        row = Row(tables["bias"].data.iloc[0], tables["bias"].reasons.iloc[0], None)
        intro += f" Followed: {_total(row, 'n_followed_total')}; lost: "
        intro += f"{_total(row, 'n_lost_total')}."
    return Section("bias", "Retention bias: followed versus lost", intro, [table])


def short_test(name: str) -> str:
    for start, short in (("Mann", "Mann–Whitney U"), ("Pearson", "Chi-square"),
                         ("Fisher", "Fisher's exact")):  # fmt: skip
        if name.startswith(start):
            return short
    return name


def _once_per_characteristic(printed, table: Protected) -> None:
    """Name a characteristic, its test and p-values on its first line only."""
    previous = None
    for line, characteristic in zip(printed.rows, table.data["characteristic"], strict=True):
        if characteristic == previous:
            for i in (0, 4, 5, 6):
                line[i] = escape("")
        previous = characteristic


def _total(row: Row, column: str) -> str:
    if row.reasons.get(column, ""):
        return "not shown (small count)"
    return f"{int(row.data[column]):,}"
