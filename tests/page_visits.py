"""One visit per page and device, shared by the browser tests that look at that page.

Opening a page of the book in Chromium and drawing its figures takes about 1.5 s, and a
dozen tests look at every page. A visit opens the page once, as a reader would, and runs
each test's check on it in a fixed order: first what a reader sees before the figures'
widget manager has loaded, then what only looks at the page (axe, page width), then what
taps and clicks. Each test then reports its own check's result, or raises its failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

from test_accessibility import axe_violations
from test_browser import (
    check_every_control,
    check_filter_tables,
    check_self_checks,
    record_console,
    start_widgets,
)
from test_readers import (
    ICONS,
    OVERFLOW,
    check_enlarging,
    live_opening_frames,
    static_opening_frames,
)

from conftest import DEVICES
from test_book import page_and_widgets

# The widget manager's loader: held back at first, as on a slow phone.
MANAGER = "**/embed-amd.js"


@dataclass
class Visit:
    """What each check found on one page, by the check's name."""

    name: str
    device: str
    outcomes: dict[str, object] = field(default_factory=dict)
    failure: Exception | None = None  # when the page could not be opened at all

    def result(self, check: str):
        """The check's result; raises the check's failure, or the page's."""
        if check in self.outcomes:
            outcome = self.outcomes[check]
        elif self.failure is not None:
            outcome = self.failure
        else:
            raise AssertionError(f"{self.name} ({self.device}): no check {check!r} ran")
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def visit(browser, book_server: str, built_html, name: str, device: str) -> Visit:
    """Open ``name`` on ``device`` and run every check that applies to the page."""
    found = Visit(name, device)
    source = page_and_widgets(built_html, name)
    has_figures = "kc-frame-figure" in source
    context = browser.new_context(**DEVICES[device])
    page = context.new_page()
    events = record_console(page, urlparse(book_server).netloc)

    def attempt(check: str, function, *args) -> None:
        """Run one check; a page error during it fails it too."""
        errors_before = len(events["errors"])
        try:
            result = function(*args)
            new_errors = events["errors"][errors_before:]
            assert new_errors == [], f"the page reported errors during this check: {new_errors}"
            found.outcomes[check] = result
        except Exception as error:  # kept for the test that reports this check
            found.outcomes[check] = error

    try:
        held = []  # the manager's requests, answered once the static page is checked
        if has_figures:
            page.route(MANAGER, lambda route: held.append(route))
        page.goto(f"{book_server}/{name}.html", wait_until="load")
        if has_figures:
            attempt("opening frames", static_opening_frames, page, built_html, name)
            page.evaluate("window.scrollTo(0, 0)")
            page.unroute(MANAGER)
            for route in held:
                route.fallback()  # to the handler that keeps requests on the book's host
        start_widgets(page)
        page.wait_for_load_state("networkidle")
        found.outcomes["load"] = {
            "errors": list(events["errors"]),
            "foreign": list(events["foreign"]),
            "title": page.title(),
        }
        if has_figures and not isinstance(found.outcomes["opening frames"], Exception):
            attempt("opening frames", live_opening_frames, page, found.outcomes["opening frames"])
        attempt("axe", axe_violations, page)
        attempt("icons", page.evaluate, ICONS)
        if device == "phone":
            attempt("width", page.evaluate, OVERFLOW)
        if has_figures:
            if device == "phone":
                attempt("enlarging", check_enlarging, page, name)
            attempt("controls", check_every_control, page, name)
        if "kc-self-check" in source:
            attempt("self-checks", check_self_checks, page, name, device)
        if "kc-filter-table" in source:
            attempt("filter tables", check_filter_tables, page, name)
    except Exception as error:
        found.failure = error
    finally:
        context.close()
    return found
