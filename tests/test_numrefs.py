"""A numbered reference reads its target's page once per build (book/_ext/course_numrefs.py).

That the instructor guide's references still show the lessons' numbers is tested on the built
book in tests/test_instructor_guide.py.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest
from sphinx.domains.std import StandardDomain

from conftest import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from course_numrefs import StandardDomainReadingTargetsOnce, _forget_pages  # noqa: E402


class PagesOnDisk:
    """Stands in for Sphinx's environment: counts the pages read from disk."""

    def __init__(self) -> None:
        self.reads: list[str] = []

    def get_doctree(self, docname: str) -> dict:
        self.reads.append(docname)
        return {"page": docname}


@pytest.fixture
def domain(monkeypatch):
    # Sphinx's resolution, reduced to what matters here: it reads the target's page.
    def resolve(self, env, fromdocname, builder, typ, target, node, contnode):
        return env.get_doctree(target)

    monkeypatch.setattr(StandardDomain, "_resolve_numref_xref", resolve)
    return object.__new__(StandardDomainReadingTargetsOnce)


def resolve(domain, env, target):
    return domain._resolve_numref_xref(env, "book/guide", None, "numref", target, None, None)


def test_each_target_page_is_read_once_however_often_it_is_referenced(domain):
    env = PagesOnDisk()
    pages = [resolve(domain, env, target) for target in ["lesson-5", "lesson-7", "lesson-5"]]
    assert env.reads == ["lesson-5", "lesson-7"]
    assert pages[0] is pages[2] and pages[0] == {"page": "lesson-5"}
    # Only the reference's resolution reads through the cache; the page writer does not.
    assert "get_doctree" not in vars(env)
    assert env.get_doctree("lesson-5") == {"page": "lesson-5"}
    assert env.reads == ["lesson-5", "lesson-7", "lesson-5"]


def test_pages_are_read_again_after_the_environment_is_updated(domain):
    env = PagesOnDisk()
    resolve(domain, env, "lesson-5")
    _forget_pages(None, SimpleNamespace(domains={"std": domain}))
    resolve(domain, env, "lesson-5")
    assert env.reads == ["lesson-5", "lesson-5"]
