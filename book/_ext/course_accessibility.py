"""Sphinx extension: repair two accessibility faults in the HTML that extensions write.

- MyST-NB labels the summary of a hidden code cell "Toggle hidden content" while it shows
  "Show code cell source"; the label must contain the visible text (WCAG 2.5.3), so the
  summary keeps its visible text as its name.
- Docutils marks bibliography entries with the deprecated role ``doc-biblioentry`` inside a
  ``role="list"`` container, which needs ``listitem`` children.
"""

from __future__ import annotations

REPAIRS = (
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    ('role="doc-biblioentry"', 'role="listitem"'),
)


def repair_body(body: str) -> str:
    """The page body with the faults above repaired."""
    for fault, repair in REPAIRS:
        body = body.replace(fault, repair)
    return body


def _repair_page(app, pagename, templatename, context, doctree):
    if "body" in context:
        context["body"] = repair_body(context["body"])


def setup(app):
    app.connect("html-page-context", _repair_page)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
