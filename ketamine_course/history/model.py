"""The timeline of ketamine's history: loading and validating it.

The events live in ``data/history_timeline.csv``, one row per event, each with
the citation key of its source in ``book/references.bib`` and the source's DOI
or official address.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ketamine_course.core.datasets import read_table

#: The themes an event can belong to, in the order the timeline draws them.
THEMES: tuple[str, ...] = (
    "anesthesia",
    "neuroscience",
    "psychiatry",
    "regulation",
    "non-medical use",
)

#: Columns of the timeline file, all required.
COLUMNS: tuple[str, ...] = ("date", "theme", "label", "event", "citation_key", "source")

#: How precisely a date is known: a year, a month or a day.
_DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
_DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
MAX_LABEL_CHARS = 34

TIMELINE_FILE = "history_timeline.csv"


class TimelineError(ValueError):
    """The timeline file breaks a rule; the message names the row and column."""


def _decimal_year(date: str, row: int) -> float:
    match = _DATE_PATTERN.match(date)
    if not match:
        raise TimelineError(
            f"row {row}, column 'date': {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
        )
    year, month, day = match.groups()
    try:
        stamp = pd.Timestamp(year=int(year), month=int(month or 1), day=int(day or 1))
    except ValueError as error:
        raise TimelineError(f"row {row}, column 'date': {date!r} is not a real date") from error
    if month is None:
        # A year-only date sits mid-year, so it is not drawn as early as possible.
        return stamp.year + 0.5
    days_in_year = 366 if stamp.is_leap_year else 365
    return stamp.year + (stamp.day_of_year - 1) / days_in_year


def load_timeline(path: str | Path | None = None) -> pd.DataFrame:
    """Load and validate the timeline of events.

    Parameters
    ----------
    path
        A CSV file with the columns in :data:`COLUMNS`; defaults to the file
        shipped with the package.

    Returns
    -------
    pandas.DataFrame
        One row per event, sorted by date, with the file's columns plus
        ``year`` (a decimal year, for plotting and arithmetic).

    Raises
    ------
    TimelineError
        When a column is missing, or a row has an unknown theme, a malformed
        date, an empty field, an over-long label or a source that is not a
        DOI, a web address or a print citation. The message names the row (counting the
        header as row 1, as a spreadsheet does) and the column.
    """
    frame = read_table(TIMELINE_FILE, path)

    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise TimelineError(f"the timeline lacks the column(s) {missing}")

    years = []
    for index, record in frame.iterrows():
        row = int(index) + 2
        for column in COLUMNS:
            if not record[column].strip():
                raise TimelineError(f"row {row}, column '{column}': empty")
        if record["theme"] not in THEMES:
            raise TimelineError(
                f"row {row}, column 'theme': {record['theme']!r} is not one of {list(THEMES)}"
            )
        if len(record["label"]) > MAX_LABEL_CHARS:
            raise TimelineError(
                f"row {row}, column 'label': {len(record['label'])} characters, "
                f"more than {MAX_LABEL_CHARS}"
            )
        source = record["source"]
        if not (
            _DOI_PATTERN.match(source)
            or source.startswith(("https://", "http://"))
            or re.search(r"\b(1[89]|20)\d\d\b", source)
        ):
            raise TimelineError(
                f"row {row}, column 'source': {source!r} is not a DOI (10.xxxx/...), "
                "a web address or a print citation with its year"
            )
        years.append(_decimal_year(record["date"], row))

    frame = frame.assign(year=years)
    return frame.sort_values("year", kind="stable").reset_index(drop=True)
