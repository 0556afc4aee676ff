"""Sphinx directive ``course-versions``: the versions of the key packages this build used.

The status page is read again whenever the installed versions differ from those it shows,
so the table always describes the environment of the last build, even when no page changed.
"""

from __future__ import annotations

import platform
from importlib.metadata import version

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

#: The packages whose versions decide how the book builds and the notebooks run.
KEY_PACKAGES = (
    "ketamine-course",
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "jupyterlab",
    "ipywidgets",
    "matplotlib",
    "numpy",
    "scipy",
    "pandas",
    "statsmodels",
)
STATUS_PAGE = "book/status"
#: Where the page's metadata keeps the versions its table shows.
VERSIONS_KEY = "course_package_versions"


def package_versions() -> list[tuple[str, str]]:
    """(name, version) of Python and of each key package, as installed."""
    packages = [(name, version(name)) for name in KEY_PACKAGES]
    return [("Python", platform.python_version()), *packages]


class CourseVersions(SphinxDirective):
    """A two-column table: package and version."""

    def run(self) -> list[nodes.Node]:
        versions = package_versions()
        self.env.metadata[self.env.docname][VERSIONS_KEY] = versions
        table = nodes.table(classes=["colwidths-auto", "kc-versions"])
        group = nodes.tgroup(cols=2)
        table += group
        group += [nodes.colspec(colwidth=1), nodes.colspec(colwidth=1)]
        head = nodes.thead()
        head += self._row("Package", "Version")
        body = nodes.tbody()
        for name, installed in versions:
            body += self._row(name, installed)
        group += [head, body]
        return [table]

    @staticmethod
    def _row(*cells: str) -> nodes.row:
        row = nodes.row()
        for text in cells:
            row += nodes.entry("", nodes.paragraph(text=text))
        return row


def _status_if_versions_changed(app, env, added, changed, removed) -> list[str]:
    if STATUS_PAGE not in env.found_docs:
        return []
    shown = env.metadata.get(STATUS_PAGE, {}).get(VERSIONS_KEY)
    return [] if shown == package_versions() else [STATUS_PAGE]


def setup(app):
    app.add_directive("course-versions", CourseVersions)
    app.connect("env-get-outdated", _status_if_versions_changed)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
