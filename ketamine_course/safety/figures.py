"""Figures of the safety lesson, each with a function that writes its alt text."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ketamine_course.core.style import MARKERS, MUTED, PALETTE
from ketamine_course.pharmacokinetics.model import cmax_ng_per_ml, tmax_min

from .model import (
    FORMULATIONS,
    REMS_OBSERVATION_MIN,
    fraction_of_peak,
    load_acute_effects,
    load_adverse_events,
    plasma_curve,
)

#: Color and marker of each acute effect, the same in every frame.
EFFECT_STYLES: dict[str, tuple[str, str]] = {
    "dissociation": (PALETTE["reddish_purple"], "o"),
    "sedation": (PALETTE["blue"], "s"),
    "blood pressure rise": (PALETTE["vermillion"], "D"),
    "impaired thinking": (PALETTE["bluish_green"], "^"),
}
TIME_AXIS_MIN = (0.0, 300.0)


def _effects(formulation: str):
    if formulation not in FORMULATIONS:
        raise ValueError(f"formulation must be one of {list(FORMULATIONS)}, got {formulation!r}")
    table = load_acute_effects()
    return table[table["formulation"] == formulation].reset_index(drop=True)


def plot_acute_effects(formulation: str) -> Figure:
    """The model's plasma curve above the reported time course of each acute effect."""
    effects = _effects(formulation)
    spec = FORMULATIONS[formulation]
    curve = plasma_curve(formulation)
    fig, (top, bottom) = plt.subplots(
        2,
        1,
        figsize=(7.5, 4.6),
        sharex=True,
        layout="constrained",
        gridspec_kw={"height_ratios": [1.1, 1]},
    )
    top.plot(curve.t_min, curve.conc_ng_per_ml, color=PALETTE["black"], lw=2)
    top.set(
        ylabel="Model plasma\nketamine (ng/mL)",
        ylim=(0, 200),
        title=f"{formulation}, {spec.label}",
    )
    if formulation == "esketamine nasal spray":
        for ax in (top, bottom):
            ax.axvspan(0, REMS_OBSERVATION_MIN, color=PALETTE["yellow"], alpha=0.25, lw=0)
        top.text(
            4, 185, "REMS: observe for at least 2 h", fontsize=8, va="top", color=PALETTE["black"]
        )
    if spec.infusion_min:
        top.axvspan(0, spec.infusion_min, color=PALETTE["sky_blue"], alpha=0.2, lw=0)
        top.text(4, 185, "infusion", fontsize=8, va="top")

    names = list(effects["effect"])
    for y, row in zip(range(len(names), 0, -1), effects.itertuples()):
        color, marker = EFFECT_STYLES[row.effect]
        start = row.peak_min if math.isnan(row.onset_min) else row.onset_min
        bottom.plot([start, row.resolved_min], [y, y], color=color, lw=6, alpha=0.45)
        bottom.plot(row.peak_min, y, marker=marker, color=color, ms=9, ls="none")
        bottom.plot(row.resolved_min, y, marker="|", color=color, ms=14, mew=2, ls="none")
        for ax in (top, bottom):
            ax.axvline(row.peak_min, color=color, lw=0.8, ls=":")
    bottom.set_yticks(range(len(names), 0, -1), names)
    bottom.set(
        ylim=(0.4, len(names) + 0.6),
        xlim=TIME_AXIS_MIN,
        xlabel="Time after the start of the dose (min)",
    )
    bottom.text(
        TIME_AXIS_MIN[1],
        0.45,
        "bar: reported duration; symbol: peak; tick: resolved",
        fontsize=7.5,
        ha="right",
        va="bottom",
        color=MUTED,
    )
    return fig


def describe_acute_effects(formulation: str) -> str:
    """Alt text of :func:`plot_acute_effects`."""
    effects = _effects(formulation)
    curve = plasma_curve(formulation)
    fractions = fraction_of_peak(formulation, effects["resolved_min"].to_numpy())
    drug = "esketamine" if formulation.startswith("esketamine") else "ketamine"
    parts = [
        f"{row.effect} peaks at {row.peak_min:g} min and resolves by {row.resolved_min:g} min, "
        f"when the model concentration is {fraction:.0%} of its peak"
        for row, fraction in zip(effects.itertuples(), fractions)
    ]
    return (
        f"Two panels for {formulation} ({FORMULATIONS[formulation].label}). Top: model plasma "
        f"{drug} peaks at {cmax_ng_per_ml(curve):.0f} ng/mL at {tmax_min(curve):.0f} min. "
        f"Bottom, reported time courses: {'; '.join(parts)}."
    )


TRIALS = ("ASPIRE II", "SUSTAIN-1")


def _events(trial: str):
    if trial not in TRIALS:
        raise ValueError(f"trial must be one of {list(TRIALS)}, got {trial!r}")
    table = load_adverse_events()
    rows = table[table["trial"] == trial]
    return rows.sort_values("risk_difference").reset_index(drop=True)


def plot_adverse_events(trial: str) -> Figure:
    """Share of patients with each adverse event, drug arm against control arm."""
    rows = _events(trial)
    fig, ax = plt.subplots(figsize=(7.5, 3.9), layout="constrained")
    y = np.arange(len(rows))
    ax.hlines(y, rows["risk_control"], rows["risk_drug"], color=MUTED, lw=1.5)
    ax.plot(
        rows["risk_control"], y, ls="none", marker=MARKERS[1], color=PALETTE["sky_blue"],
        ms=7, label="control arm",
    )  # fmt: skip
    ax.plot(
        rows["risk_drug"], y, ls="none", marker=MARKERS[0], color=PALETTE["vermillion"],
        ms=7, label="esketamine arm",
    )  # fmt: skip
    for yi, row in zip(y, rows.itertuples()):
        nnh = (
            "no excess"
            if math.isinf(row.number_needed_to_harm)
            else (f"1 extra in {row.number_needed_to_harm:.0f}")
        )
        ax.text(0.6, yi, nnh, va="center", fontsize=8)
    ax.set_yticks(y, rows["event"])
    ax.xaxis.set_major_formatter(lambda value, _: f"{value:.0%}")
    ax.set(
        xlim=(0, 0.8),
        ylim=(-0.6, len(rows) - 0.1),
        xlabel="Patients with the event",
        title=f"{trial}: {rows['phase'].iloc[0].split(':')[0]}",
    )
    ax.text(0.6, len(rows) - 0.4, "excess on esketamine", fontsize=8, fontweight="bold")
    fig.legend(loc="outside lower center", ncol=2, fontsize=8)
    return fig


def describe_adverse_events(trial: str) -> str:
    """Alt text of :func:`plot_adverse_events`."""
    rows = _events(trial).iloc[::-1]
    parts = [
        f"{row.event} {row.risk_drug:.0%} vs {row.risk_control:.0%}" for row in rows.itertuples()
    ]
    return (
        f"Dot plot of adverse events in {trial}, esketamine arm against control arm, sorted by "
        f"the difference: {'; '.join(parts)}."
    )
