"""Automatic feedback for the lessons' code exercises.

Each code exercise in a lesson ends with a cell such as::

    check("nmda-half-block", v_half_1mM_mV=..., v_half_2mM_mV=...)

A student replaces each ``...`` with a value and runs the cell. The checker
recomputes the answer from the course's models and data (so it follows them if
they change), says whether the student's values match and, when they do not,
names the most likely mistake: a value given in percent, a sign flipped, two
answers swapped, or a mistake typical of that exercise (a missing
bioavailability, hours passed where days are expected). It never answers just
"wrong", and it does not print the expected value.
"""

from __future__ import annotations

import html
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
import pandas as pd

__all__ = ["EXERCISES", "Answer", "Feedback", "Mistake", "check", "grade"]

CORRECT, INCORRECT, UNANSWERED = "correct", "incorrect", "unanswered"


@dataclass(frozen=True)
class Feedback:
    """What a checker says about an answer.

    ``status`` is ``"correct"``, ``"incorrect"`` or ``"unanswered"`` (some value
    is still ``...``). Displays as a colored box in a notebook and as one line
    of text elsewhere.
    """

    exercise: str
    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    @property
    def verdict(self) -> str:
        return {CORRECT: "Correct.", INCORRECT: "Not yet.", UNANSWERED: "No answer yet."}[
            self.status
        ]

    def __str__(self) -> str:
        return f"{self.verdict} {self.message}"

    def _repr_html_(self) -> str:
        css = {CORRECT: "kc-feedback-correct", INCORRECT: "kc-feedback-wrong"}.get(
            self.status, "kc-feedback-pending"
        )
        # `name` in a message becomes <code>name</code>; everything else is escaped.
        body = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(self.message))
        return (
            f'<p class="kc-feedback {css}" role="status"><strong>{self.verdict}</strong> {body}</p>'
        )


@dataclass(frozen=True)
class Answer:
    """One numeric answer an exercise asks for.

    Parameters
    ----------
    name
        The keyword the student passes to :func:`check`.
    expected
        The course's value, recomputed from the models or data.
    tolerance
        Largest accepted absolute difference from ``expected``; chosen so that
        values rounded as the lesson rounds them pass.
    hint
        What to look at when the value is off and no listed mistake explains it.
    fraction
        Whether the answer is a fraction between 0 and 1 (so that a percentage
        given instead can be recognized).
    """

    name: str
    expected: float
    tolerance: float
    hint: str
    fraction: bool = False

    def matches(self, value: float, target: float | None = None) -> bool:
        target = self.expected if target is None else target
        return abs(value - target) <= self.tolerance


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: the values it gives, and the hint that explains it.

    ``values`` maps answer names to what the mistake produces; an answer matches
    the mistake when every listed value agrees within that answer's tolerance.
    """

    values: Mapping[str, float]
    hint: str


#: The checker of each exercise, by the exercise's label in its lesson.
EXERCISES: dict[str, Callable[..., Feedback]] = {}

# The answers last passed to check() in this Python session, by exercise: what a graded
# assignment's hidden test checks again, so that the tests hold no copy of the answers.
_last_answers: dict[str, dict[str, object]] = {}


def _checker(label: str) -> Callable[[Callable[..., Feedback]], Callable[..., Feedback]]:
    def register(function: Callable[..., Feedback]) -> Callable[..., Feedback]:
        EXERCISES[label] = function
        return function

    return register


def check(exercise: str, **answers: object) -> Feedback:
    """Check the answers to a lesson's code exercise.

    Parameters
    ----------
    exercise
        The exercise's label, as printed above it in the lesson (e.g.
        ``"nmda-half-block"``).
    **answers
        The values the exercise asks for, by name. A value left as ``...``
        counts as not answered yet.

    Returns
    -------
    Feedback
        Whether the answers are right and, if not, a hint about what is likely wrong.
    """
    if exercise not in EXERCISES:
        raise ValueError(f"exercise must be one of {sorted(EXERCISES)}, got {exercise!r}")
    checker = EXERCISES[exercise]
    names = list(inspect.signature(checker).parameters)
    if sorted(answers) != sorted(names):
        raise ValueError(
            f"exercise {exercise!r} takes the answers {', '.join(names)}; "
            f"got {', '.join(answers) or 'none'}"
        )
    _last_answers[exercise] = dict(answers)
    if any(value is ... for value in answers.values()):
        return Feedback(
            exercise,
            UNANSWERED,
            "Replace each `...` with your value, then run the cell again.",
        )
    for name, value in answers.items():
        if value is None:
            return Feedback(
                exercise,
                INCORRECT,
                f"`{name}` is None: assign the value itself (a function that only prints "
                "its result returns None).",
            )
    return checker(**answers)


def grade(exercise: str) -> Feedback:
    """Check again the answers last passed to ``check(exercise, ...)`` in this session.

    The hidden test of a graded assignment (``make assignments``) calls this after the
    student's answer cell, so the grade comes from the same checker, and the same reference
    values, as the feedback the student saw.

    Raises
    ------
    AssertionError
        With the checker's feedback, unless the answers are correct; or saying that no
        answer was given, when ``check(exercise, ...)`` never ran.
    """
    if exercise not in EXERCISES:
        raise ValueError(f"exercise must be one of {sorted(EXERCISES)}, got {exercise!r}")
    if exercise not in _last_answers:
        raise AssertionError(
            f'No answer: check("{exercise}", ...) did not run (its cell was deleted, not run, '
            "or raised before it)."
        )
    feedback = check(exercise, **_last_answers[exercise])
    if not feedback.correct:
        raise AssertionError(str(feedback))
    return feedback


def _number(name: str, value: object) -> float | str:
    """``value`` as a float, or the message explaining why it is not a number."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return f"`{name}` should be a number, but it is {value!r}."
    if array.size != 1:
        return f"`{name}` should be a single number, but it holds {array.size} values."
    number = float(array.reshape(()))
    if not np.isfinite(number):
        return f"`{name}` should be a finite number, but it is {number}."
    return number


def _direction(value: float, expected: float) -> str:
    if expected != 0 and np.sign(value) == np.sign(expected):
        ratio = value / expected
        if ratio >= 1.5 or ratio <= 1 / 1.5:
            return f"is about {ratio:.2g} times the course's value"
    return "is too high" if value > expected else "is too low"


def _check_numbers(
    exercise: str,
    given: Mapping[str, object],
    answers: Iterable[Answer],
    mistakes: Iterable[Mistake] = (),
    *,
    success: str,
) -> Feedback:
    """Compare numeric answers with the course's values and diagnose the difference."""
    answers = list(answers)
    values: dict[str, float] = {}
    for answer in answers:
        number = _number(answer.name, given[answer.name])
        if isinstance(number, str):
            return Feedback(exercise, INCORRECT, number)
        values[answer.name] = number
    if all(answer.matches(values[answer.name]) for answer in answers):
        return Feedback(exercise, CORRECT, success)

    by_name = {answer.name: answer for answer in answers}
    for mistake in mistakes:
        if all(
            by_name[name].matches(values[name], wrong) for name, wrong in mistake.values.items()
        ):
            return Feedback(exercise, INCORRECT, mistake.hint)

    for position, first in enumerate(answers):
        for second in answers[position + 1 :]:
            if (
                not first.matches(values[first.name])
                and first.matches(values[first.name], second.expected)
                and second.matches(values[second.name], first.expected)
            ):
                return Feedback(
                    exercise,
                    INCORRECT,
                    f"`{first.name}` and `{second.name}` look swapped: check which value "
                    "belongs to which name.",
                )

    for answer in answers:
        value = values[answer.name]
        if answer.matches(value):
            continue
        if answer.fraction and answer.matches(value / 100):
            message = (
                f"`{answer.name}` looks like a percentage: give it as a fraction between 0 "
                "and 1 (0.25 for 25 %)."
            )
        elif answer.expected != 0 and answer.matches(-value):
            message = f"`{answer.name}` has the wrong sign. {answer.hint}"
        elif answer.expected != 0 and any(answer.matches(value / k) for k in (1e3, 1e-3)):
            message = f"`{answer.name}` is off by a factor of 1000: check its units."
        else:
            message = f"`{answer.name}` {_direction(value, answer.expected)}. {answer.hint}"
        return Feedback(exercise, INCORRECT, message)
    raise AssertionError("unreachable: some answer did not match")  # pragma: no cover


def _check_names(
    exercise: str,
    name: str,
    given: object,
    expected: Iterable[str],
    *,
    extra_hints: Mapping[str, str] = (),
    missing_hint: str,
    success: str,
) -> Feedback:
    """Compare a collection of names (events, trials) with the expected set."""
    if isinstance(given, str) or not isinstance(given, Iterable):
        return Feedback(
            exercise, INCORRECT, f"`{name}` should be a list of names, but it is {given!r}."
        )
    chosen = {str(item).strip() for item in given}
    expected = set(expected)
    if chosen == expected:
        return Feedback(exercise, CORRECT, success)
    extra = sorted(chosen - expected)
    extra_hints = dict(extra_hints)
    for item in extra:
        if item in extra_hints:
            return Feedback(exercise, INCORRECT, extra_hints[item])
    if extra:
        return Feedback(
            exercise,
            INCORRECT,
            f"`{name}` includes {', '.join(repr(i) for i in extra)}, which does not belong: "
            "check the condition you filtered on and the spelling of each name.",
        )
    missing = len(expected - chosen)
    return Feedback(exercise, INCORRECT, f"`{name}` is missing {missing} name(s). {missing_hint}")


def _check_fractions(
    exercise: str,
    name: str,
    given: object,
    expected: Mapping[str, float],
    *,
    keys: str,
    hint: str,
    mistake: tuple[Mapping[str, float], str] | None = None,
    success: str,
) -> Feedback:
    """Compare a dict of fractions (one per effect, trial...) with the expected values.

    ``keys`` says what the dict's keys are, for the messages; ``mistake`` is a typical
    wrong dict and the hint it gets.
    """
    if not isinstance(given, Mapping):
        return Feedback(
            exercise, INCORRECT, f"`{name}` should be a dict from {keys} to a fraction."
        )
    missing = sorted(set(expected) - set(given))
    if missing:
        return Feedback(
            exercise,
            INCORRECT,
            f"`{name}` has no value for {', '.join(map(repr, missing))}: give one for each {keys}.",
        )

    def entry(key: str) -> str:
        return f"{name}[{key!r}]"

    return _check_numbers(
        exercise,
        {entry(key): given[key] for key in expected},
        [Answer(entry(key), value, 0.02, hint, fraction=True) for key, value in expected.items()],
        [Mistake({entry(key): value for key, value in mistake[0].items()}, mistake[1])]
        if mistake
        else [],
        success=success,
    )


def _check_verdict(exercise: str, verdict: object, expected: str, hints: Mapping[str, str]):
    """Compare a claim verdict with the course's, or ``None`` when it matches."""
    from ketamine_course.claims import VERDICTS

    given = str(verdict).strip().lower()
    if given not in VERDICTS:
        return Feedback(
            exercise,
            INCORRECT,
            f"`verdict` should be one of {', '.join(VERDICTS)}, but it is {verdict!r}.",
        )
    if given != expected:
        return Feedback(exercise, INCORRECT, hints[given])
    return None


# -- Lesson 1: history --------------------------------------------------------


@cache
def _timeline() -> pd.DataFrame:
    from ketamine_course.history import load_timeline

    return load_timeline()


@_checker("history-gaps")
def _history_gaps(synthesis_to_trial_years, nmda_to_trial_years) -> Feedback:
    year = _timeline().set_index("label")["year"]
    trial = year["First placebo-controlled trial"]
    approval = year["FDA approves ketamine"]
    return _check_numbers(
        "history-gaps",
        locals(),
        [
            Answer(
                "synthesis_to_trial_years",
                round(trial - year["Stevens makes CI-581"]),
                0.6,
                'Subtract the year of "Stevens makes CI-581" from that of "First '
                'placebo-controlled trial".',
            ),
            Answer(
                "nmda_to_trial_years",
                round(trial - year["Ketamine blocks NMDA receptors"]),
                0.6,
                'Subtract the year of "Ketamine blocks NMDA receptors" from that of the trial.',
            ),
        ],
        [
            Mistake(
                {"synthesis_to_trial_years": round(trial - approval)},
                "That is the gap from the FDA's approval (1970), not from the synthesis of "
                'CI-581: pick the row labeled "Stevens makes CI-581".',
            )
        ],
        success="The NMDA finding came much closer to the trial than the synthesis did.",
    )


@_checker("history-decades")
def _history_decades(regulation_peak_decade) -> Feedback:
    events = _timeline()
    decades = (events["year"] // 10 * 10).astype(int)
    counts = pd.crosstab(events["theme"], decades)
    peak = int(counts.loc["regulation"].idxmax())
    given = regulation_peak_decade
    if isinstance(given, str) and re.fullmatch(r"\s*\d{4}s\s*", given):
        given = int(given.strip()[:4])
    most_events = int(counts.sum().idxmax())
    return _check_numbers(
        "history-decades",
        {"regulation_peak_decade": given},
        [
            Answer(
                "regulation_peak_decade",
                peak,
                0.5,
                "Count only the events whose theme is 'regulation', and give the decade's "
                "first year (1990 for the 1990s).",
            )
        ],
        [
            Mistake(
                {"regulation_peak_decade": peak // 10},
                "Multiply by 10 again: `year // 10 * 10` gives the decade's first year.",
            ),
            *(
                [
                    Mistake(
                        {"regulation_peak_decade": most_events},
                        "That is the decade with the most events of all themes: count only "
                        "the 'regulation' row of the table.",
                    )
                ]
                if most_events != peak
                else []
            ),
        ],
        success="Regulation events cluster there, after the depression trials and the "
        "reports of bladder harm.",
    )


# -- Lesson 2: glutamate and the NMDA receptor --------------------------------


@_checker("nmda-half-block")
def _nmda_half_block(v_half_1mM_mV, v_half_2mM_mV) -> Feedback:
    from ketamine_course.receptors import JAHR_STEVENS_1990 as JAHR_STEVENS

    def half(mg_mM: float, log=np.log) -> float:
        return float(log(mg_mM / JAHR_STEVENS.k_mM) / JAHR_STEVENS.slope_per_mV)

    hint = (
        "Find where `mg_unblocked_fraction(v, mg_mM)` equals 0.5 on a fine grid of voltages "
        "(steps of 0.01 mV)."
    )
    return _check_numbers(
        "nmda-half-block",
        locals(),
        [
            Answer("v_half_1mM_mV", half(1.0), 0.15, hint),
            Answer("v_half_2mM_mV", half(2.0), 0.15, hint),
        ],
        [
            Mistake(
                {"v_half_1mM_mV": half(1.0, np.log10), "v_half_2mM_mV": half(2.0, np.log10)},
                "Those values come from a base-10 logarithm: the equation uses the natural "
                "logarithm (`np.log`).",
            ),
            Mistake(
                {"v_half_1mM_mV": half(1.0) / 1000, "v_half_2mM_mV": half(2.0) / 1000},
                "Those look like volts: the model works in millivolts.",
            ),
        ],
        success="Doubling the magnesium concentration shifts the half-block voltage by "
        "ln 2 / 0.062, about 11 mV, toward depolarization.",
    )


@cache
def _nmda_shares() -> dict[str, float]:
    from scipy.integrate import trapezoid

    from ketamine_course.receptors import AMPA, NMDA, mg_unblocked_fraction, open_fraction

    t = np.linspace(0, 300, 3001)
    shares = {}
    for v in (-70, -20):
        ampa = trapezoid(10 * open_fraction(AMPA, t) * v, t)
        nmda_unblocked = trapezoid(20 * open_fraction(NMDA, t) * v, t)
        nmda = nmda_unblocked * float(mg_unblocked_fraction(v))
        shares[f"share_{-v}"] = nmda / (ampa + nmda)
        shares[f"no_block_{-v}"] = nmda_unblocked / (ampa + nmda_unblocked)
        shares[f"ratio_{-v}"] = nmda / ampa
    return shares


@_checker("nmda-share")
def _nmda_share(nmda_share_at_minus70, nmda_share_at_minus20) -> Feedback:
    s = _nmda_shares()
    hint = (
        "The share is NMDA charge / (AMPA charge + NMDA charge), each integrated over 300 ms "
        "with the conductances of the figure (10 nS AMPA, 20 nS NMDA)."
    )
    return _check_numbers(
        "nmda-share",
        locals(),
        [
            Answer("nmda_share_at_minus70", s["share_70"], 0.01, hint, fraction=True),
            Answer("nmda_share_at_minus20", s["share_20"], 0.01, hint, fraction=True),
        ],
        [
            Mistake(
                {"nmda_share_at_minus70": s["no_block_70"]},
                "Without magnesium block the NMDA share would be the same at every voltage: "
                "did you multiply the NMDA current by `mg_unblocked_fraction(v)`?",
            ),
            Mistake(
                {"nmda_share_at_minus70": s["ratio_70"], "nmda_share_at_minus20": s["ratio_20"]},
                "Those are NMDA charge / AMPA charge: the share divides by the total, AMPA + NMDA.",
            ),
        ],
        success="Even at −70 mV, the slow NMDA current carries a real part of the charge; "
        "at −20 mV it carries most of it.",
    )


@_checker("nmda-coincidence")
def _nmda_coincidence(ratio_at_0ms, ratio_at_minus100ms) -> Feedback:
    from ketamine_course.circuit import simulate_coincidence

    alone = simulate_coincidence(None).nmda_charge_pC
    at_0 = simulate_coincidence(0).nmda_charge_pC
    at_minus100 = simulate_coincidence(-100).nmda_charge_pC
    hint = (
        "Divide the NMDA charge (`.nmda_charge_pC`) of each run by that of "
        "`simulate_coincidence(None)`, the release alone."
    )
    return _check_numbers(
        "nmda-coincidence",
        locals(),
        [
            Answer("ratio_at_0ms", at_0 / alone, 0.02, hint),
            Answer("ratio_at_minus100ms", at_minus100 / alone, 0.02, hint),
        ],
        [
            Mistake(
                {"ratio_at_0ms": at_0, "ratio_at_minus100ms": at_minus100},
                "Those are charges in pC: divide each by the charge of the release alone to "
                "get a ratio.",
            )
        ],
        success="Depolarization helps only while glutamate is bound, hence the asymmetric "
        "timing rule.",
    )


# -- Lesson 3: how ketamine blocks the NMDA receptor --------------------------


@_checker("ketamine-peak-block")
def _ketamine_peak_block(peak_uM, racemate_blocked, racemate_blocked_without_mg) -> Feedback:  # noqa: N803
    from ketamine_course.receptors import (
        KETAMINE_MOLAR_MASS_G_PER_MOL,
        RACEMATE,
        fraction_blocked,
        ng_per_ml_to_uM,
    )

    peak = float(ng_per_ml_to_uM(185))
    in_mg = float(fraction_blocked(peak, RACEMATE))
    without_mg = float(fraction_blocked(peak, RACEMATE, mg_mM=0))
    hydrochloride_g_per_mol = KETAMINE_MOLAR_MASS_G_PER_MOL + 36.46  # plus HCl
    block_hint = (
        "Use `fraction_blocked(peak_uM, RACEMATE)` with the total concentration in µM: in the "
        "brain's 1 mM Mg²⁺ (the default), then with `mg_mM=0`."
    )
    return _check_numbers(
        "ketamine-peak-block",
        locals(),
        [
            Answer(
                "peak_uM",
                peak,
                0.01,
                "Convert 185 ng/mL with `ng_per_ml_to_uM`: ng/mL divided by the molar mass "
                "in g/mol gives µM.",
            ),
            Answer("racemate_blocked", in_mg, 0.01, block_hint, fraction=True),
            Answer("racemate_blocked_without_mg", without_mg, 0.01, block_hint, fraction=True),
        ],
        [
            Mistake(
                {"peak_uM": 185 / hydrochloride_g_per_mol},
                "That uses the molar mass of ketamine hydrochloride: plasma levels are of the "
                "base, 237.7 g/mol.",
            ),
            Mistake(
                {"racemate_blocked": 1 - in_mg, "racemate_blocked_without_mg": 1 - without_mg},
                "Those are the unblocked fractions: `fraction_blocked` already gives the "
                "share of receptors blocked.",
            ),
            Mistake(
                {
                    "racemate_blocked": float(fraction_blocked(0.53 * peak, RACEMATE)),
                    "racemate_blocked_without_mg": float(
                        fraction_blocked(0.53 * peak, RACEMATE, mg_mM=0)
                    ),
                },
                "Those use the free concentration: the exercise asks here for the block at "
                "the total concentration.",
            ),
            Mistake(
                {
                    "racemate_blocked": float(fraction_blocked(peak, "S-ketamine")),
                    "racemate_blocked_without_mg": float(
                        fraction_blocked(peak, "S-ketamine", mg_mM=0)
                    ),
                },
                "Those apply S-ketamine's potency to the whole concentration, as if the "
                "infusion were pure S-ketamine: in the racemate each enantiomer is half the "
                "total. Use `RACEMATE`.",
            ),
            Mistake(
                {"racemate_blocked": without_mg},
                "That is the block without Mg²⁺: `fraction_blocked` assumes the brain's 1 mM "
                "Mg²⁺ unless you pass `mg_mM=0`, which only the second answer asks for.",
            ),
        ],
        success="In the brain's Mg²⁺ the racemate blocks several times fewer receptors than "
        "the Mg²⁺-free potency suggests: Mg²⁺ competes with ketamine for the pore.",
    )


@_checker("ketamine-use-dependence")
def _ketamine_use_dependence(blocked_at_1hz, blocked_at_20hz) -> Feedback:
    from ketamine_course.receptors import simulate_trapping_block

    def blocked(hz: float, **protocol: float) -> float:
        return float(simulate_trapping_block(1.0, hz, **protocol).blocked[-1])

    exercise_protocol = dict(drug_s=30, rest_s=0, washout_stimulus_s=0)
    hint = (
        "Run `simulate_trapping_block(1.0, hz, drug_s=30, rest_s=0, washout_stimulus_s=0)` "
        "and read `.blocked[-1]`."
    )
    return _check_numbers(
        "ketamine-use-dependence",
        locals(),
        [
            Answer("blocked_at_1hz", blocked(1.0, **exercise_protocol), 0.005, hint, True),
            Answer("blocked_at_20hz", blocked(20.0, **exercise_protocol), 0.005, hint, True),
        ],
        [
            Mistake(
                {"blocked_at_1hz": blocked(1.0), "blocked_at_20hz": blocked(20.0)},
                "Those come from the default protocol, which ends with a washout: set "
                "`drug_s=30, rest_s=0, washout_stimulus_s=0` to end right after the drug.",
            )
        ],
        success="Ketamine enters only open channels, so block builds far faster when they "
        "open often.",
    )


# -- Lesson 4: from synapse to circuit ----------------------------------------


def _largest_and_baseline_rate(params) -> tuple[float, float]:
    """Largest steady excitatory rate over 0.01–100 µM, and the drug-free rate."""
    from ketamine_course.circuit import steady_rates

    excitatory, _ = steady_rates(np.logspace(-2, 2, 81), params)
    baseline, _ = steady_rates(0.0, params)
    return float(excitatory.max()), float(baseline)


@_checker("circuit-equal-sensitivity")
def _circuit_equal_sensitivity(largest_ratio_default, largest_ratio_equal) -> Feedback:
    from ketamine_course.circuit import DEFAULT_CIRCUIT

    largest, baseline = _largest_and_baseline_rate(DEFAULT_CIRCUIT)
    equal = replace(DEFAULT_CIRCUIT, block_half_i_uM=DEFAULT_CIRCUIT.block_half_e_uM)
    largest_equal, baseline_equal = _largest_and_baseline_rate(equal)
    hint = (
        "Divide the largest steady excitatory rate over 0.01–100 µM by the drug-free rate "
        "(`steady_rates(0.0, params)`)."
    )
    return _check_numbers(
        "circuit-equal-sensitivity",
        locals(),
        [
            Answer("largest_ratio_default", largest / baseline, 0.05, hint),
            Answer("largest_ratio_equal", largest_equal / baseline_equal, 0.05, hint),
        ],
        [
            Mistake(
                {"largest_ratio_default": largest},
                "That is the largest rate itself, in spikes per second: divide it by the "
                "drug-free rate.",
            )
        ],
        success="With equal sensitivity the surge disappears: the model shows disinhibition "
        "follows from interneurons being more sensitive, not why they are.",
    )


@_checker("circuit-peak")
def _circuit_peak(peak_conc_uM, below_baseline_above_uM) -> Feedback:
    from ketamine_course.circuit import steady_rates

    conc = np.logspace(-2, 3, 2001)
    excitatory, _ = steady_rates(conc)
    baseline, _ = steady_rates(0.0)
    peak = float(conc[np.argmax(excitatory)])
    below = float(conc[(conc > peak) & (excitatory < baseline)][0])
    return _check_numbers(
        "circuit-peak",
        locals(),
        [
            Answer(
                "peak_conc_uM",
                peak,
                0.05 * peak,
                "Evaluate `steady_rates` on a fine logarithmic grid (e.g. "
                "`np.logspace(-2, 3, 2001)`) and take the concentration of the largest rate.",
            ),
            Answer(
                "below_baseline_above_uM",
                below,
                0.05 * below,
                "Look above the peak for the first concentration whose rate is below the "
                "drug-free rate, `steady_rates(0.0)`.",
            ),
        ],
        success="Excitation rises at low concentrations and falls below baseline at "
        "anesthetic ones, as the microdialysis study found with dose.",
    )


# -- Lesson 5: routes and pharmacokinetics ------------------------------------


@_checker("pk-oral-equivalent")
def _pk_oral_equivalent(oral_dose_factor) -> Feedback:
    from ketamine_course.pharmacokinetics import ROUTES

    bioavailability = ROUTES["oral"].bioavailability
    return _check_numbers(
        "pk-oral-equivalent",
        locals(),
        [
            Answer(
                "oral_dose_factor",
                1 / bioavailability,
                0.05,
                "Exposure is F × dose / clearance, and clearance is the same for both routes.",
            )
        ],
        [
            Mistake(
                {"oral_dose_factor": bioavailability},
                "That is the oral bioavailability F itself: the oral dose must be larger, "
                "by 1 / F.",
            ),
            Mistake(
                {"oral_dose_factor": 1 - bioavailability},
                "That is the share lost before reaching the circulation (1 − F): the oral "
                "dose must be the intravenous one divided by F.",
            ),
        ],
        success="Equal exposure of ketamine in the model; not equal effect, and not a dosing rule.",
    )


@_checker("pk-read-peak")
def _pk_read_peak(
    sublingual_peak_ng_per_ml, sublingual_tmax_min, intranasal_peak_ng_per_ml, intranasal_tmax_min
) -> Feedback:
    from ketamine_course.pharmacokinetics import cmax_ng_per_ml, simulate, tmax_min

    fine = np.arange(0, 300, 0.5)

    def run(route: str, dose_mg: float = 25, bioavailability: float | None = None):
        return simulate(route, dose_mg, 70, t_min=fine, bioavailability=bioavailability)

    sublingual, intranasal = run("sublingual"), run("intranasal")
    peak_hint = "Simulate 25 mg (the total dose, not per kg) for 70 kg and use `cmax_ng_per_ml`."
    tmax_hint = "Use `tmax_min` on the same run, on a fine time grid (0.5 min)."
    return _check_numbers(
        "pk-read-peak",
        locals(),
        [
            Answer("sublingual_peak_ng_per_ml", cmax_ng_per_ml(sublingual), 0.5, peak_hint),
            Answer("sublingual_tmax_min", tmax_min(sublingual), 1.0, tmax_hint),
            Answer("intranasal_peak_ng_per_ml", cmax_ng_per_ml(intranasal), 0.5, peak_hint),
            Answer("intranasal_tmax_min", tmax_min(intranasal), 1.0, tmax_hint),
        ],
        [
            Mistake(
                {
                    "sublingual_peak_ng_per_ml": cmax_ng_per_ml(run("sublingual", 25, 1.0)),
                    "intranasal_peak_ng_per_ml": cmax_ng_per_ml(run("intranasal", 25, 1.0)),
                },
                "Those peaks are as if the whole dose reached the circulation: did you apply "
                "the bioavailability (leave `bioavailability` at the route's own value)?",
            ),
            Mistake(
                {
                    "sublingual_peak_ng_per_ml": cmax_ng_per_ml(run("sublingual", 25 * 70)),
                    "intranasal_peak_ng_per_ml": cmax_ng_per_ml(run("intranasal", 25 * 70)),
                },
                "Those peaks are 70 times too high: `simulate` takes the total dose in mg, "
                "not mg/kg.",
            ),
        ],
        success="The intranasal dose peaks sooner; bioavailability scales the curve and the "
        "absorption rate shapes it.",
    )


@_checker("pk-time-above")
def _pk_time_above(infusion_min_above, bolus_min_above) -> Feedback:
    from ketamine_course.pharmacokinetics import simulate, time_above_min

    grid = np.arange(0, 360, 0.5)

    def above(dose_mg: float, infusion_min: float, threshold: float = 100) -> float:
        run = simulate("iv", dose_mg, 70, infusion_min=infusion_min, t_min=grid)
        return time_above_min(run, threshold)

    hint = (
        "Simulate 0.5 mg/kg for 70 kg (35 mg in total) over 40 minutes and as a bolus "
        "(`infusion_min=0`), then `time_above_min(run, 100)`."
    )
    return _check_numbers(
        "pk-time-above",
        locals(),
        [
            Answer("infusion_min_above", above(35, 40), 1.0, hint),
            Answer("bolus_min_above", above(35, 0), 1.0, hint),
        ],
        [
            Mistake(
                {"infusion_min_above": above(35, 40, 250), "bolus_min_above": above(35, 0, 250)},
                "Those are times above 250 ng/mL: the exercise asks about 100 ng/mL.",
            ),
        ],
        success="Spreading a dose over time trades peak height for time above a level, in "
        "the model.",
    )


# -- Lesson 6: clinical evidence ----------------------------------------------


@_checker("evidence-escape")
def _evidence_escape(risk_ratio, risk_difference, number_needed_to_treat) -> Feedback:
    from ketamine_course.evidence import effect_sizes, load_trials, select

    escape = select(load_trials(), trial="ESCAPE-TRD")
    rd = float(effect_sizes(escape, "rd").iloc[0]["effect"])
    log_rr = float(effect_sizes(escape, "log_rr").iloc[0]["effect"])
    return _check_numbers(
        "evidence-escape",
        locals(),
        [
            Answer(
                "risk_ratio",
                float(np.exp(log_rr)),
                0.01,
                'The "log_rr" measure is on the log scale: take `np.exp` of it.',
            ),
            Answer(
                "risk_difference",
                rd,
                0.002,
                'Use the "rd" measure: the remission risk on esketamine minus that on quetiapine.',
                fraction=True,
            ),
            Answer(
                "number_needed_to_treat",
                1 / rd,
                0.15,
                "The number needed to treat is 1 / risk difference.",
            ),
        ],
        [
            Mistake(
                {"risk_ratio": log_rr},
                "That is the log of the risk ratio: take `np.exp` of it.",
            ),
            Mistake(
                {"number_needed_to_treat": 1 / (rd * 100)},
                "Use the risk difference as a fraction (about 0.09), not in percent, when "
                "taking 1 / risk difference.",
            ),
        ],
        success="About one extra remission for every 11 people treated with esketamine "
        "rather than quetiapine.",
    )


@_checker("evidence-leave-out")
def _evidence_leave_out(pooled_difference, ci_low, ci_high) -> Feedback:
    from ketamine_course.evidence import load_trials, pool, reported_effects, select

    trials = load_trials()
    names = [t for t in trials["trial"] if t.startswith("TRANSFORM")]
    others = [t for t in names if t != "TRANSFORM-2"]
    effects = reported_effects(select(trials, trial=others))
    without = pool(effects)
    everything = pool(reported_effects(select(trials, trial=names)))
    unweighted = float(effects["effect"].mean())
    hint = (
        "Select the two other TRANSFORM trials, then pool `reported_effects` of them with "
        "`pool`, and read `.estimate`, `.ci_low` and `.ci_high`."
    )
    return _check_numbers(
        "evidence-leave-out",
        locals(),
        [
            Answer("pooled_difference", without.estimate, 0.02, hint),
            Answer("ci_low", without.ci_low, 0.02, hint),
            Answer("ci_high", without.ci_high, 0.02, hint),
        ],
        [
            Mistake(
                {
                    "pooled_difference": everything.estimate,
                    "ci_low": everything.ci_low,
                    "ci_high": everything.ci_high,
                },
                "That is the pooled estimate of all three TRANSFORM trials: leave TRANSFORM-2 out.",
            ),
            Mistake(
                {"pooled_difference": unweighted},
                "That is the plain average of the two effects: `pool` weights each trial by "
                "the inverse of its variance.",
            ),
        ],
        success="The estimate barely moves: a consistent, modest effect, whether or not each "
        "trial crossed its significance threshold.",
    )


# -- Lesson 7: reading the evidence -------------------------------------------


@_checker("appraisal-unblinding")
def _appraisal_unblinding(smallest_fraction, average_g_real_effect) -> Feedback:
    from ketamine_course.evidence import simulate_unblinded_trials

    def average_g(true_smd: float, fraction: float) -> float:
        return float(simulate_unblinded_trials(true_smd, 0.6, fraction)[0].mean())

    fractions = np.round(np.arange(0.0, 1.01, 0.05), 2)
    smallest = next(f for f in fractions if average_g(0.0, f) >= 0.3)
    return _check_numbers(
        "appraisal-unblinding",
        locals(),
        [
            Answer(
                "smallest_fraction",
                smallest,
                0.01,
                "Step the fraction from 0 in steps of 0.05 with "
                "`simulate_unblinded_trials(0.0, 0.6, fraction)` and stop at the first whose "
                "mean g is at least 0.3.",
                fraction=True,
            ),
            Answer(
                "average_g_real_effect",
                average_g(0.3, 0.0),
                0.01,
                "Run `simulate_unblinded_trials(0.3, 0.6, 0.0)` and average the first array "
                "it returns.",
            ),
        ],
        [
            Mistake(
                {"smallest_fraction": smallest - 0.05},
                "At that fraction the average g is just short of 0.3 (Hedges' correction "
                "shrinks it slightly): the condition is 'at least 0.3'.",
            )
        ],
        success="The two situations give the same average effect: one trial's effect size "
        "cannot tell them apart.",
    )


# -- Lesson 8: safety ---------------------------------------------------------


@_checker("safety-nnh")
def _safety_nnh(events_below_10) -> Feedback:
    from ketamine_course.safety import load_adverse_events

    events = load_adverse_events()
    aspire = events[events["trial"] == "ASPIRE II"]
    below = aspire.loc[aspire["number_needed_to_harm"] < 10, "event"]
    sustain_only = set(events["event"]) - set(aspire["event"])
    other_hint = "That event is from SUSTAIN-1: keep only the rows whose `trial` is 'ASPIRE II'."
    return _check_names(
        "safety-nnh",
        "events_below_10",
        events_below_10,
        below,
        extra_hints={
            **dict.fromkeys(sustain_only, other_hint),
            **{
                event: f"{event!r} has a number needed to harm of 10 or more in ASPIRE II."
                for event in aspire["event"]
                if event not in set(below)
            },
        },
        missing_hint="Keep every ASPIRE II event whose `number_needed_to_harm` is below 10.",
        success="Dissociation heads the list: about one extra patient with it for every three "
        "treated.",
    )


@_checker("safety-time-course")
def _safety_time_course(fraction_at_resolution) -> Feedback:
    from ketamine_course.safety import fraction_of_peak, load_acute_effects

    spray = "esketamine nasal spray"
    effects = load_acute_effects()
    effects = effects[effects["formulation"] == spray].set_index("effect")

    def level_at(column: str) -> dict[str, float]:
        return dict(zip(effects.index, fraction_of_peak(spray, effects[column]).tolist()))

    return _check_fractions(
        "safety-time-course",
        "fraction_at_resolution",
        fraction_at_resolution,
        level_at("resolved_min"),
        keys="esketamine effect in `load_acute_effects()`",
        hint="Evaluate `fraction_of_peak('esketamine nasal spray', [resolved_min])` at the time "
        "the effect resolves (`resolved_min`).",
        mistake=(
            level_at("peak_min"),
            "Those are the levels when each effect peaks: use the time it resolves, "
            "`resolved_min`.",
        ),
        success="The effects do not end at one common level: the mental effects fade while "
        "most of the drug is still there, and the blood-pressure rise lingers.",
    )


@_checker("safety-blood-pressure")
def _safety_blood_pressure(nnh_under_65, nnh_aged_65_plus) -> Feedback:
    from ketamine_course.safety import number_needed_to_harm

    hint = "Use `number_needed_to_harm(events_drug, n_drug, events_control, n_control)`."
    return _check_numbers(
        "safety-blood-pressure",
        locals(),
        [
            Answer("nnh_under_65", number_needed_to_harm(29, 346, 1, 222), 0.15, hint),
            Answer("nnh_aged_65_plus", number_needed_to_harm(12, 72, 1, 65), 0.15, hint),
        ],
        [
            Mistake(
                {"nnh_under_65": 346 / 29, "nnh_aged_65_plus": 72 / 12},
                "Those are 1 / risk on esketamine: the number needed to harm is 1 / (risk on "
                "esketamine − risk on placebo).",
            ),
        ],
        success="The excess risk in older patients is about twice that of patients under 65, "
        "from a small group in a different trial.",
    )


# -- Lesson 9: reading claims -------------------------------------------------


@_checker("claims-within-hours")
def _claims_within_hours(fraction_left_at_24h, verdict) -> Feedback:
    from ketamine_course.claims_figures import drug_remaining

    wrong_verdict = _check_verdict(
        "claims-within-hours",
        verdict,
        "supported",
        {
            "overstated": "Trials measured at 24 hours found a benefit on average; the claim "
            "is about how soon relief can come, which they support at the group level.",
            "unsupported": "Several randomized trials measured the outcome within one day.",
            "wrong": "Check the trials with `time_days <= 1`: most found a benefit at 24 hours.",
        },
    )
    if wrong_verdict:
        return wrong_verdict
    return _check_numbers(
        "claims-within-hours",
        {"fraction_left_at_24h": fraction_left_at_24h},
        [
            Answer(
                "fraction_left_at_24h",
                float(drug_remaining([1.0])[0]),
                0.0005,
                "Call `drug_remaining([1.0])`: the time is in days.",
                fraction=True,
            )
        ],
        [
            Mistake(
                {"fraction_left_at_24h": float(drug_remaining([24.0])[0])},
                "`drug_remaining` takes days, not hours: 24 hours is 1.0.",
            )
        ],
        success="Relief at 24 hours comes when almost none of the parent drug is left.",
    )


@_checker("claims-lasting")
def _claims_lasting(nnt_stable_remitters, nnt_stable_responders, verdict) -> Feedback:
    from ketamine_course.evidence import load_trials

    wrong_verdict = _check_verdict(
        "claims-lasting",
        verdict,
        "overstated",
        {
            "supported": "About half of remitters relapsed after switching to placebo: one "
            "course did not give lasting results for them.",
            "unsupported": "Some patients did stay well after stopping: the claim has support, "
            "but less than it suggests.",
            "wrong": "Some patients did stay well after stopping: the claim overstates, rather "
            "than contradicts, the evidence.",
        },
    )
    if wrong_verdict:
        return wrong_verdict
    trials = load_trials().set_index("trial")

    def nnt(group: str) -> float:
        row = trials.loc[f"SUSTAIN-1 ({group})"]
        kept = row["events_treatment"] / row["n_treatment"]
        stopped = row["events_control"] / row["n_control"]
        return float(1 / (stopped - kept))

    hint = (
        "Relapse risk is events / patients in each arm; the number needed to treat is "
        "1 / (relapse after switching to placebo − relapse on esketamine)."
    )
    return _check_numbers(
        "claims-lasting",
        {
            "nnt_stable_remitters": nnt_stable_remitters,
            "nnt_stable_responders": nnt_stable_responders,
        },
        [
            Answer("nnt_stable_remitters", nnt("stable remitters"), 0.15, hint),
            Answer("nnt_stable_responders", nnt("stable responders"), 0.15, hint),
        ],
        success="Benefit lasted better with continued treatment; about half of remitters "
        "relapsed after stopping.",
    )


@_checker("claims-everyone")
def _claims_everyone(share_without_outcome, verdict) -> Feedback:
    from ketamine_course.evidence import load_trials

    wrong_verdict = _check_verdict(
        "claims-everyone",
        verdict,
        "wrong",
        {
            "supported": "In every trial a large share of patients on ketamine did not reach "
            "the outcome.",
            "overstated": "'Nearly everyone' is contradicted, not just stretched: about half or "
            "more of patients on ketamine did not reach the outcome in these trials.",
            "unsupported": "The trials do address the claim, and they contradict it.",
        },
    )
    if wrong_verdict:
        return wrong_verdict
    trials = load_trials()
    binary = trials[trials["outcome_type"].eq("binary") & trials["events_treatment"].notna()]
    binary = binary[~binary["trial"].str.startswith("SUSTAIN-1")]
    reached = dict(zip(binary["trial"], binary["events_treatment"] / binary["n_treatment"]))
    return _check_fractions(
        "claims-everyone",
        "share_without_outcome",
        share_without_outcome,
        {trial: 1 - share for trial, share in reached.items()},
        keys="binary-outcome trial except the SUSTAIN-1 relapse rows",
        hint="The share without the outcome is 1 − events_treatment / n_treatment.",
        mistake=(
            reached,
            "Those are the shares who reached the outcome: the exercise asks for those who did "
            "not (1 − events / n).",
        ),
        success="In every trial many patients on ketamine did not reach the outcome.",
    )
