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

This module is the framework every topic's checkers use: the feedback and answer types,
the comparisons shared by many exercises (numbers, names, fractions), the registry, and
:func:`check` and :func:`grade`. The checkers themselves live with their topic, in
``ketamine_course.<topic>.exercises``, and register themselves with :func:`register`.
"""

from __future__ import annotations

import html
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

__all__ = [
    "CORRECT",
    "INCORRECT",
    "UNANSWERED",
    "Answer",
    "Feedback",
    "Mistake",
    "check",
    "check_fractions",
    "check_names",
    "check_numbers",
    "checkers",
    "grade",
    "register",
]

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


# The checker of each exercise, by its label: filled by the topics' exercises modules as
# they are imported (see checkers()).
_registered: dict[str, Callable[..., Feedback]] = {}

# The answers last passed to check() in this Python session, by exercise: what a graded
# assignment's hidden test checks again, so that the tests hold no copy of the answers.
_last_answers: dict[str, dict[str, object]] = {}


def register(label: str) -> Callable[[Callable[..., Feedback]], Callable[..., Feedback]]:
    """Decorate a topic's checker: make it the checker of the exercise ``label``.

    The checker takes the exercise's answers as keyword arguments, named as in the
    lesson, and returns a :class:`Feedback`.
    """

    def add(function: Callable[..., Feedback]) -> Callable[..., Feedback]:
        _registered[label] = function
        return function

    return add


@cache
def checkers() -> Mapping[str, Callable[..., Feedback]]:
    """The checker of every exercise, by the exercise's label in its lesson.

    The first call imports the ``exercises`` module of each subpackage of the course
    package, whose checkers register themselves. The topics are found rather than named, so
    that this module, which every topic uses, imports none of them; and only checkers are
    imported, each importing its topic's models when it first runs.
    """
    package = __package__.rpartition(".")[0]
    folder = Path(__file__).resolve().parent.parent
    for topic in pkgutil.iter_modules([str(folder)]):
        if topic.ispkg and (folder / topic.name / "exercises.py").is_file():
            importlib.import_module(f"{package}.{topic.name}.exercises")
    return _registered


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
    known = checkers()
    if exercise not in known:
        raise ValueError(f"exercise must be one of {sorted(known)}, got {exercise!r}")
    checker = known[exercise]
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
    known = checkers()
    if exercise not in known:
        raise ValueError(f"exercise must be one of {sorted(known)}, got {exercise!r}")
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


def check_numbers(
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


def check_names(
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


def check_fractions(
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

    return check_numbers(
        exercise,
        {entry(key): given[key] for key in expected},
        [Answer(entry(key), value, 0.02, hint, fraction=True) for key, value in expected.items()],
        [Mistake({entry(key): value for key, value in mistake[0].items()}, mistake[1])]
        if mistake
        else [],
        success=success,
    )
