r"""The training--inference trade-off table of Villalobos & Atkinson (2023).

:func:`load_tradeoff_table` reads the hand-transcribed ``data/villalobos_atkinson_2023.csv``
and adds the *average* exchange rate over each technique's span,

.. math::

    \bar\rho = \frac{\text{span in inference (OOM)}}{\text{span in training (OOM)}},

and the training share :math:`\bar\rho/(1+\bar\rho)` that a constant exchange rate
:math:`\bar\rho` would imply (:func:`t2lib.inference.optimal_training_share`). The column keeps the name ``gamma``;
the book writes the exchange rate :math:`\rho` (``book/notation.md``). A span is the region where the marginal
exchange rate is better than 6 to 1 (Villalobos & Atkinson; see :func:`t2lib.inference.efficient_span`).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .published import DATA_DIR, read_table, read_transcribed

__all__ = ["TRADEOFF_CSV", "load_tradeoff_table"]

#: The transcribed Villalobos & Atkinson (2023) table in ``data/``.
TRADEOFF_CSV = DATA_DIR / "villalobos_atkinson_2023.csv"


def load_tradeoff_table(path: str | Path | None = None) -> pd.DataFrame:
    r"""Villalobos & Atkinson's summary table, with :math:`\bar\rho` and the implied share.

    Parameters
    ----------
    path : str or Path, optional
        The CSV to read; defaults to the project's ``data/villalobos_atkinson_2023.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``technique, span_train_oom, span_inference_oom, approximate, effect_of_scale,
        current_use, footnote, gamma, training_share`` (``gamma`` is :math:`\bar\rho`; ``gamma`` and ``training_share`` are
        ``nan`` where a span is not available). ``attrs["source"]`` holds the CSV's header.

    Raises
    ------
    ValueError
        If ``path`` does not exist or lacks a required column.
    """
    if path is not None and not isinstance(path, (str, Path)):
        raise ValueError(f"path must name an existing CSV file (str or Path) or be None; got {path!r}")
    na = {"keep_default_na": False, "na_values": {"span_train_oom": [""], "span_inference_oom": [""]}}
    df = read_table(TRADEOFF_CSV.name, **na) if path is None else read_transcribed(path, **na)
    source = df.attrs["source"]
    required = {"technique", "span_train_oom", "span_inference_oom", "approximate", "effect_of_scale", "current_use"}
    missing = required - set(df.columns)
    if missing:
        raise ValueError(f"path must be a trade-off table with columns {sorted(required)}; missing {sorted(missing)}")
    df["approximate"] = df["approximate"].astype(bool)
    gamma = df["span_inference_oom"].to_numpy(float) / df["span_train_oom"].to_numpy(float)
    df["gamma"] = gamma
    df["training_share"] = gamma / (1.0 + gamma)
    df.attrs["source"] = source
    return df
