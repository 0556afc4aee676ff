"""Build times: a clean build and a no-change rebuild of the book, and each notebook's run
time as the execution cache recorded it."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
