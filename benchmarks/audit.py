"""Lighthouse audit of every page of the built book, against the course's budgets.

Run with ``make audit`` (after ``make book``). Serves ``_build/html`` on localhost the way a
static host does (gzip-compressed text, long cache lifetimes for versioned assets), runs
Lighthouse (npm, pinned in package.json) in Debian's Chromium under its default mobile
settings, prints a table of the scores, writes it to ``benchmarks/results/audit.md`` and
``audit.json`` (each page's full report to ``benchmarks/results/lighthouse/``), and exits
with status 1 when a page misses a budget:

- performance >= 90, accessibility >= 95, best practices >= 90;
- page weight (everything the page transfers, as Lighthouse counts it) <= 1.5 MB.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT / "tests"))

from conftest import find_chromium  # noqa: E402
from test_book import toc_files  # noqa: E402

BUDGETS = {"performance": 90, "accessibility": 95, "best-practices": 90}
MAX_PAGE_BYTES = 1_500_000
# Chromium flags for a closed network: no background requests to other hosts.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync --disable-default-apps"
)
COMPRESSIBLE = (".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".xml")


class StaticHost(SimpleHTTPRequestHandler):
    """Serves files as a static host does: gzip for text, cache headers for assets."""

    def log_message(self, *args):
        pass

    def end_headers(self):
        if "?" in self.path or "/_static/" in self.path:
            self.send_header("Cache-Control", "public, max-age=31536000")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if path.is_file() and path.suffix in COMPRESSIBLE and accepts_gzip:
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return _Body(body)
        return super().send_head()


class _Body:
    """A file-like object over bytes, as send_head must return."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, *_):
        data, self._data = self._data, b""
        return data

    def close(self):
        pass


def audit(url: str, chromium: str, out: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": chromium}
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=performance,accessibility,best-practices",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        check=True,
        env=env,
        timeout=300,
    )
    report = json.loads(out.read_text())
    scores = {k: round(100 * v["score"]) for k, v in report["categories"].items()}
    scores["bytes"] = int(report["audits"]["total-byte-weight"]["numericValue"])
    failing = [
        a["title"]
        for a in report["audits"].values()
        if a.get("score") is not None
        and a["score"] < 0.9
        and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    scores["below_0.9"] = failing
    return scores


def misses(scores: dict) -> list[str]:
    found = [f"{k} {scores[k]} < {v}" for k, v in BUDGETS.items() if scores[k] < v]
    if scores["bytes"] > MAX_PAGE_BYTES:
        found.append(f"weight {scores['bytes'] / 1e6:.2f} MB > {MAX_PAGE_BYTES / 1e6:.1f} MB")
    return found


def main() -> int:
    chromium = find_chromium(prefer_headless_shell=False)
    if chromium is None or not LIGHTHOUSE.exists() or not HTML.is_dir():
        print("needs Chromium, node_modules/.bin/lighthouse and a built book (make book)")
        return 2
    # Scores depend on the browser: say which one Lighthouse drove.
    print(f"Lighthouse drives {chromium}")
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(StaticHost, directory=str(HTML))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    results = {}
    reports = RESULTS / "lighthouse"
    reports.mkdir(parents=True, exist_ok=True)
    for name in toc_files():
        report = reports / f"{name.replace('/', '__')}.json"
        results[name] = audit(f"{base}/{name}.html", chromium, report)
        print(f"audited {name}: {results[name]}", flush=True)
    server.shutdown()

    lines = [
        "| page | performance | accessibility | best practices | weight (MB) | budgets missed |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in results.items():
        missed = "; ".join(misses(s)) or "none"
        lines.append(
            f"| {name} | {s['performance']} | {s['accessibility']} | {s['best-practices']} "
            f"| {s['bytes'] / 1e6:.2f} | {missed} |"
        )
    table = "\n".join(lines)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "audit.md").write_text(table + "\n")
    (RESULTS / "audit.json").write_text(json.dumps(results, indent=1) + "\n")
    return 1 if any(misses(s) for s in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
