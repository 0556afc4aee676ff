"""The capstone's timeline figure and the durability table behind it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from ketamine_course.claims import (
    CLAIM_WINDOWS,
    ClaimDataError,
    describe_claim_timeline,
    drug_remaining,
    load_benefit_durability,
    plot_claim_timeline,
)

FINDINGS = load_benefit_durability()


def test_findings_match_their_sources():
    rows = FINDINGS.set_index("citation_key")
    # Kishimoto et al. 2016: better than placebo "beginning at 40 min, peaking at day 1 ...
    # and loosing superiority by days 10-12" (sic).  codespell:ignore
    assert rows.loc["kishimoto2016single", "start_day"] == pytest.approx(40 / 1440, rel=0.01)
    assert rows.loc["kishimoto2016single", "marker_day"] == 1
    # Feder et al. 2021: median time to loss of response 27.5 days.
    assert rows.loc["feder2021randomized", "end_day"] == 27.5
    # Ekstrand et al. 2022: remitters stayed well a median of 57 days; 70 % relapsed in 12 months.
    assert rows.loc["ekstrand2022racemic", "end_day"] == 57


def test_the_drug_is_nearly_gone_a_day_after_an_infusion():
    # Lesson 5's model (Clements et al. 1981 disposition): under 1 % of the peak level at 24 h.
    early, late = drug_remaining([40 / 1440, 1.0])
    assert early == pytest.approx(1.0, abs=1e-3)
    assert late < 0.01


@pytest.mark.parametrize("claim", list(CLAIM_WINDOWS))
def test_timeline_highlights_the_findings_of_its_claim(claim):
    fig = plot_claim_timeline(claim)
    try:
        labels = [t.get_text() for t in fig.axes[1].get_yticklabels()]
    finally:
        plt.close(fig)
    assert labels == list(FINDINGS["label"])
    text = describe_claim_timeline(claim)
    relevant = FINDINGS["claims"].str.contains(claim)
    assert text.count("(highlighted)") == relevant.sum()


def test_bad_claim_and_bad_rows_are_named(tmp_path):
    with pytest.raises(ValueError, match="claim must be one of"):
        plot_claim_timeline("cures everything")
    table = FINDINGS.astype(str)
    table.loc[0, "end_day"] = "0.001"
    path = tmp_path / "durability.csv"
    table.to_csv(path, index=False)
    with pytest.raises(ClaimDataError, match="row 2: start_day must be before end_day"):
        load_benefit_durability(path)
    table.loc[0, "end_day"] = "forever"
    table.to_csv(path, index=False)
    with pytest.raises(ClaimDataError, match="row 2, column 'end_day': must be a number of days"):
        load_benefit_durability(path)
