"""The icon font the book serves holds the icons its pages can ask for, and little else
(book/_ext/course_icon_font.py). test_readers.py checks in Chromium that every icon a page
draws is in the font that draws it."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from course_icon_font import FONTS, cut_font, icon_characters  # noqa: E402

ICON_FONTS = ["fa-solid-900.woff2", "fa-regular-400.woff2", "fa-brands-400.woff2"]


def theme_font(name: str) -> Path:
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    return theme / "static" / FONTS.relative_to("_static") / name


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_characters_are_the_classes_used_and_the_icons_of_the_stylesheets(tmp_path):
    # The class rules, as the theme's minified stylesheet writes them: one with two names, and
    # escapes of a digit and of punctuation; an icon a rule draws outside the class rules,
    # escaped and as a character.
    write(
        tmp_path / "_static" / "styles" / "theme.css",
        '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}.fa-list:before{content:"\\f03a"}'
        '.fa-1:before{content:"\\31 "}.fa-plus:before{content:"\\+"}'
        '.fa-unused:before{content:"\\f2b9"}.fa-only-in-a-script-no-page-loads:before'
        '{content:"\\f2bb"}.fa-only-in-the-widget-manager:before{content:"\\f2bd"}'
        '.toc:after{content:"\\f107";font-family:Font Awesome\\ 6 Free}'
        ':root{--icon-note:"\uf05a"}',
    )
    write(
        tmp_path / "book" / "page.html",
        '<i class="fa-solid fa-navicon"></i><i class="fa-1"></i><i class="fa-plus"></i>'
        '<script src="../_static/menu.js?v=1"></script>'
        '<script src="../_static/vendor/manager.js"></script>',
    )
    write(tmp_path / "_static" / "menu.js", 'button.className = "fa-solid fa-list";')
    write(tmp_path / "_static" / "unused.js", '"fa-only-in-a-script-no-page-loads"')
    # The widget manager brings its own icon font; its class names do not count.
    write(tmp_path / "_static" / "vendor" / "manager.js", '"fa-only-in-the-widget-manager"')
    assert icon_characters(tmp_path) == {0xF0C9, 0xF03A, ord("1"), ord("+"), 0xF107, 0xF05A}


def test_a_cut_font_holds_the_characters_asked_for_and_keeps_its_names():
    original = theme_font("fa-solid-900.woff2")
    if not original.exists():
        pytest.fail(f"the theme's icon font is not at {original}: has the theme moved it?")
    whole = TTFont(original)
    asked = {0xF0C9, 0xF002, 0xF105, 0xE000}  # the last is not in the font
    cut = cut_font(original.read_bytes(), asked)
    font = TTFont(io.BytesIO(cut))
    assert set(font.getBestCmap()) == asked & set(whole.getBestCmap()) == asked - {0xE000}
    assert font.flavor == "woff2"
    assert len(cut) < len(original.read_bytes()) / 20
    # The same outline for each icon, and the font's names and copyright notice kept.
    for code in asked - {0xE000}:
        kept = font["glyf"][font.getBestCmap()[code]]
        source = whole["glyf"][whole.getBestCmap()[code]]
        assert kept.getCoordinates(font["glyf"])[0] == source.getCoordinates(whole["glyf"])[0]
    for name_id in (0, 1, 4, 6):
        assert font["name"].getDebugName(name_id) == whole["name"].getDebugName(name_id)


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.parametrize("name", ICON_FONTS)
def test_the_built_book_serves_its_icon_fonts_cut(built_html, name):
    """That the build cuts the fonts; whether it kept every icon a page draws is checked in
    Chromium (test_readers.py)."""
    served, whole = built_html / FONTS / name, theme_font(name)
    assert served.stat().st_size < whole.stat().st_size / 10
    assert set(TTFont(served).getBestCmap()) == icon_characters(built_html) & set(
        TTFont(whole).getBestCmap()
    )
