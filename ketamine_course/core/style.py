"""Shared plotting style: a colour-blind-safe palette and figure defaults.

Every figure in the course draws its colors from :data:`PALETTE` and pairs each
color with a marker, so no figure relies on color alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib as mpl

#: Okabe & Ito's palette, designed to stay distinguishable under the common
#: forms of color-vision deficiency.
PALETTE: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

#: Marker shapes paired with colors so categories differ in shape as well.
MARKERS: tuple[str, ...] = ("o", "s", "D", "^", "v", "P", "X", "*")

#: Gray used for context (de-emphasized) elements; contrast 4.6:1 on white.
MUTED = "#767676"

RC_PARAMS: dict[str, object] = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE.values())),
    "legend.frameon": False,
}


@contextmanager
def course_style() -> Iterator[None]:
    """Apply the course's matplotlib settings inside a ``with`` block."""
    with mpl.rc_context(RC_PARAMS):
        yield
