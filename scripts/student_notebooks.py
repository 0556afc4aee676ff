"""Write student copies of the lesson notebooks, with every solution cell removed.

Solution cells carry the cell tag ``solution`` (``tests/test_student_notebooks.py`` checks
that every cell of a solution directive has it). Run with ``make student-notebooks``; the
copies go to ``_build/student-notebooks/`` unless another folder is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_TAG = "solution"


def student_copy(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without its solution cells (a new object; the input is unchanged)."""
    copy = nbformat.from_dict(notebook)
    copy.cells = [
        cell for cell in copy.cells if SOLUTION_TAG not in cell.get("metadata", {}).get("tags", [])
    ]
    return copy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student-notebooks")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        copy = student_copy(notebook)
        nbformat.write(copy, args.out / path.name)
        removed = len(notebook.cells) - len(copy.cells)
        print(f"{path.name}: {removed} solution cells removed")
    print(f"Student notebooks: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
