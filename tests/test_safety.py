"""Acute-effect time courses, adverse-event tables and the safety figures."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pytest

from conftest import csv_with_changes
from ketamine_course.pharmacokinetics import tmax_min
from ketamine_course.safety import (
    FORMULATIONS,
    TRIALS,
    SafetyDataError,
    describe_acute_effects,
    describe_adverse_events,
    fraction_of_peak,
    load_acute_effects,
    load_adverse_events,
    number_needed_to_harm,
    plasma_curve,
    plot_acute_effects,
    plot_adverse_events,
)

EFFECTS = load_acute_effects()
EVENTS = load_adverse_events()


def effect(formulation, name):
    rows = EFFECTS[(EFFECTS["formulation"] == formulation) & (EFFECTS["effect"] == name)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_esketamine_time_courses_match_their_sources():
    # J&J Medical Information (2024): dissociation "peaked at 40 minutes, generally resolved
    # by 1.5 hours"; Spravato prescribing information (2020 brief summary): blood pressure
    # increases "peak approximately 40 minutes after ... and last approximately 4 hours".
    dissociation = effect("esketamine nasal spray", "dissociation")
    assert (dissociation.peak_min, dissociation.resolved_min) == (40, 90)
    pressure = effect("esketamine nasal spray", "blood pressure rise")
    assert (pressure.peak_min, pressure.resolved_min) == (40, 240)


def test_infusion_blood_pressure_peaks_at_30_minutes():
    # Riva-Posse et al. 2018: "The biggest increases in blood pressure were measured at 30 min".
    assert effect("racemic ketamine IV infusion", "blood pressure rise").peak_min == 30


def test_every_formulation_has_effects_in_time_order():
    assert set(EFFECTS["formulation"]) == set(FORMULATIONS)
    onset = EFFECTS["onset_min"].fillna(EFFECTS["peak_min"])
    assert (onset <= EFFECTS["peak_min"]).all()
    assert (EFFECTS["peak_min"] < EFFECTS["resolved_min"]).all()


def test_adverse_event_risks_match_the_published_percentages():
    # Ionescu et al. 2021 (ASPIRE II), Table 2: dissociation 44 (38.6 %) vs 9 (8.0 %).
    row = EVENTS[(EVENTS["trial"] == "ASPIRE II") & (EVENTS["event"] == "dissociation")].iloc[0]
    assert round(100 * row.risk_drug, 1) == 38.6
    assert round(100 * row.risk_control, 1) == 8.0
    assert row.number_needed_to_harm == pytest.approx(1 / (44 / 114 - 9 / 113))
    # Daly et al. 2019 (SUSTAIN-1), Table 3: dissociation 35 (23.0 %) vs 0.
    row = EVENTS[(EVENTS["trial"] == "SUSTAIN-1") & (EVENTS["event"] == "dissociation")].iloc[0]
    assert round(100 * row.risk_drug, 1) == 23.0
    assert row.events_control == 0


def test_number_needed_to_harm_is_infinite_without_an_excess():
    # Headache in ASPIRE II: 25 of 114 on esketamine, 26 of 113 on placebo.
    assert math.isinf(number_needed_to_harm(25, 114, 26, 113))
    assert number_needed_to_harm(2, 10, 1, 10) == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((5, 4, 1, 10), "events_drug between 0 and n_drug"),
        ((1, 10, 1, 0), "n_control must be at least 1"),
        ((-1, 10, 1, 10), "events_drug must be a whole number"),
        ((1.5, 10, 1, 10), "events_drug must be a whole number"),
        ((1, 10, True, 10), "events_control must be a whole number"),
    ],
)
def test_number_needed_to_harm_rejects_bad_counts(args, message):
    with pytest.raises(ValueError, match=message):
        number_needed_to_harm(*args)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"formulation": "pill"}, r"row 2, column 'formulation': must be one of"),
        ({"peak_min": ""}, r"row 2, column 'peak_min': is empty"),
        ({"resolved_min": "soon"}, r"row 2, column 'resolved_min': must be a number"),
        ({"resolved_min": "10"}, r"row 2: times must satisfy onset_min <= peak_min < resolved"),
        ({"citation_keys": ";"}, r"row 2, column 'citation_keys': names no key"),
    ],
)
def test_bad_acute_effect_rows_are_named(tmp_path, changes, message):
    raw = load_acute_effects().astype(str).replace("nan", "")
    with pytest.raises(SafetyDataError, match=message):
        load_acute_effects(csv_with_changes(tmp_path, raw, **changes))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"events_drug": "200"}, r"row 2, column 'events_drug': must be between 0 and n_drug"),
        ({"n_control": "many"}, r"row 2, column 'n_control': must be a whole number"),
        ({"event": " "}, r"row 2, column 'event': is empty"),
    ],
)
def test_bad_adverse_event_rows_are_named(tmp_path, changes, message):
    raw = load_adverse_events().iloc[:, :9].astype(str)
    with pytest.raises(SafetyDataError, match=message):
        load_adverse_events(csv_with_changes(tmp_path, raw, **changes))


def test_plasma_curves_peak_where_the_routes_do():
    # Lesson 5's model: an infusion peaks as it ends; the spray's absorption is set so its
    # peak falls at 30 min, inside the 20-40 min of the Spravato label.
    assert tmax_min(plasma_curve("racemic ketamine IV infusion")) == pytest.approx(40, abs=0.5)
    assert tmax_min(plasma_curve("esketamine nasal spray")) == pytest.approx(30, abs=1)


def test_fraction_of_peak_is_one_at_the_peak_and_falls_after():
    fractions = fraction_of_peak("racemic ketamine IV infusion", [40, 90, 240, 600])
    assert fractions[0] == pytest.approx(1.0, abs=1e-3)
    assert np.all(np.diff(fractions) < 0)


def test_bad_formulation_and_times_are_named():
    with pytest.raises(ValueError, match="formulation must be one of"):
        plasma_curve("oral tablet")
    with pytest.raises(ValueError, match="t_min must be at least 0"):
        fraction_of_peak("esketamine nasal spray", [-5])
    with pytest.raises(ValueError, match="trial must be one of"):
        plot_adverse_events("TRANSFORM-2")


@pytest.mark.parametrize("formulation", list(FORMULATIONS))
def test_acute_effects_figure_and_alt_text_agree(formulation):
    fig = plot_acute_effects(formulation)
    try:
        timeline = fig.axes[1]
        assert len(timeline.get_yticklabels()) == (EFFECTS["formulation"] == formulation).sum()
    finally:
        plt.close(fig)
    text = describe_acute_effects(formulation)
    for row in EFFECTS[EFFECTS["formulation"] == formulation].itertuples():
        assert f"{row.effect} peaks at {row.peak_min:g} min" in text


@pytest.mark.parametrize("trial", TRIALS)
def test_adverse_events_figure_lists_every_event(trial):
    fig = plot_adverse_events(trial)
    try:
        labels = {t.get_text() for t in fig.axes[0].get_yticklabels()}
    finally:
        plt.close(fig)
    assert labels == set(EVENTS.loc[EVENTS["trial"] == trial, "event"])
    assert "dissociation" in describe_adverse_events(trial)
