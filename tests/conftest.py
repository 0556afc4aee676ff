"""Shared fixtures: the built book, a local web server and Chromium."""

from __future__ import annotations

import fcntl
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pytest
import yaml
from jupyter_cache import get_cache

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Flags that keep Chromium from reaching out to other hosts on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


#: The two devices every browser test of the book runs on: a phone held upright (390 px, the
#: width of the most common current phones, with touch) and a laptop (1366 × 768 px).
DEVICES = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
    "laptop": {"viewport": {"width": 1366, "height": 768}},
}


#: What a download of the repository does not hold: version control, installed packages and
#: build output (the folders .gitignore names).
NOT_IN_A_DOWNLOAD = (
    ".git",
    ".venv",
    "node_modules",
    "_build",
    ".vendor",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
    ".ipynb_checkpoints",
    "results",
)


def download_copy(destination: Path) -> Path:
    """Copy the repository as a download (a ZIP of it) would hold it: no git, no build."""
    shutil.copytree(
        ROOT, destination, symlinks=True, ignore=shutil.ignore_patterns(*NOT_IN_A_DOWNLOAD)
    )
    return destination


# MyST syntax that shows as raw text wherever MyST is not rendered (JupyterLab without
# jupyterlab-myst, Colab, a student copy).
RAW_MYST = re.compile(
    r"\{(?:term|cite:p|cite:t|numref|ref|doc|eq)\}`|^:(?:label|class):|`{3,}\{|\{(?:solution|exercise)"
    r"(?:-start|-end)?\}|\(\S+\)=$",
    re.M,
)


def jupyter_book_command(*args: str) -> list[str]:
    """``jupyter-book`` with these arguments, run as ``make book`` runs it."""
    return [sys.executable, str(ROOT / "scripts" / "build_book.py"), *args]


def build_fixture_book(
    tmp_path: Path,
    cell_source: str,
    configure: Callable[[dict], None] | None = None,
    notebook_name: str = "fixture",
    environment: dict[str, str] | None = None,
    more_notebooks: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    """Build a one-notebook book with the course's own configuration.

    ``configure``, when given, changes the configuration (a dict read from
    ``_config.yml``) before the build; ``environment`` adds variables to the build's
    environment (as ``make book REPOSITORY_URL=...`` does); ``more_notebooks`` adds
    chapters, each a notebook (name: the source of its one code cell).
    """
    book = tmp_path / "book-src"
    book.mkdir()
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    if configure:
        configure(config)
    (book / "_config.yml").write_text(yaml.safe_dump(config))
    shutil.copytree(ROOT / "book", book / "book")
    shutil.copytree(ROOT / ".vendor", book / ".vendor")
    (book / "notebooks").mkdir()
    sources = {notebook_name: cell_source, **(more_notebooks or {})}
    for name, source in sources.items():
        notebook = nbformat.v4.new_notebook()
        notebook.cells = [
            nbformat.v4.new_markdown_cell(f"# Fixture {name}"),
            nbformat.v4.new_code_cell(source),
        ]
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(notebook, book / "notebooks" / f"{name}.ipynb")
    toc = {"format": "jb-book", "root": f"notebooks/{notebook_name}"}
    if more_notebooks:
        toc["chapters"] = [{"file": f"notebooks/{name}"} for name in more_notebooks]
    (book / "_toc.yml").write_text(yaml.safe_dump(toc))
    return subprocess.run(
        jupyter_book_command("build", str(book), "--warningiserror", "--nitpick", "--keep-going"),
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(environment or {})},
    )


#: The execution cache of ``make book``: what the test build may start from.
BOOK_EXECUTION_CACHE = ROOT / "_build" / ".jupyter_cache"


def build_whole_book(output: Path) -> subprocess.CompletedProcess:
    """Build the book into ``output``, starting from ``make book``'s execution cache if any.

    Every page is read and written afresh. A notebook runs again unless the cache holds a
    run of its current source made after the package last changed
    (book/_ext/course_parallel_execution.py drops older runs); on a fresh clone, as in CI,
    every notebook runs.
    """
    if BOOK_EXECUTION_CACHE.is_dir():
        shutil.copytree(BOOK_EXECUTION_CACHE, output / "_build" / ".jupyter_cache")
    command = jupyter_book_command(
        "build",
        str(ROOT),
        "--path-output",
        str(output),
        "--warningiserror",
        "--nitpick",
        "--keep-going",
    )
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=900)


@pytest.fixture(scope="session")
def book_build(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """Build the whole book with warnings as errors (once per test run).

    The build goes to a fresh folder, so every page is read and written, and no warning can
    hide behind an earlier incremental build (see ``build_whole_book``). When the
    tests run in several processes (``pytest -n``), the first process to need the
    book builds it and the others wait for it and share it.
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        output = tmp_path_factory.mktemp("book")
        return build_whole_book(output), output
    shared = tmp_path_factory.getbasetemp().parent  # the same folder for every process
    output, record = shared / "book", shared / "book-build.json"
    with open(shared / "book-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not record.exists():
            output.mkdir()
            result = build_whole_book(output)
            record.write_text(
                json.dumps([result.args, result.returncode, result.stdout, result.stderr])
            )
    return subprocess.CompletedProcess(*json.loads(record.read_text())), output


@pytest.fixture(scope="session")
def built_html(book_build) -> Path:
    """The folder of the built HTML book; fails when the build did."""
    result, output = book_build
    if result.returncode != 0:
        pytest.fail(
            "the book did not build with warnings as errors:\n"
            + result.stdout[-4000:]
            + result.stderr[-4000:]
        )
    return output / "_build" / "html"


def executed_in_the_book_build(book_build, path) -> nbformat.NotebookNode:
    """The notebook as the book build ran it, from the build's execution cache.

    The build (or ``make book`` before it, since the package last changed) runs every
    notebook of the book in a fresh kernel, in an empty folder (``execute.run_in_temp`` in
    ``_config.yml``), and fails when a cell raises; the cache holds that run only if it
    matches the notebook's current source.
    """
    result, output = book_build
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    cache = get_cache(output / "_build" / ".jupyter_cache")
    try:
        record = cache.match_cache_notebook(nbformat.read(path, as_version=4))
    except KeyError:
        pytest.fail(f"the book build has no run of the current {path.name}")
    return cache.get_cache_bundle(record.pk).nb


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass


@pytest.fixture(scope="session")
def book_server(built_html) -> str:
    """Serve the built book on a free local port; yields its base address."""
    handler = functools.partial(_QuietHandler, directory=str(built_html))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def find_chromium(prefer_headless_shell: bool = True) -> str | None:
    """The Chromium to drive: ``$CHROMIUM`` if set, else Debian's ``chromium-headless-shell``
    or ``chromium`` on the PATH, in the preferred order, else ``/usr/bin/chromium``; None when
    there is none.

    The headless shell is the same Blink and V8 as Chromium without the desktop browser
    around them: the test suite takes about a quarter less processor time in it. What
    measures a reader's browser (Lighthouse, frame switch latency) prefers the full one.
    """
    names = ["chromium-headless-shell", "chromium"]
    if not prefer_headless_shell:
        names.reverse()
    found = [path for name in names if (path := shutil.which(name))]
    candidate = os.environ.get("CHROMIUM") or (found + ["/usr/bin/chromium"])[0]
    return candidate if Path(candidate).exists() else None


@pytest.fixture(scope="session")
def browser():
    """Chromium driven by Playwright (see find_chromium); skips (fails under CI) when absent."""
    executable = find_chromium()
    message = (
        "Chromium not found: install it (e.g. 'apt-get install chromium-headless-shell' or "
        "'apt-get install chromium') or set CHROMIUM"
    )
    if os.environ.get("CHROMIUM") and executable is None:
        message = f"CHROMIUM names {os.environ['CHROMIUM']}, which does not exist"
    if executable is None:
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if IN_CI:
            pytest.fail("Playwright is missing: run 'make test' to install requirements-dev.txt")
        pytest.skip("Playwright is missing: install requirements-dev.txt")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def page_visit(browser, book_server, built_html):
    """``page_visit(name, device)``: one visit to a page of the book on a device, with what
    each browser check found there (see page_visits.py). A page is visited once per test
    process; the tests that share a visit run in the same process (see ``visited``)."""
    from page_visits import visit

    visits = {}

    def visited(name: str, device: str):
        if (name, device) not in visits:
            visits[name, device] = visit(browser, book_server, built_html, name, device)
        return visits[name, device]

    return visited


def visited(names: list[str], devices=tuple(DEVICES)) -> list:
    """Parameters ``name, device`` for tests that read ``page_visit(name, device)``.

    Each is marked with its visit's xdist group, so that the tests that share a visit run in
    one test process, which visits the page once.
    """
    return [
        pytest.param(
            name,
            device,
            id=f"{name}-{device}",
            marks=pytest.mark.xdist_group(f"visit {name} {device}"),
        )
        for name in names
        for device in devices
    ]


#: Test modules whose tests go first, in this order: JupyterLab's tests keep one test process
#: busy for a minute and a half without the built book, while another builds the book (the
#: first test of test_book.py needs it) and then runs the other long tests.
GO_FIRST = ("test_live_lab.py", "test_book.py", "test_standalone.py", "test_assignments.py")


def pytest_collection_modifyitems(items):
    # pytest-xdist hands out work in collection order, a group at a time (make test passes
    # --no-loadscope-reorder, which keeps that order rather than putting large groups first).
    def rank(item) -> int:
        name = item.path.name
        return GO_FIRST.index(name) if name in GO_FIRST else len(GO_FIRST)

    items.sort(key=rank)


FIXTURE_FIGURE = """
import matplotlib.pyplot as plt
from ketamine_course import Control, frame_figure

def plot(slope, color, style):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, slope], color=color, linestyle=style)
    return fig

frame_figure(
    plot,
    [
        Control("slope", [-1, 0, 1], kind="slider"),
        Control("color", ["C0", "C1"], kind="dropdown"),
        Control("style", ["-", ":"], kind="toggle"),
    ],
    alt=lambda slope, color, style: f"slope {slope} color {color} style {style}",
)
"""


@pytest.fixture(scope="session")
def three_control_figure(tmp_path_factory):
    """A built fixture page whose figure has a slider, a dropdown and toggle buttons."""
    folder = tmp_path_factory.mktemp("fixture-figure")
    result = build_fixture_book(folder, FIXTURE_FIGURE)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    html = folder / "book-src" / "_build" / "html"
    handler = functools.partial(_QuietHandler, directory=str(html))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/notebooks/fixture.html"
    server.shutdown()


def csv_with_changes(tmp_path: Path, table, **changes) -> Path:
    """Write ``table`` to a CSV file with the given cells of its first row changed.

    For tests of the data loaders: each change names a column and its new text.
    """
    table = table.copy()
    for column, value in changes.items():
        table[column] = table[column].astype(object)
        table.loc[table.index[0], column] = value
    path = tmp_path / "table.csv"
    table.to_csv(path, index=False)
    return path
