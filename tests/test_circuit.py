"""Circuit models: coincidence detection, disinhibition and conceptual plasticity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketamine_course.mechanism import (
    DEFAULT_CIRCUIT,
    PlasticityParameters,
    rate_time_course,
    simulate_coincidence,
    steady_rates,
    synaptic_strength,
)


def charge(delay, mg_mM=1.0):
    return simulate_coincidence(delay, mg_mM=mg_mM).nmda_charge_pC


def test_nmda_charge_doubles_when_depolarization_coincides_with_release():
    alone = charge(None)
    assert charge(0.0) > 1.8 * alone
    # A depolarization that ends before the release leaves little trace.
    assert charge(-100.0) < 1.2 * alone


def test_the_coincidence_window_follows_the_slow_nmda_decay():
    ratios = [charge(d) / charge(None) for d in (0.0, 50.0, 100.0, 200.0)]
    assert ratios == sorted(ratios, reverse=True)
    assert ratios[-1] > 1.1  # NMDA receptors still open 200 ms after release


def test_without_mg_depolarization_reduces_the_nmda_charge():
    # No block to relieve: depolarization only shrinks the driving force.
    assert charge(0.0, mg_mM=0.0) < charge(None, mg_mM=0.0)


def test_the_cell_rests_at_its_leak_reversal_before_the_release():
    result = simulate_coincidence(None)
    before = result.t_ms < result.synapse_ms
    assert result.v_mV[before] == pytest.approx(-70.0)
    assert np.all(result.i_nmda_pA[before] == 0.0)
    assert result.i_ampa_pA.min() < -100  # inward AMPA current after release


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"depolarization_delay_ms": -500}, "depolarization_delay_ms must be between -100 and"),
        ({"depolarization_delay_ms": float("nan")}, "depolarization_delay_ms must be finite"),
        ({"depolarization_delay_ms": 0, "mg_mM": -1}, "mg_mM must be at least 0"),
        ({"depolarization_delay_ms": 0, "depolarization_ms": 0}, "depolarization_ms must be"),
    ],
)
def test_bad_input_to_the_cell_names_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        simulate_coincidence(**kwargs)


# Moghaddam et al. (1997), J Neurosci 17:2921: in rat prefrontal cortex, subanesthetic ketamine
# (10-30 mg/kg) increased glutamate outflow and an anesthetic dose (200 mg/kg) decreased it.
# The model reproduces the direction of both effects, not their size.
def test_disinhibition_raises_then_anesthetic_levels_lower_excitation():
    base_e, _ = steady_rates(0.0)
    conc = np.logspace(-2, 2, 81)
    e, i = steady_rates(conc)
    assert e.max() > 1.5 * base_e
    assert 0.3 < conc[np.argmax(e)] < 10
    assert e[-1] < base_e
    assert np.all(np.diff(i) < 0)  # interneurons lose drive throughout


def test_closed_form_steady_state_matches_integration():
    for conc in (0.0, 0.5, 3.0, 50.0):
        course = rate_time_course(conc, duration_ms=1500.0)
        e, i = steady_rates(conc)
        assert course.e[-1] == pytest.approx(float(e), rel=1e-5)
        assert course.i[-1] == pytest.approx(float(i), rel=1e-5)


def test_equal_sensitivity_removes_the_surge():
    from dataclasses import replace

    same = replace(DEFAULT_CIRCUIT, block_half_i_uM=DEFAULT_CIRCUIT.block_half_e_uM)
    e, _ = steady_rates(np.logspace(-2, 2, 41), same)
    base, _ = steady_rates(0.0, same)
    assert e.max() < 1.05 * base


@given(st.floats(0, 1e4))
def test_rates_are_never_negative(conc):
    e, i = steady_rates(conc)
    assert e >= 0 and i >= 0


def test_bad_concentration_in_circuit_is_an_error():
    with pytest.raises(ValueError, match="conc_uM must be at least 0"):
        steady_rates(-1.0)


def test_plasticity_rises_during_the_trigger_and_decays_after():
    params = PlasticityParameters(decay_h=72.0)
    t = np.array([0.0, 1.0, 2.0, 2.0 + 72.0, 1000.0])
    w = synaptic_strength(t, params)
    assert w[0] == 1.0
    assert w[1] < w[2]  # still rising during the trigger
    assert w[3] - 1.0 == pytest.approx((w[2] - 1.0) * np.exp(-1))
    assert w[4] == pytest.approx(1.0, abs=1e-4)


def test_slower_decay_keeps_more_change_after_a_week():
    week = 7 * 24.0
    fast = synaptic_strength(week, PlasticityParameters(decay_h=24.0))
    slow = synaptic_strength(week, PlasticityParameters(decay_h=168.0))
    assert slow > fast > 1.0


def test_bad_plasticity_input_is_an_error():
    with pytest.raises(ValueError, match="t_h must be at least 0"):
        synaptic_strength(-1.0)
    with pytest.raises(ValueError, match="decay_h must be a finite number greater than 0"):
        synaptic_strength(1.0, PlasticityParameters(decay_h=0.0))
