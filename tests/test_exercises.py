"""The exercise checkers: each accepts the lesson's answer, and meets typical wrong answers
with the hint meant for them.

The accepted answers are the numbers the lessons' solutions state (rounded as printed there);
the checkers recompute their own values from the models and data, so these tests fail if a
model and its lesson drift apart.
"""

from __future__ import annotations

import inspect
import re

import nbformat
import numpy as np
import pytest

from conftest import NOTEBOOKS
from ketamine_course import check
from ketamine_course.core.feedback import Feedback, checkers

LABEL = re.compile(r"^`{3,}\{exercise\}\n:label: (\S+)", re.M)

# Solutions' values, as the lessons print and state them.
ACCEPTED = {
    "history-gaps": dict(synthesis_to_trial_years=38, nmda_to_trial_years=17),
    "history-decades": dict(regulation_peak_decade=2020),
    "nmda-half-block": dict(v_half_1mM_mV=-20.5, v_half_2mM_mV=-9.3),
    "nmda-share": dict(nmda_share_at_minus70=0.18, nmda_share_at_minus20=0.72),
    "nmda-coincidence": dict(ratio_at_0ms=2.11, ratio_at_minus100ms=1.13),
    "ketamine-peak-block": dict(
        peak_uM=0.78, racemate_blocked=0.066, racemate_blocked_without_mg=0.61
    ),
    "ketamine-use-dependence": dict(blocked_at_1hz=0.043, blocked_at_20hz=0.345),
    "circuit-equal-sensitivity": dict(largest_ratio_default=2.37, largest_ratio_equal=1.0),
    "circuit-peak": dict(peak_conc_uM=2.1, below_baseline_above_uM=36),
    "pk-oral-equivalent": dict(oral_dose_factor=4.2),
    "pk-read-peak": dict(
        sublingual_peak_ng_per_ml=21.1,
        sublingual_tmax_min=45,
        intranasal_peak_ng_per_ml=18.0,
        intranasal_tmax_min=14,
    ),
    "pk-time-above": dict(infusion_min_above=50, bolus_min_above=46),
    "evidence-escape": dict(risk_ratio=1.53, risk_difference=0.094, number_needed_to_treat=10.6),
    "evidence-leave-out": dict(pooled_difference=-3.85, ci_low=-6.41, ci_high=-1.30),
    "appraisal-unblinding": dict(smallest_fraction=0.55, average_g_real_effect=0.30),
    "safety-nnh": dict(
        events_below_10=[
            "dissociation",
            "dizziness",
            "nausea",
            "somnolence",
            "vomiting",
            "sedation",
        ]
    ),
    "safety-time-course": dict(
        fraction_at_resolution={
            "dissociation": 0.62,
            "sedation": 0.62,
            "blood pressure rise": 0.22,
            "impaired thinking": 0.48,
        }
    ),
    "safety-blood-pressure": dict(nnh_under_65=12.6, nnh_aged_65_plus=6.6),
    "claims-within-hours": dict(fraction_left_at_24h=0.002, verdict="supported"),
    "claims-lasting": dict(
        nnt_stable_remitters=5.4, nnt_stable_responders=3.1, verdict="overstated"
    ),
    "claims-everyone": dict(
        share_without_outcome={
            "Su 2017 (0.5 mg/kg)": 0.54,
            "Su 2017 (0.2 mg/kg)": 0.61,
            "Grunebaum 2018": 0.45,
            "ELEKT-D": 0.45,
            "ESCAPE-TRD": 0.73,
        },
        verdict="wrong",
    ),
}


def answers(label: str, **changes) -> dict:
    return {**ACCEPTED[label], **changes}


# (exercise, wrong answers, a phrase of the hint the mistake should get)
MISTAKES = [
    ("history-gaps", answers("history-gaps", synthesis_to_trial_years=30), "FDA's approval"),
    ("history-gaps", dict(synthesis_to_trial_years=17, nmda_to_trial_years=38), "swapped"),
    ("history-gaps", answers("history-gaps", nmda_to_trial_years=-17), "wrong sign"),
    ("history-decades", dict(regulation_peak_decade=202), "Multiply by 10"),
    ("history-decades", dict(regulation_peak_decade=2010), "'regulation'"),
    ("nmda-half-block", dict(v_half_1mM_mV=-8.9, v_half_2mM_mV=-4.06), "base-10 logarithm"),
    ("nmda-half-block", dict(v_half_1mM_mV=-0.0205, v_half_2mM_mV=-0.0093), "volts"),
    ("nmda-half-block", answers("nmda-half-block", v_half_1mM_mV=20.5), "wrong sign"),
    ("nmda-share", dict(nmda_share_at_minus70=18, nmda_share_at_minus20=72), "percentage"),
    ("nmda-share", dict(nmda_share_at_minus70=0.83, nmda_share_at_minus20=0.83), "magnesium"),
    ("nmda-share", dict(nmda_share_at_minus70=0.22, nmda_share_at_minus20=2.54), "AMPA + NMDA"),
    ("nmda-coincidence", dict(ratio_at_0ms=1.13, ratio_at_minus100ms=2.11), "swapped"),
    ("nmda-coincidence", dict(ratio_at_0ms=1.39, ratio_at_minus100ms=0.74), "charges in pC"),
    ("ketamine-peak-block", answers("ketamine-peak-block", peak_uM=0.67), "hydrochloride"),
    ("ketamine-peak-block", answers("ketamine-peak-block", peak_uM=778), "factor of 1000"),
    (
        "ketamine-peak-block",
        answers("ketamine-peak-block", racemate_blocked=0.934, racemate_blocked_without_mg=0.39),
        "unblocked fractions",
    ),
    (
        "ketamine-peak-block",
        answers("ketamine-peak-block", racemate_blocked=0.036, racemate_blocked_without_mg=0.45),
        "free concentration",
    ),
    (
        "ketamine-peak-block",
        answers("ketamine-peak-block", racemate_blocked=0.104, racemate_blocked_without_mg=0.72),
        "half the total",
    ),
    (
        "ketamine-peak-block",
        answers("ketamine-peak-block", racemate_blocked=0.61),
        "without Mg",
    ),
    (
        "ketamine-use-dependence",
        dict(blocked_at_1hz=0.070, blocked_at_20hz=0.039),
        "default protocol",
    ),
    (
        "circuit-equal-sensitivity",
        answers("circuit-equal-sensitivity", largest_ratio_default=5.65),
        "spikes per second",
    ),
    ("circuit-peak", answers("circuit-peak", below_baseline_above_uM=10), "above the peak"),
    ("pk-oral-equivalent", dict(oral_dose_factor=0.24), "bioavailability F itself"),
    ("pk-oral-equivalent", dict(oral_dose_factor=0.76), "(1 − F)"),
    (
        "pk-read-peak",
        answers("pk-read-peak", sublingual_peak_ng_per_ml=72.8, intranasal_peak_ng_per_ml=138.5),
        "did you apply the bioavailability",
    ),
    (
        "pk-read-peak",
        answers("pk-read-peak", sublingual_peak_ng_per_ml=1478, intranasal_peak_ng_per_ml=1260),
        "not mg/kg",
    ),
    ("pk-time-above", dict(infusion_min_above=46, bolus_min_above=50), "swapped"),
    ("pk-time-above", dict(infusion_min_above=0, bolus_min_above=4.5), "250 ng/mL"),
    ("evidence-escape", answers("evidence-escape", risk_ratio=0.43), "log of the risk ratio"),
    ("evidence-escape", answers("evidence-escape", risk_difference=9.4), "percentage"),
    ("evidence-escape", answers("evidence-escape", number_needed_to_treat=0.106), "not in percent"),
    (
        "evidence-leave-out",
        dict(pooled_difference=-3.91, ci_low=-5.94, ci_high=-1.88),
        "all three TRANSFORM trials",
    ),
    ("evidence-leave-out", answers("evidence-leave-out", pooled_difference=3.85), "wrong sign"),
    ("appraisal-unblinding", answers("appraisal-unblinding", smallest_fraction=0.5), "just short"),
    ("appraisal-unblinding", answers("appraisal-unblinding", smallest_fraction=55), "percentage"),
    (
        "safety-nnh",
        dict(events_below_10=[*ACCEPTED["safety-nnh"]["events_below_10"], "vertigo"]),
        "from SUSTAIN-1",
    ),
    (
        "safety-nnh",
        dict(events_below_10=[*ACCEPTED["safety-nnh"]["events_below_10"], "anxiety"]),
        "10 or more",
    ),
    ("safety-nnh", dict(events_below_10=["dissociation", "nausea"]), "missing 4"),
    ("safety-nnh", dict(events_below_10="dissociation"), "list of names"),
    (
        "safety-time-course",
        dict(
            fraction_at_resolution={
                "dissociation": 0.97,
                "sedation": 0.98,
                "blood pressure rise": 0.97,
                "impaired thinking": 0.97,
            }
        ),
        "when each effect peaks",
    ),
    (
        "safety-time-course",
        dict(fraction_at_resolution={"dissociation": 0.62}),
        "no value for",
    ),
    (
        "safety-blood-pressure",
        dict(nnh_under_65=11.9, nnh_aged_65_plus=6.0),
        "1 / risk on esketamine",
    ),
    (
        "claims-within-hours",
        answers("claims-within-hours", fraction_left_at_24h=0.0),
        "takes days, not hours",
    ),
    (
        "claims-within-hours",
        answers("claims-within-hours", verdict="wrong"),
        "most found a benefit",
    ),
    ("claims-within-hours", answers("claims-within-hours", verdict="maybe"), "should be one of"),
    (
        "claims-lasting",
        answers("claims-lasting", nnt_stable_remitters=-5.4, nnt_stable_responders=-3.1),
        "wrong sign",
    ),
    ("claims-lasting", answers("claims-lasting", verdict="supported"), "half of remitters"),
    ("claims-everyone", answers("claims-everyone", verdict="overstated"), "contradicted"),
    (
        "claims-everyone",
        answers(
            "claims-everyone",
            share_without_outcome={
                trial: 1 - share
                for trial, share in ACCEPTED["claims-everyone"]["share_without_outcome"].items()
            },
        ),
        "reached the outcome",
    ),
]


def code_exercises() -> set[str]:
    """Labels of the exercises whose solution contains code (a code cell or a Python block)."""
    labels = set()
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        for index, cell in enumerate(cells):
            found = LABEL.findall(cell.source) if cell.cell_type == "markdown" else []
            solution = [
                c for c in cells[index + 1 : index + 5] if "solution" in c.metadata.get("tags", [])
            ]
            if found and any(c.cell_type == "code" or "```python" in c.source for c in solution):
                labels.add(found[0])
    return labels


def test_every_code_exercise_has_a_checker_and_every_checker_an_exercise():
    assert set(checkers()) == code_exercises() == set(ACCEPTED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_code_exercise_is_followed_by_an_answer_cell_for_its_checker(path):
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        found = LABEL.findall(cell.source) if cell.cell_type == "markdown" else []
        if not found or found[0] not in checkers():
            continue
        label = found[0]
        answer = notebook.cells[index + 1]
        assert answer.cell_type == "code", label
        assert "solution" not in answer.metadata.get("tags", []), label
        assert f'check(\n    "{label}"' in answer.source or f'check("{label}"' in answer.source
        names = set(re.findall(r"(\w+)=\.\.\.", answer.source))
        assert names == set(inspect.signature(checkers()[label]).parameters), label


@pytest.mark.parametrize("label", sorted(ACCEPTED))
def test_checker_accepts_the_lessons_answer(label):
    feedback = check(label, **ACCEPTED[label])
    assert feedback.correct, feedback.message
    assert str(feedback).startswith("Correct.")


@pytest.mark.parametrize(
    ("label", "given", "hint"), MISTAKES, ids=[f"{m[0]}-{m[2][:20]}" for m in MISTAKES]
)
def test_checker_rejects_a_typical_mistake_with_its_hint(label, given, hint):
    feedback = check(label, **given)
    assert feedback.status == "incorrect"
    assert hint in feedback.message


NUMERIC = sorted(
    label
    for label, given in ACCEPTED.items()
    if any(isinstance(value, (int, float)) for value in given.values())
)


@pytest.mark.parametrize("label", NUMERIC)
def test_any_wrong_number_gets_a_hint_not_just_wrong(label):
    """An unforeseen wrong value still names the answer and says what to look at."""
    given = dict(ACCEPTED[label])
    name, value = next((k, v) for k, v in given.items() if isinstance(v, (int, float)))
    given[name] = value * 1.37 + 0.77
    feedback = check(label, **given)
    assert not feedback.correct
    assert f"`{name}`" in feedback.message
    assert len(feedback.message.split()) >= 8


def test_numpy_scalars_and_one_element_arrays_count_as_numbers():
    feedback = check("nmda-half-block", v_half_1mM_mV=np.float64(-20.5), v_half_2mM_mV=[-9.3])
    assert feedback.correct


def test_unanswered_values_say_so():
    feedback = check("nmda-half-block", v_half_1mM_mV=..., v_half_2mM_mV=-9.3)
    assert feedback.status == "unanswered"
    assert "Replace each `...`" in feedback.message


def test_none_is_explained_not_taken_for_unanswered():
    feedback = check("nmda-half-block", v_half_1mM_mV=None, v_half_2mM_mV=-9.3)
    assert feedback.status == "incorrect"
    assert "`v_half_1mM_mV` is None" in feedback.message


@pytest.mark.parametrize(
    ("value", "phrase"),
    [("minus twenty", "should be a number"), ([1, 2], "single number"), (np.nan, "finite")],
)
def test_values_that_are_not_numbers_are_explained(value, phrase):
    feedback = check("nmda-half-block", v_half_1mM_mV=value, v_half_2mM_mV=-9.3)
    assert feedback.status == "incorrect"
    assert phrase in feedback.message and "`v_half_1mM_mV`" in feedback.message


def test_unknown_exercise_names_the_valid_ones():
    with pytest.raises(ValueError, match="exercise must be one of .*nmda-half-block"):
        check("nmda-half-blok", v_half_1mM_mV=-20.5)


def test_wrong_answer_names_are_listed():
    with pytest.raises(ValueError, match="takes the answers v_half_1mM_mV, v_half_2mM_mV"):
        check("nmda-half-block", v_half=-20.5, v_half_2mM_mV=-9.3)


def test_feedback_displays_as_an_escaped_status_box():
    feedback = Feedback("x", "incorrect", "`a` < b & c")
    html = feedback._repr_html_()
    assert 'role="status"' in html and "kc-feedback-wrong" in html
    assert "<code>a</code> &lt; b &amp; c" in html
    assert "Not yet." in html
    assert "kc-feedback-correct" in Feedback("x", "correct", "ok")._repr_html_()


@pytest.mark.book
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_book_shows_each_answer_cell_waiting_and_each_solution_checked(built_html, path):
    """In the book every answer cell says "No answer yet" and every executed solution,
    checked by its own checker, says "Correct" (inside the hidden solution)."""
    calls_check = re.compile(r"(?<![\w.])check\(")
    page = (built_html / "notebooks" / f"{path.stem}.html").read_text()
    cells = nbformat.read(path, as_version=4).cells
    answers = sum(
        1
        for cell in cells
        if cell.cell_type == "code"
        and "solution" not in cell.metadata.get("tags", [])
        and calls_check.search(cell.source)
    )
    solutions = sum(
        1
        for cell in cells
        if cell.cell_type == "code"
        and "solution" in cell.metadata.get("tags", [])
        and calls_check.search(cell.source)
    )
    assert answers >= 1
    assert page.count('class="kc-feedback kc-feedback-pending"') == answers
    assert page.count('class="kc-feedback kc-feedback-correct"') == solutions
    assert "<strong>Not yet.</strong>" not in page
