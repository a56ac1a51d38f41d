"""The headless Chromium that draws the report's charts and prints it to PDF: one per process,
driven through choreographer (kaleido's own driver) on a background thread with its own event
loop.

Why Chromium prints and not WeasyPrint: at 100k episodes WeasyPrint spent ~4.5 s of Python
(GIL-bound) time laying out the ~15 pages, plus ~1 s importing, about as much as computing every
table; Chromium lays them out in about a second, in its own processes. `start()` launches it
without waiting and loads plotly.js into a chart tab, so both overlap the report's queries;
charts are then drawn there as kaleido draws them (`Plotly.toImage`), without a page load each.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import json
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path

TIMEOUT = 120.0  # seconds for one call, browser start included
_lock = threading.Lock()
_browser: _Browser | None = None


class BrowserError(RuntimeError):
    pass


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


class _Browser:
    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="report-browser-")
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="report-browser", daemon=True).start()
        self._opened: Future = asyncio.run_coroutine_threadsafe(self._open(), self._loop)

    async def _open(self):
        import choreographer

        browser = choreographer.Browser(headless=True)  # BROWSER_PATH, else chromium on PATH
        await browser.open()
        try:
            page = Path(self._folder.name) / "charts.html"
            page.write_text(f'<!doctype html><script src="{_plotly_js().as_uri()}"></script>')
            self._chart_tab = await _load(await browser.create_tab(""), page.as_uri())
        except BaseException:
            await browser.close()
            raise
        return browser

    def alive(self) -> bool:
        if not self._opened.done():
            return True
        if self._opened.exception() is not None:
            return False
        return self._opened.result().subprocess.poll() is None

    def call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(TIMEOUT)

    async def draw_png(self, charts: dict[str, dict]) -> dict[str, str]:
        await asyncio.wrap_future(self._opened)
        expression = (
            f"Promise.all(Object.entries({json.dumps(charts)}).map(async ([key, c]) => [key, "
            "await Plotly.toImage(c.figure, {format: 'png', width: c.width, height: c.height, "
            "scale: c.scale})])).then(Object.fromEntries)"
        )
        return await _evaluate(self._chart_tab, expression)

    async def print_pdf(self, html: str, options: dict) -> bytes:
        browser = await asyncio.wrap_future(self._opened)
        with tempfile.TemporaryDirectory(prefix="report-", dir=self._folder.name) as folder:
            page = Path(folder) / "report.html"
            page.write_text(html, encoding="utf-8")
            tab = await browser.create_tab("")
            try:
                await _load(tab, page.as_uri())
                await _evaluate(tab, "document.fonts.ready.then(() => true)")
                printed = await _check(tab.send_command("Page.printToPDF", params=options))
            finally:
                await browser.close_tab(tab)
        return base64.b64decode(printed["data"])

    def close(self) -> None:
        async def close():
            browser = await asyncio.wrap_future(self._opened)
            await browser.close()

        with contextlib.suppress(Exception):  # a browser that failed to start or died is fine
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._folder.cleanup()


async def _check(command) -> dict:
    response = await command
    if "error" in response:
        raise BrowserError(f"Chromium: {response['error']}")
    return response["result"]


async def _load(tab, url: str):
    loaded = tab.subscribe_once("Page.loadEventFired")
    await _check(tab.send_command("Page.enable"))
    await _check(tab.send_command("Page.navigate", params={"url": url}))
    await loaded
    return tab


async def _evaluate(tab, expression: str):
    params = {"expression": expression, "awaitPromise": True, "returnByValue": True}
    result = await _check(tab.send_command("Runtime.evaluate", params=params))
    if "exceptionDetails" in result:
        raise BrowserError(f"Chromium: {result['exceptionDetails']}")
    return result["result"]["value"]


def start() -> _Browser:
    """The process's browser, launched now if it is not running (returns without waiting)."""
    global _browser
    with _lock:
        if _browser is None or not _browser.alive():
            if _browser is None:
                atexit.register(_close)
            else:  # it failed to start or crashed: let go of its thread, try a new one
                _browser.close()
            _browser = _Browser()
        return _browser


def draw_png(charts: dict[str, dict]) -> dict[str, str]:
    """PNG data URIs of plotly figures, by key: {key: {figure, width, height, scale}}."""
    browser = start()
    return browser.call(browser.draw_png(charts))


def print_pdf(html: str, options: dict) -> bytes:
    """`html` printed to PDF with CDP Page.printToPDF `options`."""
    browser = start()
    return browser.call(browser.print_pdf(html, options))


def _close() -> None:
    if _browser is not None:
        _browser.close()
