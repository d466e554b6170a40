"""Small tables of published numbers transcribed by hand into the project's ``data/`` folder.

Each CSV starts with ``#`` comment lines naming the paper, the table and the page;
:func:`read_table` returns the table with that provenance in ``DataFrame.attrs["source"]``.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["DATA_DIR", "read_table"]

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
    path = DATA_DIR / name
    if not path.is_file():
        available = sorted(p.name for p in DATA_DIR.glob("*.csv")) if DATA_DIR.is_dir() else []
        raise ValueError(f"name must be one of the transcribed tables {available}; got {name!r}")
    lines = path.read_text().splitlines()
    header = [ln.lstrip("# ").rstrip() for ln in lines if ln.startswith("#")]
    df = pd.read_csv(path, comment="#")
    df.attrs["source"] = " ".join(header)
    return df
