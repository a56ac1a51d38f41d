"""Browser: a real `streamlit run` and headless Chromium (Playwright, the Debian chromium).

Cold start = from starting the server process to the first chart drawn on the Overview (the
browser is already open, as a user's would be). Page switch = from clicking a page in the top
navigation to its script finishing with every chart drawn. Round 1 visits each page for the
first time on this server (its queries run); later rounds find Streamlit's cache filled.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.proc import REPO, summarize

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 180_000
VIEWPORT = {"width": 2400, "height": 1000}  # wide enough for every top-navigation link
# A quick run can go running -> notRunning within one batch of mutation records: the records'
# old values show it ran (reading only the current state missed it, and waited out the timeout).
WATCH = """() => { window.__sawRun = false; window.__t0 = performance.now();
  const app = document.querySelector('[data-testid=stApp]');
  new MutationObserver((records) => {
    if (records.some(r => r.oldValue === 'running')) window.__sawRun = true;
    const state = app.getAttribute('data-test-script-state');
    if (state === 'running') window.__sawRun = true;
    if (state === 'notRunning' && window.__sawRun) window.__done = performance.now();
  }).observe(app, {attributes: true, attributeOldValue: true,
                   attributeFilter: ['data-test-script-state']}); }"""
DRAWN = """(path) => { const app = document.querySelector('[data-testid=stApp]');
  if (!window.__sawRun || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale=true]')) return false;
  if (!(location.pathname.replace(/\\/$/, '') === path)) return false;
  for (const p of document.querySelectorAll('.js-plotly-plot'))
    if (!p.querySelector('.main-svg')) return false;
  return [window.__done - window.__t0, performance.now() - window.__done]; }"""
# Milliseconds from navigation until the page's HTML and JavaScript bundle were loaded.
LOADED = """() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"""
FIRST_CHART = ".js-plotly-plot .main-svg"


def measure(args: dict) -> dict:
    from playwright.sync_api import sync_playwright

    rounds = int(args.get("rounds", 3))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport=VIEWPORT)
        started = time.perf_counter()
        server, url = _start_server(Path(args["db_path"]))
        try:
            healthy = _wait_healthy(url, server) - started
            opened = time.perf_counter()
            page.goto(f"{url}/?role=director")
            page.wait_for_selector(FIRST_CHART, state="visible", timeout=TIMEOUT_MS)
            first_chart = time.perf_counter()
            cold = {
                "page_loaded": round(page.evaluate(LOADED) / 1000, 3),
                "cold_start_to_first_chart": round(first_chart - started, 3),
                "server_healthy": round(healthy, 3),
                "open_to_first_chart": round(first_chart - opened, 3),
            }
            _settle(page)
            switches = _switch_rounds(page, rounds)
            second = browser.new_page(viewport=VIEWPORT)
            opened = time.perf_counter()
            second.goto(f"{url}/?role=director")
            second.wait_for_selector(FIRST_CHART, state="visible", timeout=TIMEOUT_MS)
            cold["new_session_to_first_chart"] = round(time.perf_counter() - opened, 3)
        finally:
            server.terminate()
            server.wait(timeout=30)
            browser.close()
    first = [s for s in switches if s["round"] == 1 and "error" not in s]
    later = [s for s in switches if s["round"] > 1 and "error" not in s]
    return cold | {
        "switch_first_visit": summarize([s["seconds"] for s in first]),
        "switch_first_visit_script": summarize([s["script_seconds"] for s in first]),
        "switch_revisit": summarize([s["seconds"] for s in later]),
        "switch_revisit_script": summarize([s["script_seconds"] for s in later]),
        "switch_revisit_draw": summarize([s["draw_seconds"] for s in later]),
        "switches": switches,
    }


def _switch_rounds(page, rounds: int) -> list[dict]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    links = page.eval_on_selector_all(
        "[data-testid=stTopNavLink]", "links => links.map(a => new URL(a.href).pathname)"
    )
    order = [p.rstrip("/") for p in links[1:]] + [links[0].rstrip("/")]  # Overview last
    out = []
    for number in range(1, rounds + 1):
        for path in order:
            name = path.strip("/") or "overview"
            page.evaluate(WATCH)
            started = time.perf_counter()
            page.click(f"[data-testid=stTopNavLink][href$='{path or '/'}']")
            try:
                drawn = page.wait_for_function(DRAWN, arg=path, timeout=TIMEOUT_MS)
            except PlaywrightTimeout:
                out.append({"round": number, "page": name, "error": "not drawn in time"})
                continue
            seconds = time.perf_counter() - started
            script_ms, draw_ms = drawn.json_value()
            # Until the script run ended (server), and from then until every chart was drawn.
            out.append({"round": number, "page": name, "seconds": seconds})
            out[-1] |= {"script_seconds": script_ms / 1000, "draw_seconds": draw_ms / 1000}
    return out


def _settle(page) -> None:
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')"
        ".getAttribute('data-test-script-state') === 'notRunning'",
        timeout=TIMEOUT_MS,
    )


def _start_server(db: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {"OUTCOMES_DB_PATH": str(db), "BROWSER_PATH": CHROMIUM}
    command = [sys.executable, "-m", "streamlit", "run", "dashboard/streamlit_app.py"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    command += ["--server.headless", "true", "--browser.gatherUsageStats", "false"]
    command += ["--server.fileWatcherType", "none"]
    server = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return server, f"http://127.0.0.1:{port}"


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float = 120.0) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return time.perf_counter()
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"streamlit did not answer at {url}")
