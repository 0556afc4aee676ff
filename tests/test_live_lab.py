"""Live: JupyterLab runs each lesson notebook, its first figure responds to its control, and
an exercise's answer cell gives feedback."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

import pytest
from test_browser import CONTROL_SELECTOR, operate, option_count, visible_frame

from conftest import NOTEBOOKS, RAW_MYST, ROOT

# One process runs them all, so that one JupyterLab serves every test.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("jupyterlab")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab(NamedTuple):
    base: str
    token: str
    log: Path


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """JupyterLab on a free local port, serving a copy of the notebooks (one per module)."""
    tmp_path = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    port, token = free_port(), secrets.token_hex(16)
    # Render every cell, not only those in view, so that a test can read the whole notebook.
    tracker = tmp_path / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={tmp_path}",
        "--allow-root",  # CI runs as root
        "--LabApp.news_url=",
        "--LabApp.extension_manager=readonly",
        # window.jupyterapp lets the test run commands instead of clicking menus.
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log = open(tmp_path / "lab.log", "w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text())
                time.sleep(0.5)
        yield Lab(base, token, tmp_path / "lab.log"), tmp_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def lab_context(browser):
    """One browser context for the module's tests: JupyterLab's scripts are fetched and
    compiled once, then served from its cache, as on a returning visitor's browser."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context
    context.close()


@pytest.fixture
def jupyterlab(lab_server):
    """The module's JupyterLab, as fresh for each test: no kernel left running, no tab to
    restore, the notebooks as stored. (The browser context, with its cache and storage, is
    shared, as by an instructor who opens one lesson after another.)"""
    lab, folder = lab_server
    yield lab
    sessions = f"{lab.base}/api/sessions"
    headers = {"Authorization": f"token {lab.token}"}
    with urllib.request.urlopen(urllib.request.Request(sessions, headers=headers)) as reply:
        running = json.load(reply)
    for session in running:
        request = urllib.request.Request(
            f"{sessions}/{session['id']}", headers=headers, method="DELETE"
        )
        urllib.request.urlopen(request).close()
    # JupyterLab reopens a workspace's tabs on the next page load; the next test starts clean.
    shutil.rmtree(folder / "workspaces", ignore_errors=True)
    shutil.copytree(ROOT / "notebooks", folder / "notebooks", dirs_exist_ok=True)


# True once the notebook is the current widget and its kernel is idle.
NOTEBOOK_READY = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
  return Boolean(kernel) && kernel.status === "idle" && panel.content.widgets.length > 0;
}"""


def check_reads_cleanly(page, path: Path) -> None:
    """Instructors project the notebooks: their MyST must render, not show as markup."""
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    cells = panel.locator(".jp-MarkdownCell")
    cells.last.locator(".jp-RenderedMarkdown, .myst").first.wait_for(timeout=60_000)
    text = "\n".join(cells.all_inner_texts())
    assert not RAW_MYST.search(text), (path.name, RAW_MYST.search(text).group(0))
    # Glossary terms render as links, exercises and admonitions as titled blocks.
    assert panel.locator(".jp-MarkdownCell a").count() > 5, path.name
    assert re.search(r"^Exercise 1$", text, re.M), path.name
    assert "Key takeaways" in text
    assert "What to notice" in text
    # A link to another page reads as that page's name, not as its file path.
    assert not re.search(r"\.\./|\b0\d_[a-z_]+\b", text), (path.name, text)
    # A cross-reference to an exercise resolves to a link titled with its number
    # (JupyterLab numbers exercises within the notebook, the book through the book).
    if "{numref}" in path.read_text(encoding="utf-8"):
        exercise_link = panel.locator(".jp-MarkdownCell a", has_text=re.compile(r"^Exercise \d+$"))
        assert exercise_link.count() >= 1, path.name
    if path.stem == "01_history":
        # A glossary term is a link that reads as the term itself.
        term = panel.locator(".jp-MarkdownCell a", has_text=re.compile(r"^esketamine$"))
        assert term.count() >= 1
        # jupyterlab-myst has no bibliography: a citation shows its key, without markup.
        assert "anis1983dissociative" in text


# Runs the notebook from its first cell down to the first code cell that contains `text`
# (that cell included or not), as a class works through a lesson; returns that cell's index.
RUN_DOWN_TO = """([text, included]) => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const index = notebook.widgets.findIndex(
    (cell) => cell.model.type === "code" && cell.model.sharedModel.getSource().includes(text)
  );
  notebook.activeCellIndex = 0;
  notebook.deselectAll();
  notebook.extendContiguousSelectionTo(included ? index : index - 1);
  window.jupyterapp.commands.execute("notebook:run-cell");
  return index;
}"""


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_reads_cleanly_and_its_figure_responds_live_in_jupyterlab(
    lab_context, jupyterlab, tmp_path, path
):
    base, token, log = jupyterlab
    page = lab_context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{base}/lab/tree/notebooks/{path.name}?token={token}")
        page.wait_for_function(NOTEBOOK_READY, timeout=120_000)
        check_reads_cleanly(page, path)
        # Down to the first figure: the book build runs every cell; here the rest would run
        # unchecked.
        page.evaluate(RUN_DOWN_TO, ["frame_figure(", True])
        figure = page.locator(".kc-frame-figure").first
        try:
            figure.locator("img.kc-frame").first.wait_for(state="attached", timeout=120_000)
        except Exception:
            page.screenshot(path=str(tmp_path / "lab.png"))
            raise AssertionError(
                f"no figure after Run All (screenshot {tmp_path / 'lab.png'}); server log:\n"
                + log.read_text()[-3000:]
            ) from None
        figure.scroll_into_view_if_needed()
        before = visible_frame(figure)[0]
        control = figure.locator(CONTROL_SELECTOR).first
        assert option_count(control) >= 2
        # One of the first two options differs from the one the figure opens on.
        for option in (0, 1):
            operate(control, option)
            page.wait_for_timeout(100)
            after = visible_frame(figure)[0]
            if after != before:
                break
        assert after != before
        assert errors == []
    finally:
        page.close()


# Sets the source of the first cell that checks `label` and runs it; returns its index.
ANSWER_AND_RUN = """([label, source]) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.widgets;
  const index = cells.findIndex(
    (cell) => cell.model.type === "code" && cell.model.sharedModel.getSource().includes(
      `check("${label}"`)
  );
  cells[index].model.sharedModel.setSource(source);
  panel.content.activeCellIndex = index;
  window.jupyterapp.commands.execute("notebook:run-cell");
  return index;
}"""


def test_answer_cell_gives_feedback_live_in_jupyterlab(lab_context, jupyterlab):
    """A student types an answer into an exercise's answer cell, runs it and reads the hint."""
    base, token, _ = jupyterlab
    page = lab_context.new_page()
    try:
        page.goto(f"{base}/lab/tree/notebooks/02_glutamate_nmda.ipynb?token={token}")
        page.wait_for_function(NOTEBOOK_READY, timeout=120_000)
        page.evaluate(RUN_DOWN_TO, ['check("nmda-half-block"', False])
        page.wait_for_function(NOTEBOOK_READY, timeout=120_000)
        feedback = page.locator(".jp-Notebook-cell.jp-mod-active .kc-feedback")
        # Values from a base-10 logarithm: a typical mistake, with its own hint.
        page.evaluate(
            ANSWER_AND_RUN,
            [
                "nmda-half-block",
                'check("nmda-half-block", v_half_1mM_mV=-8.9, v_half_2mM_mV=-4.06)',
            ],
        )
        feedback.filter(has_text="Not yet.").wait_for(timeout=60_000)
        assert "base-10 logarithm" in feedback.inner_text()
        page.evaluate(
            ANSWER_AND_RUN,
            [
                "nmda-half-block",
                'check("nmda-half-block", v_half_1mM_mV=-20.5, v_half_2mM_mV=-9.3)',
            ],
        )
        feedback.filter(has_text="Correct.").wait_for(timeout=60_000)
    finally:
        page.close()


def test_the_raw_myst_check_flags_unrendered_syntax():
    assert RAW_MYST.search("see {term}`potency` here")
    assert RAW_MYST.search("```{exercise}\n:label: x")
    assert not RAW_MYST.search("Exercise 1\nThe antidepressant infusion gives a peak")
