"""Figures of the delivery-routes lesson, each with a function that writes its
alt text from the same simulation."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ketamine_course.core.style import MARKERS, MUTED, PALETTE
from ketamine_course.mechanism.receptors import PLASMA_LEVELS, block_condition

from .model import (
    PKResult,
    cmax_ng_per_ml,
    estimated_block,
    simulate,
    tmax_min,
)

#: Body weight of the figures' standard adult.
WEIGHT_KG = 70.0
#: Routes compared in the figures, in display order, with how each is given.
FIGURE_ROUTES: dict[str, dict] = {
    "iv infusion (40 min)": {"route": "iv", "infusion_min": 40.0},
    "iv bolus": {"route": "iv", "infusion_min": 0.0},
    "intranasal": {"route": "intranasal", "infusion_min": 0.0},
    "sublingual": {"route": "sublingual", "infusion_min": 0.0},
    "oral": {"route": "oral", "infusion_min": 0.0},
}
FIGURE_T_MIN = np.arange(0.0, 360.5, 1.0)
BAND_COLORS = {
    "analgesia": PALETTE["sky_blue"],
    "dissociation": PALETTE["yellow"],
    "anesthesia": PALETTE["vermillion"],
}


def route_curve(name: str, dose_mg_per_kg: float) -> PKResult:
    """The simulation behind one curve: a named way of giving one dose to 70 kg."""
    spec = FIGURE_ROUTES[name]
    return simulate(
        spec["route"],
        dose_mg_per_kg * WEIGHT_KG,
        WEIGHT_KG,
        spec["infusion_min"],
        t_min=FIGURE_T_MIN,
    )


def _draw_bands(ax) -> None:
    """Shade the published plasma ranges (Zanos et al. 2018, Table 1) and label them."""
    for level in PLASMA_LEVELS:
        if level.use in BAND_COLORS:
            ax.axhspan(
                level.low_ng_per_ml,
                level.high_ng_per_ml,
                color=BAND_COLORS[level.use],
                alpha=0.18,
                lw=0,
            )
    # Analgesia and dissociation overlap, so their labels go to opposite edges.
    levels = {level.use: level for level in PLASMA_LEVELS}
    for use, y, va in (
        ("anesthesia", levels["anesthesia"].high_ng_per_ml * 0.9, "top"),
        ("dissociation", levels["dissociation"].high_ng_per_ml * 0.95, "top"),
        ("analgesia", levels["analgesia"].low_ng_per_ml * 1.05, "bottom"),
    ):
        ax.text(358, y, use, ha="right", va=va, fontsize=7.5)
    peak = levels["antidepressant"].low_ng_per_ml
    ax.axhline(peak, color=PALETTE["bluish_green"], lw=1, ls=":")
    ax.text(
        200,
        peak * 1.04,
        "antidepressant infusion peak",
        ha="center",
        va="bottom",
        fontsize=7.5,
        color=PALETTE["bluish_green"],
    )


def _route_curves(ax, values, route: str, color: str) -> None:
    """One line per route (``values(name)`` gives its y values), ``route`` highlighted."""
    for name, marker in zip(FIGURE_ROUTES, MARKERS):
        chosen = name == route
        ax.plot(
            FIGURE_T_MIN,
            values(name),
            color=color if chosen else MUTED,
            lw=2.2 if chosen else 0.9,
            marker=marker,
            markevery=(5 * MARKERS.index(marker), 60),
            ms=5 if chosen else 3,
            label=name,
            zorder=3 if chosen else 2,
        )
    ax.figure.legend(
        fontsize=7.5, loc="outside lower center", ncol=len(FIGURE_ROUTES), frameon=False
    )


def plot_routes(route: str, dose_mg_per_kg: float) -> Figure:
    """Concentration over six hours for every route at one dose, one route highlighted."""
    fig, ax = plt.subplots(figsize=(7.5, 3.8), layout="constrained")
    _draw_bands(ax)
    # The floor keeps a zero concentration off a log axis.
    _route_curves(
        ax,
        lambda name: np.maximum(route_curve(name, dose_mg_per_kg).conc_ng_per_ml, 1e-3),
        route,
        PALETTE["blue"],
    )
    ax.set_yscale("log")
    ax.set(
        xlabel="Time after the start of the dose (min)",
        ylabel="Plasma ketamine (ng/mL)",
        ylim=(5, 4000),
        xlim=(0, 360),
        title=f"{dose_mg_per_kg:g} mg/kg ({dose_mg_per_kg * WEIGHT_KG:g} mg for 70 kg): {route}",
    )
    return fig


def describe_routes(route: str, dose_mg_per_kg: float) -> str:
    """Alt text of :func:`plot_routes`."""
    result = route_curve(route, dose_mg_per_kg)
    at_two_hours = float(np.interp(120, result.t_min, result.conc_ng_per_ml))
    return (
        f"Model plasma ketamine over six hours after {dose_mg_per_kg:g} mg/kg by each route, "
        f"on a log scale with the analgesic, dissociative and anesthetic ranges shaded. "
        f"Highlighted, {route}: peak {cmax_ng_per_ml(result):.0f} ng/mL at "
        f"{tmax_min(result):.0f} min, {at_two_hours:.0f} ng/mL at two hours."
    )


def plot_block(route: str, condition: str = "1 mM Mg²⁺, −70 mV (model, at rest)") -> Figure:
    """Estimated NMDA-receptor block over time after 0.5 mg/kg by one route.

    ``condition`` is a key of :data:`~ketamine_course.mechanism.receptors.BLOCK_CONDITIONS`.
    """
    mg, v = block_condition(condition)
    fig, ax = plt.subplots(figsize=(7.5, 3.0), layout="constrained")
    _route_curves(
        ax,
        lambda name: estimated_block(route_curve(name, 0.5), mg_mM=mg, v_mV=v),
        route,
        PALETTE["vermillion"],
    )
    ax.set(
        xlabel="Time after the start of the dose (min)",
        ylabel="Estimated share of\nNMDA receptors blocked",
        ylim=(0, 0.5),
        xlim=(0, 360),
        title=f"0.5 mg/kg for 70 kg, {condition}: {route}",
    )
    return fig


def describe_block(route: str, condition: str = "1 mM Mg²⁺, −70 mV (model, at rest)") -> str:
    """Alt text of :func:`plot_block`."""
    mg, v = block_condition(condition)
    block = estimated_block(route_curve(route, 0.5), mg_mM=mg, v_mV=v)
    return (
        f"Estimated share of NMDA receptors blocked over six hours after 0.5 mg/kg, from the "
        f"free plasma concentration and the current-block curve, with {condition}. "
        f"Highlighted, {route}: at most {block.max():.0%}, at "
        f"{FIGURE_T_MIN[np.argmax(block)]:.0f} min, and "
        f"{float(np.interp(180, FIGURE_T_MIN, block)):.0%} after three hours."
    )


#: Esketamine regimens of the US label for treatment-resistant depression.
REGIMENS: dict[str, tuple[float, ...]] = {
    "twice weekly (weeks 1-4)": (0.0, 3.5, 7.0, 10.5, 14.0, 17.5, 21.0, 24.5),
    "once weekly (weeks 5-8)": (0.0, 7.0, 14.0, 21.0),
}
REGIMEN_T_MIN = np.arange(0.0, 28 * 1440.0 + 1, 5.0)


def regimen_curve(dose_mg: float, regimen: str) -> PKResult:
    """Esketamine nasal spray given on the days of a regimen, for 70 kg."""
    return simulate(
        "esketamine_nasal",
        dose_mg,
        WEIGHT_KG,
        dose_times_min=[day * 1440 for day in REGIMENS[regimen]],
        t_min=REGIMEN_T_MIN,
    )


def plot_regimen(dose_mg: float, regimen: str) -> Figure:
    """Four weeks of esketamine dosing: does anything accumulate?"""
    result = regimen_curve(dose_mg, regimen)
    days = result.t_min / 1440
    fig, (ax, zoom) = plt.subplots(
        1, 2, figsize=(7.5, 3.0), layout="constrained", width_ratios=(2.2, 1)
    )
    ax.plot(days, result.conc_ng_per_ml, color=PALETTE["blue"], lw=1)
    ax.plot(
        np.array(result.dose_times_min) / 1440,
        np.zeros(len(result.dose_times_min)),
        "^",
        color=PALETTE["vermillion"],
        ms=6,
        clip_on=False,
        label="dose",
    )
    ax.set(
        xlabel="Day",
        ylabel="Plasma esketamine (ng/mL)",
        xlim=(0, 28),
        ylim=(0, 200),
        title=f"{dose_mg:g} mg, {regimen}",
    )
    ax.legend(fontsize=8, loc="upper right")
    first = result.t_min <= 24 * 60
    zoom.plot(result.t_min[first] / 60, result.conc_ng_per_ml[first], color=PALETTE["blue"], lw=1.5)
    zoom.set(xlabel="Hours after the first dose", ylim=(0, 200), xlim=(0, 24), title="First day")
    return fig


def describe_regimen(dose_mg: float, regimen: str) -> str:
    """Alt text of :func:`plot_regimen`."""
    result = regimen_curve(dose_mg, regimen)
    starts = np.array(result.dose_times_min)
    before = np.interp(starts[1:], result.t_min, result.conc_ng_per_ml)
    return (
        f"Model plasma esketamine over four weeks of {dose_mg:g} mg {regimen}. Each dose peaks "
        f"near {cmax_ng_per_ml(result):.0f} ng/mL and falls to at most {before.max():.1f} ng/mL "
        f"before the next, so the peaks do not build up."
    )
