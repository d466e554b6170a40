r"""Out-of-sample tests of fitted T² laws, as the paper's RQ2: fit on part of the checkpoints, predict the rest.

Roberts et al. (2026) fit on their 85 Chinchilla-style checkpoints and predict 21 overtrained ones (relative
error 2.8% for Approach 1, 8.4% for Approach 2). Here the Pythia checkpoints are split by size (fit on
:math:`N \le N_{\max}`, predict the larger models) or by training tokens (fit on :math:`D \le D_{\max}`, predict
the later checkpoints), and every law is compared with a naive baseline that predicts each held-out point by
the nearest fitted checkpoint at the same :math:`k` (:func:`~t2lib.t2.fit.nearest_checkpoint_baseline`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validate as v
from .._validate import integer, seed as _seed
from .fit import (T2AccuracyFit, T2CoupledFit, T2Fit, check_table, fit_t2, fit_t2_accuracy, fit_t2_coupled,
                  nearest_checkpoint_baseline, prediction_errors)

from ..published import ROBERTS_2026_RQ2, ROBERTS_2026_TABLE1_SIZES  # noqa: E402  (typed once, in t2lib.published)

__all__ = ["holdout_split", "Holdout", "run_holdout", "METHODS", "selection_sweep", "ROBERTS_2026_RQ2",
           "ROBERTS_2026_TABLE1_SIZES"]

METHODS = ("Approach 1", "Approach 2 (likelihood)", "Approach 2 (SSE)", "coupled law", "nearest checkpoint")
"""Row labels of ``Holdout.errors``."""


def holdout_split(table: pd.DataFrame, by: str, max_value: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a target table into the rows with ``table[by] <= max_value`` (fit) and the rest (predict).

    ``by`` is ``"N"`` or ``"D"``; both parts must be non-empty.
    """
    t = check_table(table)
    if not isinstance(by, str) or by not in ("N", "D"):
        raise ValueError(f"by must be 'N' or 'D'; got {by!r}")
    mx = v.positive_scalar("max_value", max_value)
    inside = t[by].to_numpy(float) <= mx
    if inside.all() or not inside.any():
        raise ValueError(f"max_value must leave rows on both sides of the split on {by}; got {max_value!r}")
    return t[inside].reset_index(drop=True), t[~inside].reset_index(drop=True)


@dataclass(frozen=True)
class Holdout:
    """One out-of-sample test: the fits, the held-out rows with every method's prediction, and the errors.

    ``predictions`` has the test rows plus one column per method of :data:`METHODS` (the predicted target
    :math:`-\\log \\mathrm{pass@}k`); ``errors`` has one row per method with the mean relative and absolute error
    on the target and the mean relative error on pass@k.
    """

    by: str
    max_value: float
    approach1: T2Fit
    approach2: T2AccuracyFit
    approach2_sse: T2AccuracyFit
    coupled: T2CoupledFit
    predictions: pd.DataFrame
    errors: pd.DataFrame


def run_holdout(table: pd.DataFrame, samples: pd.DataFrame, by: str, max_value: float, *, n_starts: int = 64,
                seed: int = 0) -> Holdout:
    """Fit Approach 1, Approach 2 (likelihood and SSE) and the coupled law on one side of :func:`holdout_split`,
    predict the other.

    Parameters
    ----------
    table : pandas.DataFrame
        A selected :func:`~t2lib.t2.targets.passk_targets` table (with ``pass_at_k``).
    samples : pandas.DataFrame
        The tidy counts (for the likelihood fit).
    by, max_value
        The split (see :func:`holdout_split`).
    n_starts, seed
        Starts of the Approach-1 and stage-1 fits.
    """
    train, test = holdout_split(table, by, max_value)
    n_starts, seed = integer("n_starts", n_starts, 1, 100_000), _seed("seed", seed)
    a1 = fit_t2(train, n_starts=n_starts, seed=seed)
    a2 = fit_t2_accuracy(train, samples, seed=seed)
    a2s = fit_t2_accuracy(train, samples, method="sse", stage1=a2.stage1)
    cp = fit_t2_coupled(train, n_starts=n_starts, seed=seed)
    preds = {
        METHODS[0]: a1.predict(test),
        METHODS[1]: a2.predict(test),
        METHODS[2]: a2s.predict(test),
        METHODS[3]: cp.predict(test),
        METHODS[4]: nearest_checkpoint_baseline(train, test),
    }
    obs = test["target"].to_numpy(float)
    obs_p = np.exp(-obs)
    rows = []
    for name, p in preds.items():
        e = prediction_errors(p, obs)
        ep = prediction_errors(np.exp(-p), obs_p)
        rows.append({"method": name, "relative": e["relative"], "absolute": e["absolute"], "bias": e["bias"],
                     "relative pass@k": ep["relative"]})
    errors = pd.DataFrame(rows).set_index("method")
    return Holdout(by=by, max_value=float(max_value), approach1=a1, approach2=a2, approach2_sse=a2s, coupled=cp,
                   predictions=test.assign(**preds), errors=errors)


def selection_sweep(table: pd.DataFrame, selections: dict, C_train, C_inf, *, n_starts: int = 64,
                    seed: int = 0, law: str = "approach1") -> pd.DataFrame:
    r"""Refit a law under several checkpoint selections and report its optimum (with :math:`k \ge 1`) at budget pairs.

    Parameters
    ----------
    table : pandas.DataFrame
        The **unselected** :func:`~t2lib.t2.targets.passk_targets` table.
    selections : dict
        ``{label: kwargs of select_checkpoints}``.
    C_train, C_inf : float or 1-D array
        Budget pairs (broadcast against each other).
    law : {"approach1", "coupled"}
        Which law to refit (:func:`~t2lib.t2.fit.fit_t2` or :func:`~t2lib.t2.fit.fit_t2_coupled`; the coupled
        optimum is searched with ``min_samples=1``, ``N_min=1e6``).

    Returns
    -------
    pandas.DataFrame
        One row per (selection, budget pair): ``C_train``, ``C_inf``, ``checkpoints``, the parameters at bounds,
        ``degenerate`` (an exponent at its bound), and ``N``, ``D``, ``k`` of the optimum and ``tokens_per_param``
        (``nan`` for a degenerate fit, which is not forecast from).
    """
    from .accuracy import t2_accuracy_optimal
    from .law import t2_optimal
    from .targets import select_checkpoints

    if not isinstance(law, str) or law not in ("approach1", "coupled"):
        raise ValueError(f"law must be 'approach1' or 'coupled'; got {law!r}")
    if not isinstance(selections, dict) or not selections:
        raise ValueError("selections must be a non-empty dict {label: select_checkpoints kwargs}")
    try:
        ct, ci = np.broadcast_arrays(np.atleast_1d(v.positive("C_train", C_train)),
                                     np.atleast_1d(v.positive("C_inf", C_inf)))
    except ValueError as exc:
        if "C_train" in str(exc) or "C_inf" in str(exc):
            raise
        raise ValueError(f"C_train and C_inf must broadcast to a common shape; got {np.shape(C_train)} and "
                         f"{np.shape(C_inf)}") from None
    if ct.ndim != 1:
        raise ValueError("C_train and C_inf must be scalars or 1-D arrays")
    rows = []
    for label, kw in selections.items():  # a handful of different data sets: one fit each
        sel = select_checkpoints(table, **kw)
        fit = (fit_t2 if law == "approach1" else fit_t2_coupled)(sel, n_starts=n_starts, seed=seed)
        if fit.degenerate:  # an exponent at its bound: reported, not forecast from
            N = D = k = np.full(ct.shape, np.nan)
        elif law == "approach1":
            N, D, k = t2_optimal(fit.law, ct, ci, min_samples=1)
        else:
            N, D, k = t2_accuracy_optimal(fit.law, ct, ci, min_samples=1, N_min=1e6)
        for j in range(ct.size):
            rows.append({"selection": label, "C_train": float(ct[j]), "C_inf": float(ci[j]),
                         "checkpoints": sel.groupby(["N", "D"]).ngroups,
                         "at bounds": ", ".join(fit.at_bounds) or "none", "degenerate": fit.degenerate,
                         "N": float(N[j]), "D": float(D[j]), "k": float(k[j]), "tokens_per_param": float(D[j] / N[j])})
    return pd.DataFrame(rows)
