"""Links in the built book: every internal link reaches a page, and every anchor exists.

External links need the internet, which CI does not have; `make linkcheck` checks them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from bs4 import BeautifulSoup


@cache
def _parsed(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@cache
def _anchors(path: Path) -> set[str]:
    soup = _parsed(path)
    return {tag["id"] for tag in soup.find_all(id=True)} | {
        tag["name"] for tag in soup.find_all("a", attrs={"name": True})
    }


def broken_links(html_dir: Path) -> list[str]:
    """Internal links of every page under ``html_dir`` that lead nowhere, as text."""
    broken = []
    for page in sorted(html_dir.rglob("*.html")):
        for link in _parsed(page).find_all("a", href=True):
            href = link["href"]
            parts = urlparse(href)
            if parts.scheme or parts.netloc or href.startswith("mailto:"):
                continue  # external: checked by `make linkcheck`
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            where = f"{page.relative_to(html_dir)}: {href}"
            if not target.is_file():
                broken.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                if unquote(parts.fragment) not in _anchors(target):
                    broken.append(f"{where} (no such anchor)")
    return broken


@pytest.mark.book
@pytest.mark.slow
def test_every_internal_link_and_anchor_resolves(built_html):
    assert broken_links(built_html) == []


def test_a_broken_link_or_anchor_is_reported(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text(
        '<p id="top"></p><a href="#top">ok</a><a href="sub/page.html#here">ok</a>'
        '<a href="missing.html">gone</a><a href="sub/page.html#nowhere">bad anchor</a>'
        '<a href="https://example.org/">external</a>'
    )
    (tmp_path / "sub" / "page.html").write_text('<h1 id="here">Page</h1><a href="../">up</a>')
    assert broken_links(tmp_path) == [
        "index.html: missing.html (no such file)",
        "index.html: sub/page.html#nowhere (no such anchor)",
    ]
