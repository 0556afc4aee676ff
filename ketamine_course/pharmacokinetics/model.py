"""Pharmacokinetics of ketamine: how the route of administration shapes the
plasma concentration over time.

Linear compartment models with published disposition parameters, scaled by
body weight, plus first-order absorption (with bioavailability, and no lag time) for
the routes other than intravenous. The model is linear, so it is solved in
closed form: the central amount is a sum of exponentials in the eigenvalues of
the rate matrix, and doses add up by superposition. Every parameter set carries
the citation key of its source.

These are teaching models of average adults. They are not dosing guidance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import trapezoid
from scipy.optimize import brentq

from ketamine_course.core.checks import as_finite_array, as_positive_float
from ketamine_course.mechanism.receptors import (
    BRAIN_MG_MM,
    MAX_PLASMA_BOUND_FRACTION,
    RESTING_V_MV,
    fraction_blocked,
    ng_per_ml_to_uM,
)


@dataclass(frozen=True)
class Disposition:
    """A mammillary compartment model: a central compartment and up to two
    peripheral ones, with first-order rate constants per minute.

    Volumes scale with body weight (``v1_l_per_kg``); rate constants do not.
    """

    name: str
    v1_l_per_kg: float
    k10_per_min: float
    k12_per_min: float
    k21_per_min: float
    k13_per_min: float
    k31_per_min: float
    citation: str

    def rate_matrix(self) -> NDArray:
        """Generator of the amounts in the central and each used peripheral compartment."""
        peripherals = [
            (k_out, k_in)
            for k_out, k_in in (
                (self.k12_per_min, self.k21_per_min),
                (self.k13_per_min, self.k31_per_min),
            )
            if k_out > 0
        ]
        n = 1 + len(peripherals)
        a = np.zeros((n, n))
        a[0, 0] = -self.k10_per_min
        for i, (k_out, k_in) in enumerate(peripherals, start=1):
            a[0, 0] -= k_out
            a[i, 0] = k_out
            a[0, i] = k_in
            a[i, i] = -k_in
        return a

    def clearance_l_per_min(self, weight_kg: float) -> float:
        """Elimination clearance, ``k10 · V1``, in liters per minute."""
        return self.k10_per_min * self.v1_l_per_kg * weight_kg

    def steady_state_volume_l(self, weight_kg: float) -> float:
        """Volume of distribution at steady state, in liters."""
        ratios = 1.0
        if self.k21_per_min > 0:
            ratios += self.k12_per_min / self.k21_per_min
        if self.k31_per_min > 0:
            ratios += self.k13_per_min / self.k31_per_min
        return self.v1_l_per_kg * weight_kg * ratios

    @property
    def terminal_half_life_min(self) -> float:
        """Half-life of the slowest exponential phase, in minutes."""
        rates = -np.linalg.eigvals(self.rate_matrix()).real
        return float(np.log(2) / rates[rates > 1e-12].min())


#: Racemic ketamine, two compartments, from 0.25 mg/kg intravenous bolus data
#: (Clements & Nimmo 1981; values as implemented in the open-source opentiva
#: library). Clearance 80 L/h and steady-state volume 289 L at 70 kg.
CLEMENTS_NIMMO_1981 = Disposition(
    name="racemic ketamine, Clements & Nimmo 1981",
    v1_l_per_kg=1.7522,
    k10_per_min=0.0109,
    k12_per_min=0.0186,
    k21_per_min=0.0137,
    k13_per_min=0.0,
    k31_per_min=0.0,
    citation="clements1981pharmacokinetics",
)


def disposition_from_volumes(
    name: str,
    volumes_l_per_70kg: Sequence[float],
    clearances_l_per_h_per_70kg: Sequence[float],
    citation: str,
) -> Disposition:
    """A disposition from volumes (central first) and clearances (elimination
    first, then one intercompartmental clearance per peripheral compartment)."""
    v = [as_positive_float(x, "volumes_l_per_70kg") for x in volumes_l_per_70kg]
    cl = [
        as_positive_float(x, "clearances_l_per_h_per_70kg") / 60.0
        for x in clearances_l_per_h_per_70kg
    ]
    if not 1 <= len(v) <= 3 or len(cl) != len(v):
        raise ValueError("give 1 to 3 volumes and as many clearances")
    k = {"k12": 0.0, "k21": 0.0, "k13": 0.0, "k31": 0.0}
    for i, (vp, q) in enumerate(zip(v[1:], cl[1:]), start=2):
        k[f"k1{i}"] = q / v[0]
        k[f"k{i}1"] = q / vp
    return Disposition(
        name=name,
        v1_l_per_kg=v[0] / 70.0,
        k10_per_min=cl[0] / v[0],
        k12_per_min=k["k12"],
        k21_per_min=k["k21"],
        k13_per_min=k["k13"],
        k31_per_min=k["k31"],
        citation=citation,
    )


#: Racemic ketamine, the three-compartment population model of Kamp et al.
#: (2020) without its venous delay compartments (arterial concentrations), as
#: implemented in opentiva: V 25, 56, 157 L and CL 84, 161, 79 L/h at 70 kg.
KAMP_2020 = disposition_from_volumes(
    "racemic ketamine, Kamp et al., 2020 (arterial)",
    (25.0, 56.0, 157.0),
    (84.0, 161.0, 79.0),
    "kamp2020ketamine",
)


#: Esketamine (S-ketamine), three compartments from intravenous and oral
#: dosing in healthy volunteers (Fanta et al. 2015; values as fixed in the
#: nlmixr2 model library): V 133, 187, 98.8 L and CL 95.2, 23.2, 157 L/h at 70 kg.
FANTA_2015 = disposition_from_volumes(
    "esketamine, Fanta et al., 2015",
    (133.0, 187.0, 98.8),
    (95.2, 23.2, 157.0),
    "fanta2015population",
)


#: Disposition models by name.
DISPOSITIONS: dict[str, Disposition] = {
    "clements": CLEMENTS_NIMMO_1981,
    "kamp": KAMP_2020,
    "esketamine": FANTA_2015,
}


@dataclass(frozen=True)
class Route:
    """How a dose reaches the blood.

    Intravenous doses (``absorption_per_min`` is ``None``) enter the central
    compartment directly. For the other routes the dose times
    ``bioavailability`` enters a depot and is absorbed with a first-order rate
    constant; ``calibration`` says which published observation fixed it.
    """

    name: str
    label: str
    bioavailability: float
    absorption_per_min: float | None
    disposition: Disposition
    citation: str
    calibration: str = ""

    @property
    def is_intravenous(self) -> bool:
        return self.absorption_per_min is None


def _single_dose_tmax(ka: float, disposition: Disposition) -> float:
    """Time to peak of the central amount after an oral-type dose (minutes)."""
    route = Route("probe", "probe", 1.0, ka, disposition, "")
    a, central = _system(route, ka)
    values, vectors, inverse = _eigensystem(a)
    weights = vectors[central, :] * inverse[:, 0]

    def slope(t: float) -> float:
        return float(np.exp(values * t) @ (weights * values))

    upper = 1.0
    while slope(upper) > 0:
        upper *= 2
    return float(brentq(slope, 1e-9, upper, xtol=1e-10))


@cache
def absorption_rate_for_tmax(tmax_min: float, disposition: Disposition) -> float:
    """The absorption rate constant (per min) whose single-dose peak is at ``tmax_min``.

    The time to peak falls as absorption speeds up, so a root finder inverts it.
    """
    target = as_positive_float(tmax_min, "tmax_min")
    fastest = _single_dose_tmax(50.0, disposition)
    if target <= fastest:
        raise ValueError(
            f"tmax_min must exceed {fastest:.2f} min for this disposition, got {tmax_min!r}"
        )
    return float(
        brentq(lambda ka: _single_dose_tmax(ka, disposition) - target, 1e-5, 50.0, xtol=1e-12)
    )


def _single_dose_peak_per_mg(ka: float, disposition: Disposition, weight_kg: float) -> float:
    """Peak concentration (ng/mL) per mg absorbed, for one extravascular dose."""
    probe = Route("probe", "probe", 1.0, ka, disposition, "")
    t_peak = _single_dose_tmax(ka, disposition)
    return float(_concentration(probe, 1.0, weight_kg, 0.0, np.array([t_peak]), (0.0,), 1.0)[0])


@cache
def absorption_rate_for_peak(
    dose_mg_per_kg: float, peak_ng_per_ml: float, bioavailability: float, disposition: Disposition
) -> float:
    """The absorption rate constant (per min) giving a published peak concentration.

    Slower absorption gives a lower, later peak; a root finder inverts that.
    """
    weight = 70.0  # the peak per mg/kg does not depend on weight: volumes scale with it
    target = as_positive_float(peak_ng_per_ml, "peak_ng_per_ml") / (
        bioavailability * dose_mg_per_kg * weight
    )
    highest = _single_dose_peak_per_mg(50.0, disposition, weight)
    if target >= highest:
        raise ValueError(f"peak_ng_per_ml is above what any absorption rate gives ({highest:g})")
    return float(
        brentq(
            lambda ka: _single_dose_peak_per_mg(ka, disposition, weight) - target,
            1e-6,
            50.0,
            xtol=1e-14,
        )
    )


@dataclass(frozen=True)
class PKResult:
    """Concentration over time from :func:`simulate`.

    Attributes
    ----------
    t_min
        Times in minutes after the first dose.
    conc_ng_per_ml
        Total plasma concentration at those times, in ng/mL.
    route, dose_mg, weight_kg, infusion_min, dose_times_min, bioavailability
        The inputs that produced it.
    """

    t_min: NDArray
    conc_ng_per_ml: NDArray
    route: Route
    dose_mg: float
    weight_kg: float
    infusion_min: float
    dose_times_min: tuple[float, ...]
    bioavailability: float

    @property
    def total_dose_mg(self) -> float:
        return self.dose_mg * len(self.dose_times_min)

    @property
    def expected_auc_ng_min_per_ml(self) -> float:
        """``F · dose / CL`` for all doses: the exposure to infinite time."""
        clearance_ml_per_min = self.route.disposition.clearance_l_per_min(self.weight_kg) * 1e3
        return self.bioavailability * self.total_dose_mg * 1e6 / clearance_ml_per_min


def _eigensystem(a: NDArray) -> tuple[NDArray, NDArray, NDArray]:
    values, vectors = np.linalg.eig(a)
    if np.max(np.abs(values.imag)) > 1e-9:
        raise ValueError("the rate matrix has complex eigenvalues; check the parameters")
    values, vectors = values.real, vectors.real
    return values, vectors, np.linalg.inv(vectors)


def _system(route: Route, ka: float | None) -> tuple[NDArray, int]:
    """Rate matrix (with a depot first for extravascular routes) and the central index."""
    disposition = route.disposition.rate_matrix()
    if route.is_intravenous:
        return disposition, 0
    n = disposition.shape[0] + 1
    a = np.zeros((n, n))
    a[1:, 1:] = disposition
    # Nudge ka off a disposition rate constant, where the closed form degenerates.
    rates = -np.linalg.eigvals(disposition).real
    if np.any(np.abs(rates - ka) < 1e-9 * ka):
        ka *= 1 + 1e-6
    a[0, 0], a[1, 0] = -ka, ka
    return a, 1


def _concentration(
    spec: Route,
    dose: float,
    weight: float,
    infusion: float,
    t: NDArray,
    dose_times: tuple[float, ...],
    f: float,
) -> NDArray:
    """Closed-form plasma concentration (ng/mL) at times ``t``, by superposition."""
    a, central = _system(spec, spec.absorption_per_min)
    values, vectors, inverse = _eigensystem(a)
    weights = vectors[central, :] * inverse[:, 0]  # doses enter the depot, or central for iv
    flat = t.ravel()
    amount = np.zeros(flat.size)
    for start in dose_times:
        s = flat - start
        if infusion == 0:
            active = s >= 0
            amount[active] += f * dose * (np.exp(np.outer(s[active], values)) @ weights)
        else:
            rate = dose / infusion
            during = (s >= 0) & (s <= infusion)
            after = s > infusion
            amount[during] += rate * (np.expm1(np.outer(s[during], values)) / values @ weights)
            amount[after] += rate * (
                (np.exp(np.outer(s[after], values)) - np.exp(np.outer(s[after] - infusion, values)))
                / values
                @ weights
            )
    v1_ml = spec.disposition.v1_l_per_kg * weight * 1e3
    conc = np.maximum(amount, 0.0) / v1_ml * 1e6  # mg per mL to ng per mL
    return conc.reshape(t.shape)


#: Routes the model accepts, with published bioavailability (racemic ketamine
#: unless named). Intramuscular, rectal and subcutaneous dosing are left out:
#: their bioavailability or time to peak could not be confirmed at a source.
ROUTES: dict[str, Route] = {
    "iv": Route(
        "iv", "intravenous", 1.0, None, CLEMENTS_NIMMO_1981, "clements1981pharmacokinetics"
    ),
    "intranasal": Route(
        "intranasal",
        "intranasal (racemic)",
        0.13,
        absorption_rate_for_tmax(14.0, CLEMENTS_NIMMO_1981),
        CLEMENTS_NIMMO_1981,
        "intranasal2022pharmacotherapy",
        "time to peak 14 min (geometric mean, 30 mg spray); bioavailability 11 to 17 % "
        "across 10 to 50 mg in that study and about 45 % in an earlier one",
    ),
    "sublingual": Route(
        "sublingual",
        "sublingual wafer",
        0.29,
        absorption_rate_for_tmax(45.0, CLEMENTS_NIMMO_1981),
        CLEMENTS_NIMMO_1981,
        "rolan2014absolute",
        "time to peak 45 min (median, 25 mg wafer)",
    ),
    "oral": Route(
        "oral",
        "oral",
        0.24,
        absorption_rate_for_tmax(57.6, CLEMENTS_NIMMO_1981),
        CLEMENTS_NIMMO_1981,
        "chong2009development",
        "time to peak 0.96 h (mean of 6 patients, 25 mg by mouth; Chong et al., 2006, "
        "meeting abstract); the peak is model output",
    ),
    "esketamine_nasal": Route(
        "esketamine_nasal",
        "esketamine nasal spray",
        0.48,
        absorption_rate_for_tmax(30.0, FANTA_2015),
        FANTA_2015,
        "fda_spravato_label",
        "time to peak 30 min, the middle of the label's 20 to 40 min",
    ),
}


def simulate(
    route: str,
    dose_mg: float,
    weight_kg: float,
    infusion_min: float = 0.0,
    *,
    t_min: ArrayLike | None = None,
    dose_times_min: Sequence[float] = (0.0,),
    bioavailability: float | None = None,
) -> PKResult:
    """Plasma concentration of ketamine over time after one or more doses.

    Parameters
    ----------
    route
        One of the keys of :data:`ROUTES`.
    dose_mg
        Each dose, in milligrams, 0 or more.
    weight_kg
        Body weight in kilograms, greater than 0 and at most 300.
    infusion_min
        Duration of each intravenous infusion in minutes; 0 for a bolus. Only
        the ``"iv"`` route takes an infusion.
    t_min
        Times (minutes after the first dose) at which to report the
        concentration; by default every half minute for six hours after the
        last dose.
    dose_times_min
        Start time of each dose in minutes, 0 or more (repeated dosing).
    bioavailability
        Fraction of an extravascular dose that reaches the blood, between 0 and
        1; by default the route's published value.

    Returns
    -------
    PKResult
        With ``t_min`` and ``conc_ng_per_ml`` as NumPy arrays.
    """
    if route not in ROUTES:
        raise ValueError(f"route must be one of {sorted(ROUTES)}, got {route!r}")
    spec = ROUTES[route]
    dose = float(as_finite_array(dose_mg, "dose_mg", minimum=0.0))
    weight = as_positive_float(weight_kg, "weight_kg")
    if weight > 300:
        raise ValueError(f"weight_kg must be at most 300, got {weight_kg!r}")
    infusion = float(as_finite_array(infusion_min, "infusion_min", minimum=0.0))
    if infusion > 0 and not spec.is_intravenous:
        raise ValueError(
            f"infusion_min applies only to route 'iv'; route {route!r} takes infusion_min=0"
        )
    times = np.atleast_1d(as_finite_array(dose_times_min, "dose_times_min", minimum=0.0))
    if times.ndim != 1 or times.size == 0:
        raise ValueError("dose_times_min must be a non-empty sequence of start times")
    if bioavailability is None:
        f = spec.bioavailability
    else:
        f = float(as_finite_array(bioavailability, "bioavailability", minimum=0.0))
        if f > 1:
            raise ValueError(f"bioavailability must be between 0 and 1, got {bioavailability!r}")
    if t_min is None:
        t = np.arange(0.0, times.max() + infusion + 360.0 + 0.25, 0.5)
    else:
        t = as_finite_array(t_min, "t_min")

    conc = _concentration(spec, dose, weight, infusion, t, tuple(np.sort(times)), f)
    return PKResult(
        t_min=t,
        conc_ng_per_ml=conc,
        route=spec,
        dose_mg=dose,
        weight_kg=weight,
        infusion_min=infusion,
        dose_times_min=tuple(float(x) for x in np.sort(times)),
        bioavailability=f,
    )


def cmax_ng_per_ml(result: PKResult) -> float:
    """Highest concentration on the result's time grid, in ng/mL."""
    return float(result.conc_ng_per_ml.max())


def tmax_min(result: PKResult) -> float:
    """Time of the highest concentration, in minutes after the first dose."""
    return float(result.t_min[np.argmax(result.conc_ng_per_ml)])


def auc_ng_min_per_ml(result: PKResult) -> float:
    """Area under the concentration curve over the result's time grid (trapezoid rule)."""
    return float(trapezoid(result.conc_ng_per_ml, result.t_min))


def time_above_min(result: PKResult, threshold_ng_per_ml: float) -> float:
    """Minutes during which the concentration is above a threshold (grid resolution)."""
    threshold = float(as_finite_array(threshold_ng_per_ml, "threshold_ng_per_ml", minimum=0.0))
    above = result.conc_ng_per_ml > threshold
    steps = np.diff(result.t_min)
    return float(np.sum(steps[above[:-1] & above[1:]]))


def estimated_block(
    result: PKResult,
    potency: str = "human NMDA receptors at -70 mV",
    *,
    free: bool = True,
    mg_mM: float = BRAIN_MG_MM,
    v_mV: float = RESTING_V_MV,
) -> NDArray:
    """Estimated fraction of NMDA receptors blocked over time.

    The plasma concentration is converted to micromolar with the molar mass
    and, when ``free``, reduced to the unbound share (at least 53 %, from the
    largest reported bound fraction). It assumes the receptor sees the plasma
    (free) concentration: the brain-to-plasma ratio is not known well enough
    in people to do better. Block is computed in ``mg_mM`` of external Mg²⁺ at
    ``v_mV`` (by default the brain's 1 mM at −70 mV; see
    :func:`~ketamine_course.mechanism.receptors.fraction_blocked`).
    """
    conc_uM = ng_per_ml_to_uM(result.conc_ng_per_ml)
    if free:
        conc_uM = conc_uM * (1.0 - MAX_PLASMA_BOUND_FRACTION)
    return fraction_blocked(conc_uM, potency, mg_mM=mg_mM, v_mV=v_mV)


__all__ = [
    "CLEMENTS_NIMMO_1981",
    "DISPOSITIONS",
    "FANTA_2015",
    "KAMP_2020",
    "disposition_from_volumes",
    "ROUTES",
    "Disposition",
    "PKResult",
    "Route",
    "auc_ng_min_per_ml",
    "cmax_ng_per_ml",
    "estimated_block",
    "simulate",
    "time_above_min",
    "tmax_min",
]
