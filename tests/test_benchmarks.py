"""The benchmark (``make bench``) still measures every figure it names as the figures change."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT))
from benchmarks.frames import mechanism_frame_seconds  # noqa: E402


@pytest.mark.slow
def test_every_figure_frame_the_benchmark_times_still_renders():
    times = mechanism_frame_seconds(repeats=1)
    assert len(times) == 15
    for name, measured in times.items():
        assert measured["simulation_s"] >= 0 and measured["render_s"] > 0, name
