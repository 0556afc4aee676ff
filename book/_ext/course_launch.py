"""The repository's buttons and the launch buttons, from the address the book is built for.

Binder, JupyterHub and Colab links, and the repository, issue and edit-this-page buttons,
are built from ``repository_url`` in the theme options. The address comes from where the
book is built: ``make book REPOSITORY_URL=...`` (or the publishing workflow, which passes
the repository it runs in) sets the environment variables below, which override
``_config.yml``. Without an address the buttons are left out: sphinx-book-theme fails on
every notebook page when launch providers are set but the address is empty.

Environment variables:

``COURSE_REPOSITORY_URL``
    The repository's public address, e.g. ``https://github.com/OWNER/REPO``.
``COURSE_REPOSITORY_BRANCH``
    The branch the buttons open (default: the configured ``repository_branch``).
``COURSE_JUPYTERHUB_URL``
    A JupyterHub for the JupyterHub button (nbgitpuller); without it there is no such button.
"""

from __future__ import annotations

import os
import re

from sphinx.errors import ConfigError
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

#: An address the buttons can be built from: a repository on a Git host, over https.
REPOSITORY_URL = re.compile(r"https://[A-Za-z0-9.-]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
HUB_URL = re.compile(r"https://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9_.~/-]*)?")
BRANCH = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_./-]*")


def _from_environment(name: str, pattern: re.Pattern, example: str) -> str | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    if not pattern.fullmatch(value):
        raise ConfigError(f"{name} must look like {example}, got {value!r}")
    return value.rstrip("/")


def _apply_repository_address(app, config) -> None:
    options = config.html_theme_options
    repository = _from_environment(
        "COURSE_REPOSITORY_URL", REPOSITORY_URL, "https://github.com/OWNER/REPO"
    )
    branch = _from_environment("COURSE_REPOSITORY_BRANCH", BRANCH, "main")
    hub = _from_environment("COURSE_JUPYTERHUB_URL", HUB_URL, "https://hub.example.edu")
    if repository:
        options["repository_url"] = repository
    if branch:
        options["repository_branch"] = branch
    if hub and "launch_buttons" in options:
        options["launch_buttons"]["jupyterhub_url"] = hub
    if not options.get("repository_url"):
        if options.pop("launch_buttons", None) is not None:
            LOGGER.info("no repository address: launch buttons are left out")
        return
    # With an address, the page header links to the repository, its issues and the
    # page's source.
    for button in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
        options[button] = True


def setup(app):
    # After sphinx-book-theme's own config-inited handlers have read the options.
    app.connect("config-inited", _apply_repository_address, priority=900)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
