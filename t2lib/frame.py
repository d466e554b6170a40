r"""One lifetime-cost frame: every allocation rule of the book as a special case of one problem.

A model with :math:`N` parameters, trained on :math:`D` tokens and then used for :math:`S` served tokens, each
answered with :math:`k` samples, costs

.. math::

    C_{\mathrm{life}} = \underbrace{6ND}_{C_{\mathrm{train}}} + S\,\underbrace{2Nk}_{C_{\mathrm{inf}}}

FLOPs (:math:`C_{\mathrm{inf}}` is the inference budget *per served token*). The frame chooses
:math:`(N, D, k)` to minimise the loss :math:`L(N, D, k)` under that cost. Each earlier answer of the book is
this problem with one thing fixed or dropped, and each has one function here:

============================  ==============================================================  =================
function                      what is fixed or dropped                                        derived in
============================  ==============================================================  =================
:func:`chinchilla`            no inference (:math:`S = 0`), :math:`k = 1`: :math:`6ND = C`     chapter 2
:func:`sardana`               :math:`k = 1`, a demand :math:`S`, one summed budget             chapter 4
:func:`erdil`                 a constant exchange rate :math:`\gamma` fixes the split          chapter 5
:func:`t2`                    two separate budgets :math:`6ND = C_{\mathrm{train}}`,           chapter 8
                              :math:`2Nk = C_{\mathrm{inf}}`, :math:`k` free
:func:`t2_summed`             one summed budget, :math:`k` free (the full frame)               this module
============================  ==============================================================  =================

Each reduction calls the code of the chapter that derived it where that code answers the same question
(:meth:`~t2lib.laws.ChinchillaLaw.compute_optimal`, :func:`t2lib.inference.optimal_training_share`,
:func:`t2lib.t2.t2_optimal`). Chapter 4 fixes the *loss* and minimises the lifetime FLOPs; :func:`sardana` fixes
the lifetime FLOPs and minimises the loss, the dual problem with the same optimum
(:func:`sardana_at_loss` is chapter 4's form, and the tests check that the two agree to 1e-12).

The module also carries the fits' uncertainty into the answer (:class:`LawDraws`, :func:`draw_allocations`,
:func:`bands`, :func:`excess_loss`) and the limits of the data (:func:`epochs`, :func:`effective_tokens`,
:func:`repetition_excess_loss`, :func:`outside_range`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from . import _validate as v
from . import published as _published
from .inference import inference_optimal, lifetime_flops, optimal_training_share
from .laws import ChinchillaLaw
from .t2.law import T2Law, t2_optimal

__all__ = [
    "REGIMES",
    "Allocation",
    "chinchilla",
    "sardana",
    "sardana_at_loss",
    "erdil",
    "erdil_allocation",
    "t2",
    "t2_summed",
    "plan_allocation",
    "LawDraws",
    "draw_allocations",
    "bands",
    "excess_loss",
    "wasted_compute",
    "UNIQUE_TOKENS_DEFAULT",
    "MUENNIGHOFF_2023",
    "epochs",
    "effective_tokens",
    "data_constrained_loss",
    "repetition_excess_loss",
    "outside_range",
    "data_range",
]

REGIMES: dict[str, str] = {
    "chinchilla": "Chinchilla: training budget only, no inference counted, k = 1 (chapter 2)",
    "sardana": "Sardana et al.: one lifetime budget 6ND + 2N·S with a served-token demand S, k = 1 (chapter 4)",
    "erdil": "Erdil: a constant exchange rate gamma sets the training share gamma/(1+gamma) (chapter 5)",
    "t2": "T²: two separate budgets, 6ND = C_train and 2Nk = C_inf per served token, k free (chapter 8)",
    "t2-summed": "T² with one lifetime budget 6ND + 2Nk·S, the split and k free (chapter 11)",
}
"""The regimes of the frame, with a one-line description each (printed by ``python -m t2lib plan``)."""

_NEWTON_ITERS = 100
_BISECT_ITERS = 64
_LOGIT_BOUND = 40.0  # training shares searched by t2_summed: logit(s) in [-40, 40]


# --------------------------------------------------------------------------- the answer
@dataclass(frozen=True)
class Allocation:
    r"""An allocation :math:`(N, D, k)` with what it costs and the regime that produced it.

    Attributes
    ----------
    regime : str
        A key of :data:`REGIMES`.
    N, D, k : numpy.ndarray
        Parameters, training tokens, samples per served token (``k = 1`` in the k = 1 regimes).
    served_tokens : numpy.ndarray
        The lifetime demand :math:`S` (0 where no inference is counted).
    loss : numpy.ndarray
        The law's loss at the allocation.
    """

    regime: str
    N: np.ndarray = field(repr=False)
    D: np.ndarray = field(repr=False)
    k: np.ndarray = field(repr=False)
    served_tokens: np.ndarray = field(repr=False)
    loss: np.ndarray = field(repr=False)

    @property
    def tokens_per_param(self) -> np.ndarray:
        """:math:`D/N`."""
        return self.D / self.N

    @property
    def C_train(self) -> np.ndarray:
        """Training FLOPs :math:`6ND`."""
        return 6.0 * self.N * self.D

    @property
    def C_inf(self) -> np.ndarray:
        """Inference FLOPs per served token :math:`2Nk`."""
        return 2.0 * self.N * self.k

    @property
    def lifetime_flops(self) -> np.ndarray:
        r""":math:`6ND + S\cdot 2Nk`."""
        return self.C_train + self.served_tokens * self.C_inf

    @property
    def training_share(self) -> np.ndarray:
        """Share of the lifetime FLOPs spent on training (1 where nothing is served)."""
        return self.C_train / self.lifetime_flops

    def as_dict(self) -> dict[str, np.ndarray]:
        """N, D, D/N, k, loss, the budgets and the training share, keyed by name."""
        return dict(N=self.N, D=self.D, tokens_per_param=self.tokens_per_param, k=self.k, loss=self.loss,
                    C_train=self.C_train, C_inf=self.C_inf, served_tokens=self.served_tokens,
                    lifetime_flops=self.lifetime_flops, training_share=self.training_share)


def _k1_law(law) -> ChinchillaLaw:
    """The k = 1 Chinchilla law of ``law`` (a ChinchillaLaw, or a T2Law at k = 1)."""
    if isinstance(law, ChinchillaLaw):
        return law
    if isinstance(law, T2Law):
        return law.chinchilla
    raise ValueError(f"law must be a ChinchillaLaw or a T2Law; got {type(law).__name__}")


def _alloc(regime, law, N, D, k, S, **inputs) -> Allocation:
    v.finite_result((N, D, k), "the allocation", **inputs)
    if not (np.all(np.asarray(N) > 0) and np.all(np.asarray(D) > 0) and np.all(np.asarray(k) > 0)):
        raise ValueError(f"{', '.join(inputs)}: the allocation underflows to zero in floating point; use inputs "
                         "within the range of floating point")
    N, D, k, S = np.broadcast_arrays(N, D, k, S)
    loss = law.loss(N, D, k) if isinstance(law, T2Law) else law.loss(N, D)
    return Allocation(regime, N.copy(), D.copy(), k.astype(float), S.astype(float), loss)


# --------------------------------------------------------------------------- the reductions
def chinchilla(law, C_train) -> Allocation:
    r"""No inference counted, :math:`k = 1`: minimise :math:`L(N, D)` subject to :math:`6ND = C_{\mathrm{train}}`.

    The frame with :math:`S = 0` and :math:`k = 1`. The answer is the closed form of chapter 2,

    .. math::

        N^* = G\,(C/6)^{a},\quad D^* = G^{-1}(C/6)^{b},\quad
        G = \Big(\frac{\alpha A}{\beta B}\Big)^{1/(\alpha+\beta)},

    computed by :meth:`~t2lib.laws.ChinchillaLaw.compute_optimal` itself (a :class:`~t2lib.t2.T2Law` is taken at
    :math:`k = 1`, :attr:`~t2lib.t2.law.T2Law.chinchilla`).

    Parameters
    ----------
    law : ChinchillaLaw or T2Law
    C_train : array_like
        Training FLOPs, ``0 < C_train < inf``.
    """
    base = _k1_law(law)
    N, D = base.compute_optimal(v.positive("C_train", C_train))
    return _alloc("chinchilla", base, N, D, 1.0, 0.0, C_train=C_train)


def _check_demand(name: str, S) -> np.ndarray:
    return v.nonnegative(name, S)


def _sardana_arrays(A, B, alpha, beta, C, S) -> tuple[np.ndarray, np.ndarray]:
    r"""Summed-budget optimum for parameter arrays (broadcast against ``C`` and ``S``); see :func:`sardana`."""
    A, B, alpha, beta, C, S = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (A, B, alpha, beta, C, S)))
    c0 = np.log(beta * B / (alpha * A)) + alpha * np.log(C)
    # Chinchilla's D for the whole budget, ln D0 = (c0 - alpha ln 6)/(alpha + beta): phi(ln D0) >= 0, so the
    # monotone Newton iteration on the decreasing convex phi starts to the left of the root.
    t = (c0 - alpha * np.log(6.0)) / (alpha + beta)
    for _ in range(_NEWTON_ITERS):
        D = np.exp(t)
        r = S / (3.0 * D)  # S/(3D)
        s1 = r / (1.0 + r)  # share of the inference term, S/(3D + S)
        phi = c0 - beta * t + np.log1p(r) - alpha * np.log(6.0 * D + 2.0 * S)
        dphi = -(alpha + beta) - s1 * (1.0 - alpha)
        step = phi / dphi
        t = t - step
        if np.all(np.abs(step) <= 1e-15 * np.maximum(1.0, np.abs(t))):
            break
    D = np.exp(t)
    N = C / (6.0 * D + 2.0 * S)
    return N, D


def sardana(law, C_life, served_tokens) -> Allocation:
    r"""One summed budget with a demand, :math:`k = 1`: minimise :math:`L(N, D)` s.t. :math:`6ND + 2NS = C_{\mathrm{life}}`.

    The frame with :math:`k = 1` and the two costs added. Stationarity of the Lagrangian gives chapter 4's
    balance of elasticities :math:`\varepsilon_N/\varepsilon_D = 1 + S/(3D)`; with :math:`N = C/(6D + 2S)`
    this is one equation in :math:`t = \ln D`,

    .. math::

        \phi(t) = \ln\frac{\beta B}{\alpha A} + \alpha\ln C - \beta t + \ln\Big(1 + \frac{S}{3D}\Big)
        - \alpha\ln(6D + 2S) = 0,\qquad
        \phi'(t) = -(\alpha+\beta) - (1-\alpha)\frac{S}{3D + S},

    strictly decreasing and convex, with :math:`\phi > 0` at Chinchilla's :math:`D` for the whole budget. Newton's
    method started there increases monotonically to the unique root, for all budgets at once. Chapter 4 solves
    the dual problem (the cheapest lifetime at a fixed loss, :func:`sardana_at_loss`); both have the same optimum.
    Where ``served_tokens == 0`` the result is :func:`chinchilla` exactly.

    Parameters
    ----------
    law : ChinchillaLaw or T2Law
        A T2Law is taken at :math:`k = 1`.
    C_life : array_like
        Lifetime FLOPs :math:`6ND + 2NS`, ``0 < C_life < inf``.
    served_tokens : array_like
        Lifetime demand :math:`S` in tokens, ``0 <= served_tokens < inf``; broadcasts with ``C_life``.
    """
    base = _k1_law(law)
    C = v.positive("C_life", C_life)
    S = _check_demand("served_tokens", served_tokens)
    C, S = v.broadcast(C_life=C, served_tokens=S)
    N, D = _sardana_arrays(base.A, base.B, base.alpha, base.beta, C, S)
    N0, D0 = base.compute_optimal(C)
    zero = S == 0
    N, D = np.where(zero, N0, N), np.where(zero, D0, D)
    return _alloc("sardana", base, N, D, 1.0, S, C_life=C_life, served_tokens=served_tokens)


def sardana_at_loss(law, loss, served_tokens) -> Allocation:
    r"""Chapter 4's form of the same reduction: the cheapest lifetime :math:`6ND + 2NS` at loss ``loss``.

    Calls :func:`t2lib.inference.inference_optimal` (the chapter's solver); the allocation's
    :attr:`Allocation.lifetime_flops` is the budget at which :func:`sardana` returns the same model.

    Parameters
    ----------
    law : ChinchillaLaw or T2Law
        A T2Law is taken at :math:`k = 1`.
    loss : array_like
        Target loss, ``E < loss < inf``.
    served_tokens : array_like
        Lifetime demand, ``0 <= served_tokens < inf``.
    """
    base = _k1_law(law)
    S = _check_demand("served_tokens", served_tokens)
    ell, S = v.broadcast(loss=v.finite("loss", loss), served_tokens=S)
    N, D = inference_optimal(base, ell, S)
    return _alloc("sardana", base, N, D, 1.0, S, loss=loss, served_tokens=served_tokens)


def erdil(C_life, gamma) -> tuple[np.ndarray, np.ndarray]:
    r"""The split of a lifetime budget under a constant exchange rate :math:`\gamma`.

    If at fixed performance :math:`I = K T^{-\gamma}`, the cheapest point has :math:`T^*/I^* = \gamma`
    (chapter 5), so

    .. math::

        T^* = \frac{\gamma}{1+\gamma}\,C_{\mathrm{life}},\qquad I^* = C_{\mathrm{life}} - T^* ,

    with the share from :func:`t2lib.inference.optimal_training_share`.

    Parameters
    ----------
    C_life : array_like
        Lifetime FLOPs, ``0 < C_life < inf``.
    gamma : array_like
        Exchange rate (OOMs of inference saved per OOM of training), ``0 < gamma < inf``.

    Returns
    -------
    T, I : numpy.ndarray
        Training FLOPs and lifetime inference FLOPs.
    """
    C = v.positive("C_life", C_life)
    C, g = v.broadcast(C_life=C, gamma=v.positive("gamma", gamma))
    T = optimal_training_share(g) * C
    return v.finite_result((T, C - T), "the split", C_life=C_life, gamma=gamma)


def erdil_allocation(law, C_life, gamma, served_tokens=None, min_samples: float | None = None) -> Allocation:
    r"""Split ``C_life`` by :func:`erdil`, then spend each part with the law.

    The training part :math:`T^*` is allocated by :func:`chinchilla`; for a :class:`~t2lib.t2.T2Law` and a
    demand :math:`S > 0` the inference part buys samples, :math:`C_{\mathrm{inf}} = I^*/S` per served token,
    and the allocation is :func:`t2` at :math:`(T^*, I^*/S)`. With a k = 1 law the inference part only has
    to serve the model (the constant-rate technique that would spend it is outside the law).

    Parameters
    ----------
    law : ChinchillaLaw or T2Law
    C_life : array_like
        Lifetime FLOPs, ``0 < C_life < inf``.
    gamma : array_like
        Exchange rate, ``0 < gamma < inf``.
    served_tokens : array_like, optional
        Lifetime demand, ``0 < served_tokens < inf``; needed for a T2Law.
    min_samples : float, optional
        Passed to :func:`t2`.
    """
    _k1_law(law)
    T, I = erdil(C_life, gamma)
    if served_tokens is not None:
        v.broadcast(C_life=T, served_tokens=v.positive("served_tokens", served_tokens))
    if isinstance(law, T2Law) and served_tokens is None:
        raise ValueError("served_tokens is required with a T2Law (the inference part buys samples per served token)")
    if isinstance(law, T2Law):
        S = v.positive("served_tokens", served_tokens)
        a = t2(law, T, I / S, min_samples=min_samples)
        return Allocation("erdil", a.N, a.D, a.k, np.broadcast_to(S, a.N.shape).astype(float), a.loss)
    a = chinchilla(law, T)
    S = 0.0 if served_tokens is None else v.positive("served_tokens", served_tokens)
    return Allocation("erdil", a.N, a.D, a.k, np.broadcast_to(S, a.N.shape).astype(float), a.loss)


def t2(law: T2Law, C_train, C_inf, min_samples: float | None = None) -> Allocation:
    r"""Two separate budgets, :math:`k` free: :func:`t2lib.t2.t2_optimal` (chapter 8).

    .. math::

        \min_{N,D,k} E + \frac{A}{N^\alpha} + \frac{B}{D^\beta} + \frac{G}{k^\gamma}
        \quad\text{s.t.}\quad 6ND = C_{\mathrm{train}},\ 2Nk = C_{\mathrm{inf}} .

    Parameters
    ----------
    law : T2Law
    C_train : array_like
        Training FLOPs, positive and finite.
    C_inf : array_like
        Inference FLOPs per served token, positive and finite; broadcasts with ``C_train``.
    min_samples : float, optional
        Smallest allowed :math:`k` (e.g. 1); ``None`` lets :math:`k` be any real > 0.
    """
    if not isinstance(law, T2Law):
        raise ValueError(f"law must be a T2Law for the t2 regime; got {type(law).__name__}")
    N, D, k = t2_optimal(law, C_train, C_inf, min_samples=min_samples)
    return _alloc("t2", law, N, D, k, 0.0, C_train=C_train, C_inf=C_inf)


def _t2_summed_share(law: T2Law, C: np.ndarray, S: np.ndarray) -> np.ndarray:
    """Training share of the T² summed-budget optimum, by bisection on logit(share), all budgets at once."""
    lo = np.full(C.shape, -_LOGIT_BOUND)
    hi = np.full(C.shape, _LOGIT_BOUND)
    for _ in range(_BISECT_ITERS):
        x = 0.5 * (lo + hi)
        s = 1.0 / (1.0 + np.exp(-x))
        N, D, k = t2_optimal(law, s * C, (1.0 - s) * C / S)
        # g = ln(eps_D / eps_k) - ln(T / I): decreasing in the share; the optimum is its root.
        g = (np.log(law.beta * law.B) - law.beta * np.log(D)) - (np.log(law.gamma * law.G) - law.gamma * np.log(k)) - x
        lo, hi = np.where(g > 0, x, lo), np.where(g > 0, hi, x)
    return 1.0 / (1.0 + np.exp(-0.5 * (lo + hi)))


def t2_summed(law: T2Law, C_life, served_tokens) -> Allocation:
    r"""The full frame: one lifetime budget :math:`6ND + 2Nk\,S = C_{\mathrm{life}}`, the split and :math:`k` free.

    Multiplying the Lagrangian's stationarity conditions by :math:`D` and :math:`k` gives
    :math:`\varepsilon_D = \lambda\,6ND` and :math:`\varepsilon_k = \lambda\,2NkS` with
    :math:`\varepsilon_D = \beta B D^{-\beta}`, :math:`\varepsilon_k = \gamma G k^{-\gamma}`, so at the optimum

    .. math::

        \frac{T}{I} = \frac{6ND}{2NkS} = \frac{\varepsilon_D}{\varepsilon_k}

    (chapter 5's bridge: the spend ratio equals the local exchange rate). For a training share :math:`s` the
    inner problem is :func:`t2` at :math:`(sC, (1-s)C/S)`; :math:`\ln(\varepsilon_D/\varepsilon_k) - \ln(s/(1-s))`
    decreases in :math:`s` (more training lowers :math:`\varepsilon_D` and raises :math:`\varepsilon_k`), so its
    root is found by bisection on :math:`\mathrm{logit}(s) \in [-40, 40]`, vectorised over budgets.

    Parameters
    ----------
    law : T2Law
        With ``G > 0`` (with ``G = 0`` samples buy nothing: use :func:`sardana`).
    C_life : array_like
        Lifetime FLOPs, ``0 < C_life < inf``.
    served_tokens : array_like
        Lifetime demand :math:`S`, ``0 < served_tokens < inf``; broadcasts with ``C_life``.
    """
    if not isinstance(law, T2Law):
        raise ValueError(f"law must be a T2Law for the t2-summed regime; got {type(law).__name__}")
    if law.G == 0:
        raise ValueError("law.G must be > 0 for the t2-summed regime (with G = 0 samples buy nothing: use sardana)")
    C = v.positive("C_life", C_life)
    S = v.positive("served_tokens", served_tokens)
    C, S = v.broadcast(C_life=C, served_tokens=S)
    s = _t2_summed_share(law, C, S)
    N, D, k = t2_optimal(law, s * C, (1.0 - s) * C / S)
    return _alloc("t2-summed", law, N, D, k, S, C_life=C_life, served_tokens=served_tokens)


def plan_allocation(law, C_train, C_inf=None, served_tokens=None, min_samples: float | None = None) -> Allocation:
    r"""The regime that the given budgets call for, and its allocation.

    ============================  ===========================  =============================================
    law                           no ``served_tokens``         ``served_tokens`` :math:`S > 0`
    ============================  ===========================  =============================================
    :class:`~.ChinchillaLaw`      :func:`chinchilla`           :func:`sardana` at :math:`C_{\mathrm{train}} + S C_{\mathrm{inf}}`
    :class:`~t2lib.t2.T2Law`      :func:`t2`                   :func:`t2_summed` at :math:`C_{\mathrm{train}} + S C_{\mathrm{inf}}`
    ============================  ===========================  =============================================

    With a demand the two budgets become one lifetime budget that the optimiser may re-split.

    Parameters
    ----------
    law : ChinchillaLaw or T2Law
    C_train : array_like
        Training FLOPs, positive and finite.
    C_inf : array_like, optional
        Inference FLOPs per served token, positive and finite (required for a T2Law; with a demand,
        ``0 <= C_inf``).
    served_tokens : array_like, optional
        Lifetime demand in tokens, ``0 <= served_tokens < inf``; ``None`` or 0 means no inference counted.
    min_samples : float, optional
        Smallest allowed :math:`k` in the ``t2`` regime.
    """
    _k1_law(law)
    ct = v.positive("C_train", C_train)
    if min_samples is not None:
        v.positive_scalar("min_samples", min_samples)
    demand = served_tokens is not None and np.any(_check_demand("served_tokens", served_tokens) > 0)
    if not demand and C_inf is not None:
        v.broadcast(C_train=ct, C_inf=v.positive("C_inf", C_inf))
    if demand:
        S = v.positive("served_tokens", served_tokens)
        ci = np.zeros(()) if C_inf is None else v.nonnegative("C_inf", C_inf)
        ct, S, ci = v.broadcast(C_train=ct, served_tokens=S, C_inf=ci)
        C_life = v.finite_result(ct + S * ci, "the lifetime budget C_train + served_tokens * C_inf",
                                 C_train=C_train, served_tokens=served_tokens, C_inf=C_inf)
        if isinstance(law, T2Law):
            return t2_summed(law, C_life, S)
        return sardana(law, C_life, S)
    if isinstance(law, T2Law):
        if C_inf is None:
            raise ValueError("C_inf (inference FLOPs per served token) is required for a T2Law")
        return t2(law, C_train, C_inf, min_samples=min_samples)
    return chinchilla(law, C_train)


# --------------------------------------------------------------------------- uncertainty
@dataclass(frozen=True)
class LawDraws:
    r"""Replicate laws (bootstrap draws) as parameter arrays, one element per draw.

    ``G`` and ``gamma`` are ``None`` for Chinchilla laws. Build with :meth:`from_bootstrap` (chapter 3's
    :class:`~t2lib.fit.BootstrapResult`) or :meth:`from_laws` (any sequence of laws of one kind).
    """

    E: np.ndarray = field(repr=False)
    A: np.ndarray = field(repr=False)
    B: np.ndarray = field(repr=False)
    alpha: np.ndarray = field(repr=False)
    beta: np.ndarray = field(repr=False)
    G: np.ndarray | None = field(default=None, repr=False)
    gamma: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for name in ("E", "A", "B", "alpha", "beta", "G", "gamma"):
            x = getattr(self, name)
            if x is None and name in ("G", "gamma"):
                continue
            arr = v.nonnegative(name, x) if name in ("E", "G") else v.positive(name, x)
            if arr.ndim != 1:
                raise ValueError(f"{name} must be a 1-D array of draws; got shape {arr.shape}")
            object.__setattr__(self, name, arr)
        if (self.G is None) != (self.gamma is None):
            raise ValueError("G and gamma must both be given (a T² law) or both be None (a Chinchilla law)")
        v.same_shape(**{n: getattr(self, n) for n in ("E", "A", "B", "alpha", "beta", "G", "gamma")
                        if getattr(self, n) is not None})

    @property
    def is_t2(self) -> bool:
        """Whether the draws carry a sampling term (``G`` set: T² laws rather than Chinchilla laws)."""
        return self.G is not None

    def __len__(self) -> int:
        return int(self.E.size)

    @classmethod
    def from_bootstrap(cls, boot) -> "LawDraws":
        """The replicates of a :class:`t2lib.fit.BootstrapResult` (chapter 3), converged ones only."""
        from .fit import BootstrapResult

        v.law("boot", boot, BootstrapResult)
        keep = np.asarray(boot.converged, dtype=bool)
        if not keep.any():
            raise ValueError("boot has no converged replicate")
        return cls(E=boot.E[keep], A=boot.A[keep], B=boot.B[keep], alpha=boot.alpha[keep], beta=boot.beta[keep])

    @classmethod
    def from_laws(cls, laws: Sequence) -> "LawDraws":
        """Draws from a sequence of :class:`~t2lib.laws.ChinchillaLaw` or of :class:`~t2lib.t2.T2Law` (not mixed)."""
        if isinstance(laws, (str, bytes)) or not hasattr(laws, "__iter__"):
            raise ValueError(f"laws must be a sequence of laws; got {type(laws).__name__}")
        laws = list(laws)
        if not laws:
            raise ValueError("laws must not be empty")
        if all(isinstance(x, T2Law) for x in laws):
            names = ("E", "A", "B", "alpha", "beta", "G", "gamma")
        elif all(isinstance(x, ChinchillaLaw) for x in laws):
            names = ("E", "A", "B", "alpha", "beta")
        else:
            raise ValueError("laws must be all ChinchillaLaw or all T2Law")
        return cls(**{n: np.array([getattr(x, n) for x in laws]) for n in names})

    def law(self, i: int):
        """Draw ``i`` as a law object."""
        i = v.integer("i", i, 0, len(self) - 1)
        p = {n: float(getattr(self, n)[i]) for n in ("E", "A", "B", "alpha", "beta")}
        if self.is_t2:
            return T2Law(**p, G=float(self.G[i]), gamma=float(self.gamma[i]))
        return ChinchillaLaw(**p)

    def loss(self, N, D, k=1.0) -> np.ndarray:
        r"""Every draw's loss at ``(N, D, k)``: shape ``(R,) + shape`` of the broadcast inputs."""
        N, D, k = v.broadcast(N=v.positive("N", N), D=v.positive("D", D), k=v.positive("k", k))
        shape = (-1,) + (1,) * max(N.ndim, D.ndim, k.ndim)
        out = (self.E.reshape(shape) + self.A.reshape(shape) * N ** (-self.alpha.reshape(shape))
               + self.B.reshape(shape) * D ** (-self.beta.reshape(shape)))
        if self.is_t2:
            out = out + self.G.reshape(shape) * k ** (-self.gamma.reshape(shape))
        return out


def draw_allocations(draws: LawDraws, regime: str, C, served_tokens=None, C_inf=None) -> dict[str, np.ndarray]:
    r"""Each draw's optimum at the same budgets: arrays of shape ``(R,) + budgets.shape``.

    ``chinchilla`` and ``sardana`` are vectorised over draws and budgets together (the same closed form and
    the same Newton iteration as :func:`chinchilla` and :func:`sardana`); ``t2`` and ``t2-summed`` call the
    vectorised-over-budgets solvers once per draw.

    Parameters
    ----------
    draws : LawDraws
    regime : {"chinchilla", "sardana", "t2", "t2-summed"}
    C : array_like
        The budget of the regime: ``C_train`` (chinchilla, t2) or ``C_life`` (sardana, t2-summed).
    served_tokens : array_like, optional
        Demand (sardana, t2-summed).
    C_inf : array_like, optional
        Inference FLOPs per served token (t2).

    Returns
    -------
    dict with ``N``, ``D``, ``k``.
    """
    v.law("draws", draws, LawDraws)
    v.choice("regime", regime, ("chinchilla", "sardana", "t2", "t2-summed"))
    C = v.positive("C", C)
    if C_inf is not None:
        C, _ = v.broadcast(C=C, C_inf=v.positive("C_inf", C_inf))
    if served_tokens is not None:
        C, _ = v.broadcast(C=C, served_tokens=_check_demand("served_tokens", served_tokens))
    shape = (-1,) + (1,) * C.ndim
    p = {n: getattr(draws, n).reshape(shape) for n in ("A", "B", "alpha", "beta")}
    if regime == "chinchilla":
        al, be = p["alpha"], p["beta"]
        G = (al * p["A"] / (be * p["B"])) ** (1.0 / (al + be))
        x = C / 6.0
        N = G * x ** (be / (al + be))
        D = x ** (al / (al + be)) / G
        return dict(N=N, D=D, k=np.ones_like(N))
    if regime == "sardana":
        if served_tokens is None:
            raise ValueError("served_tokens is required for the sardana regime")
        S = _check_demand("served_tokens", served_tokens)
        N, D = _sardana_arrays(p["A"], p["B"], p["alpha"], p["beta"], C, S)
        return dict(N=N, D=D, k=np.ones_like(N))
    if regime in ("t2", "t2-summed"):
        if not draws.is_t2:
            raise ValueError(f"the {regime} regime needs T² draws (G and gamma)")
        out = []
        for i in range(len(draws)):  # one vectorised solve per draw
            law = draws.law(i)
            if regime == "t2":
                if C_inf is None:
                    raise ValueError("C_inf is required for the t2 regime")
                a = t2(law, C, C_inf)
            else:
                if served_tokens is None:
                    raise ValueError("served_tokens is required for the t2-summed regime")
                a = t2_summed(law, C, served_tokens)
            out.append((a.N, a.D, a.k))
        N, D, k = (np.stack(x) for x in zip(*out))
        return dict(N=N, D=D, k=k)
    raise ValueError(f"regime must be one of 'chinchilla', 'sardana', 't2', 't2-summed'; got {regime!r}")


def bands(values: Mapping[str, np.ndarray], level: float = 0.9) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    r"""Central percentile bands over draws (axis 0) of every array in ``values``.

    Parameters
    ----------
    values : mapping of name to array, shape ``(R, ...)``
        E.g. the output of :func:`draw_allocations`.
    level : float
        Coverage, in (0, 1); the band is the ``(1-level)/2`` and ``(1+level)/2`` quantiles.

    Returns
    -------
    dict of name to ``(lo, hi)``.
    """
    v.mapping("values", values)
    if not values:
        raise ValueError("values must not be empty")
    lev = float(v.scalar("level", level, 0.0, 1.0))
    q = [(1.0 - lev) / 2.0, (1.0 + lev) / 2.0]
    out = {}
    for name, x in values.items():
        arr = v.finite(name, x)
        lo, hi = np.quantile(arr, q, axis=0)
        out[name] = (lo, hi)
    return out


def excess_loss(draws: LawDraws, point: Allocation, at_draws: Mapping[str, np.ndarray]) -> np.ndarray:
    r"""Loss lost by using the point estimate's allocation when the truth is each draw.

    For draw :math:`r` as the truth, with its own optimum :math:`(N_r, D_r, k_r)` at the same budgets,

    .. math::

        \Delta_r = L_r(\hat N, \hat D, \hat k) - L_r(N_r, D_r, k_r) \ge 0,

    where :math:`(\hat N, \hat D, \hat k)` is ``point`` (feasible for every draw: the budgets do not depend on
    the law). The mean over draws is the expected excess loss.

    Parameters
    ----------
    draws : LawDraws
    point : Allocation
        The point estimate's allocation, shape ``budgets.shape``.
    at_draws : mapping
        :func:`draw_allocations` at the same budgets (``N``, ``D``, ``k``, shape ``(R,) + budgets.shape``).

    Returns
    -------
    numpy.ndarray
        :math:`\Delta_r`, shape ``(R,) + budgets.shape``.
    """
    v.law("draws", draws, LawDraws)
    v.law("point", point, Allocation)
    v.mapping("at_draws", at_draws)
    missing = [q for q in ("N", "D", "k") if q not in at_draws]
    if missing:
        raise ValueError(f"at_draws must hold N, D and k (from draw_allocations); missing {missing}")
    shape = (-1,) + (1,) * np.ndim(point.N)
    def term(name, x, p):  # noqa: E306 - per-draw loss terms, broadcast over budgets
        return getattr(draws, name).reshape(shape) * x ** (-getattr(draws, p).reshape(shape))
    loss_point = term("A", point.N, "alpha") + term("B", point.D, "beta")
    loss_own = term("A", at_draws["N"], "alpha") + term("B", at_draws["D"], "beta")
    if draws.is_t2:
        loss_point = loss_point + term("G", point.k, "gamma")
        loss_own = loss_own + term("G", at_draws["k"], "gamma")
    out = loss_point - loss_own
    if not np.all(np.isfinite(out)):
        raise ValueError("the excess loss is not finite (draws or allocations out of floating-point range)")
    return out


def wasted_compute(draws: LawDraws, excess, at_draws: Mapping[str, np.ndarray]) -> np.ndarray:
    r"""Share of the training budget that the excess loss of the Chinchilla regime is worth, for each draw.

    On the compute-optimal frontier of draw :math:`r` the reducible loss falls as
    :math:`R_r(C) \propto C^{-c_r}` with :math:`c_r = \alpha_r\beta_r/(\alpha_r+\beta_r)` (chapter 2). The loss
    of the point estimate's allocation, :math:`R_r + \Delta_r`, is what the truth's optimum reaches with the
    budget :math:`C' = C\,(1 + \Delta_r/R_r)^{-1/c_r}`; the point estimate wastes

    .. math::

        w_r = 1 - (1 + \Delta_r/R_r)^{-1/c_r}

    of the budget. Exact for the ``chinchilla`` regime only (its frontier is a power law in :math:`C`).

    Parameters
    ----------
    draws : LawDraws
        Chinchilla draws.
    excess : array_like
        :func:`excess_loss`, shape ``(R,) + budgets.shape``, ``>= 0``.
    at_draws : mapping
        :func:`draw_allocations` in the ``chinchilla`` regime at the same budgets.
    """
    v.law("draws", draws, LawDraws)
    v.mapping("at_draws", at_draws)
    if "N" not in at_draws or "D" not in at_draws:
        raise ValueError("at_draws must hold N and D (from draw_allocations)")
    ex = v.finite("excess", excess)
    if ex.shape != np.shape(at_draws["N"]):
        raise ValueError(f"excess must have the shape of at_draws['N'] {np.shape(at_draws['N'])}; got {ex.shape}")
    if np.any(ex < -1e-12):
        raise ValueError("excess must be >= 0 (allowed range: 0 <= excess < inf)")
    shape = (-1,) + (1,) * (ex.ndim - 1)
    al, be = draws.alpha.reshape(shape), draws.beta.reshape(shape)
    R = draws.A.reshape(shape) * at_draws["N"] ** (-al) + draws.B.reshape(shape) * at_draws["D"] ** (-be)
    c = al * be / (al + be)
    return -np.expm1(-np.log1p(np.maximum(ex, 0.0) / R) / c)


# --------------------------------------------------------------------------- data limits
UNIQUE_TOKENS_DEFAULT = 15e12
"""Default unique training tokens available: about 15 trillion, the size of FineWeb (Penedo et al. 2024),
the largest openly released deduplicated English web corpus (GPT-2 tokens). A parameter everywhere it is used."""

MUENNIGHOFF_2023: dict[str, float] = dict(_published.MUENNIGHOFF_2023_FIT)
r"""Muennighoff et al. (2023), "Scaling Data-Constrained Language Models": the parametric fit of their
data-constrained law on C4, :math:`(\log A, \log B, \log E, \alpha, \beta, R_D^*, R_N^*)`, as given in the
authors' repository (``huggingface/datablations``, README, "Parametric Fit"). :math:`R_D^*` is the decay
constant of repeated data, :math:`R_N^*` that of excess parameters."""


def epochs(D, unique_tokens=UNIQUE_TOKENS_DEFAULT) -> np.ndarray:
    """Passes over the data, :math:`D/U` (above 1 the data are repeated).

    Parameters
    ----------
    D : array_like
        Training tokens, positive.
    unique_tokens : array_like
        Unique tokens available :math:`U`, positive (default :data:`UNIQUE_TOKENS_DEFAULT`).
    """
    D, U = v.broadcast(D=v.positive("D", D), unique_tokens=v.positive("unique_tokens", unique_tokens))
    return D / U


def effective_tokens(D, unique_tokens=UNIQUE_TOKENS_DEFAULT, R_star: float = MUENNIGHOFF_2023["R_D_star"]):
    r"""What ``D`` training tokens drawn from ``unique_tokens`` are worth as fresh data (Muennighoff et al. 2023).

    With :math:`R_D = D/U - 1` repetitions (0 when :math:`D \le U`),

    .. math::

        D' = U + U R^*\big(1 - e^{-R_D/R^*}\big),

    so :math:`D' \approx D` for a few epochs, and :math:`D' \to U(1 + R^*)` however long one trains.

    Parameters
    ----------
    D : array_like
        Training tokens, positive.
    unique_tokens : array_like
        Unique tokens available, positive.
    R_star : float
        Decay constant :math:`R_D^*`, positive (default the paper's fit, 15.4).
    """
    D, U = v.broadcast(D=v.positive("D", D), unique_tokens=v.positive("unique_tokens", unique_tokens))
    R = float(v.positive_scalar("R_star", R_star))
    rep = np.maximum(D / U - 1.0, 0.0)
    return np.where(D <= U, D, U + U * R * (-np.expm1(-rep / R)))


def data_constrained_loss(N, D, unique_tokens, params: Mapping[str, float] = MUENNIGHOFF_2023) -> np.ndarray:
    r"""Muennighoff et al.'s (2023) data-constrained law: Chinchilla's form with effective data and parameters.

    .. math::

        L = E + \frac{A}{N'^{\alpha}} + \frac{B}{D'^{\beta}},\qquad
        D' = U_D + U_D R_D^*\big(1 - e^{-R_D/R_D^*}\big),\qquad
        N' = U_N + U_N R_N^*\big(1 - e^{-R_N/R_N^*}\big),

    with :math:`U_D` the unique tokens, :math:`R_D = D/U_D - 1`, :math:`U_N = \min(N, N_{\mathrm{opt}}(U_D))`
    (the compute-optimal size for the unique data, :math:`N_{\mathrm{opt}}(D) = G (DG)^{\beta/\alpha}`,
    :math:`G = (\alpha A/(\beta B))^{1/(\alpha+\beta)}`) and :math:`R_N = N/U_N - 1`.

    Parameters
    ----------
    N, D, unique_tokens : array_like
        Parameters, training tokens and unique tokens, positive; ``D >= unique_tokens`` is not required.
    params : mapping
        ``log_A, log_B, log_E, alpha, beta, R_D_star, R_N_star`` (default :data:`MUENNIGHOFF_2023`).
    """
    N, D, U = v.broadcast(N=v.positive("N", N), D=v.positive("D", D),
                          unique_tokens=v.positive("unique_tokens", unique_tokens))
    U = np.minimum(U, D)  # unique tokens actually seen
    v.mapping("params", params)
    need = ("log_A", "log_B", "log_E", "alpha", "beta", "R_D_star", "R_N_star")
    if set(need) - set(params):
        raise ValueError(f"params must have the keys {need}; missing {sorted(set(need) - set(params))}")
    for key in need:
        (v.finite if key.startswith("log") else v.positive_scalar)(f"params[{key!r}]", params[key])
    A, B, E = (float(np.exp(params[k])) for k in ("log_A", "log_B", "log_E"))
    al, be = float(params["alpha"]), float(params["beta"])
    G = (al * A / (be * B)) ** (1.0 / (al + be))
    UN = np.minimum(N, G * (U * G) ** (be / al))
    RN = params["R_N_star"]
    Np = UN + UN * RN * (-np.expm1(-(N / UN - 1.0) / RN))
    Dp = effective_tokens(D, U, params["R_D_star"])
    return E + A * Np ** (-al) + B * Dp ** (-be)


def repetition_excess_loss(law, D, unique_tokens=UNIQUE_TOKENS_DEFAULT,
                           R_star: float = MUENNIGHOFF_2023["R_D_star"]) -> np.ndarray:
    r"""Extra loss from repeating data: :math:`B D'^{-\beta} - B D^{-\beta}` with :math:`D'` from :func:`effective_tokens`.

    Only the data term changes (Muennighoff et al.'s excess-parameter correction, which applies when the model is
    much larger than the unique data warrant, is left out). 0 where :math:`D \le U`.

    Parameters
    ----------
    law : ChinchillaLaw or T2Law
    D : array_like
        Training tokens, positive.
    unique_tokens, R_star
        As in :func:`effective_tokens`.
    """
    base = _k1_law(law)
    Dp = effective_tokens(D, unique_tokens, R_star)
    D = np.broadcast_to(v.positive("D", D), Dp.shape)
    return base.B * (Dp ** (-base.beta) - D ** (-base.beta))


def data_range(**columns) -> dict[str, tuple[float, float]]:
    """``{name: (min, max)}`` of each given array: the range a law was fitted on, from its data.

    Parameters
    ----------
    **columns : array_like
        E.g. ``N=df["N"], D=df["D"]``; positive and finite.
    """
    return {k: (float(np.min(v.positive(k, x))), float(np.max(v.positive(k, x)))) for k, x in columns.items()}


def outside_range(fitted_range: Mapping[str, tuple[float, float]] | None, **values) -> dict[str, np.ndarray]:
    r"""How far each value lies outside the range a law was fitted on, as a factor (1 inside).

    For a range :math:`[lo, hi]` the factor is :math:`\max(lo/x,\ x/hi,\ 1)`: 10 means an order of magnitude
    beyond the fitted range. Names missing from ``fitted_range`` (or ``fitted_range=None``, a law with no
    recorded range) give ``nan``: unknown, not "inside".

    Parameters
    ----------
    fitted_range : mapping or None
        ``{"N": (lo, hi), "D": (lo, hi), "k": (lo, hi)}``.
    **values : array_like
        E.g. ``N=alloc.N, D=alloc.D``.
    """
    if fitted_range is not None:
        v.mapping("fitted_range", fitted_range)
    out = {}
    for name, x in values.items():
        arr = v.positive(name, x)
        if fitted_range is None or name not in fitted_range:
            out[name] = np.full(arr.shape, np.nan)
            continue
        lo, hi = (float(y) for y in fitted_range[name])
        out[name] = np.maximum(np.maximum(lo / arr, arr / hi), 1.0)
    return out
