"""Print the built book to one PDF: every page of the table of contents, in order.

Run with ``make pdf`` (it builds the book first). Each page is opened in Debian's Chromium (its
headless shell when installed) through Playwright, its interactive figures are drawn at their
default frame, it is printed with the theme's print styles, and the pages are joined with pypdf into
``_build/pdf/ketamine-course.pdf``. Everything comes from PyPI or the system package manager.
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

from pypdf import PdfWriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from test_browser import start_widgets  # noqa: E402

from conftest import CHROMIUM_ARGS, _QuietHandler, find_chromium  # noqa: E402
from test_book import toc_files  # noqa: E402


def print_pages(browser, html_dir: Path, output: Path) -> int:
    """Print every page of the book in ``html_dir`` into ``output`` with a Playwright browser.

    Returns the number of pages of the PDF.
    """
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    writer = PdfWriter()
    page = browser.new_page()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for number, name in enumerate(toc_files()):
                page.goto(f"{base}/{name}.html", wait_until="load")
                page.wait_for_load_state("networkidle")
                start_widgets(page)
                # Every interactive figure must show its default frame on paper.
                figures = page.locator(".kc-frame-figure").count()
                shown = page.locator(".kc-frame-figure img.kc-frame").filter(visible=True).count()
                if shown != figures:
                    raise RuntimeError(f"{name}: {shown} of {figures} figures drawn")
                part = Path(tmp) / f"{number:02d}.pdf"
                page.pdf(path=str(part), format="A4", print_background=True)
                writer.append(str(part))
    finally:
        page.close()
        server.shutdown()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as file:
        writer.write(file)
    return len(writer.pages)


def print_book(html_dir: Path, output: Path) -> int:
    """Print the book with Debian's Chromium; returns the number of pages of the PDF."""
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise SystemExit(
            "Chromium not found: apt-get install chromium-headless-shell (or chromium), "
            "or set CHROMIUM"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            return print_pages(browser, html_dir, output)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "ketamine-course.pdf")
    args = parser.parse_args(argv)
    if not (args.html / "book" / "intro.html").is_file():
        print(f"no built book in {args.html}: run 'make book' first")
        return 2
    pages = print_book(args.html, args.out)
    print(f"{args.out}: {pages} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
