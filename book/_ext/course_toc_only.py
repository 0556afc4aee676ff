"""Sphinx extension: build only the pages listed in ``_toc.yml``, without reading ``node_modules``.

Jupyter Book's ``only_build_toc_files`` has sphinx-external-toc look for every other page by
globbing the whole source folder once per source suffix, ``node_modules/`` included (about
25,000 files here): some 0.3 s at the start of every build and rebuild. This extension
excludes the same pages, those not in the table of contents, with one walk that skips the
folders the book excludes anyway. ``_config.yml`` therefore sets ``only_build_toc_files`` to
false and loads this extension instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.matching import Matcher, patmatch

logger = logging.getLogger(__name__)


def pages_not_in_toc(srcdir: Path, site_map, exclude_patterns: list[str], suffixes) -> list[str]:
    """Source files under ``srcdir`` that the table of contents does not list, as POSIX paths.

    Like sphinx-external-toc: hidden files and folders are not looked at (as a glob's ``**``
    does not), nor is anything the book's ``exclude_patterns`` already excludes.
    """
    excluded = Matcher(exclude_patterns)
    globs = list(site_map.globs())
    missing = []
    for folder, subfolders, files in os.walk(srcdir, followlinks=True):
        relative = Path(folder).relative_to(srcdir).as_posix()
        prefix = "" if relative == "." else f"{relative}/"
        # An excluded folder excludes all it holds (node_modules/* excludes node_modules/a/).
        subfolders[:] = sorted(
            name for name in subfolders if not name.startswith(".") and not excluded(prefix + name)
        )
        for name in sorted(files):
            suffix = next((s for s in suffixes if name.endswith(s)), None)
            if suffix is None or name.startswith("."):
                continue
            path = prefix + name
            stem = path[: -len(suffix)]
            listed = path in site_map or stem in site_map
            if listed or excluded(path) or any(patmatch(stem, glob) for glob in globs):
                continue
            missing.append(path)
    return missing


def exclude_pages_not_in_toc(app: Sphinx, config: Config) -> None:
    # Building one page (jupyter-book build page.md) uses no table of contents.
    site_map = getattr(config, "external_site_map", None)
    if site_map is None:
        return
    missing = pages_not_in_toc(
        Path(app.srcdir), site_map, config.exclude_patterns, config.source_suffix
    )
    if missing:
        logger.info(f"Pages not in the table of contents, not built: {len(missing)}")
        logger.debug(f"Pages not in the table of contents: {', '.join(missing)}")
        # A new list: the default list must not change.
        config.exclude_patterns = config.exclude_patterns + missing


def setup(app: Sphinx) -> dict[str, object]:
    # After sphinx-external-toc has read _toc.yml into config.external_site_map (priority 900).
    app.connect("config-inited", exclude_pages_not_in_toc, priority=901)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
