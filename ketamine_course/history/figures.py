"""The timeline of ketamine's history as a figure, and the figure described in words."""

from __future__ import annotations

import matplotlib.figure
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ketamine_course.core.style import MARKERS, MUTED, PALETTE

from .model import THEMES

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
        The table from :func:`~ketamine_course.history.model.load_timeline`.
    theme
        ``"all"`` marks every event in its theme's color and lists the themes; a theme
        name from :data:`~ketamine_course.history.model.THEMES` highlights that theme's
        events, grays the rest and lists the highlighted events, year by year, under the axis.
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
