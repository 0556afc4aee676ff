"""Figures of the mechanism lessons, each paired with a function that writes
its alt text from the same numbers the figure shows.

Every ``plot_*`` function returns a new matplotlib figure, so it can drive a
kernel-free interactive figure (:func:`ketamine_course.core.interactive.frame_figure`).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from ketamine_course.core.style import MARKERS, MUTED, PALETTE

from .circuit import (
    DEFAULT_CIRCUIT,
    CircuitParameters,
    CoincidenceResult,
    PlasticityParameters,
    rate_time_course,
    simulate_coincidence,
    steady_rates,
    synaptic_strength,
)
from .receptors import (
    AMPA,
    MAX_PLASMA_BOUND_FRACTION,
    NMDA,
    PLASMA_LEVELS,
    RACEMATE,
    TrappingResult,
    block_condition,
    fraction_blocked,
    half_block_uM,
    mg_unblocked_fraction,
    nmda_current_pA,
    open_fraction,
)

VOLTAGES_MV = np.linspace(-100.0, 60.0, 321)
MG_VALUES_MM = (0.0, 0.3, 1.0, 2.0)


def negative_slope_range(mg_mM: float) -> tuple[float, float] | None:
    """Voltages (mV) over which the NMDA current–voltage curve has negative slope."""
    current = nmda_current_pA(VOLTAGES_MV, mg_mM=mg_mM)
    negative = np.gradient(current, VOLTAGES_MV) < 0
    if not negative.any():
        return None
    return float(VOLTAGES_MV[negative].min()), float(VOLTAGES_MV[negative].max())


def plot_mg_block(mg_mM: float) -> Figure:
    """Unblocked fraction and NMDA current–voltage curve at one [Mg²⁺]."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.1), layout="constrained")
    for other in MG_VALUES_MM:
        if other != mg_mM:
            left.plot(VOLTAGES_MV, mg_unblocked_fraction(VOLTAGES_MV, other), color=MUTED, lw=0.8)
    left.plot(VOLTAGES_MV, mg_unblocked_fraction(VOLTAGES_MV, mg_mM), color=PALETTE["blue"], lw=2)
    left.set(
        xlabel="Membrane potential (mV)",
        ylabel="Unblocked fraction",
        ylim=(0, 1.05),
        title=f"Mg²⁺ block, [Mg²⁺] = {mg_mM:g} mM",
    )
    left.text(-95, 0.93, "gray: other [Mg²⁺]", color=MUTED, fontsize=8)

    right.axhline(0, color=MUTED, lw=0.6)
    right.plot(
        VOLTAGES_MV,
        nmda_current_pA(VOLTAGES_MV, mg_mM=0.0),
        color=MUTED,
        ls="--",
        lw=1,
        label="no Mg²⁺",
    )
    right.plot(
        VOLTAGES_MV,
        nmda_current_pA(VOLTAGES_MV, mg_mM=mg_mM),
        color=PALETTE["blue"],
        lw=2,
        label=f"{mg_mM:g} mM Mg²⁺",
    )
    span = negative_slope_range(mg_mM)
    if span is not None:
        right.axvspan(*span, color=PALETTE["orange"], alpha=0.25, lw=0, label="negative slope")
    right.set(
        xlabel="Membrane potential (mV)",
        ylabel="Current through 1 nS (pA)",
        title="NMDA current–voltage curve",
    )
    right.legend(loc="upper left", fontsize=8)
    return fig


def describe_mg_block(mg_mM: float) -> str:
    """Alt text of :func:`plot_mg_block`."""
    at_rest = float(mg_unblocked_fraction(-70.0, mg_mM))
    at_minus20 = float(mg_unblocked_fraction(-20.0, mg_mM))
    span = negative_slope_range(mg_mM)
    slope = (
        "The current–voltage curve has no region of negative slope."
        if span is None
        else f"The current–voltage curve has negative slope from {span[0]:.0f} to "
        f"{span[1]:.0f} mV, where depolarization increases the inward current."
    )
    return (
        f"Left: unblocked fraction of NMDA receptors against membrane potential with "
        f"{mg_mM:g} mM Mg²⁺: {at_rest:.2f} at -70 mV and {at_minus20:.2f} at -20 mV. "
        f"Right: NMDA current against voltage, with and without Mg²⁺. {slope}"
    )


SYNAPTIC_T_MS = np.linspace(0.0, 300.0, 601)
SYNAPTIC_G_NS = {"AMPA": 10.0, "NMDA": 20.0}


def synaptic_currents(v_mV: float, mg_mM: float = 1.0) -> dict[str, np.ndarray]:
    """AMPA and NMDA currents (pA) in voltage clamp after one release at t = 0."""
    return {
        "AMPA": SYNAPTIC_G_NS["AMPA"] * open_fraction(AMPA, SYNAPTIC_T_MS) * (v_mV - AMPA.e_rev_mV),
        "NMDA": SYNAPTIC_G_NS["NMDA"]
        * open_fraction(NMDA, SYNAPTIC_T_MS)
        * mg_unblocked_fraction(v_mV, mg_mM)
        * (v_mV - NMDA.e_rev_mV),
    }


def plot_synaptic_currents(v_mV: float) -> Figure:
    """AMPA and NMDA currents after a glutamate release, at a holding potential."""
    currents = synaptic_currents(v_mV)
    fig, ax = plt.subplots(figsize=(7.5, 3.0), layout="constrained")
    ax.axhline(0, color=MUTED, lw=0.6)
    ax.plot(SYNAPTIC_T_MS, currents["AMPA"], color=PALETTE["orange"], lw=2, label="AMPA")
    ax.plot(SYNAPTIC_T_MS, currents["NMDA"], color=PALETTE["blue"], lw=2, ls="--", label="NMDA")
    limit = 450.0
    ax.set(
        xlabel="Time after glutamate release (ms)",
        ylabel="Current (pA)",
        ylim=(-limit, limit),
        title=f"Holding potential {v_mV:+g} mV, 1 mM Mg²⁺",
    )
    ax.legend(loc="upper right")
    return fig


def describe_synaptic_currents(v_mV: float) -> str:
    """Alt text of :func:`plot_synaptic_currents`."""
    currents = synaptic_currents(v_mV)
    peaks = {name: float(values[np.argmax(np.abs(values))]) for name, values in currents.items()}
    direction = "inward (negative)" if v_mV < 0 else "outward (positive)"
    return (
        f"Synaptic currents at {v_mV:+g} mV after a glutamate release: the AMPA current "
        f"peaks at {peaks['AMPA']:.0f} pA within a few milliseconds and is over by about "
        f"20 ms; the NMDA current peaks at {peaks['NMDA']:.0f} pA and decays over hundreds "
        f"of milliseconds. Both are {direction}."
    )


COINCIDENCE_DELAYS_MS: tuple[float | None, ...] = (None, -100, -50, -20, 0, 20, 50, 100, 200)


@dataclass(frozen=True)
class TimingRule:
    """NMDA charge (pC) for release alone and for each depolarization delay (ms)."""

    mg_mM: float
    alone_pC: float
    by_delay_pC: dict[float, float]

    def relative(self, delay_ms: float) -> float:
        """Charge at a delay relative to the release alone."""
        return self.by_delay_pC[delay_ms] / self.alone_pC


def timing_rule(mg_mM: float) -> TimingRule:
    """The timing rule at one [Mg²⁺], over :data:`COINCIDENCE_DELAYS_MS`."""
    return TimingRule(
        mg_mM=mg_mM,
        alone_pC=simulate_coincidence(None, mg_mM=mg_mM).nmda_charge_pC,
        by_delay_pC={
            delay: simulate_coincidence(delay, mg_mM=mg_mM).nmda_charge_pC
            for delay in COINCIDENCE_DELAYS_MS
            if delay is not None
        },
    )


def plot_coincidence(result: CoincidenceResult, rules: dict[float, TimingRule]) -> Figure:
    """Voltage and NMDA current of one run, beside NMDA charge against delay."""
    fig = plt.figure(figsize=(7.5, 3.6), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=(1.6, 1))
    voltage = fig.add_subplot(grid[0, 0])
    current = fig.add_subplot(grid[1, 0], sharex=voltage)
    summary = fig.add_subplot(grid[:, 1])
    for ax in (voltage, current):
        ax.axvline(result.synapse_ms, color=PALETTE["vermillion"], lw=1, ls=":")
        if result.depolarization is not None:
            ax.axvspan(*result.depolarization, color=PALETTE["yellow"], alpha=0.35, lw=0)
    voltage.plot(result.t_ms, result.v_mV, color=PALETTE["black"], lw=1.5)
    voltage.set(ylabel="V (mV)", ylim=(-75, 0))
    voltage.tick_params(labelbottom=False)
    voltage.text(result.synapse_ms + 4, -8, "release", color=PALETTE["vermillion"], fontsize=8)
    current.plot(result.t_ms, result.i_nmda_pA, color=PALETTE["blue"], lw=1.5)
    current.set(xlabel="Time (ms)", ylabel="NMDA current (pA)", ylim=(-16, 1))

    for mg, marker, color in ((1.0, MARKERS[0], PALETTE["blue"]), (0.0, MARKERS[1], MUTED)):
        delays = sorted(rules[mg].by_delay_pC)
        ratios = [rules[mg].relative(d) for d in delays]
        summary.plot(delays, ratios, marker=marker, color=color, ms=4, label=f"{mg:g} mM Mg²⁺")
    summary.axhline(1, color=MUTED, lw=0.6)
    if result.depolarization is not None:
        delay = result.depolarization[0] - result.synapse_ms
        ratio = rules[result.mg_mM].relative(delay)
        summary.plot([delay], [ratio], marker="o", ms=11, mfc="none", mec=PALETTE["vermillion"])
    summary.set(
        xlabel="Depolarization start − release (ms)",
        ylabel="NMDA charge ÷ release alone",
        ylim=(0.5, 2.3),
        title="Timing rule",
    )
    summary.legend(fontsize=8, loc="upper right")
    return fig


def describe_coincidence(result: CoincidenceResult, rules: dict[float, TimingRule]) -> str:
    """Alt text of :func:`plot_coincidence`."""
    rule = rules[result.mg_mM]
    mg_mM = result.mg_mM
    ratio = result.nmda_charge_pC / rule.alone_pC
    if result.depolarization is None:
        when = "Glutamate release alone, with no depolarization"
    else:
        delay = result.depolarization[0] - result.synapse_ms
        when = f"A 100 ms depolarization starting {delay:+g} ms from the glutamate release"
    best = max(rule.by_delay_pC, key=rule.by_delay_pC.get)
    return (
        f"{when}, with {mg_mM:g} mM Mg²⁺. The NMDA-receptor charge is {ratio:.2f} times that "
        f"of the release alone. Right: with Mg²⁺ the charge is largest when the "
        f"depolarization starts near {best:+g} ms and falls off for later or earlier starts; "
        f"without Mg²⁺ depolarization reduces the charge instead."
    )


CONC_UM = np.logspace(-2, 2, 161)


def _plasma_scale(plasma: str) -> float:
    if plasma not in ("total", "free"):
        raise ValueError(f"plasma must be 'total' or 'free', got {plasma!r}")
    return 1.0 if plasma == "total" else 1.0 - MAX_PLASMA_BOUND_FRACTION


def plot_concentration_block(plasma: str, condition: str) -> Figure:
    """Block against concentration for the enantiomers and the racemate, with plasma levels.

    ``plasma`` is ``"total"`` (the published total plasma levels) or ``"free"`` (scaled to
    the unbound share, at least 53 %); ``condition`` is a key of
    :data:`~ketamine_course.mechanism.receptors.BLOCK_CONDITIONS`.
    In Mg²⁺ the Mg²⁺-free racemate curve stays as a thin gray line for comparison.
    """
    scale = _plasma_scale(plasma)
    mg, v = block_condition(condition)
    fig, ax = plt.subplots(figsize=(7.5, 3.4), layout="constrained")
    curves = (
        ("S-ketamine", "S-ketamine alone", PALETTE["blue"], "-"),
        ("R-ketamine", "R-ketamine alone", PALETTE["orange"], "--"),
        (RACEMATE, "racemate (S and R, half each)", PALETTE["black"], ":"),
        (
            "human NMDA receptors at -70 mV",
            "ketamine, current block",
            PALETTE["reddish_purple"],
            "-.",
        ),
    )
    if mg > 0:
        ax.plot(
            CONC_UM,
            fraction_blocked(CONC_UM, RACEMATE, mg_mM=0),
            color=MUTED,
            lw=1,
            label=f"racemate without Mg²⁺: {half_block_uM(RACEMATE, mg_mM=0):.2g} µM",
        )
    for (key, label, color, style), marker in zip(curves, MARKERS):
        ax.plot(
            CONC_UM,
            fraction_blocked(CONC_UM, key, mg_mM=mg, v_mV=v),
            color=color,
            ls=style,
            lw=2,
            marker=marker,
            markevery=(10 + 5 * MARKERS.index(marker), 40),
            label=f"{label}: {half_block_uM(key, mg_mM=mg, v_mV=v):.2g} µM",
        )
    levels = {level.use: level for level in PLASMA_LEVELS}
    for use, color, y in (
        ("antidepressant", PALETTE["bluish_green"], 0.55),
        ("anesthesia", PALETTE["vermillion"], 0.55),
    ):
        low, high = (scale * x for x in levels[use].range_uM)
        if high / low < 1.05:
            ax.axvline(low, color=color, lw=2)
            ax.text(low * 1.08, y, f"{use}\n{low:.2f} µM", color=color, fontsize=8)
        else:
            ax.axvspan(low, high, color=color, alpha=0.2, lw=0)
            ax.text(low * 1.05, y, f"{use}\n{low:.1f}–{high:.1f} µM", color=color, fontsize=8)
    ax.set_xscale("log")
    ax.set(
        xlabel="Racemic ketamine or enantiomer concentration (µM)",
        ylabel="Fraction of receptors blocked",
        ylim=(0, 1),
        xlim=(CONC_UM[0], CONC_UM[-1]),
        title=f"{condition}; plasma levels drawn as {plasma} concentration",
    )
    title = "half-block concentration" + (" (model)" if mg > 0 or v != -70.0 else "")
    ax.legend(fontsize=7, loc="upper left", title=title, title_fontsize=7.5)
    return fig


def describe_concentration_block(plasma: str, condition: str) -> str:
    """Alt text of :func:`plot_concentration_block`."""
    scale = _plasma_scale(plasma)
    mg, v = block_condition(condition)
    levels = {level.use: level for level in PLASMA_LEVELS}
    antidepressant = scale * levels["antidepressant"].range_uM[0]
    low = scale * levels["anesthesia"].range_uM[0]
    racemate = float(fraction_blocked(antidepressant, RACEMATE, mg_mM=mg, v_mV=v))
    anesthetic = float(fraction_blocked(low, RACEMATE, mg_mM=mg, v_mV=v))
    return (
        "Fraction of NMDA receptors blocked against ketamine concentration on a log scale, "
        f"({condition}), for S-ketamine and R-ketamine given alone, the racemate and the "
        "current-block curve measured without Mg²⁺"
        + (", each shifted by the course's model" if mg > 0 else "")
        + f". With plasma levels drawn as {plasma} concentration, "
        f"the antidepressant infusion peak sits at {antidepressant:.2f} µM, where the racemate "
        f"would block {racemate:.0%} of receptors; at the low end of the anesthetic range, "
        f"{low:.1f} µM, it would block {anesthetic:.0%}."
    )


def plot_trapping(result: TrappingResult, conc_uM: float, stimulus_hz: float) -> Figure:
    """Blocked and trapped fractions over a trapping-block protocol, and the response."""
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(7.5, 3.8), sharex=True, layout="constrained", height_ratios=(1.3, 1)
    )
    shades = (PALETTE["sky_blue"], None, PALETTE["bluish_green"])
    for (name, start, end), shade in zip(result.phases, shades):
        for ax in (top, bottom):
            if shade is not None:
                ax.axvspan(start, end, color=shade, alpha=0.12, lw=0)
        top.text((start + end) / 2, 1.02, name, ha="center", va="bottom", fontsize=8)
    # Plot the state after each pulse: the figure needs no finer time resolution.
    ends = slice(1, None, 2) if len(result.t_s) > 2 else slice(None)
    every = max(1, len(result.t_s[ends]) // 400)
    t = result.t_s[ends][::every]
    top.plot(
        t, result.blocked[ends][::every], color=PALETTE["vermillion"], lw=2, label="ketamine bound"
    )
    top.plot(
        t,
        result.trapped[ends][::every],
        color=PALETTE["blue"],
        lw=1.5,
        ls="--",
        label="trapped (closed, blocked)",
    )
    top.set(ylabel="Fraction of\nreceptors", ylim=(0, 1))
    top.legend(fontsize=8, loc="center right")
    step = max(1, len(result.pulse_s) // 300)
    bottom.plot(
        result.pulse_s[::step],
        result.relative_response[::step],
        ".",
        color=PALETTE["black"],
        ms=2.5,
    )
    bottom.set(
        xlabel="Time (s)",
        ylabel="Response ÷\ncontrol",
        ylim=(0, 1.05),
    )
    fig.suptitle(f"{conc_uM:g} µM ketamine, stimulation at {stimulus_hz:g} Hz", fontsize=10)
    return fig


def describe_trapping(result: TrappingResult, conc_uM: float, stimulus_hz: float) -> str:
    """Alt text of :func:`plot_trapping`."""
    drug_end = result.phases[0][2]
    rest_end = result.phases[1][2] if len(result.phases) > 1 else drug_end
    at_drug_end = float(np.interp(drug_end, result.t_s, result.blocked))
    after_rest = float(np.interp(rest_end, result.t_s, result.blocked))
    final = float(result.blocked[-1])
    return (
        f"With {conc_uM:g} µM ketamine and stimulation at {stimulus_hz:g} Hz, the fraction of "
        f"receptors holding ketamine rises to {at_drug_end:.2f} after {drug_end:.0f} s while the "
        f"response to each stimulus falls. During washout without stimulation it stays at "
        f"{after_rest:.2f}, mostly trapped in closed channels; when stimulation resumes it "
        f"falls to {final:.2f}."
    )


def plot_circuit(conc_uM: float, params: CircuitParameters = DEFAULT_CIRCUIT) -> Figure:
    """Steady E and I rates against ketamine level, and the rates after a step."""
    e, i = steady_rates(CONC_UM, params)
    base_e, base_i = steady_rates(0.0, params)
    course = rate_time_course(conc_uM, params)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7.5, 3.2), layout="constrained")
    left.plot(CONC_UM, e / base_e, color=PALETTE["vermillion"], lw=2, label="excitatory (E)")
    left.plot(CONC_UM, i / base_i, color=PALETTE["blue"], lw=2, ls="--", label="inhibitory (I)")
    here_e, here_i = steady_rates(conc_uM, params)
    left.plot([conc_uM], [here_e / base_e], "o", color=PALETTE["vermillion"], ms=8)
    left.plot([conc_uM], [here_i / base_i], "s", color=PALETTE["blue"], ms=8)
    left.axhline(1, color=MUTED, lw=0.6)
    left.set_xscale("log")
    left.set(
        xlabel="Ketamine at the receptors (µM, model units)",
        ylabel="Steady rate ÷ drug-free",
        ylim=(0, 2.6),
        title="Steady state",
    )
    left.legend(fontsize=8, loc="upper left")
    right.plot(course.t_ms, course.e / base_e, color=PALETTE["vermillion"], lw=2, label="E")
    right.plot(course.t_ms, course.i / base_i, color=PALETTE["blue"], lw=2, ls="--", label="I")
    right.axvline(course.step_ms, color=MUTED, lw=0.8, ls=":")
    right.axhline(1, color=MUTED, lw=0.6)
    right.set(
        xlabel="Time (ms)",
        ylabel="Rate ÷ drug-free",
        ylim=(0, 2.6),
        title=f"Step to {conc_uM:g} µM at {course.step_ms:g} ms",
    )
    right.legend(fontsize=8, loc="upper right")
    return fig


def describe_circuit(conc_uM: float, params: CircuitParameters = DEFAULT_CIRCUIT) -> str:
    """Alt text of :func:`plot_circuit`."""
    base_e, base_i = steady_rates(0.0, params)
    e, i = steady_rates(conc_uM, params)
    e_curve, _ = steady_rates(CONC_UM, params)
    peak = float(CONC_UM[np.argmax(e_curve)])
    return (
        f"Model rates against ketamine level (log scale): the excitatory rate rises to a "
        f"peak near {peak:.1f} µM and falls below its drug-free value at high levels, while "
        f"the inhibitory rate falls throughout. At {conc_uM:g} µM the excitatory rate is "
        f"{e / base_e:.2f} and the inhibitory rate {i / base_i:.2f} times their drug-free "
        f"values; the right panel shows the rates settling within tens of milliseconds."
    )


PLASTICITY_T_H = np.linspace(0.0, 14 * 24.0, 673)


def plot_plasticity(decay_days: float) -> Figure:
    """Conceptual: a two-hour trigger and a synaptic change that decays over days."""
    params = PlasticityParameters(decay_h=decay_days * 24.0)
    strength = synaptic_strength(PLASTICITY_T_H, params)
    days = PLASTICITY_T_H / 24.0
    fig, ax = plt.subplots(figsize=(7.5, 2.9), layout="constrained")
    start, stop = params.trigger_h
    ax.axvspan(start / 24, stop / 24, color=PALETTE["orange"], alpha=0.4, lw=0)
    ax.text(stop / 24 + 0.15, 1.9, "trigger (drug present, ~2 h)", fontsize=8)
    ax.plot(days, strength, color=PALETTE["blue"], lw=2)
    ax.axhline(1, color=MUTED, lw=0.6)
    ax.set(
        xlabel="Days after the trigger",
        ylabel="Synaptic strength\n(1 = before)",
        ylim=(0.9, 2.05),
        xlim=(0, 14),
        title=f"Conceptual model: decay time constant {decay_days:g} days",
    )
    return fig


def describe_plasticity(decay_days: float) -> str:
    """Alt text of :func:`plot_plasticity`."""
    params = PlasticityParameters(decay_h=decay_days * 24.0)
    peak = float(synaptic_strength(params.trigger_h[1], params))
    week = float(synaptic_strength(7 * 24.0, params))
    return (
        f"Conceptual synaptic strength over 14 days: it rises to {peak:.2f} times baseline "
        f"during a two-hour trigger, then decays with a {decay_days:g}-day time constant, "
        f"still {week:.2f} times baseline after one week."
    )
