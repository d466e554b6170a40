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
from .fit import (T2AccuracyFit, T2Fit, check_table, fit_t2, fit_t2_accuracy, nearest_checkpoint_baseline,
                  prediction_errors)

__all__ = ["holdout_split", "Holdout", "run_holdout", "METHODS"]

METHODS = ("Approach 1", "Approach 2 (likelihood)", "Approach 2 (SSE)", "nearest checkpoint")
"""Row labels of :attr:`Holdout.errors`."""


def holdout_split(table: pd.DataFrame, by: str, max_value: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a target table into the rows with ``table[by] <= max_value`` (fit) and the rest (predict).

    ``by`` is ``"N"`` or ``"D"``; both parts must be non-empty.
    """
    t = check_table(table)
    if by not in ("N", "D"):
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
    predictions: pd.DataFrame
    errors: pd.DataFrame


def run_holdout(table: pd.DataFrame, samples: pd.DataFrame, by: str, max_value: float, *, n_starts: int = 64,
                seed: int = 0) -> Holdout:
    """Fit Approach 1, Approach 2 (likelihood and SSE) on one side of :func:`holdout_split`, predict the other.

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
    a1 = fit_t2(train, n_starts=n_starts, seed=seed)
    a2 = fit_t2_accuracy(train, samples, seed=seed)
    a2s = fit_t2_accuracy(train, samples, method="sse", stage1=a2.stage1)
    preds = {
        METHODS[0]: a1.predict(test),
        METHODS[1]: a2.predict(test),
        METHODS[2]: a2s.predict(test),
        METHODS[3]: nearest_checkpoint_baseline(train, test),
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
    return Holdout(by=by, max_value=float(max_value), approach1=a1, approach2=a2, approach2_sse=a2s,
                   predictions=test.assign(**preds), errors=errors)
