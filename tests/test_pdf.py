"""make pdf: the printed book holds every chapter, in the order of the table of contents."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import ROOT
from test_book import toc_files

sys.path.insert(0, str(ROOT / "scripts"))
from print_pdf import print_pages  # noqa: E402

pytestmark = [pytest.mark.book, pytest.mark.browser, pytest.mark.slow]


def normalized(text: str) -> str:
    """Text with ligatures unfolded and all whitespace as single spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def test_the_pdf_has_every_chapter_in_order(built_html, tmp_path, browser):
    # The browser fixture makes the test skip (or fail under CI) without Chromium; printing
    # itself fails if any interactive figure is not drawn at its default frame.
    pdf = tmp_path / "book.pdf"
    pages = print_pages(browser, built_html, pdf)
    reader = PdfReader(pdf)
    assert len(reader.pages) == pages > 50
    text = normalized(" ".join(page.extract_text() for page in reader.pages))
    position = 0
    for name in toc_files():
        heading = BeautifulSoup((built_html / f"{name}.html").read_text(), "html.parser")
        title = normalized(heading.select_one("article h1").get_text()).rstrip("#").strip()
        found = text.find(title, position)
        assert found >= 0, f"chapter {name!r} ({title!r}) is missing or out of order"
        position = found + len(title)
