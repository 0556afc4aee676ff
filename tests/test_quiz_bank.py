"""The quiz bank: the lessons' self-checks exported as QTI and as a plain bank."""

from __future__ import annotations

import csv
import html
import re
import sys
import zipfile
from xml.etree import ElementTree

import nbformat
import pytest

from conftest import ROOT
from ketamine_course.core.interactive import self_check_bank

sys.path.insert(0, str(ROOT / "scripts"))
import quiz_bank  # noqa: E402

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


@pytest.fixture(scope="module")
def bank_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quiz-bank")
    quiz_bank.build(folder)
    return folder


#: text2qti renders text as Markdown, which turns straight quotes into typographic ones.
TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def text_of(mattext) -> str:
    """The plain text of a QTI mattext (HTML from Markdown): tags dropped, entities decoded."""
    text = html.unescape(re.sub(r"<[^>]+>", "", mattext.text or "")).strip()
    return text.translate(TYPOGRAPHIC)


def qti_items(folder) -> dict[str, dict]:
    """Every question of the QTI package, read back from its XML, by self-check label."""
    with zipfile.ZipFile(folder / f"{quiz_bank.NAME}.zip") as package:
        names = [n for n in package.namelist() if n.endswith(".xml") and "/" in n]
        assessment = next(n for n in names if not n.endswith("assessment_meta.xml"))
        root = ElementTree.fromstring(package.read(assessment))
    items = {}
    for item in root.iter(f"{QTI}item"):
        label = item.get("title").split(" ")[0]
        presentation = item.find(f"{QTI}presentation")
        question = text_of(presentation.find(f"{QTI}material/{QTI}mattext"))
        choices = [
            (label_.get("ident"), text_of(label_.find(f"{QTI}material/{QTI}mattext")))
            for label_ in presentation.iter(f"{QTI}response_label")
        ]
        scored = [
            cond.find(f"{QTI}conditionvar/{QTI}varequal").text
            for cond in item.iter(f"{QTI}respcondition")
            if cond.find(f"{QTI}setvar") is not None
        ]
        feedback = {
            fb.get("ident").removesuffix("_fb"): text_of(fb.find(f".//{QTI}mattext"))
            for fb in item.iter(f"{QTI}itemfeedback")
        }
        items[label] = {
            "title": item.get("title"),
            "question": question,
            "options": [text for _, text in choices],
            "correct": [ident for ident, _ in choices].index(scored[0])
            if len(scored) == 1
            else None,
            "feedback": [feedback[ident] for ident, _ in choices],
        }
    return items


def test_the_qti_package_holds_every_self_check_with_its_answer_and_feedback(bank_folder):
    items = qti_items(bank_folder)
    bank = self_check_bank()
    assert set(items) == set(bank)
    for label, entry in bank.items():
        item = items[label]
        lesson = int(entry["lesson"][:2])
        assert item["title"] == f"{label} (Lesson {lesson}, objective {entry['objective']})"
        assert item["question"] == entry["question"]
        assert item["options"] == entry["options"]
        assert item["correct"] == entry["correct"], label
        assert item["feedback"] == entry["feedback"], label


def test_the_plain_bank_matches_the_lessons(bank_folder):
    bank = self_check_bank()
    with (bank_folder / f"{quiz_bank.NAME}.csv").open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert [row["label"] for row in rows] == [q["label"] for q in quiz_bank.questions()]
    for row in rows:
        entry = bank[row["label"]]
        assert (row["lesson"], int(row["objective"])) == (entry["lesson"], entry["objective"])
        assert row["question"] == entry["question"]
        n = len(entry["options"])
        assert [row[f"option_{i + 1}"] for i in range(n)] == entry["options"]
        assert [row[f"feedback_{i + 1}"] for i in range(n)] == entry["feedback"]
        assert int(row["correct_option"]) == entry["correct"] + 1
    markdown = (bank_folder / f"{quiz_bank.NAME}.md").read_text(encoding="utf-8")
    assert markdown.count("**(correct)**") == len(bank)


def test_every_self_check_names_a_learning_objective_its_lesson_has():
    for label, entry in self_check_bank().items():
        nb = nbformat.read(ROOT / "notebooks" / f"{entry['lesson']}.ipynb", as_version=4)
        overview = next(c.source for c in nb.cells if "### Learning objectives" in c.source)
        objectives = overview.split("### Learning objectives", 1)[1].split("###", 1)[0]
        numbers = {int(n) for n in re.findall(r"^(\d)\. ", objectives, re.M)}
        assert entry["objective"] in numbers, label


def test_a_text_over_several_lines_is_refused_with_its_text():
    question = {
        "label": "x",
        "lesson": "01_history",
        "objective": 1,
        "question": "a\nb",
        "options": ["o", "p"],
        "correct": 0,
        "feedback": ["f", "g"],
    }
    with pytest.raises(ValueError, match="spans lines"):
        quiz_bank.text2qti_source([question])
