"""Claims about ketamine therapy checked against the evidence.

The capstone lesson rates each claim of a ketamine-clinic blog post with one
verdict from :data:`VERDICTS`. The verdicts are data
(``ketamine_course/data/blog_claims.csv``), so a test can check every one has
an allowed verdict and sources that exist in the course bibliography.
"""

from __future__ import annotations

import html
import os
import re

import pandas as pd

from ketamine_course.core.datasets import citation_keys, read_table

#: The allowed verdicts, from best to worst supported, with what each means.
VERDICTS: dict[str, str] = {
    "supported": "the evidence backs the claim as stated",
    "overstated": "there is evidence behind it, but the claim goes further than the evidence",
    "unsupported": "no good evidence for or against it; it may be true, but it is not shown",
    "wrong": "the evidence contradicts it, or it misstates its source",
}
CLAIM_COLUMNS = ("claim_id", "topic", "quote", "verdict", "evidence", "citation_keys")
_CLAIM_ID = re.compile(r"[a-z][a-z0-9_]*")


class ClaimDataError(ValueError):
    """The claims table breaks a rule; the message names the row and column."""


def load_claims(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Read and check the claims table.

    Every row needs a unique ``claim_id`` (lowercase, digits, underscores), a
    topic, the quotation, a verdict from :data:`VERDICTS`, the evidence in
    brief and at least one citation key. Errors name the row and column.

    Parameters
    ----------
    path
        Another CSV file with the same columns; by default the course's
        ``blog_claims.csv``.
    """
    table = read_table("blog_claims.csv", path)
    missing = [c for c in CLAIM_COLUMNS if c not in table.columns]
    if missing:
        raise ClaimDataError(f"the claims table lacks the column(s) {missing}")
    seen: set[str] = set()
    for index, row in table.iterrows():
        where = f"row {index + 2}"
        for column in CLAIM_COLUMNS:
            if not row[column].strip():
                raise ClaimDataError(f"{where}, column {column!r}: is empty")
        claim_id = row["claim_id"]
        if not _CLAIM_ID.fullmatch(claim_id):
            raise ClaimDataError(
                f"{where}, column 'claim_id': must be lowercase letters, digits and "
                f"underscores, starting with a letter; got {claim_id!r}"
            )
        if claim_id in seen:
            raise ClaimDataError(f"{where}, column 'claim_id': {claim_id!r} appears twice")
        seen.add(claim_id)
        if row["verdict"] not in VERDICTS:
            raise ClaimDataError(
                f"{where}, column 'verdict': must be one of {list(VERDICTS)}, "
                f"got {row['verdict']!r}"
            )
        if not citation_keys(row["citation_keys"]):
            raise ClaimDataError(f"{where}, column 'citation_keys': names no key")
    return table


def unknown_citations(claims: pd.DataFrame, known_keys: set[str]) -> dict[str, list[str]]:
    """Citation keys of each claim that are not in ``known_keys``.

    Returns a mapping from claim id to its unknown keys; empty when every key
    is known.
    """
    unknown = {}
    for _, row in claims.iterrows():
        keys = [k for k in citation_keys(row["citation_keys"]) if k not in known_keys]
        if keys:
            unknown[row["claim_id"]] = keys
    return unknown


def verdict_counts(claims: pd.DataFrame) -> pd.Series:
    """How many claims have each verdict, in the order of :data:`VERDICTS`."""
    return claims["verdict"].value_counts().reindex(list(VERDICTS), fill_value=0)


def claims_table_html(claims: pd.DataFrame, labels: dict[str, str]) -> str:
    """The claims as an HTML table: quotation, verdict, evidence and sources.

    Parameters
    ----------
    claims
        Rows from :func:`load_claims` (any subset, including none).
    labels
        Maps each citation key to the text shown for it, such as
        ``"Murrough et al., 2013"`` (see
        :func:`ketamine_course.core.references.short_citations`).
    """
    if claims.empty:
        return '<p class="kc-empty" role="status">No claim matches this choice.</p>'
    missing = sorted(
        {k for cell in claims["citation_keys"] for k in citation_keys(cell)} - set(labels)
    )
    if missing:
        raise ValueError(f"labels has no text for the citation key(s) {missing}")
    rows = []
    for _, row in claims.iterrows():
        sources = "; ".join(html.escape(labels[k]) for k in citation_keys(row["citation_keys"]))
        verdict = html.escape(row["verdict"])
        rows.append(
            "<tr>"
            f"<td>{html.escape(row['topic'])}</td>"
            f"<td><q>{html.escape(row['quote'])}</q></td>"
            f'<td><span class="kc-verdict kc-verdict-{verdict}">{verdict}</span></td>'
            f"<td>{html.escape(row['evidence'])}</td>"
            f"<td>{sources}</td>"
            "</tr>"
        )
    header = "".join(
        f'<th scope="col">{name}</th>'
        for name in ("Topic", "Claim", "Verdict", "What the evidence shows", "Sources")
    )
    caption = f"{len(claims)} claim{'s' if len(claims) != 1 else ''}"
    return (
        f'<table class="kc-claims"><caption>{caption}</caption>'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


DURABILITY_COLUMNS = (
    "finding",
    "label",
    "start_day",
    "end_day",
    "marker_day",
    "marker_label",
    "claims",
    "citation_key",
    "source_location",
)


def load_benefit_durability(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """How long benefit lasted in trials, in days after the last dose.

    Each row is one finding, with a short label: the period with benefit (``start_day`` to
    ``end_day``), a marked time point with its label, and the claims of the
    blog post it bears on (``claims``, ids separated by ``;``). Errors name the
    row and column.
    """
    table = read_table("benefit_durability.csv", path)
    missing = [c for c in DURABILITY_COLUMNS if c not in table.columns]
    if missing:
        raise ClaimDataError(f"the durability table lacks the column(s) {missing}")
    for index, row in table.iterrows():
        where = f"row {index + 2}"
        for column in ("finding", "label", "marker_label", "claims", "citation_key"):
            if not row[column].strip():
                raise ClaimDataError(f"{where}, column {column!r}: is empty")
        for column in ("start_day", "end_day", "marker_day"):
            try:
                value = float(row[column])
            except ValueError:
                raise ClaimDataError(
                    f"{where}, column {column!r}: must be a number of days, got {row[column]!r}"
                ) from None
            if not 0 <= value <= 3650:
                raise ClaimDataError(
                    f"{where}, column {column!r}: must be between 0 and 3650 days, got {value:g}"
                )
        if float(row["start_day"]) >= float(row["end_day"]):
            raise ClaimDataError(f"{where}: start_day must be before end_day")
    for column in ("start_day", "end_day", "marker_day"):
        table[column] = table[column].astype(float)
    return table
