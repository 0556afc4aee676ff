"""The test suite's own parallel running (``make test``: ``pytest -n auto --dist loadgroup``)."""

from __future__ import annotations

import pytest

GROUP = "a group of one"


@pytest.mark.xdist_group(GROUP)
def test_tests_of_one_group_reach_the_scheduler_as_a_group(request):
    # pytest-xdist sends tests to a process by the group suffix of their node id; when a
    # version of pytest drops the suffix, grouped tests silently spread over processes and
    # each process builds their shared fixture (a page visit, a fixture book) again.
    # Only a worker process of pytest-xdist has ``workerinput`` (a test process that runs
    # pytest itself inherits the variable PYTEST_XDIST_WORKER, not the worker's role).
    if not hasattr(request.config, "workerinput") or not request.config.option.loadgroup:
        pytest.skip("checks 'make test', which runs the tests with --dist loadgroup")
    assert request.node.nodeid.endswith(f"@{GROUP}")
