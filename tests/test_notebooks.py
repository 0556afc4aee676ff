"""The notebooks: stored without outputs, lesson-shaped, and runnable top to bottom."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml

from conftest import NOTEBOOKS, ROOT, executed_in_the_book_build

# Sections every lesson has, in the lesson shape of the course design.
LESSON_SECTIONS = (
    "Overview",
    "Learning objectives",
    "Prerequisites",
    "Exercises",
    "Self-check",
    "Key takeaways",
    "What comes next",
)


def test_there_are_lessons():
    assert NOTEBOOKS, "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} has outputs"
            assert cell.execution_count is None, f"cell {index} has an execution count"
    assert "widgets" not in notebook.metadata, "stored widget state"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_the_lesson_shape(path):
    notebook = nbformat.read(path, as_version=4)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert re.match(r"#\s+\S", notebook.cells[0].source), "the first cell must be the title"
    headings = re.findall(r"^#{2,4}\s+(.+)$", markdown, flags=re.MULTILINE)
    for section in LESSON_SECTIONS:
        assert any(h.strip().startswith(section) for h in headings), f"no '{section}' section"
    exercises = re.findall(r"^`{3,}\{exercise\}", markdown, flags=re.MULTILINE)
    solutions = re.findall(r"^`{3,}\{solution(?:-start)?\}", markdown, flags=re.MULTILINE)
    assert len(exercises) >= 2, "fewer than two exercises"
    assert len(solutions) == len(exercises), "every exercise needs a solution"
    assert "{cite" in markdown, "the lesson cites no source"


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ran_top_to_bottom_in_a_fresh_kernel(book_build, path):
    notebook = executed_in_the_book_build(book_build, path)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    # Counted from 1 in order: every cell ran once, top to bottom, in a kernel of its own.
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    errors = [
        output
        for cell in code
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert errors == []
    # Nothing on standard error either (warnings, log lines): the book would show it to
    # readers above the figure, as matplotlib's font warnings were once shown.
    stderr = [
        output.text
        for cell in code
        for output in cell.get("outputs", [])
        if output.output_type == "stream" and output.name == "stderr"
    ]
    assert stderr == []


def test_the_book_runs_each_notebook_in_an_empty_folder():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["execute"]["run_in_temp"] is True
