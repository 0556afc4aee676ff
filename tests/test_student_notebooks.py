"""Student copies of the notebooks: every solution removed, the rest still runs."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import NOTEBOOKS, ROOT

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
    assert "{solution" not in text
    assert not tagged_cells(copy)
    exercises = text.count("{exercise}")
    assert exercises >= 2
    assert exercises == "\n".join(c.source for c in original.cells).count("{exercise}")
    assert len(copy.cells) == len(original.cells) - len(solution_cells(original))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_copy_runs_up_to_the_first_exercise(student_copies, path, tmp_path):
    copy = nbformat.read(student_copies / path.name, as_version=4)
    first = next(i for i, c in enumerate(copy.cells) if "{exercise}" in c.source)
    copy.cells = copy.cells[:first]
    NotebookClient(
        copy, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
