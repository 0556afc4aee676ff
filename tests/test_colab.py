"""Each lesson's Colab install cell: it installs the course package on Colab only."""

from __future__ import annotations

import subprocess
import sys
import types

import nbformat
import pytest

from conftest import NOTEBOOKS, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import set_repository  # noqa: E402


def install_cell(path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    tagged = [cell for cell in nb.cells if set_repository.TAG in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, path.name
    first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
    assert tagged[0] is first_code, f"{path.name}: the install cell must run before any import"
    return tagged[0]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_lesson_starts_with_the_same_install_cell_hidden_from_the_book(path):
    cell = install_cell(path)
    assert "remove-cell" in cell.metadata["tags"]
    assert cell.source == install_cell(NOTEBOOKS[0]).source


def run_cell(source: str, monkeypatch, on_colab: bool) -> list[list[str]]:
    """Run the cell's code; return the commands it would have run."""
    commands = []
    monkeypatch.setattr(subprocess, "run", lambda command, **_: commands.append(command))
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(source, "colab-install", "exec"), {})
    return commands


def test_on_colab_the_cell_installs_the_package_from_the_named_repository(monkeypatch):
    source = set_repository.colab_cell_source("https://github.com/someone/ketamine-course", "dev")
    commands = run_cell(source, monkeypatch, on_colab=True)
    assert commands == [
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "ketamine-course @ git+https://github.com/someone/ketamine-course@dev",
        ]
    ]


def test_elsewhere_the_cell_does_nothing(monkeypatch):
    for path in NOTEBOOKS:
        assert run_cell(install_cell(path).source, monkeypatch, on_colab=False) == []


def test_on_colab_a_copy_without_a_repository_says_how_to_name_one(monkeypatch):
    source = set_repository.colab_cell_source("", "main")
    with pytest.raises(RuntimeError, match="make set-repository REPOSITORY_URL="):
        run_cell(source, monkeypatch, on_colab=True)


def test_set_repository_rewrites_the_cell_and_rejects_a_malformed_address(tmp_path, capsys):
    lesson = tmp_path / "lesson.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Lesson"), nbformat.v4.new_code_cell("1 + 1")]
    nbformat.write(nb, lesson)
    set_repository.set_repository(lesson, "https://github.com/a/b", "main")
    set_repository.set_repository(lesson, "https://github.com/c/d", "main")
    cells = nbformat.read(lesson, as_version=4).cells
    assert [c.cell_type for c in cells] == ["markdown", "code", "code"]
    assert 'REPOSITORY = "https://github.com/c/d"' in cells[1].source
    with pytest.raises(SystemExit):
        set_repository.main(["github.com/only-a-name"])
    assert "repository_url must look like https://github.com/OWNER/REPO" in capsys.readouterr().err


@pytest.mark.book
@pytest.mark.slow
def test_the_book_pages_do_not_show_the_install_cell(built_html):
    for path in NOTEBOOKS:
        assert "google.colab" not in (built_html / "notebooks" / f"{path.stem}.html").read_text()
