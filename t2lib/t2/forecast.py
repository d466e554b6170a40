r"""Forecasts and isoFLOP views of a T² law (either approach), side by side with its k = 1 frontier.

- :func:`objective`: the quantity a law optimises, the loss (Approach 1, minimised) or pass@k (Approach 2,
  maximised), at :math:`(N, D, k)`.
- :func:`isoflop_profile`: that quantity along :math:`D = C_{\mathrm{train}}/(6N)`, with
  :math:`k = C_{\mathrm{inf}}/(2N)` (inference-corrected) or :math:`k = 1` (single pass), the layout of Roberts
  et al.'s (2026) Fig. 3.
- :func:`forecast`: the T² optimum and the Chinchilla (k = 1) allocation of the same law, for every budget pair,
  as one table (used by chapter 8 and by ``python -m t2lib plan``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _validate as v
from .accuracy import T2AccuracyLaw, t2_accuracy_optimal
from .law import T2Law, _broadcast, k1_allocation, t2_optimal

__all__ = ["objective", "objective_name", "isoflop_profile", "forecast", "allocation_at_sizes", "parse_size",
           "FORECAST_COLUMNS"]

FORECAST_COLUMNS = (
    "C_train", "C_inf", "N", "D", "tokens_per_param", "k", "value",
    "N_k1", "D_k1", "tokens_per_param_k1", "k_k1", "value_k1",
)
"""Columns of :func:`forecast`: the budgets, the T² optimum, then the k = 1 allocation (suffix ``_k1``)."""


def _check_law(law) -> T2Law | T2AccuracyLaw:
    if not isinstance(law, (T2Law, T2AccuracyLaw)):
        raise ValueError(f"law must be a T2Law or T2AccuracyLaw; got {type(law).__name__}")
    return law


def objective_name(law) -> str:
    """``"loss"`` for an Approach-1 law (lower is better), ``"accuracy"`` (pass@k, higher is better) otherwise."""
    return "loss" if isinstance(_check_law(law), T2Law) else "accuracy"


def objective(law, N, D, k) -> np.ndarray:
    r"""The law's objective at :math:`(N, D, k)`: :math:`L(N,D,k)` or :math:`\mathrm{Acc}(N,D,k)`."""
    law = _check_law(law)
    return law.loss(N, D, k) if isinstance(law, T2Law) else law.accuracy(N, D, k)


def isoflop_profile(law, N, C_train, C_inf=None) -> np.ndarray:
    r"""The objective along isoFLOP curves: :math:`f(N, C_{\mathrm{train}}/(6N), k)`.

    Parameters
    ----------
    law : T2Law or T2AccuracyLaw
        The law.
    N : array_like
        Model sizes, positive and at most ``C_train / 6`` (at least one training token).
    C_train : array_like
        Training FLOPs, positive; broadcasts with ``N`` (shape ``(m, 1)`` against ``(n,)`` gives ``m`` curves).
    C_inf : array_like, optional
        Inference FLOPs per served token (``k = C_inf / (2N)``), broadcasting with both;
        ``None`` gives the single-pass curve, ``k = 1``.

    Returns
    -------
    numpy.ndarray
        The broadcast objective.
    """
    law = _check_law(law)
    N_, ct = _broadcast(N=v.positive("N", N), C_train=v.positive("C_train", C_train))
    if np.any(N_ > ct / 6.0):
        raise ValueError("N must be at most C_train/6 (allowed range: 0 < N <= C_train/6, one token or more)")
    if C_inf is None:
        k = np.ones_like(N_)
    else:
        N_, ct, ci = _broadcast(N=N_, C_train=ct, C_inf=v.positive("C_inf", C_inf))
        k = ci / (2.0 * N_)
    return objective(law, N_, ct / (6.0 * N_), k)


def forecast(law, C_train, C_inf, min_samples: float | None = None) -> pd.DataFrame:
    r"""The T² optimum and the k = 1 (Chinchilla) allocation of the same law, one row per budget pair.

    The optimum is :func:`t2lib.t2.t2_optimal` (Approach 1) or :func:`t2lib.t2.t2_accuracy_optimal`
    (Approach 2); the k = 1 allocation is :func:`t2lib.t2.k1_allocation`, evaluated with the samples it can
    afford, :math:`k = C_{\mathrm{inf}}/(2N)` (the paper's "inference-corrected" Chinchilla point).

    Parameters
    ----------
    law : T2Law or T2AccuracyLaw
        The law.
    C_train, C_inf : array_like
        Training FLOPs and inference FLOPs per served token, positive, finite, broadcastable (flattened).
    min_samples : float, optional
        Smallest allowed k of the T² optimum (e.g. 1); ``None`` lets k be any real > 0.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FORECAST_COLUMNS`; ``value`` is the loss or the accuracy (:func:`objective_name`).
    """
    law = _check_law(law)
    ct, ci = _broadcast(C_train=v.positive("C_train", C_train), C_inf=v.positive("C_inf", C_inf))
    ct, ci = np.ravel(ct), np.ravel(ci)
    solve = t2_optimal if isinstance(law, T2Law) else t2_accuracy_optimal
    N, D, k = solve(law, ct, ci, min_samples=min_samples)
    N1, D1, k1 = k1_allocation(law, ct, ci)
    return pd.DataFrame({
        "C_train": ct, "C_inf": ci, "N": N, "D": D, "tokens_per_param": D / N, "k": k,
        "value": objective(law, N, D, k),
        "N_k1": N1, "D_k1": D1, "tokens_per_param_k1": D1 / N1, "k_k1": k1, "value_k1": objective(law, N1, D1, k1),
    }, columns=list(FORECAST_COLUMNS))


_UNITS = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


def parse_size(label) -> float:
    """A nominal size label as a number of parameters: ``"37M"`` -> 3.7e7, ``"1.4B"`` -> 1.4e9."""
    if not isinstance(label, str) or len(label) < 2 or label[-1].upper() not in _UNITS:
        raise ValueError(f"label must be a size such as '37M' or '1.4B' (units K, M, B, T); got {label!r}")
    try:
        x = float(label[:-1])
    except ValueError:
        raise ValueError(f"label must be a size such as '37M' or '1.4B'; got {label!r}") from None
    if not (np.isfinite(x) and x > 0):
        raise ValueError(f"label must be a positive size; got {label!r}")
    return x * _UNITS[label[-1].upper()]


def allocation_at_sizes(N, C_train, C_inf, law=None) -> pd.DataFrame:
    r"""What each model size gets under both budgets: :math:`D = C_{\mathrm{train}}/(6N)`, D/N and
    :math:`k = C_{\mathrm{inf}}/(2N)`, with the law's objective there when a law is given.

    Parameters
    ----------
    N : array_like
        Model sizes (1-D), positive, at most ``C_train / 6``.
    C_train, C_inf : float
        The two budgets, positive and finite.
    law : T2Law or T2AccuracyLaw, optional
        Adds the column ``value`` (:func:`objective`) and ``rank`` (1 = best under the law).

    Returns
    -------
    pandas.DataFrame
        Columns ``N``, ``D``, ``tokens_per_param``, ``k`` (and ``value``, ``rank``).
    """
    N_ = np.atleast_1d(v.positive("N", N))
    if N_.ndim != 1:
        raise ValueError(f"N must be a scalar or 1-D; got shape {N_.shape}")
    ct = v.positive_scalar("C_train", C_train)
    ci = v.positive_scalar("C_inf", C_inf)
    if np.any(N_ > ct / 6.0):
        raise ValueError("N must be at most C_train/6 (allowed range: 0 < N <= C_train/6, one token or more)")
    D = ct / (6.0 * N_)
    out = pd.DataFrame({"N": N_, "D": D, "tokens_per_param": D / N_, "k": ci / (2.0 * N_)})
    if law is not None:
        val = objective(law, N_, D, out["k"].to_numpy())
        out["value"] = val
        out["rank"] = pd.Series(val if objective_name(law) == "loss" else -val).rank(method="min").astype(int)
    return out
