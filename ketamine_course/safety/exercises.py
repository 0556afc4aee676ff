"""The checkers of lesson 8's code exercises (safety and practice)."""

from __future__ import annotations

from ketamine_course.core.feedback import (
    Answer,
    Feedback,
    Mistake,
    check_fractions,
    check_names,
    check_numbers,
    register,
)


@register("safety-nnh")
def _safety_nnh(events_below_10) -> Feedback:
    from .model import load_adverse_events

    events = load_adverse_events()
    aspire = events[events["trial"] == "ASPIRE II"]
    below = aspire.loc[aspire["number_needed_to_harm"] < 10, "event"]
    sustain_only = set(events["event"]) - set(aspire["event"])
    other_hint = "That event is from SUSTAIN-1: keep only the rows whose `trial` is 'ASPIRE II'."
    return check_names(
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


@register("safety-time-course")
def _safety_time_course(fraction_at_resolution) -> Feedback:
    from .model import fraction_of_peak, load_acute_effects

    spray = "esketamine nasal spray"
    effects = load_acute_effects()
    effects = effects[effects["formulation"] == spray].set_index("effect")

    def level_at(column: str) -> dict[str, float]:
        return dict(zip(effects.index, fraction_of_peak(spray, effects[column]).tolist()))

    return check_fractions(
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


@register("safety-blood-pressure")
def _safety_blood_pressure(nnh_under_65, nnh_aged_65_plus) -> Feedback:
    from .model import number_needed_to_harm

    hint = "Use `number_needed_to_harm(events_drug, n_drug, events_control, n_control)`."
    return check_numbers(
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
