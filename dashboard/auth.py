"""Who is looking: signed in with OIDC and mapped to a role by the roles file, or, on a local
server without sign-in, whichever role the visible switcher previews.

With an `[auth]` section in `.streamlit/secrets.toml`, `st.login` signs people in and the roles
file (TOML, `[roles]` table of e-mail = role; path in `roles_file` of secrets.toml, default
`.streamlit/roles.toml`) gives their role; people not in it see nothing. Without `[auth]`, the
dashboard only serves a server bound to this machine (127.0.0.1), where one person may preview
each role. See docs/roles-and-deployment.md.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import streamlit as st

from dashboard import data
from pipelines.access import ROLE_HELP, ROLES, Role

LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")
DEFAULT_ROLES_FILE = Path(".streamlit/roles.toml")
ROLE_LABELS = {"director": "Program director", "researcher": "Researcher", "funder": "Funder"}


def auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets.toml at all
        return False


def roles_file() -> Path:
    try:
        return Path(st.secrets.get("roles_file", DEFAULT_ROLES_FILE))
    except FileNotFoundError:
        return DEFAULT_ROLES_FILE


def read_roles(path: Path) -> dict[str, Role]:
    """E-mail (lower case) -> role; a role that is not one of ROLES is an error."""
    with path.open("rb") as handle:
        table = tomllib.load(handle).get("roles", {})
    out: dict[str, Role] = {}
    for email, role in table.items():
        if role not in ROLES:
            raise ValueError(f"{path}: {email} has unknown role {role!r}; roles are {ROLES}")
        out[email.strip().lower()] = role
    return out


def _signed_in_role() -> Role:
    if not st.user.is_logged_in:
        st.title("IOP outcomes")
        st.write("Sign in with your organisation's account to see the dashboard.")
        st.button("Sign in", on_click=st.login, type="primary")
        st.stop()
    email = str(st.user.get("email") or "").strip().lower()
    path = roles_file()
    try:
        role = read_roles(path).get(email) if email else None
    except (OSError, ValueError) as exc:
        st.error(f"The roles file cannot be read: {exc}")
        st.stop()
    if role is None:
        st.error(
            f"{email or 'This account'} has no role on this dashboard. Ask the program's "
            "administrator to add you to the roles file."
        )
        st.button("Sign out", on_click=st.logout)
        st.stop()
    with st.sidebar:
        st.caption(f"Signed in as **{email}** · {ROLE_LABELS[role]}")
        st.button("Sign out", on_click=st.logout)
    return role


def _preview_role() -> Role:
    address = str(st.get_option("server.address") or "")
    if address not in LOCAL_ADDRESSES:
        st.error(
            f"This server listens on '{address or 'every address'}' without sign-in. Configure "
            "[auth] in .streamlit/secrets.toml and a roles file (docs/roles-and-deployment.md), "
            "or bind the server to 127.0.0.1."
        )
        st.stop()
    with st.sidebar:
        role = st.selectbox(
            "View as",
            ROLES,
            key="role",
            bind="query-params",
            help="Local preview without sign-in: see what each audience sees. "
            + " ".join(f"**{ROLE_LABELS[r]}**: {ROLE_HELP[r]}" for r in ROLES),
        )
    return role


def resolve() -> Role:
    """The viewer's role, recorded for dashboard.data; stops the page for people without one."""
    role = _signed_in_role() if auth_configured() else _preview_role()
    st.session_state[data.ROLE_KEY] = role
    return role
