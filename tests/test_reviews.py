"""The review record: every review in book/reviews.csv has its entry on the review page, and
every page it covered shows the date of its last review."""

from __future__ import annotations

import sys

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from test_book import toc_files

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from course_reviews import last_review, read_reviews, us_date  # noqa: E402


def test_every_reviewed_page_is_in_the_book():
    pages = set(toc_files())
    for review in read_reviews():
        assert set(review.pages) <= pages, review


def test_the_latest_review_of_a_page_is_the_one_shown():
    reviews = read_reviews()
    dates = [r.date for r in reviews if "notebooks/03_ketamine_nmda" in r.pages]
    assert last_review("notebooks/03_ketamine_nmda", reviews).date == max(dates)
    assert last_review("book/not-a-page", reviews) is None


def test_a_malformed_review_row_is_an_error_naming_its_line(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text("date,pages,scope,anchor\n2026-13-01,notebooks/01_history,x,y\n")
    with pytest.raises(ValueError, match="line 2: date must be YYYY-MM-DD"):
        read_reviews(path)
    path.write_text("date,pages,scope,anchor\n2026-12-01,,x,y\n")
    with pytest.raises(ValueError, match="line 2: pages and anchor must not be empty"):
        read_reviews(path)


@pytest.mark.book
@pytest.mark.slow
def test_each_review_has_its_entry_and_each_page_shows_its_last_review(built_html):
    reviews = read_reviews()
    review_page = BeautifulSoup((built_html / "book" / "review.html").read_text(), "html.parser")
    for review in reviews:
        assert review_page.find(id=review.anchor), f"no section {review.anchor} on the review page"
    for name in toc_files():
        page = BeautifulSoup((built_html / f"{name}.html").read_text(), "html.parser")
        shown = page.select("p.kc-last-review")
        latest = last_review(name, reviews)
        if latest is None:
            assert shown == [], name
            continue
        assert len(shown) == 1, name
        assert us_date(latest.date) in shown[0].get_text()
        assert shown[0].find("a")["href"].endswith(f"review.html#{latest.anchor}")
        # Directly under the page title.
        assert shown[0].find_previous_sibling("h1") is not None, name
