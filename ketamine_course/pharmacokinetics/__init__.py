"""Routes and pharmacokinetics (lesson 5): the compartment models (``model``), their
figures (``figures``) and the lesson's exercise checkers (``exercises``).

Lessons import the public names of its model and figures from the package itself; each is
imported from its module on first use (see :mod:`ketamine_course.core.exports`).
"""

from ketamine_course.core.exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    model=[
        "Disposition",
        "CLEMENTS_NIMMO_1981",
        "disposition_from_volumes",
        "KAMP_2020",
        "FANTA_2015",
        "DISPOSITIONS",
        "Route",
        "absorption_rate_for_tmax",
        "absorption_rate_for_peak",
        "PKResult",
        "ROUTES",
        "simulate",
        "cmax_ng_per_ml",
        "tmax_min",
        "auc_ng_min_per_ml",
        "time_above_min",
        "estimated_block",
    ],
    figures=[
        "WEIGHT_KG",
        "FIGURE_ROUTES",
        "FIGURE_T_MIN",
        "BAND_COLORS",
        "route_curve",
        "plot_routes",
        "describe_routes",
        "plot_block",
        "describe_block",
        "REGIMENS",
        "REGIMEN_T_MIN",
        "regimen_curve",
        "plot_regimen",
        "describe_regimen",
    ],
)
