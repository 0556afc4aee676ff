"""Sphinx extension: serve the theme's icon font with only the icons the book can show.

The theme draws its icons (search, menu, contents, admonitions) with Font Awesome's fonts,
and every page downloads the solid one: 156 kB for 1,966 characters, of which the book
uses a few dozen. After the build, each Font Awesome ``.woff2`` font in the built book is cut
down (fontTools) to the characters that the book can ask for:

- the character of every icon class (``fa-bars``) named in a page or in a script a page loads,
  read from the class rules of its stylesheets (``.fa-bars:before{content:"\\f0c9"}``); not
  from the widget manager's scripts, which bring their own icon font;
- every icon character a stylesheet uses outside those rules (the theme's admonition,
  navigation and repository icons).

The cut fonts keep their names and copyright notice (the fonts are under the SIL Open Font
License 1.1, which allows this). The ``.ttf`` copies stay whole: browsers that read ``.woff2``
never fetch them. A cut font is kept in ``_build/.icon-fonts/`` under a hash of the font, its
characters and how it was cut, so a rebuild that changes no icon copies it instead of cutting
it again.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

FONTS = Path("_static") / "vendor" / "fontawesome" / "webfonts"
# A CSS string's escape: up to six hex digits and one optional space (`"\30 "` is "0"), or a
# backslash before any other character (`"\+"` is "+").
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)")
CSS_STRING = r'"((?:[^"\\]|\\.)*)"'
# `.fa-bars:before,.fa-navicon:before{content:"\f0c9"}`, as the theme's minified stylesheet
# writes the class rules.
CLASS_RULE = re.compile(
    r"((?:\.fa-[\w-]+::?before\s*,?\s*)+)\{\s*content:\s*" + CSS_STRING + r"\s*;?\s*\}"
)
CLASS_NAME = re.compile(r"\.(fa-[\w-]+)::?before")
USED_CLASS = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*")
SCRIPT_SOURCE = re.compile(r'<script\b[^>]*\bsrc="([^"?#]+)')
# Outside the class rules, Font Awesome's icons are the characters of Unicode's private use
# area, escaped or not.
PRIVATE_USE = range(0xE000, 0xF900)


def css_text(string: str) -> str:
    """The text of a CSS string's contents, its escapes decoded."""

    def decode(match: re.Match) -> str:
        code, character = match.groups()
        return chr(int(code, 16)) if code else character

    return CSS_ESCAPE.sub(decode, string)


def icon_characters(outdir: Path) -> set[int]:
    """The characters the built book in ``outdir`` can draw with its icon fonts."""
    static = outdir / "_static"
    by_class: dict[str, set[int]] = {}
    characters: set[int] = set()
    for stylesheet in static.rglob("*.css"):
        text = stylesheet.read_text(encoding="utf-8", errors="replace")
        for selectors, content in CLASS_RULE.findall(text):
            for name in CLASS_NAME.findall(selectors):
                by_class[name] = {ord(c) for c in css_text(content)}
        for string in re.findall(CSS_STRING, CLASS_RULE.sub("", text)):
            characters |= {ord(c) for c in css_text(string) if ord(c) in PRIVATE_USE}
    used: set[str] = set()
    scripts: set[Path] = set()
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        used |= set(USED_CLASS.findall(text))
        scripts |= {(page.parent / source).resolve() for source in SCRIPT_SOURCE.findall(text)}
    # The scripts the pages load, but not the widget manager's (in vendor/): it brings its own
    # icon font for widget icons.
    for script in scripts:
        if script.is_file() and "vendor" not in script.relative_to(outdir.resolve()).parts:
            used |= set(USED_CLASS.findall(script.read_text(encoding="utf-8", errors="replace")))
    return characters.union(*(by_class[name] for name in used if name in by_class))


#: Changed whenever cut_font's options change, so that no earlier cut is reused.
CUT_RECIPE = "woff2, all names"


def cut_font(font_bytes: bytes, characters: set[int]) -> bytes:
    """The ``.woff2`` font cut down to ``characters`` (those it has), names kept."""
    from fontTools import subset

    # fontTools reports each step of the cut at INFO level, into the build's output.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    options = subset.Options()
    options.flavor = "woff2"
    options.name_IDs = ["*"]  # the names and the copyright notice
    font = subset.load_font(io.BytesIO(font_bytes), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(characters))
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def theme_fonts(app) -> list[Path]:
    """The theme's own ``.woff2`` icon fonts, as it ships them (the first theme that has them,
    from the book's theme to the themes it extends)."""
    for theme_dir in app.builder.theme.get_theme_dirs():
        fonts = sorted((Path(theme_dir) / "static" / FONTS.relative_to("_static")).glob("*.woff2"))
        if fonts:
            return fonts
    return []


def cut_icon_fonts(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    served = outdir / FONTS
    fonts = [font for font in theme_fonts(app) if (served / font.name).exists()]
    if not fonts:
        return
    characters = icon_characters(outdir)
    cache = outdir.parent / ".icon-fonts"
    cache.mkdir(exist_ok=True)
    from fontTools import version as fonttools_version

    # A cut depends on the font, the characters, and how it is cut.
    recipe = f"{CUT_RECIPE} fontTools {fonttools_version} ".encode()
    recipe += ",".join(f"{c:x}" for c in sorted(characters)).encode()
    for font in fonts:
        # Always from the theme's font: the built book's copy may be an earlier cut.
        original = font.read_bytes()
        cut = cache / f"{hashlib.sha256(original + recipe).hexdigest()[:20]}.woff2"
        if not cut.exists():
            data = cut_font(original, characters)
            # Written whole or not at all: another build may share the cache.
            with tempfile.NamedTemporaryFile(dir=cache, delete=False) as partial:
                partial.write(data)
            os.replace(partial.name, cut)
        shutil.copyfile(cut, served / font.name)


def setup(app):
    # After course_loading writes its stylesheet bundle (priority 900): every stylesheet a
    # page loads is in place.
    app.connect("build-finished", cut_icon_fonts, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
