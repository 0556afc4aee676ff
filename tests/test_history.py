"""The timeline data set and its figure."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from conftest import ROOT
from ketamine_course.history import (
    COLUMNS,
    THEMES,
    TimelineError,
    describe_timeline,
    load_timeline,
    plot_timeline,
)

BIB_KEYS = set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text(), re.M))


@pytest.fixture(scope="module")
def events():
    return load_timeline()


def event(events, label):
    rows = events[events["label"] == label]
    assert len(rows) == 1, f"expected one event labelled {label!r}"
    return rows.iloc[0]


def test_timeline_covers_every_theme(events):
    counts = events["theme"].value_counts()
    for theme in THEMES:
        assert counts.get(theme, 0) >= 3, f"theme {theme!r} has fewer than 3 events"


def test_events_are_sorted_and_sourced(events):
    assert events["year"].is_monotonic_increasing
    assert set(events["citation_key"]) <= BIB_KEYS, set(events["citation_key"]) - BIB_KEYS


# Dates confirmed at the source named in each case.
@pytest.mark.parametrize(
    ("label", "date", "source"),
    [
        # Anis et al., Br J Pharmacol 1983;79(2):565-575 (June 1983 issue).
        ("Ketamine blocks NMDA receptors", "1983-06", "anis1983dissociative"),
        # DEA final rule, 64 FR 37673, effective 12 August 1999.
        ("US Schedule III", "1999-08-12", "dea1999ketamine_final"),
        # Berman et al., Biol Psychiatry 2000;47(4):351-354, published 15 February 2000.
        ("First placebo-controlled trial", "2000-02-15", "berman2000antidepressant"),
        # Misuse of Drugs Act 1971 (Ketamine etc.) (Amendment) Order 2014: in force 10 June 2014.
        ("UK: Class B", "2014-06-10", "uksi2014ketamineorder"),
        # EMA EPAR for Spravato: EU-wide marketing authorisation issued 18 December 2019.
        ("EU authorizes esketamine", "2019-12-18", "ema_spravato_epar"),
        # FDA safety communication on compounded ketamine, 10 October 2023.
        ("FDA warns on compounded ketamine", "2023-10-10", "fda2023compoundedketamine"),
        # Current US ketamine labels: "Initial U.S. Approval: 1970".
        ("FDA approves ketamine", "1970", "fda_ketamine_generic_label"),
    ],
)
def test_key_dates_match_their_sources(events, label, date, source):
    row = event(events, label)
    assert row["date"] == date
    assert row["citation_key"] == source


def test_decimal_years_follow_the_date_precision(events):
    assert event(events, "FDA approves ketamine")["year"] == 1970.5
    assert event(events, "UK: Class B")["year"] == pytest.approx(2014 + 160 / 365)


def write_csv(tmp_path, rows):
    path = tmp_path / "timeline.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


GOOD_ROW = {
    "date": "1983-06",
    "theme": "neuroscience",
    "label": "NMDA block",
    "event": "Ketamine blocks NMDA receptors.",
    "citation_key": "anis1983dissociative",
    "source": "10.1111/j.1476-5381.1983.tb11031.x",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"theme": "chemistry"}, r"row 3, column 'theme': 'chemistry' is not one of"),
        (
            {"date": "06/1983"},
            r"row 3, column 'date': '06/1983' is not YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        ({"date": "1983-02-30"}, r"row 3, column 'date': '1983-02-30' is not a real date"),
        ({"source": ""}, r"row 3, column 'source': empty"),
        ({"source": "a website"}, r"row 3, column 'source': 'a website' is not a DOI"),
        ({"label": "x" * 40}, r"row 3, column 'label': 40 characters"),
    ],
)
def test_invalid_rows_are_reported_by_row_and_column(tmp_path, change, message):
    path = write_csv(tmp_path, [GOOD_ROW, {**GOOD_ROW, **change}])
    with pytest.raises(TimelineError, match=message):
        load_timeline(path)


def test_missing_column_is_reported(tmp_path):
    row = {k: v for k, v in GOOD_ROW.items() if k != "source"}
    with pytest.raises(TimelineError, match=r"lacks the column\(s\) \['source'\]"):
        load_timeline(write_csv(tmp_path, [row]))


def test_a_valid_file_loads(tmp_path):
    loaded = load_timeline(write_csv(tmp_path, [GOOD_ROW]))
    assert list(loaded.columns) == [*COLUMNS, "year"]
    assert loaded["year"].iloc[0] == pytest.approx(1983 + 151 / 365)


@pytest.mark.parametrize("theme", ["all", *THEMES])
def test_plot_highlights_the_chosen_theme(events, theme):
    fig = plot_timeline(events, theme)
    ax, listing = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == [n.capitalize() for n in THEMES]
    listed = "\n".join(t.get_text() for t in listing.texts)
    if theme == "all":
        assert "Choose a theme" in listed
    else:
        for label in events.loc[events["theme"] == theme, "label"]:
            assert label in listed
    plt.close(fig)


def test_plot_rejects_an_unknown_theme(events):
    with pytest.raises(ValueError, match="theme must be 'all' or one of"):
        plot_timeline(events, "chemistry")


def test_alt_text_names_every_highlighted_event(events):
    text = describe_timeline(events, "regulation")
    assert text.startswith("Timeline highlighting the")
    for label in events.loc[events["theme"] == "regulation", "label"]:
        assert label in text
    assert f"{len(events)} events" in describe_timeline(events)
