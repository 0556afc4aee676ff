"""Input checks shared by the course's models: bad input raises a ``ValueError``
that names the argument and its valid range."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def as_finite_array(value: ArrayLike, name: str, *, minimum: float | None = None) -> NDArray:
    """``value`` as a float array, or a ``ValueError`` naming ``name``.

    Rejects NaN and infinity always, and values below ``minimum`` when given.
    """
    array = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite numbers, got {value!r}")
    if minimum is not None and np.any(array < minimum):
        raise ValueError(f"{name} must be at least {minimum:g}, got {value!r}")
    return array


def as_positive_float(value: float, name: str) -> float:
    """``value`` as a float greater than zero, or a ``ValueError`` naming ``name``."""
    number = float(value)
    if not np.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a finite number greater than 0, got {value!r}")
    return number
