"""The checkers of lesson 9's code exercises (reading claims)."""

from __future__ import annotations

from collections.abc import Mapping

from ketamine_course.core.feedback import (
    INCORRECT,
    Answer,
    Feedback,
    Mistake,
    check_fractions,
    check_numbers,
    register,
)


def _check_verdict(exercise: str, verdict: object, expected: str, hints: Mapping[str, str]):
    """Compare a claim verdict with the course's, or ``None`` when it matches."""
    from .model import VERDICTS

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


@register("claims-within-hours")
def _claims_within_hours(fraction_left_at_24h, verdict) -> Feedback:
    from .figures import drug_remaining

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
    return check_numbers(
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


@register("claims-lasting")
def _claims_lasting(nnt_stable_remitters, nnt_stable_responders, verdict) -> Feedback:
    from ketamine_course.evidence.model import load_trials

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
    return check_numbers(
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


@register("claims-everyone")
def _claims_everyone(share_without_outcome, verdict) -> Feedback:
    from ketamine_course.evidence.model import load_trials

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
    return check_fractions(
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
