"""Test time: the whole test suite, as a contributor runs it."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


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
