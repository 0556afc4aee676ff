"""Measurements in Chromium: each page's weight, and the latency of switching a figure's frame."""

from __future__ import annotations

import functools
import gzip
import statistics
import sys
import threading
import time
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"

sys.path.insert(0, str(ROOT / "tests"))
from test_browser import start_widgets  # noqa: E402

from conftest import CHROMIUM_ARGS, find_chromium  # noqa: E402
from test_book import toc_files  # noqa: E402


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _served_file(url: str) -> Path | None:
    """The file of the built book behind a local URL (None for data: URIs and the like)."""
    path = urllib.parse.urlparse(url).path
    if not path:
        return None
    file = HTML / urllib.parse.unquote(path).lstrip("/")
    return file if file.is_file() else None


def page_weight(urls: set[str]) -> int:
    """Bytes a static host serving gzip would send for these URLs.

    Sizes come from the files on disk rather than from response bodies, which
    Playwright may not have delivered yet when the page goes quiet.
    """
    total = 0
    for url in urls:
        file = _served_file(url)
        if file is not None:
            body = file.read_bytes()
            total += min(len(body), len(gzip.compress(body, 6)))
    return total


def browser_measurements() -> tuple[dict[str, int], float | None]:
    from playwright.sync_api import sync_playwright

    executable = find_chromium(prefer_headless_shell=False)
    if executable is None:
        print("Chromium not found: page weight and switch latency not measured")
        return {}, None
    # Switch latency depends on the browser: say which one measured it.
    print(f"page weight and frame switch measured in {executable}")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(HTML)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    weights: dict[str, int] = {}
    latency = None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            for name in toc_files():
                context = browser.new_context()
                page = context.new_page()
                urls: set[str] = set()
                page.on("request", lambda request, urls=urls: urls.add(request.url))
                page.goto(f"{base}/{name}.html", wait_until="load")
                page.wait_for_load_state("networkidle")
                # Count the widget manager too: a reader who scrolls to a figure loads it.
                # start_widgets waits until every widget is drawn and the network is quiet.
                start_widgets(page)
                weights[name] = page_weight(urls)
                if name == "notebooks/01_history":
                    latency = switch_latency(page)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return weights, latency


# True once the figure shows exactly one frame, and not the one it showed before.
_NEW_FRAME_SHOWN = """(previous) => {
  const shown = [...document.querySelectorAll('.kc-frame-figure img.kc-frame')]
    .filter((img) => img.offsetParent !== null);
  return shown.length === 1 && shown[0].alt !== previous;
}"""


def visible_alt(page) -> str:
    return page.evaluate(
        """() => [...document.querySelectorAll('.kc-frame-figure img.kc-frame')]
                 .filter((img) => img.offsetParent !== null)[0].alt"""
    )


def switch_latency(page, switches: int = 10) -> float:
    """Median seconds from a click on a toggle button to its frame being visible."""
    figure = page.locator(".kc-frame-figure").first
    figure.locator("img.kc-frame").first.wait_for(state="visible")
    buttons = figure.locator(".widget-toggle-buttons button")
    samples = []
    for i in range(switches):
        index = 1 + i % (buttons.count() - 1)
        previous = visible_alt(page)
        start = time.perf_counter()
        buttons.nth(index).click()
        page.wait_for_function(_NEW_FRAME_SHOWN, arg=previous, polling="raf")
        samples.append(time.perf_counter() - start)
        shown = visible_alt(page)
        buttons.nth(0).click()
        page.wait_for_function(_NEW_FRAME_SHOWN, arg=shown, polling="raf")
    return statistics.median(samples)
