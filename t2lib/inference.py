r"""Paying for inference: the inference-aware optimum and the train--inference split.

Two results, and the identity that connects them.

**Inference-aware Chinchilla** (Sardana et al., 2024). A model with :math:`N`
parameters trained on :math:`D` tokens and then used for :math:`D_{\mathrm{inf}}`
lifetime inference tokens costs

.. math::

    C_{\mathrm{life}}(N, D) = 6ND + 2ND_{\mathrm{inf}} .

Minimising it on the iso-loss curve :math:`L(N, D) = \ell` of a Chinchilla law
:math:`L = E + AN^{-\alpha} + BD^{-\beta}` reduces (see :func:`inference_optimal`)
to one scalar equation in :math:`y = D/D^*_{\mathrm{Chin}}(\ell)`,

.. math::

    y^{1+\beta} = y + \kappa,\qquad
    \kappa = \frac{\beta}{3(\alpha+\beta)}\,\frac{D_{\mathrm{inf}}}{D^*_{\mathrm{Chin}}(\ell)},

with a unique root :math:`y \ge 1` (:math:`y = 1` exactly when :math:`D_{\mathrm{inf}} = 0`).

**Constant exchange rate** (Erdil, 2024). If the iso-performance curve in
(training compute :math:`T`, lifetime inference compute :math:`I`) is
:math:`I = Q T^{-\rho}`, the cheapest point has :math:`T^*/I^* = \rho`,
i.e. a training share :math:`\rho/(1+\rho)`.

**Bridge.** Along the Chinchilla iso-loss curve the local exchange rate
:math:`\rho_{\mathrm{loc}} = -d\ln N / d\ln(6ND)` equals :math:`1/(\varepsilon_N/\varepsilon_D - 1)`,
and at the inference-aware optimum it equals training FLOPs / inference FLOPs,
:math:`3D/D_{\mathrm{inf}}`. :func:`overtraining_trade` gives, in closed form, how far the iso-loss curve can be
followed from the Chinchilla point before the local rate falls to a threshold, and :func:`efficient_span` the
stretch between two thresholds (Villalobos & Atkinson's "span of efficient exchange").

The book's notation (``book/notation.md``) writes the exchange rate :math:`\rho`; the functions keep their
argument name ``gamma``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import _validate as v
from .flops import FORWARD_FLOPS_PER_PARAM, TRAIN_FLOPS_PER_PARAM
from .laws import ChinchillaLaw
from .published import (ERDIL_2024_ILLUSTRATION, SARDANA_2024_COST_SETTINGS,  # noqa: F401 (re-exported; typed
                        SARDANA_2024_MAX_TOKENS_PER_PARAM)  # once, in t2lib.published)

__all__ = [
    "lifetime_flops",
    "training_share",
    "chinchilla_optimal_tokens",
    "chinchilla_quality_loss",
    "min_params",
    "iso_loss_tokens",
    "inference_optimal",
    "chinchilla_comparison",
    "elasticity_ratio",
    "local_exchange_rate",
    "local_exchange_rate_fd",
    "demand_for_exchange_rate",
    "overtraining_trade",
    "efficient_span",
    "optimal_training_share",
    "constant_exchange_optimum",
    "cost_equivalent_tokens",
    "lifetime_cost",
    "cost_optimal",
    "cost_comparison",
    "check_published",
    "SARDANA_2024_MAX_TOKENS_PER_PARAM",
    "SARDANA_2024_COST_SETTINGS",
    "ERDIL_2024_ILLUSTRATION",
]

_MAX_NEWTON = 60

def _check_law(law: ChinchillaLaw) -> None:
    v.law("law", law, ChinchillaLaw)


def _check_loss(law: ChinchillaLaw, loss) -> np.ndarray:
    ell = v.finite("loss", loss)
    if not np.all(ell > law.E):
        raise ValueError(
            f"loss must exceed E = {law.E:.6g} (allowed range: E < loss < inf); got min {ell.min()!r}"
        )
    return ell


def _quality_loss(law: ChinchillaLaw, Nq: np.ndarray) -> np.ndarray:
    ell = chinchilla_quality_loss(law, Nq)
    if not np.all(ell > law.E):
        raise ValueError(f"quality_params must be small enough that its Chinchilla loss stays above E = {law.E:.6g} "
                         f"in floating point; got max {Nq.max()!r}")
    return ell


# --------------------------------------------------------------------------- accounting
def lifetime_flops(N, D_train, inference_tokens) -> np.ndarray:
    r"""Lifetime compute of a model: training plus all inference.

    .. math::

        C_{\mathrm{life}} = 6ND_{\mathrm{train}} + 2ND_{\mathrm{inf}}

    (:math:`6N` FLOPs per training token, :math:`2N` per prompt or generated token).

    Parameters
    ----------
    N : array_like
        Parameters, ``0 < N < inf``.
    D_train : array_like
        Training tokens, ``0 < D_train < inf``.
    inference_tokens : array_like
        Lifetime inference tokens :math:`D_{\mathrm{inf}}`, ``0 <= inference_tokens < inf``.

    Returns
    -------
    numpy.ndarray
        FLOPs, broadcast over the inputs.
    """
    N, D, Dinf = v.broadcast(N=v.positive("N", N), D_train=v.positive("D_train", D_train),
                             inference_tokens=v.nonnegative("inference_tokens", inference_tokens))
    return v.finite_result(TRAIN_FLOPS_PER_PARAM * N * D + FORWARD_FLOPS_PER_PARAM * N * Dinf, "the lifetime FLOPs",
                           N=N, D_train=D, inference_tokens=Dinf)


def training_share(N, D_train, inference_tokens) -> np.ndarray:
    r"""Share of a model's lifetime compute spent on training.

    .. math::

        \frac{6ND_{\mathrm{train}}}{6ND_{\mathrm{train}} + 2ND_{\mathrm{inf}}}
        = \frac{3D_{\mathrm{train}}}{3D_{\mathrm{train}} + D_{\mathrm{inf}}}

    (:math:`N` cancels). At the inference-aware optimum it equals
    :math:`\rho/(1+\rho)` with :math:`\rho` the local exchange rate
    (:func:`local_exchange_rate`, :func:`optimal_training_share`).

    Parameters
    ----------
    N : array_like
        Parameters, ``0 < N < inf``.
    D_train : array_like
        Training tokens, ``0 < D_train < inf``.
    inference_tokens : array_like
        Lifetime inference tokens, ``0 <= inference_tokens < inf``.

    Returns
    -------
    numpy.ndarray
        The share, in ``(0, 1]``, broadcast over the inputs.
    """
    N, D, Dinf = v.broadcast(N=v.positive("N", N), D_train=v.positive("D_train", D_train),
                             inference_tokens=v.nonnegative("inference_tokens", inference_tokens))
    # N cancels: 3D / (3D + D_inf), which stays finite wherever D and D_inf are
    share = 3.0 * D / (3.0 * D + Dinf)
    if not np.all(np.isfinite(share) & (share > 0)):
        raise ValueError(f"D_train, inference_tokens: the training share is not finite and positive for "
                         f"D_train={D!r}, inference_tokens={Dinf!r} (3 D_train + inference_tokens overflows)")
    return share


def chinchilla_optimal_tokens(law: ChinchillaLaw, N) -> np.ndarray:
    r"""Compute-optimal training tokens for a model of ``N`` parameters.

    From the first-order condition :math:`\alpha A N^{-\alpha} = \beta B D^{-\beta}`:

    .. math::

        D_{\mathrm{Chin}}(N) = \Big(\frac{\beta B}{\alpha A}\Big)^{1/\beta} N^{\alpha/\beta} ,

    which is the token count of :meth:`~t2lib.laws.ChinchillaLaw.budget_for_params`.

    Parameters
    ----------
    law : ChinchillaLaw
    N : array_like
        Parameters, ``0 < N < inf``.
    """
    _check_law(law)
    return law.budget_for_params(N)[1]  # the same point of the frontier, reached from N


def chinchilla_quality_loss(law: ChinchillaLaw, N) -> np.ndarray:
    r"""The loss of "``N``-Chinchilla quality": an ``N``-parameter model trained on
    :math:`D_{\mathrm{Chin}}(N)` tokens (:func:`chinchilla_optimal_tokens`),

    .. math::

        \ell_{\mathrm{Chin}}(N) = E + \Big(1 + \frac{\alpha}{\beta}\Big) A N^{-\alpha} .

    Parameters
    ----------
    law : ChinchillaLaw
    N : array_like
        Parameters, ``0 < N < inf``.
    """
    _check_law(law)
    N = v.positive("N", N)
    return v.finite_result(law.E + (1.0 + law.alpha / law.beta) * law.A * N ** (-law.alpha), "the loss", N=N)


def min_params(law: ChinchillaLaw, loss) -> np.ndarray:
    r"""The smallest model that can reach loss ``loss`` with unlimited data.

    As :math:`D \to \infty` the data term :math:`BD^{-\beta}` vanishes, leaving

    .. math::

        N_{\min}(\ell) = \Big(\frac{A}{\ell - E}\Big)^{1/\alpha} .

    Parameters
    ----------
    law : ChinchillaLaw
    loss : array_like
        Target loss, ``E < loss < inf``.
    """
    _check_law(law)
    ell = _check_loss(law, loss)
    return v.finite_result((law.A / (ell - law.E)) ** (1.0 / law.alpha), "N_min", loss=ell)


def iso_loss_tokens(law: ChinchillaLaw, loss, N) -> np.ndarray:
    r"""Training tokens that bring an ``N``-parameter model to loss ``loss``.

    .. math::

        D(N;\ell) = \Big(\frac{B}{\ell - E - A N^{-\alpha}}\Big)^{1/\beta},

    defined for :math:`N > N_{\min}(\ell) = (A/(\ell-E))^{1/\alpha}` (a smaller model cannot
    reach :math:`\ell` with any amount of data).

    Parameters
    ----------
    law : ChinchillaLaw
    loss : array_like
        Target loss, ``E < loss < inf``.
    N : array_like
        Parameters, ``N_min(loss) < N < inf``.
    """
    _check_law(law)
    ell, N = v.broadcast(loss=_check_loss(law, loss), N=v.positive("N", N))
    room = ell - law.E - law.A * N ** (-law.alpha)
    if not np.all(room > 0):
        raise ValueError(
            "N must exceed N_min(loss) = (A/(loss - E))**(1/alpha), the smallest model that can reach "
            "the loss (allowed range: N_min < N < inf)"
        )
    return v.finite_result((law.B / room) ** (1.0 / law.beta), "the token count", loss=ell, N=N)


# --------------------------------------------------------------------------- the optimum
def _solve_y(kappa: np.ndarray, beta: float, rtol: float = 1e-15) -> np.ndarray:
    r"""Root :math:`y \ge 1` of :math:`y^{1+\beta} = y + \kappa`, vectorised.

    Works in :math:`t = \ln y` on :math:`\phi(t) = (1+\beta)t - \ln(e^t + \kappa)`, which is
    increasing (:math:`\beta < \phi' \le 1+\beta`) and concave. Newton's method started at
    the lower end of the bracket :math:`[t_{lo}, t_{hi}]` then increases monotonically to the
    root (a concave function lies below its tangents), so every iterate stays in the bracket;
    iterates are clipped to it anyway as a safeguard.
    """
    with np.errstate(divide="ignore"):
        logk = np.log(kappa)  # -inf where kappa == 0
    # Bracket: phi(t_lo) <= 0 <= phi(t_hi).
    t_lo = np.maximum(0.0, logk / (1.0 + beta))
    t_hi = np.maximum(np.log(2.0) / beta, (np.log(2.0) + logk) / (1.0 + beta))
    t_hi = np.minimum(t_hi, np.log1p(kappa) / beta)
    t = t_lo.copy()
    active = kappa > 0
    for _ in range(_MAX_NEWTON):
        if not np.any(active):
            break
        ta = t[active]
        la = logk[active]
        s = np.logaddexp(ta, la)  # ln(e^t + kappa)
        phi = (1.0 + beta) * ta - s
        dphi = (1.0 + beta) - np.exp(ta - s)
        step = phi / dphi
        new = np.clip(ta - step, t_lo[active], t_hi[active])
        t[active] = new
        done = np.abs(new - ta) <= rtol * np.maximum(1.0, np.abs(new))
        idx = np.flatnonzero(active)
        active[idx[done]] = False
    return np.exp(t)


def inference_optimal(law: ChinchillaLaw, loss, inference_tokens) -> tuple[np.ndarray, np.ndarray]:
    r"""Parameters and training tokens of minimum lifetime compute at a fixed loss.

    Solves

    .. math::

        \min_{N, D}\; 6ND + 2ND_{\mathrm{inf}} \quad\text{s.t.}\quad E + AN^{-\alpha} + BD^{-\beta} = \ell .

    Stationarity of the Lagrangian gives :math:`\alpha A N^{-\alpha} = \beta B D^{-\beta}
    (1 + D_{\mathrm{inf}}/(3D))`; with the constraint this leaves one equation in :math:`D`,

    .. math::

        B\Big(1 + \frac{\beta}{\alpha}\Big) D^{-\beta} + \frac{\beta B D_{\mathrm{inf}}}{3\alpha} D^{-\beta-1} = \ell - E .

    With :math:`y = D/D^*_{\mathrm{Chin}}(\ell)` it reads :math:`y^{1+\beta} = y + \kappa`,
    :math:`\kappa = \beta D_{\mathrm{inf}} / (3(\alpha+\beta) D^*_{\mathrm{Chin}}(\ell))`. The root
    :math:`y \ge 1` is found by a bracketed, monotone Newton iteration on :math:`\ln y`,
    vectorised over all inputs; then :math:`N = (A / (\ell - E - BD^{-\beta}))^{1/\alpha}`.
    Where ``inference_tokens == 0`` the result is exactly ``law.iso_loss_optimal(loss)``.

    Parameters
    ----------
    law : ChinchillaLaw
        The loss law.
    loss : array_like
        Target loss :math:`\ell`, ``E < loss < inf``.
    inference_tokens : array_like
        Lifetime inference tokens :math:`D_{\mathrm{inf}}`, ``0 <= inference_tokens < inf``.
        Broadcasts against ``loss``.

    Returns
    -------
    N, D_train : numpy.ndarray
        The optimal parameters and training tokens, with the broadcast shape.
    """
    _check_law(law)
    ell = _check_loss(law, loss)
    Dinf = v.nonnegative("inference_tokens", inference_tokens)
    ell, Dinf = v.broadcast(loss=ell, inference_tokens=Dinf)
    N0, D0 = law.iso_loss_optimal(ell)
    kappa = law.beta * Dinf / (3.0 * (law.alpha + law.beta) * D0)
    y = _solve_y(np.ravel(kappa).copy(), law.beta).reshape(kappa.shape)
    D = D0 * y
    gap = ell - law.E
    N = (law.A / (gap - law.B * D ** (-law.beta))) ** (1.0 / law.alpha)
    zero = Dinf == 0
    N = np.where(zero, N0, N)
    D = np.where(zero, D0, D)
    bad = ~(np.isfinite(N) & np.isfinite(D) & (N > 0) & (D > 0))
    if np.any(bad):
        i = np.flatnonzero(bad.ravel())[0]
        raise ValueError(
            f"loss, inference_tokens: the inference-aware optimum is not finite for loss={ell.ravel()[i]!r}, "
            f"inference_tokens={Dinf.ravel()[i]!r} (the loss is too close to E or the demand too large for "
            "floating point)"
        )
    return N, D


def chinchilla_comparison(law: ChinchillaLaw, quality_params, inference_tokens) -> dict[str, np.ndarray]:
    r"""The inference-aware optimum for "``quality_params``-Chinchilla quality" next to that Chinchilla model.

    The target loss is :math:`\ell = \ell_{\mathrm{Chin}}(N_q)` (:func:`chinchilla_quality_loss`); the reference
    model is :math:`(N_q, D_{\mathrm{Chin}}(N_q))` and the optimum is :func:`inference_optimal` at :math:`\ell`.
    Both are charged the lifetime FLOPs :math:`6ND + 2ND_{\mathrm{inf}}` (:func:`lifetime_flops`).

    Parameters
    ----------
    law : ChinchillaLaw
    quality_params : array_like
        :math:`N_q`, the size that names the quality, ``0 < quality_params < inf``.
    inference_tokens : array_like
        Lifetime inference tokens, ``0 <= inference_tokens < inf``; broadcasts against ``quality_params``.

    Returns
    -------
    dict of numpy.ndarray
        ``loss``; ``D_chin`` (Chinchilla tokens of the reference model); ``N`` and ``D_train`` (the optimum);
        ``D_ratio`` = ``D_train / D_chin``; ``flops_chin`` and ``flops_opt`` (lifetime FLOPs);
        ``saved_flops`` = ``flops_chin - flops_opt``; ``saving`` = ``1 - flops_opt / flops_chin``;
        ``chin_flop_ratio`` = ``flops_chin / flops_opt``.
    """
    _check_law(law)
    Nq, Dinf = v.broadcast(quality_params=v.positive("quality_params", quality_params),
                           inference_tokens=v.nonnegative("inference_tokens", inference_tokens))
    ell = _quality_loss(law, Nq)
    d_chin = chinchilla_optimal_tokens(law, Nq)
    n, d = inference_optimal(law, ell, Dinf)
    c_chin = lifetime_flops(Nq, d_chin, Dinf)
    c_opt = lifetime_flops(n, d, Dinf)
    return dict(loss=ell, D_chin=d_chin, N=n, D_train=d, D_ratio=d / d_chin, flops_chin=c_chin,
                flops_opt=c_opt, saved_flops=c_chin - c_opt, saving=1.0 - c_opt / c_chin,
                chin_flop_ratio=c_chin / c_opt)


def elasticity_ratio(law: ChinchillaLaw, N, D_train) -> np.ndarray:
    r"""Ratio of the loss elasticities :math:`\varepsilon_N/\varepsilon_D`.

    .. math::

        \varepsilon_N = -\frac{\partial L}{\partial \ln N} = \alpha A N^{-\alpha},\qquad
        \varepsilon_D = -\frac{\partial L}{\partial \ln D} = \beta B D^{-\beta} .

    It equals 1 on the Chinchilla frontier and :math:`1 + D_{\mathrm{inf}}/(3D)` at the
    inference-aware optimum.

    Parameters
    ----------
    law : ChinchillaLaw
    N, D_train : array_like
        Parameters and training tokens, positive and finite.
    """
    _check_law(law)
    N, D = v.broadcast(N=v.positive("N", N), D_train=v.positive("D_train", D_train))
    return v.finite_result((law.alpha * law.A * N ** (-law.alpha)) / (law.beta * law.B * D ** (-law.beta)),
                           "the elasticity ratio", N=N, D_train=D)


def local_exchange_rate(law: ChinchillaLaw, N, D_train) -> np.ndarray:
    r"""Local exchange rate of inference for training compute along the iso-loss curve.

    OOMs of per-token inference compute (:math:`\propto N`) saved per OOM of extra training
    compute (:math:`6ND`), moving along :math:`L(N, D) = \text{const}` through ``(N, D_train)``:

    .. math::

        \rho_{\mathrm{loc}} = -\frac{d\ln N}{d\ln(6ND)} = \frac{1}{\varepsilon_N/\varepsilon_D - 1} .

    (From :math:`\varepsilon_N\,d\ln N + \varepsilon_D\,d\ln D = 0`.) It is positive on the
    over-trained side of the Chinchilla frontier (:math:`\varepsilon_N > \varepsilon_D`),
    unbounded on the frontier (``inf`` if the ratio rounds to exactly 1, otherwise a very large
    number set by rounding) and negative on the under-trained side.

    Parameters
    ----------
    law : ChinchillaLaw
    N, D_train : array_like
        Parameters and training tokens, positive and finite.
    """
    rho = elasticity_ratio(law, N, D_train)
    with np.errstate(divide="ignore"):
        return 1.0 / (rho - 1.0)


def local_exchange_rate_fd(law: ChinchillaLaw, N, D_train, rel_step: float = 1e-4) -> np.ndarray:
    r"""Finite-difference estimate of :func:`local_exchange_rate` (a numerical check).

    Moves :math:`N \to N e^{\pm h}` along the iso-loss curve through ``(N, D_train)`` with
    :func:`iso_loss_tokens` and returns the central difference

    .. math::

        \hat\rho_{\mathrm{loc}} = -\frac{2h}{\ln C_{+} - \ln C_{-}},\qquad C_\pm = 6 N e^{\pm h} D(N e^{\pm h}) .

    Parameters
    ----------
    law : ChinchillaLaw
    N, D_train : array_like
        A point on the over-trained or under-trained side, positive and finite.
    rel_step : float
        The step :math:`h` in :math:`\ln N`, ``0 < rel_step < 0.1``.
    """
    _check_law(law)
    N, D = v.broadcast(N=v.positive("N", N), D_train=v.positive("D_train", D_train))
    h = v.scalar("rel_step", rel_step, 0.0, 0.1)
    ell = law.loss(N, D)
    Np, Nm = N * np.exp(h), N * np.exp(-h)
    try:
        Cp = 6.0 * Np * iso_loss_tokens(law, ell, Np)
        Cm = 6.0 * Nm * iso_loss_tokens(law, ell, Nm)
    except ValueError as exc:
        raise ValueError(f"N, D_train: the iso-loss curve through (N, D_train) cannot be followed a step "
                         f"rel_step={h!r} either way ({exc})") from None
    return v.finite_result(-2.0 * h / (np.log(Cp) - np.log(Cm)), "the exchange rate", N=N, D_train=D)


def demand_for_exchange_rate(law: ChinchillaLaw, loss, gamma) -> np.ndarray:
    r"""Lifetime inference demand at which the inference-aware optimum has local exchange rate ``gamma``.

    At the optimum :math:`\rho = 3D/D_{\mathrm{inf}}` (the bridge identity; :math:`\rho` is ``gamma``), so
    :math:`D_{\mathrm{inf}} = 3yD^*_{\mathrm{Chin}}/\rho` and :math:`\kappa = \beta y/(\rho(\alpha+\beta))`;
    the root equation :math:`y^{1+\beta} = y + \kappa` then gives in closed form

    .. math::

        y = \Big(1 + \frac{\beta}{\rho(\alpha+\beta)}\Big)^{1/\beta},\qquad
        D_{\mathrm{inf}}(\rho) = \frac{3\,y\,D^*_{\mathrm{Chin}}(\ell)}{\rho} .

    With ``gamma = 1`` this is the demand at which training and inference FLOPs are equal.

    Parameters
    ----------
    law : ChinchillaLaw
    loss : array_like
        Target loss, ``E < loss < inf``.
    gamma : array_like
        Exchange rate (equivalently training/inference FLOP ratio), ``0 < gamma < inf``.
    """
    _check_law(law)
    ell, g = v.broadcast(loss=_check_loss(law, loss), gamma=v.positive("gamma", gamma))
    _, D0 = law.iso_loss_optimal(ell)
    y = (1.0 + law.beta / (g * (law.alpha + law.beta))) ** (1.0 / law.beta)
    return v.finite_result(3.0 * y * D0 / g, "the demand", loss=ell, gamma=g)


def overtraining_trade(law: ChinchillaLaw, gamma) -> tuple[np.ndarray, np.ndarray]:
    r"""How far over-training reaches along the iso-loss curve before its local exchange rate falls to ``gamma``.

    Move along the iso-loss curve from the Chinchilla (iso-loss) optimum of any target loss towards smaller models.
    The local exchange rate :math:`\rho_{\mathrm{loc}}` (:func:`local_exchange_rate`, OOM of inference compute per
    token saved per OOM of extra training compute) falls from :math:`\infty` to 0. In the scaled coordinates
    :math:`u = N/N^*_{\mathrm{Chin}}`, :math:`v = D/D^*_{\mathrm{Chin}}` the iso-loss curve is
    :math:`\beta u^{-\alpha} + \alpha v^{-\beta} = \alpha + \beta` and :math:`\varepsilon_N/\varepsilon_D =
    u^{-\alpha} v^{\beta} = r`; the point with local rate :math:`\rho`, where :math:`r = 1 + 1/\rho`, is

    .. math::

        v^{-\beta} = \frac{\alpha+\beta}{\beta r + \alpha},\qquad
        u^{-\alpha} = \frac{r(\alpha+\beta)}{\beta r + \alpha},

    at :math:`\log_{10}(uv)` OOM more training compute and :math:`-\log_{10}u` OOM less inference compute per
    token (:math:`\propto N`) than the Chinchilla point. Only the exponents enter: the result is the same for every
    target loss.

    Parameters
    ----------
    law : ChinchillaLaw
    gamma : array_like
        The local exchange rate :math:`\rho` at the end point, ``0 < gamma < inf`` (named ``gamma`` like the other
        exchange-rate arguments of this module).

    Returns
    -------
    train_oom, inference_oom : numpy.ndarray
        Orders of magnitude of extra training compute and of inference compute saved, both positive.
    """
    _check_law(law)
    rho = v.positive("gamma", gamma)
    r = 1.0 + 1.0 / rho
    s = law.alpha + law.beta
    log_v = -np.log(s / (law.beta * r + law.alpha)) / law.beta
    log_u = -np.log(r * s / (law.beta * r + law.alpha)) / law.alpha
    ln10 = np.log(10.0)
    return (log_u + log_v) / ln10, -log_u / ln10


def efficient_span(law: ChinchillaLaw, min_rate=1.0 / 6.0, max_rate=6.0) -> tuple[np.ndarray, np.ndarray]:
    r"""Span of over-training: the stretch of the iso-loss curve where ``min_rate < rho_loc < max_rate``.

    Villalobos & Atkinson (2023) call the region where compute can be traded "at a marginal exchange rate better
    than 6 to 1" the span of efficient exchange. Read in both directions (a marginal trade costs less than 6 OOM of
    one kind of compute per OOM of the other) that is :math:`1/6 < \rho_{\mathrm{loc}} < 6`, the defaults. The span
    is the difference of :func:`overtraining_trade` at ``min_rate`` (its far end) and at ``max_rate`` (its near end);
    the stretch next to the Chinchilla point, where the rate exceeds ``max_rate``, is left out. Only the exponents
    enter: the span is the same for every target loss.

    Parameters
    ----------
    law : ChinchillaLaw
    min_rate : array_like
        Lower end of the rate band (the far end of the span), ``0 < min_rate < inf``.
    max_rate : array_like
        Upper end of the rate band (the near end), ``min_rate < max_rate < inf``.

    Returns
    -------
    train_oom, inference_oom : numpy.ndarray
        Orders of magnitude of extra training compute and of inference compute saved across the span, both
        positive.
    """
    _check_law(law)
    lo = v.positive("min_rate", min_rate)
    hi = v.positive("max_rate", max_rate)
    if not np.all(hi > lo):
        raise ValueError(f"max_rate must exceed min_rate (allowed range: min_rate < max_rate < inf); "
                         f"got max_rate={max_rate!r}, min_rate={min_rate!r}")
    far_t, far_i = overtraining_trade(law, lo)
    near_t, near_i = overtraining_trade(law, hi)
    return far_t - near_t, far_i - near_i


# --------------------------------------------------------------------------- Erdil
def optimal_training_share(gamma) -> np.ndarray:
    r"""Training share of total compute at the optimum for a constant exchange rate.

    Minimising :math:`T + Q T^{-\rho}` (:math:`\rho` is ``gamma``) gives :math:`T^*/I^* = \rho`, hence

    .. math::

        \frac{T^*}{T^* + I^*} = \frac{\rho}{1 + \rho} .

    Parameters
    ----------
    gamma : array_like
        OOMs of inference compute saved per OOM of training compute, ``0 < gamma < inf``.
    """
    g = v.positive("gamma", gamma)
    share = g / (1.0 + g)
    if not np.all((share > 0) & (share < 1)):
        raise ValueError(f"gamma must be small enough that gamma/(1+gamma) is below 1 in floating point "
                         f"(allowed range: 0 < gamma < 1e16); got max {g.max()!r}")
    return share


def constant_exchange_optimum(
    K, gamma, price_train: float = 1.0, price_inference: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    r"""Cheapest point on the iso-performance curve :math:`I = Q T^{-\rho}`.

    With :math:`Q` = ``K``, :math:`\rho` = ``gamma`` and the prices :math:`\pi_T, \pi_I` per FLOP, minimising
    :math:`\pi_T T + \pi_I Q T^{-\rho}` over :math:`T` gives

    .. math::

        T^* = \Big(\frac{\rho Q \pi_I}{\pi_T}\Big)^{1/(1+\rho)},\qquad I^* = Q T^{*-\rho},
        \qquad \frac{\pi_T T^*}{\pi_I I^*} = \rho ,

    so the *spending* shares do not depend on the prices.

    Parameters
    ----------
    K : array_like
        Level :math:`Q` of the iso-performance curve (FLOPs^(1+gamma)), ``0 < K < inf``.
    gamma : array_like
        Exchange rate :math:`\rho`, ``0 < gamma < inf``.
    price_train, price_inference : array_like
        Prices per FLOP of training and inference compute, ``0 < price < inf``.

    Returns
    -------
    T, I : numpy.ndarray
        Training and lifetime inference FLOPs at the optimum.
    """
    K, g, pT, pI = v.broadcast(K=v.positive("K", K), gamma=v.positive("gamma", gamma),
                               price_train=v.positive("price_train", price_train),
                               price_inference=v.positive("price_inference", price_inference))
    T = (g * K * pI / pT) ** (1.0 / (1.0 + g))
    return v.finite_result((T, K * T ** (-g)), "the optimum", K=K, gamma=g, price_train=pT, price_inference=pI)


# --------------------------------------------------------------------------- dollars
def _check_mfu(name: str, x) -> np.ndarray:
    arr = v.finite(name, x)
    if not np.all((arr > 0) & (arr <= 1)):
        raise ValueError(f"{name} must lie in (0, 1] (a fraction of peak throughput); got {x!r}")
    return arr


def cost_equivalent_tokens(
    prompt_tokens,
    generated_tokens,
    price_ratio,
    mfu_train: float = 0.5,
    mfu_prompt: float = 0.5,
    mfu_generate: float = 0.01,
) -> np.ndarray:
    r"""Inference tokens that, priced as FLOPs, cost the same as the real inference bill.

    With :math:`\pi_{\mathrm{tr}}, \pi_{\mathrm{inf}}` the dollars per FLOP at full utilisation
    and :math:`r = \pi_{\mathrm{inf}}/\pi_{\mathrm{tr}}` (``price_ratio``), the dollar cost
    (:func:`lifetime_cost`) is :math:`\pi_{\mathrm{tr}}/\mathrm{MFU}_{\mathrm{tr}}` times the
    lifetime FLOPs :math:`6ND + 2N D_{\mathrm{eff}}` with

    .. math::

        D_{\mathrm{eff}} = r\,\mathrm{MFU}_{\mathrm{tr}}
        \Big(\frac{D_{\mathrm{inp}}}{\mathrm{MFU}_{\mathrm{inp}}} + \frac{D_{\mathrm{out}}}{\mathrm{MFU}_{\mathrm{out}}}\Big) .

    The default utilisations (50 % training and prompt, 1 % generation) are those of
    Sardana et al. (2024); ``price_ratio`` has no default because it is an assumption.

    Parameters
    ----------
    prompt_tokens, generated_tokens : array_like
        Lifetime prompt and generated tokens, ``0 <= tokens < inf``.
    price_ratio : array_like
        :math:`r`, ``0 < price_ratio < inf``.
    mfu_train, mfu_prompt, mfu_generate : array_like
        Utilisations, each in ``(0, 1]``.
    """
    Dp = v.nonnegative("prompt_tokens", prompt_tokens)
    Do = v.nonnegative("generated_tokens", generated_tokens)
    r = v.positive("price_ratio", price_ratio)
    mt = _check_mfu("mfu_train", mfu_train)
    mp = _check_mfu("mfu_prompt", mfu_prompt)
    mg = _check_mfu("mfu_generate", mfu_generate)
    Dp, Do, r, mt, mp, mg = v.broadcast(prompt_tokens=Dp, generated_tokens=Do, price_ratio=r, mfu_train=mt,
                                        mfu_prompt=mp, mfu_generate=mg)
    return v.finite_result(r * mt * (Dp / mp + Do / mg), "the cost-equivalent token count", prompt_tokens=Dp,
                           generated_tokens=Do, price_ratio=r, mfu_prompt=mp, mfu_generate=mg)


def lifetime_cost(
    N,
    D_train,
    prompt_tokens,
    generated_tokens,
    price_ratio,
    mfu_train: float = 0.5,
    mfu_prompt: float = 0.5,
    mfu_generate: float = 0.01,
) -> np.ndarray:
    r"""Lifetime dollar cost in units of :math:`\pi_{\mathrm{tr}}` (training dollars per FLOP at peak).

    .. math::

        \frac{\text{cost}}{\pi_{\mathrm{tr}}} = \frac{6ND}{\mathrm{MFU}_{\mathrm{tr}}}
        + r\Big(\frac{2ND_{\mathrm{inp}}}{\mathrm{MFU}_{\mathrm{inp}}} + \frac{2ND_{\mathrm{out}}}{\mathrm{MFU}_{\mathrm{out}}}\Big)

    Parameters are as in :func:`cost_equivalent_tokens`, plus ``N`` and ``D_train`` (positive).
    """
    Deff = cost_equivalent_tokens(prompt_tokens, generated_tokens, price_ratio, mfu_train, mfu_prompt, mfu_generate)
    mt = _check_mfu("mfu_train", mfu_train)
    N, D, Deff = v.broadcast(N=v.positive("N", N), D_train=v.positive("D_train", D_train), prompt_tokens=Deff)
    return v.finite_result((TRAIN_FLOPS_PER_PARAM * N * D + FORWARD_FLOPS_PER_PARAM * N * Deff) / mt, "the cost",
                           N=N, D_train=D, prompt_tokens=prompt_tokens, generated_tokens=generated_tokens,
                           price_ratio=price_ratio)


def cost_optimal(
    law: ChinchillaLaw,
    loss,
    prompt_tokens,
    generated_tokens,
    price_ratio,
    mfu_train: float = 0.5,
    mfu_prompt: float = 0.5,
    mfu_generate: float = 0.01,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Minimum-dollar ``(N, D_train)`` at loss ``loss``.

    Because the dollar cost is a constant times :math:`6ND + 2ND_{\mathrm{eff}}`
    (:func:`cost_equivalent_tokens`), this is :func:`inference_optimal` with
    ``inference_tokens = D_eff``.
    """
    _check_law(law)
    ell = _check_loss(law, loss)
    Deff = cost_equivalent_tokens(prompt_tokens, generated_tokens, price_ratio, mfu_train, mfu_prompt, mfu_generate)
    ell, Deff = v.broadcast(loss=ell, prompt_tokens=Deff)
    try:
        return inference_optimal(law, ell, Deff)
    except ValueError as exc:
        raise ValueError(f"loss, prompt_tokens, generated_tokens, price_ratio: {exc}") from None


def cost_comparison(
    law: ChinchillaLaw,
    quality_params,
    prompt_tokens,
    generated_tokens,
    price_ratio,
    mfu_train: float = 0.5,
    mfu_prompt: float = 0.5,
    mfu_generate: float = 0.01,
) -> dict[str, np.ndarray]:
    r"""The dollar optimum for "``quality_params``-Chinchilla quality" next to that Chinchilla model.

    As :func:`chinchilla_comparison`, but both models are charged the dollar cost of :func:`lifetime_cost`
    and the optimum is :func:`cost_optimal`.

    Parameters
    ----------
    law : ChinchillaLaw
    quality_params : array_like
        :math:`N_q`, ``0 < quality_params < inf``.
    prompt_tokens, generated_tokens, price_ratio, mfu_train, mfu_prompt, mfu_generate
        As in :func:`cost_equivalent_tokens`; everything broadcasts.

    Returns
    -------
    dict of numpy.ndarray
        ``loss``, ``D_chin``, ``N``, ``D_train``, ``cost_chin`` and ``cost_opt`` (in units of training dollars per
        peak FLOP), ``saving`` = ``1 - cost_opt / cost_chin`` and ``chin_cost_ratio`` = ``cost_chin / cost_opt``.
    """
    _check_law(law)
    Nq = v.positive("quality_params", quality_params)
    ell = _quality_loss(law, Nq)
    kw = dict(prompt_tokens=prompt_tokens, generated_tokens=generated_tokens, price_ratio=price_ratio,
              mfu_train=mfu_train, mfu_prompt=mfu_prompt, mfu_generate=mfu_generate)
    v.broadcast(quality_params=Nq, prompt_tokens=cost_equivalent_tokens(**kw))
    d_chin = chinchilla_optimal_tokens(law, Nq)
    n, d = cost_optimal(law, ell, **kw)
    c_chin = lifetime_cost(Nq, d_chin, **kw)
    c_opt = lifetime_cost(n, d, **kw)
    return dict(loss=ell, D_chin=d_chin, N=n, D_train=d, cost_chin=c_chin, cost_opt=c_opt,
                saving=1.0 - c_opt / c_chin, chin_cost_ratio=c_chin / c_opt)


def check_published(ours, published: pd.DataFrame) -> pd.DataFrame:
    r"""Every printed value of a transcribed table next to ours, with its tolerance.

    ``published`` (read with :func:`t2lib.published.read_table`, e.g. ``data/sardana2024_flop_examples.csv``) has,
    for each quantity :math:`q`, a column ``paper_<q>`` (the printed value, ``NaN`` where the paper gives none) and
    a column ``tol_<q>`` (the absolute tolerance :math:`\tau_q` it is checked to). A printed value :math:`p` is
    reproduced by ours :math:`x` when

    .. math::

        |x - p| \le \tau_q .

    Parameters
    ----------
    ours : dict or pandas.DataFrame
        Our values, one column (or array) per quantity :math:`q`, one row per row of ``published`` (in its order);
        e.g. the dict returned by :func:`chinchilla_comparison` or :func:`cost_comparison`.
    published : pandas.DataFrame
        The transcribed table, with ``paper_<q>`` and ``tol_<q>`` columns.

    Returns
    -------
    pandas.DataFrame
        One row per printed value, indexed by (row of ``published``, quantity), with columns ``paper``, ``ours``,
        ``deviation`` = :math:`|x - p|`, ``tolerance`` and ``ok`` (``False`` also where ours is ``NaN``).

    Raises
    ------
    ValueError
        If ``published`` has no ``paper_<q>`` column, a ``paper_<q>`` without ``tol_<q>``, a printed value without
        a finite tolerance ``>= 0``, or if ``ours`` lacks a quantity or has a different number of rows.
    """
    if not isinstance(published, pd.DataFrame):
        raise ValueError(f"published must be a pandas.DataFrame; got {type(published).__name__}")
    qs = [c[len("paper_"):] for c in published.columns if c.startswith("paper_")]
    if not qs:
        raise ValueError("published must have at least one paper_<quantity> column")
    no_tol = [f"tol_{q}" for q in qs if f"tol_{q}" not in published.columns]
    if no_tol:
        raise ValueError(f"published must have a tolerance column for each printed quantity; missing {no_tol}")
    if not isinstance(ours, (dict, pd.DataFrame)):
        raise ValueError(f"ours must be a dict or a pandas.DataFrame of our values; got {type(ours).__name__}")
    cols = {}
    for k, val in dict(ours).items():
        if k in qs:
            arr = v._as_float_array(f"ours[{k!r}]", val)
            if arr.shape not in ((), (len(published),)):
                raise ValueError(f"ours[{k!r}] must have one value per row of published ({len(published)}); "
                                 f"got shape {arr.shape}")
            cols[k] = np.broadcast_to(arr, (len(published),))
    ours_df = pd.DataFrame(cols, index=published.index)
    missing = [q for q in qs if q not in ours_df.columns]
    if missing:
        raise ValueError(f"ours must give every quantity the paper prints; missing {missing}")
    paper = published[[f"paper_{q}" for q in qs]].to_numpy(dtype=float).ravel()
    tol = published[[f"tol_{q}" for q in qs]].to_numpy(dtype=float).ravel()
    x = ours_df[qs].to_numpy(dtype=float).ravel()
    given = ~np.isnan(paper)
    if not np.all(np.isfinite(tol[given]) & (tol[given] >= 0)):
        raise ValueError("published must give a finite tolerance tol_<q> >= 0 for every printed value")
    index = pd.MultiIndex.from_product([published.index, qs], names=[published.index.name or "row", "quantity"])
    dev = np.abs(x - paper)
    table = pd.DataFrame(dict(paper=paper, ours=x, deviation=dev, tolerance=tol, ok=dev <= tol), index=index)
    return table[given]
