"""Short author–year labels for the course bibliography.

Widget content (such as the filterable verdict table) is plain HTML, outside
Sphinx's citation machinery, so it names its sources with labels built from
the same ``book/references.bib`` that the book's citations use.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import latexcodec  # noqa: F401 - registers the "ulatex" codec (a dependency of pybtex)
from pybtex.database import Entry, parse_file


def _plain(latex: str) -> str:
    """Plain text of a BibTeX name: accents decoded, grouping braces dropped.

    (pybtex's own LaTeX renderer gives the same text, a hundred times more slowly.)
    """
    return codecs.decode(latex, "ulatex").replace("{", "").replace("}", "")


def short_citation(entry: Entry) -> str:
    """``"Murrough et al., 2013"``, ``"Jahr and Stevens, 1990"`` or
    ``"Drug Enforcement Administration, 1999"``: the form the book's citations take.

    Organizations keep their full name; entries without a year get "n.d.".
    """
    people = [p for p in entry.persons.get("author", []) if str(p) != "others"]
    if not people:
        raise ValueError(f"bibliography entry {entry.key!r} has no author")
    names = [_plain(" ".join(p.last_names)) for p in people]
    et_al = len(people) > 2 or len(entry.persons["author"]) > len(people)
    if et_al:
        who = f"{names[0]} et al."
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = names[0]
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


#: The course bibliography. In the repository this is a link to ``book/references.bib``;
#: an installed package (Binder, a JupyterHub image, Colab) carries a copy of it.
COURSE_BIBLIOGRAPHY = Path(__file__).resolve().parent.parent / "data" / "references.bib"


def short_citations(bib_path: str | os.PathLike | None = None) -> dict[str, str]:
    """Map every key of a BibTeX file to its :func:`short_citation` label.

    Reads the course bibliography (:data:`COURSE_BIBLIOGRAPHY`) unless
    ``bib_path`` names another file.
    """
    path = Path(bib_path) if bib_path is not None else COURSE_BIBLIOGRAPHY
    if not path.is_file():
        raise ValueError(
            f"bib_path {str(path)!r} is not a file; the course bibliography is "
            "book/references.bib in the course repository, installed with the package"
        )
    entries = parse_file(os.fspath(path)).entries
    return {key: short_citation(entry) for key, entry in entries.items()}
