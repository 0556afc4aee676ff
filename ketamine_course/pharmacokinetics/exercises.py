"""The checkers of lesson 5's code exercises (routes and pharmacokinetics)."""

from __future__ import annotations

import numpy as np

from ketamine_course.core.feedback import Answer, Feedback, Mistake, check_numbers, register


@register("pk-oral-equivalent")
def _pk_oral_equivalent(oral_dose_factor) -> Feedback:
    from .model import ROUTES

    bioavailability = ROUTES["oral"].bioavailability
    return check_numbers(
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


@register("pk-read-peak")
def _pk_read_peak(
    sublingual_peak_ng_per_ml, sublingual_tmax_min, intranasal_peak_ng_per_ml, intranasal_tmax_min
) -> Feedback:
    from .model import cmax_ng_per_ml, simulate, tmax_min

    fine = np.arange(0, 300, 0.5)

    def run(route: str, dose_mg: float = 25, bioavailability: float | None = None):
        return simulate(route, dose_mg, 70, t_min=fine, bioavailability=bioavailability)

    sublingual, intranasal = run("sublingual"), run("intranasal")
    peak_hint = "Simulate 25 mg (the total dose, not per kg) for 70 kg and use `cmax_ng_per_ml`."
    tmax_hint = "Use `tmax_min` on the same run, on a fine time grid (0.5 min)."
    return check_numbers(
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


@register("pk-time-above")
def _pk_time_above(infusion_min_above, bolus_min_above) -> Feedback:
    from .model import simulate, time_above_min

    grid = np.arange(0, 360, 0.5)

    def above(dose_mg: float, infusion_min: float, threshold: float = 100) -> float:
        run = simulate("iv", dose_mg, 70, infusion_min=infusion_min, t_min=grid)
        return time_above_min(run, threshold)

    hint = (
        "Simulate 0.5 mg/kg for 70 kg (35 mg in total) over 40 minutes and as a bolus "
        "(`infusion_min=0`), then `time_above_min(run, 100)`."
    )
    return check_numbers(
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
