"""Sphinx extension: author–year citations that read "Dean et al., 2021" for "and others".

A BibTeX author list that names one author and ends in ``and others`` means "et al.", but
sphinxcontrib-bibtex's author–year style joins the two names as "Dean and others, 2021".
This extension registers the course's reference style, ``course_author_year``: the same
style, except that a list ending in ``others`` is cited as its first author and "et al.",
the form the course's widget tables use (``ketamine_course.core.references.short_citation``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pybtex.plugin
from pybtex.richtext import Text
from pybtex.style.template import FieldIsMissing, first_of, node, optional, tag
from pybtex.style.template import field as bib_field
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.template import join

STYLE_NAME = "course_author_year"


@node
def names_et_al(children, data, role, other=None, **kwargs):
    """Formatted names, with a trailing ``others`` cited as "et al." after the first name."""
    assert not children
    try:
        persons = data["entry"].persons[role]
    except KeyError:
        raise FieldIsMissing(role, data["entry"]) from None
    style = data["style"].person
    named = [person for person in persons if str(person) != "others"]
    formatted = [style.style_plugin.format(person, style.abbreviate) for person in named]
    if other is not None and named and len(named) < len(persons):
        return Text(join[formatted[:1]].format_data(data), other)
    return join(other=other, **kwargs)[formatted].format_data(data)


@dataclass
class EtAlPersonStyle(PersonStyle):
    """sphinxcontrib-bibtex's person style, citing "A and others" as "A et al."."""

    def names(self, role: str, full: bool):
        return names_et_al(
            role=role,
            sep=self.sep,
            sep2=self.sep2,
            last_sep=self.last_sep,
            other=None if full else self.other,
        )

    def author_or_editor_or_title(self, full: bool):
        return first_of[
            optional[self.names("author", full)],
            optional[self.names("editor", full)],
            tag("em")[bib_field("title")],
        ]


@dataclass
class CourseAuthorYear(AuthorYearReferenceStyle):
    """Author–year citations, with "et al." for author lists that end in ``others``."""

    person: PersonStyle = field(default_factory=EtAlPersonStyle)


def setup(app):
    register_plugin("sphinxcontrib.bibtex.style.referencing", STYLE_NAME, CourseAuthorYear)
    # sphinxcontrib-bibtex looks up pybtex's plain-text backend for every citation it
    # resolves, and pybtex finds an installed plugin by scanning every package's entry
    # points (about 10 ms, about 600 times a build). Registered once, the same class is found
    # among pybtex's runtime plugins, which it checks first.
    plaintext = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")
    pybtex.plugin.register_plugin("pybtex.backends", "plaintext", plaintext, force=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
