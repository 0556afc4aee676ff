"""The built book in a real browser: pages load cleanly, offline, and figures respond."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest

from conftest import DEVICES
from test_book import page_and_widgets, toc_files

pytestmark = [pytest.mark.book, pytest.mark.browser, pytest.mark.slow]

# Console messages from third-party scripts that are not errors of the page.
IGNORED_CONSOLE = ("Failed to load resource: net::ERR_FAILED",)


WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'


def start_widgets(page):
    """Have the page load its widget manager, as a reader's first scroll does.

    Pages fetch the manager only when a reader nears a figure or uses the page
    (book/static/widgets-lazy.js); a scroll event stands for the reader.
    """
    if page.locator(WIDGET_VIEW).count():
        page.evaluate("window.dispatchEvent(new Event('scroll'))")
        # The manager puts a drawn widget area before every view it renders.
        page.wait_for_function(
            f"""() => [...document.querySelectorAll('{WIDGET_VIEW}')].every(view => {{
                const area = view.previousElementSibling;
                return area && area.classList.contains("widget-subarea") && area.children.length;
            }})""",
            timeout=60_000,
        )
        page.wait_for_load_state("networkidle")


def open_page(browser, address, *, widgets=True, device="laptop", **context_options):
    """Open a page, recording console errors and blocking requests to other hosts.

    ``device`` is a key of ``conftest.DEVICES``; ``context_options`` go to Playwright's
    ``new_context`` too. With ``widgets``, the page's widget manager is started as a reader
    would start it.
    """
    context = browser.new_context(**DEVICES[device], **context_options)
    page = context.new_page()
    record = {"errors": [], "foreign": []}
    host = urlparse(address).netloc

    def route(route_):
        if urlparse(route_.request.url).netloc in (host, "") or route_.request.url.startswith(
            "data:"
        ):
            route_.continue_()
        else:
            record["foreign"].append(route_.request.url)
            route_.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda m: (
            record["errors"].append(m.text)
            if m.type == "error" and not m.text.startswith(IGNORED_CONSOLE)
            else None
        ),
    )
    page.on("pageerror", lambda e: record["errors"].append(str(e)))
    page.on(
        "response",
        lambda r: (
            record["errors"].append(f"HTTP {r.status} for {r.url}") if r.status >= 400 else None
        ),
    )
    page.goto(address, wait_until="load")
    page.wait_for_load_state("networkidle")
    if widgets:
        start_widgets(page)
    return context, page, record


def visible_frame(figure):
    """The alt text of the one frame of a figure that is visible."""
    shown = [img for img in figure.locator("img.kc-frame").all() if img.is_visible()]
    assert len(shown) == 1, f"{len(shown)} frames visible at once"
    return shown[0].get_attribute("alt"), shown[0].get_attribute("src")


CONTROL_SELECTOR = (
    ":scope > .widget-toggle-buttons, :scope > .widget-dropdown, :scope > .widget-slider"
)


def option_count(control):
    """How many values a control offers."""
    classes = control.get_attribute("class") or ""
    if "widget-toggle-buttons" in classes:
        return control.locator("button").count()
    if "widget-dropdown" in classes:
        return control.locator("option").count()
    if "widget-slider" in classes:
        return int(float(control.locator(".noUi-handle").first.get_attribute("aria-valuemax"))) + 1
    raise AssertionError(f"unknown control with classes {classes!r}")


def selected_option(control):
    """Position of the value a control shows now."""
    classes = control.get_attribute("class") or ""
    if "widget-toggle-buttons" in classes:
        buttons = control.locator("button")
        active = [
            i
            for i in range(buttons.count())
            if "mod-active" in (buttons.nth(i).get_attribute("class") or "")
        ]
        assert len(active) == 1, f"{len(active)} toggle buttons active"
        return active[0]
    if "widget-dropdown" in classes:
        return control.locator("select").evaluate("(select) => select.selectedIndex")
    if "widget-slider" in classes:
        return int(float(control.locator(".noUi-handle").first.get_attribute("aria-valuenow")))
    raise AssertionError(f"unknown control with classes {classes!r}")


def operate(control, option_index):
    """Choose an option of a widget control the way a reader would."""
    classes = control.get_attribute("class") or ""
    if "widget-toggle-buttons" in classes:
        control.locator("button").nth(option_index).click()
    elif "widget-dropdown" in classes:
        control.locator("select").select_option(index=option_index)
    elif "widget-slider" in classes:
        handle = control.locator(".noUi-handle").first
        handle.focus()
        handle.press("Home")
        for _ in range(option_index):
            handle.press("ArrowRight")
    elif "widget-radio" in classes:
        control.locator("input").nth(option_index).check()
    else:
        raise AssertionError(f"no way to operate a control with classes {classes!r}")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", toc_files())
def test_page_loads_without_errors_or_foreign_requests(browser, book_server, name, device):
    context, page, record = open_page(browser, f"{book_server}/{name}.html", device=device)
    try:
        assert record["foreign"] == []
        assert record["errors"] == []
        assert page.title()
    finally:
        context.close()


def interactive_pages(built_html):
    return [name for name in toc_files() if "kc-frame-figure" in page_and_widgets(built_html, name)]


def test_every_lesson_has_an_interactive_figure(built_html):
    lessons = {name for name in toc_files() if name.startswith("notebooks/")}
    assert len(lessons) >= 4
    assert lessons <= set(interactive_pages(built_html))


def wait_for_new_frame(page, figure, previous, timeout_s=3.0):
    """The visible frame once it differs from ``previous`` (or at the timeout)."""
    deadline = time.monotonic() + timeout_s
    while True:
        current = visible_frame(figure)
        if current != previous or time.monotonic() > deadline:
            return current
        page.wait_for_timeout(20)


def check_every_control(page, label):
    """Operate every option of every control of every figure; return the controls checked."""
    page.wait_for_selector(".kc-frame-figure img.kc-frame", state="visible")
    figures = page.locator(".kc-frame-figure")
    checked = 0
    for f in range(figures.count()):
        figure = figures.nth(f)
        controls = figure.locator(CONTROL_SELECTOR)
        assert controls.count() >= 1, f"{label} figure {f} has no control"
        for c in range(controls.count()):
            control = controls.nth(c)
            options = option_count(control)
            start = selected_option(control)
            seen = [visible_frame(figure)]
            # Visit every option once, starting after the one the figure opened on.
            for option in [*range(start + 1, options), *range(start)]:
                operate(control, option)
                seen.append(wait_for_new_frame(page, figure, seen[-1]))
            assert len(set(seen)) == options, (
                f"{label} figure {f} control {c}: {len(set(seen))} frames for {options} options"
            )
            checked += 1
    return checked


@pytest.mark.parametrize("device", DEVICES)
def test_every_control_of_every_figure_changes_the_visible_frame(
    browser, book_server, built_html, device
):
    checked = 0
    for name in interactive_pages(built_html):
        context, page, record = open_page(browser, f"{book_server}/{name}.html", device=device)
        try:
            checked += check_every_control(page, name)
            assert record["errors"] == []
        finally:
            context.close()
    assert checked >= 1


def expect_frames(page, figure, choose, cases):
    """Set the fixture figure's slider, dropdown and toggle with ``choose`` and check the frame.

    ``cases`` pairs the three option positions with the alt text of the frame they select.
    """
    controls = [figure.locator(CONTROL_SELECTOR).nth(i) for i in range(3)]
    for positions, expected in cases:
        for control, position in zip(controls, positions):
            choose(control, position)
        deadline = time.monotonic() + 3
        while visible_frame(figure)[0] != expected and time.monotonic() < deadline:
            page.wait_for_timeout(20)
        assert visible_frame(figure)[0] == expected


@pytest.mark.xdist_group("three-control-figure")
def test_nested_controls_of_every_kind_select_the_matching_frame(browser, three_control_figure):
    context, page, record = open_page(browser, three_control_figure)
    try:
        assert check_every_control(page, "fixture") == 3
        figure = page.locator(".kc-frame-figure").first
        expect_frames(
            page,
            figure,
            operate,
            [
                ((0, 0, 0), "slope -1 color C0 style -"),
                ((2, 1, 1), "slope 1 color C1 style :"),
                ((1, 0, 1), "slope 0 color C0 style :"),
            ],
        )
        assert record["errors"] == []
    finally:
        context.close()


@pytest.mark.parametrize("device", DEVICES)
def test_self_checks_give_feedback_in_the_static_book(browser, book_server, built_html, device):
    checked = 0
    for name in toc_files():
        if "kc-self-check" not in page_and_widgets(built_html, name):
            continue
        context, page, _ = open_page(browser, f"{book_server}/{name}.html", device=device)
        try:
            checks = page.locator(".kc-self-check")
            page.wait_for_selector(".kc-self-check input[type=radio]")
            for i in range(checks.count()):
                check = checks.nth(i)
                assert check.locator(".kc-feedback").filter(visible=True).count() == 0
                radios = check.locator("input[type=radio]")
                verdicts = set()
                for r in range(radios.count()):
                    radios.nth(r).check()
                    shown = check.locator(".kc-feedback").filter(visible=True)
                    assert shown.count() == 1
                    verdicts.add(shown.first.locator("strong").inner_text())
                assert verdicts == {"Correct.", "Not quite."}
                checked += 1
        finally:
            context.close()
    assert checked >= 1


def test_theme_icons_render_without_the_icon_script(browser, book_server, built_html):
    # The book drops the theme's 0.5 MB fontawesome.js; its stylesheet must still draw icons.
    page_html = (built_html / "book" / "intro.html").read_text()
    assert "fontawesome.js" not in page_html
    context, page, _ = open_page(browser, f"{book_server}/book/intro.html")
    try:
        icon = page.locator(".fa-bars").first
        content = icon.evaluate("el => getComputedStyle(el, '::before').content")
        family = icon.evaluate("el => getComputedStyle(el).fontFamily")
        assert content not in ("none", "normal", "")
        assert "Font Awesome" in family
        assert page.evaluate("document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
    finally:
        context.close()


def visible_rows(widget):
    """Text of each table row of a filter table's visible frame."""
    rows = widget.locator("tbody tr").filter(visible=True)
    return [rows.nth(i).inner_text() for i in range(rows.count())]


def rows_once_settled(page, widget, accept, timeout_s=3.0):
    """The visible rows once ``accept(rows)`` holds (or at the timeout)."""
    deadline = time.monotonic() + timeout_s
    while True:
        rows = visible_rows(widget)
        if accept(rows) or time.monotonic() > deadline:
            return rows
        page.wait_for_timeout(20)


@pytest.mark.parametrize("device", DEVICES)
def test_filter_tables_show_only_the_rows_chosen(browser, book_server, built_html, device):
    checked = 0
    for name in toc_files():
        if "kc-filter-table" not in page_and_widgets(built_html, name):
            continue
        context, page, record = open_page(browser, f"{book_server}/{name}.html", device=device)
        try:
            page.wait_for_selector(".kc-filter-table table", state="visible")
            tables = page.locator(".kc-filter-table")
            for t in range(tables.count()):
                widget = tables.nth(t)
                everything = visible_rows(widget)
                assert everything, f"{name}: the unfiltered table is empty"
                controls = widget.locator(":scope > .widget-dropdown")
                for c in range(controls.count()):
                    control = controls.nth(c)
                    # Dropdowns show spaces as no-break spaces.
                    labels = [
                        t.replace("\xa0", " ") for t in control.locator("option").all_inner_texts()
                    ]
                    for option in range(1, len(labels)):
                        operate(control, option)
                        label = labels[option]
                        rows = rows_once_settled(
                            page,
                            widget,
                            lambda rows, label=label: rows and all(label in r for r in rows),
                        )
                        assert rows, f"{name}: no row for {label!r}"
                        assert all(label in row for row in rows), (label, rows)
                        assert set(rows) < set(everything)
                    operate(control, 0)
                    assert rows_once_settled(page, widget, everything.__eq__) == everything
                    checked += 1
            assert record["errors"] == []
        finally:
            context.close()
    assert checked >= 2


def press_for(control, option_index: int) -> None:
    """Choose an option with the keyboard only, the way a keyboard user would."""
    classes = control.get_attribute("class") or ""
    if "widget-slider" in classes:
        handle = control.locator(".noUi-handle").first
        handle.focus()
        handle.press("Home")
        for _ in range(option_index):
            handle.press("ArrowRight")
    elif "widget-dropdown" in classes:
        select = control.locator("select")
        select.focus()
        select.press("Home")
        for _ in range(option_index):
            select.press("ArrowDown")
    elif "widget-toggle-buttons" in classes:
        button = control.locator("button").nth(option_index)
        button.focus()
        button.press("Enter")
    else:
        raise AssertionError(f"no keyboard recipe for a control with classes {classes!r}")


@pytest.mark.browser
@pytest.mark.xdist_group("three-control-figure")
def test_every_kind_of_control_works_from_the_keyboard(browser, three_control_figure):
    context, page, record = open_page(browser, three_control_figure)
    try:
        page.wait_for_selector(".kc-frame-figure img.kc-frame", state="visible")
        figure = page.locator(".kc-frame-figure").first
        slider, dropdown, toggle = (figure.locator(CONTROL_SELECTOR).nth(i) for i in range(3))
        for control in (slider, dropdown, toggle):
            focusable = control.locator(".noUi-handle, select, button")
            for i in range(focusable.count()):
                assert focusable.nth(i).evaluate("el => el.tabIndex >= 0")
        expect_frames(
            page,
            figure,
            press_for,
            [
                ((2, 1, 1), "slope 1 color C1 style :"),
                ((0, 0, 0), "slope -1 color C0 style -"),
            ],
        )
        # The slider's handle is named after its label, for screen readers.
        assert slider.locator(".noUi-handle").get_attribute("aria-label") == "slope"
        assert record["errors"] == []
    finally:
        context.close()


@pytest.mark.book
@pytest.mark.slow
def test_the_widget_manager_loads_only_when_a_reader_nears_a_figure(browser, book_server):
    context, page, record = open_page(
        browser, f"{book_server}/notebooks/08_safety_practice.html", widgets=False
    )
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.wait_for_timeout(500)
        assert not any("embed-amd.js" in url for url in requested)
        assert page.locator(".kc-frame-figure").count() == 0
        # Scrolling the first figure into view starts the manager, which draws it.
        page.locator(WIDGET_VIEW).first.evaluate("el => el.parentElement.scrollIntoView()")
        page.wait_for_selector(".kc-frame-figure img.kc-frame", state="visible")
        assert any("embed-amd.js" in url for url in requested)
        assert record["errors"] == []
    finally:
        context.close()
