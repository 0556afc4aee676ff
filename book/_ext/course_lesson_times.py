"""Sphinx directive ``lesson-times``: each lesson's reading time and measured run time.

For every notebook in the book the table gives the words of its prose (markdown cells),
the reading time those words take at the average adult silent reading rate for English
non-fiction, 238 words per minute (Brysbaert 2019, doi:10.1016/j.jml.2019.104047), and
the run time of its last execution, as MyST-NB recorded it. The run times are known only
once every notebook has been read, so the directive leaves a marker node that is replaced
late, as MyST-NB does for its own execution table, and the page is read again whenever a
lesson changes.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
from pathlib import Path

from docutils import nodes
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.addnodes import pending_xref
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

METADATA_KEY = "has-lesson-times"

#: Average silent reading rate of adults for English non-fiction, words per minute.
WORDS_PER_MINUTE = 238

_FENCED_CODE = re.compile(r"^```(?!`*\{)[^\n]*\n.*?^```", re.M | re.S)
_MARKUP_LINE = re.compile(r"^(?:`{3,}.*|:\w[\w-]*:.*|\(\S+\)=)$", re.M)
_CITATION = re.compile(r"\{cite:\w+\}`[^`]*`")
_ROLE = re.compile(r"\{[\w:-]+\}`([^`<]*?)(?:\s*<[^>]*>)?`")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_WORD = re.compile(r"[A-Za-z0-9µ²⁺°]+(?:['’.,/–-][A-Za-z0-9µ²⁺°]+)*")


def prose_words(notebook_path: str | Path) -> int:
    """Words a reader reads in a notebook's markdown cells.

    Code blocks, directive and option lines, comments and citation keys are left out;
    a role such as a glossary link counts by the text it shows.
    """
    notebook = json.loads(Path(notebook_path).read_text(encoding="utf-8"))
    words = 0
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        for pattern in (_COMMENT, _FENCED_CODE, _MARKUP_LINE, _CITATION):
            text = pattern.sub(" ", text)
        text = _ROLE.sub(r"\1", text)
        words += len(_WORD.findall(text))
    return words


def reading_minutes(words: int) -> int:
    """Whole minutes to read ``words`` at :data:`WORDS_PER_MINUTE`, rounded up."""
    return math.ceil(words / WORDS_PER_MINUTE)


class lesson_times(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Marks where the table goes; filled in once every notebook has run."""


class LessonTimes(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        # Remembered so that the page is read again when a lesson changes (see below).
        self.env.metadata[self.env.docname][METADATA_KEY] = True
        return [lesson_times()]


class FillLessonTimes(SphinxPostTransform):
    # Before references are resolved, so the lesson links resolve like any other.
    default_priority = 8

    def run(self, **kwargs) -> None:
        for node in self.document.findall(lesson_times):
            node.replace_self(self.table())

    def table(self) -> nodes.table:
        env, docname = self.env, self.env.docname
        table = nodes.table(classes=["colwidths-auto", "kc-lesson-times"])
        group = nodes.tgroup(cols=4)
        table += group
        group += [nodes.colspec(colwidth=1) for _ in range(4)]
        head, body = nodes.thead(), nodes.tbody()
        head += _row("Lesson", "Words", "Reading time (min)", "Notebook run time (s)")
        for lesson in sorted(d for d in env.found_docs if d.startswith("notebooks/")):
            link = pending_xref(
                refdoc=docname,
                reftarget=posixpath.relpath(lesson, posixpath.dirname(docname)),
                reftype="doc",
                refdomain="std",
                refexplicit=True,
                refwarn=True,
            )
            link += nodes.inline(text=env.titles[lesson].astext())
            words = prose_words(env.doc2path(lesson))
            run = NbMetadataCollector.get_exec_data(env, lesson)
            runtime = "–" if not run or run.get("runtime") is None else f"{run['runtime']:.1f}"
            body += _row(link, str(words), str(reading_minutes(words)), runtime)
        group += [head, body]
        return table


def _row(*cells: str | nodes.Node) -> nodes.row:
    row = nodes.row()
    for cell in cells:
        paragraph = nodes.paragraph()
        paragraph += nodes.Text(cell) if isinstance(cell, str) else cell
        row += nodes.entry("", paragraph)
    return row


def _pages_with_the_table(app, env, added, changed, removed) -> list[str]:
    """The pages with the table, when a lesson's words or run time may have changed.

    A lesson runs again only when its notebook changed, so an unchanged set of lessons
    leaves the table as it is.
    """
    if not any(doc.startswith("notebooks/") for doc in added | changed | removed):
        return []
    return [doc for doc, meta in env.metadata.items() if meta.get(METADATA_KEY)]


def setup(app):
    app.add_node(lesson_times)
    app.add_directive("lesson-times", LessonTimes)
    app.add_post_transform(FillLessonTimes)
    app.connect("env-get-outdated", _pages_with_the_table)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
