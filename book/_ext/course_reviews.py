"""Sphinx extension: each page's date of last review, from ``book/reviews.csv``.

The course records every independent review in ``book/reviews.csv``: its date, the pages
it covered, and the section of the review page (``book/review.md``) that lists its findings
and what changed. Under the title of each page a review covered, this extension writes
"Last reviewed on <date>", linked to that section, so a reader can see how recently the
page's claims were checked and by what standard.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from docutils import nodes
from sphinx.addnodes import pending_xref

REVIEWS = Path(__file__).resolve().parent.parent / "reviews.csv"
REVIEW_PAGE = "book/review"


@dataclass(frozen=True)
class Review:
    date: dt.date
    pages: tuple[str, ...]
    scope: str
    anchor: str


def read_reviews(path: Path = REVIEWS) -> list[Review]:
    """Every review in the file, oldest first; a ``ValueError`` names a malformed row."""
    reviews = []
    with path.open(encoding="utf-8", newline="") as file:
        for number, row in enumerate(csv.DictReader(file), start=2):
            try:
                date = dt.date.fromisoformat(row["date"])
            except (KeyError, ValueError) as error:
                raise ValueError(f"{path.name} line {number}: date must be YYYY-MM-DD") from error
            pages = tuple(row["pages"].split())
            if not pages or not row["anchor"].strip():
                raise ValueError(f"{path.name} line {number}: pages and anchor must not be empty")
            reviews.append(Review(date, pages, row["scope"].strip(), row["anchor"].strip()))
    return sorted(reviews, key=lambda review: review.date)


def last_review(page: str, reviews: list[Review]) -> Review | None:
    """The most recent review that covered ``page`` (a docname such as ``notebooks/01_history``)."""
    covering = [review for review in reviews if page in review.pages]
    return covering[-1] if covering else None


def us_date(date: dt.date) -> str:
    """``December 4, 2026``: the course writes dates in US style."""
    return f"{date:%B} {date.day}, {date.year}"


def _add_review_line(app, doctree) -> None:
    env = app.env
    if REVIEW_PAGE not in env.found_docs:
        return  # a book without the review page (a test's fixture book) has nothing to link
    env.note_dependency(str(REVIEWS))
    review = last_review(env.docname, read_reviews())
    if review is None:
        return
    title = next(iter(doctree.findall(nodes.title)), None)
    if title is None:
        return
    link = pending_xref(
        refdomain="std",
        reftype="ref",
        reftarget=review.anchor,
        refexplicit=True,
        refwarn=True,
        refdoc=env.docname,
    )
    link += nodes.inline(text="How this course is checked")
    line = nodes.paragraph(classes=["kc-last-review"])
    line += nodes.Text(f"Last reviewed on {us_date(review.date)} ({review.scope}); see ")
    line += link
    line += nodes.Text(".")
    section = title.parent
    section.insert(section.index(title) + 1, line)


def setup(app):
    app.connect("doctree-read", _add_review_line)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
