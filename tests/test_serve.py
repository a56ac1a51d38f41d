"""The dashboard's launcher turns Nagle's algorithm off on the server's connections
(dashboard/serve.py). Checked on the socket option itself, for a listening socket made the way
Streamlit 1.67 makes its own (`socket.socket(family)`, protocol number 0)."""

from __future__ import annotations

import asyncio
import asyncio.base_events
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard import serve


def _nodelay_of_accepted_connection() -> int:
    """TCP_NODELAY on the server side of one connection to an asyncio server listening on a
    socket created as Streamlit creates it."""

    async def run() -> int:
        listener = socket.socket(family=socket.AF_INET)
        listener.bind(("127.0.0.1", 0))
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(connected, sock=listener)
        async with server:
            port = listener.getsockname()[1]
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            value = await asyncio.wait_for(accepted, 10)
            writer.close()
            return value

    # A thread of its own: a test before this one (Playwright's sync API) may have left an event
    # loop running on this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, run()).result()


@pytest.fixture()
def restored(monkeypatch):
    """Whatever a test does to asyncio's function is undone after it."""
    monkeypatch.setattr(asyncio.base_events, "_set_nodelay", asyncio.base_events._set_nodelay)


def test_asyncio_alone_leaves_nagle_on_for_a_socket_made_like_streamlits(restored):
    assert socket.socket(family=socket.AF_INET).proto == 0  # not IPPROTO_TCP
    assert _nodelay_of_accepted_connection() == 0


def test_the_launcher_turns_nagle_off_on_every_connection(restored):
    serve.tcp_nodelay()
    assert _nodelay_of_accepted_connection() != 0


def test_the_launcher_runs_streamlits_own_command_on_the_app(monkeypatch, restored):
    called = {}

    def fake_main(prog_name):
        import sys

        called["argv"], called["prog"] = list(sys.argv), prog_name

    monkeypatch.setattr("streamlit.web.cli.main", fake_main)
    monkeypatch.setattr("sys.argv", ["serve"])
    serve.main(["--server.port", "8599"])
    assert called == {
        "argv": ["streamlit", "run", str(serve.APP), "--server.port", "8599"],
        "prog": "streamlit",
    }
    assert serve.APP.name == "streamlit_app.py" and serve.APP.exists()
