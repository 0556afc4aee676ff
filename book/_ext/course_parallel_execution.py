"""Run the notebooks that need running side by side, before Sphinx reads them.

MyST-NB executes each notebook when Sphinx reads its page, one after another, and keeps the
result in its execution cache (jupyter-cache). This extension starts, before Sphinx reads any
page, every notebook whose current source has no cached result: one kernel per core and one
more, or one at a time on a single core. While they run, Sphinx reads the other pages; just
before it reads a notebook's page, the extension waits for that notebook and stores its result
in the cache, as MyST-NB would, so MyST-NB finds it there. A notebook that fails is not stored:
MyST-NB runs it again and reports its error as usual.

The cache knows a notebook by its source alone, so a result would outlive a change to the
course's package that the notebook imports. Before Sphinx decides what to read, the extension
drops every result older than the package's newest file, and has the pages of those notebooks
read (and so their notebooks run) again.

Each notebook runs in a thread of Sphinx's process: the thread only sends the cells to its
kernel and collects what comes back, while the kernel, a process of its own, does the work.
(Worker processes cost each notebook an interpreter and half a second of imports.) The kernel
clients of these runs look for a reply at least once a second; see :class:`WakefulChannel`.
MyST-NB's own runs (of a notebook that failed here) use its usual client.
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from queue import Empty
from time import monotonic

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from traitlets import Type, default

logger = logging.getLogger(__name__)


def available_cores() -> int:
    """Cores this process may run on (a container's limit, not the host's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


#: Longest a kernel client waits before it looks again for a message that may have arrived.
POLL_SECONDS = 1.0


class WakefulChannel(AsyncZMQSocketChannel):
    """A kernel channel that looks for a message at least once a second.

    pyzmq's asyncio poll can miss the wake-up for a message that has already arrived, and then
    finds it only when its timeout runs out: for a cell's reply, the whole execution timeout. A
    clean build once stalled 300 s on a lesson whose cells had finished in 8 s. Polling in short
    slices ends such a stall within a second.
    """

    async def get_msg(self, timeout: float | None = None) -> dict:
        deadline = None if timeout is None else monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - monotonic())
            try:
                wait = POLL_SECONDS if remaining is None else min(POLL_SECONDS, remaining)
                return await super().get_msg(wait)
            except Empty:
                if remaining is not None and remaining <= POLL_SECONDS:
                    raise


class WakefulKernelClient(AsyncKernelClient):
    """A kernel client whose replies and outputs arrive through :class:`WakefulChannel`."""

    shell_channel_class = Type(WakefulChannel)
    iopub_channel_class = Type(WakefulChannel)


class WakefulKernelManager(AsyncKernelManager):
    """A kernel manager whose clients are :class:`WakefulKernelClient`."""

    @default("client_factory")
    def _wakeful_client(self) -> type[AsyncKernelClient]:
        return WakefulKernelClient


def execute(
    path: Path, timeout: int, allow_errors: bool, in_temp: bool
) -> tuple[nbformat.NotebookNode | None, float, str | None]:
    """Run one notebook with MyST-NB's options (in its folder, or a temporary one), through
    :class:`WakefulKernelManager`.

    Returns the executed notebook, its run time and, if it failed, why.
    """
    try:
        notebook = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory() as temporary:
            result = single_nb_execution(
                notebook,
                cwd=temporary if in_temp else str(path.parent),
                timeout=timeout,
                allow_errors=allow_errors,
                meta_override=True,
                kernel_manager_class=WakefulKernelManager,
            )
    except Exception as error:  # e.g. a kernel that died: MyST-NB runs it again and reports it
        return None, 0.0, f"{type(error).__name__}: {error}"
    error = None if result.err is None else f"{type(result.err).__name__}: {result.err}"
    return notebook, result.time, error


def notebooks_to_run(env: BuildEnvironment, docnames: list[str]) -> dict[str, Path]:
    """The notebooks among ``docnames`` whose source has no result in the cache, by page."""
    config = env.mystnb_config
    cache = get_cache(config.execution_cache_path)
    paths = {}
    for docname in docnames:
        path = Path(env.doc2path(docname))
        excluded = any(
            PurePosixPath(path.as_posix()).match(p) for p in config.execution_excludepatterns
        )
        if path.suffix != ".ipynb" or excluded:
            continue
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            paths[docname] = path
    return paths


#: The package the lessons import, whose changes make their cached results stale.
PACKAGE = "ketamine_course"


def package_changed_at() -> datetime:
    """When a file of the package (code or data) last changed, in UTC."""
    folder = Path(importlib.util.find_spec(PACKAGE).origin).parent
    newest = max(path.stat().st_mtime for path in folder.rglob("*") if path.is_file())
    return datetime.fromtimestamp(newest, UTC)


def drop_stale_results(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """Remove cached results older than the package; return the pages to read again."""
    config = env.mystnb_config
    if config.execution_mode != "cache" or not Path(config.execution_cache_path).exists():
        return []
    cache = get_cache(config.execution_cache_path)
    changed_at = package_changed_at()
    stale = set()
    for record in cache.list_cache_records():
        # jupyter-cache stores times in UTC, without a zone.
        if record.created.replace(tzinfo=UTC) < changed_at:
            stale.add(record.hashkey)
            cache.remove_cache(record.pk)
    if not stale:
        return []
    pages = []
    for docname in env.found_docs:
        path = Path(env.doc2path(docname))
        if path.suffix == ".ipynb" and path.exists():
            notebook = nbformat.read(path, as_version=4)
            if cache.create_hashed_notebook(notebook)[1] in stale:
                pages.append(docname)
    logger.info(f"Cached results older than the package: {len(stale)}; running them again")
    return pages


class Runs:
    """The notebooks running in threads, by page, and where their results go."""

    def __init__(self) -> None:
        self.pool: concurrent.futures.ThreadPoolExecutor | None = None
        self.pending: dict[str, tuple[Path, concurrent.futures.Future]] = {}
        self.cache_path = ""

    def start(self, app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
        config = env.mystnb_config  # as MyST-NB resolved it, cache folder included
        if config.execution_mode != "cache":
            return
        paths = notebooks_to_run(env, docnames)
        if not paths:
            return
        cores = available_cores()
        # One kernel more than the cores: Sphinx's own thread mostly waits for results, and a
        # kernel waits during its start. On 2 cores a clean build took as long as with two
        # kernels (a ratio of 0.99 over 5 pairs of runs) and 5% less time than with four.
        workers = min(cores + 1 if cores > 1 else 1, len(paths))
        notebooks = f"{len(paths)} notebook" + ("s" if len(paths) > 1 else "")
        logger.info(f"Executing {notebooks}, {workers} at a time, on {cores} cores")
        self.cache_path = config.execution_cache_path
        options = (
            config.execution_timeout,
            config.execution_allow_errors,
            config.execution_in_temp,
        )
        self.pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="notebook")
        self.pending = {
            docname: (path, self.pool.submit(execute, path, *options))
            for docname, path in paths.items()
        }

    def collect(self, app: Sphinx, docname: str, source: list[str]) -> None:
        """Before Sphinx reads a notebook's page: wait for its run and cache the result."""
        if docname not in self.pending:
            return
        path, run = self.pending.pop(docname)
        try:
            notebook, seconds, error = run.result()
        except BaseException:  # e.g. Ctrl-C: start no more notebooks; running ones finish
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool, self.pending = None, {}
            raise
        if not self.pending:
            self.stop()
        if error is not None:
            # MyST-NB runs it again and reports the error with its traceback.
            logger.info(f"{path.name} failed ({error}); MyST-NB will run it again")
            return
        cache = get_cache(self.cache_path)
        record = cache.add_nb_to_project(str(path))
        cache.cache_notebook_bundle(
            CacheBundleIn(
                notebook,
                record.uri,
                data={"execution_seconds": seconds},
            ),
            check_validity=False,
            overwrite=True,
        )
        logger.info(f"Executed {path.name} in {seconds:.1f} s")

    def stop(self, *args: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool, self.pending = None, {}


def setup(app: Sphinx) -> dict[str, object]:
    runs = Runs()
    app.connect("env-get-outdated", drop_stale_results)
    app.connect("env-before-read-docs", runs.start)
    app.connect("source-read", runs.collect)
    app.connect("build-finished", runs.stop)
    # Not safe for parallel reading: the runs belong to the process that started them.
    return {"parallel_read_safe": False, "parallel_write_safe": True}
