"""The capstone's figure: a claim's time frame against drug levels and trial durations."""

from __future__ import annotations

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from ketamine_course.core.datasets import citation_keys
from ketamine_course.core.style import MUTED, PALETTE
from ketamine_course.safety.model import fraction_of_peak

from .model import load_benefit_durability

#: Claims the figure can test, with the time window each one promises (days).
CLAIM_WINDOWS: dict[str, tuple[str, float, float]] = {
    "works_quickly": ("relief within hours or days", 1 / 24, 3.0),
    "lasting_mental_health": ("lasting mental health", 180.0, 3650.0),
}
#: Time axis, in days after the last dose: 10 minutes to two years.
AXIS_DAYS = (10 / 1440, 730.0)
INFUSION = "racemic ketamine IV infusion"


def _check(claim: str) -> None:
    if claim not in CLAIM_WINDOWS:
        raise ValueError(f"claim must be one of {list(CLAIM_WINDOWS)}, got {claim!r}")


def drug_remaining(days) -> np.ndarray:
    """Model plasma level after one 40-minute infusion, as a fraction of its peak.

    Times are days after the infusion started; the model runs in minutes.
    """
    return fraction_of_peak(INFUSION, np.asarray(days, dtype=float) * 1440.0)


def plot_claim_timeline(claim: str) -> Figure:
    """A claim's promised time frame beside the drug level and the trials' durations."""
    _check(claim)
    label, low, high = CLAIM_WINDOWS[claim]
    findings = load_benefit_durability()
    days = np.geomspace(AXIS_DAYS[0], 3.0, 200)
    fig, (top, bottom) = plt.subplots(
        2,
        1,
        figsize=(7.5, 4.4),
        sharex=True,
        layout="constrained",
        gridspec_kw={"height_ratios": [1, 1.2]},
    )
    top.plot(days, drug_remaining(days), color=PALETTE["black"], lw=2)
    top.set(ylabel="Drug in plasma\n(fraction of peak)", ylim=(0, 1.05), xscale="log")
    top.set_title(f"Claim: {label} (shaded: the time frame it promises)", loc="left")
    for ax in (top, bottom):
        ax.axvspan(low, min(high, AXIS_DAYS[1]), color=PALETTE["yellow"], alpha=0.3, lw=0)

    for y, row in zip(range(len(findings), 0, -1), findings.itertuples()):
        relevant = claim in citation_keys(row.claims)
        color = PALETTE["blue"] if relevant else MUTED
        start = max(row.start_day, AXIS_DAYS[0])
        bottom.plot(
            [start, row.end_day], [y, y], color=color, lw=7, alpha=0.8 if relevant else 0.35
        )
        bottom.plot(row.marker_day, y, marker="D", color=color, ms=7, ls="none")
        bottom.annotate(
            row.marker_label,
            (row.marker_day, y),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            fontsize=7.5,
            color=PALETTE["black"] if relevant else MUTED,
        )
    bottom.set_yticks(range(len(findings), 0, -1), findings["label"])
    bottom.set(
        ylim=(0.4, len(findings) + 0.8),
        xlim=AXIS_DAYS,
        xlabel="Time after the last dose began (log scale)",
    )
    ticks = [1 / 144, 1 / 24, 1, 7, 30, 365]
    bottom.set_xticks(ticks, ["10 min", "1 h", "1 d", "1 wk", "1 mo", "1 yr"])
    return fig


def describe_claim_timeline(claim: str) -> str:
    """Alt text of :func:`plot_claim_timeline`."""
    _check(claim)
    label, low, high = CLAIM_WINDOWS[claim]
    findings = load_benefit_durability()
    remaining = drug_remaining([1 / 24, 1.0])
    parts = [
        f"{row.label}{' (highlighted)' if claim in citation_keys(row.claims) else ''}: "
        f"benefit from day {row.start_day:g} to day {row.end_day:g}; {row.marker_label} "
        f"(day {row.marker_day:g})"
        for row in findings.itertuples()
    ]
    return (
        f"Timeline on a log scale from 10 minutes to two years, shading the time frame of the "
        f"claim '{label}'. Top: after one 40-minute infusion the model plasma level is "
        f"{remaining[0]:.0%} of its peak at 1 hour and {remaining[1]:.1%} at 1 day. Bottom: "
        f"{'; '.join(parts)}."
    )
