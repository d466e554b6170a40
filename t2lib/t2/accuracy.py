r"""Approach 2 of the T² law (Roberts et al. 2026): pass@k accuracy from a Beta regression on the loss.

A Chinchilla law :math:`\hat L(N, D) = E + A/N^\alpha + B/D^\beta` (fitted to the single-sample loss) is the
linear predictor of a Beta distribution of per-question success probabilities :math:`p`, with mean and
concentration

.. math::

    \mu = \frac{\theta_2}{1 + \exp\big(\theta_1 (\hat L - \theta_0)\big)}, \qquad
    \nu = \exp(\theta_3 + \theta_4 \hat L), \qquad p \sim \mathrm{Beta}\big(\mu\nu,\ (1-\mu)\nu\big),

so that the expected pass@k has the closed form

.. math::

    \mathrm{Acc}(N, D, k) = 1 - \frac{\mathrm B\big(\mu\nu,\ (1-\mu)\nu + k\big)}{\mathrm B\big(\mu\nu,\ (1-\mu)\nu\big)} ,

computed by :func:`t2lib.passk.beta_pass_at_k`. The optimum under :math:`6ND = C_{\mathrm{train}}`,
:math:`2Nk = C_{\mathrm{inf}}` has no closed form; :meth:`T2AccuracyLaw.optimal` searches :math:`u = \ln N` on a grid
and refines the best cell by golden-section search, for every budget pair at once.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from ..laws import ChinchillaLaw

from ..passk import _log_beta_ratio, beta_pass_at_k
from .law import _broadcast, _check_min_samples

__all__ = ["T2AccuracyLaw", "t2_accuracy_optimal", "jensen_gap", "monte_carlo_accuracy", "GRID_POINTS",
           "GOLDEN_STEPS"]

GRID_POINTS = 64
r"""Points of the coarse grid in :math:`\ln N` of :func:`t2_accuracy_optimal`."""
GOLDEN_STEPS = 42
"""Golden-section steps of :func:`t2_accuracy_optimal` inside the two grid cells around the best point."""
NU_MAX = 1e12
r"""Cap on the concentration :math:`\nu` (a Beta with :math:`\nu > 10^{12}` is a point mass at :math:`\mu` to
:math:`10^{-12}` in variance); it keeps :math:`\mu\nu` finite where :math:`\hat L` is huge."""
_INVPHI = (np.sqrt(5.0) - 1.0) / 2.0


def _real_scalar(name: str, x) -> float:
    arr = v.finite(name, x)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a scalar; got shape {arr.shape}")
    return float(arr)


@dataclass(frozen=True)
class T2AccuracyLaw:
    r"""The T² Approach-2 law: pass@k of a Beta-distributed success probability driven by :math:`\hat L(N,D)`.

    Parameters
    ----------
    loss_law : ChinchillaLaw
        Stage 1: the single-sample loss law :math:`\hat L(N, D)`.
    theta0 : float
        Loss at the midpoint of the sigmoid (any finite real).
    theta1 : float
        Slope of the sigmoid, ``> 0`` (accuracy falls as the loss rises).
    theta2 : float
        Upper asymptote of the mean accuracy, ``0 < theta2 <= 1``.
    theta3, theta4 : float
        Intercept and slope of :math:`\ln\nu` in :math:`\hat L` (any finite reals).
    """

    loss_law: ChinchillaLaw
    theta0: float
    theta1: float
    theta2: float
    theta3: float
    theta4: float

    def __post_init__(self) -> None:
        if not isinstance(self.loss_law, ChinchillaLaw):
            raise ValueError(f"loss_law must be a ChinchillaLaw; got {type(self.loss_law).__name__}")
        object.__setattr__(self, "theta0", _real_scalar("theta0", self.theta0))
        object.__setattr__(self, "theta1", v.positive_scalar("theta1", self.theta1))
        t2 = v.positive_scalar("theta2", self.theta2)
        if t2 > 1:
            raise ValueError(f"theta2 must lie in (0, 1]; got {self.theta2!r}")
        object.__setattr__(self, "theta2", t2)
        object.__setattr__(self, "theta3", _real_scalar("theta3", self.theta3))
        object.__setattr__(self, "theta4", _real_scalar("theta4", self.theta4))

    @property
    def thetas(self) -> tuple[float, float, float, float, float]:
        r""":math:`(\theta_0, \dots, \theta_4)`."""
        return (self.theta0, self.theta1, self.theta2, self.theta3, self.theta4)

    # ------------------------------------------------------------------ from the loss
    def _loss(self, N, D) -> np.ndarray:
        N_, D_ = _broadcast(N=v.positive("N", N), D=v.positive("D", D))
        return self.loss_law.loss(N_, D_)

    def _mean_conc_from_loss(self, L: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = self.theta1 * (L - self.theta0)
        mu = self.theta2 * np.exp(-np.logaddexp(0.0, z))  # theta2 / (1 + e^z), no overflow
        # nu is capped at NU_MAX: beyond it the Beta is a point mass at mu for every k in use (its variance is below
        # 1e-12), and an unbounded nu overflows for very weak models (mu * nu = 0 * inf) when theta4 > 0
        nu = np.exp(np.minimum(self.theta3 + self.theta4 * L, np.log(NU_MAX)))
        return mu, nu

    def mean(self, N, D) -> np.ndarray:
        r"""Mean single-sample accuracy :math:`\mu = \theta_2 / (1 + e^{\theta_1(\hat L - \theta_0)})`."""
        return self._mean_conc_from_loss(self._loss(N, D))[0]

    def concentration(self, N, D) -> np.ndarray:
        r"""Concentration :math:`\nu = e^{\theta_3 + \theta_4 \hat L}` of the Beta distribution."""
        return self._mean_conc_from_loss(self._loss(N, D))[1]

    def beta_params(self, N, D) -> tuple[np.ndarray, np.ndarray]:
        r"""The Beta parameters :math:`(a, b) = (\mu\nu, (1-\mu)\nu)`."""
        mu, nu = self._mean_conc_from_loss(self._loss(N, D))
        return mu * nu, (1.0 - mu) * nu

    def accuracy(self, N, D, k) -> np.ndarray:
        r"""Expected pass@k, :math:`1 - \mathrm B(a, b + k)/\mathrm B(a, b)` (broadcasts over N, D, k).

        Parameters
        ----------
        N, D : array_like
            Parameters and training tokens, positive and finite.
        k : array_like
            Samples per problem, real, positive and finite.
        """
        k = v.positive("k", k)
        a, b = self.beta_params(N, D)
        _broadcast(N=a, k=k)
        # mu * nu underflows to 0 for very weak models (accuracy -> 0 there): floor at the smallest normal float
        tiny = np.finfo(float).tiny
        return np.asarray(beta_pass_at_k(np.maximum(a, tiny), np.maximum(b, tiny), k), dtype=float)

    def naive_accuracy(self, N, D, k) -> np.ndarray:
        r"""The naive model :math:`1 - (1 - \mu)^k`, which ignores the spread of difficulty (an upper bound)."""
        k = v.positive("k", k)
        mu = self.mean(N, D)
        _broadcast(N=mu, k=k)
        return -np.expm1(k * np.log1p(-mu))

    def jensen_gap(self, N, D, k) -> np.ndarray:
        """How much the naive model overestimates pass@k: :func:`jensen_gap` with this law."""
        return jensen_gap(self, N, D, k)

    def optimal(self, C_train, C_inf, min_samples: float | None = None, N_min: float = 1e3, naive: bool = False):
        """The accuracy-optimal ``(N, D, k)`` under both budgets: :func:`t2_accuracy_optimal` with this law."""
        return t2_accuracy_optimal(self, C_train, C_inf, min_samples=min_samples, N_min=N_min, naive=naive)

    def k1_allocation(self, C_train, C_inf):
        """The single-sample (k = 1) allocation and the samples it can afford: :func:`t2lib.t2.k1_allocation`."""
        from .law import k1_allocation

        return k1_allocation(self, C_train, C_inf)


_PARAM_FIELDS = ("E", "A", "B", "alpha", "beta", "theta0", "theta1", "theta2", "theta3", "theta4")


def _law_params(law: T2AccuracyLaw) -> dict[str, float]:
    h = law.loss_law
    return {"E": h.E, "A": h.A, "B": h.B, "alpha": h.alpha, "beta": h.beta, "theta0": law.theta0,
            "theta1": law.theta1, "theta2": law.theta2, "theta3": law.theta3, "theta4": law.theta4}


def _golden_search(p: dict, ct_: np.ndarray, ci_: np.ndarray, lo_: np.ndarray, hi_: np.ndarray,
                   naive: bool) -> np.ndarray:
    """The search of :func:`t2_accuracy_optimal` for flat budget rows: ``ln N*`` of every row.

    ``p`` holds the law's parameters, each a float (one law for all rows) or an array with one value per row
    (``_accuracy_optima``, many laws in one search). Every step is elementwise (``_log_beta_ratio`` included),
    with a fixed number of iterations, so a row's result does not depend on the other rows.
    """
    tiny = np.finfo(float).tiny
    col = {k: (x[:, None] if np.ndim(x) else x) for k, x in p.items()}  # against the (rows, grid) points

    def objective(q, N: np.ndarray, D: np.ndarray, k: np.ndarray) -> np.ndarray:
        # the same formulas as law.accuracy / law.naive_accuracy, without re-validating every search point
        L = q["E"] + q["A"] * N ** (-q["alpha"]) + q["B"] * D ** (-q["beta"])
        z = q["theta1"] * (L - q["theta0"])  # T2AccuracyLaw._mean_conc_from_loss
        mu = q["theta2"] * np.exp(-np.logaddexp(0.0, z))
        nu = np.exp(np.minimum(q["theta3"] + q["theta4"] * L, np.log(NU_MAX)))
        if naive:
            return -np.expm1(k * np.log1p(-mu))
        a, b = np.maximum(mu * nu, tiny), np.maximum((1.0 - mu) * nu, tiny)
        return -np.expm1(_log_beta_ratio(a, b, k))

    def acc(q, u: np.ndarray, ctv: np.ndarray, civ: np.ndarray) -> np.ndarray:
        N = np.exp(u)
        return objective(q, N, ctv / (6.0 * N), civ / (2.0 * N))

    t = np.linspace(0.0, 1.0, GRID_POINTS)
    grid = lo_[:, None] + (hi_ - lo_)[:, None] * t[None, :]
    vals = acc(col, grid, ct_[:, None], ci_[:, None])
    best = np.argmax(np.where(np.isnan(vals), -np.inf, vals), axis=1)  # np.argmax would pick a NaN
    rows = np.arange(len(ct_))
    a = grid[rows, np.maximum(best - 1, 0)]
    b = grid[rows, np.minimum(best + 1, GRID_POINTS - 1)]
    c = b - _INVPHI * (b - a)
    d = a + _INVPHI * (b - a)
    fc, fd = acc(p, c, ct_, ci_), acc(p, d, ct_, ci_)
    for _ in range(GOLDEN_STEPS):
        left = fc >= fd  # the maximum lies in [a, d]: drop (d, b]; otherwise drop [a, c)
        a, b = np.where(left, a, c), np.where(left, d, b)
        c, d, fc, fd = (np.where(left, b - _INVPHI * (b - a), d), np.where(left, c, a + _INVPHI * (b - a)),
                        np.where(left, np.nan, fd), np.where(left, fc, np.nan))
        new_u = np.where(left, c, d)  # one new evaluation per pair
        f_new = acc(p, new_u, ct_, ci_)
        fc, fd = np.where(left, f_new, fc), np.where(left, fd, f_new)
    return 0.5 * (a + b)


def _search_interval(C_train, C_inf, min_samples, N_min):
    r"""Checked budgets (broadcast) and the interval ``[lo, hi]`` of :math:`\ln N` searched for every pair: at least
    one training token, at least ``min_samples`` samples when given, at least ``N_min`` parameters."""
    ct = v.positive("C_train", C_train)
    ci = v.positive("C_inf", C_inf)
    ct, ci = _broadcast(C_train=ct, C_inf=ci)
    kmin = _check_min_samples(min_samples)
    lo = np.log(v.positive_scalar("N_min", N_min))
    hi = np.log(ct / 6.0)
    if kmin is not None:
        hi = np.minimum(hi, np.log(ci / (2.0 * kmin)))
    if np.any(hi <= lo):
        raise ValueError(f"C_train/6 and C_inf/(2*min_samples) must exceed N_min = {np.exp(lo):.4g} (the smallest model "
                         "searched) for every budget pair; use larger budgets, a smaller N_min or min_samples")
    return ct, ci, lo, hi


def t2_accuracy_optimal(law: T2AccuracyLaw, C_train, C_inf, min_samples: float | None = None,
                        N_min: float = 1e3, naive: bool = False):
    r"""Accuracy-optimal :math:`(N^*, D^*, k^*)` of an Approach-2 law, vectorised over budget pairs.

    Maximises :math:`\mathrm{Acc}(N, C_{\mathrm{train}}/(6N), C_{\mathrm{inf}}/(2N))` over :math:`u = \ln N` in
    :math:`[\ln N_{\min},\ \ln \min(C_{\mathrm{train}}/6,\ C_{\mathrm{inf}}/(2k_{\min}))]` (at least one training
    token; at least :math:`k_{\min}` samples when ``min_samples`` is given): a grid of :data:`GRID_POINTS` (64)
    points for all pairs at once, then :data:`GOLDEN_STEPS` (42) golden-section steps inside the two cells around
    the best grid point (the bracket shrinks to :math:`0.618^{42} \approx 2 \times 10^{-9}` of its width). The
    objective is computed with :func:`t2lib.passk.log_beta_ratio`, accurate also where pass@k is tiny.

    Parameters
    ----------
    law : T2AccuracyLaw
        The law.
    C_train, C_inf : array_like
        Training FLOPs and inference FLOPs per served token, positive, finite, broadcastable.
    min_samples : float, optional
        Smallest allowed number of samples (e.g. 1); ``None`` allows any real ``k > 0``.
    N_min : float
        Smallest model searched, ``> 0``.
    naive : bool
        Maximise the naive model :math:`1 - (1-\mu)^k` instead of the Beta closed form (to show what ignoring
        the spread of difficulty recommends).

    Returns
    -------
    N, D, k : numpy.ndarray

    Raises
    ------
    ValueError
        For bad arguments, an empty search interval, or a non-finite result.
    """
    if not isinstance(law, T2AccuracyLaw):
        raise ValueError(f"law must be a T2AccuracyLaw; got {type(law).__name__}")
    if not isinstance(naive, (bool, np.bool_)):
        raise ValueError(f"naive must be True or False; got {naive!r}")
    ct, ci, lo, hi = _search_interval(C_train, C_inf, min_samples, N_min)
    shape = ct.shape
    ct_, ci_, lo_, hi_ = (np.ravel(np.broadcast_to(x, shape)) for x in (ct, ci, lo, hi))
    u = _golden_search(_law_params(law), ct_, ci_, lo_, hi_, bool(naive))
    N = np.exp(u).reshape(shape)
    D = ct / (6.0 * N)
    k = ci / (2.0 * N)
    if not np.all(np.isfinite(N) & np.isfinite(D) & np.isfinite(k)):
        raise ValueError("the accuracy optimum is not finite for some budget pair (allowed: finite budgets)")
    return N, D, k


def _accuracy_optima(laws: list[T2AccuracyLaw], C_train, C_inf, min_samples: float | None = None,
                     N_min: float = 1e3):
    """:func:`t2_accuracy_optimal` of many laws at the same budgets in one search: ``N, D, k`` of shape
    ``(len(laws),) + broadcast(C_train, C_inf).shape``, each row bitwise the law's own call (the search is
    elementwise; this saves the per-law Python overhead, e.g. for bootstrap bands)."""
    if not laws or not all(isinstance(law, T2AccuracyLaw) for law in laws):
        raise ValueError("laws must be a non-empty list of T2AccuracyLaw")
    ct, ci, lo, hi = _search_interval(C_train, C_inf, min_samples, N_min)
    shape = ct.shape
    m, n = len(laws), int(np.prod(shape))
    ct_, ci_, lo_, hi_ = (np.tile(np.ravel(np.broadcast_to(x, shape)), m) for x in (ct, ci, lo, hi))
    params = [_law_params(law) for law in laws]
    p = {k: np.repeat(np.array([q[k] for q in params], dtype=float), n) for k in _PARAM_FIELDS}
    u = _golden_search(p, ct_, ci_, lo_, hi_, False)
    N = np.exp(u).reshape((m,) + shape)
    D = ct / (6.0 * N)
    k = ci / (2.0 * N)
    if not np.all(np.isfinite(N) & np.isfinite(D) & np.isfinite(k)):
        raise ValueError("the accuracy optimum is not finite for some budget pair (allowed: finite budgets)")
    return N, D, k


def jensen_gap(law: T2AccuracyLaw, N, D, k) -> np.ndarray:
    r"""Overestimate of the naive model: :math:`\big(1-(1-\mu)^k\big) - \mathbb E_p\big[1-(1-p)^k\big] \ge 0`.

    :math:`x \mapsto (1-x)^k` is convex on :math:`[0, 1]` for :math:`k \ge 1`, so by Jensen's inequality
    :math:`\mathbb E[(1-p)^k] \ge (1 - \mathbb E p)^k = (1-\mu)^k`: the naive pass@k is an upper bound, with
    equality only when every question has the same success probability (:math:`\nu \to \infty`) or :math:`k = 1`.
    (For :math:`0 < k < 1` the function is concave and the sign flips.)

    Parameters
    ----------
    law : T2AccuracyLaw
        The law.
    N, D, k : array_like
        Parameters, tokens and samples, positive and finite, broadcastable.

    Returns
    -------
    numpy.ndarray
        ``naive_accuracy - accuracy``.
    """
    if not isinstance(law, T2AccuracyLaw):
        raise ValueError(f"law must be a T2AccuracyLaw; got {type(law).__name__}")
    return law.naive_accuracy(N, D, k) - law.accuracy(N, D, k)


def monte_carlo_accuracy(law: T2AccuracyLaw, N, D, k, draws: int = 100_000, seed: int = 0):
    r"""Monte Carlo estimate of :math:`\mathbb E_{p \sim \mathrm{Beta}(a, b)}[1 - (1-p)^k]`, an independent check.

    Draws ``draws`` success probabilities per point (seeded) and averages :math:`1 - (1-p)^k`.

    Parameters
    ----------
    law : T2AccuracyLaw
        The law.
    N, D, k : array_like
        Positive and finite, broadcastable (keep the broadcast size times ``draws`` moderate).
    draws : int
        Draws per point, an integer in ``[2, 10**8]``.
    seed : int
        Seed of :func:`numpy.random.default_rng`, a non-negative integer.

    Returns
    -------
    mean, stderr : numpy.ndarray
        The estimate and its standard error.
    """
    if not isinstance(law, T2AccuracyLaw):
        raise ValueError(f"law must be a T2AccuracyLaw; got {type(law).__name__}")
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or not 2 <= draws <= 10**8:
        raise ValueError(f"draws must be an integer in [2, 10**8]; got {draws!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    k_ = v.positive("k", k)
    a, b = law.beta_params(N, D)
    a, b, k_ = _broadcast(N=a, D=b, k=k_)
    tiny = np.finfo(float).tiny
    rng = np.random.default_rng(seed)
    p = rng.beta(np.maximum(a, tiny)[..., None], np.maximum(b, tiny)[..., None], size=a.shape + (int(draws),))
    hit = -np.expm1(k_[..., None] * np.log1p(-np.minimum(p, 1.0 - np.finfo(float).epsneg)))
    return hit.mean(axis=-1), hit.std(axis=-1, ddof=1) / np.sqrt(draws)
