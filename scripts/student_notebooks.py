"""Write student copies of the lesson notebooks: no solutions, and plain Markdown.

Solution cells carry the cell tag ``solution`` (``tests/test_student_notebooks.py`` checks
that every cell of a solution directive has it) and are removed. The copies may be opened
anywhere (JupyterLab, Colab, VS Code), most of which do not render MyST, so their Markdown
is rewritten as plain CommonMark: glossary links and cross-references become their text,
citations become author–year labels, and exercise and admonition directives become bold
headings. Each copy starts with a note saying where the solutions are. Run with
``make student-notebooks``; the copies go to ``_build/student-notebooks/`` unless another
folder is given.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from ketamine_course.references import short_citations

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_TAG = "solution"

STUDENT_NOTE = (
    "> **Student copy.** The solutions to this lesson's exercises have been removed from this "
    "notebook. They are under each exercise in the published book, or ask your instructor. "
    "The cell after each exercise still checks your answer when you run it."
)

_ROLE = re.compile(r"\{(term|doc|ref|numref)\}`([^`]*)`")
_CITATION = re.compile(r"\{cite:([pt])\}`([^`]*)`")
_DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w-]+)\}[ \t]*(?P<argument>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=fence)[ \t]*$\n?",
    re.M | re.S,
)
_OPTION = re.compile(r"^:[\w-]+:.*\n?", re.M)
_TARGET = re.compile(r"^\(\S+\)=[ \t]*\n", re.M)


def _role_text(match: re.Match, titles: dict[str, str]) -> str:
    kind, content = match.groups()
    text, _, target = content.partition(" <")
    target = target.rstrip(">") if target else text
    if kind == "doc" and not _:
        return titles.get(Path(target).stem, text)
    if kind == "numref":
        return text.replace("%s", "").strip() or target
    return text


def _citation_text(match: re.Match, labels: dict[str, str]) -> str:
    style, keys = match.groups()
    names = [labels[key.strip()] for key in keys.split(",") if key.strip()]
    if style == "p":
        return "(" + "; ".join(names) + ")"
    # "Murrough et al., 2013" -> "Murrough et al. (2013)"
    return "; ".join(f"{name.rpartition(', ')[0]} ({name.rpartition(', ')[2]})" for name in names)


def _directive_text(match: re.Match) -> str:
    name, argument, body = match.group("name"), match.group("argument").strip(), match.group("body")
    body = _OPTION.sub("", body).strip("\n")
    label = re.search(r"^:label:\s*(\S+)", match.group("body"), re.M)
    if name == "exercise":
        heading = "**Exercise**" + (f" (`{label.group(1)}`)" if label else "")
    elif name == "admonition":
        heading = f"**{argument}**"
    else:
        title = name.replace("-", " ").capitalize()
        heading = f"**{title}**" + (f" {argument}" if argument else "")
    return f"{heading}\n\n{body}\n"


def plain_markdown(source: str, labels: dict[str, str], titles: dict[str, str]) -> str:
    """MyST Markdown rewritten as CommonMark that any notebook viewer renders."""
    previous = None
    while previous != source:  # directives may nest
        previous, source = source, _DIRECTIVE.sub(_directive_text, source)
    source = _TARGET.sub("", source)
    source = _CITATION.sub(lambda m: _citation_text(m, labels), source)
    return _ROLE.sub(lambda m: _role_text(m, titles), source)


def lesson_titles(folder: Path) -> dict[str, str]:
    """Each notebook's title (its first heading), by file stem: for ``{doc}`` links."""
    titles = {}
    for path in folder.glob("*.ipynb"):
        first = nbformat.read(path, as_version=4).cells[0].source
        titles[path.stem] = first.splitlines()[0].lstrip("# ").strip()
    return titles


def student_copy(
    notebook: nbformat.NotebookNode,
    labels: dict[str, str] | None = None,
    titles: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """The notebook without solutions, in plain Markdown, with the student note first.

    Returns a new object; the input is unchanged.
    """
    labels = short_citations() if labels is None else labels
    titles = lesson_titles(ROOT / "notebooks") if titles is None else titles
    copy = nbformat.from_dict(notebook)
    copy.cells = [
        cell for cell in copy.cells if SOLUTION_TAG not in cell.get("metadata", {}).get("tags", [])
    ]
    for cell in copy.cells:
        if cell.cell_type == "markdown":
            cell.source = plain_markdown(cell.source, labels, titles)
    copy.cells.insert(0, nbformat.v4.new_markdown_cell(STUDENT_NOTE))
    return copy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student-notebooks")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    labels, titles = short_citations(), lesson_titles(ROOT / "notebooks")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        copy = student_copy(notebook, labels, titles)
        nbformat.write(copy, args.out / path.name)
        removed = sum(SOLUTION_TAG in c.get("metadata", {}).get("tags", []) for c in notebook.cells)
        print(f"{path.name}: {removed} solution cells removed")
    print(f"Student notebooks: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
