"""Launch buttons only once the repository's public address is configured.

Binder, JupyterHub and Colab links are built from ``repository_url`` in the theme
options. sphinx-book-theme fails on every notebook page when launch providers are set
but that address is empty, so until it is set the providers are left out and the pages
show no launch button.
"""

from __future__ import annotations

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)


def _drop_launch_buttons_without_repository(app, config) -> None:
    options = config.html_theme_options
    if options.get("launch_buttons") and not options.get("repository_url"):
        options.pop("launch_buttons")
        LOGGER.info("no repository_url in the theme options: launch buttons are left out")


def setup(app):
    # After sphinx-book-theme's own config-inited handlers have read the options.
    app.connect("config-inited", _drop_launch_buttons_without_repository, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
