"""Entry point: who is looking, the pages their role may open, and what every page shares (data
cut-off, last refreshed, the filter bar)."""

from __future__ import annotations

import streamlit as st

from dashboard import preload

st.set_page_config(page_title="IOP outcomes", page_icon=":material/monitoring:", layout="wide")
# Before the imports below (about 1 s on a new server): the browser loads chart code meanwhile.
preload.chart_code()

from dashboard import auth, data, filters, navigation, warmup  # noqa: E402

role = auth.resolve()
available = navigation.available(role)
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
preload.other_pages_code()  # last: the browser loads it once this page is drawn
current = next(name for name, p in pages.items() if p is page)
warmup.after_run(
    [f"app_pages/{name}.py" for name in navigation.warmed(role)], f"app_pages/{current}.py"
)
