r"""Fitting targets for the T² laws from sampled (n, c) counts: pass@k tables, thinning, checkpoint selection.

Roberts et al. (2026) fit Approach 1 to the mean over questions of :math:`-\log \mathrm{pass}_i@k`, computed from
exact answer likelihoods. With *sampled* data (problem :math:`i` drawn :math:`n_i` times, :math:`c_i` correct)
that per-question quantity is :math:`+\infty` for every unsolved problem, and which problems count as solved
depends on :math:`n_i`. The target used here is instead

.. math::

    y(k) = -\log \Big(\frac1P \sum_{i=1}^{P} \widehat{\mathrm{pass}_i@k}\Big), \qquad k \le \min_i n_i,

with :math:`\widehat{\mathrm{pass}_i@k}` the unbiased estimator of Chen et al. (2021). The mean inside the log is
unbiased for the benchmark's pass@k whatever the :math:`n_i`, so :math:`y` depends on :math:`n` only through its
noise (and a small Jensen bias of the log). By Jensen's inequality
:math:`y(k) \le \frac1P\sum_i -\log \mathrm{pass}_i@k`:
it is the quantity the paper's objective upper-bounds (its footnote 1).

- :func:`k_grid` — powers of two up to the smallest :math:`n_i` of the samples;
- :func:`passk_targets` — the (model, N, D, k, target) table;
- :func:`solved_mean_neg_log` — the per-question form restricted to solved problems (to show its n-dependence);
- :func:`thin_samples` — hypergeometric thinning of every problem to at most :math:`n` samples;
- :func:`select_checkpoints` — the chapter's checkpoint selection rule;
- :func:`passk_cube` — per-problem pass@k on a dense (checkpoint, problem, k) array, for problem bootstraps.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from .. import _validate as v
from ..passk import pass_at_k
from .._validate import integer, seed as _seed

__all__ = [
    "SAMPLE_COLUMNS",
    "TARGET_COLUMNS",
    "k_grid",
    "passk_targets",
    "solved_mean_neg_log",
    "thin_samples",
    "select_checkpoints",
    "PasskCube",
    "passk_cube",
    "k_gain",
]

SAMPLE_COLUMNS = ("model", "N", "D", "problem", "n", "c")
"""Columns of a tidy sample table (one row per checkpoint and problem), as :func:`t2lib.data.load_pythia_samples`."""
TARGET_COLUMNS = ("model", "N", "D", "k", "target", "n_problems")
"""Columns of :func:`passk_targets` (it adds ``pass_at_k``)."""
_KEYS = ["model", "N", "D"]


def check_samples(samples: Any, name: str = "samples") -> pd.DataFrame:
    """Validate a tidy sample table; return it with integer ``n``, ``c`` (a copy).

    Raises ``ValueError`` naming ``name`` for a non-DataFrame, an empty table, missing columns, non-positive
    ``N``/``D``/``n``, negative ``c`` or ``c > n``, non-integer counts, or a (checkpoint, problem) pair that
    appears twice.
    """
    if not isinstance(samples, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame with columns {SAMPLE_COLUMNS}; "
                         f"got {type(samples).__name__}")
    missing = [c for c in SAMPLE_COLUMNS if c not in samples.columns]
    if missing:
        raise ValueError(f"{name} must have the columns {SAMPLE_COLUMNS}; missing {missing}")
    if len(samples) == 0:
        raise ValueError(f"{name} must not be empty")
    out = samples.copy()
    for col in ("N", "D"):
        v.positive(f"{name}[{col!r}]", out[col].to_numpy())
    for col in ("n", "c"):
        arr = np.asarray(out[col].to_numpy(), dtype=float)
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise ValueError(f"{name}[{col!r}] must hold whole numbers (finite integers)")
        out[col] = arr.astype(np.int64)
    if np.any(out["n"] < 1):
        raise ValueError(f"{name}['n'] (samples drawn) must be >= 1 (allowed range: 1 <= n); got min {out['n'].min()}")
    if np.any(out["c"] < 0):
        raise ValueError(f"{name}['c'] (correct samples) must be >= 0 (allowed range: 0 <= c <= n); "
                         f"got min {out['c'].min()}")
    if np.any(out["c"] > out["n"]):
        raise ValueError(f"{name}['c'] (correct samples) must not exceed n (allowed range: 0 <= c <= n)")
    if out.duplicated(_KEYS + ["problem"]).any():
        raise ValueError(f"{name} has a (model, N, D, problem) combination more than once")
    return out


def _check_k(k: Any, n_min: int, name: str = "k") -> np.ndarray:
    arr = np.atleast_1d(np.asarray(k))
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be an integer or an array of integers; got {k!r}")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of integers")
    if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
        raise ValueError(f"{name} must hold whole numbers; got {k!r}")
    arr = arr.astype(np.int64)
    if np.any(arr < 1):
        raise ValueError(f"{name} must be >= 1 (allowed range: 1 <= k <= min n = {n_min}); got min {arr.min()}")
    if np.any(arr > n_min):
        raise ValueError(f"{name} must not exceed the smallest number of samples of any problem "
                         f"(allowed range: 1 <= k <= min n = {n_min}); got max {arr.max()}")
    if np.any(np.diff(arr) <= 0):
        raise ValueError(f"{name} must be strictly increasing; got {arr.tolist()}")
    return arr


def k_grid(samples: pd.DataFrame, k_max: int | None = None) -> np.ndarray:
    r"""Powers of two :math:`1, 2, 4, \dots` up to :math:`\min_i n_i` (and ``k_max`` if given).

    Every :math:`k` of the grid can be estimated without bias for every problem (the estimator needs
    :math:`k \le n_i`). For the Pythia checkpoint files :math:`\min_i n_i = 128`: :math:`k \in \{1, \dots, 128\}`.
    """
    s = check_samples(samples)
    top = int(s["n"].min())
    if k_max is not None:
        top = min(top, int(v.positive_scalar("k_max", k_max)))
        if top < 1:
            raise ValueError(f"k_max must be >= 1; got {k_max!r}")
    return 2 ** np.arange(int(np.floor(np.log2(top))) + 1, dtype=np.int64)


@dataclass(frozen=True)
class PasskCube:
    """Per-problem pass@k of many checkpoints on a dense array.

    Attributes
    ----------
    checkpoints : pandas.DataFrame
        One row per checkpoint: ``model``, ``N``, ``D`` (sorted by ``N``, ``D``).
    problems : numpy.ndarray
        The problem ids (columns of the cube), sorted.
    k : numpy.ndarray
        The attempt budgets.
    passk : numpy.ndarray, shape (checkpoints, problems, k)
        :math:`\\widehat{\\mathrm{pass}_i@k}`; 0 where the problem is missing.
    present : numpy.ndarray of bool, shape (checkpoints, problems)
        Whether the checkpoint has the problem.
    """

    checkpoints: pd.DataFrame
    problems: np.ndarray
    k: np.ndarray
    passk: np.ndarray
    present: np.ndarray

    def targets(self, weights: np.ndarray | None = None) -> np.ndarray:
        r"""Targets :math:`-\log(\sum_i w_i \mathrm{pass}_i@k / \sum_i w_i)` over the present problems.

        ``weights`` (``(problems,)`` or ``(B, problems)``, non-negative, e.g. bootstrap counts) default to 1.
        Returns shape ``(checkpoints, k)`` or ``(B, checkpoints, k)``; ``inf`` where no weighted problem is solved.
        """
        mean = self.mean_passk(weights)
        with np.errstate(divide="ignore"):
            return -np.log(mean)

    def mean_passk(self, weights: np.ndarray | None = None) -> np.ndarray:
        """Weighted mean pass@k over the present problems, shape ``(checkpoints, k)`` or ``(B, checkpoints, k)``."""
        P = self.problems.size
        w = np.ones(P) if weights is None else v.nonnegative("weights", weights)
        if w.ndim not in (1, 2) or w.shape[-1] != P:
            raise ValueError(f"weights must have a last axis of length {P} (one per problem); got shape {w.shape}")
        wp = np.atleast_2d(w)[:, None, :] * self.present[None, :, :]  # (B, ckpt, P)
        den = wp.sum(axis=-1)
        if np.any(den <= 0):
            raise ValueError("weights must give every checkpoint at least one problem with positive weight")
        num = np.einsum("bcp,cpk->bck", wp, self.passk)
        out = num / den[..., None]
        return out[0] if np.ndim(w) == 1 else out


def passk_cube(samples: pd.DataFrame, k: Sequence[int]) -> PasskCube:
    """Per-problem unbiased pass@k of every checkpoint and budget ``k`` (see :class:`PasskCube`).

    Raises ``ValueError`` for a bad sample table or a ``k`` above the smallest ``n`` (``k > n``).
    """
    s = check_samples(samples)
    ks = _check_k(k, int(s["n"].min()))
    ck = s[_KEYS].drop_duplicates().sort_values(["N", "D"], kind="stable").reset_index(drop=True)
    if ck.duplicated(["N", "D"]).any():
        raise ValueError("samples must have one model name per (N, D)")
    ci = s.merge(ck.reset_index().rename(columns={"index": "_ck"}), on=_KEYS)["_ck"].to_numpy()
    problems, pi = np.unique(s["problem"].to_numpy(), return_inverse=True)
    pk = np.asarray(pass_at_k(s["n"].to_numpy()[:, None], s["c"].to_numpy()[:, None], ks[None, :]), dtype=float)
    cube = np.zeros((len(ck), problems.size, ks.size))
    present = np.zeros((len(ck), problems.size), dtype=bool)
    cube[ci, pi] = pk
    present[ci, pi] = True
    return PasskCube(checkpoints=ck, problems=problems, k=ks, passk=cube, present=present)


def _table(cube: PasskCube, mean: np.ndarray) -> pd.DataFrame:
    nc, nk = mean.shape
    rep = cube.checkpoints.loc[np.repeat(np.arange(nc), nk)].reset_index(drop=True)
    with np.errstate(divide="ignore"):
        target = -np.log(mean.ravel())
    return rep.assign(k=np.tile(cube.k, nc), target=target, n_problems=np.repeat(cube.present.sum(axis=1), nk),
                      pass_at_k=mean.ravel())


def passk_targets(samples: pd.DataFrame, k: Sequence[int]) -> pd.DataFrame:
    r"""The Approach-1 target table: one row per (checkpoint, k).

    .. math::

        \mathrm{target} = -\log \Big(\frac1P\sum_{i=1}^{P} \Big[1 - \tbinom{n_i-c_i}{k}\big/\tbinom{n_i}{k}\Big]\Big)

    over the :math:`P` problems of the checkpoint (``+inf`` when none is solved: drop such checkpoints with
    :func:`select_checkpoints` before fitting).

    Parameters
    ----------
    samples : pandas.DataFrame
        Tidy counts with columns ``model, N, D, problem, n, c`` (e.g. :func:`t2lib.data.load_pythia_samples`).
    k : sequence of int
        Strictly increasing budgets, ``1 <= k <= min(n)`` (e.g. :func:`k_grid`).

    Returns
    -------
    pandas.DataFrame
        Columns ``model, N, D, k, target, n_problems`` and ``pass_at_k`` (the mean inside the log),
        sorted by ``N``, ``D``, ``k``.
    """
    cube = passk_cube(samples, k)
    return _table(cube, cube.mean_passk())


def solved_mean_neg_log(samples: pd.DataFrame, k: Sequence[int]) -> pd.DataFrame:
    r"""The per-question form restricted to solved problems: :math:`\frac{1}{|S|}\sum_{i\in S} -\log\mathrm{pass}_i@k`.

    :math:`S` is the set of problems with :math:`c_i > 0` (for the others the per-question target is infinite).
    Returned as a table like :func:`passk_targets` with ``target`` this mean and ``n_solved`` = :math:`|S|`
    (``nan`` target where nothing is solved).
    """
    cube = passk_cube(samples, k)
    solved = cube.passk[..., -1] > 0  # pass@k > 0 for one k iff c > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        nl = np.where(solved[..., None], -np.log(np.where(solved[..., None], cube.passk, 1.0)), 0.0)
        mean = nl.sum(axis=1) / solved.sum(axis=1)[:, None]
    out = _table(cube, cube.mean_passk())
    return out.assign(target=mean.ravel(), n_solved=np.repeat(solved.sum(axis=1), cube.k.size))


def thin_samples(samples: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    r"""Keep at most ``n`` of each problem's samples, drawn without replacement.

    A problem with :math:`n_i > n` samples of which :math:`c_i` are correct gets :math:`n` samples and
    :math:`c_i' \sim \mathrm{Hypergeometric}(c_i, n_i - c_i, n)` correct ones: exactly what drawing only
    :math:`n` samples would have produced (the samples are exchangeable). Problems with :math:`n_i \le n`
    are kept as they are.

    Parameters
    ----------
    samples : pandas.DataFrame
        Tidy counts (``model, N, D, problem, n, c``).
    n : int
        Samples kept per problem, ``>= 1``.
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    """
    s = check_samples(samples)
    n_ = integer("n", n, 1, 2**53)
    rng = np.random.default_rng(_seed("seed", seed))
    big = s["n"].to_numpy() > n_
    c = s["c"].to_numpy().copy()
    nn = s["n"].to_numpy()
    c[big] = rng.hypergeometric(c[big], nn[big] - c[big], n_)
    return s.assign(n=np.minimum(nn, n_), c=c)


def _check_target_table(table: pd.DataFrame) -> None:
    """A non-empty DataFrame with the columns model, N, D, k, target (as :func:`passk_targets` returns); N, D, k
    positive and finite; target finite or +inf (nothing solved), never nan or -inf."""
    v.frame("table", table, ("model", "N", "D", "k", "target"), hint=" (as passk_targets returns)")
    if len(table) == 0:
        raise ValueError("table must not be empty")
    for c in ("N", "D", "k"):
        try:
            v.positive(f"table[{c!r}]", table[c].to_numpy(dtype=float))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"table[{c!r}] must hold positive finite numbers ({exc})") from None
    try:
        t = table["target"].to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError("table['target'] must hold numbers") from None
    if np.any(np.isnan(t) | (t == -np.inf)):
        raise ValueError("table['target'] must not be nan or -inf (+inf marks a checkpoint that solved nothing)")


def select_checkpoints(table: pd.DataFrame, min_tokens: float = 2e9, max_k: int | None = None,
                       exclude_models: Sequence[str] = (), max_tokens: float | None = None) -> pd.DataFrame:
    r"""The chapter's checkpoint selection rule, applied to a :func:`passk_targets` table.

    Keep the rows with

    1. :math:`D \ge` ``min_tokens`` (early checkpoints are near chance: on GSM8K fewer than 1 in 10⁴ samples is
       correct before 2B tokens, and on MATH nothing is solved);
    2. ``k <= max_k`` (if given) and ``D <= max_tokens`` (if given);
    3. a model not in ``exclude_models``;

    then drop every checkpoint with a non-finite target at some kept ``k`` (no problem solved). Checkpoints that
    got worse late in training are **kept**: the law has to describe them, and the out-of-sample tests show
    what they cost.

    Returns
    -------
    pandas.DataFrame
        The kept rows (index reset).
    """
    _check_target_table(table)
    lo = float(v.nonnegative("min_tokens", min_tokens))
    keep = table["D"].to_numpy(dtype=float) >= lo
    if max_tokens is not None:
        keep &= table["D"].to_numpy(dtype=float) <= v.positive_scalar("max_tokens", max_tokens)
    if max_k is not None:
        keep &= table["k"].to_numpy(dtype=float) <= v.positive_scalar("max_k", max_k)
    if isinstance(exclude_models, str) or not isinstance(exclude_models, (list, tuple, set, frozenset, np.ndarray)) \
            or not all(isinstance(m, str) for m in exclude_models):
        raise ValueError("exclude_models must be a sequence of model names (strings), not a single string")
    keep &= ~table["model"].isin(list(exclude_models)).to_numpy()
    out = table[keep]
    bad = out.groupby(_KEYS)["target"].transform(lambda t: not np.all(np.isfinite(t))).astype(bool)
    out = out[~bad.to_numpy()].reset_index(drop=True)
    if len(out) == 0:
        raise ValueError("the selection keeps no checkpoint (check min_tokens, max_tokens, max_k, exclude_models)")
    return out


def k_gain(table: pd.DataFrame, k_lo: int = 1, k_hi: int | None = None) -> pd.DataFrame:
    r"""Gain from sampling per checkpoint: :math:`y(k_{lo}) - y(k_{hi})` against :math:`y(k_{lo})`.

    Under the additive Approach-1 law the gain is :math:`G(k_{lo}^{-\gamma} - k_{hi}^{-\gamma})`, the **same for every
    checkpoint**; when every problem's success rate is small, :math:`\mathrm{pass@}k \approx k\,\mathrm{pass@}1` and the
    gain approaches :math:`\ln(k_{hi}/k_{lo})` instead.

    Returns one row per checkpoint with ``model, N, D, y_lo, y_hi, gain`` (``k_hi`` defaults to the largest k).
    """
    _check_target_table(table)
    hi = int(table["k"].max()) if k_hi is None else integer("k_hi", k_hi, 1, 2**53)
    lo = integer("k_lo", k_lo, 1, 2**53)
    if not lo < hi:
        raise ValueError(f"k_lo must be below k_hi; got k_lo={k_lo!r}, k_hi={hi!r}")
    w = table.pivot_table(index=_KEYS, columns="k", values="target")
    if lo not in w.columns or hi not in w.columns:
        raise ValueError(f"table must contain rows with k = k_lo = {lo} and k = k_hi = {hi}")
    out = pd.DataFrame({"y_lo": w[lo], "y_hi": w[hi]}).reset_index()
    return out.assign(gain=out["y_lo"] - out["y_hi"])
