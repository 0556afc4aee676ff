"""Student copies of the notebooks: every solution removed, the rest still runs."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest

from conftest import NOTEBOOKS, RAW_MYST, ROOT, executed_in_the_book_build
from ketamine_course.core.interactive import self_check_bank
from ketamine_course.core.references import short_citations

sys.path.insert(0, str(ROOT / "scripts"))
from student_notebooks import exercise_numbers, myst_parser, plain_markdown  # noqa: E402

SCRIPT = ROOT / "scripts" / "student_notebooks.py"
DIRECTIVE = re.compile(r"^`{3,}\{(solution|solution-start|solution-end|exercise)\}", re.M)


def solution_cells(notebook) -> set[int]:
    """Cells that belong to a solution: a {solution} directive, or solution-start to -end."""
    cells, inside = set(), False
    for index, cell in enumerate(notebook.cells):
        kinds = DIRECTIVE.findall(cell.source) if cell.cell_type == "markdown" else []
        if "solution-start" in kinds:
            inside = True
        if inside or "solution" in kinds:
            cells.add(index)
        if "solution-end" in kinds:
            inside = False
    return cells


def tagged_cells(notebook) -> set[int]:
    return {
        index
        for index, cell in enumerate(notebook.cells)
        if "solution" in cell.get("metadata", {}).get("tags", [])
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_solution_cell_is_tagged_and_no_other(path):
    notebook = nbformat.read(path, as_version=4)
    assert solution_cells(notebook), "a lesson needs solutions"
    assert tagged_cells(notebook) == solution_cells(notebook)


@pytest.fixture(scope="module")
def student_copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_keeps_the_exercises_and_no_solution(student_copies, path):
    original = nbformat.read(path, as_version=4)
    copy = nbformat.read(student_copies / path.name, as_version=4)
    text = "\n".join(cell.source for cell in copy.cells)
    assert "{solution" not in text and "Solution" not in text
    assert not tagged_cells(copy)
    exercises = len(re.findall(r"^\*\*Exercise \d+\*\* \(`[\w-]+`\)$", text, re.M))
    assert exercises >= 2
    assert exercises == "\n".join(c.source for c in original.cells).count("{exercise}")
    # The solutions are gone, and a note saying where to find them comes first.
    assert len(copy.cells) == len(original.cells) - len(solution_cells(original)) + 1
    assert copy.cells[0].source.startswith("> **Student copy.**")


def _tokens(tokens):
    for token in tokens:
        yield token
        yield from _tokens(token.children or [])


def myst_syntax(markdown: str) -> list[str]:
    """The MyST-only constructs that the book's own parser finds in ``markdown``."""
    found = []
    for token in _tokens(myst_parser().parse(markdown)):
        if token.type in {"myst_role", "myst_target", "myst_line_comment", "field_list_open"}:
            found.append(f"{token.type} {token.meta.get('name', '')} {token.content}".strip())
        elif token.type in {"fence", "colon_fence"} and token.info.startswith("{"):
            found.append(f"directive {token.info}")
    return found


def test_the_myst_detector_finds_each_construct():
    found = myst_syntax(
        "(a-target)=\n# Title\n\n% a comment\n\nA {term}`word` {cite:p}`key`.\n\n"
        "```{exercise}\n:label: x\n\nDo.\n```\n\n:::{note}\nSee.\n:::\n\n:class: tip\n"
    )
    assert [item.split()[0] for item in found] == [
        "myst_target",
        "myst_line_comment",
        "myst_role",
        "myst_role",
        "directive",
        "directive",
        "field_list_open",
    ], found
    assert myst_syntax("**Exercise 1** (`x`)\n\n> **Note**\n>\n> See (Anis et al., 1983).") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_is_plain_markdown_with_author_year_citations(student_copies, path):
    copy = nbformat.read(student_copies / path.name, as_version=4)
    markdown = "\n".join(c.source for c in copy.cells if c.cell_type == "markdown")
    notebook = nbformat.read(path, as_version=4)
    solutions = tagged_cells(notebook)
    original = "\n".join(
        c.source
        for i, c in enumerate(notebook.cells)
        if c.cell_type == "markdown" and i not in solutions
    )
    assert myst_syntax(original), "the lesson should have MyST for the copy to rewrite"
    for cell in copy.cells:
        if cell.cell_type == "markdown":
            assert myst_syntax(cell.source) == [], cell.source
    found = RAW_MYST.search(markdown)
    assert found is None, found and found.group(0)
    labels = short_citations()
    # Line breaks inside a citation's parentheses do not change how it reads.
    flowing = " ".join(markdown.split())
    for keys in re.findall(r"\{cite:p\}`([^`]+)`", original):
        shown = "; ".join(labels[key.strip()] for key in keys.split(","))
        assert f"({shown})" in flowing, shown
    for key in re.findall(r"\{cite:t\}`([^`]+)`", original):
        who, _, year = labels[key].rpartition(", ")
        assert f"{who} ({year})" in flowing, key


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_carries_no_self_check_answer(student_copies, path):
    copy = nbformat.read(student_copies / path.name, as_version=4)
    text = "\n".join(cell.source for cell in copy.cells)
    assert "correct=" not in text
    checks = {label: q for label, q in self_check_bank().items() if q["lesson"] == path.stem}
    assert checks, "a lesson needs a self-check"
    for label, question in checks.items():
        assert f'self_check("{label}")' in text
        assert question["feedback"][question["correct"]] not in text


def test_self_check_bank_matches_the_lessons():
    bank = self_check_bank()
    used = {
        label
        for path in NOTEBOOKS
        for cell in nbformat.read(path, as_version=4).cells
        for label in re.findall(r'self_check\("([\w-]+)"\)', cell.source)
    }
    assert used == set(bank)
    for label, question in bank.items():
        assert (ROOT / "notebooks" / f"{question['lesson']}.ipynb").is_file(), label
        assert len(question["options"]) == len(question["feedback"]) >= 2, label
        assert 0 <= question["correct"] < len(question["options"]), label


def test_myst_becomes_plain_markdown():
    labels = {"anis1983": "Anis et al., 1983", "jahr1990": "Jahr and Stevens, 1990"}
    titles = {"02_glutamate_nmda": "Lesson 2 — Glutamate and the NMDA receptor"}
    numbers = {"a-label": 7, "gated": 8}
    source = (
        "(a-target)=\n## Heading\n\n% A note to authors.\n\n"
        "A {term}`racemate <racemic ketamine>` and an {term}`enantiomer` "
        "{cite:p}`anis1983,jahr1990`; {cite:t}`jahr1990` showed it. "
        "See {doc}`02_glutamate_nmda`, {numref}`Exercise %s <a-label>`, {numref}`gated` "
        "and {ref}`the heading <a-target>`.\n\n"
        "````{exercise} Half block\n:label: a-label\n\nDo this:\n\n```python\nx = 1\n```\n"
        "````\n\n"
        "```{admonition} What to notice\n:class: tip\n\nThat, {cite:p}`anis1983`.\n```\n\n"
        ":::{warning}\nNot dosing advice.\n:::\n\n"
        "```{exercise-start}\n:label: gated\n```\n\nPart one.\n\n```{exercise-end}\n```\n"
    )
    plain = plain_markdown(source, labels, titles, numbers)
    assert myst_syntax(plain) == [], plain
    assert RAW_MYST.search(plain) is None, plain
    assert plain.startswith("## Heading\n\nA racemate and an enantiomer"), plain
    assert "A racemate and an enantiomer (Anis et al., 1983; Jahr and Stevens, 1990)" in plain
    assert "Jahr and Stevens (1990) showed it" in plain
    assert "See Lesson 2 — Glutamate and the NMDA receptor, Exercise 7, Exercise 8" in plain
    assert "and the heading." in plain
    assert "**Exercise 7 — Half block** (`a-label`)\n\nDo this:\n\n```python\nx = 1\n```" in plain
    assert "> **What to notice**\n>\n> That, (Anis et al., 1983)." in plain
    assert "> **Warning**\n>\n> Not dosing advice." in plain
    assert plain.endswith("**Exercise 8** (`gated`)\n\nPart one."), plain
    assert "A note to authors" not in plain


def test_exercises_are_numbered_through_the_lessons():
    numbers = exercise_numbers(ROOT / "notebooks")
    assert sorted(numbers.values()) == list(range(1, len(numbers) + 1))
    firsts = [
        min(n for label, n in numbers.items() if label.startswith(prefix))
        for prefix in ("history-", "nmda-", "ketamine-")
    ]
    assert firsts == sorted(firsts) and firsts[0] == 1, firsts


@pytest.mark.slow
def test_student_copies_number_exercises_as_the_book_does(student_copies, built_html):
    for path in NOTEBOOKS:
        page = (built_html / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        copy = "\n".join(
            c.source for c in nbformat.read(student_copies / path.name, as_version=4).cells
        )
        for number, label in re.findall(r"^\*\*Exercise (\d+)\*\* \(`([\w-]+)`\)$", copy, re.M):
            # sphinx-exercise titles the box that carries the label's id "Exercise N".
            box = re.search(rf'id="{label}".*?Exercise {number}\b', page, re.S)
            assert box and box.group(0).count("Exercise ") == 1, (path.name, label, number)


def code_before_the_first_exercise(notebook, starts_exercise) -> list[str]:
    first = next(i for i, cell in enumerate(notebook.cells) if starts_exercise(cell))
    return [cell.source for cell in notebook.cells[:first] if cell.cell_type == "code"]


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_runs_up_to_the_first_exercise(student_copies, book_build, path):
    # Up to its first exercise a student copy holds the lesson's own code, cell for cell,
    # and the book build ran the lesson in a fresh kernel, so the copy runs as far as that.
    executed_in_the_book_build(book_build, path)
    copy = nbformat.read(student_copies / path.name, as_version=4)
    lesson = nbformat.read(path, as_version=4)
    # A lesson opens an exercise with the {exercise} directive, a student copy in bold.
    in_copy = code_before_the_first_exercise(copy, lambda cell: "**Exercise" in cell.source)
    in_lesson = code_before_the_first_exercise(
        lesson, lambda cell: "exercise" in DIRECTIVE.findall(cell.source)
    )
    assert in_lesson and in_copy == in_lesson
