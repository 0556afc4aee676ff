"""Clinical evidence: a sourced dataset of randomized trials, per-trial effect
sizes and random-effects pooling.

Each row of ``data/trials.csv`` is one trial × comparison × outcome × time
point, with the citation key of its source, where in the source the numbers
stand, and how any value was derived. Effect sizes and the between-trial
variance come from statsmodels' meta-analysis functions; this module selects,
checks and labels, and computes the pooled intervals from that variance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from ketamine_course.core.checks import as_finite_array
from ketamine_course.core.datasets import read_table

#: Columns every row must fill.
REQUIRED_COLUMNS = (
    "trial",
    "citation_key",
    "design",
    "population",
    "drug",
    "route",
    "comparator",
    "outcome",
    "outcome_type",
    "time_point",
    "source_location",
)
#: Columns that hold numbers (empty when a source does not report them).
NUMERIC_COLUMNS = (
    "time_days",
    "n_treatment",
    "n_control",
    "mean_change_treatment",
    "sd_treatment",
    "mean_change_control",
    "sd_control",
    "events_treatment",
    "events_control",
    "reported_estimate",
    "reported_ci_low",
    "reported_ci_high",
)
#: Kinds of outcome data a row can carry.
OUTCOME_TYPES = ("continuous", "binary")
#: The normal distribution's 97.5th percentile, for 95 % Wald intervals.
Z_95 = 1.959963984540054
#: Effect measures :func:`effect_sizes` computes.
MEASURES = {
    "smd": "standardized mean difference (Hedges' g)",
    "log_rr": "log risk ratio",
    "log_or": "log odds ratio",
    "rd": "risk difference",
}


class TrialDataError(ValueError):
    """The trial dataset breaks a rule; the message names the row and column."""


def load_trials(path: str | None = None) -> pd.DataFrame:
    """Read and check the trial dataset.

    Parameters
    ----------
    path
        A CSV file with the dataset's columns; by default the course's own
        ``ketamine_course/data/trials.csv``.

    Returns
    -------
    pandas.DataFrame
        One row per trial, comparison, outcome and time point.

    Raises
    ------
    TrialDataError
        Naming the first row (as numbered in the file, header = line 1) and
        column that breaks a rule: a missing column or value, a number that is
        not a number, a count that is not positive, a standard deviation that
        is not positive, more events than participants, a reported estimate
        without its confidence interval (or outside it), or a row whose arm
        sizes or outcome data are missing without a note saying why.
    """
    table = read_table("trials.csv", path)
    missing = [c for c in (*REQUIRED_COLUMNS, *NUMERIC_COLUMNS) if c not in table.columns]
    if missing:
        raise TrialDataError(f"the dataset lacks the column(s) {missing}")
    if "doi" not in table.columns:
        raise TrialDataError("the dataset lacks the column ['doi']")

    def fail(index: int, column: str, problem: str) -> TrialDataError:
        return TrialDataError(f"row {index + 2}, column {column!r}: {problem}")

    numbers = pd.DataFrame(index=table.index)
    for column in NUMERIC_COLUMNS:
        values = pd.to_numeric(table[column].str.strip().replace("", np.nan), errors="coerce")
        bad = values.isna() & table[column].str.strip().ne("")
        if bad.any():
            index = int(np.flatnonzero(bad)[0])
            raise fail(index, column, f"{table[column].iloc[index]!r} is not a number")
        numbers[column] = values

    for index, row in table.iterrows():
        for column in REQUIRED_COLUMNS:
            if not str(row[column]).strip():
                raise fail(index, column, "is empty; every row needs it")
        if row["outcome_type"] not in OUTCOME_TYPES:
            raise fail(index, "outcome_type", f"must be one of {list(OUTCOME_TYPES)}")
        n = numbers.loc[index]
        for column in ("n_treatment", "n_control"):
            if not np.isnan(n[column]) and not (n[column] > 0 and float(n[column]).is_integer()):
                raise fail(index, column, f"must be a positive whole number, got {row[column]!r}")
        if row["outcome_type"] == "continuous":
            arm_data = [
                "mean_change_treatment",
                "sd_treatment",
                "mean_change_control",
                "sd_control",
            ]
        else:
            arm_data = ["events_treatment", "events_control"]
        given = [c for c in arm_data if not np.isnan(n[c])]
        if given and len(given) < len(arm_data):
            lacking = [c for c in arm_data if c not in given]
            raise fail(index, lacking[0], "is empty while other arm-level data are given")
        if given and (np.isnan(n["n_treatment"]) or np.isnan(n["n_control"])):
            # Arm data whose arm sizes could not be confirmed are kept but cannot be pooled.
            if not str(row.get("notes", "")).strip():
                raise fail(index, "notes", "must say why arm-level data come without arm sizes")
        if row["outcome_type"] == "continuous" and given:
            for column in ("sd_treatment", "sd_control"):
                if not n[column] > 0:
                    raise fail(index, column, f"must be greater than 0, got {row[column]!r}")
        if row["outcome_type"] == "binary" and given:
            for column, total in (
                ("events_treatment", "n_treatment"),
                ("events_control", "n_control"),
            ):
                if n[column] < 0 or not float(n[column]).is_integer():
                    raise fail(
                        index, column, f"must be a whole number of 0 or more, got {row[column]!r}"
                    )
                if n[column] > n[total]:
                    raise fail(
                        index, column, f"{int(n[column])} events exceed {total}={int(n[total])}"
                    )
        reported = ["reported_estimate", "reported_ci_low", "reported_ci_high"]
        stated = [c for c in reported if not np.isnan(n[c])]
        if stated and len(stated) < 3:
            lacking = [c for c in reported if c not in stated]
            raise fail(index, lacking[0], "is empty while the reported estimate is given")
        if stated:
            if not str(row.get("reported_measure", "")).strip():
                raise fail(index, "reported_measure", "is empty while a reported estimate is given")
            if not n["reported_ci_low"] <= n["reported_estimate"] <= n["reported_ci_high"]:
                raise fail(index, "reported_estimate", "must lie within its confidence interval")
        if not given and not stated and not str(row.get("notes", "")).strip():
            raise fail(
                index, "notes", "must say why the row has neither arm-level data nor an estimate"
            )
    for column in NUMERIC_COLUMNS:
        table[column] = numbers[column]
    return table


def effect_sizes(trials: pd.DataFrame, measure: str = "smd") -> pd.DataFrame:
    """Per-row effect sizes from arm-level data, computed by statsmodels.

    Parameters
    ----------
    trials
        Rows of :func:`load_trials`; rows without the arm-level data the
        measure needs are dropped.
    measure
        ``"smd"`` (Hedges' g from mean changes and SDs, positive when the
        treatment arm improved more, that is fell further on a depression
        scale), ``"log_rr"``, ``"log_or"`` or ``"rd"`` (from events; positive
        when the treatment arm had more events, such as responders).

    Returns
    -------
    pandas.DataFrame
        The rows used, with columns ``effect``, ``variance``, ``ci_low`` and
        ``ci_high`` (95 %).
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {sorted(MEASURES)}, got {measure!r}")
    # statsmodels is imported where it is used: a lesson that only reads the trials (and the
    # book's API page) would otherwise spend a second importing it.
    from statsmodels.stats.meta_analysis import effectsize_2proportions, effectsize_smd

    if measure == "smd":
        usable = trials[
            trials["outcome_type"].eq("continuous")
            & trials["sd_treatment"].notna()
            & trials["n_treatment"].notna()
            & trials["n_control"].notna()
        ].copy()
        # A fall on a symptom scale is improvement: control minus treatment is positive
        # when the treatment arm improved more.
        effect, variance = effectsize_smd(
            usable["mean_change_control"].to_numpy(float),
            usable["sd_control"].to_numpy(float),
            usable["n_control"].to_numpy(float),
            usable["mean_change_treatment"].to_numpy(float),
            usable["sd_treatment"].to_numpy(float),
            usable["n_treatment"].to_numpy(float),
        )
    else:
        usable = trials[
            trials["outcome_type"].eq("binary")
            & trials["events_treatment"].notna()
            & trials["events_control"].notna()
            & trials["n_treatment"].notna()
            & trials["n_control"].notna()
        ].copy()
        statistic = {"log_rr": "risk-ratio", "log_or": "odds-ratio", "rd": "diff"}[measure]
        # A zero cell makes a log ratio infinite: add 0.5 to every cell of such a trial.
        zero = (
            usable[["events_treatment", "events_control"]].eq(0).any(axis=1)
            | usable["events_treatment"].eq(usable["n_treatment"])
            | usable["events_control"].eq(usable["n_control"])
        )
        correction = np.where(zero & (measure != "rd"), 0.5, 0.0)
        effect, variance = effectsize_2proportions(
            usable["events_treatment"].to_numpy(float) + correction,
            usable["n_treatment"].to_numpy(float) + 2 * correction,
            usable["events_control"].to_numpy(float) + correction,
            usable["n_control"].to_numpy(float) + 2 * correction,
            statistic=statistic,
        )
    usable["effect"] = effect
    usable["variance"] = variance
    usable.attrs["measure"] = measure
    half_width = Z_95 * np.sqrt(usable["variance"])
    usable["ci_low"] = usable["effect"] - half_width
    usable["ci_high"] = usable["effect"] + half_width
    return usable


@dataclass(frozen=True)
class PooledEffect:
    """A random-effects pooled estimate, its intervals and its heterogeneity.

    ``ci_low``/``ci_high`` is the usual (Wald) 95 % confidence interval of the
    mean effect; ``hk_ci_low``/``hk_ci_high`` the Hartung–Knapp–Sidik–Jonkman
    interval, better calibrated when few trials are pooled; and
    ``prediction_low``/``prediction_high`` the 95 % prediction interval, the
    range in which the true effect of a new, similar trial is expected. The
    prediction interval needs at least three trials and is NaN below that.
    """

    measure: str
    estimate: float
    ci_low: float
    ci_high: float
    tau2: float
    i2: float
    q: float
    k: int
    trials: tuple[str, ...]
    standard_error: float = float("nan")
    hk_ci_low: float = float("nan")
    hk_ci_high: float = float("nan")
    prediction_low: float = float("nan")
    prediction_high: float = float("nan")
    tau2_method: str = "paule-mandel"


#: Between-study variance estimators :func:`pool` offers, by name, with
#: statsmodels' name for each.
TAU2_METHODS = {"paule-mandel": "iterated", "dersimonian-laird": "chi2"}


def pool(effects: pd.DataFrame, tau2_method: str = "paule-mandel") -> PooledEffect:
    """Pool per-trial effects with a random-effects model.

    The between-study variance τ² comes from statsmodels, by the Paule–Mandel
    method (the default) or DerSimonian–Laird, truncated at zero. With τ² the
    trials are weighted by ``1 / (v_i + τ²)`` and three intervals follow:

    * the Wald 95 % confidence interval, ``μ ± 1.96 SE``;
    * the Hartung–Knapp–Sidik–Jonkman interval, ``μ ± t(k−1) √(q* / Σw)``
      with ``q* = max(1, Σ w_i (y_i − μ)² / (k − 1))``. Its t quantile and
      refined variance keep the nominal coverage far better than the Wald
      interval when few trials are pooled (IntHout et al. 2014); the floor of
      1 on q* is the modification Röver et al. (2015) recommend for few trials,
      without which trials that agree much more closely than their standard
      errors predict (q < (1.96 / t(k−1))², about 0.21 for three trials) can
      get an interval narrower than the Wald one;
    * the 95 % prediction interval, ``μ ± t(k−2) √(τ² + SE²)`` (Riley et al.
      2011), for the true effect in a new trial like these.

    Parameters
    ----------
    effects
        Output of :func:`effect_sizes` or :func:`reported_effects`, one row
        per independent comparison.
    tau2_method
        ``"paule-mandel"`` or ``"dersimonian-laird"``.
    """
    if tau2_method not in TAU2_METHODS:
        raise ValueError(f"tau2_method must be one of {sorted(TAU2_METHODS)}, got {tau2_method!r}")
    if len(effects) == 0:
        raise ValueError("effects is empty; select at least one comparison to pool")
    measure = effects.attrs.get("measure", "")
    names = tuple(effects["trial"])
    y = effects["effect"].to_numpy(float)
    v = effects["variance"].to_numpy(float)
    k = len(y)
    if k == 1:
        # One comparison pools to itself, with no heterogeneity to estimate.
        row = effects.iloc[0]
        return PooledEffect(
            measure,
            float(row["effect"]),
            float(row["ci_low"]),
            float(row["ci_high"]),
            0.0,
            0.0,
            0.0,
            1,
            names,
            standard_error=float(np.sqrt(v[0])),
            tau2_method=tau2_method,
        )
    from scipy import stats
    from statsmodels.stats.meta_analysis import combine_effects

    # statsmodels divides by Q, which is 0 when the studies agree exactly.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        result = combine_effects(y, v, method_re=TAU2_METHODS[tau2_method])
    tau2 = max(float(result.tau2), 0.0)
    q = float(result.q)
    weights = 1.0 / (v + tau2)
    estimate = float(np.sum(weights * y) / np.sum(weights))
    standard_error = float(np.sqrt(1.0 / np.sum(weights)))
    hk_scale = max(1.0, float(np.sum(weights * (y - estimate) ** 2) / (k - 1)))
    hk_half = stats.t.ppf(0.975, k - 1) * np.sqrt(hk_scale / np.sum(weights))
    if k >= 3:
        prediction_half = stats.t.ppf(0.975, k - 2) * np.sqrt(tau2 + standard_error**2)
    else:
        prediction_half = float("nan")
    return PooledEffect(
        measure=measure,
        estimate=estimate,
        ci_low=estimate - Z_95 * standard_error,
        ci_high=estimate + Z_95 * standard_error,
        tau2=tau2,
        i2=_i_squared(q, k - 1),
        q=q,
        k=k,
        trials=names,
        standard_error=standard_error,
        hk_ci_low=float(estimate - hk_half),
        hk_ci_high=float(estimate + hk_half),
        prediction_low=float(estimate - prediction_half),
        prediction_high=float(estimate + prediction_half),
        tau2_method=tau2_method,
    )


def _i_squared(q: float, df: int) -> float:
    """I² = (Q − df) / Q, reported as 0 when Q does not exceed its degrees of freedom.

    statsmodels' own ``i2`` divides by a Q that rounding can make a hair below
    zero when the studies agree, so the conventional truncated form is used.
    """
    return (q - df) / q if q > df else 0.0


def select(trials: pd.DataFrame, **criteria: str | Iterable[str]) -> pd.DataFrame:
    """Rows whose columns match every criterion (a value or a list of values).

    Unknown column names are an error, so a typo cannot silently select nothing.
    """
    mask = pd.Series(True, index=trials.index)
    for column, wanted in criteria.items():
        if column not in trials.columns:
            raise ValueError(f"no column {column!r}; columns are {list(trials.columns)}")
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        mask &= trials[column].isin(values)
    return trials[mask]


def reported_effects(trials: pd.DataFrame) -> pd.DataFrame:
    """Effects as the papers reported them, with variances recovered from their CIs.

    Ratio measures (odds, risk and hazard ratios) are put on the log scale,
    where their intervals are symmetric; differences stay as they are. This is
    the generic inverse-variance input for pooling estimates that come without
    arm-level data.

    Returns
    -------
    pandas.DataFrame
        Rows with a reported estimate, with columns ``effect``, ``variance``,
        ``ci_low``, ``ci_high`` and ``log_scale``.
    """
    rows = trials[trials["reported_estimate"].notna()].copy()
    log_scale = rows["reported_measure"].str.contains("ratio")
    estimate = rows["reported_estimate"].astype(float)
    low = rows["reported_ci_low"].astype(float)
    high = rows["reported_ci_high"].astype(float)
    if (log_scale & ((low <= 0) | (estimate <= 0))).any():
        bad = rows.loc[log_scale & ((low <= 0) | (estimate <= 0)), "trial"].tolist()
        raise ValueError(f"ratio estimates and limits must be positive; check {bad}")
    rows["log_scale"] = log_scale

    def on_scale(values: pd.Series) -> pd.Series:
        scaled = values.copy()
        scaled[log_scale] = np.log(values[log_scale])
        return scaled

    rows["effect"] = on_scale(estimate)
    rows["ci_low"] = on_scale(low)
    rows["ci_high"] = on_scale(high)
    rows["variance"] = ((rows["ci_high"] - rows["ci_low"]) / (2 * Z_95)) ** 2
    measures = rows["reported_measure"].unique()
    if len(measures) == 1:
        rows.attrs["measure"] = measures[0]
    else:
        rows.attrs["measure"] = "ratio (log scale)" if log_scale.all() else "difference"
        if log_scale.any() and not log_scale.all():
            rows.attrs["measure"] = "mixed ratios and differences (do not pool)"
    return rows


def leave_one_out(effects: pd.DataFrame) -> pd.DataFrame:
    """The pooled estimate with each comparison left out in turn.

    Returns one row per left-out trial with its ``estimate``, ``ci_low``,
    ``ci_high``, ``tau2`` and ``i2``.
    """
    if len(effects) < 3:
        raise ValueError(f"leave-one-out needs at least 3 comparisons, got {len(effects)}")
    rows = []
    for position, name in enumerate(effects["trial"]):
        rest = effects.drop(effects.index[position])
        rest.attrs = dict(effects.attrs)
        pooled = pool(rest)
        rows.append(
            {
                "left_out": name,
                "estimate": pooled.estimate,
                "ci_low": pooled.ci_low,
                "ci_high": pooled.ci_high,
                "tau2": pooled.tau2,
                "i2": pooled.i2,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class EggerTest:
    """Egger's regression test for small-study effects."""

    intercept: float
    ci_low: float
    ci_high: float
    p_value: float
    k: int


def egger_test(effects: pd.DataFrame) -> EggerTest:
    """Regress effect / SE on 1 / SE (ordinary least squares, statsmodels); an
    intercept far from 0 suggests that small studies report different effects.

    With fewer than 10 comparisons the test has little power, and a
    non-significant result says little.
    """
    import statsmodels.api as sm

    if len(effects) < 3:
        raise ValueError(f"Egger's test needs at least 3 comparisons, got {len(effects)}")
    se = np.sqrt(effects["variance"].to_numpy(float))
    model = sm.OLS(effects["effect"].to_numpy(float) / se, sm.add_constant(1 / se)).fit()
    low, high = model.conf_int()[0]
    return EggerTest(
        intercept=float(model.params[0]),
        ci_low=float(low),
        ci_high=float(high),
        p_value=float(model.pvalues[0]),
        k=len(effects),
    )


def simulate_unblinded_trials(
    true_smd: float,
    expectancy_smd: float,
    unblinded_fraction: float,
    *,
    n_per_arm: int = 40,
    n_trials: int = 2000,
    seed: int = 0,
) -> tuple[NDArray, NDArray]:
    """Observed effects of many simulated two-arm trials with imperfect blinding.

    A conceptual model. Each patient's improvement is normal with SD 1; the
    drug adds ``true_smd``. A share ``unblinded_fraction`` of patients in each
    arm correctly guess their allocation, and expectations shift them: those
    who know they got the drug improve by ``expectancy_smd / 2`` more, those
    who know they got the control by as much less. On average the observed
    effect grows by ``unblinded_fraction * expectancy_smd``.

    Parameters
    ----------
    true_smd, expectancy_smd
        Effects in standard-deviation units (finite; 0 or more for the
        expectancy effect).
    unblinded_fraction
        Share of patients who correctly guess their arm, 0 to 1.
    n_per_arm, n_trials
        Trial size (2 to 10 000) and number of simulated trials (1 to 100 000).
    seed
        Seed of the random generator, so results are reproducible.

    Returns
    -------
    tuple of numpy.ndarray
        Hedges' g of each simulated trial, treatment minus control, and its
        variance (both from statsmodels).
    """
    true = float(as_finite_array(true_smd, "true_smd"))
    expectancy = float(as_finite_array(expectancy_smd, "expectancy_smd"))
    if expectancy < 0:
        raise ValueError(f"expectancy_smd must be 0 or more, got {expectancy_smd!r}")
    fraction = float(as_finite_array(unblinded_fraction, "unblinded_fraction"))
    if not 0 <= fraction <= 1:
        raise ValueError(f"unblinded_fraction must be between 0 and 1, got {unblinded_fraction!r}")
    if not (isinstance(n_per_arm, int) and 2 <= n_per_arm <= 10_000):
        raise ValueError(f"n_per_arm must be a whole number from 2 to 10000, got {n_per_arm!r}")
    if not (isinstance(n_trials, int) and 1 <= n_trials <= 100_000):
        raise ValueError(f"n_trials must be a whole number from 1 to 100000, got {n_trials!r}")
    from statsmodels.stats.meta_analysis import effectsize_smd

    rng = np.random.default_rng(seed)
    shape = (n_trials, n_per_arm)
    aware_treated = rng.random(shape) < fraction
    aware_control = rng.random(shape) < fraction
    treated = rng.normal(true, 1.0, shape) + aware_treated * expectancy / 2
    control = rng.normal(0.0, 1.0, shape) - aware_control * expectancy / 2
    g, variance = effectsize_smd(
        treated.mean(axis=1),
        treated.std(axis=1, ddof=1),
        np.full(n_trials, n_per_arm),
        control.mean(axis=1),
        control.std(axis=1, ddof=1),
        np.full(n_trials, n_per_arm),
    )
    return np.asarray(g), np.asarray(variance)


#: Columns of the evidence map.
MAP_COLUMNS = (
    "condition",
    "formulation",
    "comparator",
    "trials",
    "participants",
    "outcome",
    "effect",
    "direction",
    "certainty",
    "citation_key",
    "source_location",
)


def load_evidence_map(path: str | None = None) -> pd.DataFrame:
    """The evidence map: one row per condition, formulation and comparator.

    Each row summarizes a systematic review, a pooled analysis in the course
    or a single trial, with its source. ``participants`` is empty where the
    source does not state it. Errors name the row and column.
    """
    table = read_table("evidence_map.csv", path)
    missing = [c for c in MAP_COLUMNS if c not in table.columns]
    if missing:
        raise TrialDataError(f"the evidence map lacks the column(s) {missing}")
    for index, row in table.iterrows():
        for column in MAP_COLUMNS:
            if column != "participants" and not row[column].strip():
                raise TrialDataError(f"row {index + 2}, column {column!r}: is empty")
        for column in ("trials", "participants"):
            value = row[column].strip()
            if column == "participants" and not value:
                continue
            if not value.isdigit() or int(value) < 1:
                raise TrialDataError(
                    f"row {index + 2}, column {column!r}: must be a positive whole number, "
                    f"got {value!r}"
                )
    table["trials"] = table["trials"].astype(int)
    table["participants"] = pd.to_numeric(table["participants"]).astype("Int64")
    return table


def load_pooled_estimates(path: str | None = None) -> pd.DataFrame:
    """Published pooled estimates by drug, comparator and outcome, with their sources.

    ``measure`` is ``"SMD"`` (negative favors the drug) or ``"OR"``; each row
    gives the estimate, its 95 % CI, the number of trials and participants and
    the certainty as the source states it. Errors name the row and column.
    """
    table = read_table("pooled_estimates.csv", path)
    for index, row in table.iterrows():
        if row["measure"] not in ("SMD", "OR"):
            raise TrialDataError(f"row {index + 2}, column 'measure': must be 'SMD' or 'OR'")
        if not row["citation_key"].strip():
            raise TrialDataError(f"row {index + 2}, column 'citation_key': is empty")
        low, estimate, high = (float(row[c]) for c in ("ci_low", "estimate", "ci_high"))
        if not low <= estimate <= high:
            raise TrialDataError(
                f"row {index + 2}, column 'estimate': must lie within its confidence interval"
            )
    for column in ("estimate", "ci_low", "ci_high"):
        table[column] = table[column].astype(float)
    for column in ("trials", "participants"):
        table[column] = table[column].astype(int)
    return table
