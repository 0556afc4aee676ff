"""Which Chromium the browser tests, the PDF and the benchmarks drive."""

from __future__ import annotations

import shutil

import pytest

from conftest import find_chromium


@pytest.fixture
def installed(monkeypatch, tmp_path):
    """Pretend that exactly the given Debian browsers are on PATH; returns their paths."""

    def install(*names: str) -> dict[str, str]:
        paths = {}
        for name in names:
            path = tmp_path / name
            path.write_text("#!/bin/sh\n")
            paths[name] = str(path)
        monkeypatch.setattr(shutil, "which", lambda name: paths.get(name))
        monkeypatch.delenv("CHROMIUM", raising=False)
        return paths

    return install


def test_the_tests_prefer_the_headless_shell_and_measurements_the_full_browser(installed):
    paths = installed("chromium", "chromium-headless-shell")
    assert find_chromium() == paths["chromium-headless-shell"]
    assert find_chromium(prefer_headless_shell=False) == paths["chromium"]


def test_either_browser_serves_when_it_is_the_only_one(installed):
    paths = installed("chromium")
    assert find_chromium() == paths["chromium"]
    paths = installed("chromium-headless-shell")
    assert find_chromium(prefer_headless_shell=False) == paths["chromium-headless-shell"]


def test_the_chromium_variable_wins_and_a_missing_browser_is_none(installed, monkeypatch, tmp_path):
    installed("chromium", "chromium-headless-shell")
    own = tmp_path / "google-chrome"
    own.write_text("#!/bin/sh\n")
    monkeypatch.setenv("CHROMIUM", str(own))
    assert find_chromium() == find_chromium(prefer_headless_shell=False) == str(own)
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "nowhere"))
    assert find_chromium() is None
