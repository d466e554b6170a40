r"""Models compared at equal inference FLOPs: repeated-sampling coverage against FLOPs per served token.

A sample costs about :math:`2N` FLOPs per generated token, so an inference budget of :math:`C_{\mathrm{inf}}`
FLOPs per token buys a model of :math:`N` parameters

.. math::

    k(N) = \Big\lfloor \frac{C_{\mathrm{inf}}}{2N} \Big\rfloor

whole samples per problem. Its coverage at that budget is the unbiased pass@k of Chen et al. (2021)
(:func:`t2lib.passk.pass_at_k`) averaged over problems, defined when :math:`1 \le k \le n` (at least one sample,
and no more than were drawn). This assumes that every model's answers have the same length (the per-token
budget then equals the per-problem budget up to a constant) and that a correct sample is recognised when drawn
(an oracle verifier).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _validate as v
from ..flops import training_flops
from ..passk import pass_at_k

__all__ = ["samples_at_budget", "coverage_at_budget", "best_model_at_budget", "equal_budget_table"]

_REQUIRED = ("model", "N", "D", "n", "c")


def _check_samples(samples) -> pd.DataFrame:
    if not isinstance(samples, pd.DataFrame):
        raise ValueError(f"samples must be a pandas DataFrame; got {type(samples).__name__}")
    missing = sorted(set(_REQUIRED) - set(samples.columns))
    if missing:
        raise ValueError(f"samples is missing the columns {missing} (needs {list(_REQUIRED)})")
    if samples.empty:
        raise ValueError("samples must not be empty")
    if samples.groupby("model", sort=False)["N"].nunique().max() > 1:
        raise ValueError("samples must have one N per model")
    v.positive("samples['N']", samples["N"].to_numpy())
    return samples


def samples_at_budget(N, C_inf) -> np.ndarray:
    r"""Whole samples per problem a model of ``N`` parameters can draw: :math:`\lfloor C_{\mathrm{inf}}/(2N)\rfloor`.

    Parameters
    ----------
    N, C_inf : array_like
        Parameters and inference FLOPs per served token, positive and finite, broadcastable.
    """
    N_ = v.positive("N", N)
    ci = v.positive("C_inf", C_inf)
    try:
        N_, ci = np.broadcast_arrays(N_, ci)
    except ValueError:
        raise ValueError(f"N and C_inf must broadcast; got shapes {np.shape(N_)}, {np.shape(ci)}") from None
    ratio = ci / (2.0 * N_)
    if np.any(ratio > 2.0**53):
        raise ValueError("C_inf / (2N) must be at most 2**53 samples (allowed range: C_inf <= 2**54 N); "
                         f"got max {ratio.max()!r}")
    # the small relative slack keeps k = C_inf / (2N) exact when the budget was computed from a whole k
    return np.floor(ratio * (1.0 + 1e-12)).astype(np.int64)


def coverage_at_budget(samples: pd.DataFrame, C_inf) -> pd.DataFrame:
    r"""Coverage of every model at equal inference FLOPs per served token.

    Parameters
    ----------
    samples : pandas.DataFrame
        One row per (model, problem) with columns ``model``, ``N``, ``D``, ``n``, ``c``
        (:func:`t2lib.data.load_pythia_samples`).
    C_inf : array_like
        Inference budgets, FLOPs per served token (1-D, positive).

    Returns
    -------
    pandas.DataFrame
        Index: the models (in order of appearance); columns: the budgets; values: coverage at
        :math:`k = \lfloor C_{\mathrm{inf}}/(2N)\rfloor`, ``NaN`` where :math:`k < 1` or :math:`k` exceeds the
        fewest samples drawn for any problem of that model.
    """
    s = _check_samples(samples)
    ci = np.atleast_1d(v.positive("C_inf", C_inf))
    if ci.ndim != 1:
        raise ValueError(f"C_inf must be a scalar or 1-D; got shape {ci.shape}")
    N = s["N"].to_numpy(float)
    k = samples_at_budget(N[:, None], ci[None, :])
    n_min = s.groupby("model", sort=False)["n"].transform("min").to_numpy()
    ok = (k >= 1) & (k <= n_min[:, None])
    per = pass_at_k(s["n"].to_numpy()[:, None], s["c"].to_numpy()[:, None], np.where(ok, k, 1))
    per = np.where(ok, per, np.nan)
    frame = pd.DataFrame(per, index=s.index, columns=pd.Index(ci, name="C_inf"))
    return frame.groupby(s["model"], sort=False).mean()


def best_model_at_budget(coverage: pd.DataFrame) -> pd.Series:
    """The model with the highest coverage at each budget (a column of :func:`coverage_at_budget`).

    Budgets where fewer than two models are measured are dropped (there is nothing to compare).
    """
    if not isinstance(coverage, pd.DataFrame) or coverage.empty:
        raise ValueError("coverage must be a non-empty DataFrame from coverage_at_budget")
    measured = coverage.notna().sum(axis=0) >= 2
    if not measured.any():
        raise ValueError("coverage must have a budget (column) at which two or more models are measured")
    return coverage.loc[:, measured].idxmax(axis=0).rename("best model")


def equal_budget_table(samples: pd.DataFrame, C_inf: float) -> pd.DataFrame:
    r"""Every model at one inference budget, with both of its budgets: training FLOPs :math:`6ND` and samples.

    Parameters
    ----------
    samples : pandas.DataFrame
        As for :func:`coverage_at_budget`.
    C_inf : float
        One inference budget, FLOPs per served token.

    Returns
    -------
    pandas.DataFrame
        Index: model; columns ``N``, ``D``, ``train_flops`` (:math:`6ND`), ``k`` (whole samples per problem),
        ``max_samples`` (fewest drawn for a problem), ``coverage`` (``NaN`` where not measured).
    """
    s = _check_samples(samples)
    ci = v.positive_scalar("C_inf", C_inf)
    per_model = s.groupby("model", sort=False).agg(N=("N", "first"), D=("D", "first"), max_samples=("n", "min"))
    out = per_model[["N", "D"]].copy()
    out["train_flops"] = training_flops(out["N"].to_numpy(float), out["D"].to_numpy(float))
    out["k"] = samples_at_budget(out["N"].to_numpy(float), ci)
    out["max_samples"] = per_model["max_samples"]
    out["coverage"] = coverage_at_budget(s, ci).iloc[:, 0]
    return out
