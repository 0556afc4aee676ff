"""From synapse to circuit: a neuron that detects coincidences through its
NMDA receptors, an excitatory–inhibitory population model of disinhibition,
and a conceptual model of plasticity that outlasts the drug.

The synaptic parts reuse the published receptor models of
:mod:`ketamine_course.mechanism.receptors`. The cell, circuit and plasticity parameters
are illustrative, chosen to show a mechanism's logic; their docstrings say so,
and the lessons say which behaviours have been observed and where.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import solve_ivp, trapezoid

from ketamine_course.core.checks import as_finite_array, as_positive_float

from .receptors import (
    AMPA,
    GLUTAMATE_PULSE_MM,
    GLUTAMATE_PULSE_MS,
    JAHR_STEVENS_1990,
    NMDA,
    ReceptorKinetics,
    mg_unblocked_fraction,
    open_fraction,
)

# ---------------------------------------------------------------------------
# Coincidence detection in a single-compartment neuron


def _single_pulse_open(receptor: ReceptorKinetics, since_ms: float) -> float:
    """Open fraction ``since_ms`` after the start of one standard glutamate pulse."""
    if since_ms <= 0:
        return 0.0
    rate_on = receptor.alpha_per_mM_ms * GLUTAMATE_PULSE_MM + receptor.beta_per_ms
    r_on = receptor.alpha_per_mM_ms * GLUTAMATE_PULSE_MM / rate_on
    r_end = r_on * (1.0 - math.exp(-rate_on * min(since_ms, GLUTAMATE_PULSE_MS)))
    return r_end * math.exp(-receptor.beta_per_ms * max(since_ms - GLUTAMATE_PULSE_MS, 0.0))


@dataclass(frozen=True)
class CellParameters:
    """A passive single-compartment cell with AMPA and NMDA synapses.

    Illustrative values: 100 pF and 10 nS give a 10 ms membrane time
    constant; the synaptic conductances stand for a group of synapses
    activated together.
    """

    capacitance_pF: float = 100.0
    leak_nS: float = 10.0
    rest_mV: float = -70.0
    g_ampa_nS: float = 10.0
    g_nmda_nS: float = 20.0


@dataclass(frozen=True)
class CoincidenceResult:
    """Outcome of :func:`simulate_coincidence`; currents in pA (inward negative)."""

    t_ms: NDArray
    v_mV: NDArray
    i_ampa_pA: NDArray
    i_nmda_pA: NDArray
    synapse_ms: float
    depolarization: tuple[float, float] | None
    mg_mM: float

    @property
    def nmda_charge_pC(self) -> float:
        """Charge carried into the cell by NMDA receptors, in picocoulombs."""
        return float(-trapezoid(self.i_nmda_pA, self.t_ms) / 1e3)


def simulate_coincidence(
    depolarization_delay_ms: float | None,
    *,
    depolarization_pA: float = 400.0,
    depolarization_ms: float = 100.0,
    mg_mM: float = 1.0,
    synapse_ms: float = 100.0,
    duration_ms: float = 500.0,
    cell: CellParameters = CellParameters(),
) -> CoincidenceResult:
    """A glutamate release onto a cell, with or without a postsynaptic depolarization.

    The release (1 mM for 1 ms at ``synapse_ms``) opens AMPA and NMDA
    receptors (the :data:`~ketamine_course.mechanism.receptors.AMPA` and
    :data:`~ketamine_course.mechanism.receptors.NMDA` schemes); the NMDA conductance is
    scaled by the Mg²⁺ block at the moment's voltage. A current step stands
    for the depolarization that other inputs or a back-propagating action
    potential would bring.

    Parameters
    ----------
    depolarization_delay_ms
        Start of the current step relative to the release, in milliseconds
        (negative: before it), between -``synapse_ms`` and the end of the run;
        ``None`` for no depolarization.
    depolarization_pA, depolarization_ms
        Amplitude (0 or more) and duration (greater than 0) of the step.
    mg_mM
        External Mg²⁺ in millimolar, 0 or more.
    synapse_ms, duration_ms
        Time of the release and length of the run, in milliseconds.
    cell
        Passive and synaptic parameters.
    """
    amplitude = float(as_finite_array(depolarization_pA, "depolarization_pA", minimum=0.0))
    width = as_positive_float(depolarization_ms, "depolarization_ms")
    mg = float(as_finite_array(mg_mM, "mg_mM", minimum=0.0))
    release = float(as_finite_array(synapse_ms, "synapse_ms", minimum=0.0))
    end = as_positive_float(duration_ms, "duration_ms")
    if release + GLUTAMATE_PULSE_MS >= end:
        raise ValueError(f"synapse_ms must end before duration_ms={end:g}, got {synapse_ms!r}")
    step: tuple[float, float] | None = None
    if depolarization_delay_ms is not None:
        delay = float(as_finite_array(depolarization_delay_ms, "depolarization_delay_ms"))
        if not -release <= delay < end - release:
            raise ValueError(
                f"depolarization_delay_ms must be between {-release:g} and {end - release:g} "
                f"(within the run), got {depolarization_delay_ms!r}"
            )
        step = (release + delay, min(release + delay + width, end))

    mg_factor = mg / JAHR_STEVENS_1990.k_mM
    slope = JAHR_STEVENS_1990.slope_per_mV

    def dv_dt(t: float, v: NDArray) -> NDArray:
        # Scalar closed forms here: the solver calls this a few hundred times.
        since = t - release
        g_ampa = cell.g_ampa_nS * _single_pulse_open(AMPA, since)
        g_nmda = cell.g_nmda_nS * _single_pulse_open(NMDA, since)
        unblocked = 1.0 / (1.0 + math.exp(-slope * v[0]) * mg_factor)
        injected = amplitude if step is not None and step[0] <= t < step[1] else 0.0
        current = (
            -cell.leak_nS * (v[0] - cell.rest_mV)
            - g_ampa * (v[0] - AMPA.e_rev_mV)
            - g_nmda * unblocked * (v[0] - NMDA.e_rev_mV)
            + injected
        )
        return np.array([current / cell.capacitance_pF])

    # Integrate piece by piece so no discontinuity falls inside a step.
    edges = {0.0, release, release + GLUTAMATE_PULSE_MS, end}
    if step is not None:
        edges |= set(step)
    edges_sorted = sorted(e for e in edges if 0.0 <= e <= end)
    t_eval = np.linspace(0.0, end, int(round(end / 0.5)) + 1)
    times, volts = [], []
    v0 = np.array([cell.rest_mV])
    for a, b in zip(edges_sorted[:-1], edges_sorted[1:]):
        inside = t_eval[(t_eval >= a) & (t_eval < b)]
        solution = solve_ivp(
            dv_dt, (a, b), v0, t_eval=np.append(inside, b), rtol=1e-6, atol=1e-6, max_step=5.0
        )
        times.append(solution.t[:-1])
        volts.append(solution.y[0, :-1])
        v0 = solution.y[:, -1]
    times.append([end])
    volts.append(v0)
    t = np.concatenate(times)
    v = np.concatenate(volts)
    i_ampa = -cell.g_ampa_nS * open_fraction(AMPA, t, release) * (v - AMPA.e_rev_mV)
    i_nmda = (
        -cell.g_nmda_nS
        * open_fraction(NMDA, t, release)
        * mg_unblocked_fraction(v, mg)
        * (v - NMDA.e_rev_mV)
    )
    # Report currents with the inward-negative convention of voltage clamp.
    return CoincidenceResult(
        t_ms=t,
        v_mV=v,
        i_ampa_pA=-i_ampa,
        i_nmda_pA=-i_nmda,
        synapse_ms=release,
        depolarization=step,
        mg_mM=mg,
    )


# ---------------------------------------------------------------------------
# Excitatory–inhibitory population model (Wilson–Cowan type)


@dataclass(frozen=True)
class CircuitParameters:
    """An excitatory (E) and an inhibitory (I) population with threshold-linear rates.

    ``tau_e dE/dt = -E + [g_E (w_ee E + drive_e) - w_ei I]+`` and
    ``tau_i dI/dt = -I + [g_I (w_ie E + drive_i) - w_ii I]+``, where
    ``g_X = 1 - nmda_share_x * block_x(c)`` is the excitatory drive left to
    population X when ketamine blocks part of its NMDA receptors, and
    ``block_x(c) = c / (c + block_half_x_uM)``.

    All values are illustrative. The one assumption that matters is that the
    interneurons' NMDA receptors are blocked at lower concentrations than the
    pyramidal cells' (``block_half_i_uM < block_half_e_uM``), as the
    disinhibition hypothesis proposes.
    """

    tau_e_ms: float = 20.0
    tau_i_ms: float = 10.0
    w_ee: float = 0.6
    w_ei: float = 1.0
    w_ie: float = 1.5
    w_ii: float = 0.5
    drive_e: float = 10.0
    drive_i: float = 10.0
    nmda_share_e: float = 0.6
    nmda_share_i: float = 0.6
    block_half_e_uM: float = 10.0
    block_half_i_uM: float = 0.5

    def drive_left(self, conc_uM: ArrayLike) -> tuple[NDArray, NDArray]:
        """Share of excitatory drive left to E and to I at a ketamine concentration."""
        c = as_finite_array(conc_uM, "conc_uM", minimum=0.0)
        g_e = 1.0 - self.nmda_share_e * c / (c + self.block_half_e_uM)
        g_i = 1.0 - self.nmda_share_i * c / (c + self.block_half_i_uM)
        return g_e, g_i


#: The parameters the lesson uses.
DEFAULT_CIRCUIT = CircuitParameters()


def _rates_derivative(params: CircuitParameters, g_e: NDArray, g_i: NDArray):
    def derivative(t: float, y: NDArray) -> NDArray:
        e, i = np.split(y, 2)
        input_e = g_e * (params.w_ee * e + params.drive_e) - params.w_ei * i
        input_i = g_i * (params.w_ie * e + params.drive_i) - params.w_ii * i
        de = (-e + np.maximum(input_e, 0.0)) / params.tau_e_ms
        di = (-i + np.maximum(input_i, 0.0)) / params.tau_i_ms
        return np.concatenate([de, di])

    return derivative


def steady_rates(
    conc_uM: ArrayLike, params: CircuitParameters = DEFAULT_CIRCUIT
) -> tuple[NDArray, NDArray]:
    """Steady firing rates (E, I) at each ketamine concentration, in closed form.

    With threshold-linear rates the fixed point solves a 2 × 2 linear system
    while both populations fire; if one is silenced, the other follows alone.
    (:func:`rate_time_course` integrates the same equations over time.)
    """
    c = as_finite_array(conc_uM, "conc_uM", minimum=0.0)
    g_e, g_i = params.drive_left(c)
    a11, a12 = 1.0 - g_e * params.w_ee, params.w_ei
    a21, a22 = -g_i * params.w_ie, 1.0 + params.w_ii
    b1, b2 = g_e * params.drive_e, g_i * params.drive_i
    det = a11 * a22 - a12 * a21
    e = (b1 * a22 - a12 * b2) / det
    i = (a11 * b2 - a21 * b1) / det
    e_alone = b1 / a11  # inhibition silent
    i_alone = b2 / a22  # excitation silent
    e, i = np.where(i > 0, e, e_alone), np.where(i > 0, i, 0.0)
    e, i = np.where(e > 0, e, 0.0), np.where(e > 0, i, i_alone)
    return e, i


@dataclass(frozen=True)
class RateTimeCourse:
    """Population rates over time around a step of ketamine concentration."""

    t_ms: NDArray
    e: NDArray
    i: NDArray
    step_ms: float
    conc_uM: float


def rate_time_course(
    conc_uM: float,
    params: CircuitParameters = DEFAULT_CIRCUIT,
    *,
    step_ms: float = 50.0,
    duration_ms: float = 250.0,
) -> RateTimeCourse:
    """E and I rates when ketamine steps from 0 to ``conc_uM`` at ``step_ms``."""
    c = float(as_finite_array(conc_uM, "conc_uM", minimum=0.0))
    start = float(as_finite_array(step_ms, "step_ms", minimum=0.0))
    end = as_positive_float(duration_ms, "duration_ms")
    if start >= end:
        raise ValueError(f"step_ms must be less than duration_ms={end:g}, got {step_ms!r}")
    e0, i0 = (float(x) for x in steady_rates(0.0, params))
    g_e, g_i = params.drive_left(np.array([c]))
    t_after = np.linspace(start, end, 201)
    solution = solve_ivp(
        _rates_derivative(params, g_e, g_i),
        (start, end),
        [e0, i0],
        t_eval=t_after,
        rtol=1e-8,
        atol=1e-8,
    )
    t = np.concatenate([[0.0], solution.t])
    return RateTimeCourse(
        t_ms=t,
        e=np.concatenate([[e0], solution.y[0]]),
        i=np.concatenate([[i0], solution.y[1]]),
        step_ms=start,
        conc_uM=c,
    )


# ---------------------------------------------------------------------------
# Conceptual plasticity that outlasts the drug


@dataclass(frozen=True)
class PlasticityParameters:
    """A conceptual synaptic-strength model, in hours.

    ``dw/dt = gain · trigger(t) · (w_max − w) − (w − 1) / decay_h``: strength
    ``w`` (1 = baseline) grows while a trigger is present and relaxes back
    with time constant ``decay_h``. Not fitted to any data.
    """

    gain_per_h: float = 1.5
    w_max: float = 2.0
    decay_h: float = 72.0
    trigger_h: tuple[float, float] = field(default=(0.0, 2.0))


def synaptic_strength(
    t_h: ArrayLike, params: PlasticityParameters = PlasticityParameters()
) -> NDArray:
    """Synaptic strength over time for a trigger lasting ``params.trigger_h``.

    Solved exactly: the equation is linear with a piecewise-constant trigger.
    """
    t = as_finite_array(t_h, "t_h", minimum=0.0)
    gain = as_positive_float(params.gain_per_h, "gain_per_h")
    decay = as_positive_float(params.decay_h, "decay_h")
    start, stop = params.trigger_h
    if not 0 <= start < stop:
        raise ValueError(
            f"trigger_h must be (start, stop) with 0 <= start < stop, got {params.trigger_h!r}"
        )
    # During the trigger: dw/dt = gain (w_max - w) - (w - 1)/decay -> relax to w_on.
    rate_on = gain + 1.0 / decay
    w_on = (gain * params.w_max + 1.0 / decay) / rate_on
    during = np.clip(t - start, 0.0, stop - start)
    w_end = w_on + (1.0 - w_on) * np.exp(-rate_on * (stop - start))
    w = np.where(t < start, 1.0, w_on + (1.0 - w_on) * np.exp(-rate_on * during))
    after = t > stop
    return np.where(after, 1.0 + (w_end - 1.0) * np.exp(-(t - stop) / decay), w)
