"""Figures of the clinical-evidence lesson: forest plots, a funnel plot and a
leave-one-out plot, each with a function that writes its alt text."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ketamine_course.core.style import MUTED, PALETTE

from .model import (
    PooledEffect,
    effect_sizes,
    leave_one_out,
    load_trials,
    pool,
    reported_effects,
    select,
)

#: Subsets of the esketamine-versus-placebo trials shown in the forest plot.
ESKETAMINE_SETS: dict[str, list[str]] = {
    "day 28 (TRANSFORM)": ["TRANSFORM-1 (56 mg)", "TRANSFORM-2", "TRANSFORM-3"],
    "24 h (ASPIRE)": ["ASPIRE I", "ASPIRE II"],
    "all five trials": [
        "TRANSFORM-1 (56 mg)",
        "TRANSFORM-2",
        "TRANSFORM-3",
        "ASPIRE I",
        "ASPIRE II",
    ],
}


def esketamine_effects(subset: str) -> pd.DataFrame:
    """Reported MADRS differences (esketamine minus placebo) of one subset."""
    if subset not in ESKETAMINE_SETS:
        raise ValueError(f"subset must be one of {list(ESKETAMINE_SETS)}, got {subset!r}")
    return reported_effects(select(load_trials(), trial=ESKETAMINE_SETS[subset]))


def forest(
    ax,
    rows: pd.DataFrame,
    pooled: PooledEffect | None,
    *,
    null: float,
    log_scale: bool = False,
) -> None:
    """Draw a forest plot: one line per row (square sized by precision), a pooled diamond."""
    transform = np.exp if log_scale else (lambda x: x)
    n = len(rows)
    y = np.arange(n, 0, -1, dtype=float)
    weights = 1 / rows["variance"].to_numpy(float)
    sizes = 30 + 120 * weights / weights.max()
    for yi, (_, row), size in zip(y, rows.iterrows(), sizes):
        ax.plot(
            transform(np.array([row["ci_low"], row["ci_high"]])),
            [yi, yi],
            color=PALETTE["black"],
            lw=1.2,
        )
        ax.scatter(
            transform(row["effect"]), yi, s=size, marker="s", color=PALETTE["blue"], zorder=3
        )
    labels = list(rows["trial"])
    if pooled is not None:
        center, low, high = (transform(v) for v in (pooled.estimate, pooled.ci_low, pooled.ci_high))
        ax.fill(
            [low, center, high, center],
            [0, 0.25, 0, -0.25],
            color=PALETTE["vermillion"],
            zorder=3,
        )
        labels.append(f"pooled (k = {pooled.k}, I² = {pooled.i2:.0%})")
        y = np.append(y, 0.0)
    ax.axvline(null, color=MUTED, lw=0.8, ls="--")
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.8 if pooled is not None else 0.3, n + 0.8)
    if log_scale:
        ax.set_xscale("log")


def plot_esketamine_forest(subset: str) -> Figure:
    """Esketamine versus placebo spray: reported MADRS differences and their pool."""
    rows = esketamine_effects(subset)
    pooled = pool(rows)
    fig, ax = plt.subplots(figsize=(7.5, 3.2), layout="constrained")
    forest(ax, rows, pooled, null=0.0)
    ax.set(
        xlabel="Difference in MADRS change, esketamine minus placebo (points)\n"
        "← favors esketamine        favors placebo →",
        xlim=(-10, 3),
        title=f"Esketamine nasal spray vs placebo spray: {subset}",
    )
    return fig


def describe_esketamine_forest(subset: str) -> str:
    """Alt text of :func:`plot_esketamine_forest`."""
    rows = esketamine_effects(subset)
    pooled = pool(rows)
    each = "; ".join(
        f"{r.trial} {r.effect:.1f} ({r.ci_low:.1f} to {r.ci_high:.1f})" for r in rows.itertuples()
    )
    return (
        f"Forest plot of reported MADRS differences, esketamine minus placebo, {subset}: {each}. "
        f"Pooled by random effects: {pooled.estimate:.1f} points "
        f"({pooled.ci_low:.1f} to {pooled.ci_high:.1f}), I² {pooled.i2:.0%}."
    )


#: Binary outcomes shown in the second forest plot, in display order.
BINARY_ROWS = (
    "Su 2017 (0.5 mg/kg)",
    "Grunebaum 2018",
    "ELEKT-D",
    "ESCAPE-TRD",
    "SUSTAIN-1 (stable remitters)",
    "SUSTAIN-1 (stable responders)",
)
BINARY_MEASURES = {
    "risk ratio": ("log_rr", 1.0, True),
    "odds ratio": ("log_or", 1.0, True),
    "risk difference": ("rd", 0.0, False),
}


def binary_effects(measure: str) -> pd.DataFrame:
    """Effects of the binary rows, computed from their arm-level counts."""
    if measure not in BINARY_MEASURES:
        raise ValueError(f"measure must be one of {list(BINARY_MEASURES)}, got {measure!r}")
    code = BINARY_MEASURES[measure][0]
    rows = select(load_trials(), trial=list(BINARY_ROWS), outcome_type="binary")
    effects = effect_sizes(rows, code).set_index("trial").loc[list(BINARY_ROWS)].reset_index()
    effects["trial"] = [
        f"{r.trial}\n{r.outcome.split(' (')[0]} vs {r.comparator.split(' plus')[0]}"
        for r in effects.itertuples(index=False)
    ]
    return effects


def plot_binary_forest(measure: str) -> Figure:
    """Response, remission and relapse by trial, not pooled: the comparisons differ."""
    _, null, log_scale = BINARY_MEASURES[measure]
    rows = binary_effects(measure)
    fig, ax = plt.subplots(figsize=(7.5, 4.2), layout="constrained")
    forest(ax, rows, None, null=null, log_scale=log_scale)
    ax.tick_params(axis="y", labelsize=7.5)
    ax.set(
        xlabel=f"{measure.capitalize()}, ketamine or esketamine vs comparator (95% CI)",
        title="Events by trial, not pooled: outcomes and comparators differ",
    )
    if log_scale:
        ax.set_xlim(0.1, 40)
        ticks = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20]
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.minorticks_off()
    else:
        ax.set_xlim(-0.6, 0.8)
    return fig


def describe_binary_forest(measure: str) -> str:
    """Alt text of :func:`plot_binary_forest`."""
    _, _, log_scale = BINARY_MEASURES[measure]
    rows = binary_effects(measure)

    def show(value: float) -> str:
        return f"{np.exp(value):.2f}" if log_scale else f"{value:+.2f}"

    each = "; ".join(
        f"{r.trial} {show(r.effect)} ({show(r.ci_low)} to {show(r.ci_high)})"
        for r in rows.itertuples()
    )
    return f"Forest plot of {measure}s computed from each trial's counts, not pooled: {each}."


def plot_sensitivity(view: str) -> Figure:
    """The five esketamine trials: a funnel plot, or the pool with each trial left out."""
    rows = esketamine_effects("all five trials")
    pooled = pool(rows)
    fig, ax = plt.subplots(figsize=(7.5, 3.2), layout="constrained")
    if view == "funnel plot":
        se = np.sqrt(rows["variance"].to_numpy(float))
        grid = np.linspace(0, se.max() * 1.2, 50)
        ax.plot(pooled.estimate - 1.96 * grid, grid, color=MUTED, ls="--", lw=0.8)
        ax.plot(pooled.estimate + 1.96 * grid, grid, color=MUTED, ls="--", lw=0.8)
        ax.axvline(pooled.estimate, color=PALETTE["vermillion"], lw=1)
        ax.scatter(rows["effect"], se, color=PALETTE["blue"], zorder=3)
        for r, s in zip(rows.itertuples(), se):
            ax.annotate(
                r.trial, (r.effect, s), xytext=(5, 0), textcoords="offset points", fontsize=8
            )
        ax.invert_yaxis()
        ax.set(
            xlabel="Difference in MADRS change (points)",
            ylabel="Standard error",
            xlim=(-8, 0),
            title="Funnel plot: five trials are too few to judge asymmetry",
        )
    elif view == "leave one out":
        table = leave_one_out(rows)
        y = np.arange(len(table), 0, -1)
        for yi, r in zip(y, table.itertuples()):
            ax.plot([r.ci_low, r.ci_high], [yi, yi], color=PALETTE["black"], lw=1.2)
            ax.plot(r.estimate, yi, "s", color=PALETTE["blue"])
        ax.axvspan(pooled.ci_low, pooled.ci_high, color=PALETTE["vermillion"], alpha=0.15, lw=0)
        ax.axvline(pooled.estimate, color=PALETTE["vermillion"], lw=1)
        ax.set_yticks(y, [f"without {name}" for name in table["left_out"]])
        ax.set(
            xlabel="Pooled difference in MADRS change (points)",
            xlim=(-8, 0),
            title="Leave one out: the pool barely moves",
        )
    else:
        raise ValueError(f"view must be 'funnel plot' or 'leave one out', got {view!r}")
    return fig


def describe_sensitivity(view: str) -> str:
    """Alt text of :func:`plot_sensitivity`."""
    rows = esketamine_effects("all five trials")
    if view == "funnel plot":
        return (
            "Funnel plot of the five esketamine trials: reported MADRS difference against its "
            "standard error, with the pooled estimate and dashed 95% limits. All five lie close "
            "together inside the funnel."
        )
    table = leave_one_out(rows)
    return (
        "Leave-one-out analysis of the five esketamine trials: the pooled MADRS difference "
        f"ranges from {table['estimate'].min():.2f} to {table['estimate'].max():.2f} points "
        "as each trial is left out in turn."
    )


#: Fractions of patients guessing their arm shown in the unblinding figure.
UNBLINDED_FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0)
#: Illustrative inputs of the unblinding figure, in standard-deviation units.
UNBLINDING_TRUE_SMD = 0.0
UNBLINDING_EXPECTANCY_SMD = 0.6
UNBLINDING_N_PER_ARM = 40


def unblinding_runs() -> dict[float, tuple[np.ndarray, np.ndarray]]:
    from .model import simulate_unblinded_trials

    return {
        u: simulate_unblinded_trials(
            UNBLINDING_TRUE_SMD,
            UNBLINDING_EXPECTANCY_SMD,
            u,
            n_per_arm=UNBLINDING_N_PER_ARM,
            n_trials=2000,
        )
        for u in UNBLINDED_FRACTIONS
    }


def significant_share(g: np.ndarray, variance: np.ndarray) -> float:
    """Share of simulated trials whose 95 % interval excludes zero in the drug's favor."""
    return float(np.mean(g - 1.959963984540054 * np.sqrt(variance) > 0))


def plot_unblinding(unblinded_fraction: float, runs=None) -> Figure:
    """Observed effects of a drug with no true effect, as blinding fails."""
    runs = runs or unblinding_runs()
    g, variance = runs[unblinded_fraction]
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(7.5, 3.0), layout="constrained", width_ratios=(1.4, 1)
    )
    left.hist(g, bins=np.linspace(-0.8, 1.4, 45), color=PALETTE["sky_blue"], edgecolor="white")
    left.axvline(UNBLINDING_TRUE_SMD, color=PALETTE["black"], lw=1.5, ls="--")
    left.axvline(g.mean(), color=PALETTE["vermillion"], lw=2)
    top = left.get_ylim()[1]
    box = {"facecolor": "white", "edgecolor": "none", "pad": 1}
    left.text(-0.05, top * 0.92, "true effect", ha="right", fontsize=8, bbox=box)
    left.text(
        g.mean() + 0.05,
        top * 0.92,
        "average observed",
        color=PALETTE["vermillion"],
        fontsize=8,
        bbox=box,
    )
    left.set(
        xlabel="Observed effect (Hedges' g)",
        ylabel="Simulated trials",
        title=f"{unblinded_fraction:.0%} of patients guess their arm",
    )
    shares = [significant_share(*runs[u]) for u in UNBLINDED_FRACTIONS]
    right.plot(
        [100 * u for u in UNBLINDED_FRACTIONS], [100 * s for s in shares], "o-", color=MUTED, ms=4
    )
    right.plot(
        [100 * unblinded_fraction],
        [100 * significant_share(g, variance)],
        "o",
        ms=10,
        mfc="none",
        mec=PALETTE["vermillion"],
        mew=2,
    )
    right.set(
        xlabel="Patients who guess their arm (%)",
        ylabel="Trials 'positive' (%)",
        ylim=(0, 100),
        title="A drug that does nothing",
    )
    return fig


def describe_unblinding(unblinded_fraction: float, runs=None) -> str:
    """Alt text of :func:`plot_unblinding`."""
    runs = runs or unblinding_runs()
    g, variance = runs[unblinded_fraction]
    return (
        f"Histogram of observed effects in 2000 simulated trials of a drug with no true effect, "
        f"when {unblinded_fraction:.0%} of patients guess their arm and expectations shift "
        f"their improvement by {UNBLINDING_EXPECTANCY_SMD} standard deviations: the average "
        f"observed effect is {g.mean():.2f}, and {significant_share(g, variance):.1%} of trials "
        f"find a significant benefit. The right panel shows that share rising with the "
        f"fraction of patients who guess."
    )


#: Views of the evidence map figure.
MAP_VIEWS = ("all rows", "depression", "beyond depression")


def _map_rows(view: str) -> pd.DataFrame:
    from .model import load_evidence_map

    if view not in MAP_VIEWS:
        raise ValueError(f"view must be one of {list(MAP_VIEWS)}, got {view!r}")
    table = load_evidence_map()
    depression = table["condition"].str.contains("depression")
    if view == "depression":
        return table[depression]
    if view == "beyond depression":
        return table[~depression]
    return table


def _short_label(row) -> str:
    drug = "esketamine spray" if "esketamine" in row.formulation else "ketamine IV"
    comparator = row.comparator.split(" with")[0]
    return f"{row.condition}: {drug} vs {comparator} ({row.trials})"


def _unclear(direction: str) -> bool:
    return direction.startswith(("unclear", "conflicting"))


def plot_evidence_map(view: str) -> Figure:
    """Each row of the evidence map as a dot: participants, trials and direction."""
    table = _map_rows(view)
    y = np.arange(len(table), 0, -1)
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * len(table) + 1.6), layout="constrained")
    for yi, row in zip(y, table.itertuples()):
        unclear = _unclear(row.direction)
        color = PALETTE["orange"] if unclear else PALETTE["blue"]
        stated = pd.notna(row.participants)
        ax.scatter(
            row.participants if stated else 10,
            yi,
            s=30 + 30 * row.trials,
            marker="D" if unclear else "o",
            facecolor=color if stated else "none",
            edgecolor=color,
            linewidth=1.5,
            zorder=3,
        )
    ax.set_xscale("log")
    ticks = [10, 30, 100, 300, 1000]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_xlim(7, 1400)
    ax.set_yticks(y, [_short_label(r) for r in table.itertuples()], fontsize=8)
    ax.set_ylim(0.3, len(table) + 0.7)
    ax.set_xlabel("Participants (log scale)")
    fig.suptitle(
        f"Evidence map, {view}\n"
        "circles favor treatment; diamonds are unclear or conflicting\n"
        "(n) = number of trials; hollow marker: participants not stated",
        fontsize=9,
    )
    return fig


def describe_evidence_map(view: str) -> str:
    """Alt text of :func:`plot_evidence_map`."""
    parts = []
    for r in _map_rows(view).itertuples():
        people = (
            "participants not stated"
            if pd.isna(r.participants)
            else f"{r.participants} participants"
        )
        parts.append(f"{_short_label(r)} trials, {people}, {r.direction}")
    return f"Evidence map, {view}: " + "; ".join(parts) + "."


#: Outcomes of the pooled-estimates figure.
POOLED_OUTCOMES = ("depression score", "response", "remission")


def pooled_rows(outcome: str) -> pd.DataFrame:
    """Published pooled estimates for one outcome, ready for :func:`forest`."""
    from .model import load_pooled_estimates

    if outcome not in POOLED_OUTCOMES:
        raise ValueError(f"outcome must be one of {list(POOLED_OUTCOMES)}, got {outcome!r}")
    table = load_pooled_estimates()
    table = table[table["outcome"] == outcome].copy()
    log_scale = table["measure"].eq("OR").all()
    transform = np.log if log_scale else (lambda x: x)
    table["effect"] = transform(table["estimate"])
    table["ci_low"] = transform(table["ci_low"])
    table["ci_high"] = transform(table["ci_high"])
    table["variance"] = ((table["ci_high"] - table["ci_low"]) / (2 * 1.959963984540054)) ** 2
    table["trial"] = [
        f"{r.drug} vs {r.comparator}\n{r.trials} trials, {r.participants} people, {r.time_point}"
        for r in table.itertuples()
    ]
    table.attrs["log_scale"] = bool(log_scale)
    return table


def plot_pooled(outcome: str) -> Figure:
    """Published pooled estimates by drug and comparator: the more active the control,
    the smaller the effect."""
    rows = pooled_rows(outcome)
    log_scale = rows.attrs["log_scale"]
    fig, ax = plt.subplots(figsize=(7.5, 0.75 * len(rows) + 1.4), layout="constrained")
    forest(ax, rows, None, null=1.0 if log_scale else 0.0, log_scale=log_scale)
    ax.tick_params(axis="y", labelsize=8)
    if log_scale:
        ax.set_xlim(0.4, 40)
        ticks = [0.5, 1, 2, 5, 10, 20]
        ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
        ax.minorticks_off()
        ax.set_xlabel(f"Odds ratio of {outcome} (above 1 favors the drug)")
    else:
        ax.set_xlim(-1.5, 0.3)
        ax.set_xlabel("Standardized mean difference (below 0 favors the drug)")
    fig.suptitle(f"Published pooled estimates: {outcome}", fontsize=10)
    return fig


def describe_pooled(outcome: str) -> str:
    """Alt text of :func:`plot_pooled`."""
    from .model import load_pooled_estimates

    table = load_pooled_estimates()
    table = table[table["outcome"] == outcome]
    parts = [
        f"{r.drug} vs {r.comparator}: {r.measure} {r.estimate:g} ({r.ci_low:g} to {r.ci_high:g}), "
        f"{r.trials} trials, certainty {r.certainty}"
        for r in table.itertuples()
    ]
    return f"Forest plot of published pooled estimates for {outcome}: " + "; ".join(parts) + "."
