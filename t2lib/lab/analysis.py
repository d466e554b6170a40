r"""From trained runs to the T² quantities: −log pass@k, baselines and direct comparisons (numpy only).

Per question, with :math:`p_i` the exact probability that one sample reproduces the gold answer,

.. math::

    \text{pass@}k_i = 1 - (1 - p_i)^k, \qquad
    \mathcal L(k) = \frac1M \sum_{i=1}^{M} -\log \text{pass@}k_i, \qquad
    \text{Acc}(k) = \frac1M \sum_{i=1}^{M} \text{pass@}k_i,

for any real :math:`k > 0` (:func:`neg_log_passk`, computed in log space: :math:`\log(1 - (1-p)^k) =
\log(-\mathrm{expm1}(k \log(1 - p)))` with :math:`\log(1-p)` from :math:`\log p` without cancellation).
:math:`\mathcal L(k)` is the T² Approach-1 target (the paper's task NLL), :math:`\text{Acc}(k)` the Approach-2 one.

The laws are fitted with the fitters of :mod:`t2lib.t2.fit` (the Chinchilla law as Approach 1 with
:math:`G = 0`); this module adds the baselines and the direct comparisons that need no law.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import _validate as v
from ..published import ROBERTS_2026_RQ2 as _RQ2

__all__ = ["neg_log_passk", "passk", "task_table", "relative_error", "nearest_run_prediction",
           "best_measured", "ROBERTS_2026_RQ2_REL_ERROR", "compare_at_budget"]

def log1mexp(x) -> np.ndarray:
    r""":math:`\log(1 - e^{x})` for :math:`x \le 0`, without cancellation (Mächler's two branches)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(x > -np.log(2.0), np.log(-np.expm1(np.minimum(x, 0.0))), np.log1p(-np.exp(np.minimum(x, 0.0))))


def _logp(logp, name: str = "logp") -> np.ndarray:
    lp = v.finite(name, logp)
    if np.any(lp > 0):
        raise ValueError(f"{name} must be log-probabilities (allowed range: -inf < {name} <= 0)")
    return lp


def _broadcast_k(lp: np.ndarray, k: np.ndarray) -> None:
    try:
        np.broadcast_shapes(lp.shape, k.shape)
    except ValueError:
        raise ValueError(f"logp and k must broadcast; got shapes {lp.shape} and {k.shape}") from None


def _log_passk(lp: np.ndarray, k: np.ndarray) -> np.ndarray:
    r""":math:`\log(1 - (1-p)^k) = \log(-\mathrm{expm1}(-e^{y}))` with :math:`y = \log k + \log(-\log(1 - p))`;
    both logs switch to their first-order forms below :math:`e^{-30}`, where they are exact to rounding (so a
    :math:`p` below the smallest double still gives :math:`\log k + \log p`)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = np.where(lp < -30.0, lp, np.log(-log1mexp(np.minimum(lp, -1e-300))))  # log(-log(1-p))
        z = np.where(lp == 0.0, np.inf, z)  # p = 1
        y = np.log(k) + z
        return np.where(y < -30.0, y, np.log(-np.expm1(-np.exp(np.minimum(y, 700.0)))))


def neg_log_passk(logp, k) -> np.ndarray:
    r"""Per-question :math:`-\log \text{pass@}k_i = -\log(1 - (1 - p_i)^k)` from :math:`\log p_i`, any real k > 0.

    ``logp`` (..., M) and ``k`` broadcast (put k on a new axis to get every k). Stable for :math:`p_i` from below
    the smallest double up to 1.
    """
    lp = _logp(logp)
    k = v.positive("k", k)
    _broadcast_k(lp, k)
    return -_log_passk(lp, k)


def passk(logp, k) -> np.ndarray:
    r"""Per-question :math:`\text{pass@}k_i = 1 - (1 - p_i)^k` from :math:`\log p_i`, any real k > 0."""
    lp = _logp(logp)
    k = v.positive("k", k)
    _broadcast_k(lp, k)
    return np.exp(_log_passk(lp, k))


def _check_runs(runs, columns) -> None:
    if not isinstance(runs, pd.DataFrame) or len(runs) == 0 or not set(columns) <= set(runs.columns):
        raise ValueError(f"runs must be a non-empty DataFrame of run_grid rows with columns {list(columns)}")
    for c in columns:
        if c not in ("kind", "answer_logprob"):
            v.positive(f"runs['{c}']", runs[c].to_numpy(dtype=float))


def _stacked_logp(runs: pd.DataFrame) -> np.ndarray:
    try:
        lp = np.stack([np.asarray(x, dtype=float) for x in runs["answer_logprob"]])
    except (TypeError, ValueError):
        raise ValueError("runs['answer_logprob'] must hold one array of log-probabilities per run, all of the "
                         "same length") from None
    return _logp(lp, "runs['answer_logprob']")


def task_table(runs: pd.DataFrame, ks) -> pd.DataFrame:
    r"""The T² targets of every run at every ``k``: one row per (run, k) with :math:`\mathcal L(k)` and Acc(k).

    Parameters
    ----------
    runs : pandas.DataFrame
        From :func:`~t2lib.lab.run_grid` (columns ``N``, ``D_trained``, ``C``, ``kind``, ``answer_logprob``).
    ks : array_like
        Samples per question, positive reals.
    """
    ks = v.positive("ks", ks).ravel()
    _check_runs(runs, ("N", "D_trained", "C", "kind", "answer_logprob"))
    lp = _stacked_logp(runs)  # (runs, questions)
    nll = neg_log_passk(lp[:, None, :], ks[None, :, None]).mean(axis=2)
    acc = passk(lp[:, None, :], ks[None, :, None]).mean(axis=2)
    n_r, n_k = nll.shape
    out = pd.DataFrame(dict(run=np.repeat(np.arange(n_r), n_k), kind=np.repeat(runs["kind"].to_numpy(), n_k),
                            C=np.repeat(runs["C"].to_numpy(), n_k), N=np.repeat(runs["N"].to_numpy(), n_k),
                            D=np.repeat(runs["D_trained"].to_numpy(), n_k), k=np.tile(ks, n_r),
                            nll=nll.ravel(), acc=acc.ravel()))
    return out


def relative_error(pred, obs, offset: float = 0.0) -> np.ndarray:
    r"""Relative absolute error :math:`|\hat y - y| / (y + c)` with an offset :math:`c \ge 0` added to the scale.

    A constant added to every loss (a longer answer, another unit) leaves the absolute error unchanged and divides
    the relative one by :math:`1 + c/y`: relative errors compare only on scales with the same offset.
    """
    p, o = v.finite("pred", pred), v.positive("obs", obs)
    c = v.nonnegative("offset", offset)
    if c.ndim != 0:
        raise ValueError(f"offset must be a scalar; got shape {c.shape}")
    try:
        np.broadcast_shapes(p.shape, o.shape)
    except ValueError:
        raise ValueError(f"pred and obs must broadcast; got shapes {p.shape} and {o.shape}") from None
    if np.any(p < 0):
        raise ValueError("pred must be a loss (allowed range: 0 <= pred < inf)")
    return np.abs(p - o) / (o + float(c))


def nearest_run_prediction(fit_N, fit_D, fit_logp, N, D, k) -> np.ndarray:
    r"""Naive baseline: predict :math:`\mathcal L(k)` of a run by the measured one of the fit run nearest in
    :math:`(\log N, \log D)`, evaluated at the same ``k``.

    ``fit_logp`` is (fit runs, questions); ``N``, ``D``, ``k`` are the runs to predict (same length).
    """
    fN, fD = v.positive("fit_N", fit_N).ravel(), v.positive("fit_D", fit_D).ravel()
    N, D, k = v.positive("N", N).ravel(), v.positive("D", D).ravel(), v.positive("k", k).ravel()
    v.same_shape(fit_N=fN, fit_D=fD)
    v.same_shape(N=N, D=D, k=k)
    lp = _logp(fit_logp, "fit_logp")
    if lp.ndim != 2 or lp.shape[0] != fN.size:
        raise ValueError(f"fit_logp must have shape (len(fit_N), questions); got {lp.shape}")
    dist = (np.log(N)[:, None] - np.log(fN)[None]) ** 2 + (np.log(D)[:, None] - np.log(fD)[None]) ** 2
    j = np.argmin(dist, axis=1)
    return neg_log_passk(lp[j], k[:, None]).mean(axis=1)


def best_measured(N, logp, c_inf) -> pd.DataFrame:
    r"""The direct measured effect: for each inference budget :math:`C_{\mathrm{inf}}` (FLOPs per served token),
    the best run with one sample against the best with :math:`k = C_{\mathrm{inf}}/(2N)` samples.

    Only runs that can afford one sample (:math:`2N \le C_{\mathrm{inf}}`) compete. Accuracy is the mean pass@k.

    Returns
    -------
    pandas.DataFrame
        One row per ``c_inf``: ``N_k1``, ``acc_k1`` (best with k = 1), ``N_t2``, ``k_t2``, ``acc_t2`` (best with
        k = C_inf/(2N)).
    """
    N = v.positive("N", N).ravel()
    lp = _logp(logp)
    if lp.ndim != 2 or lp.shape[0] != N.size:
        raise ValueError(f"logp must have shape (len(N), questions); got {lp.shape}")
    ci = v.positive("c_inf", c_inf).ravel()
    if np.any(ci < 2 * N.min()):
        raise ValueError(f"c_inf must be >= 2 min(N) = {2 * N.min():g} (one sample of the smallest model)")
    k = ci[:, None] / (2.0 * N[None, :])  # (budgets, runs)
    ok = k >= 1.0
    acc1 = passk(lp, 1.0).mean(axis=1)
    acc_k = passk(lp[None, :, :], np.maximum(k, 1e-300)[:, :, None]).mean(axis=2)
    a1 = np.where(ok, acc1[None, :], -np.inf)
    ak = np.where(ok, acc_k, -np.inf)
    j1, jk = np.argmax(a1, axis=1), np.argmax(ak, axis=1)
    rows = np.arange(ci.size)
    return pd.DataFrame(dict(c_inf=ci, N_k1=N[j1], acc_k1=a1[rows, j1], N_t2=N[jk], k_t2=k[rows, jk],
                             acc_t2=ak[rows, jk]))


ROBERTS_2026_RQ2_REL_ERROR = {"approach1": _RQ2["Approach 1"], "approach2": _RQ2["Approach 2"]}
"""Roberts et al. (2026), Fig. 4 (RQ2): mean relative absolute error of the predictions for the overtrained
checkpoints, fitted on the 85 Chinchilla-style checkpoints (:data:`t2lib.published.ROBERTS_2026_RQ2`, keyed
``approach1`` / ``approach2`` here)."""


def compare_at_budget(runs: pd.DataFrame, c_inf: float) -> pd.DataFrame:
    r"""The lab's version of Roberts et al.'s Table 1 at one training budget.

    "Chinchilla optimal" is the isoFLOP run with the lowest validation loss; "best overtrained" the overtrained
    run with the highest pass@k at :math:`k = C_{\mathrm{inf}}/(2N)`; "best run" the run of any kind with the
    highest pass@k there. Each is scored with one sample and with :math:`k = C_{\mathrm{inf}}/(2N)` samples.

    Parameters
    ----------
    runs : pandas.DataFrame
        Runs of one budget from :func:`~t2lib.lab.run_grid` (both kinds present).
    c_inf : float
        Inference FLOPs per served token, at least :math:`2N` of every run.
    """
    _check_runs(runs, ("C", "kind", "N", "tokens_per_param", "val_loss", "answer_logprob"))
    if runs["C"].nunique() != 1:
        raise ValueError("runs must be a DataFrame of runs at one budget C")
    kinds = set(runs["kind"])
    if not {"isoflop", "overtrained"} <= kinds:
        raise ValueError("runs must contain isoflop and overtrained runs")
    ci = v.positive_scalar("c_inf", c_inf)
    N = runs["N"].to_numpy(float)
    if np.any(ci < 2 * N):
        raise ValueError(f"c_inf must be >= 2 N of every run (>= {2 * N.max():g}); got {c_inf!r}")
    k = ci / (2 * N)
    lp = _stacked_logp(runs)
    acc1 = passk(lp, 1.0).mean(axis=1)
    acck = passk(lp, k[:, None]).mean(axis=1)
    iso = np.flatnonzero(runs["kind"].to_numpy() == "isoflop")
    over = np.flatnonzero(runs["kind"].to_numpy() == "overtrained")
    chin = iso[np.argmin(runs["val_loss"].to_numpy()[iso])]
    best = over[np.argmax(acck[over])]
    best_any = int(np.argmax(acck))
    rows = [("Chinchilla optimal (lowest validation loss)", chin), ("best overtrained", best),
            ("best run at k = C_inf/(2N)", best_any)]
    return pd.DataFrame(dict(run=[r for r, _ in rows], kind=[runs["kind"].to_numpy()[i] for _, i in rows],
                             N=[N[i] for _, i in rows],
                             tokens_per_param=[runs["tokens_per_param"].to_numpy()[i] for _, i in rows],
                             val_loss=[runs["val_loss"].to_numpy()[i] for _, i in rows],
                             k=[k[i] for _, i in rows], acc_k1=[acc1[i] for _, i in rows],
                             acc_k=[acck[i] for _, i in rows])).set_index("run")
