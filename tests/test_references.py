"""The bibliography: every source can be found again."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pybtex.database import parse_file

from conftest import NOTEBOOKS, ROOT

BIB = parse_file(str(ROOT / "book" / "references.bib"))

# Articles for which no DOI could be confirmed; each is cited with journal, volume and pages.
ARTICLES_WITHOUT_DOI = {
    "shahani2007ketamine",
    "krupitsky1996ketamine",
    "mealing1999differences",
    "gilling2009potency",
    "clements1981pharmacokinetics",
    "popova2019efficacy",
    "reif2023esketamine",
    "horowitz2020repeating",
    "papakostas2020efficacy",
    "diazgranados2010randomized",
    "chu2008destruction",
    "wajs2020esketamine",
    "parikh2021developing",
    "qian2005nr2",
}
# Official documents whose web address could not be confirmed; they are cited by title and date.
DOCUMENTS_WITHOUT_URL: set[str] = set()
# Web pages that carry no date.
UNDATED = {"talley_um_first_human_trials", "fda_spravato_rems", "asa_ketamine_guidance"}


def cited_keys() -> set[str]:
    texts = [p.read_text() for p in (ROOT / "book").glob("*.md")]
    texts += [p.read_text() for p in NOTEBOOKS]
    keys = set()
    # Rows of the course's data sets cite their sources by key too.
    for path in (ROOT / "ketamine_course" / "data").glob("*.csv"):
        table = pd.read_csv(path, dtype=str)
        if "citation_key" in table:
            keys.update(table["citation_key"].dropna())
        if "citation_keys" in table:
            for cell in table["citation_keys"].dropna():
                keys.update(k.strip() for k in cell.split(";") if k.strip())
    for text in texts:
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text):
            keys.update(k.strip() for k in group.split(","))
    return keys


@pytest.mark.parametrize("key", sorted(BIB.entries))
def test_entry_can_be_found_again(key):
    entry = BIB.entries[key]
    fields = entry.fields
    assert fields.get("title"), f"{key}: needs a title"
    assert fields.get("year") or key in UNDATED, f"{key}: needs a year"
    if entry.type == "article":
        assert fields.get("journal"), f"{key}: an article needs its journal"
        if key not in ARTICLES_WITHOUT_DOI:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", fields.get("doi", "")), f"{key}: no valid DOI"
    else:
        if key not in DOCUMENTS_WITHOUT_URL:
            assert fields.get("url", "").startswith(("https://", "http://")), f"{key}: no address"


def test_every_citation_is_in_the_bibliography():
    missing = cited_keys() - set(BIB.entries)
    assert missing == set()


def test_every_entry_is_cited_somewhere():
    unused = set(BIB.entries) - cited_keys()
    # The timeline data set cites sources too.
    timeline = (ROOT / "ketamine_course" / "data" / "history_timeline.csv").read_text()
    unused = {key for key in unused if key not in timeline}
    assert unused == set()
