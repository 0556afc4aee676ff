"""The timeline of ketamine's history: loading, validating and plotting it.

The events live in ``data/history_timeline.csv``, one row per event, each with
the citation key of its source in ``book/references.bib`` and the source's DOI
or official address.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .datasets import read_table
from .style import MARKERS, MUTED, PALETTE

#: The themes an event can belong to, in the order the timeline draws them.
THEMES: tuple[str, ...] = (
    "anesthesia",
    "neuroscience",
    "psychiatry",
    "regulation",
    "non-medical use",
)

THEME_COLORS: dict[str, str] = dict(
    zip(
        THEMES,
        (
            PALETTE["orange"],
            PALETTE["blue"],
            PALETTE["bluish_green"],
            PALETTE["reddish_purple"],
            PALETTE["vermillion"],
        ),
    )
)
THEME_MARKERS: dict[str, str] = dict(zip(THEMES, MARKERS))

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


def plot_timeline(
    events: pd.DataFrame,
    theme: str = "all",
    *,
    figsize: tuple[float, float] = (9.0, 5.6),
) -> matplotlib.figure.Figure:
    """Draw the events as a swim-lane timeline, one lane per theme.

    Parameters
    ----------
    events
        The table from :func:`load_timeline`.
    theme
        ``"all"`` marks every event in its theme's color and lists the themes;
        a theme name from :data:`THEMES` highlights that theme's events, grays
        the rest and lists the highlighted events, year by year, under the axis.
    figsize
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if theme != "all" and theme not in THEMES:
        raise ValueError(f"theme must be 'all' or one of {list(THEMES)}, got {theme!r}")
    fig, (ax, listing) = plt.subplots(
        2, 1, figsize=figsize, height_ratios=(1.25, 1), layout="constrained"
    )
    lane = {name: len(THEMES) - 1 - i for i, name in enumerate(THEMES)}

    for name in THEMES:
        subset = events[events["theme"] == name]
        highlighted = theme in ("all", name)
        ax.axhline(lane[name], color="#dddddd", linewidth=0.8, zorder=0)
        ax.scatter(
            subset["year"],
            np.full(len(subset), lane[name]),
            marker=THEME_MARKERS[name],
            s=70 if highlighted else 25,
            color=THEME_COLORS[name] if highlighted else MUTED,
            edgecolor="black" if highlighted else "none",
            linewidth=0.6,
            zorder=3,
        )
    ax.set_yticks([lane[name] for name in THEMES], [name.capitalize() for name in THEMES])
    ax.set_ylim(-0.6, len(THEMES) - 0.4)
    ax.set_xlim(1954, 2028)
    ax.set_xlabel("Year")
    ax.spines["left"].set_visible(False)
    ax.tick_params(axis="y", length=0)
    title = "Ketamine's history by theme" if theme == "all" else f"Ketamine's history: {theme}"
    ax.set_title(title, loc="left")

    listing.set_axis_off()
    if theme == "all":
        lines = [
            f"{name.capitalize()}: {len(group)} events, {int(group['year'].min())}–"
            f"{int(group['year'].max())}"
            for name, group in ((n, events[events["theme"] == n]) for n in THEMES)
        ]
        lines.append("Choose a theme to list its events.")
    else:
        subset = events[events["theme"] == theme]
        lines = [f"{int(y)}  {label}" for y, label in zip(subset["year"], subset["label"])]
    per_column = max(6, -(-len(lines) // 2))
    for column in range(2):
        chunk = lines[column * per_column : (column + 1) * per_column]
        listing.text(
            0.02 + 0.5 * column,
            1.0,
            "\n".join(chunk),
            va="top",
            ha="left",
            fontsize=9.5,
            linespacing=1.55,
            transform=listing.transAxes,
        )
    return fig


def describe_timeline(events: pd.DataFrame, theme: str = "all") -> str:
    """Alt text for :func:`plot_timeline`: what the figure shows, in words."""
    if theme == "all":
        counts = ", ".join(f"{(events['theme'] == name).sum()} on {name}" for name in THEMES)
        first, last = int(events["year"].min()), int(events["year"].max())
        return (
            f"Timeline from {first} to {last} with one row per theme; "
            f"{len(events)} events: {counts}."
        )
    subset = events[events["theme"] == theme]
    items = "; ".join(f"{int(y)}: {label}" for y, label in zip(subset["year"], subset["label"]))
    return f"Timeline highlighting the {len(subset)} events on {theme}. {items}."
