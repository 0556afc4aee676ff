"""History (lesson 1): the sourced timeline of ketamine's history (``model``), its
figure (``figures``) and the lesson's exercise checkers (``exercises``).

Lessons import the public names of its model and figures from the package itself; each is
imported from its module on first use (see :mod:`ketamine_course.core.exports`).
"""

from ketamine_course.core.exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    model=[
        "THEMES",
        "COLUMNS",
        "MAX_LABEL_CHARS",
        "TIMELINE_FILE",
        "TimelineError",
        "load_timeline",
    ],
    figures=[
        "THEME_COLORS",
        "THEME_MARKERS",
        "plot_timeline",
        "describe_timeline",
    ],
)
