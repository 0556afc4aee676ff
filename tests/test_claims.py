"""The capstone's verdict table, its filterable widget and the source labels."""

from __future__ import annotations

import os
import re

import ipywidgets as widgets
import nbformat
import pandas as pd
import pytest
from pybtex.database import parse_file

from conftest import IN_CI, ROOT, csv_with_changes
from ketamine_course.claims import (
    VERDICTS,
    ClaimDataError,
    claims_table_html,
    load_claims,
    unknown_citations,
    verdict_counts,
)
from ketamine_course.core.datasets import citation_keys
from ketamine_course.core.interactive import ALL, filter_table
from ketamine_course.core.references import short_citations

BIB_PATH = ROOT / "book" / "references.bib"
BIB_KEYS = set(parse_file(str(BIB_PATH)).entries)
CLAIMS = load_claims()

# The claims of the blog post that issue 6 names; each must have a verdict.
REQUIRED_CLAIMS = {
    "pivotal_2017_study",
    "increases_glutamate",
    "works_quickly",
    "symptoms_go_away",
    "few_sessions",
    "safe_with_professionals",
    "holistic_approach",
    "anxiety_ptsd_pain",
    "origins_1960s",
}


def test_every_claim_the_issue_names_has_a_verdict():
    assert REQUIRED_CLAIMS <= set(CLAIMS["claim_id"])


def test_every_verdict_is_allowed_and_every_source_exists():
    assert set(CLAIMS["verdict"]) <= set(VERDICTS)
    assert unknown_citations(CLAIMS, BIB_KEYS) == {}
    assert all(citation_keys(cell) for cell in CLAIMS["citation_keys"])


def blog_post() -> str:
    """The ketamine-clinic blog post the capstone quotes, with white space folded.

    The post is not the course's to redistribute, so it stays outside the repository, in
    ``shared/seed/`` beside it, where CI has it. Elsewhere the test that needs it is skipped,
    and under CI its absence fails.
    """
    posts = sorted((ROOT.parent / "shared" / "seed").glob("*.txt"))
    if not posts:
        message = (
            "the blog post (shared/seed/*.txt beside the repository) is not here; it cannot "
            "be redistributed with the course, so the quotation check runs only where it is"
        )
        # A public CI runner (a fork's pull requests) cannot have it either, and says so.
        if IN_CI and not os.environ.get("COURSE_WITHOUT_SEED"):
            pytest.fail(message)
        pytest.skip(message)
    return " ".join(posts[0].read_text().split())


def test_each_quotation_is_in_the_blog_post():
    # The quotations must be the post's own words, shortened with "..." only.
    post = blog_post()
    post = post.replace("\u2019", "'")
    for quote in CLAIMS["quote"]:
        for part in quote.replace("\u2019", "'").split("..."):
            assert part.strip().rstrip(".") in post, part


def test_unknown_citation_is_reported_by_claim():
    claims = CLAIMS.head(1).assign(citation_keys="murrough2013antidepressant; no_such_key")
    assert unknown_citations(claims, BIB_KEYS) == {CLAIMS["claim_id"].iloc[0]: ["no_such_key"]}


def test_verdict_counts_cover_every_verdict_in_order():
    counts = verdict_counts(CLAIMS)
    assert list(counts.index) == list(VERDICTS)
    assert counts.sum() == len(CLAIMS)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"verdict": "mostly true"}, r"row 2, column 'verdict': must be one of"),
        ({"citation_keys": " ; "}, r"row 2, column 'citation_keys': names no key"),
        ({"quote": ""}, r"row 2, column 'quote': is empty"),
        ({"claim_id": "Bad id"}, r"row 2, column 'claim_id': must be lowercase"),
    ],
)
def test_bad_rows_are_named(tmp_path, changes, message):
    with pytest.raises(ClaimDataError, match=message):
        load_claims(csv_with_changes(tmp_path, CLAIMS.head(2), **changes))


def test_duplicate_and_missing_columns_are_named(tmp_path):
    duplicated = CLAIMS.head(1)
    path = tmp_path / "dup.csv"
    pd.concat([duplicated, duplicated]).to_csv(path, index=False)
    with pytest.raises(ClaimDataError, match="row 3, column 'claim_id'.*appears twice"):
        load_claims(path)
    CLAIMS.drop(columns="verdict").to_csv(path, index=False)
    with pytest.raises(ClaimDataError, match=r"lacks the column\(s\) \['verdict'\]"):
        load_claims(path)


LABELS = short_citations(BIB_PATH)


def test_short_citations_follow_author_year_style():
    # Checked by hand against the entries in book/references.bib.
    assert LABELS["murrough2013antidepressant"] == "Murrough et al., 2013"
    assert LABELS["jahr1990voltage"] == "Jahr and Stevens, 1990"
    assert LABELS["dean2021ketamine"] == "Dean et al., 2021"  # "and others" in the entry
    assert LABELS["jnj2025spravatomonotherapy"] == "Johnson & Johnson, 2025"
    assert LABELS["ledare2022history"] == "Le Daré et al., 2022"  # LaTeX accent decoded


def test_table_html_escapes_text_and_names_sources():
    claims = CLAIMS.head(1).assign(quote="dose <b>A</b> & more")
    markup = claims_table_html(claims, LABELS)
    assert "dose &lt;b&gt;A&lt;/b&gt; &amp; more" in markup
    for key in citation_keys(claims["citation_keys"].iloc[0]):
        assert LABELS[key].replace("&", "&amp;") in markup
    assert 'scope="col"' in markup and "<caption>1 claim</caption>" in markup


def test_table_html_needs_a_label_for_every_source():
    with pytest.raises(ValueError, match="labels has no text for the citation key"):
        claims_table_html(CLAIMS, {})
    assert "No claim matches" in claims_table_html(CLAIMS.iloc[0:0], {})


def leaf_markup(widget):
    """The HTML of every leaf of a nested Stack, in order."""
    if isinstance(widget, widgets.HTML):
        return [widget.value]
    return [m for child in widget.children for m in leaf_markup(child)]


def test_filter_table_renders_every_combination_of_choices():
    table = pd.DataFrame({"verdict": ["wrong", "supported", "wrong"], "topic": ["a", "a", "b"]})
    rendered = []

    def render(rows):
        rendered.append(rows)
        return "|".join(f"{v}-{t}" for v, t in zip(rows["verdict"], rows["topic"])) or "none"

    box = filter_table(table, ["verdict", "topic"], render, labels=["Verdict", "Topic"])
    verdict, topic, stack = box.children
    assert verdict.options == ((ALL, 0), ("wrong", 1), ("supported", 2))
    assert topic.description == "Topic"
    wrapper = re.compile(
        r'^<div class="kc-table-scroll" tabindex="0" role="region" [^>]*>(.*)</div>$'
    )
    # Each table scrolls sideways in a box that keyboard users can reach.
    assert all(wrapper.match(markup) for markup in leaf_markup(stack))
    leaves = [wrapper.match(markup).group(1) for markup in leaf_markup(stack)]
    # Outer level verdict (All, wrong, supported) × inner level topic (All, a, b).
    assert leaves == [
        "wrong-a|supported-a|wrong-b", "wrong-a|supported-a", "wrong-b",
        "wrong-a|wrong-b", "wrong-a", "wrong-b",
        "supported-a", "supported-a", "none",
    ]  # fmt: skip


def test_filter_table_keeps_rows_with_a_missing_value_under_all_only():
    # A nullable column: comparing it gives <NA> for the missing row, which no choice matches.
    table = pd.DataFrame({"topic": pd.array(["a", None, "a"], dtype="string")})
    box = filter_table(table, ["topic"], lambda rows: str(len(rows)))
    assert [markup.split(">")[1][0] for markup in leaf_markup(box.children[-1])] == ["3", "2", "0"]


def test_filter_table_rejects_unknown_columns_and_heavy_tables():
    table = pd.DataFrame({"verdict": ["wrong"]})
    with pytest.raises(ValueError, match=r"columns \['topic'\] are not in the table"):
        filter_table(table, ["topic"], lambda rows: "")
    with pytest.raises(ValueError, match="labels has 2 entries but columns has 1"):
        filter_table(table, ["verdict"], lambda rows: "", labels=["a", "b"])
    with pytest.raises(ValueError, match="exceed max_bytes=10"):
        filter_table(table, ["verdict"], lambda rows: "x" * 1000, max_bytes=10)
    wide = pd.DataFrame({"a": range(7), "b": range(7)})
    with pytest.raises(ValueError, match="64 combinations, more than 48"):
        filter_table(wide, ["a", "b"], lambda rows: "")


def test_verdict_widget_holds_every_claim_once_under_all():
    box = filter_table(CLAIMS, ["verdict", "topic"], lambda rows: claims_table_html(rows, LABELS))
    first = leaf_markup(box.children[-1])[0]
    assert first.count("<tr>") == len(CLAIMS) + 1  # header row


def test_short_citations_read_the_course_bibliography_by_default(tmp_path):
    assert short_citations() == LABELS
    with pytest.raises(ValueError, match="bib_path .* is not a file"):
        short_citations(tmp_path / "missing.bib")


def test_capstone_gives_each_claim_its_table_verdict():
    # The capstone's prose and the verdict table must not drift apart.
    notebook = nbformat.read(ROOT / "notebooks" / "09_reading_claims.ipynb", as_version=4)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    for row in CLAIMS.itertuples():
        assert f"> “{row.quote}”\n\n**Verdict: {row.verdict}.**" in markdown, row.claim_id


def test_capstone_takeaway_counts_match_the_table():
    notebook = nbformat.read(ROOT / "notebooks" / "09_reading_claims.ipynb", as_version=4)
    markdown = " ".join(" ".join(c.source.split()) for c in notebook.cells)
    words = {1: "one", 4: "four", 6: "half", 12: "twelve"}
    counts = verdict_counts(CLAIMS)
    assert f"{words[len(CLAIMS)]} checkable claims" in markdown
    assert f"{words[counts['supported']]} are supported" in markdown
    assert counts["overstated"] * 2 == len(CLAIMS)  # "half are ... overstated"
    assert f"{words[counts['unsupported']]} is not shown either way" in markdown
