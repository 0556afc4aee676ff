"""Reading claims (lesson 9): the blog's claims and their verdicts (``model``), the claim
timeline figure (``figures``) and the lesson's exercise checkers (``exercises``).

Lessons import the public names of its model and figures from the package itself; each is
imported from its module on first use (see :mod:`ketamine_course.core.exports`).
"""

from ketamine_course.core.exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    model=[
        "VERDICTS",
        "CLAIM_COLUMNS",
        "ClaimDataError",
        "load_claims",
        "unknown_citations",
        "verdict_counts",
        "claims_table_html",
        "DURABILITY_COLUMNS",
        "load_benefit_durability",
    ],
    figures=[
        "CLAIM_WINDOWS",
        "AXIS_DAYS",
        "INFUSION",
        "drug_remaining",
        "plot_claim_timeline",
        "describe_claim_timeline",
    ],
)
