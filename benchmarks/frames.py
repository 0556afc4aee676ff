"""Frame times: each notebook run in a fresh kernel, timing every frame of its interactive
figures and its kernel's peak memory; and the model computation and rendering of one frame of
each model-driven figure."""

from __future__ import annotations

import functools
import json
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


#: Run first in each measured notebook: times every frame that render_frames draws.
FRAME_TIMER = """
import time as _time, ketamine_course.core.interactive as _interactive
_frame_seconds, _frame_started = [], 0.0
_draw_svg, _render = _interactive.figure_to_svg, _interactive.render_frames
def _timed_svg(fig):
    svg = _draw_svg(fig)
    _frame_seconds.append(_time.perf_counter() - _frame_started)
    return svg
def _timed_render(plot, *args, **kwargs):
    def timed_plot(**values):
        global _frame_started
        _frame_started = _time.perf_counter()
        return plot(**values)
    return _render(timed_plot, *args, **kwargs)
_interactive.figure_to_svg, _interactive.render_frames = _timed_svg, _timed_render
"""


def measured_notebook_runs() -> tuple[dict[str, float], dict[str, list[float]]]:
    """Run each notebook in a fresh kernel: its kernel's peak memory (MiB) and frame times (s).

    A frame's time runs from calling the plotting function to its finished SVG (model,
    matplotlib and SVG), for every frame of every interactive figure, as the build draws them.
    """
    import nbformat
    from nbclient import NotebookClient

    peaks, frames = {}, {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.insert(0, nbformat.v4.new_code_cell(FRAME_TIMER))
        # ru_maxrss is in KiB on Linux.
        notebook.cells.append(
            nbformat.v4.new_code_cell(
                "import json, resource\n"
                "print(json.dumps([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
                " _frame_seconds]))"
            )
        )
        NotebookClient(
            notebook, timeout=300, resources={"metadata": {"path": str(path.parent)}}
        ).execute()
        peak_kib, seconds = json.loads(notebook.cells[-1].outputs[0]["text"])
        peaks[path.name] = round(peak_kib / 1024, 1)
        frames[path.name] = [round(s, 4) for s in seconds]
    return peaks, frames


def _median_seconds(function, repeats: int = 7) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def mechanism_frame_seconds(repeats: int = 7) -> dict[str, dict[str, float]]:
    """Median model time and render time of one frame of each model-driven figure."""
    import numpy as np

    from ketamine_course import claims, evidence, mechanism, pharmacokinetics, safety
    from ketamine_course.core.interactive import Control, render_frames

    rules = {mg: mechanism.timing_rule(mg) for mg in (1.0, 0.0)}
    in_the_brain = next(iter(mechanism.BLOCK_CONDITIONS))  # 1 mM Mg²⁺ at rest
    # (name, model computation of one frame, plot, control of that one frame, alt)
    cases = [
        (
            "Mg block",
            lambda: (
                mechanism.nmda_current_pA(mechanism.VOLTAGES_MV),
                mechanism.negative_slope_range(1.0),
            ),
            mechanism.plot_mg_block,
            Control("mg_mM", [1.0]),
            mechanism.describe_mg_block,
        ),
        (
            "synaptic currents",
            lambda: mechanism.synaptic_currents(-20.0),
            mechanism.plot_synaptic_currents,
            Control("v_mV", [-20.0]),
            mechanism.describe_synaptic_currents,
        ),
        (
            "coincidence",
            lambda: mechanism.simulate_coincidence(0.0),
            lambda delay: mechanism.plot_coincidence(mechanism.simulate_coincidence(delay), rules),
            Control("delay", [0.0]),
            lambda delay: "frame",
        ),
        (
            "concentration-block",
            lambda: [
                mechanism.fraction_blocked(mechanism.CONC_UM, k, mg_mM=mg, v_mV=v)
                for k in mechanism.KETAMINE_POTENCY
                for mg, v in [mechanism.block_condition(in_the_brain)]
            ],
            lambda plasma: mechanism.plot_concentration_block(plasma, in_the_brain),
            Control("plasma", ["free"]),
            lambda plasma: mechanism.describe_concentration_block(plasma, in_the_brain),
        ),
        (
            "trapping block",
            lambda: mechanism.simulate_trapping_block(10.0, 20.0),
            lambda hz: mechanism.plot_trapping(
                mechanism.simulate_trapping_block(10.0, hz), 10.0, hz
            ),
            Control("hz", [20.0]),
            lambda hz: "frame",
        ),
        (
            "E-I circuit",
            lambda: (mechanism.steady_rates(mechanism.CONC_UM), mechanism.rate_time_course(3.0)),
            mechanism.plot_circuit,
            Control("conc_uM", [3.0]),
            lambda conc_uM: "frame",
        ),
        (
            "plasticity",
            lambda: mechanism.synaptic_strength(mechanism.PLASTICITY_T_H),
            mechanism.plot_plasticity,
            Control("decay_days", [3]),
            mechanism.describe_plasticity,
        ),
    ]
    cases += [
        (
            "routes",
            lambda: [
                pharmacokinetics.route_curve(name, 1.0) for name in pharmacokinetics.FIGURE_ROUTES
            ],
            lambda dose: pharmacokinetics.plot_routes("oral", dose),
            Control("dose", [1.0]),
            lambda dose: "frame",
        ),
        (
            "esketamine regimen",
            lambda: pharmacokinetics.regimen_curve(84.0, "twice weekly (weeks 1-4)"),
            lambda regimen: pharmacokinetics.plot_regimen(84.0, regimen),
            Control("regimen", ["twice weekly (weeks 1-4)"]),
            lambda regimen: "frame",
        ),
        (
            "receptor block by route",
            lambda: [
                pharmacokinetics.estimated_block(pharmacokinetics.route_curve(name, 0.5))
                for name in pharmacokinetics.FIGURE_ROUTES
            ],
            pharmacokinetics.plot_block,
            Control("route", ["oral"]),
            pharmacokinetics.describe_block,
        ),
    ]
    cases += [
        (
            "esketamine forest",
            lambda: evidence.esketamine_effects("all five trials"),
            evidence.plot_esketamine_forest,
            Control("subset", ["all five trials"]),
            evidence.describe_esketamine_forest,
        ),
        (
            "events forest",
            lambda: evidence.binary_effects("risk ratio"),
            evidence.plot_binary_forest,
            Control("measure", ["risk ratio"]),
            evidence.describe_binary_forest,
        ),
    ]
    cases += [
        (
            "acute effects",
            lambda: (
                safety.plasma_curve("esketamine nasal spray"),
                safety.load_acute_effects(),
            ),
            safety.plot_acute_effects,
            Control("formulation", ["esketamine nasal spray"]),
            safety.describe_acute_effects,
        ),
        (
            "adverse events",
            safety.load_adverse_events,
            safety.plot_adverse_events,
            Control("trial", ["ASPIRE II"]),
            safety.describe_adverse_events,
        ),
        (
            "claim timeline",
            lambda: (
                claims.drug_remaining(np.geomspace(claims.AXIS_DAYS[0], 3.0, 200)),
                claims.load_benefit_durability(),
            ),
            claims.plot_claim_timeline,
            Control("claim", ["lasting_mental_health"]),
            claims.describe_claim_timeline,
        ),
    ]
    results = {}
    for name, model, plot, control, alt in cases:
        results[name] = {
            "simulation_s": round(_median_seconds(model, repeats), 4),
            "render_s": round(
                _median_seconds(
                    functools.partial(render_frames, plot, [control], alt), min(repeats, 3)
                ),
                3,
            ),
        }
    return results
