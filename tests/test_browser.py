"""The built book in a real browser: pages load cleanly, offline, and figures respond."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest

from conftest import DEVICES, visited
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


def record_console(page, host: str) -> dict[str, list[str]]:
    """Record the page's errors and block (and record) its requests to other hosts."""
    record = {"errors": [], "foreign": []}

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
    return record


def open_page(browser, address, *, widgets=True, device="laptop", **context_options):
    """Open a page, recording console errors and blocking requests to other hosts.

    ``device`` is a key of ``conftest.DEVICES``; ``context_options`` go to Playwright's
    ``new_context`` too. With ``widgets``, the page's widget manager is started as a reader
    would start it. (The page's own checks, one visit per page and device, are in
    page_visits.py.)
    """
    context = browser.new_context(**DEVICES[device], **context_options)
    page = context.new_page()
    record = record_console(page, urlparse(address).netloc)
    page.goto(address, wait_until="load")
    if widgets:
        start_widgets(page)
    return context, page, record


# The alt text and address of each frame of a figure that is visible, in the sense of
# Playwright's is_visible (a non-empty box, not visibility: hidden), asked in one round trip.
VISIBLE_FRAMES = """figure => [...figure.querySelectorAll("img.kc-frame")]
    .filter(img => {
        const box = img.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && getComputedStyle(img).visibility !== "hidden";
    })
    .map(img => [img.getAttribute("alt"), img.getAttribute("src")])"""


def visible_frame(figure):
    """The alt text and address of the one frame of a figure that is visible."""
    shown = figure.evaluate(VISIBLE_FRAMES)
    assert len(shown) == 1, f"{len(shown)} frames visible at once"
    return tuple(shown[0])


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


@pytest.mark.parametrize(("name", "device"), visited(toc_files()))
def test_page_loads_without_errors_or_foreign_requests(page_visit, name, device):
    # The page is loaded with its widgets drawn, and the network has gone quiet.
    loaded = page_visit(name, device).result("load")
    assert loaded["foreign"] == []
    assert loaded["errors"] == []
    assert loaded["title"]


def interactive_pages(built_html):
    return [name for name in toc_files() if "kc-frame-figure" in page_and_widgets(built_html, name)]


def lesson_pages() -> list[str]:
    """The lessons' pages, in the book's order."""
    return [name for name in toc_files() if name.startswith("notebooks/")]


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


@pytest.mark.parametrize(("name", "device"), visited(lesson_pages()))
def test_every_control_of_every_figure_changes_the_visible_frame(page_visit, name, device):
    # Every lesson has figures (test_every_lesson_has_an_interactive_figure).
    assert page_visit(name, device).result("controls") >= 1


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


def choose_by_tap(page, option) -> None:
    """Tap an answer's label at its centre, after checking it is large and uncovered."""
    option.scroll_into_view_if_needed()
    box = option.bounding_box()
    assert box["height"] >= 44, f"a tap target {box['height']:.0f} px high (at least 44 px)"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # The option itself (or its radio button) is what a tap at its centre hits.
    hit = option.evaluate(
        "(label, [x, y]) => label.contains(document.elementFromPoint(x, y))", [x, y]
    )
    assert hit, "the option is covered at its centre"
    page.touchscreen.tap(x, y)
    assert option.locator("input").is_checked()


def check_self_checks(page, name: str, device: str) -> dict[str, int]:
    """Choose every answer of every self-check, as the device's reader would: a tap on a
    phone, a click on a laptop. Each choice shows exactly one verdict; each question has a
    right and a wrong answer. Returns how many questions and answers were tried."""
    checks = page.locator(".kc-self-check")
    page.wait_for_selector(".kc-self-check input[type=radio]")
    questions, chosen = checks.count(), 0
    for c in range(questions):
        check = checks.nth(c)
        assert check.locator(".kc-feedback").filter(visible=True).count() == 0
        options = check.locator(".widget-radio-box label")
        verdicts = set()
        for o in range(options.count()):
            try:
                if device == "phone":
                    choose_by_tap(page, options.nth(o))
                else:
                    options.nth(o).locator("input").check()
            except AssertionError as error:
                raise AssertionError(f"{name} check {c} option {o}: {error}") from None
            shown = check.locator(".kc-feedback").filter(visible=True)
            assert shown.count() == 1, f"{name} check {c} option {o}"
            verdicts.add(shown.first.locator("strong").inner_text())
            chosen += 1
        assert verdicts == {"Correct.", "Not quite."}, f"{name} check {c}: {verdicts}"
    return {"questions": questions, "chosen": chosen}


@pytest.mark.parametrize(("name", "device"), visited(lesson_pages()))
def test_self_checks_give_feedback_in_the_static_book(page_visit, name, device):
    # Every lesson ends its sections with self-checks.
    tried = page_visit(name, device).result("self-checks")
    assert tried["questions"] >= 2
    assert tried["chosen"] >= 2 * tried["questions"]


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


def check_filter_tables(page, name: str) -> int:
    """Choose every option of every filter table's dropdowns: only the matching rows show,
    and the first option shows every row again. Returns how many dropdowns were checked."""
    page.wait_for_selector(".kc-filter-table table", state="visible")
    tables = page.locator(".kc-filter-table")
    checked = 0
    for t in range(tables.count()):
        widget = tables.nth(t)
        everything = visible_rows(widget)
        assert everything, f"{name}: the unfiltered table is empty"
        controls = widget.locator(":scope > .widget-dropdown")
        for c in range(controls.count()):
            control = controls.nth(c)
            # Dropdowns show spaces as no-break spaces.
            labels = [t.replace("\xa0", " ") for t in control.locator("option").all_inner_texts()]
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
    return checked


#: The pages with a filterable table.
FILTER_TABLE_PAGES = ["notebooks/09_reading_claims"]


def test_filter_table_pages_are_the_pages_with_filter_tables(built_html):
    source = {name: page_and_widgets(built_html, name) for name in toc_files()}
    assert [name for name in source if "kc-filter-table" in source[name]] == FILTER_TABLE_PAGES


@pytest.mark.parametrize(("name", "device"), visited(FILTER_TABLE_PAGES))
def test_filter_tables_show_only_the_rows_chosen(page_visit, name, device):
    assert page_visit(name, device).result("filter tables") >= 2


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
