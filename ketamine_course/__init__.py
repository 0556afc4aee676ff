"""Models, data and figure helpers for the course *Ketamine: from anesthetic to
rapid-acting antidepressant*.

The notebooks stay thin: they call the tested functions in this package. Each topic is a
subpackage (``history``, ``mechanism``, ``pharmacokinetics``, ``evidence``, ``safety``,
``claims``) with its models, figures and exercise checkers; ``core`` holds what they share.
"""

from .core.feedback import check, grade
from .core.interactive import Control, filter_table, frame_figure, render_frames, self_check

__all__ = [
    "Control",
    "check",
    "filter_table",
    "frame_figure",
    "grade",
    "render_frames",
    "self_check",
]
__version__ = "0.1.0"
