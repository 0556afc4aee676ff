"""Pharmacokinetic models checked against published values, analytic results
and properties that any linear compartment model must have."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from ketamine_course.pharmacokinetics import (
    CLEMENTS_NIMMO_1981,
    DISPOSITIONS,
    FANTA_2015,
    KAMP_2020,
    ROUTES,
    auc_ng_min_per_ml,
    cmax_ng_per_ml,
    estimated_block,
    simulate,
    time_above_min,
    tmax_min,
)

LONG = np.arange(0.0, 7 * 24 * 60.0, 1.0)  # a week, long enough for every route to clear
EXTRAVASCULAR = [name for name, route in ROUTES.items() if not route.is_intravenous]


# Zanos et al. (2018), Pharmacol Rev 70:621, Table 1: about 185 ng/mL after 0.5 mg/kg over
# 40 min (from Zarate et al. 2006). Tolerance 15 %: a trial mean with wide spread between
# patients, and a model fitted to other people's venous samples.
def test_antidepressant_infusion_peak_matches_the_published_level():
    result = simulate("iv", 0.5 * 70, 70, infusion_min=40)
    assert cmax_ng_per_ml(result) == pytest.approx(185, rel=0.15)
    assert tmax_min(result) == pytest.approx(40, abs=0.5)  # the peak ends the infusion


# Kamp et al. (2020), Anesthesiology 133:1192: weighted mean clearance 79 L/h (95 % CI 69-90)
# and volume of distribution 252 L (200-304) at 70 kg.
@pytest.mark.parametrize("disposition", [CLEMENTS_NIMMO_1981, KAMP_2020], ids=lambda d: d.name)
def test_racemic_clearance_and_volume_fall_within_the_meta_analysis(disposition):
    assert 69 <= disposition.clearance_l_per_min(70) * 60 <= 90
    assert 200 <= disposition.steady_state_volume_l(70) <= 304


# Ma et al. (2023), Nature 622:802: ketamine's half-life in humans is about 3 h.
def test_racemic_terminal_half_life_is_about_three_hours():
    assert CLEMENTS_NIMMO_1981.terminal_half_life_min / 60 == pytest.approx(3.0, rel=0.1)


# US Spravato label: esketamine clearance about 89 L/h and terminal half-life 7 to 12 h.
def test_esketamine_disposition_agrees_with_the_label():
    assert 7 <= FANTA_2015.terminal_half_life_min / 60 <= 12
    assert FANTA_2015.clearance_l_per_min(70) * 60 == pytest.approx(89, rel=0.1)


@pytest.mark.parametrize("route", list(ROUTES))
def test_exposure_equals_bioavailable_dose_over_clearance(route):
    result = simulate(route, 35, 70, t_min=LONG)
    assert auc_ng_min_per_ml(result) == pytest.approx(result.expected_auc_ng_min_per_ml, rel=2e-3)


def test_oral_exposure_relative_to_iv_is_its_bioavailability():
    oral = auc_ng_min_per_ml(simulate("oral", 35, 70, t_min=LONG))
    iv = auc_ng_min_per_ml(simulate("iv", 35, 70, t_min=LONG))
    assert oral / iv == pytest.approx(ROUTES["oral"].bioavailability, rel=2e-3)


def test_mass_balance_against_a_numerical_solution():
    """The closed form agrees with integrating the compartment equations."""
    route = ROUTES["sublingual"]
    a = route.disposition.rate_matrix()
    ka = route.absorption_per_min
    dose = 25.0 * route.bioavailability

    def rhs(t, y):
        depot, body = y[0], y[1:]
        inflow = np.zeros_like(body)
        inflow[0] = ka * depot
        return np.concatenate([[-ka * depot], a @ body + inflow])

    y0 = np.zeros(1 + a.shape[0])
    y0[0] = dose
    t = np.linspace(0, 600, 121)
    numeric = solve_ivp(rhs, (0, 600), y0, t_eval=t, rtol=1e-10, atol=1e-12)
    v1_ml = route.disposition.v1_l_per_kg * 70 * 1e3
    expected = numeric.y[1] / v1_ml * 1e6
    closed = simulate("sublingual", 25, 70, t_min=t).conc_ng_per_ml
    assert closed == pytest.approx(expected, rel=1e-6, abs=1e-9)
    eliminated = dose - numeric.y[:, -1].sum()
    cleared = route.disposition.clearance_l_per_min(70) * 1e3 * trapz_mg(t, closed)
    assert cleared == pytest.approx(eliminated, rel=1e-3)


def trapz_mg(t, conc_ng_per_ml):
    """Integral of concentration in mg·min/mL."""
    return float(np.trapezoid(conc_ng_per_ml, t)) / 1e6


# Rolan et al. (2014), Br J Clin Pharmacol 77:1011: sublingual wafer, median Tmax 0.75 h.
def test_sublingual_time_to_peak_is_the_published_median():
    assert tmax_min(simulate("sublingual", 25, 70, t_min=np.arange(0, 300, 0.1))) == pytest.approx(
        45, abs=0.2
    )


# Chong et al. (2006), Pain Med 7:469 (meeting abstract): oral Tmax 0.96 ± 0.8 h, n = 6.
def test_oral_time_to_peak_is_the_published_mean():
    result = simulate("oral", 25, 70, t_min=np.arange(0, 300, 0.1))
    assert tmax_min(result) == pytest.approx(0.96 * 60, abs=0.2)


# Zanos et al. (2018), Table 1 (from Grant et al. 1981): 45 ng/mL after 0.5 mg/kg by mouth.
# With the disposition model and 24 % bioavailability, that peak needs absorption so fast that
# the peak would come at about 15 min, not the hour Chong et al. measured: the sources disagree,
# and the calibrated model's peak is less than half the published one.
def test_the_published_oral_peak_and_time_to_peak_cannot_both_hold():
    from ketamine_course.pharmacokinetics.model import (
        CLEMENTS_NIMMO_1981,
        _single_dose_tmax,
        absorption_rate_for_peak,
    )

    fast = absorption_rate_for_peak(0.5, 45.0, ROUTES["oral"].bioavailability, CLEMENTS_NIMMO_1981)
    assert _single_dose_tmax(fast, CLEMENTS_NIMMO_1981) < 20
    calibrated = simulate("oral", 35, 70, t_min=np.arange(0, 300, 0.1))
    assert cmax_ng_per_ml(calibrated) < 45 / 2


# US Spravato label: time to peak 20 to 40 minutes after the last spray; no accumulation
# with twice-weekly dosing.
def test_esketamine_spray_peaks_in_the_label_window_and_does_not_accumulate():
    single = simulate("esketamine_nasal", 84, 70, t_min=np.arange(0, 300, 0.5))
    assert 20 <= tmax_min(single) <= 40
    days = [0, 3.5, 7, 10.5, 14, 17.5, 21, 24.5]
    regimen = simulate(
        "esketamine_nasal",
        84,
        70,
        dose_times_min=[d * 1440 for d in days],
        t_min=np.arange(0, 28 * 1440, 1.0),
    )
    before_each = np.interp([d * 1440 for d in days[1:]], regimen.t_min, regimen.conc_ng_per_ml)
    assert before_each.max() < 0.02 * cmax_ng_per_ml(single)
    assert cmax_ng_per_ml(regimen) == pytest.approx(cmax_ng_per_ml(single), rel=0.02)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(list(ROUTES)),
    st.floats(0.1, 500),
    st.floats(30, 150),
    st.floats(1.5, 4),
)
def test_concentrations_are_never_negative_and_scale_with_dose(route, dose, weight, factor):
    t = np.linspace(0, 1440, 97)
    base = simulate(route, dose, weight, t_min=t).conc_ng_per_ml
    scaled = simulate(route, dose * factor, weight, t_min=t).conc_ng_per_ml
    assert base.min() >= 0
    assert scaled == pytest.approx(base * factor, rel=1e-9, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(EXTRAVASCULAR), st.floats(1, 200), st.floats(40, 120))
def test_no_extravascular_peak_exceeds_the_iv_bolus_peak(route, dose, weight):
    spec = ROUTES[route]
    t = np.linspace(0, 720, 1441)
    bolus_iv = ROUTES["iv"] if spec.disposition is CLEMENTS_NIMMO_1981 else None
    extravascular = cmax_ng_per_ml(simulate(route, dose, weight, t_min=t))
    if bolus_iv is None:  # esketamine: compare with a bolus into its own disposition
        c0 = dose / (spec.disposition.v1_l_per_kg * weight * 1e3) * 1e6
    else:
        c0 = cmax_ng_per_ml(simulate("iv", dose, weight, t_min=t))
    assert extravascular <= c0


def test_an_infusion_delivers_the_same_exposure_as_a_bolus():
    bolus = auc_ng_min_per_ml(simulate("iv", 35, 70, t_min=LONG))
    infusion = auc_ng_min_per_ml(simulate("iv", 35, 70, 40, t_min=LONG))
    assert infusion == pytest.approx(bolus, rel=1e-3)


def test_repeated_doses_add_up():
    t = np.arange(0, 2000, 1.0)
    one = simulate("iv", 35, 70, 40, t_min=t).conc_ng_per_ml
    two = simulate("iv", 35, 70, 40, t_min=t, dose_times_min=[0, 600]).conc_ng_per_ml
    later = simulate("iv", 35, 70, 40, t_min=t - 600).conc_ng_per_ml
    assert two == pytest.approx(one + np.where(t >= 600, later, 0.0), rel=1e-9, abs=1e-12)


def test_time_above_a_threshold_on_a_simple_curve():
    result = simulate("iv", 35, 70, 40)
    assert time_above_min(result, 0.0) == pytest.approx(result.t_min[-1] - 0.5, abs=0.6)
    assert time_above_min(result, 1e6) == 0.0
    assert 0 < time_above_min(result, 100.0) < 120


def test_estimated_block_follows_the_concentration():
    result = simulate("iv", 35, 70, 40)
    block = estimated_block(result)
    assert np.argmax(block) == np.argmax(result.conc_ng_per_ml)
    assert 0 < block.max() < 0.5  # free concentration below the half-block level
    assert estimated_block(result, free=False).max() > block.max()


def test_every_disposition_names_its_source():
    for disposition in DISPOSITIONS.values():
        assert disposition.citation
    for route in ROUTES.values():
        assert route.citation


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"route": "im"}, r"route must be one of \['esketamine_nasal', 'intranasal', 'iv'"),
        ({"dose_mg": -1}, "dose_mg must be at least 0"),
        ({"dose_mg": float("nan")}, "dose_mg must be finite"),
        ({"weight_kg": 0}, "weight_kg must be a finite number greater than 0"),
        ({"weight_kg": 500}, "weight_kg must be at most 300"),
        ({"route": "oral", "infusion_min": 40}, "infusion_min applies only to route 'iv'"),
        ({"infusion_min": -5}, "infusion_min must be at least 0"),
        ({"bioavailability": 1.5}, "bioavailability must be between 0 and 1"),
        ({"dose_times_min": [-10]}, "dose_times_min must be at least 0"),
    ],
)
def test_bad_input_names_the_argument(kwargs, message):
    arguments = {"route": "iv", "dose_mg": 35, "weight_kg": 70} | kwargs
    with pytest.raises(ValueError, match=message):
        simulate(**arguments)
