r"""Hoffmann et al. (2022)'s published projections, Table 3 and Table A3, as tidy frames.

The CSVs in the project's ``data/`` folder are transcribed exactly as printed (units in words,
the 10x typo of Table A3 included). This module parses them and adds the two consistency
quantities the book uses,

.. math::

    r = \frac{6ND}{C}\quad(\text{should be }\approx 1),\qquad \frac{D}{N}\quad(\text{tokens per parameter}),

and the power law :math:`N = G\,(C/6)^a` implied by a set of rows (least squares in log space).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import _validate as v
from .published import GOPHER_FLOPS, HOFFMANN_2022_TABLE2_A, read_table

__all__ = [
    "GOPHER_FLOPS",
    "HOFFMANN_2022_TABLE2_A",
    "parse_count",
    "hoffmann_table3",
    "hoffmann_table_a3",
    "hoffmann_projections",
    "implied_power_law",
]

# Published constants live in t2lib.published (typed once, with their sources); re-exported here for old imports.
_UNITS = {"million": 1e6, "billion": 1e9, "trillion": 1e12}


def parse_count(label) -> np.ndarray:
    """Parse printed counts such as ``"400 Million"`` or ``"1.5 Trillion"`` into floats.

    Parameters
    ----------
    label : str or sequence of str
        One or more labels of the form ``"<number> <Million|Billion|Trillion>"``.

    Returns
    -------
    numpy.ndarray
        The counts (a 0-d array for a single label).
    """
    if label is None or (not isinstance(label, str) and np.size(label) == 0):
        raise ValueError(f"label must be a label or a non-empty sequence of labels; got {label!r}")
    labels = np.atleast_1d(np.asarray(label, dtype=object))
    out = np.empty(labels.shape, dtype=float)
    for i, lab in enumerate(labels.ravel()):  # a handful of table rows, parsed once
        m = re.fullmatch(r"\s*([0-9][0-9,]{0,30}\.?[0-9]{0,30})\s+(million|billion|trillion)\s*", lab, flags=re.I) \
            if isinstance(lab, str) else None
        if m is None:
            raise ValueError(f"label must look like '<number> Million|Billion|Trillion'; got {lab!r}")
        out.flat[i] = float(m.group(1).replace(",", "")) * _UNITS[m.group(2).lower()]
    return out.reshape(np.shape(label)) if np.ndim(label) else out[0].reshape(())


def _parse_gopher_units(text: str) -> float:
    s = str(text).replace(",", "").strip()
    if "/" in s:
        num, den = s.split("/")
        return float(num) / float(den)
    return float(s)


def hoffmann_table3() -> pd.DataFrame:
    """Table 3 of Hoffmann et al. (2022): Approach-1 projections for nine model sizes.

    Returns
    -------
    pandas.DataFrame
        Columns ``params_label`` (as printed), ``N`` (parameters), ``C`` (FLOPs as printed),
        ``gopher_units`` (the printed "FLOPs in Gopher unit", parsed), ``D`` (tokens).
        ``attrs["source"]`` holds the provenance header of the CSV.
    """
    raw = read_table("hoffmann2022_table3.csv")
    out = pd.DataFrame(
        {
            "params_label": raw["params_label"],
            "N": parse_count(raw["params_label"].to_numpy()),
            "C": raw["flops"].to_numpy(float),
            "gopher_units": [_parse_gopher_units(t) for t in raw["gopher_units"]],
            "D": parse_count(raw["tokens_label"].to_numpy()),
        }
    )
    out.attrs["source"] = raw.attrs["source"]
    return out


def hoffmann_table_a3() -> pd.DataFrame:
    """Table A3 of Hoffmann et al. (2022): Approach-2 and Approach-3 projections, as printed.

    Returns
    -------
    pandas.DataFrame
        Columns ``params_label``, ``N``, ``C2``, ``D2`` (Approach 2), ``C3``, ``D3`` (Approach 3).
        ``C3`` of the 175 Billion row is the printed (erroneous) 1.26e24.
    """
    raw = read_table("hoffmann2022_table_a3.csv")
    out = pd.DataFrame(
        {
            "params_label": raw["params_label"],
            "N": parse_count(raw["params_label"].to_numpy()),
            "C2": raw["approach2_flops"].to_numpy(float),
            "D2": parse_count(raw["approach2_tokens_label"].to_numpy()),
            "C3": raw["approach3_flops"].to_numpy(float),
            "D3": parse_count(raw["approach3_tokens_label"].to_numpy()),
        }
    )
    out.attrs["source"] = raw.attrs["source"]
    return out


def hoffmann_projections(correct_typo: bool = False) -> pd.DataFrame:
    r"""Tables 3 and A3 stacked in long form, one row per (approach, model size).

    Parameters
    ----------
    correct_typo : bool
        If ``True``, replace every printed FLOP count that is off from :math:`6ND` by a factor
        within 5% of 10 (only Approach 3 at 175B) by ``10 * C``; the column ``corrected`` marks it.

    Returns
    -------
    pandas.DataFrame
        Columns ``approach`` (1, 2, 3), ``params_label``, ``N``, ``C``, ``D``,
        ``flop_ratio`` :math:`= 6ND/C`, ``tokens_per_param`` :math:`= D/N`, ``corrected``.
    """
    correct_typo = v.flag("correct_typo", correct_typo)
    t3, a3 = hoffmann_table3(), hoffmann_table_a3()
    parts = [
        pd.DataFrame({"approach": 1, "params_label": t3["params_label"], "N": t3["N"], "C": t3["C"], "D": t3["D"]}),
        pd.DataFrame({"approach": 2, "params_label": a3["params_label"], "N": a3["N"], "C": a3["C2"], "D": a3["D2"]}),
        pd.DataFrame({"approach": 3, "params_label": a3["params_label"], "N": a3["N"], "C": a3["C3"], "D": a3["D3"]}),
    ]
    out = pd.concat(parts, ignore_index=True)
    ratio = 6.0 * out["N"] * out["D"] / out["C"]
    typo = np.abs(ratio / 10.0 - 1.0) < 0.05
    out["corrected"] = bool(correct_typo) & typo
    out.loc[out["corrected"], "C"] = 10.0 * out.loc[out["corrected"], "C"]
    out["flop_ratio"] = 6.0 * out["N"] * out["D"] / out["C"]
    out["tokens_per_param"] = out["D"] / out["N"]
    out.attrs["source"] = " | ".join([t3.attrs["source"], a3.attrs["source"]])
    return out


def implied_power_law(N, C) -> tuple[float, float]:
    r"""The power law :math:`N = G\,(C/6)^a` through a set of (N, C) rows, by least squares in log space.

    Minimises :math:`\sum_i \big(\ln N_i - \ln G - a \ln(C_i/6)\big)^2`; with two rows this is the
    line through them.

    Parameters
    ----------
    N, C : array_like
        Parameters and training FLOPs, positive, finite, same length (at least 2).

    Returns
    -------
    a, G : float
        Exponent and prefactor.
    """
    N = np.ravel(v.positive("N", N))
    C = np.ravel(v.positive("C", C))
    v.same_shape(N=N, C=C)
    if N.size < 2:
        raise ValueError(f"N and C must hold at least 2 rows; got {N.size}")
    x = np.log(C / 6.0)
    if np.ptp(x) == 0:
        raise ValueError("C must take at least two distinct values")
    a, log_g = np.polyfit(x, np.log(N), 1)
    return float(a), float(np.exp(log_g))
