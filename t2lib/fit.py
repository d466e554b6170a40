r"""Fitting the Chinchilla law (Hoffmann et al. 2022, Approach 3) and its bootstrap.

The law :math:`L(N,D) = E + A N^{-\alpha} + B D^{-\beta}` is fitted in Hoffmann's
parametrisation :math:`\theta = (a, b, e, \alpha, \beta)` with
:math:`A, B, E = e^{a}, e^{b}, e^{e}`, so that the log of the prediction is a
log-sum-exp,

.. math::

    \log \hat L_i(\theta) = \mathrm{LSE}(a - \alpha \log N_i,\ b - \beta \log D_i,\ e),

and the objective is the Huber loss of the log-residuals, **summed** over runs,

.. math::

    F(\theta) = \sum_i w_i\, \mathrm{Huber}_\delta\big(\log \hat L_i(\theta) - \log L_i\big),\qquad
    \mathrm{Huber}_\delta(r) = \begin{cases} \tfrac12 r^2 & |r| \le \delta \\
    \delta(|r| - \tfrac12\delta) & |r| > \delta \end{cases}

(:math:`w_i = 1` for a plain fit; bootstrap resamples use integer counts :math:`w_i`).

The optimiser is a batched, damped Newton method written in numpy: every start
(or every bootstrap resample) is a row of an ``(S, 5)`` array, and the analytic
gradient and Hessian of :math:`F` are formed for all rows at once. The Hessian is
made positive definite by taking absolute eigenvalues (a "saddle-free" Newton
step) and every step is safeguarded by a backtracking Armijo line search (and extended by doubling
where :math:`F` is concave along it).
Internally the objective is divided by :math:`\delta^2` (so that it reads
:math:`\sum_i w_i\,\mathrm{Huber}_1(r_i/\delta)`); the reported objective is the
unscaled sum.

The fits and the bootstrap run this iteration in two phases (``_minimize_huber``): first
with :math:`F`, :math:`\nabla F` and :math:`\nabla^2 F` evaluated in float32, whose ``exp`` and
``log`` are vectorised on AVX2 where float64's are scalar library calls, until a row's progress is
below what float32 resolves (relative :math:`10^{-5}`) or its point leaves float32's range; then in
float64 from where each row stopped, until the float64 stopping tests of :func:`minimize_batched`
hold (a row that escapes a saddle in float64 goes back to float32 for its next fast descent). Every
reported point, objective and convergence flag is therefore a float64 result.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
from scipy.special import ndtr
from threadpoolctl import threadpool_limits

from . import _validate as v
from .laws import ChinchillaLaw
from .published import BESIROGLU_2024  # published numbers, typed once there (re-exported)

__all__ = [
    "BESIROGLU_2024",
    "THETA_NAMES",
    "hoffmann_grid",
    "huber",
    "predict_log_loss",
    "huber_objective",
    "huber_derivatives",
    "theta_from_law",
    "law_from_theta",
    "minimize_batched",
    "BatchResult",
    "FitResult",
    "fit_chinchilla",
    "BootstrapResult",
    "bootstrap_chinchilla",
    "MLEResult",
    "huber_log_normaliser",
    "huber_nll",
    "fit_chinchilla_mle",
    "resample_counts",
]

THETA_NAMES = ("log_A", "log_B", "log_E", "alpha", "beta")
"""Order of the fitted parameter vector :math:`\\theta = (a, b, e, \\alpha, \\beta)`."""

_N_PARAMS = 5
_EIG_FLOOR = 1e-10  # smallest |eigenvalue| used in a Newton step, relative to the largest
_BLOCK_BYTES = 96 * 1024  # bytes per (rows, n) temporary in the batched objective: in cache, and below glibc's
# 128 KiB mmap threshold (repeated fgh calls on 640 rows ran up to ~1.8x slower with 130 KB blocks)
_MAX_COUNTS = 10**9  # largest bootstrap count matrix (n_resamples * n) built


# --------------------------------------------------------------------------- helpers
def hoffmann_grid() -> np.ndarray:
    r"""Hoffmann et al.'s (2022, App. D.2) grid of initialisations, as a ``(4500, 5)`` array.

    Rows are :math:`(a, b, e, \alpha, \beta)` with :math:`a, b \in \{0, 5, \dots, 25\}`,
    :math:`e \in \{-1, -0.5, \dots, 1\}` and :math:`\alpha, \beta \in \{0, 0.5, \dots, 2\}`:
    :math:`6 \cdot 6 \cdot 5 \cdot 5 \cdot 5 = 4500` starts.
    """
    a = np.arange(0.0, 30.0, 5.0)
    e = np.arange(-1.0, 1.5, 0.5)
    al = np.arange(0.0, 2.5, 0.5)
    mesh = np.meshgrid(a, a, e, al, al, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


def huber(r, delta: float = 1e-3) -> np.ndarray:
    r"""Huber loss :math:`\tfrac12 r^2` for :math:`|r|\le\delta`, :math:`\delta(|r|-\tfrac12\delta)` beyond.

    Parameters
    ----------
    r : array_like
        Residuals (finite).
    delta : float
        Threshold between the quadratic and the linear regime, ``delta > 0``.
    """
    r = v.finite("r", r)
    delta = _check_delta(delta)
    c = np.clip(r, -delta, delta)
    return c * (r - 0.5 * c)


def theta_from_law(law: ChinchillaLaw) -> np.ndarray:
    r"""The vector :math:`(\log A, \log B, \log E, \alpha, \beta)` of a law."""
    v.law("law", law, ChinchillaLaw)
    return np.array([np.log(law.A), np.log(law.B), np.log(law.E), law.alpha, law.beta])


def law_from_theta(theta) -> ChinchillaLaw:
    r"""The :class:`~t2lib.laws.ChinchillaLaw` with :math:`A, B, E = e^{a}, e^{b}, e^{e}`."""
    t = v.finite("theta", theta)
    if t.shape != (_N_PARAMS,):
        raise ValueError(f"theta must have shape (5,) = {THETA_NAMES}; got shape {t.shape}")
    return ChinchillaLaw(E=float(np.exp(t[2])), A=float(np.exp(t[0])), B=float(np.exp(t[1])),
                         alpha=float(t[3]), beta=float(t[4]))


def _check_data(N, D, loss) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    N = v.positive("N", N)
    D = v.positive("D", D)
    loss = v.positive("loss", loss)
    for name, arr in (("N", N), ("D", D), ("loss", loss)):
        if arr.ndim != 1:
            raise ValueError(f"{name} must be a 1-D array; got shape {arr.shape}")
    v.same_shape(N=N, D=D, loss=loss)
    if N.size < _N_PARAMS:
        raise ValueError(f"N, D, loss need at least {_N_PARAMS} points (one per parameter); got {N.size}")
    return N, D, loss


_DELTA_MAX = 1e6  # a Huber threshold on log-residuals beyond this is a plain least-squares fit (and delta**2 overflows)


def _check_delta(delta) -> float:
    return v.scalar("delta", delta, 0.0, _DELTA_MAX, hi_open=False)


def _check_weights(weights, n: int) -> np.ndarray:
    w = v.nonnegative("weights", weights)
    if w.ndim == 0 or w.shape[-1] != n:
        raise ValueError(f"weights must have a last axis of length n = {n}; got shape {w.shape}")
    return w


def _check_theta(name: str, theta) -> np.ndarray:
    t = v.finite(name, theta)
    if t.shape[-1:] != (_N_PARAMS,):
        raise ValueError(f"{name} must have a last axis of length 5 {THETA_NAMES}; got shape {t.shape}")
    return t


def predict_log_loss(theta, N, D) -> np.ndarray:
    r"""Log of the predicted loss, :math:`\mathrm{LSE}(a-\alpha\log N,\ b-\beta\log D,\ e)`.

    ``theta`` may be ``(5,)`` or ``(S, 5)``; the result has shape ``(n,)`` or ``(S, n)``.
    """
    theta = _check_theta("theta", theta)
    N, D = v.broadcast(N=v.positive("N", N), D=v.positive("D", D))
    return _log_loss(theta, np.log(N), np.log(D))


def _log_loss(theta: np.ndarray, lN: np.ndarray, lD: np.ndarray) -> np.ndarray:
    """:func:`predict_log_loss` on checked ``theta`` and the logs of checked ``N``, ``D`` (max-shifted LSE)."""
    t = np.atleast_2d(theta)
    u1, u2, u3 = t[:, :1] - t[:, 3:4] * lN, t[:, 1:2] - t[:, 4:5] * lD, t[:, 2:3]
    m = np.maximum(np.maximum(u1, u2), u3)
    s = np.exp(u1 - m)
    s += np.exp(u2 - m)
    s += np.exp(u3 - m)
    out = m + np.log(s)
    return out[0] if theta.ndim == 1 else out


def huber_objective(theta, N, D, loss, *, delta: float = 1e-3, weights=None) -> np.ndarray:
    r"""Summed Huber objective :math:`F(\theta) = \sum_i w_i \mathrm{Huber}_\delta(\log\hat L_i - \log L_i)`.

    Parameters
    ----------
    theta : array_like, shape (5,) or (S, 5)
        :math:`(\log A, \log B, \log E, \alpha, \beta)`; several rows are evaluated at once.
    N, D, loss : array_like, shape (n,)
        Parameters, tokens and observed final loss of each run (positive, finite).
    delta : float
        Huber threshold (Hoffmann et al. use ``1e-3``).
    weights : array_like, optional
        Non-negative weights, shape ``(n,)`` or ``(S, n)`` (bootstrap counts); default all ones.

    Returns
    -------
    numpy.ndarray
        The (unscaled) objective, shape ``()`` or ``(S,)``.
    """
    N, D, loss = _check_data(N, D, loss)
    delta = _check_delta(delta)
    r = _log_loss(_check_theta("theta", theta), np.log(N), np.log(D)) - np.log(loss)
    c = np.clip(r, -delta, delta)
    h = c * (r - 0.5 * c)
    if weights is None:
        return h.sum(axis=-1)
    w = _check_weights(weights, N.size)
    return (w * h).sum(axis=-1)


def huber_derivatives(theta, N, D, loss, *, delta: float = 1e-3, weights=None):
    r"""Objective, analytic gradient and Hessian of :math:`F(\theta)` (unscaled), for one or many rows.

    With :math:`p_{ik}` the softmax weights of the three log-sum-exp terms, :math:`u_{i1} = a - \alpha\log N_i`,
    :math:`u_{i2} = b - \beta\log D_i`, :math:`u_{i3} = e`, and :math:`\psi = \mathrm{clip}(\cdot, \pm\delta)`,

    .. math::

        \nabla F = \sum_i w_i\,\psi(r_i)\, J_i^\top p_i,\qquad
        \nabla^2 F = \sum_i w_i\, J_i^\top\big[\mathbb 1_{|r_i|<\delta}\, p_i p_i^\top
        + \psi(r_i)\,(\mathrm{diag}\,p_i - p_i p_i^\top)\big] J_i ,

    where :math:`J_i = \partial u_i/\partial\theta` is the 3×5 Jacobian (entries 1, :math:`-\log N_i`, :math:`-\log D_i`).

    Returns
    -------
    (f, g, H) : arrays of shapes ``(S,)``, ``(S, 5)``, ``(S, 5, 5)`` (or without the leading axis for ``(5,)`` input).
    """
    N, D, loss = _check_data(N, D, loss)
    delta = _check_delta(delta)
    t = _check_theta("theta", theta)
    T = np.atleast_2d(t)
    W = None
    if weights is not None:
        W = _check_weights(weights, N.size)
        if W.ndim > 2 or (W.ndim == 2 and W.shape[0] not in (1, T.shape[0])):
            raise ValueError(f"weights must have shape (n,) or (S, n) with S = {T.shape[0]} rows of theta; "
                             f"got shape {W.shape}")
        W = np.broadcast_to(W, (T.shape[0], N.size))
    prob = _HuberProblem(np.log(N), np.log(D), np.log(loss), delta, weights=W)
    f, g, H = prob.fgh(T, np.arange(T.shape[0]))
    s = delta**2
    if t.ndim == 1:
        return f[0] * s, g[0] * s, H[0] * s
    return f * s, g * s, H * s


# --------------------------------------------------------------------------- batched objective
class _HuberProblem:
    r"""Value, gradient and Hessian of :math:`F/\delta^2` for many parameter rows at once.

    ``weights`` is ``None`` (all ones) or an ``(S, n)`` array whose row ``k`` belongs to start ``k``.
    """

    def __init__(self, lN: np.ndarray, lD: np.ndarray, lL: np.ndarray, delta: float,
                 weights: Optional[np.ndarray] = None, dtype=np.float64):
        self.dtype = np.dtype(dtype)
        lN, lD, lL = (np.asarray(a, dtype=self.dtype) for a in (lN, lD, lL))
        self.lN, self.lD, self.lL, self.delta = lN, lD, lL, delta
        self.weights = None if weights is None else np.asarray(weights, dtype=self.dtype)
        self.zL = lL / delta
        ones = np.ones_like(lN)
        # features for the Hessian blocks (see _fgh)
        self.XN = np.stack([ones, lN, lN * lN], axis=1)
        self.XD = np.stack([ones, lD, lD * lD], axis=1)
        self.XND = np.stack([ones, lN, lD, lN * lD], axis=1)
        self.X1 = np.stack([ones, -lN], axis=1)
        self.X2 = np.stack([ones, -lD], axis=1)

    def _terms(self, theta):
        theta = theta.astype(self.dtype, copy=False)
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
            t1 = np.exp(theta[:, :1] - theta[:, 3:4] * self.lN)
            t2 = np.exp(theta[:, 1:2] - theta[:, 4:5] * self.lD)
            t3 = np.exp(theta[:, 2:3])
            s = t1 + t2
            s += t3
            z = np.log(s)
            z *= 1.0 / self.delta
            z -= self.zL
        return t1, t2, t3, s, z

    def _w(self, rows):
        return None if self.weights is None else self.weights[rows]

    def _chunks(self, S):
        if S == 0:
            return [slice(0, 0)]
        step = max(1, _BLOCK_BYTES // (self.lN.size * self.dtype.itemsize))  # rows per block (see _BLOCK_BYTES)
        return [slice(i, min(i + step, S)) for i in range(0, S, step)]

    def _map(self, fun, theta, rows, *args):
        chunks = self._chunks(theta.shape[0])
        with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):  # bad rows are flagged
            return [fun(theta[c], rows[c], *args) for c in chunks]

    def f(self, theta, rows):
        """Scaled objective only, shape (S,); inf where the model over/underflows."""
        return np.concatenate(self._map(self._f, theta, rows))

    def fgh(self, theta, rows, hessian: bool = True):
        """Scaled objective (S,), gradient (S, 5) and Hessian (S, 5, 5), evaluated block by block."""
        out = self._map(self._fgh, theta, rows, hessian)
        f = np.concatenate([o[0] for o in out]).astype(np.float64, copy=False)
        g = np.concatenate([o[1] for o in out]).astype(np.float64, copy=False)
        H = np.concatenate([o[2] for o in out]).astype(np.float64, copy=False) if hessian else None
        return f, g, H

    def _f(self, theta, rows):
        _, _, _, _, z = self._terms(theta)
        with np.errstate(invalid="ignore"):
            c = np.clip(z, -1.0, 1.0)
            h = c * (z - 0.5 * c)
            w = self._w(rows)
            f = h.sum(axis=1) if w is None else np.einsum("ij,ij->i", w, h)
        return np.where(np.isfinite(f), f, np.inf)

    def _fgh(self, theta, rows, hessian: bool = True):
        t1, t2, t3, s, z = self._terms(theta)
        c = np.clip(z, -1.0, 1.0)  # psi(r) / delta
        h = z - 0.5 * c
        h *= c
        w = self._w(rows)
        if w is None:
            f = h.sum(axis=1)
        else:
            f = np.einsum("ij,ij->i", w, h)
            c *= w
        inv_s = 1.0 / s
        p1 = t1 * inv_s
        p2 = t2 * inv_s
        cp1 = c * p1
        cp2 = c * p2
        d = 1.0 / self.delta
        g = np.empty(theta.shape, dtype=self.dtype)
        g[:, [0, 3]] = cp1 @ self.X1
        g[:, [1, 4]] = cp2 @ self.X2
        g[:, 2] = np.einsum("ij,ij->i", c, inv_s) * t3[:, 0]
        g *= d
        if not hessian:
            return f, g, None
        # Hessian of eq. (hess): sum_i J_i^T M_i J_i / delta with M = c diag(p) + (kap - c) p p^T, kap = 1{|z|<1} w / delta.
        # Only M11, M22, M12 are formed; M13, M23, M33 follow from the row sums M 1 = kap p (as p1 + p2 + p3 = 1).
        kap = (np.abs(z) < 1.0).astype(self.dtype)
        kap *= d
        if w is not None:
            kap *= w
        km = kap - c
        kp1 = km * p1
        kp2 = km * p2
        M11 = kp1 * p1
        M11 += cp1
        M22 = kp2 * p2
        M22 += cp2
        M12 = kp1 * p2
        a11 = M11 @ self.XN  # [sum, sum lN, sum lN^2]
        a22 = M22 @ self.XD  # [sum, sum lD, sum lD^2]
        a12 = M12 @ self.XND  # [sum, sum lN, sum lD, sum lN lD]
        k1 = (kap * p1) @ self.X1  # [sum kap p1, -sum kap p1 lN]
        k2 = (kap * p2) @ self.X2
        ksum = kap.sum(axis=1)
        s13 = k1[:, 0] - a11[:, 0] - a12[:, 0]  # sum M13
        s23 = k2[:, 0] - a12[:, 0] - a22[:, 0]  # sum M23
        H = np.empty(theta.shape + (_N_PARAMS,), dtype=self.dtype)
        # indices: 0 a, 1 b, 2 e, 3 alpha, 4 beta
        H[:, 0, 0] = a11[:, 0]
        H[:, 0, 3] = H[:, 3, 0] = -a11[:, 1]
        H[:, 3, 3] = a11[:, 2]
        H[:, 1, 1] = a22[:, 0]
        H[:, 1, 4] = H[:, 4, 1] = -a22[:, 1]
        H[:, 4, 4] = a22[:, 2]
        H[:, 0, 1] = H[:, 1, 0] = a12[:, 0]
        H[:, 0, 4] = H[:, 4, 0] = -a12[:, 2]
        H[:, 3, 1] = H[:, 1, 3] = -a12[:, 1]
        H[:, 3, 4] = H[:, 4, 3] = a12[:, 3]
        H[:, 0, 2] = H[:, 2, 0] = s13
        H[:, 3, 2] = H[:, 2, 3] = k1[:, 1] + a11[:, 1] + a12[:, 1]  # -sum M13 lN
        H[:, 1, 2] = H[:, 2, 1] = s23
        H[:, 4, 2] = H[:, 2, 4] = k2[:, 1] + a12[:, 2] + a22[:, 1]  # -sum M23 lD
        H[:, 2, 2] = ksum - k1[:, 0] - k2[:, 0] - s13 - s23  # sum M33 = sum kap p3 - sum M13 - sum M23
        H *= d
        return f, g, H


@dataclass
class BatchResult:
    """Final state of :func:`minimize_batched`: points ``x`` (S, p), values ``f`` (S,), flags ``converged`` (S,)
    and Newton iterations ``n_iter`` (S,) of every row."""

    x: np.ndarray
    f: np.ndarray
    converged: np.ndarray
    n_iter: np.ndarray


def _newton_direction(H: np.ndarray, g: np.ndarray) -> np.ndarray:
    r"""Saddle-free Newton directions :math:`d = -|H|^{-1} g` for a batch of symmetric matrices ``H`` (S, p, p).

    :math:`|H| = V|\Lambda|V^\top` with every :math:`|\lambda|` floored at ``_EIG_FLOOR`` times the largest.
    """
    lam, V = np.linalg.eigh(H)
    lam = np.abs(lam)
    lam = np.maximum(lam, _EIG_FLOOR * lam.max(axis=1, keepdims=True) + 1e-300)
    return -np.einsum("sij,sj,skj,sk->si", V, 1.0 / lam, V, g)


def minimize_batched(fgh: Callable, f: Callable, x0: np.ndarray, *, maxiter: int = 500,
                     rtol: float = 1e-15, ftol: float = 1e7 * np.finfo(float).eps, max_backtrack: int = 60,
                     radius0: float = 10.0) -> BatchResult:
    r"""Damped (saddle-free) Newton over many independent starts at once.

    For every active row the step solves :math:`|H|\,d = -g`, where :math:`|H| = V|\Lambda|V^\top`
    (eigenvalues floored at :math:`10^{-10}\lambda_{\max}`), caps its length at a per-row radius
    (doubled whenever a capped step is accepted), then shrinks it (safeguarded quadratic interpolation,
    ``_backtrack``) until the Armijo condition :math:`F(x+td) \le F(x) + 10^{-4} t\, g^\top d` holds; a
    full step along a direction of negative curvature is extended by doubling while :math:`F` keeps falling
    (``_expand``). A row stops and is flagged ``converged`` when the Newton decrement satisfies
    :math:`-g^\top d/2 \le r_{tol}\max(1,|F|)` (or the gradient vanishes to that tolerance), when an
    accepted step lowers :math:`F` by at most :math:`f_{tol}\max(1,|F|)` (scipy's L-BFGS-B test, whose
    default is :math:`2.2\times10^{-9}`), or when no step length passes the line search while
    :math:`|g^\top d|` is negligible.
    Rows that hit ``maxiter`` or leave the domain (overflow) are not converged.

    Parameters
    ----------
    fgh : callable
        ``fgh(x, rows) -> (f, g, H)`` for the rows ``rows`` (indices into ``x0``).
    f : callable
        ``f(x, rows) -> f`` (value only, ``inf`` where undefined).
    x0 : ndarray, shape (S, p)
        Starting points.
    maxiter, rtol, ftol, max_backtrack, radius0
        Iteration cap, stopping tolerances, line-search cap and initial step-length cap.
    """
    v.function("fgh", fgh)
    v.function("f", f)
    x = v.finite("x0", x0).copy()
    if x.ndim != 2:
        raise ValueError(f"x0 must be a 2-D array of starts, shape (S, p); got shape {x.shape}")
    maxiter = v.integer("maxiter", maxiter, 1)
    rtol = v.scalar("rtol", rtol, 0.0, 1.0, lo_open=False)
    ftol = v.scalar("ftol", ftol, 0.0, 1.0, lo_open=False)
    max_backtrack = v.integer("max_backtrack", max_backtrack, 1, 1000)
    radius0 = v.positive_scalar("radius0", radius0)
    radius = np.full(x.shape[0], radius0)
    nit = np.zeros(x.shape[0], dtype=int)
    conv, fx, _ = _newton(fgh, f, x, radius, nit, maxiter=maxiter, rtol=rtol, ftol=ftol, max_backtrack=max_backtrack)
    return BatchResult(x=x, f=fx, converged=conv, n_iter=nit)


_BACKTRACK_MIN = 0.3  # a rejected step t is shrunk to within [0.3 t, 0.5 t] (see _backtrack)


def _backtrack(t: np.ndarray, ft: np.ndarray, f0: np.ndarray, gd: np.ndarray) -> np.ndarray:
    r"""Next trial step after the step ``t`` was rejected by the Armijo test.

    The minimiser of the quadratic through :math:`F(0)`, :math:`F'(0) = g^\top d` and :math:`F(t)`,
    :math:`t_q = -g^\top d\, t^2 / \bigl(2\,(F(t) - F(0) - g^\top d\, t)\bigr)` (Nocedal & Wright 2006, eq. 3.57),
    kept within :math:`[0.3\,t,\ 0.5\,t]` (:math:`0.3\,t` when :math:`F(t)` is not finite). On Hoffmann's grid this
    takes 28% fewer value-only evaluations than halving for about the same number of Newton iterations; the
    usual lower safeguard of :math:`0.1\,t` shortens the accepted steps and costs more iterations than it saves
    (``benchmarks/bench_fit_floor.py`` prints the three counts).
    """
    with np.errstate(all="ignore"):
        tq = -0.5 * gd * t * t / (ft - f0 - gd * t)
    tq = np.where(np.isfinite(tq), tq, _BACKTRACK_MIN * t)
    return np.clip(tq, _BACKTRACK_MIN * t, 0.5 * t)


_MAX_EXPAND = 10  # doublings of a step along negative curvature at most (see _expand)


def _expand(f, xa, Ha, d, idx, active, t, accepted, capped, fnew, late, x, radius, dn) -> None:
    r"""Extrapolate along directions of negative curvature (updates the iteration's arrays in place).

    A row whose full, uncapped step was accepted and along whose direction :math:`F` is concave
    (:math:`d^\top H d < 0`) tries :math:`t = 2, 4, \dots, 2^{10}` (value only, within its radius) while :math:`F`
    keeps falling, and keeps the last such point; its derivatives are then evaluated there (``late``). Without
    it, a start that reaches the plateau :math:`E \to 0` of Hoffmann's grid (:math:`\log E \approx -10`, where
    :math:`\partial F/\partial e` is tiny and the curvature slightly negative) crawls back in steps of
    :math:`|g/\lambda| \approx 0.003` for hundreds of iterations: on the grid the longest start took 500
    iterations (4 did not converge) and takes 145 with it (all converge).
    """
    cand = np.flatnonzero(accepted & ~capped & (t == 1.0))
    if cand.size == 0:
        return
    k = idx[cand]
    cand = cand[np.einsum("si,sij,sj->s", d[k], Ha[k], d[k]) < 0]
    tc, fc = t[cand], fnew[cand]
    pend = np.arange(cand.size)
    for _ in range(_MAX_EXPAND):
        c = cand[pend]
        k = idx[c]
        tn = 2.0 * tc[pend]
        ok = tn * dn[c] <= radius[active[k]]
        pend, tn, c, k = pend[ok], tn[ok], c[ok], k[ok]
        if pend.size == 0:
            break
        ft = f(xa[k] + tn[:, None] * d[k], active[k])
        better = ft < fc[pend]
        pend, tn, ft = pend[better], tn[better], ft[better]
        tc[pend], fc[pend] = tn, ft
        if pend.size == 0:
            break
    moved = cand[tc > t[cand]]
    if moved.size:
        sel = tc > t[cand]
        t[moved], fnew[moved] = tc[sel], fc[sel]
        k = idx[moved]
        x[active[k]] = xa[k] + t[moved, None] * d[k]
        late[moved] = True


def _newton(fgh: Callable, f: Callable, x: np.ndarray, radius: np.ndarray, nit: np.ndarray, *, maxiter: int,
            rtol: float, ftol: float, max_backtrack: int, coarse: bool = False, rows: Optional[np.ndarray] = None,
            escape: Optional[float] = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The iteration of :func:`minimize_batched`, continuing from ``x``, ``radius`` and ``nit`` (updated in place).

    Only the rows ``rows`` (default all) are iterated; a row takes at most ``maxiter - nit`` further steps.
    Returns ``(converged, f, escaped)``: the flags and the values at the final points, evaluated by
    ``f``/``fgh`` (so in their precision; ``inf`` outside ``rows``), and which rows left because an accepted
    step lowered :math:`F` by more than ``escape`` :math:`\max(1,|F|)` (a full-precision phase hands such
    rows back to the cheaper one; ``escape=None`` never does).

    With ``coarse=True`` (a low-precision first phase, see ``_minimize_huber``) no row is flagged
    converged: a row leaves the iteration, with its state as it is, as soon as one of the tests above holds
    at the tolerances ``rtol``/``ftol`` given, as soon as its point or a trial point is not finite in that
    precision, or when its line search fails; the rejected iteration is neither counted nor alters its
    radius, so that a second, full-precision call repeats it.
    """
    S, p = x.shape
    conv = np.zeros(S, dtype=bool)
    escaped = np.zeros(S, dtype=bool)
    rows = np.arange(S) if rows is None else rows
    fx, gx, Hx = np.full(S, np.inf), np.zeros((S, p)), np.zeros((S, p, p))
    fx[rows], gx[rows], Hx[rows] = fgh(x[rows], rows)  # value and derivatives at the current point of every row
    active = rows[nit[rows] < maxiter]
    eye = np.eye(p)
    value_first = np.zeros(S, dtype=bool)
    while active.size:
        xa, fa, ga, Ha = x[active], fx[active], gx[active], Hx[active]
        bad = ~np.isfinite(fa) | ~np.all(np.isfinite(ga), axis=1) | ~np.all(np.isfinite(Ha), axis=(1, 2))
        d = _newton_direction(np.where(bad[:, None, None], eye, Ha), ga)
        gd = np.einsum("si,si->s", ga, d)
        scale = rtol * np.maximum(1.0, np.abs(fa))
        done = ((-0.5 * gd <= scale) | (np.abs(ga).max(axis=1) <= scale)) & ~bad
        if not coarse:
            conv[active[done]] = True
        idx = np.flatnonzero(~done & ~bad)
        dn = np.sqrt(np.einsum("si,si->s", d[idx], d[idx]))
        t = np.minimum(1.0, radius[active[idx]] / dn)
        capped = t < 1.0
        fnew = np.empty(idx.size)
        quit = np.zeros(idx.size, dtype=bool)  # coarse phase: a trial point left the precision's range
        # first trial step: value *and* derivatives, which the next iteration reuses if the step is accepted;
        # the value alone for rows whose previous first trial was rejected (likely again: derivatives wasted)
        xt = xa[idx] + t[:, None] * d[idx]
        ra = active[idx]
        vo = value_first[ra]
        full = np.flatnonzero(~vo)
        ft = np.empty(idx.size)
        ft_full, gt, Ht = fgh(xt[full], ra[full])
        ft[full] = ft_full
        if vo.any():
            ft[vo] = f(xt[vo], ra[vo])
        accepted = ft <= fa[idx] + 1e-4 * t * gd[idx]
        if coarse:
            quit = ~np.isfinite(ft)
        acc_full = accepted[full]
        rows = ra[full[acc_full]]
        x[rows], fx[rows], gx[rows], Hx[rows] = xt[full[acc_full]], ft_full[acc_full], gt[acc_full], Ht[acc_full]
        late = accepted & vo  # accepted on a value-only trial: derivatives still to evaluate
        x[ra[late]] = xt[late]
        value_first[ra] = ~accepted
        fnew[accepted] = ft[accepted]
        rej = ~accepted
        t[rej] = _backtrack(t[rej], ft[rej], fa[idx[rej]], gd[idx[rej]])
        for _ in range(max_backtrack - 1):  # backtracking on values only
            pend = np.flatnonzero(~accepted & ~quit)
            if pend.size == 0:
                break
            k = idx[pend]
            xt = xa[k] + t[pend, None] * d[k]
            ft = f(xt, active[k])
            ok = ft <= fa[k] + 1e-4 * t[pend] * gd[k]
            accepted[pend[ok]] = True
            late[pend[ok]] = True
            fnew[pend[ok]] = ft[ok]
            x[active[k[ok]]] = xt[ok]
            bad_t = pend[~ok]
            t[bad_t] = _backtrack(t[bad_t], ft[~ok], fa[k[~ok]], gd[k[~ok]])
            if coarse:
                quit[pend[~np.isfinite(ft)]] = True
        _expand(f, xa, Ha, d, idx, active, t, accepted, capped, fnew, late, x, radius, dn)
        if late.any():
            rows = active[idx[late]]
            fx[rows], gx[rows], Hx[rows] = fgh(x[rows], rows)
        step = t * dn
        if coarse:  # a rejected iteration is repeated by the full-precision phase: leave its state alone
            new_r = np.where(accepted & capped & (step >= radius[ra] * (1 - 1e-12)), 2.0 * radius[ra],
                             np.maximum(radius[ra], step))
            radius[ra] = np.where(accepted, new_r, radius[ra])
            nit[ra[accepted]] += 1
        else:
            radius[ra] = np.where(accepted & capped & (step >= radius[ra] * (1 - 1e-12)), 2.0 * radius[ra],
                                  np.where(accepted, np.maximum(radius[ra], step), np.maximum(step, 1e-12)))
            # rows whose line search failed are at a (numerical) stationary point
            stuck = idx[~accepted]
            conv[active[stuck]] = np.abs(gd[stuck]) <= 1e-8 * np.maximum(1.0, np.abs(fa[stuck]))
            nit[ra] += 1
        keep = np.zeros(active.size, dtype=bool)
        keep[idx[accepted]] = True
        # stop rows whose accepted step no longer lowers F by more than ftol (relative), as scipy does
        acc = idx[accepted]
        small = fa[acc] - fnew[accepted] <= ftol * np.maximum(1.0, np.abs(fa[acc]))
        if not coarse:
            conv[active[acc[small]]] = True
        keep[acc[small]] = False
        if escape is not None:
            big = fa[acc] - fnew[accepted] > escape * np.maximum(1.0, np.abs(fa[acc]))
            escaped[active[acc[big]]] = True
            keep[acc[big]] = False
        active = active[keep]
        active = active[nit[active] < maxiter]
    return conv, fx, escaped


# --------------------------------------------------------------------------- fits
@dataclass(frozen=True)
class FitResult:
    r"""Result of :func:`fit_chinchilla`.

    Attributes
    ----------
    law : ChinchillaLaw
        The best fit.
    theta : ndarray, shape (5,)
        :math:`(\log A, \log B, \log E, \alpha, \beta)` of the best fit.
    objective : float
        Summed Huber objective :math:`F(\hat\theta)` (unscaled).
    converged : bool
        Whether the optimiser met its stopping test at the best start.
    n_iter : int
        Newton iterations of the best start.
    start : ndarray, shape (5,)
        The initialisation that led to the best fit.
    objectives : ndarray, shape (S,)
        Final objective of every start (``inf`` if the model overflowed).
    thetas : ndarray, shape (S, 5)
        Final parameters of every start.
    converged_all : ndarray of bool, shape (S,)
        Convergence flag of every start.
    """

    law: ChinchillaLaw
    theta: np.ndarray
    objective: float
    converged: bool
    n_iter: int
    start: np.ndarray
    objectives: np.ndarray = field(repr=False)
    thetas: np.ndarray = field(repr=False)
    converged_all: np.ndarray = field(repr=False)


def _prepare(N, D, loss, delta):
    N, D, loss = _check_data(N, D, loss)
    delta = _check_delta(delta)
    return np.log(N), np.log(D), np.log(loss), delta


_COARSE_RTOL = 1e-5  # float32 phase: leave when the Newton decrement or a step's decrease is this small (relative)
_COARSE_FTOL = 1e-5
_ESCAPE = 1e-4  # float64 phase: a step that lowers F by more than this (relative) hands its row back to float32
_MAX_CYCLES = 20  # float32/float64 alternations at most; the last float64 phase keeps every row to its tests


def _minimize_huber(lN, lD, lL, delta, starts, maxiter, weights=None, *, coarse: bool = True) -> BatchResult:
    r"""Minimise :math:`F/\delta^2` from every row of ``starts``: a float32 phase, then the float64 iteration.

    Both phases are the iteration of :func:`minimize_batched` (default tolerances, ``radius0 = 10``). The first
    evaluates the objective, gradient and Hessian in float32, whose exponentials and logarithms are
    vectorised (SIMD) where float64's are not, while the Newton directions and the iterate stay float64. A row
    leaves it when the float32 tests hold at a tolerance of :math:`10^{-5}` (Newton decrement
    :math:`-g^\top d/2` or an accepted decrease below :math:`10^{-5}\max(1,|F|)`), when its line search
    fails, or when a point leaves float32's range; the rejected iteration is not counted. Every row then runs
    the float64 iteration from where it stopped (same radius, iterations counted against the same
    ``maxiter``) until the float64 tests of :func:`minimize_batched` hold. Near an optimum Newton converges
    quadratically, so there it takes one or two steps. A row that float32 left on a saddle or a plateau
    (progress per step below what float32 resolves) crawls on in float64 until it escapes: as soon as one
    accepted float64 step lowers :math:`F` by more than :math:`10^{-4}\max(1,|F|)` the row goes back to
    float32, and the two phases alternate (at most 20 times; the last float64 phase keeps every row to the
    float64 tests). Every reported point, value and flag is thus a float64 result of its start.
    ``coarse=False`` runs the float64 iteration alone.
    """
    with threadpool_limits(limits=1, user_api="blas"):  # many tiny BLAS/LAPACK calls: threads only add overhead
        return _minimize_huber_phases(lN, lD, lL, delta, starts, maxiter, weights, coarse)


def _minimize_huber_phases(lN, lD, lL, delta, starts, maxiter, weights, coarse: bool) -> BatchResult:
    """The phases of ``_minimize_huber`` (BLAS threads already pinned)."""
    x = np.array(starts, dtype=float)
    radius = np.full(x.shape[0], 10.0)
    nit = np.zeros(x.shape[0], dtype=int)
    kw = dict(maxiter=maxiter, max_backtrack=60)
    fine = dict(rtol=1e-15, ftol=1e7 * np.finfo(float).eps, **kw)
    p64 = _HuberProblem(lN, lD, lL, delta, weights=weights)
    if not coarse:
        conv, fx, _ = _newton(p64.fgh, p64.f, x, radius, nit, **fine)
        return BatchResult(x=x, f=fx, converged=conv, n_iter=nit)
    p32 = _HuberProblem(lN, lD, lL, delta, weights=weights, dtype=np.float32)
    conv, fx = np.zeros(x.shape[0], dtype=bool), np.full(x.shape[0], np.inf)
    todo = np.arange(x.shape[0])
    for cycle in range(_MAX_CYCLES):
        _newton(p32.fgh, p32.f, x, radius, nit, rtol=_COARSE_RTOL, ftol=_COARSE_FTOL, coarse=True, rows=todo, **kw)
        last = cycle == _MAX_CYCLES - 1
        c, f64, esc = _newton(p64.fgh, p64.f, x, radius, nit, rows=todo, escape=None if last else _ESCAPE, **fine)
        conv[todo], fx[todo] = c[todo], f64[todo]
        todo = todo[esc[todo]]
        if todo.size == 0:
            break
    return BatchResult(x=x, f=fx, converged=conv, n_iter=nit)


def _minimize_chunk(args) -> BatchResult:
    """Worker of :func:`fit_chinchilla` with ``workers > 1``: run one block of starts."""
    lN, lD, lL, delta, starts, maxiter, weights = args
    return _minimize_huber(lN, lD, lL, delta, starts, maxiter, weights)


def _minimize_starts(lN, lD, lL, delta, starts, maxiter, workers, weights=None) -> BatchResult:
    """Run every start, in ``workers`` processes over interleaved blocks of starts (each row is independent).

    ``weights`` (``(S, n)``, one row per start, or ``None``) travel with their starts."""
    if workers == 1 or starts.shape[0] < 2 * workers:
        return _minimize_chunk((lN, lD, lL, delta, starts, maxiter, weights))
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    order = np.concatenate([np.arange(w, starts.shape[0], workers) for w in range(workers)])  # interleaved: balanced
    blocks = np.array_split(starts[order], workers)
    wblocks = [None] * workers if weights is None else np.array_split(weights[order], workers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        parts = list(pool.map(_minimize_chunk, [(lN, lD, lL, delta, b, maxiter, w) for b, w in zip(blocks, wblocks)]))
    inv = np.argsort(order)
    return BatchResult(x=np.concatenate([r.x for r in parts])[inv], f=np.concatenate([r.f for r in parts])[inv],
                       converged=np.concatenate([r.converged for r in parts])[inv],
                       n_iter=np.concatenate([r.n_iter for r in parts])[inv])


def fit_chinchilla(N, D, loss, *, delta: float = 1e-3, starts=None, maxiter: int = 500,
                   workers: int = 1) -> FitResult:
    r"""Fit :math:`L = E + A/N^\alpha + B/D^\beta` by Hoffmann et al.'s Approach 3.

    Minimises :math:`F(\theta) = \sum_i \mathrm{Huber}_\delta(\mathrm{LSE}(a-\alpha\log N_i,
    b-\beta\log D_i, e) - \log L_i)` from every start at once (:func:`minimize_batched`: Newton
    steps with the analytic gradient and Hessian of :func:`huber_derivatives`, stopped by L-BFGS-B's
    relative-reduction test on the well-scaled :math:`F/\delta^2`), keeps the lowest converged
    objective and polishes that start until its Newton decrement is at rounding level. The iteration
    runs a float32 phase first and then float64 to the float64 tests (see the module docstring and
    ``_minimize_huber``), so each start's result is a float64 result; which local optimum a start
    whose path is chaotic (a saddle or a plateau on the way) ends in can depend on rounding.

    Parameters
    ----------
    N, D, loss : array_like, shape (n,)
        Parameters, training tokens and final loss of each run; positive and finite, ``n >= 5``.
    delta : float
        Huber threshold on the log-loss residual (default ``1e-3`` as in Hoffmann et al.).
    starts : array_like, shape (S, 5), optional
        Initial :math:`(\log A, \log B, \log E, \alpha, \beta)`; default :func:`hoffmann_grid` (4,500 starts).
    maxiter : int
        Iteration cap per start.
    workers : int
        Processes over which the starts are split (interleaved blocks). Every start is optimised
        independently, so the best fit does not depend on ``workers``; a start whose path is chaotic
        may end elsewhere by rounding, because block sizes change the order of floating-point sums.
        ``1`` (the default) runs in this process.

    Returns
    -------
    FitResult
    """
    workers = v.integer("workers", workers, 1, 1024)
    maxiter = v.integer("maxiter", maxiter, 1)
    lN, lD, lL, delta = _prepare(N, D, loss, delta)
    starts = hoffmann_grid() if starts is None else _check_theta("starts", starts)
    starts = np.atleast_2d(starts)
    if starts.ndim != 2:
        raise ValueError(f"starts must have shape (S, 5); got shape {starts.shape}")
    prob = _HuberProblem(lN, lD, lL, delta)
    st = _minimize_starts(lN, lD, lL, delta, starts, int(maxiter), int(workers))
    cand = np.where(st.converged & np.isfinite(st.f), st.f, np.inf)
    if not np.isfinite(cand).any():
        cand = st.f
    k = int(np.argmin(cand))
    # polish the winner with the relative-decrease test switched off (Newton decrement only)
    pol = minimize_batched(prob.fgh, prob.f, st.x[k:k + 1], maxiter=100, ftol=0.0, radius0=1.0)
    if pol.f[0] <= st.f[k]:
        st.x[k], st.f[k] = pol.x[0], pol.f[0]
        st.converged[k] = st.converged[k] or pol.converged[0]
    obj = st.f * delta**2
    return FitResult(law=law_from_theta(st.x[k]), theta=st.x[k].copy(), objective=float(obj[k]),
                     converged=bool(st.converged[k]), n_iter=int(st.n_iter[k]), start=starts[k].copy(),
                     objectives=obj, thetas=st.x, converged_all=st.converged)


# --------------------------------------------------------------------------- bootstrap
def resample_counts(n: int, n_resamples: int, seed: int = 0, *, scheme: str = "multinomial") -> np.ndarray:
    r"""Bootstrap resamples of ``n`` points as integer counts, shape ``(n_resamples, n)``.

    Row :math:`k` counts how often each point appears when ``n`` indices are drawn with
    replacement, i.e. a draw from :math:`\mathrm{Multinomial}(n, (1/n, \dots, 1/n))`.

    Parameters
    ----------
    n, n_resamples : int
        Points per data set and number of resamples (positive).
    seed : int
        Seed of the generator.
    scheme : {"multinomial", "epoch"}
        ``"multinomial"`` draws the counts with :func:`numpy.random.default_rng`; ``"epoch"`` reproduces,
        draw for draw, the indices of ``numpy.random.seed(seed)`` followed by ``n_resamples`` calls of
        ``numpy.random.choice(n, n, replace=True)`` (the legacy generator Besiroglu et al. 2024 use),
        so that their bootstrap can be replicated exactly.
    """
    n = v.integer("n", n, 1, _MAX_COUNTS)
    B = v.integer("n_resamples", n_resamples, 1, _MAX_COUNTS)
    if n * B > _MAX_COUNTS:
        raise ValueError(f"n, n_resamples: n * n_resamples must be at most {_MAX_COUNTS:.0e} counts; got {n} * {B}")
    seed = v.seed("seed", seed)
    v.choice("scheme", scheme, ("multinomial", "epoch"))
    if scheme == "multinomial":
        rng = np.random.default_rng(seed)
        return rng.multinomial(n, np.full(n, 1.0 / n), size=B).astype(float)
    if scheme == "epoch":
        idx = np.random.RandomState(seed).randint(0, n, size=(B, n))  # same stream as B calls of choice(n, n)
        counts = np.zeros((B, n))
        np.add.at(counts, (np.repeat(np.arange(B), n), idx.ravel()), 1.0)
        return counts
    raise ValueError(f"scheme must be one of 'multinomial', 'epoch'; got {scheme!r}")


@dataclass(frozen=True)
class BootstrapResult:
    r"""Replicate fits of :func:`bootstrap_chinchilla` (one row per resample).

    Attributes
    ----------
    theta : ndarray, shape (B, 5)
        :math:`(\log A, \log B, \log E, \alpha, \beta)` of each resample.
    objective : ndarray, shape (B,)
        Weighted summed Huber objective at each replicate's optimum.
    converged : ndarray of bool, shape (B,)
    counts : ndarray, shape (B, n)
        How often each point appears in each resample.
    """

    theta: np.ndarray = field(repr=False)
    objective: np.ndarray = field(repr=False)
    converged: np.ndarray = field(repr=False)
    counts: np.ndarray = field(repr=False)

    @property
    def A(self) -> np.ndarray:
        """``A`` of every replicate, shape ``(B,)``."""
        return np.exp(self.theta[:, 0])

    @property
    def B(self) -> np.ndarray:
        """``B`` of every replicate, shape ``(B,)``."""
        return np.exp(self.theta[:, 1])

    @property
    def E(self) -> np.ndarray:
        """``E`` of every replicate, shape ``(B,)``."""
        return np.exp(self.theta[:, 2])

    @property
    def alpha(self) -> np.ndarray:
        """``alpha`` of every replicate, shape ``(B,)``."""
        return self.theta[:, 3]

    @property
    def beta(self) -> np.ndarray:
        """``beta`` of every replicate, shape ``(B,)``."""
        return self.theta[:, 4]

    @property
    def a(self) -> np.ndarray:
        r""":math:`a = \beta/(\alpha+\beta)` of each resample."""
        return self.beta / (self.alpha + self.beta)

    def params(self) -> dict[str, np.ndarray]:
        """Replicates of E, A, B, alpha, beta and a = beta/(alpha+beta), keyed by name."""
        return {"E": self.E, "A": self.A, "B": self.B, "alpha": self.alpha, "beta": self.beta, "a": self.a}

    def se(self) -> dict[str, float]:
        """Bootstrap standard errors (sample SD, ``ddof=1``) of every parameter and of ``a``."""
        return {k: float(np.std(x, ddof=1)) for k, x in self.params().items()}

    def interval(self, level: float = 0.95) -> dict[str, tuple[float, float]]:
        """Percentile interval ``((1-level)/2, (1+level)/2)`` of every parameter and of ``a``."""
        level = float(v.in_open_interval("level", level, 0.0, 1.0))
        q = [(1 - level) / 2, (1 + level) / 2]
        return {k: tuple(float(y) for y in np.quantile(x, q)) for k, x in self.params().items()}

    def runs_for_width(self, target_width: float, *, param: str = "a", level: float = 0.8) -> float:
        r"""Runs needed to narrow a bootstrap percentile interval to ``target_width``.

        A bootstrap spread shrinks like :math:`n^{-1/2}`, so an interval of width :math:`w` on :math:`n_0`
        runs narrows to :math:`w_{\mathrm{target}}` with

        .. math::

            n_{\mathrm{required}} = n_0 \left(\frac{w}{w_{\mathrm{target}}}\right)^2 ,

        where :math:`w` is the central ``level`` percentile width of the replicates of ``param`` and
        :math:`n_0` the number of runs per resample (Besiroglu et al. 2024's argument against the 80%
        interval of width 0.001 that Hoffmann et al. 2022 report for :math:`a`).

        Parameters
        ----------
        target_width : float
            Interval width to reach, positive.
        param : str
            One of ``E, A, B, alpha, beta, a``.
        level : float
            Coverage of the interval, in (0, 1); 0.8 is Hoffmann et al.'s 10th-90th percentile.
        """
        target = float(v.positive("target_width", target_width))
        params = self.params()
        v.choice("param", param, sorted(params))
        lo, hi = self.interval(level)[param]
        n0 = float(self.counts[0].sum())
        return n0 * ((hi - lo) / target) ** 2

    def laws(self) -> list[ChinchillaLaw]:
        """One :class:`~t2lib.laws.ChinchillaLaw` per resample."""
        return [law_from_theta(t) for t in self.theta]

    def compute_optimal(self, C) -> tuple[np.ndarray, np.ndarray]:
        r""":math:`N_{opt}(C), D_{opt}(C)` of every replicate, shape ``(B,) + C.shape``
        (Eq. 4 of Hoffmann et al.: :math:`N_{opt} = G (C/6)^{a}`, :math:`G = (\alpha A/\beta B)^{1/(\alpha+\beta)}`)."""
        C = v.positive("C", C)
        al, be = self.alpha, self.beta
        G = (al * self.A / (be * self.B)) ** (1.0 / (al + be))
        shape = (-1,) + (1,) * C.ndim
        x = C / 6.0
        Nopt = G.reshape(shape) * x ** self.a.reshape(shape)
        Dopt = x / Nopt
        return Nopt, Dopt


def bootstrap_chinchilla(N, D, loss, *, n_resamples: int = 4000, seed: int = 0, delta: float = 1e-3,
                         start=None, scheme: str = "multinomial", maxiter: int = 500,
                         workers: int = 1) -> BootstrapResult:
    r"""Non-parametric bootstrap of the Approach-3 fit (Efron & Tibshirani 1993).

    Each resample draws the ``n`` runs with replacement (integer counts :math:`w_{ki}`) and minimises
    :math:`F_k(\theta) = \sum_i w_{ki}\,\mathrm{Huber}_\delta(\log\hat L_i(\theta) - \log L_i)`.
    All resamples are optimised together (batched Newton, a float32 phase then float64 to the float64
    stopping tests, as in :func:`fit_chinchilla`), each started at ``start``.

    Parameters
    ----------
    N, D, loss : array_like, shape (n,)
        The data (positive, finite, ``n >= 5``).
    n_resamples : int
        Number of resamples (Epoch AI use 4,000).
    seed : int
        Seed of the resampling (see :func:`resample_counts`).
    delta : float
        Huber threshold.
    scheme : {"multinomial", "epoch"}
        How resamples are drawn (see :func:`resample_counts`); ``scheme="epoch", seed=42`` gives
        exactly the resamples of Besiroglu et al. (2024).
    start : array_like, shape (5,), optional
        Initial :math:`\theta` for every resample; default the full-data optimum found by
        :func:`fit_chinchilla` with Hoffmann's grid.
    maxiter : int
        Iteration cap per resample.
    workers : int
        Processes over which the resamples are split (interleaved blocks; ``1``, the default, runs in this
        process). Every resample is optimised independently from the same start; only the order of
        floating-point sums can differ between block sizes.

    Returns
    -------
    BootstrapResult
    """
    lN, lD, lL, delta = _prepare(N, D, loss, delta)
    maxiter = v.integer("maxiter", maxiter, 1)
    workers = v.integer("workers", workers, 1, 1024)
    resample_counts(1, n_resamples, seed, scheme=scheme)  # argument checks before the (long) full-data fit
    if start is None:
        start = fit_chinchilla(N, D, loss, delta=delta, workers=workers).theta
    start = _check_theta("start", start)
    if start.shape != (_N_PARAMS,):
        raise ValueError(f"start must have shape (5,); got shape {start.shape}")
    W = resample_counts(lN.size, n_resamples, seed, scheme=scheme)
    st = _minimize_starts(lN, lD, lL, delta, np.tile(start, (W.shape[0], 1)), maxiter, workers, weights=W)
    return BootstrapResult(theta=st.x, objective=st.f * delta**2, converged=st.converged, counts=W)


# --------------------------------------------------------------------------- maximum likelihood
def huber_log_normaliser(delta: float = 1e-3) -> float:
    r""":math:`\log Z_\delta` with :math:`Z_\delta = \int e^{-\mathrm{Huber}_\delta(x)}dx
    = \sqrt{2\pi}\,(1 - 2\bar\Phi(\delta)) + \tfrac{2}{\delta} e^{-\delta^2/2}`."""
    delta = _check_delta(delta)
    Z = np.sqrt(2 * np.pi) * (1.0 - 2.0 * ndtr(-delta)) + 2.0 / delta * np.exp(-delta**2 / 2)
    return float(np.log(Z))


def huber_nll(theta, log_sigma, N, D, loss, *, delta: float = 1e-3) -> np.ndarray:
    r"""Negative log-likelihood of the "Huber density" model of Besiroglu et al. (2024).

    With :math:`r_i = \log L_i - \log\hat L_i(\theta)` i.i.d. with density
    :math:`p(r) = e^{-\mathrm{Huber}_\delta(r/\sigma)}/(\sigma Z_\delta)`,

    .. math::

        -\ell(\theta, \sigma) = \sum_i \mathrm{Huber}_\delta(r_i/\sigma) + n\log\sigma + n\log Z_\delta .

    ``theta`` may be ``(5,)`` or ``(S, 5)`` with ``log_sigma`` broadcasting against its leading axis.
    """
    N, D, loss = _check_data(N, D, loss)
    delta = _check_delta(delta)
    ls = v.finite("log_sigma", log_sigma)
    t = _check_theta("theta", theta)
    if ls.ndim > 1 or (ls.ndim == 1 and (t.ndim != 2 or ls.shape[0] not in (1, t.shape[0]))):
        raise ValueError(f"log_sigma must be a scalar or have one value per row of theta; got shape {ls.shape} "
                         f"for theta of shape {t.shape}")
    r = predict_log_loss(theta, N, D) - np.log(loss)
    sig = np.exp(ls)[..., None]
    z = r / sig
    c = np.clip(z, -delta, delta)
    n = N.size
    return v.finite_result((c * (z - 0.5 * c)).sum(axis=-1) + n * ls + n * huber_log_normaliser(delta),
                           "the negative log-likelihood", theta=theta, log_sigma=ls)


@dataclass(frozen=True)
class MLEResult:
    r"""Result of :func:`fit_chinchilla_mle`.

    Attributes
    ----------
    law : ChinchillaLaw
    theta : ndarray, shape (5,)
    sigma : float
        Fitted scale :math:`\hat\sigma` of the Huber density.
    loglik : float
        Maximised log-likelihood :math:`\ell(\hat\theta, \hat\sigma)`.
    converged : bool
    """

    law: ChinchillaLaw
    theta: np.ndarray
    sigma: float
    loglik: float
    converged: bool


def _profile_sigma(r: np.ndarray, delta: float) -> float:
    r"""Maximiser in :math:`\sigma` of the Huber-density likelihood for fixed residuals ``r``.

    Setting :math:`\partial_\sigma` of :math:`\sum_i \mathrm{Huber}_\delta(r_i/\sigma) + n\log\sigma` to zero gives
    :math:`\sum_i \psi(r_i/\sigma)\,r_i/\sigma = n` with :math:`\psi = \mathrm{clip}(\cdot, \pm\delta)`; the left side
    decreases in :math:`\sigma`, so a bisection in :math:`\log\sigma` finds the root.
    """
    a = np.abs(r)
    n = r.size

    def excess(ls):
        z = a / np.exp(ls)
        return np.sum(np.minimum(z, delta) * z) - n

    lo, hi = np.log(a.max() * 1e-12 + 1e-300), np.log(a.max() * 1e6 + 1e-300)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if excess(mid) > 0:
            lo = mid
        else:
            hi = mid
    return float(np.exp(0.5 * (lo + hi)))


def fit_chinchilla_mle(N, D, loss, *, delta: float = 1e-3, start=None, max_rounds: int = 50) -> MLEResult:
    r"""Maximum-likelihood fit with a free scale :math:`\sigma` (Besiroglu et al. 2024's point estimate).

    Maximises :math:`\ell(\theta,\sigma) = -\sum_i \mathrm{Huber}_\delta(r_i/\sigma) - n\log\sigma - n\log Z_\delta`
    (see :func:`huber_nll`). Because :math:`\mathrm{Huber}_\delta(r/\sigma) = \mathrm{Huber}_{\delta\sigma}(r)/\sigma^2`,
    for fixed :math:`\sigma` the problem in :math:`\theta` is the Approach-3 fit with threshold
    :math:`\delta\sigma`. The fit alternates the two blocks: :math:`\theta` by the batched Newton method
    with threshold :math:`\delta\sigma`, then :math:`\sigma` by its one-dimensional profile equation,
    lowering the threshold geometrically (at most 10× per round) so that every :math:`\theta` step is
    warm-started, until :math:`\sigma` changes by less than :math:`10^{-10}` (relative).

    Parameters
    ----------
    N, D, loss : array_like, shape (n,)
        The data.
    delta : float
        Shape parameter of the Huber density (``1e-3`` as in Besiroglu et al.).
    start : array_like, shape (5,), optional
        Initial :math:`\theta`; default the :func:`fit_chinchilla` optimum.
    max_rounds : int
        Cap on the number of alternations.
    """
    lN, lD, lL, delta = _prepare(N, D, loss, delta)
    max_rounds = v.integer("max_rounds", max_rounds, 1, 10_000)
    theta = fit_chinchilla(N, D, loss, delta=delta).theta if start is None else _check_theta("start", start)
    if theta.shape != (_N_PARAMS,):
        raise ValueError(f"start must have shape (5,); got shape {theta.shape}")
    thr = delta  # current threshold delta * sigma (sigma = 1 to begin with)
    converged = False
    sigma = 1.0
    for _ in range(int(max_rounds)):
        prob = _HuberProblem(lN, lD, lL, thr)
        st = minimize_batched(prob.fgh, prob.f, theta[None, :], maxiter=500)
        theta = st.x[0]
        r = predict_log_loss(theta, np.exp(lN), np.exp(lD)) - lL
        new_sigma = _profile_sigma(r, delta)
        target = delta * new_sigma
        if abs(target - thr) <= 1e-10 * thr and st.converged[0]:
            converged = True
            sigma = new_sigma
            break
        thr = max(target, thr / 10.0) if target < thr else min(target, thr * 10.0)
        sigma = new_sigma
    nll = float(huber_nll(theta, np.log(sigma), np.exp(lN), np.exp(lD), np.exp(lL), delta=delta))
    return MLEResult(law=law_from_theta(theta), theta=theta, sigma=sigma, loglik=-nll, converged=converged)
