"""The bibliography: every source can be found again."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_file

from conftest import NOTEBOOKS, ROOT
from ketamine_course.core.references import short_citations

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
    "papakostas2020efficacy",
    "diazgranados2010randomized",
    "chu2008destruction",
    "wajs2020esketamine",
    "parikh2021developing",
    "qian2005nr2",
    "maeng2008cellular",
    "domino1965pharmacologic",
    "feeney2023effect",
    "chong2006bioavailability",
}
# Articles whose volume or pages the course could not confirm at a record it could read
# (publisher page, PubMed or PMC, or another paper's reference list). Each is listed with
# the fields it lacks, so the list shrinks as they are confirmed; the review page says so.
UNCONFIRMED_VOLUME_OR_PAGES = {
    "canady2020esketamine": {"volume", "pages"},  # a trade newsletter
    "gilling2009potency": {"volume", "pages"},
    "ma2023sustained": {"volume"},
    "chong2009development": {"volume", "pages"},
    "su2017dose": {"pages"},
    "grunebaum2018ketamine": {"volume", "pages"},
    "anand2023ketamine": {"volume", "pages"},
    "popova2019efficacy": {"volume", "pages"},
    "feder2021randomized": {"volume", "pages"},
    "singh2016double": {"volume", "pages"},
    "rivaposse2018blood": {"volume", "pages"},
    "wajs2020esketamine": {"pages"},
    "dore2019ketamine": {"volume", "pages"},
    "grabski2022adjunctive": {"volume", "pages"},
    "walsh2021ketamine": {"pages"},
    "abbott2024allosteric": {"volume", "pages"},
    "abdallah2020modulation": {"pages"},
    "williams2018attenuation": {"volume", "pages"},
    "yoon2019association": {"volume", "pages"},
    "wang2009celltype": {"volume", "pages"},
    "trullas1990functional": {"volume", "pages"},
    "mathew2010riluzole": {"pages"},
    "yu2014ketamine": {"pages"},
}
# Published online ahead of an issue: an article identifier, but no volume or pages yet.
ONLINE_AHEAD_OF_ISSUE = {"jelovac2025serial", "chepke2024realworld", "yoon2025antidepressant"}
# Cochrane reviews are cited by issue (number) and article number (pages); the Library
# prints no volume.
COCHRANE = "Cochrane Database of Systematic Reviews"
# Official documents whose web address could not be confirmed; they are cited by title and date.
DOCUMENTS_WITHOUT_URL: set[str] = set()
# Web pages that carry no date.
UNDATED = {"talley_um_first_human_trials"}


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
        needed = {"volume", "pages"}
        if fields.get("journal") == COCHRANE:
            needed = {"number", "pages"}
        if key in ONLINE_AHEAD_OF_ISSUE:
            needed = set()
        lacking = {name for name in needed if not fields.get(name)}
        assert lacking == UNCONFIRMED_VOLUME_OR_PAGES.get(key, set()), (
            f"{key}: lacks {sorted(lacking) or 'nothing'}; the list of unconfirmed fields says "
            f"{sorted(UNCONFIRMED_VOLUME_OR_PAGES.get(key, set())) or 'nothing'}"
        )
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


#: A citation as the book shows it: "Jahr and Stevens, 1990", "Murrough et al., 2013",
#: "Drug Enforcement Administration, 1999".
AUTHOR_YEAR = re.compile(r".+?(?: et al\.| and .+)?, (?:\d{4}[a-z]?|n\.d\.)")


def test_widget_labels_take_the_form_of_the_books_citations():
    labels = short_citations()
    assert labels
    for key, label in labels.items():
        assert AUTHOR_YEAR.fullmatch(label), f"{key}: {label!r}"
        assert " and others" not in label


@pytest.mark.book
@pytest.mark.slow
def test_citations_in_the_book_read_as_author_year(built_html):
    checked = 0
    for page in built_html.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(), "html.parser")
        for link in soup.select('a[href*="bibliography.html#"][title], a[href^="#id"][title]'):
            text = link.get_text()
            if not re.search(r"\d{4}", text):
                continue  # a link to the bibliography page itself
            if re.fullmatch(r"\d{4}[a-z]?", text):
                # A textual citation, "Moghaddam et al. (1997)": only the year is the link.
                text = link.parent.get_text()
                assert " and others" not in text, (page.name, text)
            else:
                # "Singh and others, 2022" would mean an entry names one author before "others".
                assert AUTHOR_YEAR.fullmatch(text), (page.name, text)
                assert " and others" not in text, (page.name, text)
            checked += 1
    assert checked > 100
