"""What a reader does with the built book, on a phone and on a laptop: search, open the
navigation, tap a self-check's answers, enlarge a figure, read a page without sideways
scrolling, and see figures before the widget manager has loaded."""

from __future__ import annotations

import html
import json
import re
import urllib.parse

import pytest
from bs4 import BeautifulSoup
from test_browser import WIDGET_VIEW, lesson_pages, open_page, visible_frame

from conftest import DEVICES, visited
from test_book import toc_files, widget_state_file

pytestmark = [pytest.mark.book, pytest.mark.browser, pytest.mark.slow]

LESSON = "notebooks/03_ketamine_nmda"

# --- Search ------------------------------------------------------------------------------

#: Queries a reader types, with pages that must be among the results (by page path).
SEARCHES = {
    "NMDA": {"notebooks/02_glutamate_nmda", "notebooks/03_ketamine_nmda"},
    "esketamine": {"notebooks/01_history", "notebooks/06_clinical_evidence"},
    # A glossary term: the glossary must be found, and the lesson that teaches it.
    "bioavailability": {"book/glossary", "notebooks/05_routes_pharmacokinetics"},
}


def search_results(page) -> set[str]:
    """The pages listed on the search page once Sphinx's search has finished."""
    # Sphinx's search reports "Search finished, found N pages..." (or no match) when done.
    page.wait_for_function(
        "() => /finished|did not match/i.test("
        "document.querySelector('#search-results .search-summary')?.textContent || '')",
        timeout=15_000,
    )
    hrefs = page.locator("#search-results li > a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)"
    )
    return {re.sub(r"^/|\.html$", "", href) for href in hrefs}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("query", SEARCHES)
def test_the_search_page_lists_the_pages_that_treat_a_topic(browser, book_server, query, device):
    address = f"{book_server}/search.html?q={urllib.parse.quote(query)}"
    context, page, record = open_page(browser, address, device=device)
    try:
        found = search_results(page)
        assert SEARCHES[query] <= found, f"{query!r} found only {sorted(found)}"
        assert record["errors"] == []
    finally:
        context.close()


@pytest.mark.parametrize("device", DEVICES)
def test_the_search_dialog_takes_a_query_and_shows_results(browser, book_server, device):
    context, page, record = open_page(browser, f"{book_server}/{LESSON}.html", device=device)
    try:
        if device == "phone":
            page.locator(".article-header-buttons .search-button").tap()
        else:
            page.keyboard.press("Control+k")
        field = page.locator("#pst-search-dialog input[type=search]")
        field.wait_for(state="visible")
        assert field.evaluate("el => el === document.activeElement")
        field.fill("esketamine")
        field.press("Enter")
        page.wait_for_url("**/search.html?q=esketamine*")
        assert SEARCHES["esketamine"] <= search_results(page)
        assert record["errors"] == []
    finally:
        context.close()


# --- Navigation --------------------------------------------------------------------------


def dialog_open(page, dialog_id: str) -> bool:
    return page.evaluate(f"document.getElementById('{dialog_id}').open")


def test_the_phone_menu_opens_closes_and_leads_to_another_page(browser, book_server):
    context, page, record = open_page(browser, f"{book_server}/{LESSON}.html", device="phone")
    try:
        # The theme's second, hidden menu button took the click handler once (two of them).
        assert page.locator(".primary-toggle").count() == 1
        menu = page.locator(".primary-toggle")
        assert menu.is_visible()
        menu.tap()
        page.wait_for_function("document.getElementById('pst-primary-sidebar-modal').open")
        link = page.locator("#pst-primary-sidebar-modal a", has_text="Lesson 5")
        assert link.is_visible()
        page.keyboard.press("Escape")
        page.wait_for_function("!document.getElementById('pst-primary-sidebar-modal').open")
        menu.tap()
        page.wait_for_function("document.getElementById('pst-primary-sidebar-modal').open")
        link.tap()
        page.wait_for_url("**/05_routes_pharmacokinetics.html")
        assert record["errors"] == []
    finally:
        context.close()


def test_the_phone_contents_panel_opens_closes_and_jumps_to_a_section(browser, book_server):
    context, page, record = open_page(browser, f"{book_server}/{LESSON}.html", device="phone")
    try:
        assert page.locator(".secondary-toggle").count() == 1
        contents = page.locator(".secondary-toggle")
        contents.tap()
        page.wait_for_function("document.getElementById('pst-secondary-sidebar-modal').open")
        section = page.locator("#pst-secondary-sidebar-modal a", has_text="Self-check")
        assert section.is_visible()
        page.keyboard.press("Escape")
        page.wait_for_function("!document.getElementById('pst-secondary-sidebar-modal').open")
        contents.tap()
        page.wait_for_function("document.getElementById('pst-secondary-sidebar-modal').open")
        section.tap()
        page.wait_for_url("**#self-check")
        assert record["errors"] == []
    finally:
        context.close()


def test_laptop_sidebars_show_and_the_menu_button_hides_and_shows_navigation(browser, book_server):
    context, page, record = open_page(browser, f"{book_server}/{LESSON}.html", device="laptop")
    try:
        navigation = page.locator(".bd-sidebar-primary")
        assert navigation.locator("a", has_text="Lesson 5").is_visible()
        assert page.locator(".bd-sidebar-secondary a", has_text="Self-check").is_visible()
        page.locator(".primary-toggle").click()
        page.wait_for_function(
            "() => document.querySelector('.bd-sidebar-primary').getBoundingClientRect().width"
            " < 1 || getComputedStyle(document.querySelector('.bd-sidebar-primary')).visibility"
            " === 'hidden'"
        )
        page.locator(".primary-toggle").click()
        navigation.locator("a", has_text="Lesson 5").wait_for(state="visible")
        assert record["errors"] == []
    finally:
        context.close()


@pytest.mark.parametrize("device", DEVICES)
def test_no_empty_top_bar_and_one_search_field(browser, book_server, device):
    context, page, _ = open_page(browser, f"{book_server}/{LESSON}.html", device=device)
    try:
        header = page.locator(".bd-header")
        assert header.count() == 0 or not header.is_visible()
        fields = page.locator(".search-button-field, .search-button, input[type=search]")
        visible = [fields.nth(i) for i in range(fields.count()) if fields.nth(i).is_visible()]
        assert len(visible) == 1
    finally:
        context.close()


def test_the_book_stays_light_when_the_reader_prefers_dark(browser, book_server):
    context, page, _ = open_page(
        browser, f"{book_server}/{LESSON}.html", device="phone", color_scheme="dark"
    )
    try:
        # As if the reader had chosen dark mode on another book of the same site.
        page.evaluate("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark')")
        page.reload(wait_until="networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == "light"
        assert page.evaluate("document.documentElement.dataset.mode") == "light"
        assert page.locator(".theme-switch-button").count() == 0
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(255, 255, 255)"
    finally:
        context.close()


# --- Self-checks on a phone --------------------------------------------------------------


@pytest.mark.parametrize(("name", "device"), visited(lesson_pages(), ["phone"]))
def test_every_self_check_option_can_be_tapped_on_a_phone(page_visit, name, device):
    # On a phone the visit taps each answer at its centre (test_browser.choose_by_tap): the
    # answer is at least 44 px high, nothing covers it, and the tap selects it.
    tried = page_visit(name, device).result("self-checks")
    assert tried["questions"] >= 2
    assert tried["chosen"] >= 2 * tried["questions"]


# --- Figures on a phone ------------------------------------------------------------------

#: Smallest text, in CSS pixels, that the enlarged figure must show (course-figures.js).
MIN_TEXT_PX = 11


def smallest_text_px(image) -> float:
    """The rendered height of the smallest text in an ``<img>`` of a figure frame's SVG."""
    source, width = image.evaluate("img => [img.src, img.getBoundingClientRect().width]")
    svg = urllib.parse.unquote(source.split(",", 1)[1])
    sizes = [float(size) for size in re.findall(r"font[-a-z]*:\s*([0-9.]+)px", svg)]
    units_wide = float(re.search(r'viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+)', svg).group(1))
    return min(sizes) * width / units_wide


def check_enlarging(page, name: str) -> int:
    """Tap each figure's enlarge button: the dialog shows the same frame with text large
    enough to read, and Escape closes it and gives the focus back. Returns how many."""
    figures = page.locator(".kc-frame-figure")
    for f in range(figures.count()):
        figure = figures.nth(f)
        alt, _ = visible_frame(figure)
        inline = figure.locator("img.kc-frame").filter(visible=True).first
        assert smallest_text_px(inline) < MIN_TEXT_PX  # why the dialog exists
        button = figure.locator("xpath=ancestor::div[contains(@class,'cell_output')]")
        button = button.locator("button.kc-enlarge")
        button.tap()
        dialog = page.locator("dialog.kc-zoom")
        dialog.wait_for(state="visible")
        shown = dialog.locator("img")
        assert shown.get_attribute("alt") == alt
        assert smallest_text_px(shown) >= MIN_TEXT_PX, f"{name} figure {f}"
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
        assert button.evaluate("el => el === document.activeElement")
    return figures.count()


@pytest.mark.parametrize(("name", "device"), visited(lesson_pages(), ["phone"]))
def test_every_figure_enlarges_to_readable_text_on_a_phone(page_visit, name, device):
    # Every lesson has figures (test_browser.test_every_lesson_has_an_interactive_figure).
    assert page_visit(name, device).result("enlarging") >= 1


def test_a_tap_on_a_figure_enlarges_it_and_the_close_button_closes_it(browser, book_server):
    context, page, _ = open_page(browser, f"{book_server}/{LESSON}.html", device="phone")
    try:
        frame = page.locator(".kc-frame-figure img.kc-frame").filter(visible=True).first
        frame.tap()
        dialog = page.locator("dialog.kc-zoom")
        dialog.wait_for(state="visible")
        assert dialog.locator("img").get_attribute("alt") == frame.get_attribute("alt")
        dialog.get_by_role("button", name="Close").tap()
        dialog.wait_for(state="hidden")
    finally:
        context.close()


def default_frame_alts(built_html, name) -> list[str]:
    """Alt text of each figure's opening frame, read from the page's widget state."""
    script = widget_state_file(built_html, name).read_text()
    literal = re.search(r"state\.textContent = (\".*\");", script).group(1)
    state = json.loads(json.loads(literal))["state"]

    def opening(model_id):
        model = state[model_id.removeprefix("IPY_MODEL_")]
        values = model["state"]
        if model["model_name"] == "StackModel":
            return opening(values["children"][values["selected_index"]])
        return re.search(r'alt="([^"]*)"', values["value"]).group(1)

    page = (built_html / f"{name}.html").read_text()
    alts = []
    for view in re.findall(r'"model_id": "([0-9a-f]+)"', page):
        values = state[view]["state"]
        if "kc-frame-figure" in values.get("_dom_classes", []):
            alts.append(opening(values["children"][-1]))
    return alts


#: Largest cumulative layout shift a page may show while its figures load; 0.1 is the upper
#: limit of "good" in Google's Core Web Vitals.
MAX_LAYOUT_SHIFT = 0.1

LAYOUT_SHIFT = """() => new Promise(done => {
    let shift = 0;
    new PerformanceObserver(list => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) shift += entry.value;
    }).observe({type: "layout-shift", buffered: true});
    setTimeout(() => done(shift), 100);
})"""


def static_opening_frames(page, built_html, name: str) -> list[str]:
    """Before the widget manager loads (the visit holds it back, as a slow phone would),
    each figure shows its opening frame as a plain image. Returns their alt texts."""
    expected = [html.unescape(alt) for alt in default_frame_alts(built_html, name)]
    static = page.locator(".kc-static img.kc-frame")
    assert static.count() == len(expected) >= 1
    for i, alt in enumerate(expected):
        assert static.nth(i).get_attribute("alt") == alt
        static.nth(i).scroll_into_view_if_needed()
        assert static.nth(i).is_visible()
        assert static.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator(".kc-frame-figure").count() == 0  # the manager is held back
    return expected


def live_opening_frames(page, expected: list[str]) -> float:
    """Once the manager has drawn the figures, each shows the same opening frame in place of
    the image, and the page has hardly moved. Returns the layout shift."""
    live = page.locator(".kc-frame-figure")
    static = page.locator(".kc-static img.kc-frame")
    assert live.count() == len(expected)
    for i, alt in enumerate(expected):
        assert visible_frame(live.nth(i))[0] == alt
        assert not static.nth(i).is_visible()
    return page.evaluate(LAYOUT_SHIFT)


@pytest.mark.parametrize(("name", "device"), visited(lesson_pages()))
def test_figures_show_their_opening_frame_before_the_widget_manager_loads(page_visit, name, device):
    assert page_visit(name, device).result("opening frames") < MAX_LAYOUT_SHIFT


def test_every_widget_view_has_a_static_copy_before_it(built_html):
    views = 0
    for name in toc_files():
        soup = BeautifulSoup((built_html / f"{name}.html").read_text(), "html.parser")
        for view in soup.select(WIDGET_VIEW):
            copy = view.find_previous_sibling()
            assert copy is not None and "kc-static" in copy.get("class", []), name
            assert copy.get_text(strip=True) or copy.find("img"), f"{name}: empty static copy"
            views += 1
    assert views >= 30


# --- Page width on a phone ---------------------------------------------------------------

OVERFLOW = """() => {
    const width = window.innerWidth;
    const inScroller = el => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            const style = getComputedStyle(a);
            if (["auto", "scroll"].includes(style.overflowX)
                && a.getBoundingClientRect().right <= width + 1) return true;
        }
        return false;
    };
    const wide = [];
    for (const el of document.querySelectorAll("body *")) {
        if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
        const box = el.getBoundingClientRect();
        if (box.width > 0 && box.right > width + 1 && !inScroller(el)) {
            wide.push(`${el.tagName}.${el.className} ends at ${Math.round(box.right)} px`);
        }
    }
    return {scrollWidth: document.scrollingElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""


@pytest.mark.parametrize(("name", "device"), visited(toc_files(), ["phone"]))
def test_no_page_is_wider_than_a_phone(page_visit, name, device):
    result = page_visit(name, device).result("width")
    assert result["scrollWidth"] <= result["width"], result
    assert result["wide"] == [], result


# Every character the page draws, as it stands, with a Font Awesome 6 font (in a
# pseudo-element or as text; shown or hidden), with the family and weight that pick its font
# file. (The widget manager's widgets use Font Awesome 5, which it brings itself.)
ICONS = """() => {
  const found = new Map();
  const add = (text, style) => {
    for (const character of text) {
      if (!character.trim()) continue;
      const code = character.codePointAt(0);
      const key = `${code} ${style.fontFamily} ${style.fontWeight}`;
      found.set(key, {code, family: style.fontFamily, weight: Number(style.fontWeight)});
    }
  };
  const isIconFont = (style) => style.fontFamily.includes("Font Awesome 6");
  for (const element of document.querySelectorAll("body *")) {
    for (const pseudo of ["::before", "::after"]) {
      const style = getComputedStyle(element, pseudo);
      if (isIconFont(style) && style.content.startsWith('"')) {
        add(JSON.parse(style.content), style);
      }
    }
    const style = getComputedStyle(element);
    if (isIconFont(style)) {
      for (const node of element.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) add(node.textContent, style);
      }
    }
  }
  return [...found.values()];
}"""


def icon_font_file(family: str, weight: int) -> str:
    """The theme's font file that draws Font Awesome ``family`` at ``weight``."""
    if "Brands" in family:
        return "fa-brands-400.woff2"
    # Of the two faces (400 and 900), a browser draws weights above 500 with the heavier.
    return "fa-solid-900.woff2" if weight > 500 else "fa-regular-400.woff2"


@pytest.mark.parametrize(("name", "device"), visited(toc_files()))
def test_every_icon_a_page_draws_is_in_the_font_that_draws_it(page_visit, built_html, name, device):
    """The book serves its icon fonts cut down to the icons it uses (course_icon_font): an
    icon left out would show as an empty box."""
    from fontTools.ttLib import TTFont

    drawn = page_visit(name, device).result("icons")
    # The search button, the contents and the menu are drawn on every page.
    assert len(drawn) >= 3, drawn
    fonts = built_html / "_static" / "vendor" / "fontawesome" / "webfonts"
    missing = []
    for icon in drawn:
        file = icon_font_file(icon["family"], icon["weight"])
        if icon["code"] not in TTFont(fonts / file).getBestCmap():
            missing.append(f"U+{icon['code']:04X} in {file}")
    assert missing == []
