"""Safety and practice (lesson 8): acute effects and adverse events (``model``), their
figures (``figures``) and the lesson's exercise checkers (``exercises``).

Lessons import the public names of its model and figures from the package itself; each is
imported from its module on first use (see :mod:`ketamine_course.core.exports`).
"""

from ketamine_course.core.exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    model=[
        "ACUTE_COLUMNS",
        "EVENT_COLUMNS",
        "SafetyDataError",
        "Formulation",
        "FORMULATIONS",
        "REMS_OBSERVATION_MIN",
        "load_acute_effects",
        "load_adverse_events",
        "number_needed_to_harm",
        "plasma_curve",
        "fraction_of_peak",
    ],
    figures=[
        "EFFECT_STYLES",
        "TIME_AXIS_MIN",
        "plot_acute_effects",
        "describe_acute_effects",
        "TRIALS",
        "plot_adverse_events",
        "describe_adverse_events",
    ],
)
