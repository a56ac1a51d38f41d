"""Entry point: who is looking, the pages their role may open, and what every page shares (data
cut-off, last refreshed, the filter bar)."""

from __future__ import annotations

import streamlit as st

from dashboard import auth, data, filters

st.set_page_config(page_title="IOP outcomes", page_icon=":material/monitoring:", layout="wide")

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

role = auth.resolve()
available = [p for p in PAGES if data.can(p[3])]
pages = {
    name: st.Page(f"app_pages/{name}.py", title=title, icon=icon, url_path=name, default=i == 0)
    for i, (name, title, icon, _, _) in enumerate(available)
}
page = st.navigation(list(pages.values()), position="top")

try:
    info = data.info()
except FileNotFoundError as exc:
    st.error(f"{exc}. `make run` builds the bundled sample.")
    st.stop()

st.caption(
    f"{data.settings().program_name} · data cut-off **{info['as_of']:%Y-%m-%d}** · "
    f"last refreshed {info['built_at']:%Y-%m-%d %H:%M} UTC · viewing as **{role}**"
)
if next(p for p in available if pages[p[0]] is page)[4]:
    filters.bar()
page.run()
