"""Write student copies of the lesson notebooks: no solutions, and plain Markdown.

Solution cells carry the cell tag ``solution`` (``tests/test_student_notebooks.py`` checks
that every cell of a solution directive has it) and are removed. The copies may be opened
anywhere (JupyterLab, Colab, VS Code), most of which do not render MyST, so their Markdown
is rewritten as plain CommonMark: glossary links and cross-references become their text,
citations become the book's author–year labels, exercises become bold headings numbered as
in the book, and admonitions become block quotes under a bold title. Each copy starts with
a note saying where the solutions are. Run with ``make student-notebooks``; the copies go
to ``_build/student-notebooks/`` unless another folder is given.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from pathlib import Path

import nbformat
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from ketamine_course.core.references import short_citations

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_TAG = "solution"


def is_solution(cell) -> bool:
    """Whether a cell is part of an exercise's solution (tagged ``solution``)."""
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


STUDENT_NOTE = (
    "> **Student copy.** The solutions to this lesson's exercises have been removed from this "
    "notebook. They are under each exercise in the published book, or ask your instructor. "
    "The cell after each exercise still checks your answer when you run it."
)

# The MyST extensions of the book (_config.yml) that change how blocks are split.
BOOK_EXTENSIONS = {"colon_fence", "deflist", "dollarmath", "fieldlist"}

_ROLE = re.compile(r"\{(term|doc|ref|numref)\}`([^`]*)`")
_CITATION = re.compile(r"\{cite:([pt])\}`([^`]*)`")
_OPTION = re.compile(r":(?P<name>[\w-]+):[ \t]*(?P<value>.*)")
_EXERCISE_DIRECTIVES = ("exercise", "exercise-start")
_ADMONITION_TITLES = {
    "attention": "Attention",
    "caution": "Caution",
    "danger": "Danger",
    "error": "Error",
    "hint": "Hint",
    "important": "Important",
    "note": "Note",
    "seealso": "See also",
    "tip": "Tip",
    "warning": "Warning",
}


@functools.cache
def myst_parser() -> MarkdownIt:
    """A parser that reads Markdown as the book does, MyST roles and directives included."""
    return create_md_parser(MdParserConfig(enable_extensions=BOOK_EXTENSIONS), RendererHTML)


def is_directive(token) -> bool:
    """A fenced block (backticks or colons) whose info string is ``{name}``: a MyST directive."""
    return token.type in {"fence", "colon_fence"} and token.info.startswith("{")


def directive_parts(token) -> tuple[str, str, dict[str, str], str]:
    """The name, argument, options (``:key: value`` lines first in the body) and body."""
    name, _, argument = token.info.strip()[1:].partition("}")
    lines = token.content.splitlines()
    options = {}
    while lines and (option := _OPTION.fullmatch(lines[0].strip())):
        options[option["name"]] = option["value"].strip()
        lines.pop(0)
    return name, argument.strip(), options, "\n".join(lines).strip("\n")


def _role_text(match: re.Match, titles: dict[str, str], numbers: dict[str, int]) -> str:
    kind, content = match.groups()
    text, explicit, target = content.partition(" <")
    target = target.rstrip(">") if explicit else text
    if kind == "doc" and not explicit:
        return titles.get(Path(target).stem, text)
    if kind == "numref":
        if target in numbers:  # an exercise: the book's number for it
            number = str(numbers[target])
            return text.replace("%s", number) if explicit else f"Exercise {number}"
        return text.replace("%s", "").strip() or target
    return text


def _citation_text(match: re.Match, labels: dict[str, str]) -> str:
    style, keys = match.groups()
    names = [labels[key.strip()] for key in keys.split(",") if key.strip()]
    if style == "p":
        return "(" + "; ".join(names) + ")"
    # "Murrough et al., 2013" -> "Murrough et al. (2013)"
    return "; ".join(f"{name.rpartition(', ')[0]} ({name.rpartition(', ')[2]})" for name in names)


def _block_quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def _directive_markdown(token, convert, exercise_numbers: dict[str, int]) -> str:
    name, argument, options, body = directive_parts(token)
    body = convert(body)
    if name in _EXERCISE_DIRECTIVES:
        label = options.get("label", "")
        number = exercise_numbers.get(label)
        title = "Exercise" + (f" {number}" if number else "")
        title += f" — {argument}" if argument else ""
        return f"**{title}**" + (f" (`{label}`)" if label else "") + (f"\n\n{body}" if body else "")
    if name == "exercise-end":
        return ""
    if name == "admonition":
        return _block_quote(f"**{argument}**\n\n{body}")
    if name in _ADMONITION_TITLES:
        # A note or tip has no title argument: text on the directive's line is its content.
        content = "\n".join(part for part in (argument, body) if part)
        return _block_quote(f"**{_ADMONITION_TITLES[name]}**\n\n{content}")
    title = name.replace("-", " ").capitalize() + (f" {argument}" if argument else "")
    return f"**{title}**" + (f"\n\n{body}" if body else "")


def plain_markdown(
    source: str,
    labels: dict[str, str],
    titles: dict[str, str],
    exercise_numbers: dict[str, int] | None = None,
) -> str:
    """MyST Markdown rewritten as CommonMark that any notebook viewer renders.

    ``labels`` maps citation keys to author–year labels, ``titles`` notebook stems to their
    titles (for ``{doc}`` links) and ``exercise_numbers`` exercise labels to their numbers.
    """
    numbers = exercise_numbers or {}

    def convert(text: str) -> str:
        return plain_markdown(text, labels, titles, numbers)

    lines = source.splitlines()
    kept: list[str] = []
    position = 0
    # Only the top-level blocks: a directive's body is converted on its own, by recursion.
    for token in myst_parser().parse(source):
        if token.level != 0 or token.map is None:
            continue
        start, end = token.map
        if is_directive(token):
            kept += [*lines[position:start], _directive_markdown(token, convert, numbers)]
            position = end
        elif token.type in {"myst_target", "myst_line_comment"}:
            kept += lines[position:start]
            position = end
    kept += lines[position:]
    text = "\n".join(kept)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    text = _CITATION.sub(lambda m: _citation_text(m, labels), text)
    return _ROLE.sub(lambda m: _role_text(m, titles, numbers), text)


def lesson_titles(folder: Path) -> dict[str, str]:
    """Each notebook's title (its first heading), by file stem: for ``{doc}`` links."""
    titles = {}
    for path in folder.glob("*.ipynb"):
        first = nbformat.read(path, as_version=4).cells[0].source
        titles[path.stem] = first.splitlines()[0].lstrip("# ").strip()
    return titles


def exercise_numbers(folder: Path) -> dict[str, int]:
    """Each exercise's number by label, counted through the lessons in reading order.

    The book numbers its exercises through the whole book, and the lessons' file names
    sort in reading order, so a student copy's "Exercise 7" is the book's Exercise 7.
    """
    numbers: dict[str, int] = {}
    for path in sorted(folder.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "markdown":
                continue
            for token in myst_parser().parse(cell.source):
                if is_directive(token) and directive_parts(token)[0] in _EXERCISE_DIRECTIVES:
                    label = directive_parts(token)[2].get("label", f"unlabeled-{len(numbers)}")
                    numbers[label] = len(numbers) + 1
    return numbers


def student_copy(
    notebook: nbformat.NotebookNode,
    labels: dict[str, str] | None = None,
    titles: dict[str, str] | None = None,
    numbers: dict[str, int] | None = None,
    note: str = STUDENT_NOTE,
) -> nbformat.NotebookNode:
    """The notebook without solutions, in plain Markdown, with ``note`` first.

    Returns a new object; the input is unchanged.
    """
    labels = short_citations() if labels is None else labels
    titles = lesson_titles(ROOT / "notebooks") if titles is None else titles
    numbers = exercise_numbers(ROOT / "notebooks") if numbers is None else numbers
    copy = nbformat.from_dict(notebook)
    copy.cells = [cell for cell in copy.cells if not is_solution(cell)]
    for cell in copy.cells:
        if cell.cell_type == "markdown":
            cell.source = plain_markdown(cell.source, labels, titles, numbers)
    copy.cells.insert(0, nbformat.v4.new_markdown_cell(note))
    return copy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "student-notebooks")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    folder = ROOT / "notebooks"
    labels, titles, numbers = short_citations(), lesson_titles(folder), exercise_numbers(folder)
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        copy = student_copy(notebook, labels, titles, numbers)
        nbformat.write(copy, args.out / path.name)
        removed = sum(is_solution(cell) for cell in notebook.cells)
        print(f"{path.name}: {removed} solution cells removed")
    print(f"Student notebooks: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
