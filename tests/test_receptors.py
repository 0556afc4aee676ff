"""Receptor models checked against published values, limiting cases and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from ketamine_course.mechanism import (
    AMPA,
    KETAMINE_POTENCY,
    KETAMINE_TRAPPING,
    NMDA,
    PLASMA_LEVELS,
    RACEMATE,
    fraction_blocked,
    half_block_uM,
    mg_dissociation_mM,
    mg_unblocked_fraction,
    ng_per_ml_to_uM,
    nmda_current_pA,
    open_fraction,
    racemate_half_uM,
    simulate_trapping_block,
    steady_state_open_relative,
)

voltages = st.floats(-120, 80)
mg_levels = st.floats(0, 10)


# Jahr & Stevens (1990), J Neurosci 10:3178: B(V) = 1 / (1 + exp(-0.062 V) [Mg] / 3.57),
# evaluated at 1 mM Mg2+.
@pytest.mark.parametrize(
    ("v_mV", "expected"),
    [(-80, 0.024), (-70, 0.045), (-60, 0.080), (-40, 0.230), (-20, 0.508), (0, 0.781), (40, 0.977)],
)
def test_mg_block_matches_jahr_and_stevens_1990(v_mV, expected):
    assert mg_unblocked_fraction(v_mV, 1.0) == pytest.approx(expected, abs=0.0015)


def test_mg_block_takes_and_returns_arrays():
    v = np.array([[-80.0, 0.0], [20.0, 40.0]])
    assert mg_unblocked_fraction(v).shape == (2, 2)


def test_without_mg_there_is_no_block():
    assert np.all(mg_unblocked_fraction(np.linspace(-120, 60, 7), 0.0) == 1.0)


@given(voltages, mg_levels)
def test_unblocked_fraction_is_a_fraction(v, mg):
    assert 0.0 <= mg_unblocked_fraction(v, mg) <= 1.0


@given(voltages, st.floats(0.1, 40), mg_levels)
def test_depolarization_relieves_and_mg_deepens_the_block(v, dv, mg):
    assert mg_unblocked_fraction(v + dv, mg) >= mg_unblocked_fraction(v, mg)
    assert mg_unblocked_fraction(v, mg + 0.5) <= mg_unblocked_fraction(v, mg)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"v_mV": float("nan")}, "v_mV must be finite"),
        ({"v_mV": -70, "mg_mM": -1}, "mg_mM must be at least 0"),
        ({"v_mV": -70, "mg_mM": float("inf")}, "mg_mM must be finite"),
    ],
)
def test_bad_input_to_mg_block_names_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mg_unblocked_fraction(**kwargs)


def test_current_voltage_curve_has_negative_slope_only_with_mg():
    v = np.linspace(-100, 40, 281)
    with_mg = np.gradient(nmda_current_pA(v, mg_mM=1.0), v)
    without = np.gradient(nmda_current_pA(v, mg_mM=0.0), v)
    assert with_mg[v < -40].min() < 0  # the region of negative slope
    assert without.min() > 0  # an ohmic line through the reversal potential
    assert nmda_current_pA(0.0) == 0.0


def test_bad_conductance_is_an_error():
    with pytest.raises(ValueError, match="g_nS must be at least 0"):
        nmda_current_pA(-70, g_nS=-1)


# Destexhe, Mainen & Sejnowski (1994) two-state schemes (ModelDB 18198): NMDA alpha 0.072
# /mM/ms, beta 0.0066 /ms; AMPA alpha 1.1 /mM/ms, beta 0.19 /ms; 1 mM glutamate for 1 ms.
def test_nmda_open_fraction_at_the_end_of_a_pulse_and_its_decay():
    rate = 0.072 + 0.0066
    peak = 0.072 / rate * (1 - np.exp(-rate))
    assert open_fraction(NMDA, 1.0) == pytest.approx(peak)
    assert peak == pytest.approx(0.0692, abs=1e-4)
    tau = 1 / 0.0066  # about 152 ms
    assert open_fraction(NMDA, 1.0 + tau) / peak == pytest.approx(np.exp(-1))


def test_ampa_decays_about_35_times_faster_than_nmda():
    assert NMDA.beta_per_ms / AMPA.beta_per_ms == pytest.approx(1 / 28.8, rel=0.01)
    assert open_fraction(AMPA, 1.0) > 0.6 > open_fraction(AMPA, 6.0)


def test_closed_form_matches_a_numerical_solution_for_a_train():
    releases = [0.0, 10.0, 25.0]

    def transmitter(t):
        return 1.0 if any(r <= t < r + 1.0 for r in releases) else 0.0

    def rhs(t, r):
        return NMDA.alpha_per_mM_ms * transmitter(t) * (1 - r) - NMDA.beta_per_ms * r

    t = np.linspace(0, 120, 241)
    numeric = solve_ivp(rhs, (0, 120), [0.0], t_eval=t, max_step=0.05, rtol=1e-9, atol=1e-12)
    assert open_fraction(NMDA, t, releases) == pytest.approx(numeric.y[0], abs=2e-5)


@settings(max_examples=40)
@given(st.lists(st.floats(0, 500), min_size=1, max_size=5, unique=True), st.floats(-10, 800))
def test_open_fraction_stays_between_zero_and_its_ceiling(starts, t):
    starts = sorted(starts)
    if np.any(np.diff(starts) < 1.0):
        return
    value = open_fraction(NMDA, t, starts)
    assert 0.0 <= value <= 0.072 / (0.072 + 0.0066)
    if t < starts[0]:
        assert value == 0.0


def test_overlapping_pulses_are_an_error():
    with pytest.raises(ValueError, match="release_ms must be at least pulse_ms=1 ms apart"):
        open_fraction(NMDA, 5.0, [0.0, 0.5])


# Ebert et al. (1997), Eur J Pharmacol 333:99: Ki of S-ketamine 0.3 uM, R-ketamine 1.4 uM.
def test_enantiomer_binding_constants_and_the_racemate():
    assert KETAMINE_POTENCY["S-ketamine"].half_uM == 0.3
    assert KETAMINE_POTENCY["R-ketamine"].half_uM == 1.4
    # Without Mg2+, the conditions of the binding assay, the Ki is the half-block concentration.
    assert fraction_blocked(0.3, "S-ketamine", mg_mM=0) == pytest.approx(0.5)
    racemic = racemate_half_uM(0.3, 1.4)
    assert 0.3 < racemic < 1.4
    assert fraction_blocked(racemic, RACEMATE, mg_mM=0) == pytest.approx(0.5)


def test_racemate_formula_matches_two_competing_ligands():
    # Occupancy by S at c/2 plus R at c/2 competing for one site.
    c = 0.8
    s, r = c / 2 / 0.3, c / 2 / 1.4
    assert fraction_blocked(c, RACEMATE, mg_mM=0) == pytest.approx((s + r) / (1 + s + r))
    # In Mg2+ each enantiomer competes with Mg2+ as well: S, R and Mg2+ share one site.
    m = 1.0 / float(mg_dissociation_mM(-70.0))
    assert fraction_blocked(c, RACEMATE) == pytest.approx((s + r) / (1 + m + s + r))


# Jahr & Stevens (1990): B(V) = 1 / (1 + exp(-0.062 V) [Mg] / 3.57 mM).
def test_mg_dissociation_constant_is_jahr_and_stevens():
    assert float(mg_dissociation_mM(0.0)) == pytest.approx(3.57)
    assert float(mg_dissociation_mM(-70.0)) == pytest.approx(3.57 * math.exp(-0.062 * 70))


@pytest.mark.parametrize("v_mV", [-90.0, -70.0, -40.0, 0.0])
def test_mg_shifts_the_potency_by_the_reciprocal_of_the_mg_unblocked_fraction(v_mV):
    # Competition: the half-block concentration grows by 1 + [Mg]/K(V) = 1 / B(V).
    for name in ("S-ketamine", RACEMATE):
        shifted = half_block_uM(name, mg_mM=1.0, v_mV=v_mV)
        unshifted = half_block_uM(name, mg_mM=0.0, v_mV=v_mV)
        assert shifted / unshifted == pytest.approx(1 / float(mg_unblocked_fraction(v_mV, 1.0)))


# Gilling et al. (2009): ketamine's block of human NMDA receptors has an electrical distance
# delta = 0.79; a depolarization of 30 mV weakens it by exp(0.79 * 30 / 26.7) at 37 degrees C.
def test_ketamine_binds_less_tightly_as_the_membrane_depolarizes():
    ratio = half_block_uM("S-ketamine", mg_mM=0, v_mV=-40.0) / half_block_uM(
        "S-ketamine", mg_mM=0, v_mV=-70.0
    )
    assert ratio == pytest.approx(math.exp(0.79 * 30 / 26.73), rel=1e-3)


def test_physiological_mg_makes_ketamine_several_times_less_potent_at_rest():
    # At -70 mV in 1 mM Mg2+ the factor is about 23, and block at the antidepressant peak
    # (0.78 uM racemate; Zanos et al. 2018) drops from about 60 % to under 10 %.
    assert half_block_uM("S-ketamine") / half_block_uM("S-ketamine", mg_mM=0) == pytest.approx(
        22.5, abs=0.5
    )
    assert float(fraction_blocked(0.78, RACEMATE, mg_mM=0)) == pytest.approx(0.61, abs=0.01)
    assert float(fraction_blocked(0.78, RACEMATE)) < 0.1


@pytest.mark.parametrize("bad", [-1.0, float("nan")])
def test_bad_mg_is_an_error(bad):
    with pytest.raises(ValueError, match="mg_mM"):
        fraction_blocked(1.0, mg_mM=bad)


# Gilling et al. (2009): ketamine IC50 0.71 uM (Hill 0.84) at human NMDA receptors, -70 mV;
# kon 0.15e6 /M/s and koff 0.22 /s, so Kd = koff / kon is of the same order as the IC50.
def test_functional_potency_and_rate_constants_agree_in_order_of_magnitude():
    potency = KETAMINE_POTENCY["human NMDA receptors at -70 mV"]
    assert (potency.half_uM, potency.hill) == (0.71, 0.84)
    assert KETAMINE_TRAPPING.kd_uM == pytest.approx(1.467, abs=0.001)
    assert 1 / 3 < KETAMINE_TRAPPING.kd_uM / potency.half_uM < 3


@given(st.floats(0, 1e4), st.floats(0, 1e4))
def test_block_rises_with_concentration_from_zero(low, extra):
    assert fraction_blocked(0.0) == 0.0
    assert fraction_blocked(low + extra) >= fraction_blocked(low)
    assert 0.0 <= fraction_blocked(low) <= 1.0


def test_unknown_potency_lists_the_valid_names():
    with pytest.raises(ValueError, match="potency must be one of .*S-ketamine"):
        fraction_blocked(1.0, "ketamine-ish")


@pytest.mark.parametrize("bad", [-0.1, float("nan")])
def test_bad_concentration_is_an_error(bad):
    with pytest.raises(ValueError, match="conc_uM must"):
        fraction_blocked(bad)


# Zanos et al. (2018), Pharmacol Rev 70:621, Table 1: 185 ng/mL = 0.78 uM after the
# antidepressant infusion; 1200-2400 ng/mL = 5-10 uM after anesthetic doses.
def test_unit_conversion_matches_the_published_table():
    assert ng_per_ml_to_uM(185) == pytest.approx(0.78, abs=0.005)
    anesthesia = next(level for level in PLASMA_LEVELS if level.use == "anesthesia")
    assert anesthesia.range_uM == pytest.approx((5.0, 10.0), abs=0.1)


# Orser, Pennefather & MacDonald (1997), Anesthesiology 86:903: open probability relative to
# control was 63 % at 1 uM and 34 % at 10 uM in outside-out patches, and 53 % at 0.1 uM and
# 24 % at 1 uM in cell-attached patches.
def test_trapping_model_against_orser_1997():
    model = steady_state_open_relative([0.1, 1.0, 10.0])
    assert model[1] == pytest.approx(0.63, abs=0.05)  # outside-out, 1 uM: close
    assert model[2] < 0.34  # outside-out, 10 uM: the model blocks more
    # Cell-attached patches were more sensitive than this single-site model, as the lesson says.
    assert model[0] - 0.53 > 0.3
    assert model[1] - 0.24 > 0.3


# Mealing et al. (1999), J Pharmacol Exp Ther 288:204: 86 +/- 1 % of ketamine block remained
# trapped after 120 s of washout without agonist.
def test_block_stays_trapped_through_a_quiet_washout():
    result = simulate_trapping_block(10.0, 20.0, drug_s=30, rest_s=120, washout_stimulus_s=0)
    before = np.interp(30.0, result.t_s, result.blocked)
    kept = result.blocked[-1] / before
    assert 0.86 <= kept <= 1.0
    assert kept == pytest.approx(0.86, abs=0.15)


def test_stimulation_during_washout_releases_the_block():
    result = simulate_trapping_block(10.0, 20.0, drug_s=30, rest_s=30, washout_stimulus_s=60)
    assert result.blocked[-1] < 0.2 * np.interp(60.0, result.t_s, result.blocked)


def test_block_builds_faster_with_more_frequent_use():
    slow = simulate_trapping_block(3.0, 1.0, drug_s=20, rest_s=0, washout_stimulus_s=0)
    fast = simulate_trapping_block(3.0, 20.0, drug_s=20, rest_s=0, washout_stimulus_s=0)
    assert fast.blocked[-1] > 3 * slow.blocked[-1]


def test_long_use_approaches_the_equilibrium_block():
    result = simulate_trapping_block(10.0, 20.0, drug_s=120, rest_s=0, washout_stimulus_s=0)
    expected = 10.0 / (10.0 + KETAMINE_TRAPPING.kd_uM)
    assert result.blocked[-1] == pytest.approx(expected, abs=0.02)


def test_without_ketamine_nothing_is_blocked():
    result = simulate_trapping_block(0.0, 5.0, drug_s=5, rest_s=1, washout_stimulus_s=1)
    assert np.all(result.blocked == 0.0)
    assert result.relative_response == pytest.approx(1.0)


@settings(max_examples=25, deadline=None)
@given(st.floats(0, 50), st.floats(0.5, 50))
def test_state_probabilities_are_conserved(conc, hz):
    result = simulate_trapping_block(conc, hz, drug_s=3, rest_s=1, washout_stimulus_s=2)
    assert result.states.sum(axis=1) == pytest.approx(1.0, abs=1e-9)
    assert result.states.min() >= -1e-12
    assert np.all(result.relative_response <= 1.0 + 1e-9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"conc_uM": -1, "stimulus_hz": 1}, "conc_uM must be at least 0"),
        ({"conc_uM": 1, "stimulus_hz": 0}, "stimulus_hz must be greater than 0 and at most 100"),
        ({"conc_uM": 1, "stimulus_hz": float("nan")}, "stimulus_hz must be finite"),
        ({"conc_uM": 1, "stimulus_hz": 1, "drug_s": 0}, "drug_s must be a finite number greater"),
        ({"conc_uM": 1, "stimulus_hz": 1, "rest_s": -5}, "rest_s must be at least 0"),
    ],
)
def test_bad_protocol_names_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate_trapping_block(**kwargs)
