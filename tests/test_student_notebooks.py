"""Student copies of the notebooks: every solution removed, the rest still runs."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import NOTEBOOKS, RAW_MYST, ROOT
from ketamine_course.interactive import self_check_bank
from ketamine_course.references import short_citations

sys.path.insert(0, str(ROOT / "scripts"))
from student_notebooks import plain_markdown  # noqa: E402

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
    exercises = text.count("**Exercise**")
    assert exercises >= 2
    assert exercises == "\n".join(c.source for c in original.cells).count("{exercise}")
    # The solutions are gone, and a note saying where to find them comes first.
    assert len(copy.cells) == len(original.cells) - len(solution_cells(original)) + 1
    assert copy.cells[0].source.startswith("> **Student copy.**")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_is_plain_markdown_with_author_year_citations(student_copies, path):
    copy = nbformat.read(student_copies / path.name, as_version=4)
    markdown = "\n".join(c.source for c in copy.cells if c.cell_type == "markdown")
    found = RAW_MYST.search(markdown)
    assert found is None, found and found.group(0)
    original = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    labels = short_citations()
    for keys in re.findall(r"\{cite:p\}`([^`]+)`", original)[:5]:
        shown = "; ".join(labels[key.strip()] for key in keys.split(","))
        assert f"({shown})" in markdown, shown


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
    source = (
        "(a-target)=\n## Heading\n\n"
        "A {term}`racemate <racemic ketamine>` and an {term}`enantiomer` "
        "{cite:p}`anis1983,jahr1990`; {cite:t}`jahr1990` showed it. "
        "See {doc}`02_glutamate_nmda`.\n\n"
        "```{exercise}\n:label: a-label\n\nDo this.\n```\n\n"
        "```{admonition} What to notice\n:class: tip\n\nThat.\n```\n"
    )
    plain = plain_markdown(source, labels, titles)
    assert RAW_MYST.search(plain) is None, plain
    assert "A racemate and an enantiomer (Anis et al., 1983; Jahr and Stevens, 1990)" in plain
    assert "Jahr and Stevens (1990) showed it" in plain
    assert "See Lesson 2 — Glutamate and the NMDA receptor." in plain
    assert "**Exercise** (`a-label`)\n\nDo this." in plain
    assert "**What to notice**\n\nThat." in plain


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_runs_up_to_the_first_exercise(student_copies, path, tmp_path):
    copy = nbformat.read(student_copies / path.name, as_version=4)
    first = next(i for i, c in enumerate(copy.cells) if "**Exercise**" in c.source)
    copy.cells = copy.cells[:first]
    NotebookClient(
        copy, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
