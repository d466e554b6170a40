r"""Fitting the T² laws to data: Approach 1 by batched least squares, Approach 2 by beta-binomial likelihood.

**Approach 1** (Roberts et al. 2026, App. F) minimises the sum of squared errors

.. math::

    S(\theta) = \sum_j w_j\,\big(\hat L(N_j, D_j, k_j;\theta) - y_j\big)^2,\qquad
    \hat L = E + e^{a - \alpha\ln N} + e^{b - \beta\ln D} + G e^{-\gamma\ln k},

over :math:`\theta = (E, a, b, \alpha, \beta, G, \gamma)` (:math:`A = e^a`, :math:`B = e^b`) inside a box. The
Jacobian is analytic (columns :math:`1,\ t_A,\ t_B,\ -t_A\ln N,\ -t_B\ln D,\ k^{-\gamma},\ -G k^{-\gamma}\ln k`),
and every start is a row of one array: :func:`least_squares_batched` is a projected Levenberg–Marquardt method
that takes one damped Gauss–Newton step for all rows at once, freezes the coordinates that sit at a bound with
the gradient pointing outwards, and adapts a damping factor per row. No Python loop runs over starts.

**Approach 2** fits stage 1 (a Chinchilla law of the :math:`k = 1` target, the same solver with :math:`G = 0`) and
stage 2, the five :math:`\theta` of :class:`~t2lib.t2.accuracy.T2AccuracyLaw`, either by the beta-binomial
likelihood of the per-problem counts (each checkpoint :math:`j` has success rates
:math:`p_{ij} \sim \mathrm{Beta}(\mu_j\nu_j, (1-\mu_j)\nu_j)` and
:math:`c_{ij} \sim \mathrm{Binomial}(n_{ij}, p_{ij})`),

.. math::

    \ell(\theta) = \sum_{j}\sum_{i} \Big[\ln \mathrm B\big(c_{ij} + a_j,\ n_{ij} - c_{ij} + b_j\big)
    - \ln \mathrm B(a_j, b_j)\Big] + \text{const},

or by the paper's SSE between predicted and measured pass@k. Both use the batched solvers of this module.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import special
from threadpoolctl import threadpool_limits

from .. import _validate as v
from ..fit import minimize_batched
from .._validate import integer, seed as _seed
from ..laws import ChinchillaLaw
from ..passk import _log_beta_ratio, log_beta_ratio  # noqa: F401 (re-exported: one implementation, in passk)
from .accuracy import T2AccuracyLaw
from .law import T2Law
from .targets import PasskCube, check_samples, passk_cube

__all__ = [
    "PARAM_NAMES",
    "DEFAULT_BOUNDS",
    "least_squares_batched",
    "LSQResult",
    "T2Fit",
    "T2Bootstrap",
    "fit_t2",
    "fit_chinchilla_sse",
    "THETA_NAMES",
    "T2AccuracyFit",
    "fit_t2_accuracy",
    "log_beta_ratio",
    "COUPLED_NAMES",
    "coupled_law",
    "T2CoupledFit",
    "CoupledBootstrap",
    "fit_t2_coupled",
    "nearest_checkpoint_baseline",
    "prediction_errors",
]

PARAM_NAMES = ("E", "log_A", "log_B", "alpha", "beta", "G", "gamma")
"""Order of the Approach-1 parameter vector :math:`\\theta = (E, \\ln A, \\ln B, \\alpha, \\beta, G, \\gamma)`."""

DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {
    "E": (0.0, 20.0),
    "log_A": (-10.0, 60.0),
    "log_B": (-10.0, 60.0),
    "alpha": (0.01, 2.5),
    "beta": (0.01, 2.5),
    "G": (0.0, 100.0),
    "gamma": (0.01, 2.5),
}
"""Box of the Approach-1 fit, in the coordinates :data:`PARAM_NAMES`."""

_BLAS = 1  # BLAS threads inside the fits: tiny matrices, many calls (multi-threading only adds overhead)


# --------------------------------------------------------------------------- generic solver
@dataclass
class LSQResult:
    """Final state of :func:`least_squares_batched` for every row: ``x`` (S, p), ``f`` (S,) the weighted SSE,
    ``converged`` (S,) and ``n_iter`` (S,)."""

    x: np.ndarray
    f: np.ndarray
    converged: np.ndarray
    n_iter: np.ndarray


def least_squares_batched(resid_jac: Callable, x0: np.ndarray, lo: np.ndarray, hi: np.ndarray, *,
                          weights: np.ndarray | None = None, maxiter: int = 300, ftol: float = 1e-12,
                          gtol: float = 1e-10, fixed: np.ndarray | None = None) -> LSQResult:
    r"""Projected Levenberg–Marquardt for many bounded least-squares problems at once.

    Each row :math:`s` minimises :math:`S_s(x) = \sum_j w_{sj} r_{sj}(x)^2` subject to ``lo <= x <= hi``. With
    :math:`J` the Jacobian of :math:`r`, :math:`g = J^\top W r` and :math:`H = J^\top W J`, a row's step solves

    .. math::

        \big(H_{FF} + \lambda_s\,\mathrm{diag}(H_{FF})\big)\, d_F = -g_F

    on its free set :math:`F` (coordinates not at a bound with :math:`g` pointing outwards; the others stay put),
    the trial point is clipped into the box, and it is accepted if it lowers :math:`S` (then
    :math:`\lambda_s \leftarrow \lambda_s/3`, else :math:`\lambda_s \leftarrow 4\lambda_s`). A row stops when an
    accepted step lowers :math:`S` by less than ``ftol`` (relative), when its projected gradient is below ``gtol``
    (relative to :math:`1 + S`), or when :math:`\lambda_s > 10^{12}` (no descent left: a stationary point to
    working precision). Every operation acts on all active rows at once.

    Parameters
    ----------
    resid_jac : callable
        ``resid_jac(x, rows) -> (r, J)`` with ``x`` of shape (m, p) for the rows ``rows`` (indices into ``x0``),
        ``r`` (m, n) and ``J`` (m, n, p); ``resid_jac(x, rows, jac=False)`` returns ``r`` only.
    x0 : ndarray, shape (S, p)
        Starting points (clipped into the box).
    lo, hi : ndarray, shape (p,)
        The box (``-inf``/``inf`` allowed).
    weights : ndarray, shape (n,) or (S, n), optional
        Non-negative weights :math:`w` (e.g. bootstrap counts); default 1.
    maxiter : int
        Iteration cap (rows still active are not converged).
    ftol, gtol : float
        Stopping tolerances.
    fixed : ndarray of bool, shape (p,), optional
        Coordinates held at their start value.
    """
    if not callable(resid_jac):
        raise ValueError(f"resid_jac must be callable; got {type(resid_jac).__name__}")
    x0 = v.finite("x0", x0)
    if x0.ndim != 2:
        raise ValueError(f"x0 must be a 2-D array (starts, parameters); got shape {x0.shape}")
    p_ = x0.shape[1]
    box = []
    for name, arr in (("lo", lo), ("hi", hi)):
        try:
            arr = np.asarray(arr, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be an array of numbers of shape ({p_},)") from None
        if arr.shape != (p_,) or np.any(np.isnan(arr)):
            raise ValueError(f"{name} must have shape ({p_},) without nan; got shape {arr.shape}")
        box.append(arr)
    lo, hi = box
    if np.any(lo > hi):
        raise ValueError("lo must not exceed hi (the box lo <= x <= hi)")
    if weights is not None:
        weights = v.nonnegative("weights", weights)
        if weights.ndim not in (1, 2) or (weights.ndim == 2 and weights.shape[0] != x0.shape[0]):
            raise ValueError(f"weights must have shape (n,) or (starts, n) = ({x0.shape[0]}, n); got {weights.shape}")
    if fixed is not None:
        fixed = np.asarray(fixed)
        if fixed.dtype != bool or fixed.shape != (p_,):
            raise ValueError(f"fixed must be a boolean array of shape ({p_},); got {fixed.dtype} {fixed.shape}")
    maxiter = integer("maxiter", maxiter, 1, 100_000)
    ftol = float(v.positive_scalar("ftol", ftol))
    gtol = float(v.positive_scalar("gtol", gtol))
    x = np.clip(np.array(x0, dtype=float, copy=True), lo, hi)
    S, p = x.shape
    free_mask = np.ones(p, dtype=bool) if fixed is None else ~np.asarray(fixed, dtype=bool)
    lam = np.full(S, 1e-3)
    conv = np.zeros(S, dtype=bool)
    nit = np.zeros(S, dtype=int)

    def wts(rows):
        if weights is None:
            return None
        w = np.asarray(weights, dtype=float)
        return w[None, :] if w.ndim == 1 else w[rows]

    def sse(r, rows):
        w = wts(rows)
        with np.errstate(over="ignore", invalid="ignore"):
            f = np.sum(r * r if w is None else w * r * r, axis=1)
        return np.where(np.isfinite(f), f, np.inf)

    active = np.arange(S)
    r, J = resid_jac(x, active)
    if weights is not None and weights.shape[-1] != r.shape[1]:
        raise ValueError(f"weights must have a last axis of length n = {r.shape[1]} (residuals); got {weights.shape}")
    fx = sse(r, active)
    eye = np.eye(p)
    with threadpool_limits(limits=_BLAS, user_api="blas"):
        for _ in range(maxiter):
            if active.size == 0:
                break
            w = wts(active)
            Jw = J if w is None else J * w[:, :, None]
            with np.errstate(invalid="ignore", over="ignore"):
                JwT = np.swapaxes(Jw, 1, 2)
                g = np.matmul(JwT, r[:, :, None])[:, :, 0]
                H = np.matmul(JwT, J)
            broken = ~(np.all(np.isfinite(g), axis=1) & np.all(np.isfinite(H), axis=(1, 2)))
            g[broken] = 0.0
            H[broken] = eye
            xa = x[active]
            at_lo = (xa <= lo + 1e-12 * np.maximum(1.0, np.abs(lo))) & (g > 0)
            at_hi = (xa >= hi - 1e-12 * np.maximum(1.0, np.abs(hi))) & (g < 0)
            free = free_mask[None, :] & ~at_lo & ~at_hi
            gf = np.where(free, g, 0.0)
            pg = np.abs(gf).max(axis=1)
            done = (pg <= gtol * (1.0 + fx[active])) & ~broken
            dg = np.einsum("spp->sp", H)
            scale = np.maximum(dg, 1e-12 * np.maximum(dg.max(axis=1, keepdims=True), 1e-300))
            FF = free[:, :, None] & free[:, None, :]
            M = np.where(FF, H, 0.0) + lam[active, None, None] * (scale[:, :, None] * eye) * free[:, :, None]
            M += (~free)[:, :, None] * eye
            try:
                d = -np.linalg.solve(M, gf[:, :, None])[:, :, 0]
            except np.linalg.LinAlgError:
                d = -gf / (scale * (1.0 + lam[active, None]))
            d = np.where(np.isfinite(d), d, 0.0)
            xt = np.clip(xa + d, lo, hi)
            rt, Jt = resid_jac(xt, active)
            ft = sse(rt, active)
            fa = fx[active]
            ok = (ft < fa) & ~done
            with np.errstate(invalid="ignore"):
                small = ok & (fa - ft <= ftol * np.maximum(fa, 1e-300))
            rows = active[ok]
            x[rows], fx[rows] = xt[ok], ft[ok]
            r[ok], J[ok] = rt[ok], Jt[ok]
            lam[rows] = np.maximum(lam[rows] / 3.0, 1e-12)
            bad = active[~ok & ~done]
            lam[bad] *= 4.0
            nit[active] += 1
            stuck = ~ok & ~done & (lam[active] > 1e12)
            conv[active[done | small | (stuck & ~broken)]] = True
            finished = done | small | stuck | broken
            keep = ~finished
            active, r, J = active[keep], r[keep], J[keep]
    return LSQResult(x=x, f=fx, converged=conv, n_iter=nit)


# --------------------------------------------------------------------------- Approach 1
def check_table(table, name: str = "table", columns: Sequence[str] = ("N", "D", "k", "target")) -> pd.DataFrame:
    """Validate a target table: a non-empty DataFrame with the given columns, positive finite ``N``, ``D``, ``k``
    and finite ``target`` (``ValueError`` naming ``name`` and the column otherwise)."""
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame with columns {tuple(columns)}; got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{name} must have the columns {tuple(columns)}; missing {missing}")
    if len(table) == 0:
        raise ValueError(f"{name} must not be empty")
    for c in columns:
        if c in ("N", "D", "k"):
            v.positive(f"{name}[{c!r}]", table[c].to_numpy(dtype=float))
        elif c == "target":
            v.finite(f"{name}['target']", table[c].to_numpy(dtype=float))
    return table


def _a1_resid_jac(lN, lD, lk, y):
    """``resid_jac`` of the Approach-1 SSE; ``y`` is (n,) or (S, n) (one target vector per row)."""
    Y = np.atleast_2d(y)

    def fun(x, rows, jac: bool = True):
        E, a, b, al, be, G, ga = (x[:, i:i + 1] for i in range(7))
        with np.errstate(over="ignore", invalid="ignore"):
            tA = np.exp(a - al * lN)
            tB = np.exp(b - be * lD)
            kg = np.exp(-ga * lk)
            pred = E + tA + tB + G * kg
        yy = Y if Y.shape[0] == 1 else Y[rows]
        r = pred - yy
        if not jac:
            return r
        J = np.empty(r.shape + (7,))
        J[..., 0] = 1.0
        J[..., 1] = tA
        J[..., 2] = tB
        J[..., 3] = -lN * tA
        J[..., 4] = -lD * tB
        J[..., 5] = kg
        J[..., 6] = -lk * G * kg
        return r, J

    return fun


def _law(x) -> T2Law:
    E, a, b, al, be, G, ga = (float(t) for t in x)
    return T2Law(E=E, A=np.exp(a), B=np.exp(b), alpha=al, beta=be, G=G, gamma=ga)


def _theta(law: T2Law) -> np.ndarray:
    return np.array([law.E, np.log(law.A), np.log(law.B), law.alpha, law.beta, law.G, law.gamma])


def _bounds(bounds, y_min: float) -> tuple[np.ndarray, np.ndarray]:
    b = dict(DEFAULT_BOUNDS)
    if bounds is not None:
        unknown = set(bounds) - set(PARAM_NAMES)
        if unknown:
            raise ValueError(f"bounds has unknown parameter names {sorted(unknown)}; allowed {PARAM_NAMES}")
        b.update(bounds)
    try:
        lo = np.array([float(b[k][0]) for k in PARAM_NAMES])
        hi = np.array([float(b[k][1]) for k in PARAM_NAMES])
    except (TypeError, ValueError, IndexError):
        raise ValueError("bounds must map parameter names to pairs (lo, hi) of numbers") from None
    if np.any(~(lo <= hi)) or np.any(np.isnan(lo)) or lo[0] < 0 or lo[5] < 0 or np.any(lo[[3, 4, 6]] <= 0):
        raise ValueError("bounds must satisfy lo <= hi, E, G >= 0 and alpha, beta, gamma > 0 "
                         f"; got lo={lo}, hi={hi}")
    return lo, hi


def t2_random_starts(n_starts: int, y_min: float, y_max: float, seed: int = 0) -> np.ndarray:
    r"""Seeded random starts for :func:`fit_t2`, shape ``(n_starts, 7)``.

    :math:`E \sim U[0, y_{\min}]`, :math:`\ln A, \ln B \sim U[0, 25]`, :math:`\alpha, \beta, \gamma \sim U[0.05, 1]`,
    :math:`G \sim U[0, y_{\max}]` (the paper's App. F states 500 restarts but not their distribution).
    """
    n = integer("n_starts", n_starts, 1, 100_000)
    y_min = float(v.nonnegative("y_min", y_min))
    y_max = float(v.positive("y_max", y_max))
    rng = np.random.default_rng(_seed("seed", seed))
    u = rng.random((n, 7))
    lo = np.array([0.0, 0.0, 0.0, 0.05, 0.05, 0.0, 0.05])
    hi = np.array([y_min, 25.0, 25.0, 1.0, 1.0, y_max, 1.0])
    return lo + u * (hi - lo)


@dataclass(frozen=True)
class T2Fit:
    r"""Result of :func:`fit_t2`.

    Attributes
    ----------
    law : T2Law
        The best fit.
    theta : ndarray, shape (7,)
        :math:`(E, \ln A, \ln B, \alpha, \beta, G, \gamma)`.
    objective : float
        Weighted SSE at the best fit.
    at_bounds : tuple of str
        Parameters within :math:`10^{-6}` (relative to the box width) of a bound.
    converged : bool
        Whether the best start met a stopping test.
    n_near_best : int
        Starts that reached an objective within :math:`10^{-6}` (relative) of the best: a measure of stability.
    objectives : ndarray
        Final objective of every start.
    lower, upper : ndarray, shape (7,)
        The box.
    table : pandas.DataFrame
        The fitted table (with a ``prediction`` column).
    fixed : ndarray of bool
        Parameters held fixed.
    """

    law: T2Law
    theta: np.ndarray
    objective: float
    at_bounds: tuple[str, ...]
    converged: bool
    n_near_best: int
    objectives: np.ndarray = field(repr=False)
    lower: np.ndarray = field(repr=False)
    upper: np.ndarray = field(repr=False)
    table: pd.DataFrame = field(repr=False)
    fixed: np.ndarray = field(repr=False)

    @property
    def degenerate(self) -> bool:
        """True when an exponent (``alpha``, ``beta``, ``gamma``) sits at a bound: do not forecast from it."""
        return any(p in self.at_bounds for p in ("alpha", "beta", "gamma"))

    def predict(self, table: pd.DataFrame) -> np.ndarray:
        """The law's prediction at the ``N``, ``D``, ``k`` of ``table``."""
        t = check_table(table, columns=("N", "D", "k"))
        return self.law.loss(t["N"].to_numpy(float), t["D"].to_numpy(float), t["k"].to_numpy(float))

    def bootstrap(self, samples: pd.DataFrame | None = None, n_resamples: int = 200, seed: int = 0,
                  maxiter: int = 150) -> "T2Bootstrap":
        r"""Seeded bootstrap of the fit: resampled laws, for bands of :math:`N^*, D^*, k^*`.

        With ``samples`` (the tidy counts the table was made from) each resample draws the **problems** with
        replacement (the same draw for every checkpoint), recomputes every target as
        :math:`-\log` of the weighted mean pass@k, and refits; without, it resamples the table's rows.
        Every resample starts at this fit and all are solved together (one batched call).
        """
        B = integer("n_resamples", n_resamples, 1, 100_000)
        maxiter = integer("maxiter", maxiter, 1, 100_000)
        t = self.table
        lN, lD, lk = (np.log(t[c].to_numpy(float)) for c in ("N", "D", "k"))
        Y, W = _bootstrap_targets(t, samples, B, _seed("seed", seed))
        fun = _a1_resid_jac(lN, lD, lk, Y)
        x0 = np.tile(self.theta, (B, 1))
        res = least_squares_batched(fun, x0, self.lower, self.upper, weights=W, maxiter=maxiter, fixed=self.fixed)
        return T2Bootstrap(theta=res.x, objective=res.f, converged=res.converged, lower=self.lower,
                           upper=self.upper)


def _bootstrap_targets(t: pd.DataFrame, samples: pd.DataFrame | None, B: int, seed: int):
    """Targets ``Y`` and weights ``W`` (both ``(B, rows)``, or ``Y`` ``(rows,)``) of ``B`` bootstrap resamples.

    With ``samples``: the problems are drawn with replacement (one draw per resample, shared by all checkpoints) and
    every target is recomputed; a checkpoint that solves nothing in a resample gets weight 0 there. Without: the
    rows of ``t`` are drawn with replacement (multinomial counts as weights).
    """
    rng = np.random.default_rng(seed)
    if samples is None:
        n = len(t)
        return t["target"].to_numpy(float), rng.multinomial(n, np.full(n, 1.0 / n), size=B).astype(float)
    cube = passk_cube(samples, np.unique(t["k"].to_numpy()))
    P = cube.problems.size
    W_p = rng.multinomial(P, np.full(P, 1.0 / P), size=B).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        Tb = -np.log(_resampled_mean(cube, W_p))  # (B, ckpt, k)
    ck = cube.checkpoints.reset_index().rename(columns={"index": "_ck"})
    m = t[["N", "D", "k"]].merge(ck[["N", "D", "_ck"]], on=["N", "D"], how="left")
    if m["_ck"].isna().any():
        raise ValueError("samples must contain every checkpoint (N, D) of the fitted table")
    ki = np.searchsorted(cube.k, t["k"].to_numpy())
    Y = Tb[:, m["_ck"].to_numpy(int), ki]
    W = np.isfinite(Y).astype(float)
    return np.where(np.isfinite(Y), Y, 0.0), W


def _resampled_mean(cube: PasskCube, W: np.ndarray) -> np.ndarray:
    """Mean pass@k under problem weights ``W`` (B, P), allowing checkpoints with zero total weight (-> nan)."""
    wp = W[:, None, :] * cube.present[None, :, :]
    den = wp.sum(axis=-1)
    num = np.einsum("bcp,cpk->bck", wp, cube.passk)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den[..., None]


def _level(level) -> float:
    arr = v.in_open_interval("level", level, 0.0, 1.0)
    if arr.ndim != 0:
        raise ValueError(f"level must be a scalar in (0, 1); got shape {arr.shape}")
    return float(arr)


@dataclass(frozen=True)
class T2Bootstrap:
    r"""Bootstrap replicates of an Approach-1 fit (:meth:`T2Fit.bootstrap`).

    Attributes
    ----------
    theta : ndarray, shape (B, 7)
        Replicates of :math:`(E, \ln A, \ln B, \alpha, \beta, G, \gamma)`.
    objective : ndarray, shape (B,)
    converged : ndarray of bool, shape (B,)
    """

    theta: np.ndarray
    objective: np.ndarray
    converged: np.ndarray
    lower: np.ndarray = field(repr=False)
    upper: np.ndarray = field(repr=False)

    def laws(self) -> list[T2Law]:
        """One :class:`~t2lib.t2.law.T2Law` per resample."""
        return [_law(t) for t in self.theta]

    def params(self) -> dict[str, np.ndarray]:
        """Replicates of ``E, A, B, alpha, beta, G, gamma``."""
        t = self.theta
        return {"E": t[:, 0], "A": np.exp(t[:, 1]), "B": np.exp(t[:, 2]), "alpha": t[:, 3], "beta": t[:, 4],
                "G": t[:, 5], "gamma": t[:, 6]}

    def interval(self, level: float = 0.9) -> dict[str, tuple[float, float]]:
        """Percentile interval of every parameter."""
        lev = _level(level)
        q = [(1 - lev) / 2, (1 + lev) / 2]
        return {k: tuple(float(y) for y in np.quantile(x, q)) for k, x in self.params().items()}

    def optima(self, C_train, C_inf) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r""":math:`N^*, D^*, k^*` of every replicate, shape ``(B,) + broadcast(C_train, C_inf).shape``."""
        from .law import t2_optimal

        ct = v.positive("C_train", C_train)
        ci = v.positive("C_inf", C_inf)
        out = [t2_optimal(law, ct, ci) for law in self.laws()]  # closed-form Newton per law, vectorised over budgets
        return tuple(np.stack([o[i] for o in out]) for i in range(3))

    def bands(self, C_train, C_inf, level: float = 0.9) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        r"""Percentile bands ``{"N": (lo, hi), "D": ..., "k": ...}`` of the optimum at the given budgets."""
        lev = _level(level)
        N, D, k = self.optima(C_train, C_inf)
        q = [(1 - lev) / 2, (1 + lev) / 2]
        return {name: tuple(np.quantile(arr, q, axis=0)) for name, arr in (("N", N), ("D", D), ("k", k))}


def fit_t2(table: pd.DataFrame, *, n_starts: int = 128, seed: int = 0, bounds: dict | None = None,
           weights=None, maxiter: int = 150, fix: dict | None = None) -> T2Fit:
    r"""Fit the Approach-1 law :math:`E + A/N^\alpha + B/D^\beta + G/k^\gamma` by least squares, many starts at once.

    Minimises :math:`\sum_j w_j(\hat L_j - y_j)^2` (the paper's SSE on raw targets) with
    :func:`least_squares_batched` from ``n_starts`` seeded random starts (``t2_random_starts``) inside the box
    :data:`DEFAULT_BOUNDS` (with :math:`E \le \min_j y_j`), and keeps the best.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``N``, ``D``, ``k`` (positive) and ``target`` (finite), at least 8 rows.
    n_starts : int
        Number of starts (the paper uses 500 L-BFGS-B restarts).
    seed : int
        Seed of the starts.
    bounds : dict, optional
        Overrides of :data:`DEFAULT_BOUNDS`, ``{name: (lo, hi)}`` with names from :data:`PARAM_NAMES`.
    weights : array_like, optional
        Non-negative weights, one per row.
    maxiter : int
        Iteration cap of the solver per start (starts that crawl along a flat valley stop there, flagged not
        converged; the best start converges well before it on the chapter's data).
    fix : dict, optional
        Parameters held fixed, ``{name: value}`` (e.g. ``{"G": 0.0, "gamma": 1.0}`` for a Chinchilla fit).

    Returns
    -------
    T2Fit
    """
    t = check_table(table)
    if len(t) < 8:
        raise ValueError(f"table must have at least 8 rows (7 parameters); got {len(t)}")
    n_starts = integer("n_starts", n_starts, 1, 100_000)
    maxiter = integer("maxiter", maxiter, 1, 100_000)
    seed = _seed("seed", seed)
    if bounds is not None and not isinstance(bounds, dict):
        raise ValueError(f"bounds must be a dict {{name: (lo, hi)}} or None; got {type(bounds).__name__}")
    if fix is not None and not isinstance(fix, dict):
        raise ValueError(f"fix must be a dict {{name: value}} or None; got {type(fix).__name__}")
    y = t["target"].to_numpy(float)
    lN, lD, lk = (np.log(t[c].to_numpy(float)) for c in ("N", "D", "k"))
    w = None
    if weights is not None:
        w = v.nonnegative("weights", weights)
        if w.shape != y.shape:
            raise ValueError(f"weights must have one entry per row of table ({y.size}); got shape {w.shape}")
    y_min = float(max(y.min(), 0.0))
    lo, hi = _bounds(bounds, y_min)
    x0 = t2_random_starts(n_starts, y_min, float(max(y.max(), 1e-12)), seed)
    fixed = np.zeros(7, dtype=bool)
    if fix:
        unknown = set(fix) - set(PARAM_NAMES)
        if unknown:
            raise ValueError(f"fix has unknown parameter names {sorted(unknown)}; allowed {PARAM_NAMES}")
        for name, val in fix.items():
            i = PARAM_NAMES.index(name)
            fixed[i] = True
            x0[:, i] = float(v.finite(f"fix[{name!r}]", val))
            lo[i] = min(lo[i], x0[0, i])
            hi[i] = max(hi[i], x0[0, i])
    res = least_squares_batched(_a1_resid_jac(lN, lD, lk, y), x0, lo, hi, weights=w, maxiter=maxiter, fixed=fixed)
    f = np.where(np.isfinite(res.f), res.f, np.inf)
    best = int(np.argmin(f))
    if not np.isfinite(f[best]):
        raise ValueError("the fit did not reach a finite objective from any start (check the table's targets)")
    theta = res.x[best]
    width = np.where(np.isfinite(hi - lo), hi - lo, 1.0)
    tol = 1e-6 * np.maximum(width, 1e-12)
    at = tuple(PARAM_NAMES[i] for i in range(7)
               if not fixed[i] and (theta[i] - lo[i] <= tol[i] or hi[i] - theta[i] <= tol[i]))
    near = int(np.sum(f <= f[best] * (1 + 1e-6) + 1e-300))
    pred = _law(theta).loss(np.exp(lN), np.exp(lD), np.exp(lk))
    return T2Fit(law=_law(theta), theta=theta, objective=float(f[best]), at_bounds=at,
                 converged=bool(res.converged[best]), n_near_best=near, objectives=f, lower=lo, upper=hi,
                 table=t.assign(prediction=pred), fixed=fixed)


def fit_chinchilla_sse(table: pd.DataFrame, *, n_starts: int = 128, seed: int = 0, bounds: dict | None = None,
                       weights=None) -> T2Fit:
    r"""Stage 1 of Approach 2: a Chinchilla law :math:`E + A/N^\alpha + B/D^\beta` of the ``k = 1`` rows by SSE.

    :func:`fit_t2` with :math:`G = 0` held fixed (``k`` plays no role); the result's ``law.chinchilla`` is the
    :class:`~t2lib.laws.ChinchillaLaw`.
    """
    t = check_table(table)
    n_starts = integer("n_starts", n_starts, 1, 100_000)
    t1 = t[t["k"].to_numpy(float) == 1.0]
    if len(t1) == 0:
        raise ValueError("table must contain rows with k = 1 for the stage-1 (Chinchilla) fit")
    w = None
    if weights is not None:
        w = v.nonnegative("weights", weights)
        if w.shape != (len(t),):
            raise ValueError(f"weights must have one entry per row of table ({len(t)}); got shape {w.shape}")
        w = w[t["k"].to_numpy(float) == 1.0]
    if len(t1) < 8:
        raise ValueError(f"table must have at least 8 rows with k = 1; got {len(t1)}")
    return fit_t2(t1, n_starts=n_starts, seed=seed, bounds=bounds, weights=w, fix={"G": 0.0, "gamma": 1.0})


# --------------------------------------------------------------------------- baselines and errors
def nearest_checkpoint_baseline(train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    r"""Naive prediction of every ``test`` row: the target of the nearest ``train`` checkpoint at the same ``k``.

    "Nearest" is the Euclidean distance in :math:`(\ln N, \ln D)` (ties: the larger :math:`N`, then the larger
    :math:`D`, i.e. the best-trained neighbour). For "fit on N ≤ 1B, predict larger" this predicts each large
    model by the 1B model at the same checkpoint; for "fit on D ≤ 60B" by the same model at 60B tokens.
    """
    tr = check_table(train, "train")
    te = check_table(test, "test", columns=("N", "D", "k"))
    out = np.empty(len(te))
    trN, trD, trk, trY = (tr[c].to_numpy(float) for c in ("N", "D", "k", "target"))
    teN, teD, tek = (te[c].to_numpy(float) for c in ("N", "D", "k"))
    d2 = (np.log(teN)[:, None] - np.log(trN)[None, :]) ** 2 + (np.log(teD)[:, None] - np.log(trD)[None, :]) ** 2
    d2 = np.where(tek[:, None] == trk[None, :], d2, np.inf)
    if np.any(~np.isfinite(d2.min(axis=1))):
        raise ValueError("every k of test must occur in train")
    # tie-break: smallest distance, then largest N, then largest D (lexsort: last key is primary)
    order = np.lexsort((-trD[None, :].repeat(len(te), 0), -trN[None, :].repeat(len(te), 0), d2), axis=1)
    out[:] = trY[order[:, 0]]
    return out


def prediction_errors(pred, obs) -> dict[str, float]:
    r"""Mean relative error :math:`\overline{|\hat y - y|/|y|}`, mean absolute error and RMSE of predictions."""
    p = v.finite("pred", pred)
    o = v.finite("obs", obs)
    v.same_shape(pred=p, obs=o)
    if np.any(o == 0):
        raise ValueError("obs must be non-zero for relative errors")
    e = p - o
    return {"relative": float(np.mean(np.abs(e) / np.abs(o))), "absolute": float(np.mean(np.abs(e))),
            "rmse": float(np.sqrt(np.mean(e * e))), "bias": float(np.mean(e))}


# --------------------------------------------------------------------------- Approach 2
THETA_NAMES = ("theta0", "log_theta1", "logit_theta2", "theta3", "theta4")
"""Unconstrained coordinates of stage 2: :math:`u = (\\theta_0, \\ln\\theta_1, \\mathrm{logit}\\,\\theta_2, \\theta_3,
\\theta_4)`, so that :math:`\\theta_1 > 0` and :math:`0 < \\theta_2 < 1` hold everywhere."""
_U_LO = np.array([-50.0, -8.0, -30.0, -30.0, -10.0])
_U_HI = np.array([50.0, 5.0, 30.0, 30.0, 10.0])


def _sig(x):
    return np.exp(-np.logaddexp(0.0, -x))


def _q_of_u(U: np.ndarray, L: np.ndarray):
    r"""Per start and checkpoint: :math:`\ln\mu, \ln\nu`, their gradients in :math:`u` and the Hessian of
    :math:`\ln\mu` (that of :math:`\ln\nu` vanishes). Shapes (S, J), (S, J, 5), (S, J, 5, 5)."""
    t0, s1, s2, t3, t4 = (U[:, i:i + 1] for i in range(5))
    e1 = np.exp(s1)
    z = -e1 * (L[None, :] - t0)
    lm = -np.logaddexp(0.0, -s2) - np.logaddexp(0.0, -z)  # log sigma(s2) + log sigma(z)
    lnu = t3 + t4 * L[None, :]
    sz = _sig(-z)  # d log sigma(z) / dz
    h = _sig(z) * sz  # -d^2 log sigma(z) / dz^2
    S, J = z.shape
    gm = np.zeros((S, J, 5))
    gm[..., 0] = sz * e1
    gm[..., 1] = sz * z
    gm[..., 2] = _sig(-s2)
    gn = np.zeros((S, J, 5))
    gn[..., 3] = 1.0
    gn[..., 4] = L[None, :]
    Hm = np.zeros((S, J, 5, 5))
    Hm[..., 0, 0] = -h * e1 * e1
    Hm[..., 0, 1] = Hm[..., 1, 0] = -h * e1 * z + sz * e1
    Hm[..., 1, 1] = -h * z * z + sz * z
    Hm[..., 2, 2] = -(_sig(s2) * _sig(-s2))
    return lm, lnu, gm, gn, Hm


def _trigamma(x: np.ndarray) -> np.ndarray:
    r"""Trigamma :math:`\psi_1(x)` for ``x > 0``: recurrence :math:`\psi_1(x) = \psi_1(x+1) + x^{-2}` up to
    :math:`x \ge 8`, then the asymptotic series to :math:`x^{-9}` (relative error below 1e-11); several times faster
    than ``scipy.special.polygamma(1, x)``, which goes through the Hurwitz zeta function."""
    x = np.array(x, dtype=float, copy=True)
    acc = np.zeros_like(x)
    for _ in range(8):  # at most 8 steps bring every x >= 8 (x > 0)
        small = x < 8.0
        if not small.any():
            break
        acc += np.where(small, 1.0 / (x * x), 0.0)
        x = np.where(small, x + 1.0, x)
    r = 1.0 / x
    r2 = r * r
    series = r + r2 * (0.5 + r * (1.0 / 6 + r2 * (-1.0 / 30 + r2 * (1.0 / 42 + r2 * (-1.0 / 30)))))
    return acc + series


class _BetaBinomialProblem:
    r"""Minus the beta-binomial log-likelihood of stage 2 (per problem), its gradient and Hessian in :math:`u`,
    for many starts at once. ``W`` (S, P) are per-start problem weights (bootstrap counts) or ``None``."""

    def __init__(self, cube_n: np.ndarray, cube_c: np.ndarray, present: np.ndarray, L: np.ndarray,
                 W: np.ndarray | None = None):
        self.n, self.c, self.present, self.L, self.W = cube_n, cube_c, present, L, W
        self.norm = float(present.sum())

    def _w(self, rows):
        pres = self.present[None, :, :].astype(float)
        return pres if self.W is None else pres * self.W[rows][:, None, :]

    def _ab(self, U):
        lm, lnu, gm, gn, Hm = _q_of_u(U, self.L)
        a = np.exp(lm + lnu)
        b = np.exp(lnu) * (-np.expm1(lm))
        return a, b, lm, lnu, gm, gn, Hm

    def f(self, U, rows):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            a, b = self._ab(U)[:2]
            A, B = a[..., None], b[..., None]
            n, c = self.n[None], self.c[None]
            ll = special.betaln(c + A, n - c + B) - special.betaln(A, B)
            val = -np.sum(self._w(rows) * ll, axis=(1, 2)) / self.norm
        return np.where(np.isfinite(val), val, np.inf)

    def fgh(self, U, rows):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            a, b, lm, lnu, gm, gn, Hm = self._ab(U)
            A, B = a[..., None], b[..., None]
            n, c = self.n[None], self.c[None]
            w = self._w(rows)
            ll = special.betaln(c + A, n - c + B) - special.betaln(A, B)
            f = -np.sum(w * ll, axis=(1, 2)) / self.norm
            pab, tab = special.digamma(A + B), _trigamma(A + B)
            pn, tn = special.digamma(n + A + B), _trigamma(n + A + B)
            ga = np.sum(w * (special.digamma(c + A) - pn - special.digamma(A) + pab), axis=-1)
            gb = np.sum(w * (special.digamma(n - c + B) - pn - special.digamma(B) + pab), axis=-1)
            haa = np.sum(w * (_trigamma(c + A) - tn - _trigamma(A) + tab), axis=-1)
            hbb = np.sum(w * (_trigamma(n - c + B) - tn - _trigamma(B) + tab), axis=-1)
            hab = np.sum(w * (tab - tn), axis=-1)
            # chain to q = (log mu, log nu): a = e^{lm + lnu}, b = e^{lnu} - a
            g_lm = a * (ga - gb)
            g_ln = a * ga + b * gb
            # T = [[a, a], [-a, b]]: H_q = T' H_ab T + ga d2a + gb d2b
            h_mm = a * a * (haa - 2 * hab + hbb) + a * (ga - gb)
            h_mn = a * (a * haa + b * hab - a * hab - b * hbb) + a * (ga - gb)
            h_nn = a * a * haa + 2 * a * b * hab + b * b * hbb + a * ga + b * gb
            g = g_lm[..., None] * gm + g_ln[..., None] * gn
            H = (h_mm[..., None, None] * gm[..., :, None] * gm[..., None, :]
                 + h_mn[..., None, None] * (gm[..., :, None] * gn[..., None, :] + gn[..., :, None] * gm[..., None, :])
                 + h_nn[..., None, None] * gn[..., :, None] * gn[..., None, :]
                 + g_lm[..., None, None] * Hm)
            g = -g.sum(axis=1) / self.norm
            H = -H.sum(axis=1) / self.norm
        f = np.where(np.isfinite(f), f, np.inf)
        return f, g, H


def _db_large_b(a: np.ndarray, b: np.ndarray, k: np.ndarray) -> np.ndarray:
    r""":math:`\psi(b+k) - \psi(b) - \psi(a+b+k) + \psi(a+b)` for :math:`b \ge 10^3` from the asymptotic series of
    :math:`\psi` (see ``_dlog_beta_ratio``)."""
    x1, x2, x3 = b + k, a + b, a + b + k
    return (np.log1p(a * k / (b * x3)) + 0.5 * a * k * (a + 2 * b + k) / (b * x1 * x2 * x3)
            - (1.0 / x1**2 - 1.0 / b**2 - 1.0 / x3**2 + 1.0 / x2**2) / 12.0)


def _dlog_beta_ratio(a, b, k) -> tuple[np.ndarray, np.ndarray]:
    r"""Derivatives of :func:`log_beta_ratio` in :math:`a` and :math:`b`:
    :math:`\psi(a+b) - \psi(a+b+k)` and :math:`\psi(b+k) - \psi(b) - \psi(a+b+k) + \psi(a+b)`.

    The second cancels to :math:`\approx ak/b^2` for large :math:`b`; for :math:`b \ge 10^3` it is computed from
    :math:`\psi(x) \sim \ln x - \tfrac1{2x} - \tfrac1{12x^2}`, with the logarithms combined exactly:
    :math:`\mathrm{log1p}\big(ak/(b(a+b+k))\big) + \tfrac{ak(a+2b+k)}{2b(b+k)(a+b)(a+b+k)} - \tfrac1{12}[\dots]`.
    """
    a, b, k = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float), np.asarray(k, float))
    psi_ab, psi_abk = special.digamma(a + b), special.digamma(a + b + k)  # shared by both derivatives
    da = psi_ab - psi_abk
    db = np.empty(a.shape)
    big = b >= 1e3
    db[big] = _db_large_b(a[big], b[big], k[big])
    sm = ~big
    a_s, b_s, k_s = a[sm], b[sm], k[sm]
    db[sm] = special.digamma(b_s + k_s) - special.digamma(b_s) - psi_abk[sm] + psi_ab[sm]
    return da, db


def _log_beta_ratio_grad(a, b, k) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""``_log_beta_ratio`` (:func:`t2lib.passk.log_beta_ratio`) and its derivatives ``_dlog_beta_ratio`` in one
    call: the fits need all three at every trial point."""
    a, b, k = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float), np.asarray(k, float))
    return (_log_beta_ratio(a, b, k),) + _dlog_beta_ratio(a, b, k)


def _accuracy_law(stage1: ChinchillaLaw, u) -> T2AccuracyLaw:
    t0, s1, s2, t3, t4 = (float(x) for x in u)
    return T2AccuracyLaw(loss_law=stage1, theta0=t0, theta1=float(np.exp(s1)), theta2=float(_sig(s2)),
                         theta3=t3, theta4=t4)


def _a2_sse_resid_jac(L_rows: np.ndarray, k_rows: np.ndarray, y: np.ndarray):
    """``resid_jac`` of the stage-2 SSE on pass@k: rows are (checkpoint, k) pairs with stage-1 loss ``L_rows``."""

    def fun(U, rows, jac: bool = True):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            lm, lnu, gm, gn, _ = _q_of_u(U, L_rows)
            a = np.exp(lm + lnu)
            b = np.exp(lnu) * (-np.expm1(lm))
            tiny = np.finfo(float).tiny
            a, b = np.maximum(a, tiny), np.maximum(b, tiny)
            kk = k_rows[None, :]
            if not jac:
                return (1.0 - np.exp(_log_beta_ratio(a, b, kk))) - y[None, :]
            logR, da, db = _log_beta_ratio_grad(a, b, kk)
            R = np.exp(logR)
            r = (1.0 - R) - y[None, :]
            dRa, dRb = R * da, R * db
            d_lm = -(dRa * a - dRb * a)
            d_ln = -(dRa * a + dRb * b)
            J = d_lm[..., None] * gm + d_ln[..., None] * gn
        return r, J

    return fun


@dataclass(frozen=True)
class T2AccuracyFit:
    r"""Result of :func:`fit_t2_accuracy`.

    Attributes
    ----------
    law : T2AccuracyLaw
        Stage 1 and stage 2 together.
    stage1 : T2Fit or ChinchillaLaw
        The Chinchilla fit of the :math:`k = 1` target (``stage1.law.chinchilla``), or the law that was given.
    u : ndarray, shape (5,)
        Stage-2 coordinates :data:`THETA_NAMES`.
    objective : float
        Stage-2 objective: minus the mean log-likelihood per problem (``method="likelihood"``) or the SSE of
        pass@k (``method="sse"``).
    method : str
    se : dict or None
        Asymptotic standard errors of :math:`\theta_0, \dots, \theta_4` from the observed information (likelihood
        only; delta method for :math:`\theta_1, \theta_2`), ``inf`` where the information is singular.
    condition : float
        Condition number of the Hessian of the stage-2 objective in :math:`u` (large: some :math:`\theta` not
        identified).
    converged : bool
    at_bounds : tuple of str
        Stage-2 coordinates at the edge of their box.
    se_u : dict or None
        Standard errors in the unconstrained coordinates :data:`THETA_NAMES` (likelihood only).
    eigvecs, eigvals : ndarray
        Eigen-decomposition of that Hessian: the eigenvector of the smallest eigenvalue is the least
        identified combination of the coordinates.
    """

    law: T2AccuracyLaw
    stage1: "T2Fit | ChinchillaLaw"
    u: np.ndarray
    objective: float
    method: str
    se: dict | None
    condition: float
    converged: bool
    at_bounds: tuple[str, ...]
    se_u: dict | None = field(repr=False)
    eigvecs: np.ndarray = field(repr=False)
    eigvals: np.ndarray = field(repr=False)

    def predict_pass_at_k(self, table: pd.DataFrame) -> np.ndarray:
        """Predicted pass@k at the ``N``, ``D``, ``k`` of ``table``."""
        t = check_table(table, columns=("N", "D", "k"))
        return self.law.accuracy(t["N"].to_numpy(float), t["D"].to_numpy(float), t["k"].to_numpy(float))

    def predict(self, table: pd.DataFrame) -> np.ndarray:
        r"""Predicted Approach-1 target :math:`-\log \widehat{\mathrm{Acc}}` (comparable with :meth:`T2Fit.predict`)."""
        return -np.log(np.maximum(self.predict_pass_at_k(table), np.finfo(float).tiny))


def _cube_counts(samples: pd.DataFrame, ck: pd.DataFrame):
    s = check_samples(samples)
    m = s.merge(ck.reset_index().rename(columns={"index": "_ck"})[["N", "D", "_ck"]], on=["N", "D"], how="inner")
    if m["_ck"].nunique() != len(ck):
        raise ValueError("samples must contain every checkpoint (N, D) of the table")
    problems, pi = np.unique(m["problem"].to_numpy(), return_inverse=True)
    J, P = len(ck), problems.size
    n = np.ones((J, P))
    c = np.zeros((J, P))
    present = np.zeros((J, P), dtype=bool)
    ci = m["_ck"].to_numpy(int)
    n[ci, pi] = m["n"].to_numpy(float)
    c[ci, pi] = m["c"].to_numpy(float)
    present[ci, pi] = True
    return n, c, present


def _stage2_starts(L: np.ndarray) -> np.ndarray:
    """A grid of stage-2 starts over the range of the stage-1 loss (the paper seeds its grid from a sigmoid)."""
    t0 = np.quantile(L, [0.0, 0.5, 1.0]) - np.array([4.0, 0.0, 0.0])
    grid = np.meshgrid(t0, np.log([0.5, 1.0, 2.0]), [-3.0, 0.0, 3.0], [0.0, 3.0, 6.0], [-0.5, 0.0, 0.5],
                       indexing="ij")
    return np.stack([g.ravel() for g in grid], axis=1)


def fit_t2_accuracy(table: pd.DataFrame, samples: pd.DataFrame | None = None, *, method: str = "likelihood",
                    n_refine: int = 8, stage1: T2Fit | None = None, seed: int = 0,
                    maxiter: int = 200) -> T2AccuracyFit:
    r"""Fit the Approach-2 law in two stages.

    Stage 1: :func:`fit_chinchilla_sse` on the :math:`k = 1` rows of ``table`` (the target
    :math:`-\log\mathrm{pass@}1`), giving :math:`\hat L_j` for every checkpoint. Stage 2: the five :math:`\theta`

    - ``method="likelihood"``: maximise the beta-binomial log-likelihood of the per-problem counts of ``samples``
      (module docstring) by a batched Newton method (:func:`t2lib.fit.minimize_batched`, analytic gradient and
      Hessian), from the best ``n_refine`` points of a 243-point grid;
    - ``method="sse"``: minimise :math:`\sum_{j,k}(\widehat{\mathrm{Acc}}_{jk} - \mathrm{pass@}k_{jk})^2` over the
      rows of ``table`` (its ``pass_at_k`` column) by :func:`least_squares_batched` from the same grid (the paper).

    Parameters
    ----------
    table : pandas.DataFrame
        A :func:`~t2lib.t2.targets.passk_targets` table (selected checkpoints), with ``pass_at_k``.
    samples : pandas.DataFrame, optional
        The tidy counts of the same checkpoints; required by ``method="likelihood"``, unused by ``"sse"``.
    method : {"likelihood", "sse"}
    n_refine : int
        Grid points refined by Newton's method.
    stage1 : T2Fit or ChinchillaLaw, optional
        A stage-1 fit (or a known loss law) to reuse.
    seed : int
        Seed of the stage-1 starts.
    maxiter : int
        Iteration cap of stage 2.
    """
    if not isinstance(method, str) or method not in ("likelihood", "sse"):
        raise ValueError(f"method must be 'likelihood' or 'sse'; got {method!r}")
    t = check_table(table, columns=("N", "D", "k", "target", "pass_at_k"))
    pk = v.finite("table['pass_at_k']", t["pass_at_k"].to_numpy(float))
    if np.any((pk < 0) | (pk > 1)):
        raise ValueError("table['pass_at_k'] must lie in [0, 1]")
    if method == "likelihood" or samples is not None:
        check_samples(samples)
    n_refine = integer("n_refine", n_refine, 1, 243)
    maxiter = integer("maxiter", maxiter, 1, 100_000)
    seed = _seed("seed", seed)
    if stage1 is None:
        stage1 = fit_chinchilla_sse(t, seed=seed, bounds={"E": (1e-6, 20.0)})
    if isinstance(stage1, T2Fit):
        loss_law = stage1.law.chinchilla
    elif isinstance(stage1, ChinchillaLaw):
        loss_law = stage1
    else:
        raise ValueError(f"stage1 must be a T2Fit or a ChinchillaLaw; got {type(stage1).__name__}")
    ck = t[["N", "D"]].drop_duplicates().reset_index(drop=True)
    L = loss_law.loss(ck["N"].to_numpy(float), ck["D"].to_numpy(float))
    grid = _stage2_starts(L)
    nref = n_refine
    with threadpool_limits(limits=_BLAS, user_api="blas"):
        if method == "likelihood":
            n, c, present = _cube_counts(samples, ck)
            prob = _BetaBinomialProblem(n, c, present, L)
            f0 = prob.f(grid, np.arange(len(grid)))
            x0 = grid[np.argsort(f0, kind="stable")[:nref]]
            res = minimize_batched(prob.fgh, prob.f, x0, maxiter=maxiter)
            best = int(np.argmin(res.f))
            u, obj, conv = res.x[best], float(res.f[best]), bool(res.converged[best])
            _, g, H = prob.fgh(u[None, :], np.arange(1))
            H = H[0] * prob.norm  # observed information of the summed log-likelihood, in u
        else:
            kk = t["k"].to_numpy(float)
            idx = t[["N", "D"]].merge(ck.reset_index(), on=["N", "D"], how="left")["index"].to_numpy(int)
            fun = _a2_sse_resid_jac(L[idx], kk, t["pass_at_k"].to_numpy(float))
            f0 = np.sum(fun(grid, np.arange(len(grid)), jac=False) ** 2, axis=1)
            f0 = np.where(np.isfinite(f0), f0, np.inf)
            x0 = grid[np.argsort(f0, kind="stable")[:nref]]
            res = least_squares_batched(fun, x0, _U_LO, _U_HI, maxiter=maxiter * 2)
            best = int(np.argmin(res.f))
            u, obj, conv = res.x[best], float(res.f[best]), bool(res.converged[best])
            r, J = fun(u[None, :], np.arange(1))
            H = J[0].T @ J[0]
    lam, V = np.linalg.eigh(H)
    cond = float(np.abs(lam).max() / max(np.abs(lam).min(), 1e-300))
    law = _accuracy_law(loss_law, u)
    se = se_u = None
    if method == "likelihood":
        try:
            cov = np.linalg.inv(H) if np.all(lam > 0) else None
        except np.linalg.LinAlgError:
            cov = None
        if cov is None:
            se = {k: float("inf") for k in ("theta0", "theta1", "theta2", "theta3", "theta4")}
            se_u = {k: float("inf") for k in THETA_NAMES}
        else:
            se_u = dict(zip(THETA_NAMES, (float(x) for x in np.sqrt(np.maximum(np.diag(cov), 0.0)))))
            jac = np.array([1.0, law.theta1, law.theta2 * (1 - law.theta2), 1.0, 1.0])  # d theta / d u
            sd = np.sqrt(np.maximum(np.diag(cov), 0.0)) * jac
            se = dict(zip(("theta0", "theta1", "theta2", "theta3", "theta4"), (float(x) for x in sd)))
    at = tuple(THETA_NAMES[i] for i in range(5) if u[i] <= _U_LO[i] + 1e-6 or u[i] >= _U_HI[i] - 1e-6)
    return T2AccuracyFit(law=law, stage1=stage1, u=u, objective=obj, method=method, se=se, condition=cond,
                         converged=conv, at_bounds=at, se_u=se_u, eigvecs=V, eigvals=lam)


# --------------------------------------------------------------------------- the coupled law (a remedy)
COUPLED_NAMES = ("E", "log_A", "log_B", "alpha", "beta", "log_shape")
"""Coordinates of :func:`fit_t2_coupled`: the loss law and :math:`\\ln s`, :math:`s = e^{\\theta_3}` the Beta shape."""
_COUPLED_LO = np.array([0.0, -10.0, -10.0, 0.01, 0.01, np.log(1e-3)])
_COUPLED_HI = np.array([20.0, 60.0, 60.0, 2.5, 2.5, np.log(50.0)])


def coupled_law(loss_law: ChinchillaLaw, shape: float) -> T2AccuracyLaw:
    r"""The coupled law as an Approach-2 law: :math:`\theta = (0, 1, 1, \ln s, 1)`.

    Then :math:`\mu = \sigma(-\hat L) \approx e^{-\hat L}` (so :math:`-\ln\mathrm{pass@}1 \approx \hat L`) and
    :math:`\nu = s\,e^{\hat L}`, i.e. :math:`p \sim \mathrm{Beta}(a, b)` with
    :math:`a = s\,\sigma(\hat L) \approx s` and
    :math:`b \approx s\,e^{\hat L}`: a fixed tail shape :math:`s` (the power-law exponent of pass@k in :math:`k`,
    Schaeffer et al. 2025) and a scale :math:`b/a \approx 1/\mathrm{pass@}1` set by the loss law.
    """
    return T2AccuracyLaw(loss_law=loss_law, theta0=0.0, theta1=1.0, theta2=1.0,
                         theta3=float(np.log(v.positive_scalar("shape", shape))), theta4=1.0)


def _coupled_resid_jac(lN, lD, k, y):
    Y = np.atleast_2d(y)

    def fun(x, rows, jac: bool = True):
        E, a_, b_, al, be, ls = (x[:, i:i + 1] for i in range(6))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            tA = np.exp(a_ - al * lN)
            tB = np.exp(b_ - be * lD)
            Lh = E + tA + tB
            lm = -np.logaddexp(0.0, Lh)  # log sigma(-L)
            lnu = ls + Lh
            tiny = np.finfo(float).tiny
            a = np.maximum(np.exp(lm + lnu), tiny)
            b = np.maximum(np.exp(lnu) * (-np.expm1(lm)), tiny)
            kk = k[None, :]
            yy = Y if Y.shape[0] == 1 else Y[rows]
            if not jac:
                return -np.log(-np.expm1(_log_beta_ratio(a, b, kk))) - yy
            logR, da, db = _log_beta_ratio_grad(a, b, kk)
            pred = -np.log(-np.expm1(logR))
            r = pred - yy
            R = np.exp(logR)
            dRa, dRb = R * da, R * db
            dy_dR = 1.0 / (-np.expm1(logR))
            d_lm = dy_dR * (dRa * a - dRb * a)
            d_ln = dy_dR * (dRa * a + dRb * b)
            d_L = d_lm * (-_sig(Lh)) + d_ln
            J = np.empty(r.shape + (6,))
            J[..., 0] = d_L
            J[..., 1] = d_L * tA
            J[..., 2] = d_L * tB
            J[..., 3] = -d_L * tA * lN
            J[..., 4] = -d_L * tB * lD
            J[..., 5] = d_ln
        return r, J

    return fun


@dataclass(frozen=True)
class T2CoupledFit:
    """Result of :func:`fit_t2_coupled`: ``law`` (a :class:`~t2lib.t2.accuracy.T2AccuracyLaw`), ``x`` (:data:`COUPLED_NAMES`),
    ``objective`` (SSE on the target), ``at_bounds``, ``converged``, ``n_near_best``."""

    law: T2AccuracyLaw
    x: np.ndarray
    objective: float
    at_bounds: tuple[str, ...]
    converged: bool
    n_near_best: int
    table: pd.DataFrame = field(repr=False)

    @property
    def shape(self) -> float:
        """The Beta shape :math:`s` (power-law exponent of pass@k in k)."""
        return float(np.exp(self.x[5]))

    @property
    def degenerate(self) -> bool:
        """True when an exponent (``alpha``, ``beta``, ``log_shape``) sits at a bound."""
        return any(p in self.at_bounds for p in ("alpha", "beta", "log_shape"))

    def bootstrap(self, samples: pd.DataFrame | None = None, n_resamples: int = 200, seed: int = 0,
                  maxiter: int = 150) -> "CoupledBootstrap":
        """Seeded bootstrap of the coupled fit, as :meth:`T2Fit.bootstrap` (problems resampled with ``samples``)."""
        B = integer("n_resamples", n_resamples, 1, 100_000)
        maxiter = integer("maxiter", maxiter, 1, 100_000)
        t = self.table
        Y, W = _bootstrap_targets(t, samples, B, _seed("seed", seed))
        fun = _coupled_resid_jac(np.log(t["N"].to_numpy(float)), np.log(t["D"].to_numpy(float)),
                                 t["k"].to_numpy(float), Y)
        res = least_squares_batched(fun, np.tile(self.x, (B, 1)), _COUPLED_LO, _COUPLED_HI, weights=W,
                                    maxiter=maxiter)
        return CoupledBootstrap(x=res.x, objective=res.f, converged=res.converged)

    def predict(self, table: pd.DataFrame) -> np.ndarray:
        r"""Predicted target :math:`-\log\widehat{\mathrm{pass@}k}` at the ``N``, ``D``, ``k`` of ``table``."""
        t = check_table(table, columns=("N", "D", "k"))
        acc = self.law.accuracy(t["N"].to_numpy(float), t["D"].to_numpy(float), t["k"].to_numpy(float))
        return -np.log(np.maximum(acc, np.finfo(float).tiny))


def _coupled_from_x(x) -> T2AccuracyLaw:
    E = max(float(x[0]), 1e-12)  # ChinchillaLaw needs E > 0; E = 0 and 1e-12 give the same predictions
    loss = ChinchillaLaw(E=E, A=float(np.exp(x[1])), B=float(np.exp(x[2])), alpha=float(x[3]), beta=float(x[4]))
    return coupled_law(loss, float(np.exp(x[5])))


@dataclass(frozen=True)
class CoupledBootstrap:
    """Bootstrap replicates of a coupled fit (:meth:`T2CoupledFit.bootstrap`): ``x`` (B, 6) in
    :data:`COUPLED_NAMES`, ``objective`` and ``converged`` (B,)."""

    x: np.ndarray
    objective: np.ndarray
    converged: np.ndarray

    def laws(self) -> list[T2AccuracyLaw]:
        """One coupled :class:`~t2lib.t2.accuracy.T2AccuracyLaw` per resample."""
        return [_coupled_from_x(x) for x in self.x]

    def bands(self, C_train, C_inf, level: float = 0.9, min_samples: float | None = 1.0,
              N_min: float = 1e6) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        r"""Percentile bands of the accuracy optimum :math:`N^*, D^*, k^*` (one optimum per resample and budget)."""
        from .accuracy import _accuracy_optima

        lev = _level(level)
        ct, ci = v.positive("C_train", C_train), v.positive("C_inf", C_inf)
        try:  # every resample's t2_accuracy_optimal, in one search
            out = _accuracy_optima(self.laws(), ct, ci, min_samples=min_samples, N_min=N_min)
        except ValueError as exc:
            if any(name in str(exc) for name in ("C_train", "C_inf", "min_samples", "N_min")):
                raise
            raise ValueError(f"the optimum of a resampled law is not finite for these C_train, C_inf, min_samples, "
                             f"N_min (its Beta parameters overflow at the edge of the search; raise N_min or set "
                             f"min_samples): {str(exc)[:80]}") from None
        q = [(1 - lev) / 2, (1 + lev) / 2]
        return {name: tuple(np.quantile(out[i], q, axis=0)) for i, name in enumerate("NDk")}


def fit_t2_coupled(table: pd.DataFrame, *, n_starts: int = 64, seed: int = 0, maxiter: int = 150) -> T2CoupledFit:
    r"""Fit the **coupled** law to the Approach-1 target by least squares: pass@k of
    :math:`p \sim \mathrm{Beta}(s\,\sigma(\hat L),\ s\,e^{\hat L}(1-\sigma(-\hat L)))`,
    :math:`\hat L = E + A/N^\alpha + B/D^\beta`.

    The target is :math:`y = -\log\big(1 - \mathrm B(a, b+k)/\mathrm B(a, b)\big)`: for :math:`k\,\mathrm{pass@}1 \ll 1`
    it is :math:`\hat L - \log k` (every sample is a fresh chance: the gain from :math:`k` grows with the loss), and for
    large :math:`k` it decays like :math:`k^{-s}` (Schaeffer et al. 2025). Six parameters (:data:`COUPLED_NAMES`),
    fitted with :func:`least_squares_batched` from ``n_starts`` seeded starts; the law is an Approach-2 law
    (:func:`coupled_law`), so :func:`~t2lib.t2.accuracy.t2_accuracy_optimal` gives its optimum.
    """
    t = check_table(table)
    if len(t) < 7:
        raise ValueError(f"table must have at least 7 rows (6 parameters); got {len(t)}")
    y = t["target"].to_numpy(float)
    lN, lD = np.log(t["N"].to_numpy(float)), np.log(t["D"].to_numpy(float))
    k = t["k"].to_numpy(float)
    rng = np.random.default_rng(_seed("seed", seed))
    n = integer("n_starts", n_starts, 1, 100_000)
    maxiter = integer("maxiter", maxiter, 1, 100_000)
    lo0 = np.array([0.0, 0.0, 0.0, 0.05, 0.05, np.log(0.05)])
    hi0 = np.array([max(float(y.min()), 1e-3), 25.0, 25.0, 1.0, 1.0, np.log(2.0)])
    x0 = lo0 + rng.random((n, 6)) * (hi0 - lo0)
    fun = _coupled_resid_jac(lN, lD, k, y)
    res = least_squares_batched(fun, x0, _COUPLED_LO, _COUPLED_HI, maxiter=maxiter)
    f = np.where(np.isfinite(res.f), res.f, np.inf)
    best = int(np.argmin(f))
    if not np.isfinite(f[best]):
        raise ValueError("the coupled fit did not reach a finite objective from any start")
    x = res.x[best]
    tol = 1e-6 * (_COUPLED_HI - _COUPLED_LO)
    at = tuple(COUPLED_NAMES[i] for i in range(6) if x[i] - _COUPLED_LO[i] <= tol[i] or _COUPLED_HI[i] - x[i] <= tol[i])
    law = _coupled_from_x(x)
    near = int(np.sum(f <= f[best] * (1 + 1e-6) + 1e-300))
    out = T2CoupledFit(law=law, x=x, objective=float(f[best]), at_bounds=at, converged=bool(res.converged[best]),
                       n_near_best=near, table=t)
    return out
