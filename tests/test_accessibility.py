"""Accessibility of the built book: axe-core on every page, alt text, keyboard use."""

from __future__ import annotations

import html
import json
import re

import nbformat
import pytest
from bs4 import BeautifulSoup
from test_browser import open_page

from conftest import ROOT, visited
from test_book import toc_files, widget_state_file

# axe-core from npm (package.json), injected from the local copy: nothing is fetched.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now, most severe first."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run 'make test', which installs the npm packages")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        targets: v.nodes.map(n => n.target.join(" "))}))"""
    )
    order = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}
    return sorted(violations, key=lambda v: order.get(v["impact"], 4))


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(("name", "device"), visited(toc_files()))
def test_no_serious_or_critical_axe_violation(page_visit, name, device):
    # axe runs once the widgets are drawn, before anything on the page is clicked.
    violations = page_visit(name, device).result("axe")
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert blocking == [], json.dumps(blocking, indent=1)


@pytest.mark.browser
def test_the_axe_check_reports_a_known_violation(browser):
    page = browser.new_page()
    try:
        page.set_content(
            '<html lang="en"><title>t</title><main><img src="data:,">'
            "<button></button></main></html>"
        )
        found = {v["id"]: v["impact"] for v in axe_violations(page)}
        assert found.get("image-alt") == "critical"
        assert found.get("button-name") == "critical"
    finally:
        page.close()


# --- Alt text ---------------------------------------------------------------------------

# Alt texts a tool would write by default, which say nothing about the figure.
DEFAULT_ALTS = re.compile(r"^(|image|figure|plot|png|svg|_images/.*|output_.*|.*\.(png|svg))$")


def frame_alt_texts(state_script: str) -> list[str]:
    """The alt text of every figure frame in a page's widget-state script."""
    literal = re.search(r"state\.textContent = (\".*\");", state_script).group(1)
    state = json.loads(json.loads(literal))["state"]
    alts = []
    for model in state.values():
        value = model.get("state", {}).get("value")
        if isinstance(value, str) and "kc-frame" in value:
            alts += re.findall(r'<img class="kc-frame"[^>]* alt="([^"]*)"', value)
    return [html.unescape(alt) for alt in alts]


@pytest.mark.book
@pytest.mark.slow
def test_every_figure_frame_and_image_has_meaningful_alt_text(built_html):
    frames = 0
    for name in toc_files():
        page_html = (built_html / f"{name}.html").read_text()
        state = widget_state_file(built_html, name)
        alts = frame_alt_texts(state.read_text()) if state.is_file() else []
        frames += len(alts)
        for alt in alts:
            assert len(alt.split()) >= 8, f"{name}: alt text too short: {alt!r}"
            assert not DEFAULT_ALTS.match(alt.lower()), f"{name}: default alt text {alt!r}"
        article = BeautifulSoup(page_html, "html.parser").select("article img")
        for image in article:
            alt = (image.get("alt") or "").strip()
            assert alt and not DEFAULT_ALTS.match(alt.lower()), f"{name}: {image}"
    assert frames > 100


def images_without_alt(notebook) -> list[int]:
    """Cells whose image outputs get no alt text from the cell's metadata.

    MyST-NB takes an image output's alt text from ``metadata.mystnb.image.alt`` (or a
    figure caption); without it the book would fall back to a default.
    """
    missing = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        has_image = any(
            key.startswith("image/")
            for output in cell.get("outputs", [])
            for key in output.get("data", {})
        )
        options = cell.metadata.get("mystnb", {})
        described = options.get("image", {}).get("alt") or options.get("figure", {}).get("caption")
        if has_image and not described:
            missing.append(index)
    return missing


@pytest.mark.book
@pytest.mark.slow
def test_image_outputs_take_alt_text_from_cell_metadata(built_html):
    executed = sorted((built_html.parent / "jupyter_execute" / "notebooks").glob("*.ipynb"))
    assert executed, "no executed notebooks found beside the built book"
    for path in executed:
        assert images_without_alt(nbformat.read(path, as_version=4)) == [], path.name


def test_the_alt_text_check_flags_an_undescribed_image():
    image = nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})
    bare = nbformat.v4.new_code_cell("plot()", outputs=[image])
    described = nbformat.v4.new_code_cell(
        "plot()", outputs=[image], metadata={"mystnb": {"image": {"alt": "A rising line."}}}
    )
    notebook = nbformat.v4.new_notebook(cells=[described, bare])
    assert images_without_alt(notebook) == [1]


# --- Keyboard (the figure controls are checked in test_browser.py) ---------------------


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.slow
def test_self_checks_answer_from_the_keyboard(browser, book_server):
    context, page, _ = open_page(browser, f"{book_server}/notebooks/09_reading_claims.html")
    try:
        check = page.locator(".kc-self-check").first
        first = check.locator("input[type=radio]").first
        first.wait_for(state="visible")
        first.focus()
        page.keyboard.press("Space")
        page.keyboard.press("ArrowDown")
        shown = check.locator(".kc-feedback").filter(visible=True)
        assert shown.count() == 1
        assert shown.first.locator("strong").inner_text() == "Not quite."
    finally:
        context.close()


# --- What screen readers announce ---------------------------------------------------------


@pytest.mark.xdist_group("three-control-figure")
def test_toggle_buttons_say_which_one_is_pressed(browser, three_control_figure):
    context, page, _ = open_page(browser, three_control_figure)
    try:
        group = page.get_by_role("group", name="style")
        buttons = group.get_by_role("button")
        assert buttons.count() == 2
        assert group.get_by_role("button", pressed=True).inner_text() == "-"
        group.get_by_role("button", name=":").click()
        page.wait_for_function(
            "() => document.querySelector('.widget-toggle-button[aria-pressed=true]')"
            "?.textContent === ':'"
        )
        assert group.get_by_role("button", pressed=True).inner_text() == ":"
        assert group.get_by_role("button", pressed=False).inner_text() == "-"
    finally:
        context.close()


@pytest.mark.xdist_group("three-control-figure")
def test_sliders_announce_the_value_shown_not_the_step(browser, three_control_figure):
    context, page, _ = open_page(browser, three_control_figure)
    try:
        handle = page.get_by_role("slider", name="slope")
        assert float(handle.get_attribute("aria-valuenow")) == 0  # the step index
        assert handle.get_attribute("aria-valuetext") == "-1"  # the value a reader sees
        handle.focus()
        handle.press("End")
        page.wait_for_function(
            "() => document.querySelector('.noUi-handle').getAttribute('aria-valuetext') === '1'"
        )
    finally:
        context.close()


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.slow
def test_each_self_check_groups_its_options_under_its_question(browser, book_server):
    context, page, _ = open_page(browser, f"{book_server}/notebooks/09_reading_claims.html")
    try:
        checks = page.locator(".kc-self-check")
        assert checks.count() >= 2
        for i in range(checks.count()):
            question = checks.nth(i).locator(".kc-question").inner_text()
            group = page.get_by_role("radiogroup", name=question)
            assert group.count() == 1, question
            assert group.get_by_role("radio").count() >= 2
    finally:
        context.close()


def contrast(rgb_a: tuple[float, ...], rgb_b: tuple[float, ...]) -> float:
    """WCAG contrast ratio of two sRGB colors given as 0–255 triples."""

    def luminance(rgb):
        channels = [c / 255 for c in rgb[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(rgb_a), luminance(rgb_b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_helper_matches_known_ratios():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


@pytest.mark.xdist_group("three-control-figure")
def test_keyboard_focus_on_a_toggle_button_shows_a_clear_ring(browser, three_control_figure):
    context, page, _ = open_page(browser, three_control_figure)
    try:
        page.locator(".widget-dropdown select").focus()
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        assert "widget-toggle-button" in focused.get_attribute("class")
        style = focused.evaluate(
            "el => { const s = getComputedStyle(el);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"
        )
        assert style[0] == "solid" and style[1] >= 2, style
        color = tuple(float(c) for c in re.findall(r"[\d.]+", style[2])[:3])
        # WCAG 2.2 asks 3:1 for a focus indicator against what surrounds it (here white).
        assert contrast(color, (255, 255, 255)) >= 3, style
    finally:
        context.close()
