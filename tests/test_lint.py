"""Code style and spelling: ruff and codespell find nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_ruff_finds_nothing():
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run(
        [str(ruff), "check", "--output-format", "concise", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# Everything a reader or contributor reads: prose, notebooks, data, code and configuration.
SPELLED = [
    "book",
    "notebooks",
    "ketamine_course",
    "tests",
    "benchmarks",
    "scripts",
    "README.md",
    "Makefile",
    ".ci",
    "_config.yml",
    "_toc.yml",
]


def test_codespell_finds_nothing():
    # The reviewed ignore list is in pyproject.toml ([tool.codespell]); benchmark results
    # (Lighthouse reports full of encoded data) are output, not text anyone wrote.
    codespell = Path(sys.executable).parent / "codespell"
    result = subprocess.run(
        [str(codespell), "--toml", "pyproject.toml", "--skip", "*.png,*.svg,results", *SPELLED],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
