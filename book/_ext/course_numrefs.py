"""Sphinx extension: a ``{numref}`` reads the page it points to once per build, not once per use.

To number a reference ("Exercise 5.2"), Sphinx's standard domain reads the whole page that
holds the target from disk and unpickles it, for every reference. The instructor guide points
about sixty times into the lessons, whose pages carry their figures' frames, so writing it took
a second of a clean build's serial end. This domain keeps each page it reads for a reference
and reads it only once. Resolving a reference only looks the target up, so sharing the page
between references is safe; the pages Sphinx writes are read as before.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.domains.std import StandardDomain
from sphinx.environment import BuildEnvironment


class StandardDomainReadingTargetsOnce(StandardDomain):
    """Sphinx's standard domain, with each numbered reference's target page read once."""

    def _resolve_numref_xref(self, env: BuildEnvironment, *args, **kwargs):
        pages = self.__dict__.setdefault("_numref_pages", {})
        read = env.get_doctree

        def read_once(docname: str) -> nodes.document:
            if docname not in pages:
                pages[docname] = read(docname)
            return pages[docname]

        env.get_doctree = read_once  # for this call only: the method, shadowed on the instance
        try:
            return super()._resolve_numref_xref(env, *args, **kwargs)
        finally:
            del env.get_doctree


def _forget_pages(app: Sphinx, env: BuildEnvironment) -> None:
    # References are resolved while pages are written; a page read since may have changed.
    env.domains["std"].__dict__.pop("_numref_pages", None)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_domain(StandardDomainReadingTargetsOnce, override=True)
    app.connect("env-updated", _forget_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
