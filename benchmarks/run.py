"""Measure the course against its budgets: build time, notebook run time,
widget latency and page weight.

Run with ``make bench``. Prints a report, writes it to
``benchmarks/results/latest.json`` and exits with status 1 when a budget is
exceeded.

- Clean build (``build.py``): wall time of ``make book`` after removing ``_build`` (and so
  the execution cache), with the Python and npm packages already installed.
- No-change rebuild (``build.py``): ``make book`` again, nothing changed.
- Notebook run time (``build.py``): the execution time jupyter-cache recorded for each
  notebook.
- Kernel memory (``frames.py``): the peak resident memory of each notebook's kernel, running
  the notebook top to bottom in a fresh kernel (what a JupyterHub must allow each open lesson;
  reported).
- Frame render time (``frames.py``): in that same run, every frame of every interactive
  figure, from calling its plotting function to its finished SVG; the budget is on the median
  of all frames.
- Frame simulation time (``frames.py``): the model computation behind one frame of each
  model-driven figure (mechanism and pharmacokinetics lessons), at its most
  expensive control values (budget 20 ms), and
  the time to render that frame as well (model, matplotlib and SVG; reported).
- Frame switch latency (``browser.py``): in Chromium, from clicking a control to the new
  frame being visible (median of several switches).
- Page weight (``browser.py``): every file of the book a page requests in Chromium (the page
  and its assets), each gzip-compressed as a static host would serve it.
- Test time (``suite.py``): wall time of ``make test``, the whole suite (skipped with
  ``--no-tests``).

Times depend on the machine and on what else it runs: the report gives the number of cores
and the load average before and after, and a figure measured under load is not comparable.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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

# Run as a script (make bench): the measurements are modules of the benchmarks package.
sys.path.insert(0, str(ROOT))
from benchmarks.browser import browser_measurements  # noqa: E402
from benchmarks.build import notebook_run_times, timed_build  # noqa: E402
from benchmarks.frames import measured_notebook_runs, mechanism_frame_seconds  # noqa: E402
from benchmarks.suite import timed_tests  # noqa: E402


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
