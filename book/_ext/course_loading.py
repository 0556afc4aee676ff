"""Sphinx extension: keep scripts from holding up the first paint of a page.

- Every script file a page loads is marked ``defer`` (run in order once the page is
  parsed), except ``documentation_options.js``, which inline scripts in the page read at
  once.
- The embedded widget state (every frame of every interactive figure, often most of the
  page's bytes) moves from the head to the end of the body, so the text can be shown
  before the frames have arrived. The widget manager finds it anywhere in the page.
"""

from __future__ import annotations

from sphinx.builders.html._assets import _JavaScript

KEEP_BLOCKING = ("documentation_options.js",)
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def deferred(script: _JavaScript) -> _JavaScript:
    """The script marked ``defer``, unless it is inline, already async or deferred, or kept."""
    attributes = dict(script.attributes)
    name = str(script.filename).split("?")[0]
    if not name or name.endswith(KEEP_BLOCKING) or {"async", "defer"} & set(attributes):
        return script
    attributes["defer"] = "defer"
    return _JavaScript(script.filename, priority=script.priority, **attributes)


def _defer_scripts(app, pagename, templatename, context, doctree):
    if "script_files" not in context:
        return
    scripts = [deferred(script) for script in context["script_files"]]
    states = [s for s in scripts if s.attributes.get("type") == WIDGET_STATE]
    if states and "body" in context:
        scripts = [s for s in scripts if s.attributes.get("type") != WIDGET_STATE]
        context["body"] += "".join(
            f'<script type="{WIDGET_STATE}">{state.attributes["body"]}</script>\n'
            for state in states
        )
    context["script_files"] = scripts


def setup(app):
    # After other extensions have added their scripts to the page.
    app.connect("html-page-context", _defer_scripts, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
