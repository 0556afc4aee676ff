"""The trial dataset, its loader, per-trial effects and pooling."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from ketamine_course.evidence import (
    NUMERIC_COLUMNS,
    REQUIRED_COLUMNS,
    TrialDataError,
    effect_sizes,
    egger_test,
    leave_one_out,
    load_trials,
    pool,
    reported_effects,
    select,
)

COLUMNS = [*REQUIRED_COLUMNS, "doi", *[c for c in NUMERIC_COLUMNS if c not in REQUIRED_COLUMNS]]


def row(**values) -> dict[str, str]:
    base = {column: "" for column in COLUMNS}
    base.update(
        trial="Example",
        citation_key="example2000",
        doi="10.1000/example",
        design="parallel",
        population="treatment-resistant depression",
        drug="racemic ketamine",
        route="intravenous",
        comparator="saline",
        outcome="MADRS",
        outcome_type="continuous",
        time_point="24 h",
        n_treatment="20",
        n_control="20",
        source_location="Table 2",
    )
    base.update({k: str(v) for k, v in values.items()})
    return base


COLUMNS.append("reported_measure")
COLUMNS.append("notes")


def write_csv(tmp_path, rows) -> str:
    path = tmp_path / "trials.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def continuous(name, mean_t, sd_t, n_t, mean_c, sd_c, n_c):
    return row(
        trial=name,
        mean_change_treatment=mean_t,
        sd_treatment=sd_t,
        n_treatment=n_t,
        mean_change_control=mean_c,
        sd_control=sd_c,
        n_control=n_c,
    )


def test_the_course_dataset_loads_and_every_row_has_a_source():
    trials = load_trials()
    assert len(trials) >= 1
    assert trials["citation_key"].str.strip().ne("").all()
    assert trials["source_location"].str.strip().ne("").all()


def test_every_citation_key_is_in_the_bibliography():
    bib = (ROOT / "book" / "references.bib").read_text()
    for key in load_trials()["citation_key"].unique():
        assert "{" + key + "," in bib, key


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"n_control": "0"}, r"row 2, column 'n_control': must be a positive whole number"),
        ({}, r"row 2, column 'notes': must say why the row has neither arm-level data nor"),
        (
            {
                "reported_measure": "mean difference",
                "reported_estimate": "5",
                "reported_ci_low": "-1",
                "reported_ci_high": "2",
            },
            r"row 2, column 'reported_estimate': must lie within its confidence interval",
        ),
        (
            {"reported_measure": "mean difference", "reported_estimate": "1"},
            r"row 2, column 'reported_ci_low': is empty while the reported estimate is given",
        ),
        (
            {
                "outcome_type": "binary",
                "events_treatment": "5",
                "events_control": "3",
                "n_control": "",
            },
            r"row 2, column 'notes': must say why arm-level data come without arm sizes",
        ),
        ({"n_treatment": "12.5"}, r"row 2, column 'n_treatment': must be a positive whole number"),
        ({"n_treatment": "twenty"}, r"row 2, column 'n_treatment': 'twenty' is not a number"),
        ({"source_location": ""}, r"row 2, column 'source_location': is empty"),
        ({"outcome_type": "ordinal"}, r"row 2, column 'outcome_type': must be one of"),
        (
            {
                "mean_change_treatment": "-10",
                "sd_treatment": "0",
                "mean_change_control": "-5",
                "sd_control": "8",
            },
            r"row 2, column 'sd_treatment': must be greater than 0",
        ),
        (
            {"mean_change_treatment": "-10", "sd_treatment": "5"},
            r"row 2, column 'mean_change_control': is empty while other arm-level data",
        ),
        (
            {"outcome_type": "binary", "events_treatment": "25", "events_control": "3"},
            r"row 2, column 'events_treatment': 25 events exceed n_treatment=20",
        ),
    ],
)
def test_a_broken_row_is_named_with_its_column(tmp_path, change, message):
    path = write_csv(tmp_path, [row(**change)])
    with pytest.raises(TrialDataError, match=message):
        load_trials(path)


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "trials.csv"
    path.write_text("trial,citation_key\nA,a2000\n")
    with pytest.raises(TrialDataError, match="lacks the column"):
        load_trials(str(path))


def test_standardized_mean_difference_matches_hedges_g(tmp_path):
    # Treatment fell 15 points, control 5, both SD 10, 20 per arm: Cohen's d = 1.0 and
    # Hedges' correction 1 - 3 / (4 * 38 - 1) gives g = 0.98013.
    trials = load_trials(write_csv(tmp_path, [continuous("A", -15, 10, 20, -5, 10, 20)]))
    effect = effect_sizes(trials, "smd")
    assert effect["effect"].iloc[0] == pytest.approx(1 - 3 / (4 * 38 - 1), rel=1e-9)


def test_risk_ratio_and_difference_of_responders(tmp_path):
    binary = row(outcome_type="binary", events_treatment=12, events_control=6)
    trials = load_trials(write_csv(tmp_path, [binary]))
    assert np.exp(effect_sizes(trials, "log_rr")["effect"].iloc[0]) == pytest.approx(2.0)
    assert effect_sizes(trials, "rd")["effect"].iloc[0] == pytest.approx(0.3)
    odds = (12 / 8) / (6 / 14)
    assert np.exp(effect_sizes(trials, "log_or")["effect"].iloc[0]) == pytest.approx(odds)


def test_a_zero_cell_gets_a_continuity_correction(tmp_path):
    binary = row(outcome_type="binary", events_treatment=5, events_control=0)
    effect = effect_sizes(load_trials(write_csv(tmp_path, [binary])), "log_rr")
    assert np.isfinite(effect["effect"].iloc[0])
    assert np.exp(effect["effect"].iloc[0]) == pytest.approx((5.5 / 21) / (0.5 / 21))


def frame_of(effects, variances) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "trial": [f"T{i}" for i in range(len(effects))],
            "effect": effects,
            "variance": variances,
        }
    )
    frame["ci_low"] = frame["effect"] - 1.96 * np.sqrt(frame["variance"])
    frame["ci_high"] = frame["effect"] + 1.96 * np.sqrt(frame["variance"])
    return frame


@given(st.floats(-3, 3), st.floats(0.001, 1))
def test_pooling_one_study_returns_that_study(effect, variance):
    pooled = pool(frame_of([effect], [variance]))
    assert pooled.estimate == effect
    assert (pooled.k, pooled.i2, pooled.tau2) == (1, 0.0, 0.0)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-2, 2), st.floats(0.01, 0.5)), min_size=2, max_size=8),
    st.randoms(use_true_random=False),
)
def test_the_order_of_studies_does_not_matter(studies, random):
    shuffled = list(studies)
    random.shuffle(shuffled)
    a = pool(frame_of(*zip(*studies)))
    b = pool(frame_of(*zip(*shuffled)))
    assert a.estimate == pytest.approx(b.estimate, abs=1e-9)
    assert a.tau2 == pytest.approx(b.tau2, abs=1e-9)


@given(st.floats(-2, 2), st.floats(0.01, 0.5), st.integers(2, 10))
def test_identical_studies_have_no_heterogeneity(effect, variance, k):
    pooled = pool(frame_of([effect] * k, [variance] * k))
    assert pooled.i2 == pytest.approx(0.0, abs=1e-12)
    assert pooled.tau2 == pytest.approx(0.0, abs=1e-12)
    assert pooled.estimate == pytest.approx(effect)


# BCG vaccine trials (Colditz et al., JAMA 1994;271:698-702) as printed in
# metafor's dat.bcg: vaccinated TB cases, vaccinated without TB, unvaccinated
# cases, unvaccinated without TB.
BCG_TRIALS = [
    (4, 119, 11, 128),
    (6, 300, 29, 274),
    (3, 228, 11, 209),
    (62, 13536, 248, 12619),
    (33, 5036, 47, 5761),
    (180, 1361, 372, 1079),
    (8, 2537, 10, 619),
    (505, 87886, 499, 87892),
    (29, 7470, 45, 7232),
    (17, 1699, 65, 1600),
    (186, 50448, 141, 27197),
    (5, 2493, 3, 2338),
    (27, 16886, 29, 17825),
]


def bcg_log_risk_ratios() -> pd.DataFrame:
    a, b, c, d = np.array(BCG_TRIALS, dtype=float).T
    effects = np.log((a / (a + b)) / (c / (c + d)))
    variances = 1 / a - 1 / (a + b) + 1 / c - 1 / (c + d)
    return frame_of(list(effects), list(variances))


def test_dersimonian_laird_pooling_matches_metafor_and_stata_on_the_bcg_trials():
    """Published values: metafor's test of rma(method="DL") against Stata's
    ``metan ..., randomi rr log`` on dat.bcg (wviechtb/metafor,
    tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r): estimate
    -0.7141 (-1.0644 to -0.3638), tau² 0.3088, I² 92.1173 %, Q 152.2330."""
    pooled = pool(bcg_log_risk_ratios(), tau2_method="dersimonian-laird")
    assert pooled.estimate == pytest.approx(-0.7141, abs=1e-4)
    assert (pooled.ci_low, pooled.ci_high) == pytest.approx((-1.0644, -0.3638), abs=1e-4)
    assert pooled.tau2 == pytest.approx(0.3088, abs=1e-4)
    assert pooled.i2 == pytest.approx(0.921173, abs=1e-6)
    assert pooled.q == pytest.approx(152.2330, abs=1e-4)


def test_prediction_interval_follows_riley_and_colleagues_formula():
    """Riley, Higgins & Deeks (BMJ 2011;342:d549): mu ± t(k-2) sqrt(tau² + SE²).
    Inputs are the published DL values above; SE is recovered from the
    published Wald interval. A z quantile or k-1 degrees of freedom would fail."""
    pooled = pool(bcg_log_risk_ratios(), tau2_method="dersimonian-laird")
    se = (-0.3638 - -1.0644) / (2 * 1.959964)
    half = 2.200985 * np.sqrt(0.3088 + se**2)  # t(11) 97.5th percentile
    assert (pooled.prediction_low, pooled.prediction_high) == pytest.approx(
        (-0.7141 - half, -0.7141 + half), abs=2e-4
    )
    # The prediction interval is wider than the confidence interval and, with
    # I² of 92 %, includes no effect (log risk ratio 0) that the CI excludes.
    assert pooled.prediction_low < pooled.ci_low and pooled.prediction_high > 0 > pooled.ci_high


# statsmodels warns that its per-trial intervals fall back to the normal distribution without
# sample sizes; only its pooled HKSJ interval is compared here.
@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.InvalidTestWarning")
def test_hartung_knapp_interval_agrees_with_statsmodels():
    """An independent implementation: statsmodels' "random effect wls" row,
    whose t-based interval (use_t=True) is the Hartung-Knapp-Sidik-Jonkman one.
    On these trials q > 1, so Röver and colleagues' floor does not apply."""
    from statsmodels.stats.meta_analysis import combine_effects

    effects = bcg_log_risk_ratios()
    for method, statsmodels_name in (("dersimonian-laird", "chi2"), ("paule-mandel", "iterated")):
        pooled = pool(effects, tau2_method=method)
        reference = (
            combine_effects(
                effects["effect"].to_numpy(),
                effects["variance"].to_numpy(),
                method_re=statsmodels_name,
                use_t=True,
            )
            .summary_frame()
            .loc["random effect wls"]
        )
        assert (pooled.hk_ci_low, pooled.hk_ci_high) == pytest.approx(
            (reference["ci_low"], reference["ci_upp"]), abs=1e-9
        )


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(-2, 2), st.floats(0.01, 0.5)), min_size=3, max_size=8))
def test_prediction_and_hartung_knapp_intervals_contain_the_wald_interval(studies):
    pooled = pool(frame_of(*zip(*studies)))
    assert pooled.prediction_low <= pooled.ci_low <= pooled.estimate <= pooled.ci_high
    assert pooled.ci_high <= pooled.prediction_high
    # The floor q* >= 1 (Röver et al. 2015) keeps the HKSJ interval at least
    # t(k-1)/1.96 times as wide as the Wald interval, even when trials agree.
    assert pooled.hk_ci_low <= pooled.ci_low and pooled.hk_ci_high >= pooled.ci_high


def test_agreeing_trials_get_the_floored_hartung_knapp_interval():
    """Three trials that agree better than chance (q < 1): the interval is
    mu ± t(2) SE, as Röver, Knapp & Friede (BMC Med Res Methodol 2015;15:99)
    define the modification."""
    pooled = pool(frame_of([-4.1, -4.0, -3.6], [1.8**2, 1.7**2, 1.8**2]))
    half = 4.302653 * pooled.standard_error  # t(2) 97.5th percentile
    assert (pooled.hk_ci_low, pooled.hk_ci_high) == pytest.approx(
        (pooled.estimate - half, pooled.estimate + half), abs=1e-5
    )


def test_two_trials_have_no_prediction_interval():
    pooled = pool(frame_of([0.1, 0.3], [0.02, 0.03]))
    assert np.isnan(pooled.prediction_low) and np.isnan(pooled.prediction_high)
    assert np.isfinite(pooled.hk_ci_low)


def test_an_unknown_tau2_method_is_named_in_the_error():
    with pytest.raises(ValueError, match="tau2_method must be one of"):
        pool(bcg_log_risk_ratios(), tau2_method="reml")


def test_pooling_nothing_and_bad_options_are_errors():
    with pytest.raises(ValueError, match="effects is empty"):
        pool(frame_of([], []))
    with pytest.raises(ValueError, match="measure must be one of"):
        effect_sizes(load_trials(), "hazard")


def test_select_refuses_an_unknown_column():
    trials = load_trials()
    assert len(select(trials, comparator=list(trials["comparator"].unique()))) == len(trials)
    # A misspelled column name must be an error, not an empty selection.
    with pytest.raises(ValueError, match="no column 'comparater'"):  # codespell:ignore
        select(trials, comparater="saline")  # codespell:ignore


# Grunebaum et al. (2018), Am J Psychiatry: SSI responders 55% vs 30%, odds ratio 2.85
# (95% CI 1.14-7.15). The counts 22/40 and 12/40 are derived from the percentages.
def test_grunebaum_odds_ratio_matches_the_paper():
    trials = select(load_trials(), trial="Grunebaum 2018", outcome_type="binary")
    effect = effect_sizes(trials, "log_or").iloc[0]
    assert np.exp(effect["effect"]) == pytest.approx(2.85, abs=0.01)
    assert np.exp(effect["ci_low"]) == pytest.approx(1.14, abs=0.01)
    assert np.exp(effect["ci_high"]) == pytest.approx(7.15, abs=0.01)


# Anand et al. (2023), N Engl J Med (ELEKT-D): response 55.4% vs 41.2%, difference 14.2
# percentage points (95% CI 3.9 to 24.2). The paper's interval comes from its own model, so
# a Wald interval from the derived counts is allowed 0.3 points.
def test_elekt_d_risk_difference_matches_the_paper():
    effect = effect_sizes(select(load_trials(), trial="ELEKT-D"), "rd").iloc[0] * 100
    assert effect["effect"] == pytest.approx(14.2, abs=0.05)
    assert effect["ci_low"] == pytest.approx(3.9, abs=0.3)
    assert effect["ci_high"] == pytest.approx(24.2, abs=0.3)


# Every count derived from a reported percentage must reproduce that percentage.
@pytest.mark.parametrize(
    ("trial", "treatment_pct", "control_pct"),
    [
        ("Su 2017 (0.5 mg/kg)", 45.8, 12.5),  # Su et al. 2017, abstract
        ("Su 2017 (0.2 mg/kg)", 39.1, 12.5),
        ("ESCAPE-TRD", 27.1, 17.6),  # Reif et al. 2023, abstract
        ("SUSTAIN-1 (stable remitters)", 26.7, 45.3),  # Daly et al. 2019, abstract
        ("SUSTAIN-1 (stable responders)", 25.8, 57.6),
    ],
)
def test_counts_reproduce_the_published_percentages(trial, treatment_pct, control_pct):
    row_ = select(load_trials(), trial=trial).iloc[0]
    assert 100 * row_["events_treatment"] / row_["n_treatment"] == pytest.approx(
        treatment_pct, abs=0.05
    )
    assert 100 * row_["events_control"] / row_["n_control"] == pytest.approx(control_pct, abs=0.05)


def test_reported_estimates_have_a_measure_and_lie_in_their_intervals():
    trials = load_trials()
    reported = trials[trials["reported_estimate"].notna()]
    assert len(reported) >= 5
    assert reported["reported_measure"].str.strip().ne("").all()
    assert (reported["reported_ci_low"] <= reported["reported_estimate"]).all()
    assert (reported["reported_estimate"] <= reported["reported_ci_high"]).all()


def test_reported_ratios_are_pooled_on_the_log_scale():
    grunebaum = reported_effects(
        select(load_trials(), trial="Grunebaum 2018", outcome_type="binary")
    )
    row_ = grunebaum.iloc[0]
    assert row_["log_scale"]
    assert row_["effect"] == pytest.approx(np.log(2.85))
    assert (row_["ci_low"], row_["ci_high"]) == pytest.approx((np.log(1.14), np.log(7.15)))
    # The standard error is the interval's width on the log scale over 2 x 1.96.
    width = np.log(7.15) - np.log(1.14)
    assert np.sqrt(row_["variance"]) == pytest.approx(width / (2 * 1.959963984540054))


# Gastaldon et al. (2019), Epidemiol Psychiatr Sci: the three short-term esketamine trials
# pooled to 4.08 MADRS points (95% CI 1.99 to 6.18) in favor of esketamine. The course pools
# the reported least-squares differences; the authors used slightly different inputs, so the
# estimate and limits are allowed 0.3 points.
def test_pooled_transform_trials_match_the_published_meta_analysis():
    trials = select(load_trials(), trial=["TRANSFORM-1 (56 mg)", "TRANSFORM-2", "TRANSFORM-3"])
    pooled = pool(reported_effects(trials))
    assert -pooled.estimate == pytest.approx(4.08, abs=0.3)
    assert -pooled.ci_high == pytest.approx(1.99, abs=0.3)
    assert -pooled.ci_low == pytest.approx(6.18, abs=0.3)
    assert pooled.k == 3


def test_leave_one_out_pools_the_rest_each_time():
    effects = frame_of([0.1, 0.5, 0.9, 0.4], [0.05, 0.05, 0.05, 0.05])
    table = leave_one_out(effects)
    assert list(table["left_out"]) == ["T0", "T1", "T2", "T3"]
    assert table.loc[2, "estimate"] == pytest.approx(pool(effects.drop(index=2)).estimate)
    with pytest.raises(ValueError, match="at least 3 comparisons"):
        leave_one_out(effects.iloc[:2])


def test_egger_test_finds_an_asymmetry_built_into_the_data():
    # Small studies (large variances) report larger effects: a positive intercept.
    variances = np.array([0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2])
    effects = 0.2 + 1.5 * np.sqrt(variances)
    result = egger_test(frame_of(effects, variances))
    assert result.intercept == pytest.approx(1.5, abs=1e-9)
    symmetric = egger_test(frame_of(np.full(10, 0.2), variances))
    assert symmetric.intercept == pytest.approx(0.0, abs=1e-9)


def test_figure_choices_are_checked():
    from ketamine_course.evidence import figures

    with pytest.raises(ValueError, match="subset must be one of"):
        figures.esketamine_effects("everything")
    with pytest.raises(ValueError, match="measure must be one of"):
        figures.binary_effects("hazard ratio")
    with pytest.raises(ValueError, match="view must be 'funnel plot' or 'leave one out'"):
        figures.plot_sensitivity("galbraith")


def test_the_events_figure_shows_every_binary_row_it_names():
    from ketamine_course.evidence import figures

    effects = figures.binary_effects("risk ratio")
    assert len(effects) == len(figures.BINARY_ROWS)
    assert [label.split("\n")[0] for label in effects["trial"]] == list(figures.BINARY_ROWS)


def test_the_evidence_map_loads_with_a_source_on_every_row():
    from ketamine_course.evidence import load_evidence_map

    table = load_evidence_map()
    assert len(table) >= 8
    assert table["citation_key"].str.strip().ne("").all()
    assert (table["trials"] >= 1).all()
    bib = (ROOT / "book" / "references.bib").read_text()
    assert all("{" + key + "," in bib for key in table["citation_key"])


def test_a_broken_evidence_map_row_is_named(tmp_path):
    from ketamine_course.evidence import MAP_COLUMNS, load_evidence_map

    path = tmp_path / "map.csv"
    values = {c: "x" for c in MAP_COLUMNS} | {"trials": "0", "participants": "10"}
    path.write_text(",".join(MAP_COLUMNS) + "\n" + ",".join(values[c] for c in MAP_COLUMNS) + "\n")
    with pytest.raises(TrialDataError, match=r"row 2, column 'trials': must be a positive whole"):
        load_evidence_map(str(path))


def test_unblinding_shifts_a_null_effect_by_the_guessing_share():
    from ketamine_course.evidence import simulate_unblinded_trials

    blind, _ = simulate_unblinded_trials(0.0, 0.6, 0.0, n_trials=4000)
    half, _ = simulate_unblinded_trials(0.0, 0.6, 0.5, n_trials=4000)
    full, _ = simulate_unblinded_trials(0.0, 0.6, 1.0, n_trials=4000)
    assert blind.mean() == pytest.approx(0.0, abs=0.02)
    assert half.mean() == pytest.approx(0.3, abs=0.02)
    assert full.mean() == pytest.approx(0.6, abs=0.03)
    again, _ = simulate_unblinded_trials(0.0, 0.6, 0.5, n_trials=4000)
    assert (again == half).all()  # seeded: the same trials every run


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"unblinded_fraction": 1.5}, "unblinded_fraction must be between 0 and 1"),
        ({"expectancy_smd": -0.1}, "expectancy_smd must be 0 or more"),
        ({"true_smd": float("nan")}, "true_smd must be finite"),
        ({"n_per_arm": 1}, "n_per_arm must be a whole number from 2 to 10000"),
    ],
)
def test_bad_simulation_input_names_the_argument(kwargs, message):
    from ketamine_course.evidence import simulate_unblinded_trials

    arguments = {"true_smd": 0.0, "expectancy_smd": 0.6, "unblinded_fraction": 0.5} | kwargs
    with pytest.raises(ValueError, match=message):
        simulate_unblinded_trials(**arguments)


def test_rows_without_arm_sizes_are_kept_but_not_pooled(tmp_path):
    documented = continuous("Documented", -18, 12, "", -6, 10, "")
    documented["notes"] = "arm sizes not reported in the abstract"
    complete = continuous("Complete", -15, 10, 20, -5, 10, 20)
    trials = load_trials(write_csv(tmp_path, [documented, complete]))
    assert list(trials["trial"]) == ["Documented", "Complete"]
    assert list(effect_sizes(trials, "smd")["trial"]) == ["Complete"]


# Dean et al. (2021), Cochrane CD011612, Summary of findings 1 and 2: response at 24 h,
# OR 3.94 against placebo and 2.48 against midazolam; Papakostas et al. (2020): esketamine
# SMD 0.36 (0.24 to 0.49), stored with the sign that makes negative favor the drug.
def test_pooled_estimates_hold_the_published_values():
    from ketamine_course.evidence import load_pooled_estimates

    table = load_pooled_estimates().set_index(["drug", "comparator", "outcome"])
    assert table.loc[("racemic ketamine", "placebo", "response"), "estimate"] == 3.94
    assert table.loc[("racemic ketamine", "midazolam", "response"), "estimate"] == 2.48
    esketamine = table.loc[("esketamine", "placebo spray", "depression score")]
    assert (esketamine["estimate"], esketamine["ci_low"], esketamine["ci_high"]) == (
        -0.36,
        -0.49,
        -0.24,
    )


def test_pooled_figure_rows_and_choices():
    from ketamine_course.evidence import figures

    response = figures.pooled_rows("response")
    assert response.attrs["log_scale"]
    assert np.exp(response["effect"]).round(2).tolist() == [3.94, 2.48]
    assert not figures.pooled_rows("depression score").attrs["log_scale"]
    with pytest.raises(ValueError, match="outcome must be one of"):
        figures.pooled_rows("relapse")


def test_a_pooled_estimate_outside_its_interval_is_named(tmp_path):
    from ketamine_course.evidence import load_pooled_estimates

    path = tmp_path / "pooled.csv"
    header = (
        "drug,comparator,outcome,time_point,measure,estimate,ci_low,ci_high,trials,"
        "participants,certainty,citation_key,source_location"
    )
    path.write_text(header + "\nk,p,response,24 h,OR,9.0,1.0,2.0,1,10,low,x2020,table\n")
    with pytest.raises(TrialDataError, match=r"row 2, column 'estimate': must lie within"):
        load_pooled_estimates(str(path))
