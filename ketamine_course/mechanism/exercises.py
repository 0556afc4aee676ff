"""The checkers of the code exercises of lessons 2 to 4 (the NMDA receptor, ketamine's
block, synapse to circuit)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np

from ketamine_course.core.feedback import Answer, Feedback, Mistake, check_numbers, register

# -- Lesson 2: glutamate and the NMDA receptor --------------------------------


@register("nmda-half-block")
def _nmda_half_block(v_half_1mM_mV, v_half_2mM_mV) -> Feedback:
    from .receptors import JAHR_STEVENS_1990 as JAHR_STEVENS

    def half(mg_mM: float, log=np.log) -> float:
        return float(log(mg_mM / JAHR_STEVENS.k_mM) / JAHR_STEVENS.slope_per_mV)

    hint = (
        "Find where `mg_unblocked_fraction(v, mg_mM)` equals 0.5 on a fine grid of voltages "
        "(steps of 0.01 mV)."
    )
    return check_numbers(
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

    from .receptors import AMPA, NMDA, mg_unblocked_fraction, open_fraction

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


@register("nmda-share")
def _nmda_share(nmda_share_at_minus70, nmda_share_at_minus20) -> Feedback:
    s = _nmda_shares()
    hint = (
        "The share is NMDA charge / (AMPA charge + NMDA charge), each integrated over 300 ms "
        "with the conductances of the figure (10 nS AMPA, 20 nS NMDA)."
    )
    return check_numbers(
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


@register("nmda-coincidence")
def _nmda_coincidence(ratio_at_0ms, ratio_at_minus100ms) -> Feedback:
    from .circuit import simulate_coincidence

    alone = simulate_coincidence(None).nmda_charge_pC
    at_0 = simulate_coincidence(0).nmda_charge_pC
    at_minus100 = simulate_coincidence(-100).nmda_charge_pC
    hint = (
        "Divide the NMDA charge (`.nmda_charge_pC`) of each run by that of "
        "`simulate_coincidence(None)`, the release alone."
    )
    return check_numbers(
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


@register("ketamine-peak-block")
def _ketamine_peak_block(peak_uM, racemate_blocked, racemate_blocked_without_mg) -> Feedback:  # noqa: N803
    from .receptors import (
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
    return check_numbers(
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


@register("ketamine-use-dependence")
def _ketamine_use_dependence(blocked_at_1hz, blocked_at_20hz) -> Feedback:
    from .receptors import simulate_trapping_block

    def blocked(hz: float, **protocol: float) -> float:
        return float(simulate_trapping_block(1.0, hz, **protocol).blocked[-1])

    exercise_protocol = dict(drug_s=30, rest_s=0, washout_stimulus_s=0)
    hint = (
        "Run `simulate_trapping_block(1.0, hz, drug_s=30, rest_s=0, washout_stimulus_s=0)` "
        "and read `.blocked[-1]`."
    )
    return check_numbers(
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
    from .circuit import steady_rates

    excitatory, _ = steady_rates(np.logspace(-2, 2, 81), params)
    baseline, _ = steady_rates(0.0, params)
    return float(excitatory.max()), float(baseline)


@register("circuit-equal-sensitivity")
def _circuit_equal_sensitivity(largest_ratio_default, largest_ratio_equal) -> Feedback:
    from .circuit import DEFAULT_CIRCUIT

    largest, baseline = _largest_and_baseline_rate(DEFAULT_CIRCUIT)
    equal = replace(DEFAULT_CIRCUIT, block_half_i_uM=DEFAULT_CIRCUIT.block_half_e_uM)
    largest_equal, baseline_equal = _largest_and_baseline_rate(equal)
    hint = (
        "Divide the largest steady excitatory rate over 0.01–100 µM by the drug-free rate "
        "(`steady_rates(0.0, params)`)."
    )
    return check_numbers(
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


@register("circuit-peak")
def _circuit_peak(peak_conc_uM, below_baseline_above_uM) -> Feedback:
    from .circuit import steady_rates

    conc = np.logspace(-2, 3, 2001)
    excitatory, _ = steady_rates(conc)
    baseline, _ = steady_rates(0.0)
    peak = float(conc[np.argmax(excitatory)])
    below = float(conc[(conc > peak) & (excitatory < baseline)][0])
    return check_numbers(
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
