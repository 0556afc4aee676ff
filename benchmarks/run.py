"""Measure the course against its budgets: build time, notebook run time,
widget latency and page weight.

Run with ``make bench``. Prints a report, writes it to
``benchmarks/results/latest.json`` and exits with status 1 when a budget is
exceeded.

- Clean build: wall time of ``make book`` after removing ``_build`` (and so the
  execution cache), with the Python and npm packages already installed.
- No-change rebuild: ``make book`` again, nothing changed.
- Notebook run time: the execution time jupyter-cache recorded for each notebook.
- Kernel memory: the peak resident memory of each notebook's kernel, running the notebook top
  to bottom in a fresh kernel (what a JupyterHub must allow each open lesson; reported).
- Frame render time: in that same run, every frame of every interactive figure, from calling
  its plotting function to its finished SVG; the budget is on the median of all frames.
- Frame simulation time: the model computation behind one frame of each
  model-driven figure (mechanism and pharmacokinetics lessons), at its most
  expensive control values (budget 20 ms), and
  the time to render that frame as well (model, matplotlib and SVG; reported).
- Frame switch latency: in Chromium, from clicking a control to the new frame
  being visible (median of several switches).
- Page weight: every file of the book a page requests in Chromium (the page and its assets),
  each gzip-compressed as a static host would serve it.
- Test time: wall time of ``make test``, the whole suite (skipped with ``--no-tests``).

Times depend on the machine and on what else it runs: the report gives the number of cores
and the load average before and after, and a figure measured under load is not comparable.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
RESULTS = ROOT / "benchmarks" / "results"

BUDGETS = {
    "clean_build_s": 25.0,
    "rebuild_s": 3.0,
    "test_s": 240.0,
    "frame_render_s": 0.1,
    "notebook_run_s": 20.0,
    "frame_simulation_s": 0.020,
    "page_weight_bytes": 1_500_000,
}

sys.path.insert(0, str(ROOT / "tests"))
from test_browser import start_widgets  # noqa: E402

from conftest import CHROMIUM_ARGS, find_chromium  # noqa: E402
from test_book import toc_files  # noqa: E402


def timed_build() -> float:
    start = time.perf_counter()
    subprocess.run(
        ["make", "--no-print-directory", "book"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def notebook_run_times() -> dict[str, float]:
    from jupyter_cache import get_cache

    cache = get_cache(ROOT / "_build" / ".jupyter_cache")
    times = {}
    for record in cache.list_cache_records():
        seconds = record.data.get("execution_seconds")
        if seconds is not None:
            times[Path(record.uri).name] = round(seconds, 2)
    return times


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


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _served_file(url: str) -> Path | None:
    """The file of the built book behind a local URL (None for data: URIs and the like)."""
    path = urllib.parse.urlparse(url).path
    if not path:
        return None
    file = HTML / urllib.parse.unquote(path).lstrip("/")
    return file if file.is_file() else None


def page_weight(urls: set[str]) -> int:
    """Bytes a static host serving gzip would send for these URLs.

    Sizes come from the files on disk rather than from response bodies, which
    Playwright may not have delivered yet when the page goes quiet.
    """
    total = 0
    for url in urls:
        file = _served_file(url)
        if file is not None:
            body = file.read_bytes()
            total += min(len(body), len(gzip.compress(body, 6)))
    return total


def browser_measurements() -> tuple[dict[str, int], float | None]:
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        print("Chromium not found: page weight and switch latency not measured")
        return {}, None
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(HTML)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    weights: dict[str, int] = {}
    latency = None
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            for name in toc_files():
                context = browser.new_context()
                page = context.new_page()
                urls: set[str] = set()
                page.on("request", lambda request, urls=urls: urls.add(request.url))
                page.goto(f"{base}/{name}.html", wait_until="load")
                page.wait_for_load_state("networkidle")
                # Count the widget manager too: a reader who scrolls to a figure loads it.
                # start_widgets waits until every widget is drawn and the network is quiet.
                start_widgets(page)
                weights[name] = page_weight(urls)
                if name == "notebooks/01_history":
                    latency = switch_latency(page)
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return weights, latency


# True once the figure shows exactly one frame, and not the one it showed before.
_NEW_FRAME_SHOWN = """(previous) => {
  const shown = [...document.querySelectorAll('.kc-frame-figure img.kc-frame')]
    .filter((img) => img.offsetParent !== null);
  return shown.length === 1 && shown[0].alt !== previous;
}"""


def visible_alt(page) -> str:
    return page.evaluate(
        """() => [...document.querySelectorAll('.kc-frame-figure img.kc-frame')]
                 .filter((img) => img.offsetParent !== null)[0].alt"""
    )


def switch_latency(page, switches: int = 10) -> float:
    """Median seconds from a click on a toggle button to its frame being visible."""
    figure = page.locator(".kc-frame-figure").first
    figure.locator("img.kc-frame").first.wait_for(state="visible")
    buttons = figure.locator(".widget-toggle-buttons button")
    samples = []
    for i in range(switches):
        index = 1 + i % (buttons.count() - 1)
        previous = visible_alt(page)
        start = time.perf_counter()
        buttons.nth(index).click()
        page.wait_for_function(_NEW_FRAME_SHOWN, arg=previous, polling="raf")
        samples.append(time.perf_counter() - start)
        shown = visible_alt(page)
        buttons.nth(0).click()
        page.wait_for_function(_NEW_FRAME_SHOWN, arg=shown, polling="raf")
    return statistics.median(samples)


def timed_tests() -> tuple[float, bool]:
    """Wall time of ``make test`` (the whole suite, as a contributor runs it) and its outcome."""
    start = time.perf_counter()
    result = subprocess.run(
        ["make", "--no-print-directory", "test"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start, result.returncode == 0


def main() -> int:
    with_tests = "--no-tests" not in sys.argv
    report: dict[str, object] = {"cores": len(os.sched_getaffinity(0))}
    report["load_before"] = [round(x, 2) for x in os.getloadavg()]
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    report["clean_build_s"] = round(timed_build(), 1)
    report["rebuild_s"] = round(timed_build(), 1)
    report["notebook_run_s"] = notebook_run_times()
    report["kernel_peak_mib"], frames = measured_notebook_runs()
    every_frame = [seconds for times in frames.values() for seconds in times]
    report["frame_render_s"] = {
        "median": round(statistics.median(every_frame), 3),
        "frames": len(every_frame),
        "by_notebook": {
            name: {"frames": len(times), "median": round(statistics.median(times), 3)}
            for name, times in frames.items()
            if times
        },
    }
    report["mechanism_frames"] = mechanism_frame_seconds()
    weights, latency = browser_measurements()
    report["page_weight_bytes"] = weights
    report["frame_switch_s"] = None if latency is None else round(latency, 3)
    if with_tests:
        report["test_s"], report["tests_passed"] = timed_tests()
        report["test_s"] = round(report["test_s"], 1)
    report["load_after"] = [round(x, 2) for x in os.getloadavg()]

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")

    failures = []

    def line(name: str, value: float, budget: float, unit: str, key: str) -> None:
        flag = "" if value <= budget else "  OVER BUDGET"
        print(f"{name:<32}{value:>8.3g} {unit:<3} (budget {budget:g} {unit}){flag}")
        if flag:
            failures.append(key)

    print(
        f"{report['cores']} cores; load average {report['load_before']} before, "
        f"{report['load_after']} after (1, 5, 15 min)"
    )
    line("clean build", report["clean_build_s"], BUDGETS["clean_build_s"], "s", "clean_build_s")
    line("no-change rebuild", report["rebuild_s"], BUDGETS["rebuild_s"], "s", "rebuild_s")
    if with_tests:
        line("make test", report["test_s"], BUDGETS["test_s"], "s", "test_s")
        if not report["tests_passed"]:
            failures.append("make test failed")
    for notebook, seconds in report["notebook_run_s"].items():
        line(f"run {notebook}", seconds, BUDGETS["notebook_run_s"], "s", notebook)
    for notebook, mib in report["kernel_peak_mib"].items():
        print(f"kernel {notebook:<25}{mib:>7.0f} MiB peak memory")
    render = report["frame_render_s"]
    line(
        f"frame render, median of {render['frames']}",
        render["median"],
        BUDGETS["frame_render_s"],
        "s",
        "frame_render_s",
    )
    for notebook, times in render["by_notebook"].items():
        print(f"  frames {notebook:<26}{times['frames']:>3} frames, median {times['median']:.3f} s")
    for name, times in report["mechanism_frames"].items():
        flag = "" if times["simulation_s"] <= BUDGETS["frame_simulation_s"] else "  OVER BUDGET"
        print(
            f"frame {name:<20}{times['simulation_s'] * 1e3:>6.1f} ms simulation (budget 20 ms), "
            f"{times['render_s'] * 1e3:>5.0f} ms with rendering{flag}"
        )
        if flag:
            failures.append(name)
    if latency is not None:
        print(f"frame switch         {latency:>8.3f} s   (click to visible, median)")
    for name, size in weights.items():
        flag = "" if size <= BUDGETS["page_weight_bytes"] else "  OVER BUDGET"
        print(f"page {name:<24}{size / 1e6:>6.2f} MB (gzip; budget 1.50 MB){flag}")
        if flag:
            failures.append(name)
    if failures:
        print("over budget: " + ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
