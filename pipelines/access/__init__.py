"""Who sees what, enforced where the data is read: every dashboard data call goes through
`fetch(con, viewer, name, ...)`; pages only decide what to draw.

    from pipelines.access import Viewer, fetch
    shown = fetch(con, Viewer("funder", k=11), "completion_rate", group_by="track")
    shown.frame, shown.note()  # the table with small cells blank, and why they are blank

See docs/roles-and-deployment.md.
"""

from pipelines.access.gate import (
    ACTIONS,
    ROLE_HELP,
    ROLES,
    SOURCES,
    AccessDenied,
    Role,
    Shown,
    Viewer,
    allowed,
    fetch,
    require,
)
from pipelines.access.pseudonyms import database_key, deidentify, pseudonym

__all__ = [
    "ACTIONS",
    "ROLES",
    "ROLE_HELP",
    "SOURCES",
    "AccessDenied",
    "Role",
    "Shown",
    "Viewer",
    "allowed",
    "database_key",
    "deidentify",
    "fetch",
    "pseudonym",
    "require",
]
