"""The glossary, and links to it from the first use of each term in each lesson."""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import NOTEBOOKS, ROOT

GLOSSARY = ROOT / "book" / "glossary.md"
# Words that a lesson uses in another sense than the glossary's.
NOT_THE_TERM = {
    ("02_glutamate_nmda", "response"): "the synaptic response, not a clinical response",
    ("03_ketamine_nmda", "response"): "the synaptic response, not a clinical response",
}
TERM_ROLE = re.compile(r"\{term\}`([^`<]+?)(?:\s*<([^>]+)>)?`")


def glossary_terms() -> list[str]:
    """Terms of the glossary directive: unindented lines inside the block."""
    block = GLOSSARY.read_text().split("```{glossary}", 1)[1].split("\n```", 1)[0]
    return [
        line.strip()
        for line in block.splitlines()
        if line.strip() and not line.startswith((" ", ":"))
    ]


def blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def prose(source: str) -> str:
    """A markdown cell with headings, code, directive lines, quotations, citations and link
    targets blanked.

    Blanking keeps every other character at its position in the cell.
    """
    for pattern, flags in (
        (r"^```(?!`*\{)[^\n]*\n.*?^```", re.M | re.S),  # fenced code blocks
        (r"^`{3,}.*$|^#.*$|^:\w+:.*$", re.M),  # directive fences, headings, directive options
        (r"^>.*$", re.M),  # quotations: another author's words, left as they are
        (r"\{(?:cite:\w+|doc|ref)\}`[^`]*`", 0),  # roles whose text is not prose
        (r"(?<!\})`[^`]*`", 0),  # inline code, not roles
        (r"\]\([^)]*\)", 0),  # link targets
    ):
        source = re.sub(pattern, blank, source, flags=flags)
    return source


def forms(term: str) -> re.Pattern:
    """The term, singular or plural, as a whole phrase with any line breaks inside it."""
    words = r"\s+".join(re.escape(word) for word in term.split())
    return re.compile(rf"(?<![\w-]){words}(?:s|es)?(?![\w-])", re.I)


def first_use(term: str, text: str) -> re.Match | None:
    """The first use of ``term`` in ``text``, not counting uses inside a longer glossary term
    ("placebo" in "active placebo")."""
    for longer in glossary_terms():
        if longer.lower() != term.lower() and forms(term).search(longer):
            text = forms(longer).sub(blank, text)
    return forms(term).search(text)


def lesson_links(path) -> list[tuple[int, int, str]]:
    """(cell, position, term) for every glossary link in a lesson, in reading order."""
    cells = nbformat.read(path, as_version=4).cells
    found = []
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        for match in TERM_ROLE.finditer(cell.source):
            found.append((index, match.start(), match.group(2) or match.group(1)))
    return found


def test_glossary_is_sorted_and_has_no_duplicates():
    terms = glossary_terms()
    assert len(terms) >= 40
    assert len(set(t.lower() for t in terms)) == len(terms)
    assert ":sorted:" in GLOSSARY.read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_links_known_terms_once_each(path):
    terms = {term.lower() for term in glossary_terms()}
    linked = [term.lower() for _, _, term in lesson_links(path)]
    assert set(linked) <= terms
    assert len(linked) == len(set(linked)), "a term is linked more than once"
    assert len(linked) >= 5


def test_every_term_is_linked_from_some_lesson():
    linked = {term.lower() for path in NOTEBOOKS for _, _, term in lesson_links(path)}
    assert {term.lower() for term in glossary_terms()} <= linked


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_link_is_at_the_terms_first_use_in_the_lesson(path):
    """No plain use of a linked term comes before its link in the lesson's prose."""
    cells = nbformat.read(path, as_version=4).cells
    for cell_index, position, term in lesson_links(path):
        for index in range(cell_index + 1):
            cell = cells[index]
            if cell.cell_type != "markdown":
                continue
            text = TERM_ROLE.sub(blank, prose(cell.source))
            text = text[:position] if index == cell_index else text
            earlier = first_use(term, text)
            assert not earlier, f"{term!r} is used in cell {index} before its link: {earlier[0]!r}"


def test_glossary_page_is_in_the_table_of_contents():
    assert "file: book/glossary" in (ROOT / "_toc.yml").read_text()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_glossary_term_the_lesson_uses_is_linked(path):
    cells = nbformat.read(path, as_version=4).cells
    text = "\n".join(prose(c.source) for c in cells if c.cell_type == "markdown")
    linked = {term.lower() for _, _, term in lesson_links(path)}
    unlinked = [
        term
        for term in glossary_terms()
        if term.lower() not in linked
        and first_use(term, TERM_ROLE.sub(blank, text))
        and (path.stem, term) not in NOT_THE_TERM
    ]
    assert not unlinked, f"used but not linked: {unlinked}"
