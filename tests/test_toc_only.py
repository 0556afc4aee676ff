"""Only the pages in _toc.yml are built (book/_ext/course_toc_only.py).

The fixture books of tests/test_book.py rely on it too: they copy book/, whose pages their own
table of contents does not list, and build with warnings as errors.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

from conftest import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from course_toc_only import exclude_pages_not_in_toc, pages_not_in_toc  # noqa: E402


class SiteMap:
    """Stands in for sphinx-external-toc's site map: the pages _toc.yml lists, and its globs."""

    def __init__(self, pages: set[str], globs: set[str] = frozenset()) -> None:
        self.pages, self._globs = pages, globs

    def __contains__(self, docname: str) -> bool:
        return docname in self.pages

    def globs(self) -> set[str]:
        return self._globs


def test_pages_not_in_the_toc_are_found_and_excluded_folders_are_not_read(tmp_path):
    files = [
        "book/intro.md",  # listed
        "notebooks/01.ipynb",  # listed with its suffix
        "notebooks/Untitled.ipynb",  # not listed
        "notes/extra/page.md",  # not listed, deeper
        "extras/a.md",  # matched by a glob of the toc
        "README.md",  # excluded by name
        "node_modules/pkg/README.md",  # in an excluded folder
        ".vendor/x.md",  # hidden folder
        "book/.draft.md",  # hidden file
        "book/style.css",  # not a source suffix
    ]
    for name in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# page\n")
    site_map = SiteMap({"book/intro", "notebooks/01.ipynb"}, globs={"extras/*"})
    missing = pages_not_in_toc(
        tmp_path, site_map, ["README.md", "node_modules/*"], [".md", ".ipynb", ".rst"]
    )
    assert missing == ["notebooks/Untitled.ipynb", "notes/extra/page.md"]


def test_a_build_of_one_page_without_a_table_of_contents_excludes_nothing(tmp_path):
    # jupyter-book build page.md drops sphinx-external-toc, so no site map is set.
    config = SimpleNamespace(exclude_patterns=["README.md"], source_suffix={".md": "myst-nb"})
    exclude_pages_not_in_toc(SimpleNamespace(srcdir=str(tmp_path)), config)
    assert config.exclude_patterns == ["README.md"]
