"""The dashboard's pages, and which of them a role opens with the filter bar (the pages a
warm-up fills the cache for)."""

from __future__ import annotations

from pipelines.access import Role, allowed

# (file, title, icon, the table or action a role must be allowed to open it, uses the filter bar)
PAGES = (
    ("overview", "Overview", ":material/dashboard:", "active_census", True),
    ("retention", "Retention & attendance", ":material/timeline:", "retention_at", True),
    ("relapse", "Relapse & use", ":material/science:", "negative_screen_rate", True),
    ("followup", "Follow-up", ":material/call:", "followup_status", True),
    ("compare", "Cohort comparison", ":material/compare_arrows:", "compare_groups", True),
    ("quarterly", "Quarterly report", ":material/summarize:", "completion_rate", True),
    ("at_risk", "At-risk clients", ":material/priority_high:", "at_risk_clients", True),
    ("data_quality", "Data quality", ":material/fact_check:", "freshness", True),
    ("upload", "Upload", ":material/upload:", "upload", False),
    ("definitions", "Definitions", ":material/menu_book:", "filter_choices", False),
)


def available(role: Role) -> list[tuple]:
    return [p for p in PAGES if allowed(role, p[3])]


def warmed(role: Role) -> list[str]:
    """The pages whose tables a warm-up fetches: the data pages, never Upload (it writes)."""
    return [p[0] for p in available(role) if p[4]]
