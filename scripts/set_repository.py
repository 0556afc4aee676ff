"""Write the repository's address into each lesson's Colab install cell.

Google Colab opens a lesson notebook from the repository without the course package, so
every lesson starts with a cell (tagged ``colab-install``) that, on Colab only, installs the
package from the repository named in it. A fork names itself once with

    make set-repository REPOSITORY_URL=https://github.com/OWNER/REPO [REPOSITORY_BRANCH=main]

and commits the notebooks. The cell is the same in every lesson, because each notebook must
work on its own in Colab; the book leaves it out of its pages.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
TAG = "colab-install"
REPOSITORY_URL = re.compile(r"https://[A-Za-z0-9.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
BRANCH = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]*")

CELL = """\
# Google Colab has no copy of the course package: this cell installs it from the course's
# repository (set with `make set-repository`). Anywhere else it does nothing.
import sys

REPOSITORY = {repository}
BRANCH = {branch}
if "google.colab" in sys.modules:
    import subprocess

    if not REPOSITORY:
        raise RuntimeError(
            "This copy of the course names no repository to install the course package "
            "from: run `make set-repository REPOSITORY_URL=...` in the repository and "
            "commit the notebooks."
        )
    package = f"ketamine-course @ git+{{REPOSITORY}}@{{BRANCH}}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", package], check=True)"""


def colab_cell_source(repository: str, branch: str) -> str:
    return CELL.format(repository=json.dumps(repository), branch=json.dumps(branch))


def set_repository(notebook: Path, repository: str, branch: str) -> None:
    """Put the install cell, naming ``repository``, before the notebook's first code cell."""
    nb = nbformat.read(notebook, as_version=4)
    source = colab_cell_source(repository, branch)
    tagged = [cell for cell in nb.cells if TAG in cell.metadata.get("tags", [])]
    if tagged:
        tagged[0].source = source
    else:
        first_code = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")
        cell = nbformat.v4.new_code_cell(source)
        # remove-cell: the book's pages do not show it.
        cell.metadata["tags"] = [TAG, "remove-cell"]
        nb.cells.insert(first_code, cell)
    nbformat.write(nb, notebook)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repository_url", help="e.g. https://github.com/OWNER/REPO, or ''")
    parser.add_argument("branch", nargs="?", default="main")
    args = parser.parse_args(argv)
    repository = args.repository_url.strip().rstrip("/")
    if repository and not REPOSITORY_URL.fullmatch(repository):
        parser.error(
            f"repository_url must look like https://github.com/OWNER/REPO, got {repository!r}"
        )
    if not BRANCH.fullmatch(args.branch):
        parser.error(f"branch must be a branch name such as main, got {args.branch!r}")
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        set_repository(notebook, repository, args.branch)
    print(f"The lessons' Colab cells now install from {repository or '(no repository)'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
