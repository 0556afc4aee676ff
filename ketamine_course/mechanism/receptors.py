"""Receptor biophysics: the NMDA receptor's Mg²⁺ block, synaptic gating
kinetics, and ketamine's concentration-dependent and trapping block.

Every parameter set carries the citation key (in ``book/references.bib``) of
the paper it comes from. Units are in argument names: ``v_mV``, ``mg_mM``,
``t_ms``, ``conc_uM``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.linalg import block_diag, expm

from ketamine_course.core.checks import as_finite_array, as_positive_float

# ---------------------------------------------------------------------------
# Mg²⁺ block


@dataclass(frozen=True)
class MgBlockParameters:
    """Constants of a Boltzmann-type voltage-dependent Mg²⁺ block.

    Unblocked fraction ``B = 1 / (1 + exp(-slope_per_mV * V) * [Mg] / k_mM)``.
    """

    slope_per_mV: float
    k_mM: float
    citation: str


#: Jahr & Stevens' fit to NMDA-receptor single-channel data, as used in the
#: Destexhe kinetic synapse models.
JAHR_STEVENS_1990 = MgBlockParameters(slope_per_mV=0.062, k_mM=3.57, citation="jahr1990voltage")


def mg_unblocked_fraction(v_mV: ArrayLike, mg_mM: float = 1.0) -> NDArray:
    """Fraction of NMDA-receptor conductance not blocked by external Mg²⁺.

    Jahr & Stevens (1990): ``B(V) = 1 / (1 + exp(-0.062 V) [Mg²⁺] / 3.57)``.

    Parameters
    ----------
    v_mV
        Membrane potential in millivolts (scalar or array), finite.
    mg_mM
        External Mg²⁺ concentration in millimolar, 0 or more (about 1 mM in
        cerebrospinal fluid).

    Returns
    -------
    numpy.ndarray
        The unblocked fraction, between 0 and 1, with the shape of ``v_mV``.
    """
    v = as_finite_array(v_mV, "v_mV")
    mg = float(as_finite_array(mg_mM, "mg_mM", minimum=0.0))
    p = JAHR_STEVENS_1990
    # exp(-0.062 V) overflows only far outside any physiological voltage.
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-p.slope_per_mV * v) * mg / p.k_mM)


def nmda_current_pA(
    v_mV: ArrayLike, g_nS: float = 1.0, mg_mM: float = 1.0, e_rev_mV: float = 0.0
) -> NDArray:
    """Steady NMDA-receptor current at a fixed open conductance.

    ``I = g · B(V) · (V − E_rev)``, in picoamperes (nS × mV); inward current
    is negative, as in the electrophysiology convention.

    Parameters
    ----------
    v_mV
        Membrane potential in millivolts.
    g_nS
        Conductance of the open (agonist-bound) receptors in nanosiemens, 0 or more.
    mg_mM
        External Mg²⁺ in millimolar, 0 or more.
    e_rev_mV
        Reversal potential in millivolts (about 0 mV for NMDA receptors).
    """
    g = float(as_finite_array(g_nS, "g_nS", minimum=0.0))
    e_rev = float(as_finite_array(e_rev_mV, "e_rev_mV"))
    v = as_finite_array(v_mV, "v_mV")
    return g * mg_unblocked_fraction(v, mg_mM) * (v - e_rev)


# ---------------------------------------------------------------------------
# Synaptic gating: two-state (closed ⇌ open) kinetic schemes


@dataclass(frozen=True)
class ReceptorKinetics:
    """A first-order receptor scheme: closed + transmitter ⇌ open.

    ``dr/dt = alpha · [T](t) · (1 − r) − beta · r`` for the open fraction ``r``.
    """

    name: str
    alpha_per_mM_ms: float
    beta_per_ms: float
    e_rev_mV: float
    citation: str


#: AMPA receptors (Destexhe, Mainen & Sejnowski 1994; ModelDB 18198 ampa.mod).
AMPA = ReceptorKinetics("AMPA", 1.1, 0.19, 0.0, "destexhe1994synthesis")
#: NMDA receptors (Destexhe, Mainen & Sejnowski 1994; ModelDB 18198 nmda.mod).
NMDA = ReceptorKinetics("NMDA", 0.072, 0.0066, 0.0, "destexhe1994synthesis")

#: Transmitter pulse of the same models: 1 mM of glutamate for 1 ms.
GLUTAMATE_PULSE_MM = 1.0
GLUTAMATE_PULSE_MS = 1.0


def release_times(release_ms: ArrayLike, pulse_ms: float = GLUTAMATE_PULSE_MS) -> NDArray:
    """Sorted release times, checked to be finite and at least one pulse apart."""
    times = np.sort(np.atleast_1d(as_finite_array(release_ms, "release_ms")))
    if times.ndim != 1:
        raise ValueError(f"release_ms must be a number or a 1-D sequence, got {release_ms!r}")
    if np.any(np.diff(times) < pulse_ms):
        raise ValueError(f"release_ms must be at least pulse_ms={pulse_ms:g} ms apart")
    return times


def open_fraction(
    receptor: ReceptorKinetics,
    t_ms: ArrayLike,
    release_ms: ArrayLike = 0.0,
    glutamate_mM: float = GLUTAMATE_PULSE_MM,
    pulse_ms: float = GLUTAMATE_PULSE_MS,
) -> NDArray:
    """Open fraction of a receptor population after square pulses of glutamate.

    The scheme is linear with piecewise-constant transmitter, so it is solved
    exactly: during a pulse ``r`` relaxes toward ``αT/(αT+β)`` with rate
    ``αT+β``, between pulses it decays with rate ``β``.

    Parameters
    ----------
    receptor
        The kinetic scheme, e.g. :data:`AMPA` or :data:`NMDA`.
    t_ms
        Times in milliseconds at which to evaluate the open fraction.
    release_ms
        Start of each transmitter pulse in milliseconds (one or more).
    glutamate_mM
        Transmitter concentration during a pulse in millimolar, greater than 0.
    pulse_ms
        Duration of each pulse in milliseconds, greater than 0.

    Returns
    -------
    numpy.ndarray
        Open fraction (0 to 1) at each time, with the shape of ``t_ms``.
    """
    if not isinstance(receptor, ReceptorKinetics):
        raise ValueError(f"receptor must be a ReceptorKinetics, got {type(receptor).__name__}")
    t = as_finite_array(t_ms, "t_ms")
    glutamate = as_positive_float(glutamate_mM, "glutamate_mM")
    pulse = as_positive_float(pulse_ms, "pulse_ms")
    starts = release_times(release_ms, pulse)
    rate_on = receptor.alpha_per_mM_ms * glutamate + receptor.beta_per_ms
    r_on = receptor.alpha_per_mM_ms * glutamate / rate_on

    # Open fraction at each pulse start, carried from one pulse to the next.
    r_start = np.empty(len(starts))
    r = 0.0
    for i, start in enumerate(starts):
        r_start[i] = r
        r_end = r_on + (r - r_on) * np.exp(-rate_on * pulse)
        if i + 1 < len(starts):
            r = r_end * np.exp(-receptor.beta_per_ms * (starts[i + 1] - start - pulse))

    flat = t.ravel()
    last = np.searchsorted(starts, flat, side="right") - 1  # latest pulse begun by t
    result = np.zeros_like(flat)
    begun = last >= 0
    k = last[begun]
    since = flat[begun] - starts[k]
    during = since < pulse
    r0 = r_start[k]
    r_end = r_on + (r0 - r_on) * np.exp(-rate_on * np.minimum(since, pulse))
    decayed = r_end * np.exp(-receptor.beta_per_ms * np.maximum(since - pulse, 0.0))
    result[begun] = np.where(during, r_end, decayed)
    return result.reshape(t.shape)


# ---------------------------------------------------------------------------
# Ketamine: concentration units and equilibrium block

#: Molar mass of ketamine free base, C13H16ClNO, in grams per mole (NCATS GSRS: 237.725).
KETAMINE_MOLAR_MASS_G_PER_MOL = 237.7


def ng_per_ml_to_uM(conc_ng_per_ml: ArrayLike) -> NDArray:
    """Convert a ketamine concentration from ng/mL to µM (1 µM ≈ 238 ng/mL)."""
    return as_finite_array(conc_ng_per_ml, "conc_ng_per_ml", minimum=0.0) / (
        KETAMINE_MOLAR_MASS_G_PER_MOL
    )


def uM_to_ng_per_ml(conc_uM: ArrayLike) -> NDArray:  # noqa: N802 (unit symbol)
    """Convert a ketamine concentration from µM to ng/mL."""
    return as_finite_array(conc_uM, "conc_uM", minimum=0.0) * KETAMINE_MOLAR_MASS_G_PER_MOL


@dataclass(frozen=True)
class BlockPotency:
    """Potency of a blocker: the concentration giving half-maximal effect.

    ``fraction = c**hill / (c**hill + half_uM**hill)``.
    """

    label: str
    half_uM: float
    hill: float
    measure: str
    citation: str


#: Ketamine potency at NMDA receptors, from binding and from recordings.
KETAMINE_POTENCY: dict[str, BlockPotency] = {
    "S-ketamine": BlockPotency(
        "S-ketamine (esketamine)",
        0.3,
        1.0,
        "Ki, [3H]MK-801 binding, rat brain homogenate",
        "ebert1997norketamine",
    ),
    "R-ketamine": BlockPotency(
        "R-ketamine (arketamine)",
        1.4,
        1.0,
        "Ki, [3H]MK-801 binding, rat brain homogenate",
        "ebert1997norketamine",
    ),
    "human NMDA receptors at -70 mV": BlockPotency(
        "ketamine, human NMDA receptors, -70 mV",
        0.71,
        0.84,
        "IC50, whole-cell current",
        "gilling2009potency",
    ),
}


def racemate_half_uM(s_half_uM: float, r_half_uM: float) -> float:
    """Half-occupancy concentration of a 1:1 mixture of two competing enantiomers.

    With each enantiomer at ``c/2`` competing for one site, occupancy is
    ``(c/2)(1/K_S + 1/K_R) / (1 + (c/2)(1/K_S + 1/K_R))``, which is half at
    ``c = 2 / (1/K_S + 1/K_R)``: twice the harmonic mean's half.
    """
    s = as_positive_float(s_half_uM, "s_half_uM")
    r = as_positive_float(r_half_uM, "r_half_uM")
    return 2.0 / (1.0 / s + 1.0 / r)


#: External Mg²⁺ in the brain's extracellular fluid, about 1 mM (the value the course uses).
BRAIN_MG_MM = 1.0
#: Membrane potential at which the course evaluates block in Mg²⁺: about a neuron's resting
#: potential, and the voltage of the current-block measurement (Gilling et al. 2009, −70 mV).
RESTING_V_MV = -70.0


def mg_dissociation_mM(v_mV: ArrayLike) -> NDArray:  # noqa: N802 (unit symbol)
    """Dissociation constant of Mg²⁺ from the open NMDA-receptor pore, in mM.

    From Jahr & Stevens' block, ``B = 1 / (1 + [Mg] / K(V))`` with
    ``K(V) = 3.57 mM · exp(0.062 V)``: about 0.046 mM at −70 mV and 3.57 mM at 0 mV. Their fit
    comes from cultured rat hippocampal neurons, whose receptors are mostly GluN2A- and
    GluN2B-containing.
    """
    v = as_finite_array(v_mV, "v_mV")
    p = JAHR_STEVENS_1990
    with np.errstate(over="ignore"):
        return p.k_mM * np.exp(p.slope_per_mV * v)


#: Electrical distance of ketamine's binding site in the membrane field, δ = 0.79, from the
#: voltage dependence of its block of human NMDA receptors (Gilling et al. 2009).
KETAMINE_DELTA = 0.79
#: RT/F at body temperature (37 °C), in millivolts.
RT_OVER_F_MV = 8.314462618 * 310.15 / 96485.33212 * 1000.0


def half_block_uM(  # noqa: N802 (unit symbol)
    potency: str | BlockPotency = "S-ketamine",
    mg_mM: float = BRAIN_MG_MM,
    v_mV: float = RESTING_V_MV,
) -> float:
    """Half-block concentration of ketamine at a voltage, in the presence of external Mg²⁺.

    A model, built from two measurements that were made apart:

    - **Mg²⁺ competes.** Ketamine and Mg²⁺ both block the open channel from outside, at
      overlapping sites in the pore, and one excludes the other. With that competition the
      potency measured without Mg²⁺ shifts by ``1 + [Mg] / K_Mg(V)``, with ``K_Mg(V)`` from
      :func:`mg_dissociation_mM` (Jahr and Stevens, rat hippocampal neurons): about 23 at
      1 mM and −70 mV.
    - **Ketamine's own block depends on voltage.** A positive blocker that crosses a fraction
      δ of the membrane field binds less tightly as the membrane depolarizes:
      ``exp(δ (V + 70 mV) F / RT)``, with δ = 0.79 (Gilling et al. 2009) and the potencies
      taken to hold at −70 mV, the voltage of the current-block measurement.

    It leaves out subunit differences in Mg²⁺ affinity (GluN2C- and GluN2D-containing receptors
    are blocked by Mg²⁺ several times more weakly, so Mg²⁺ costs ketamine less potency there;
    Qian et al. 2005), trapping, and any second site. Ketamine's potency in 1 mM Mg²⁺ has been
    measured at recombinant receptors of each GluN2 subunit (tabulated in Traynelis et al.
    2010); the course could not read those values at their source, so it does not test the
    model against them.

    Parameters
    ----------
    potency
        As for :func:`fraction_blocked`.
    mg_mM
        External Mg²⁺ in millimolar, 0 or more; 0 gives the potency as measured without it.
    v_mV
        Membrane potential in millivolts.
    """
    params = resolve_potency(potency)
    mg = float(as_finite_array(mg_mM, "mg_mM", minimum=0.0))
    v = float(as_finite_array(v_mV, "v_mV"))
    k_mg = float(mg_dissociation_mM(v))
    voltage = float(np.exp(KETAMINE_DELTA * (v - RESTING_V_MV) / RT_OVER_F_MV))
    return params.half_uM * voltage * (1.0 + mg / k_mg)


#: Conditions under which the lessons compare block, as (external Mg²⁺ in mM, membrane
#: potential in mV): the brain's Mg²⁺ at rest and during depolarization, and no Mg²⁺ (the
#: conditions of the recordings and binding assays the potencies come from).
BLOCK_CONDITIONS: dict[str, tuple[float, float]] = {
    "1 mM Mg²⁺, −70 mV (model, at rest)": (BRAIN_MG_MM, RESTING_V_MV),
    "1 mM Mg²⁺, −40 mV (model, depolarized)": (BRAIN_MG_MM, -40.0),
    "no Mg²⁺, −70 mV (as measured)": (0.0, RESTING_V_MV),
}


def block_condition(condition: str) -> tuple[float, float]:
    """``(mg_mM, v_mV)`` of a key of :data:`BLOCK_CONDITIONS`; a ``ValueError`` lists the keys."""
    if condition not in BLOCK_CONDITIONS:
        raise ValueError(f"condition must be one of {list(BLOCK_CONDITIONS)}, got {condition!r}")
    return BLOCK_CONDITIONS[condition]


def fraction_blocked(
    conc_uM: ArrayLike,
    potency: str | BlockPotency = "S-ketamine",
    *,
    mg_mM: float = BRAIN_MG_MM,
    v_mV: float = RESTING_V_MV,
) -> NDArray:
    """Fraction of NMDA receptors blocked by ketamine at equilibrium.

    ``fraction = c**hill / (c**hill + half**hill)``, with ``half`` from
    :func:`half_block_uM`: in the brain's 1 mM Mg²⁺ and at −70 mV by default. Pass
    ``mg_mM=0`` for the potency as measured without Mg²⁺ (the special case of the
    recordings and binding assays the potencies come from).

    Parameters
    ----------
    conc_uM
        Ketamine concentration at the receptor in micromolar, 0 or more.
    potency
        A key of :data:`KETAMINE_POTENCY`, ``"racemic (from enantiomers)"``,
        or a :class:`BlockPotency`.
    mg_mM
        External Mg²⁺ in millimolar, 0 or more.
    v_mV
        Membrane potential in millivolts.

    Returns
    -------
    numpy.ndarray
        Fraction between 0 and 1, with the shape of ``conc_uM``.
    """
    conc = as_finite_array(conc_uM, "conc_uM", minimum=0.0)
    params = resolve_potency(potency)
    ratio = (conc / half_block_uM(params, mg_mM, v_mV)) ** params.hill
    return ratio / (1.0 + ratio)


def resolve_potency(potency: str | BlockPotency) -> BlockPotency:
    """The :class:`BlockPotency` named by ``potency``, or a ``ValueError`` listing the names."""
    if isinstance(potency, BlockPotency):
        return potency
    if potency == RACEMATE:
        s, r = KETAMINE_POTENCY["S-ketamine"], KETAMINE_POTENCY["R-ketamine"]
        return BlockPotency(
            "racemic ketamine (S and R competing, computed)",
            racemate_half_uM(s.half_uM, r.half_uM),
            1.0,
            "computed from the enantiomers' Ki",
            s.citation,
        )
    names = [*KETAMINE_POTENCY, RACEMATE]
    if potency not in names:
        raise ValueError(f"potency must be one of {names}, got {potency!r}")
    return KETAMINE_POTENCY[potency]


#: Name of the racemate computed from the enantiomers' binding constants.
RACEMATE = "racemic (from enantiomers)"


# ---------------------------------------------------------------------------
# Ketamine: trapping block kinetics


@dataclass(frozen=True)
class TrappingBlockParameters:
    """Rate constants of open-channel block by a trapping blocker.

    The blocker binds only open channels (``kon · c``) and leaves only open
    channels (``koff``); a blocked channel closes and reopens like an unblocked
    one, keeping the blocker trapped while closed.
    """

    kon_per_uM_s: float
    koff_per_s: float
    citation: str

    @property
    def kd_uM(self) -> float:
        """Equilibrium dissociation constant, ``koff / kon``, in micromolar."""
        return self.koff_per_s / self.kon_per_uM_s


#: Rate constants of ketamine at human NMDA receptors at -70 mV
#: (Gilling et al. 2009), kon 0.15e6 per M per s and koff 0.22 per s.
KETAMINE_TRAPPING = TrappingBlockParameters(
    kon_per_uM_s=0.15, koff_per_s=0.22, citation="gilling2009potency"
)

#: State names of the trapping-block scheme, in the order of the state vector.
TRAPPING_STATES = ("closed", "open", "open_blocked", "closed_blocked")


def _rate_matrix(
    glutamate_mM: float, conc_uM: float, gating: ReceptorKinetics, block: TrappingBlockParameters
) -> NDArray:
    """Generator ``A`` of ``dp/dt = A p`` over :data:`TRAPPING_STATES`."""
    opening = gating.alpha_per_mM_ms * 1e3 * glutamate_mM  # per second
    closing = gating.beta_per_ms * 1e3
    binding = block.kon_per_uM_s * conc_uM
    unbinding = block.koff_per_s
    a = np.zeros((4, 4))
    for source, target, rate in (
        (0, 1, opening),  # closed -> open
        (1, 0, closing),  # open -> closed
        (1, 2, binding),  # open -> open-blocked
        (2, 1, unbinding),  # open-blocked -> open
        (2, 3, closing),  # open-blocked -> closed-blocked (trapped)
        (3, 2, opening),  # trapped -> open-blocked
    ):
        a[target, source] += rate
        a[source, source] -= rate
    return a


@cache
def _propagator(
    glutamate_mM: float,
    conc_uM: float,
    duration_s: float,
    gating: ReceptorKinetics,
    block: TrappingBlockParameters,
) -> NDArray:
    return expm(_rate_matrix(glutamate_mM, conc_uM, gating, block) * duration_s)


@dataclass(frozen=True)
class TrappingResult:
    """Outcome of :func:`simulate_trapping_block`.

    Attributes
    ----------
    t_s
        Sample times in seconds: the start and the end of every glutamate
        pulse, and the ends of the phases.
    states
        State probabilities at ``t_s``, shape ``(len(t_s), 4)``, columns in
        the order of :data:`TRAPPING_STATES`.
    pulse_s
        Start time of each glutamate pulse, in seconds.
    peak_open
        Open fraction at the end of each pulse with ketamine.
    peak_open_control
        The same without ketamine; ``peak_open / peak_open_control`` is the
        relative response.
    phases
        ``(name, start_s, end_s)`` of the protocol's phases.
    """

    t_s: NDArray
    states: NDArray
    pulse_s: NDArray
    peak_open: NDArray
    peak_open_control: NDArray
    phases: tuple[tuple[str, float, float], ...]

    @property
    def blocked(self) -> NDArray:
        """Fraction of receptors holding ketamine (open-blocked plus trapped)."""
        return self.states[:, 2] + self.states[:, 3]

    @property
    def trapped(self) -> NDArray:
        """Fraction of receptors closed with ketamine trapped inside."""
        return self.states[:, 3]

    @property
    def relative_response(self) -> NDArray:
        """Peak open fraction with ketamine relative to control, per pulse."""
        return self.peak_open / self.peak_open_control


def simulate_trapping_block(
    conc_uM: float,
    stimulus_hz: float,
    *,
    drug_s: float = 60.0,
    rest_s: float = 60.0,
    washout_stimulus_s: float = 60.0,
    gating: ReceptorKinetics = NMDA,
    block: TrappingBlockParameters = KETAMINE_TRAPPING,
) -> TrappingResult:
    """Use-dependent, trapping block of NMDA receptors by ketamine.

    States: closed, open, open-blocked and closed-blocked (trapped). Channels
    open during 1 ms pulses of 1 mM glutamate (the :data:`NMDA` scheme), the
    blocker binds and leaves open channels only, and blocked channels close
    and reopen at the unblocked rates, so closing traps the blocker.

    The protocol has three phases: ``drug_s`` seconds of stimulation at
    ``stimulus_hz`` with ketamine present; ``rest_s`` seconds of washout
    without stimulation; ``washout_stimulus_s`` seconds of washout with
    stimulation resumed. Each segment is solved exactly with a matrix
    exponential.

    Parameters
    ----------
    conc_uM
        Ketamine concentration during the first phase, micromolar, 0 or more.
    stimulus_hz
        Pulse frequency, greater than 0 and at most 100 Hz.
    drug_s, rest_s, washout_stimulus_s
        Phase durations in seconds, 0 or more (``drug_s`` greater than 0).
    gating, block
        Gating scheme and blocking rate constants.
    """
    conc = float(as_finite_array(conc_uM, "conc_uM", minimum=0.0))
    hz = float(as_finite_array(stimulus_hz, "stimulus_hz"))
    if not 0 < hz <= 100:
        raise ValueError(f"stimulus_hz must be greater than 0 and at most 100, got {stimulus_hz!r}")
    drug = as_positive_float(drug_s, "drug_s")
    rest = float(as_finite_array(rest_s, "rest_s", minimum=0.0))
    washout = float(as_finite_array(washout_stimulus_s, "washout_stimulus_s", minimum=0.0))

    pulse = GLUTAMATE_PULSE_MS / 1e3
    interval = 1.0 / hz

    def step(c: float, glutamate: float, duration: float) -> NDArray:
        # The state holds the ketamine run (first 4) and a drug-free control (last 4).
        return block_diag(
            _propagator(glutamate, c, duration, gating, block),
            _propagator(glutamate, 0.0, duration, gating, block),
        )

    x = np.zeros(8)
    x[[0, 4]] = 1.0
    times: list[NDArray] = [np.zeros(1)]
    samples: list[NDArray] = [x[None, :].copy()]
    at_pulse_end: list[NDArray] = [np.zeros(1, dtype=bool)]

    def train(t0: float, duration: float, c: float) -> float:
        nonlocal x
        n_pulses = int(np.floor(duration * hz + 1e-9))
        on, off = step(c, GLUTAMATE_PULSE_MM, pulse), step(c, 0.0, interval - pulse)
        # Two rows per pulse: the end of the pulse (its peak) and the next pulse's start.
        states = np.empty((2 * n_pulses, 8))
        for k in range(n_pulses):
            x = on @ x
            states[2 * k] = x
            x = off @ x
            states[2 * k + 1] = x
        starts = t0 + interval * np.arange(n_pulses)
        times.append(np.column_stack([starts + pulse, starts + interval]).ravel())
        samples.append(states)
        at_pulse_end.append(np.tile([True, False], n_pulses))
        return t0 + n_pulses * interval

    t = train(0.0, drug, conc)
    phases = [("ketamine + stimulation", 0.0, t)]
    if rest > 0:
        x = step(0.0, 0.0, rest) @ x
        phases.append(("washout, no stimulation", t, t + rest))
        t += rest
        times.append(np.array([t]))
        samples.append(x[None, :].copy())
        at_pulse_end.append(np.zeros(1, dtype=bool))
    if washout > 0:
        end = train(t, washout, 0.0)
        phases.append(("washout + stimulation", t, end))

    t_s = np.concatenate(times)
    states = np.concatenate(samples)
    pulse_ends = np.concatenate(at_pulse_end)
    return TrappingResult(
        t_s=t_s,
        states=states[:, :4],
        pulse_s=t_s[pulse_ends] - pulse,
        peak_open=states[pulse_ends, 1],
        peak_open_control=states[pulse_ends, 5],
        phases=tuple(phases),
    )


def steady_state_open_relative(
    conc_uM: ArrayLike, block: TrappingBlockParameters = KETAMINE_TRAPPING
) -> NDArray:
    """Open probability with ketamine relative to control under constant agonist.

    With full trapping the blocked channels gate like free ones, so at
    steady state the unblocked share is ``1 / (1 + c / Kd)`` whatever the
    gating rates. This is the model's prediction for single-channel open
    probability ratios such as those of Orser et al. (1997).
    """
    conc = as_finite_array(conc_uM, "conc_uM", minimum=0.0)
    return 1.0 / (1.0 + conc / block.kd_uM)


# ---------------------------------------------------------------------------
# Plasma concentrations reached in practice


@dataclass(frozen=True)
class PlasmaLevel:
    """A range of total (bound plus free) plasma ketamine concentrations."""

    use: str
    regimen: str
    low_ng_per_ml: float
    high_ng_per_ml: float
    citation: str

    @property
    def range_uM(self) -> tuple[float, float]:
        """The range converted to micromolar."""
        return (
            float(ng_per_ml_to_uM(self.low_ng_per_ml)),
            float(ng_per_ml_to_uM(self.high_ng_per_ml)),
        )


#: Peak plasma levels of racemic ketamine by use (Zanos et al. 2018, Table 1).
PLASMA_LEVELS: tuple[PlasmaLevel, ...] = (
    PlasmaLevel("analgesia", "0.15 mg/kg IV", 70.0, 160.0, "zanos2018ketamine"),
    PlasmaLevel("antidepressant", "0.5 mg/kg IV over 40 min", 185.0, 185.0, "zanos2018ketamine"),
    PlasmaLevel("dissociation", "0.5 mg/kg IV over 40 min", 100.0, 250.0, "zanos2018ketamine"),
    PlasmaLevel("anesthesia", "1-2 mg/kg IV", 1200.0, 2400.0, "zanos2018ketamine"),
)

#: Largest bound share of ketamine in human plasma, "as much as 47%" (Dayton et al. 1983).
MAX_PLASMA_BOUND_FRACTION = 0.47


__all__: Sequence[str] = [
    "BLOCK_CONDITIONS",
    "BRAIN_MG_MM",
    "MAX_PLASMA_BOUND_FRACTION",
    "RESTING_V_MV",
    "PLASMA_LEVELS",
    "PlasmaLevel",
    "AMPA",
    "JAHR_STEVENS_1990",
    "KETAMINE_DELTA",
    "KETAMINE_MOLAR_MASS_G_PER_MOL",
    "KETAMINE_POTENCY",
    "KETAMINE_TRAPPING",
    "NMDA",
    "RACEMATE",
    "TRAPPING_STATES",
    "BlockPotency",
    "MgBlockParameters",
    "ReceptorKinetics",
    "TrappingBlockParameters",
    "TrappingResult",
    "block_condition",
    "fraction_blocked",
    "half_block_uM",
    "mg_dissociation_mM",
    "mg_unblocked_fraction",
    "ng_per_ml_to_uM",
    "nmda_current_pA",
    "open_fraction",
    "racemate_half_uM",
    "simulate_trapping_block",
    "steady_state_open_relative",
    "uM_to_ng_per_ml",
]
