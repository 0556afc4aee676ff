"""The checkers of the code exercises of lessons 6 and 7 (the clinical evidence and how to
read it)."""

from __future__ import annotations

import numpy as np

from ketamine_course.core.feedback import Answer, Feedback, Mistake, check_numbers, register

# -- Lesson 6: clinical evidence ----------------------------------------------


@register("evidence-escape")
def _evidence_escape(risk_ratio, risk_difference, number_needed_to_treat) -> Feedback:
    from .model import effect_sizes, load_trials, select

    escape = select(load_trials(), trial="ESCAPE-TRD")
    rd = float(effect_sizes(escape, "rd").iloc[0]["effect"])
    log_rr = float(effect_sizes(escape, "log_rr").iloc[0]["effect"])
    return check_numbers(
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


@register("evidence-leave-out")
def _evidence_leave_out(pooled_difference, ci_low, ci_high) -> Feedback:
    from .model import load_trials, pool, reported_effects, select

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
    return check_numbers(
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


@register("appraisal-unblinding")
def _appraisal_unblinding(smallest_fraction, average_g_real_effect) -> Feedback:
    from .model import simulate_unblinded_trials

    def average_g(true_smd: float, fraction: float) -> float:
        return float(simulate_unblinded_trials(true_smd, 0.6, fraction)[0].mean())

    fractions = np.round(np.arange(0.0, 1.01, 0.05), 2)
    smallest = next(f for f in fractions if average_g(0.0, f) >= 0.3)
    return check_numbers(
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
