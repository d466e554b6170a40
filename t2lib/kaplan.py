r"""Why Kaplan et al. (2020) found :math:`N_\mathrm{opt} \propto C^{0.73}`: counting non-embedding parameters.

Pearce & Song (2024) explain most of the gap between Kaplan et al.'s exponent and Chinchilla's
:math:`\approx 0.5` by the parameter count. Kaplan et al. count non-embedding parameters :math:`N_\mathrm{ne}` and
non-embedding compute :math:`C_\mathrm{ne} = 6 N_\mathrm{ne} D`; the Chinchilla law is written in total parameters.
With the embedding parameters of Chinchilla-like configurations
(:math:`c` fitted by Pearce & Song, :data:`t2lib.published.PEARCE_SONG_2024`),

.. math::

    N = N_\mathrm{ne} + c\, N_\mathrm{ne}^{1/3}

minimising a Chinchilla law :math:`L(N, D)` at fixed *non-embedding* compute, over small models where the
embeddings are a large share of :math:`N`, gives a much steeper frontier in :math:`N_\mathrm{ne}` than the law's
own :math:`a = \beta/(\alpha+\beta)`. :func:`non_embedding_optimal` computes that frontier.
"""
from __future__ import annotations

import numpy as np

from . import _validate as v
from .laws import ChinchillaLaw, _golden_section
from .published import PEARCE_SONG_2024

__all__ = ["total_params", "non_embedding_optimal"]


def total_params(n_non_embedding, coef: float = PEARCE_SONG_2024["embedding_coef"]) -> np.ndarray:
    r"""Total parameters of a model with ``n_non_embedding`` non-embedding ones, :math:`N_\mathrm{ne} + c N_\mathrm{ne}^{1/3}`.

    The default :math:`c` is Pearce & Song's (2024) fit to Chinchilla's model configurations (vocabulary 32k),
    ``PEARCE_SONG_2024["embedding_coef"]``.

    Parameters
    ----------
    n_non_embedding : array_like
        Non-embedding parameters, positive and finite.
    coef : float
        Coefficient :math:`c` of the embedding term, non-negative.
    """
    n = v.positive("n_non_embedding", n_non_embedding)
    c = v.scalar("coef", coef, 0.0, np.inf, lo_open=False)
    return v.finite_result(n + c * np.cbrt(n), "the total parameter count", n_non_embedding=n, coef=c)


def non_embedding_optimal(law: ChinchillaLaw, C_ne, coef: float = PEARCE_SONG_2024["embedding_coef"],
                          N_min: float = 1.0, N_max: float = 1e16, xtol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    r"""The model that minimises ``law`` at a fixed non-embedding budget :math:`C_\mathrm{ne} = 6 N_\mathrm{ne} D`.

    .. math::

        N^\star_\mathrm{ne}(C_\mathrm{ne}) = \operatorname*{arg\,min}_{N_\mathrm{ne}}\
        L\Big(N_\mathrm{ne} + c N_\mathrm{ne}^{1/3},\ \frac{C_\mathrm{ne}}{6 N_\mathrm{ne}}\Big),

    found by golden-section search in :math:`\ln N_\mathrm{ne}` for every budget at once. The objective is
    unimodal when :math:`\alpha/3 + \beta > 0.18` (the log-derivative of the ratio of the two terms' slopes is then
    negative everywhere), which holds for every published parameter set.

    Parameters
    ----------
    law : ChinchillaLaw
        The loss law, in total parameters.
    C_ne : array_like
        Non-embedding training FLOPs, positive and finite.
    coef : float
        Embedding coefficient :math:`c` of :func:`total_params`.
    N_min, N_max : float
        Search bracket for :math:`N_\mathrm{ne}`, ``0 < N_min < N_max``.
    xtol : float
        Final bracket width in :math:`\ln N_\mathrm{ne}`, positive.

    Returns
    -------
    N_ne, D : numpy.ndarray
        Optimal non-embedding parameters and tokens :math:`D = C_\mathrm{ne}/(6 N_\mathrm{ne})`.

    Raises
    ------
    ValueError
        If the law is outside the unimodal range, the bracket is empty, or the optimum lies at its edge.
    """
    if not isinstance(law, ChinchillaLaw):
        raise ValueError(f"law must be a ChinchillaLaw; got {type(law).__name__}")
    if not law.alpha / 3 + law.beta > 0.18:
        raise ValueError(f"law must have alpha/3 + beta > 0.18 (unimodal objective); got {law.alpha / 3 + law.beta:.4g}")
    x = v.positive("C_ne", C_ne) / 6.0
    lo_n, hi_n = v.positive_scalar("N_min", N_min), v.positive_scalar("N_max", N_max)
    if not lo_n < hi_n:
        raise ValueError(f"N_min must be below N_max; got {lo_n!r} and {hi_n!r}")
    tol = v.positive_scalar("xtol", xtol)
    c = v.scalar("coef", coef, 0.0, np.inf, lo_open=False)
    lo = np.full(x.shape, np.log(lo_n))
    hi = np.full(x.shape, np.log(hi_n))

    def f(u):
        n = np.exp(u)
        return law.A * (n + c * np.cbrt(n)) ** (-law.alpha) + law.B * (x / n) ** (-law.beta)

    u_lo, u_hi = _golden_section(f, lo, hi, tol)
    if np.any((u_lo <= lo + tol) | (u_hi >= hi - tol)):
        raise ValueError("the optimum lies at the edge of [N_min, N_max]; widen the bracket")
    n = np.exp(0.5 * (u_lo + u_hi))
    return v.finite_result((n, x / n), "the optimum", C_ne=C_ne, coef=c)
