"""Reading the course's curated CSV files."""

from __future__ import annotations

import os
from importlib import resources

import pandas as pd


def read_table(file_name: str, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """A CSV with every cell as text (empty cells as ``""``).

    Reads ``ketamine_course/data/<file_name>`` unless ``path`` names another
    file with the same columns; the loaders then check and convert the cells.
    """
    if path is not None:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    with resources.as_file(resources.files("ketamine_course") / "data" / file_name) as file:
        return pd.read_csv(file, dtype=str, keep_default_na=False)


def citation_keys(cell: str) -> tuple[str, ...]:
    """The keys of a cell that cites several sources: keys separated by ``;``."""
    return tuple(key.strip() for key in cell.split(";") if key.strip())
