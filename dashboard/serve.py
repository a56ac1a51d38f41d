"""`python -m dashboard.serve [option ...]`: the dashboard served as by
`streamlit run dashboard/streamlit_app.py [option ...]`, with Nagle's algorithm off on every
connection.

Why: Streamlit 1.67 creates its listening socket as `socket.socket(family)`, whose protocol
number reads 0 rather than IPPROTO_TCP, and asyncio turns Nagle's algorithm off
(TCP_NODELAY) only on sockets that say TCP. A browser loads Streamlit's page as about sixty
small scripts over six kept-alive connections, and with Nagle's algorithm on, each response
after a connection's first waits for the browser's delayed acknowledgement: 42 ms for a
124-byte script against 2 ms. Off, a new visitor sees the Overview's first chart about 0.2 s
sooner (docs/performance.md, "Browser cold start"). Nothing else changes: the options are
Streamlit's own.
"""

from __future__ import annotations

import asyncio.base_events
import socket
import sys
from pathlib import Path

APP = Path(__file__).with_name("streamlit_app.py")


def _set_nodelay(sock: socket.socket) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def tcp_nodelay() -> None:
    """Have asyncio turn Nagle's algorithm off on every TCP socket it serves, including those
    whose protocol number reads 0. asyncio looks the function up on each new connection."""
    asyncio.base_events._set_nodelay = _set_nodelay


def main(options: list[str] | None = None) -> None:
    tcp_nodelay()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if options is None else options)]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main()
