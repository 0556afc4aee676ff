"""Clinical evidence (lessons 6 and 7): the trials, effect sizes and pooling (``model``),
the forest, funnel, unblinding and evidence-map figures (``figures``) and the lessons'
exercise checkers (``exercises``).

Lessons import the public names of its model and figures from the package itself; each is
imported from its module on first use (see :mod:`ketamine_course.core.exports`).
"""

from ketamine_course.core.exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    model=[
        "REQUIRED_COLUMNS",
        "NUMERIC_COLUMNS",
        "OUTCOME_TYPES",
        "Z_95",
        "MEASURES",
        "TrialDataError",
        "load_trials",
        "effect_sizes",
        "PooledEffect",
        "TAU2_METHODS",
        "pool",
        "select",
        "reported_effects",
        "leave_one_out",
        "EggerTest",
        "egger_test",
        "simulate_unblinded_trials",
        "MAP_COLUMNS",
        "load_evidence_map",
        "load_pooled_estimates",
    ],
    figures=[
        "ESKETAMINE_SETS",
        "esketamine_effects",
        "forest",
        "plot_esketamine_forest",
        "describe_esketamine_forest",
        "BINARY_ROWS",
        "BINARY_MEASURES",
        "binary_effects",
        "plot_binary_forest",
        "describe_binary_forest",
        "plot_sensitivity",
        "describe_sensitivity",
        "UNBLINDED_FRACTIONS",
        "UNBLINDING_TRUE_SMD",
        "UNBLINDING_EXPECTANCY_SMD",
        "UNBLINDING_N_PER_ARM",
        "unblinding_runs",
        "significant_share",
        "plot_unblinding",
        "describe_unblinding",
        "MAP_VIEWS",
        "plot_evidence_map",
        "describe_evidence_map",
        "POOLED_OUTCOMES",
        "pooled_rows",
        "plot_pooled",
        "describe_pooled",
    ],
)
