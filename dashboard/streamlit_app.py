"""Entry point: navigation and the lines every page shares (cut-off, last refreshed)."""

from __future__ import annotations

import streamlit as st

from dashboard import data

st.set_page_config(page_title="IOP outcomes", layout="wide")

pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
]
page = st.navigation(pages, position="top")

try:
    info = data.info()
except FileNotFoundError as exc:
    st.error(f"{exc}. `make run` builds the bundled sample.")
    st.stop()

st.caption(
    f"{data.settings().program_name} · data cut-off **{info['as_of']:%Y-%m-%d}** · "
    f"last refreshed {info['built_at']:%Y-%m-%d %H:%M} UTC"
)
page.run()
