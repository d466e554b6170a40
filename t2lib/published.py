"""Small tables of published numbers transcribed by hand into the project's ``data/`` folder.

Each CSV starts with ``#`` comment lines naming the paper, the table and the page;
:func:`read_table` returns the table with that provenance in ``DataFrame.attrs["source"]``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["DATA_DIR", "read_table"]

#: The repository's ``data/`` folder of hand-transcribed tables.
DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def read_table(name: str) -> pd.DataFrame:
    """Read ``data/<name>`` (a transcribed CSV) with its provenance.

    Parameters
    ----------
    name : str
        File name inside the project's ``data/`` folder, e.g. ``"hoffmann2022_table_a4.csv"``.

    Raises
    ------
    ValueError
        If no such table exists (the message lists the available ones).
    """
    if not isinstance(name, str) or not name or Path(name).name != name or name.startswith("."):
        raise ValueError(f"name must be the file name of a table inside data/ (no folders); got {name!r}")
    path = DATA_DIR / name
    if not path.is_file():
        available = sorted(p.name for p in DATA_DIR.glob("*.csv")) if DATA_DIR.is_dir() else []
        raise ValueError(f"name must be one of the transcribed tables {available}; got {name!r}")
    lines = path.read_text().splitlines()
    header = [ln.lstrip("# ").rstrip() for ln in lines if ln.startswith("#")]
    df = pd.read_csv(path, comment="#")
    df.attrs["source"] = " ".join(header)
    return df


def deviations(ours: pd.DataFrame, published: pd.DataFrame, columns, prefix: str = "paper_") -> pd.DataFrame:
    """Absolute differences ``|ours[col] - published[prefix + col]|`` for each column, aligned on the index.

    Entries the paper does not give (empty in the CSV) are ``NaN``.

    Raises
    ------
    ValueError
        If a column is missing from either table.
    """
    cols = list(columns)
    missing = [c for c in cols if c not in ours.columns] + [prefix + c for c in cols if prefix + c not in published.columns]
    if missing:
        raise ValueError(f"columns must exist in both tables; missing {missing}")
    return pd.DataFrame({c: (ours[c] - published[prefix + c]).abs() for c in cols})


def within_tolerance(ours: pd.DataFrame, published: pd.DataFrame, tolerance, prefix: str = "paper_") -> pd.DataFrame:
    """Boolean table: ``True`` where ours is within ``tolerance[col]`` of the published value or none is given.

    ``tolerance`` maps a column name to a scalar or to one value per row (``NaN`` for rows not checked).
    """
    dev = deviations(ours, published, tolerance.keys(), prefix)
    tol = pd.DataFrame({c: pd.Series(t, index=dev.index) if pd.api.types.is_list_like(t) else t
                        for c, t in tolerance.items()}, index=dev.index)
    return (dev <= tol) | dev.isna() | tol.isna()
