r"""Approach 1 of the Train-to-Test (T²) law of Roberts et al. (2026): loss with repeated sampling.

.. math::

    L(N, D, k) = E + \frac{A}{N^{\alpha}} + \frac{B}{D^{\beta}} + \frac{G}{k^{\gamma}}

with :math:`N` parameters, :math:`D` training tokens and :math:`k` samples drawn per problem. Two separate
budgets bind the choice: :math:`C_{\mathrm{train}} = 6ND` and :math:`C_{\mathrm{inf}} = 2Nk` FLOPs per served
token, so :math:`D = C_{\mathrm{train}}/(6N)`, :math:`k = C_{\mathrm{inf}}/(2N)`, and with :math:`u = \ln N`

.. math::

    f(u) = A e^{-\alpha u} + B x^{-\beta} e^{\beta u} + G y^{-\gamma} e^{\gamma u},
    \qquad x = C_{\mathrm{train}}/6,\ y = C_{\mathrm{inf}}/2,

a sum of exponentials, strictly convex in :math:`u`. The first-order condition :math:`N\,\partial_N L = 0`,

.. math::

    \alpha \frac{A}{N^{\alpha}} = \beta \frac{B}{D^{\beta}} + \gamma \frac{G}{k^{\gamma}},

divided by its left side reads :math:`q(u) = e^{c_\beta + (\alpha+\beta)u} + e^{c_\gamma + (\alpha+\gamma)u} - 1 = 0`
with :math:`c_\beta = \ln\frac{\beta B x^{-\beta}}{\alpha A}`, :math:`c_\gamma = \ln\frac{\gamma G y^{-\gamma}}{\alpha A}`:
an increasing convex function of :math:`u`, so the root is unique and Newton's method started to its right (where
either term alone equals 1) converges monotonically, for all budgets at once.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from ..laws import ChinchillaLaw

__all__ = ["T2Law", "t2_optimal", "t2_large_train_limit", "k1_allocation"]

_NEWTON_ITERS = 100


@dataclass(frozen=True)
class T2Law(v.PositiveParams):
    r"""The T² Approach-1 law :math:`L(N,D,k) = E + A N^{-\alpha} + B D^{-\beta} + G k^{-\gamma}`.

    Parameters
    ----------
    E : float
        Loss as :math:`N, D, k \to \infty`, ``E >= 0`` (a fit may put it at 0).
    A, B : float
        Scales of the model-size and data terms, ``> 0``.
    alpha, beta : float
        Their exponents, ``> 0``.
    G : float
        Scale of the repeated-sampling term, ``G >= 0`` (``G = 0`` is the Chinchilla law).
    gamma : float
        Its exponent, ``gamma > 0``.
    """

    E: float
    A: float
    B: float
    alpha: float
    beta: float
    G: float
    gamma: float

    NONNEGATIVE = ("E", "G")  # validation, as_dict() and from_params() come from PositiveParams

    @property
    def chinchilla(self) -> ChinchillaLaw:
        r"""The law at :math:`k = 1`: a Chinchilla law with intercept :math:`E' = E + G`."""
        return ChinchillaLaw(E=self.E + self.G, A=self.A, B=self.B, alpha=self.alpha, beta=self.beta)

    def loss(self, N, D, k) -> np.ndarray:
        r"""Loss :math:`L(N,D,k) = E + A/N^\alpha + B/D^\beta + G/k^\gamma` (broadcasts over N, D, k).

        Parameters
        ----------
        N : array_like
            Parameters, positive and finite.
        D : array_like
            Training tokens, positive and finite.
        k : array_like
            Samples per problem, real, positive and finite.
        """
        N = v.positive("N", N)
        D = v.positive("D", D)
        k = v.positive("k", k)
        _broadcast(N=N, D=D, k=k)
        return self.E + self.A * N ** (-self.alpha) + self.B * D ** (-self.beta) + self.G * k ** (-self.gamma)

    def optimal(self, C_train, C_inf, min_samples: float | None = None):
        """The optimal ``(N, D, k)`` under both budgets: :func:`t2_optimal` with this law."""
        return t2_optimal(self, C_train, C_inf, min_samples=min_samples)

    def large_train_limit(self, C_inf) -> np.ndarray:
        r"""The limit of :math:`N^*` as :math:`C_{\mathrm{train}} \to \infty`: :func:`t2_large_train_limit`."""
        return t2_large_train_limit(self, C_inf)

    def k1_allocation(self, C_train, C_inf):
        """The Chinchilla (k = 1) allocation of this law and the samples it can afford: :func:`k1_allocation`."""
        return k1_allocation(self, C_train, C_inf)


_broadcast = v.broadcast  # the shared helper: names every argument and its shape


def _check_min_samples(min_samples) -> float | None:
    if min_samples is None:
        return None
    return v.positive_scalar("min_samples", min_samples)


def t2_optimal(law: T2Law, C_train, C_inf, min_samples: float | None = None):
    r"""Loss-optimal :math:`(N^*, D^*, k^*)` of an Approach-1 T² law under two budgets.

    Minimises :math:`L(N, D, k)` subject to :math:`6ND = C_{\mathrm{train}}` and :math:`2Nk = C_{\mathrm{inf}}`
    (both bind: the loss falls in :math:`D` and :math:`k`). The root of the first-order condition

    .. math::

        \alpha \frac{A}{N^{\alpha}} = \beta \frac{B}{D^{\beta}} + \gamma \frac{G}{k^{\gamma}}

    is found by Newton's method on :math:`u = \ln N` (see the module docstring), vectorised over the broadcast
    budgets. With ``min_samples`` = :math:`k_{\min}` the optimum is restricted to :math:`k \ge k_{\min}`, i.e.
    :math:`N \le C_{\mathrm{inf}}/(2k_{\min})`; the loss being convex in :math:`u`, the restricted optimum is the
    unrestricted one clipped to that corner.

    Parameters
    ----------
    law : T2Law
        The law.
    C_train : array_like
        Training FLOPs, positive and finite.
    C_inf : array_like
        Inference FLOPs per served token, positive and finite; broadcasts with ``C_train``.
    min_samples : float, optional
        Smallest allowed number of samples :math:`k_{\min} > 0` (e.g. 1); ``None`` lets :math:`k` be any real > 0.

    Returns
    -------
    N, D, k : numpy.ndarray
        The optimum, with :math:`D = C_{\mathrm{train}}/(6N)` and :math:`k = C_{\mathrm{inf}}/(2N)`.

    Raises
    ------
    ValueError
        For a non-law, non-positive or non-finite budgets, budgets that do not broadcast, a bad ``min_samples``,
        or an optimum that is not finite (budgets beyond the range of floating point).
    """
    if not isinstance(law, T2Law):
        raise ValueError(f"law must be a T2Law; got {type(law).__name__}")
    ct = v.positive("C_train", C_train)
    ci = v.positive("C_inf", C_inf)
    ct, ci = _broadcast(C_train=ct, C_inf=ci)
    kmin = _check_min_samples(min_samples)
    a, b, g = law.alpha, law.beta, law.gamma
    lx, ly = np.log(ct / 6.0), np.log(ci / 2.0)
    c_b = np.log(b * law.B) - b * lx - np.log(a * law.A)
    s_b, s_g = a + b, a + g
    u_b = -c_b / s_b  # root with the data term alone (Chinchilla)
    if law.G > 0:
        c_g = np.log(g * law.G) - g * ly - np.log(a * law.A)
        u_g = -c_g / s_g  # root with the sampling term alone
        u = np.minimum(u_b, u_g)
        for _ in range(_NEWTON_ITERS):
            t_b, t_g = np.exp(c_b + s_b * u), np.exp(c_g + s_g * u)
            step = (t_b + t_g - 1.0) / (s_b * t_b + s_g * t_g)
            u = u - step
            if np.all(np.abs(step) <= 1e-15 * np.maximum(1.0, np.abs(u))):
                break
    else:
        u = u_b
    if kmin is not None:
        if np.any(ci / (2.0 * kmin) < 1.0):
            raise ValueError("min_samples must be at most C_inf / 2 (allowed range: 0 < min_samples <= C_inf/2, "
                             f"a model of at least one parameter); got {min_samples!r}")
        u = np.minimum(u, ly - np.log(kmin))
    N = np.exp(u)
    D = ct / (6.0 * N)
    k = ci / (2.0 * N)
    bad = ~(np.isfinite(N) & np.isfinite(D) & np.isfinite(k) & (N > 0) & (D > 0) & (k > 0))
    if np.any(bad):
        i = np.flatnonzero(bad.ravel())[0]
        raise ValueError(
            f"C_train, C_inf{', min_samples' if kmin is not None else ''}: "
            f"the optimum is not finite for C_train={ct.ravel()[i]!r}, C_inf={ci.ravel()[i]!r} "
            f"(allowed: budgets whose optimum N, D, k fit in floating point)"
        )
    return N, D, k


def t2_large_train_limit(law: T2Law, C_inf) -> np.ndarray:
    r"""Limit of the optimal model size as the training budget grows without bound.

    Once the data term :math:`B/D^\beta` is negligible, the first-order condition reduces to
    :math:`\alpha A/N^\alpha = \gamma G/k^\gamma` with :math:`k = C_{\mathrm{inf}}/(2N)`, whose root is

    .. math::

        N_\infty = \Big(\frac{\alpha A}{\gamma G}\Big)^{\frac{1}{\alpha+\gamma}}
                   \Big(\frac{C_{\mathrm{inf}}}{2}\Big)^{\frac{\gamma}{\alpha+\gamma}} .

    :math:`N^*(C_{\mathrm{train}})` increases towards :math:`N_\infty` from below, so
    :math:`D^*/N^* = C_{\mathrm{train}}/(6 N^{*2})` grows at least like :math:`C_{\mathrm{train}}/(6N_\infty^2)`.

    Parameters
    ----------
    law : T2Law
        The law; needs ``G > 0`` (with ``G = 0`` there is no limit: :math:`N^*` grows like Chinchilla's).
    C_inf : array_like
        Inference FLOPs per served token, positive and finite.

    Returns
    -------
    numpy.ndarray
        :math:`N_\infty` for each ``C_inf``.
    """
    if not isinstance(law, T2Law):
        raise ValueError(f"law must be a T2Law; got {type(law).__name__}")
    if law.G <= 0:
        raise ValueError("law.G must be positive (allowed range: 0 < G < inf) for a finite large-C_train limit")
    ci = v.positive("C_inf", C_inf)
    a, g = law.alpha, law.gamma
    lnN = (np.log(a * law.A) - np.log(g * law.G) + g * np.log(ci / 2.0)) / (a + g)
    N = np.exp(lnN)
    if not np.all(np.isfinite(N) & (N > 0)):
        raise ValueError("C_inf gives a limit outside floating point (allowed: budgets with a finite limit)")
    return N


def k1_allocation(law, C_train, C_inf):
    r"""The Chinchilla (single-sample) allocation of a T² law, and the samples that model can afford.

    The frontier the paper compares against: choose :math:`(N, D)` as if only one sample were drawn, i.e. the
    compute-optimal point of the law at :math:`k = 1` (for Approach 1 the Chinchilla law with intercept
    :math:`E + G`; for Approach 2 the loss law :math:`\hat L`, since pass@1 :math:`= \mu` falls with
    :math:`\hat L`), then spend the inference budget on it: :math:`k = C_{\mathrm{inf}}/(2N)`.

    Parameters
    ----------
    law : T2Law or T2AccuracyLaw
        The law.
    C_train, C_inf : array_like
        Training FLOPs and inference FLOPs per served token, positive, finite, broadcastable.

    Returns
    -------
    N, D, k : numpy.ndarray
    """
    from .accuracy import T2AccuracyLaw

    if isinstance(law, T2Law):
        base = law.chinchilla
    elif isinstance(law, T2AccuracyLaw):
        base = law.loss_law
    else:
        raise ValueError(f"law must be a T2Law or T2AccuracyLaw; got {type(law).__name__}")
    ct = v.positive("C_train", C_train)
    ci = v.positive("C_inf", C_inf)
    ct, ci = _broadcast(C_train=ct, C_inf=ci)
    N, D = base.compute_optimal(ct)
    return N, D, ci / (2.0 * N)

