"""How the build runs notebooks side by side (book/_ext/course_parallel_execution.py).

The build itself, with notebooks that pass and fail, is tested in tests/test_book.py.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sys
from queue import Empty

import pytest
from jupyter_client.channels import AsyncZMQSocketChannel

from conftest import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import course_parallel_execution  # noqa: E402
from course_parallel_execution import (  # noqa: E402
    POLL_SECONDS,
    WakefulChannel,
    WakefulKernelManager,
    execute,
)


class MissedWakeUps:
    """Stands in for pyzmq's poll: reports nothing ``misses`` times, then the message.

    The real poll, having missed a message's arrival, reports it only when its timeout runs
    out, so each poll's timeout is how long the client would have waited; the fake clock
    moves on by as much.
    """

    def __init__(self, misses: int | None, late: float = 0.0) -> None:
        self.misses = misses
        self.late = late  # how much longer than its timeout each empty poll takes
        self.timeouts: list[float | None] = []
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def get_msg(self, timeout=None):  # installed on the class, called as super().get_msg
        self.timeouts.append(timeout)
        self.now += (timeout or 0.0) + self.late
        if self.misses is None or len(self.timeouts) <= self.misses:
            raise Empty
        return {"msg_type": "execute_reply"}


@pytest.fixture
def polls(monkeypatch):
    def install(misses: int | None, late: float = 0.0) -> MissedWakeUps:
        fake = MissedWakeUps(misses, late)
        monkeypatch.setattr(AsyncZMQSocketChannel, "get_msg", fake.get_msg)
        monkeypatch.setattr(course_parallel_execution, "monotonic", fake.clock)
        return fake

    return install


def receive(timeout: float | None) -> dict:
    channel = WakefulChannel.__new__(WakefulChannel)  # no socket: the poll is replaced
    # In a thread of its own, as in the build, and apart from any event loop a test left running.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, channel.get_msg(timeout)).result()


def test_a_reply_waits_at_most_a_poll_slice_after_a_missed_wake_up(polls):
    fake = polls(misses=2)
    # A cell's reply is awaited with the whole execution timeout (300 s in _config.yml).
    assert receive(300.0) == {"msg_type": "execute_reply"}
    assert fake.timeouts == [POLL_SECONDS] * 3


def test_output_without_a_timeout_is_awaited_in_slices_until_it_comes(polls):
    fake = polls(misses=5)
    assert receive(None) == {"msg_type": "execute_reply"}
    assert fake.timeouts == [POLL_SECONDS] * 6


def test_nothing_arriving_ends_in_empty_once_the_timeout_has_passed(polls):
    fake = polls(misses=None)
    with pytest.raises(Empty):
        receive(2.5 * POLL_SECONDS)
    # Slices of the full length while time remains, then what remains; not one more.
    assert fake.timeouts == [POLL_SECONDS, POLL_SECONDS, 0.5 * POLL_SECONDS]


def test_a_poll_that_overruns_leaves_no_negative_timeout(polls):
    # pyzmq's poll never ends on a negative timeout: it sets a timer only for a positive one.
    fake = polls(misses=None, late=1.5 * POLL_SECONDS)  # the first poll ends past the deadline
    with pytest.raises(Empty):
        receive(2.0 * POLL_SECONDS)
    assert fake.timeouts == [POLL_SECONDS, 0.0]


def test_a_zero_timeout_polls_once(polls):
    fake = polls(misses=None)
    with pytest.raises(Empty):
        receive(0.0)
    assert fake.timeouts == [0.0]


def test_the_build_kernel_clients_use_the_wakeful_channel():
    client = WakefulKernelManager().client()
    assert client.shell_channel_class is WakefulChannel
    assert client.iopub_channel_class is WakefulChannel


def test_the_build_runs_notebooks_through_the_wakeful_kernel_manager(monkeypatch, tmp_path):
    calls = []

    def run(notebook, **options):
        calls.append(options)
        raise RuntimeError("stop here")

    monkeypatch.setattr(course_parallel_execution, "single_nb_execution", run)
    notebook = tmp_path / "lesson.ipynb"
    notebook.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    assert execute(notebook, timeout=60, allow_errors=False, in_temp=True) == (
        None,
        0.0,
        "RuntimeError: stop here",
    )
    assert calls[0]["kernel_manager_class"] is WakefulKernelManager
    assert calls[0]["timeout"] == 60 and calls[0]["allow_errors"] is False


def test_a_notebook_that_cannot_be_run_is_handed_back_with_the_reason(tmp_path):
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{ not a notebook")
    notebook, seconds, error = execute(broken, timeout=60, allow_errors=False, in_temp=True)
    assert notebook is None and seconds == 0.0
    assert error.startswith(("NotJSONError", "JSONDecodeError")), error
