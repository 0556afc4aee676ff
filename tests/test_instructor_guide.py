"""The instructor guide: its plans add up, it names real exercises and lessons, and its
table of lesson times matches the notebooks and their last run."""

from __future__ import annotations

import math
import re
import sys

import nbformat
import pytest
from bs4 import BeautifulSoup

from conftest import NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from course_lesson_times import WORDS_PER_MINUTE, prose_words, reading_minutes  # noqa: E402

GUIDE = ROOT / "book" / "instructor-guide.md"
BLOCK = re.compile(r"^\| (\d+)–(\d+) \|", re.M)


def exercise_labels() -> set[str]:
    labels = set()
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            labels.update(re.findall(r"^`{3,}\{exercise\}\n:label: (\S+)", cell.source, re.M))
    return labels


def test_every_session_plan_fills_its_ninety_minutes_without_gaps():
    tables = re.split(r"^\| Minutes \|", GUIDE.read_text(), flags=re.M)[1:]
    assert len(tables) == 5, "the 90-minute session and four weekly sessions"
    for table in tables:
        blocks = [(int(a), int(b)) for a, b in BLOCK.findall(table.split("\n\n")[0])]
        assert blocks[0][0] == 0 and blocks[-1][1] == 90
        assert all(end == start for (_, end), (start, _) in zip(blocks, blocks[1:]))


def test_guide_assigns_every_exercise_and_names_no_other():
    labels = exercise_labels()
    named = set(re.findall(r"`([a-z]+(?:-[a-z0-9]+)+)`", GUIDE.read_text()))
    exercise_like = {
        name for name in named if name.split("-")[0] in {la.split("-")[0] for la in labels}
    }
    assert labels <= named, f"not in the guide: {sorted(labels - named)}"
    assert exercise_like <= labels, f"no such exercise: {sorted(exercise_like - labels)}"


def test_guide_links_every_lesson():
    text = GUIDE.read_text()
    for path in NOTEBOOKS:
        assert f"../notebooks/{path.stem}" in text, path.name


def test_reading_time_counts_prose_words_only(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(
            "# A title\n\nOne two {term}`three <NMDA receptor>` {cite:p}`anis1983dissociative`.\n"
            "\n```python\nnot = counted\n```\n\n```{note}\n:class: dropdown\nfour five\n```"
        ),
        nbformat.v4.new_code_cell("not counted either"),
    ]
    path = tmp_path / "fixture.ipynb"
    nbformat.write(notebook, path)
    # "A title" (2), "One two three" (3), "four five" (2).
    assert prose_words(path) == 7
    assert reading_minutes(WORDS_PER_MINUTE) == 1
    assert reading_minutes(WORDS_PER_MINUTE + 1) == 2


@pytest.mark.book
@pytest.mark.slow
def test_lesson_times_table_matches_the_notebooks_and_the_status_page(built_html):
    guide = BeautifulSoup((built_html / "book/instructor-guide.html").read_text(), "html.parser")
    header, *rows = [
        [cell.get_text(strip=True) for cell in row.select("th, td")]
        for row in guide.select("table.kc-lesson-times tr")
    ]
    assert header == ["Lesson", "Words", "Reading time (min)", "Notebook run time (s)"]
    assert len(rows) == len(NOTEBOOKS)
    status = BeautifulSoup((built_html / "book/status.html").read_text(), "html.parser")
    run_times = {
        cells[0].get_text(strip=True): float(cells[3].get_text(strip=True))
        for cells in (row.select("td") for row in status.select("article table tr"))
        if len(cells) == 5
    }
    for path, (title, words, minutes, seconds) in zip(NOTEBOOKS, rows):
        assert title.startswith(f"Lesson {int(path.stem[:2])} ")
        assert int(words) == prose_words(path)
        assert int(minutes) == math.ceil(int(words) / WORDS_PER_MINUTE)
        assert float(seconds) == pytest.approx(run_times[f"notebooks/{path.stem}"], abs=0.06)


@pytest.mark.book
@pytest.mark.slow
def test_guide_names_each_exercise_by_the_books_number_and_its_label(built_html):
    guide_html = (built_html / "book" / "instructor-guide.html").read_text()
    guide = BeautifulSoup(guide_html, "html.parser")
    numbers_in_lessons = {}
    for page in (built_html / "notebooks").glob("*.html"):
        for box in BeautifulSoup(page.read_text(), "html.parser").select("div.exercise[id]"):
            title = box.select_one(".caption-number").get_text(strip=True)
            numbers_in_lessons[box["id"]] = title
    labels = exercise_labels()
    assert labels <= set(numbers_in_lessons)
    named = set()
    for link in guide.select("a.reference.internal[href*='#']"):
        label = link["href"].split("#")[1]
        if label not in labels:
            continue
        # "Exercise 12 (claims-ect)": the number the book shows, then the notebook's label.
        assert link.get_text(strip=True) == numbers_in_lessons[label], label
        assert link.find_next_sibling("code").get_text() == label
        named.add(label)
    assert named == labels
