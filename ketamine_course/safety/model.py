"""Acute effects and adverse events: reported time courses and how often they occur.

Two curated tables hold what the sources report, each row with its citation:

- ``acute_effects.csv``: when an acute effect (dissociation, sedation, a rise
  in blood pressure, impaired thinking) begins, peaks and resolves after one
  dose, in minutes from the start of dosing;
- ``adverse_events.csv``: how many patients had each adverse event in the
  drug and control arms of two randomized esketamine trials.

Nothing here is dosing guidance: the doses are those of the studies the data
come from, used to set the teaching model of Lesson 5 beside the reports.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from ketamine_course.core.checks import as_finite_array
from ketamine_course.core.datasets import citation_keys, read_table
from ketamine_course.pharmacokinetics.model import PKResult, cmax_ng_per_ml, simulate

ACUTE_COLUMNS = (
    "formulation",
    "effect",
    "onset_min",
    "peak_min",
    "resolved_min",
    "description",
    "citation_keys",
    "source_location",
)
EVENT_COLUMNS = (
    "trial",
    "citation_key",
    "source_location",
    "phase",
    "event",
    "n_drug",
    "events_drug",
    "n_control",
    "events_control",
)


class SafetyDataError(ValueError):
    """A safety table breaks a rule; the message names the row and column."""


@dataclass(frozen=True)
class Formulation:
    """A dose as given in the studies behind a formulation's reported time courses.

    Attributes
    ----------
    route
        Key of :data:`ketamine_course.pharmacokinetics.model.ROUTES`.
    dose_mg
        The dose in milligrams (for a weight-based dose, for ``weight_kg``).
    weight_kg
        Body weight used for the model, in kilograms.
    infusion_min
        Infusion duration in minutes (0 for a spray).
    label
        How figures name the dose.
    """

    route: str
    dose_mg: float
    weight_kg: float
    infusion_min: float
    label: str


#: The two formulations with reported time courses. Esketamine 84 mg is the
#: dose of ASPIRE II and of the pooled time courses; 0.5 mg/kg over 40 minutes
#: is the infusion of the racemic ketamine trials (shown for a 70 kg adult).
FORMULATIONS: dict[str, Formulation] = {
    "esketamine nasal spray": Formulation("esketamine_nasal", 84.0, 70.0, 0.0, "84 mg spray"),
    "racemic ketamine IV infusion": Formulation(
        "iv", 35.0, 70.0, 40.0, "0.5 mg/kg over 40 min, 70 kg"
    ),
}

#: Esketamine's REMS: patients are observed for at least this long after each dose.
REMS_OBSERVATION_MIN = 120.0


def _number(cell: str, where: str, *, required: bool) -> float:
    if not cell.strip():
        if required:
            raise SafetyDataError(f"{where}: is empty")
        return math.nan
    try:
        value = float(cell)
    except ValueError:
        raise SafetyDataError(f"{where}: must be a number, got {cell!r}") from None
    if not math.isfinite(value) or value < 0:
        raise SafetyDataError(f"{where}: must be a finite number, 0 or more, got {cell!r}")
    return value


def load_acute_effects(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Reported time courses of acute effects, in minutes from the start of dosing.

    ``onset_min`` may be empty (not reported); ``peak_min`` and
    ``resolved_min`` are required, and the times must be in order (onset ≤
    peak < resolved). Errors name the row and column.
    """
    table = read_table("acute_effects.csv", path)
    missing = [c for c in ACUTE_COLUMNS if c not in table.columns]
    if missing:
        raise SafetyDataError(f"the acute-effects table lacks the column(s) {missing}")
    times: dict[str, list[float]] = {"onset_min": [], "peak_min": [], "resolved_min": []}
    for index, row in table.iterrows():
        where = f"row {index + 2}"
        if row["formulation"] not in FORMULATIONS:
            raise SafetyDataError(
                f"{where}, column 'formulation': must be one of {list(FORMULATIONS)}, "
                f"got {row['formulation']!r}"
            )
        for column in ("effect", "description", "source_location"):
            if not row[column].strip():
                raise SafetyDataError(f"{where}, column {column!r}: is empty")
        if not citation_keys(row["citation_keys"]):
            raise SafetyDataError(f"{where}, column 'citation_keys': names no key")
        onset, peak, resolved = (
            _number(row[c], f"{where}, column {c!r}", required=c != "onset_min") for c in times
        )
        if not (peak < resolved and (math.isnan(onset) or onset <= peak)):
            raise SafetyDataError(
                f"{where}: times must satisfy onset_min <= peak_min < resolved_min, "
                f"got {onset}, {peak}, {resolved}"
            )
        for column, value in zip(times, (onset, peak, resolved)):
            times[column].append(value)
    for column, values in times.items():
        table[column] = np.array(values, dtype=float)
    return table


def load_adverse_events(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Adverse events by arm in randomized esketamine trials, with risks added.

    Adds ``risk_drug``, ``risk_control``, ``risk_difference`` and
    ``number_needed_to_harm`` (see :func:`number_needed_to_harm`). Counts must
    be whole numbers with events no more than patients. Errors name the row and
    column.
    """
    table = read_table("adverse_events.csv", path)
    missing = [c for c in EVENT_COLUMNS if c not in table.columns]
    if missing:
        raise SafetyDataError(f"the adverse-events table lacks the column(s) {missing}")
    counts = ("n_drug", "events_drug", "n_control", "events_control")
    for index, row in table.iterrows():
        where = f"row {index + 2}"
        for column in ("trial", "citation_key", "source_location", "phase", "event"):
            if not row[column].strip():
                raise SafetyDataError(f"{where}, column {column!r}: is empty")
        for column in counts:
            if not row[column].isdigit():
                raise SafetyDataError(
                    f"{where}, column {column!r}: must be a whole number, got {row[column]!r}"
                )
        for arm in ("drug", "control"):
            if int(row[f"n_{arm}"]) == 0 or int(row[f"events_{arm}"]) > int(row[f"n_{arm}"]):
                raise SafetyDataError(
                    f"{where}, column 'events_{arm}': must be between 0 and n_{arm} "
                    f"({row[f'n_{arm}']}), which must be at least 1"
                )
    for column in counts:
        table[column] = table[column].astype(int)
    table["risk_drug"] = table["events_drug"] / table["n_drug"]
    table["risk_control"] = table["events_control"] / table["n_control"]
    table["risk_difference"] = table["risk_drug"] - table["risk_control"]
    table["number_needed_to_harm"] = [
        number_needed_to_harm(r.events_drug, r.n_drug, r.events_control, r.n_control)
        for r in table.itertuples()
    ]
    return table


def number_needed_to_harm(
    events_drug: int, n_drug: int, events_control: int, n_control: int
) -> float:
    """How many patients must take the drug for one more to have the event.

    The reciprocal of the risk difference (drug minus control); ``inf`` when
    the event is no more common on the drug.

    Examples
    --------
    Dissociation in ASPIRE II: 44 of 114 on esketamine, 9 of 113 on placebo.

    >>> round(number_needed_to_harm(44, 114, 9, 113), 1)
    3.3
    """
    for name, value in (
        ("events_drug", events_drug),
        ("n_drug", n_drug),
        ("events_control", events_control),
        ("n_control", n_control),
    ):
        if isinstance(value, bool) or int(value) != value or value < 0:
            raise ValueError(f"{name} must be a whole number, 0 or more, got {value!r}")
    for events, n, arm in ((events_drug, n_drug, "drug"), (events_control, n_control, "control")):
        if n < 1 or events > n:
            raise ValueError(
                f"n_{arm} must be at least 1 and events_{arm} between 0 and n_{arm}; "
                f"got {events} of {n}"
            )
    difference = events_drug / n_drug - events_control / n_control
    return math.inf if difference <= 0 else 1.0 / difference


def plasma_curve(formulation: str, t_min: ArrayLike | None = None) -> PKResult:
    """The teaching model's plasma concentration for a formulation's study dose."""
    if formulation not in FORMULATIONS:
        raise ValueError(f"formulation must be one of {list(FORMULATIONS)}, got {formulation!r}")
    spec = FORMULATIONS[formulation]
    times = (
        np.arange(0.0, 300.5, 1.0) if t_min is None else as_finite_array(t_min, "t_min", minimum=0)
    )
    return simulate(spec.route, spec.dose_mg, spec.weight_kg, spec.infusion_min, t_min=times)


def fraction_of_peak(formulation: str, t_min: ArrayLike) -> NDArray:
    """Modeled plasma concentration at ``t_min`` as a fraction of its peak."""
    times = as_finite_array(t_min, "t_min", minimum=0)
    dense = plasma_curve(formulation, np.arange(0.0, max(300.0, float(times.max())) + 0.5, 0.5))
    at = plasma_curve(formulation, times).conc_ng_per_ml
    return at / cmax_ng_per_ml(dense)
