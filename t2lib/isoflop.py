r"""Hoffmann et al.'s (2022) Approach 2: IsoFLOP profiles.

Runs are grouped by training budget :math:`C`; within a group the final loss is fitted by a
parabola in :math:`x = \log_{10} N`,

.. math::

    L \approx c_0 + c_1 x + c_2 x^2 ,\qquad \hat x_{\mathrm{opt}} = -\frac{c_1}{2 c_2},

whose vertex gives :math:`N_{\mathrm{opt}}(C) = 10^{\hat x_{\mathrm{opt}}}` and
:math:`D_{\mathrm{opt}}(C) = C/(6 N_{\mathrm{opt}})`. A straight line through
:math:`(\log C, \log N_{\mathrm{opt}})` then gives the exponent :math:`a` of
:math:`N_{\mathrm{opt}} \propto C^{a}` (and :math:`b = 1 - a` for :math:`D_{\mathrm{opt}}`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import _validate as v
from .published import HOFFMANN_2022_ISOFLOP_BUDGETS as HOFFMANN_BUDGETS  # typed once there (re-exported)

__all__ = ["HOFFMANN_BUDGETS", "assign_budgets", "isoflop_profiles", "IsoFLOPFit", "fit_isoflop"]


def _budgets(budgets) -> np.ndarray:
    b = v.positive("budgets", budgets)
    if b.ndim != 1:
        raise ValueError(f"budgets must be a 1-D array; got shape {b.shape}")
    return b


def assign_budgets(C, budgets=HOFFMANN_BUDGETS, *, width_dex: float = 0.1) -> np.ndarray:
    r"""Index of the budget nearest to each run in :math:`\log_{10} C`, or ``-1`` if farther than ``width_dex``.

    Parameters
    ----------
    C : array_like
        Training FLOPs of each run (positive).
    budgets : array_like
        Nominal budgets (positive).
    width_dex : float
        Half-width of a group in decades, ``width_dex > 0``.
    """
    C = v.positive("C", C)
    b = _budgets(budgets)
    width = v.positive_scalar("width_dex", width_dex)
    dist = np.abs(np.log10(C)[..., None] - np.log10(b))
    k = np.argmin(dist, axis=-1)
    return np.where(np.take_along_axis(dist, k[..., None], -1)[..., 0] <= width, k, -1)


def isoflop_profiles(N, C, loss, budgets=HOFFMANN_BUDGETS, *, width_dex: float = 0.1) -> pd.DataFrame:
    r"""Least-squares parabola of loss against :math:`\log_{10}N` for every budget.

    The normal equations of all groups are assembled at once with :func:`numpy.bincount`
    (sums of :math:`x^k` and :math:`L x^k`) and solved as a batch of 3×3 systems.

    Parameters
    ----------
    N, C, loss : array_like, shape (n,)
        Parameters, training FLOPs and final loss of each run (positive, finite, same length).
    budgets : array_like
        Nominal budgets; runs within ``width_dex`` decades of a budget form its group.
    width_dex : float
        Half-width of a group in decades.

    Returns
    -------
    pandas.DataFrame
        One row per budget with at least 3 runs of 3 distinct sizes: ``C`` (budget), ``n_runs``, ``c0``, ``c1``, ``c2``,
        ``N_opt``, ``D_opt = C/(6 N_opt)``, ``loss_opt`` (the vertex) and ``convex`` (``c2 > 0``).
    """
    N = v.positive("N", N)
    C = v.positive("C", C)
    loss = v.positive("loss", loss)
    v.same_shape(N=N, C=C, loss=loss)
    b = _budgets(budgets)
    g = assign_budgets(C, b, width_dex=width_dex)
    keep = g >= 0
    g, x, y = g[keep], np.log10(N[keep]), loss[keep]
    K = b.size
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below, naming the inputs
        mom = np.stack([np.bincount(g, x**k, minlength=K) for k in range(5)])  # sum x^k, k = 0..4
        rhs = np.stack([np.bincount(g, y * x**k, minlength=K) for k in range(3)])
    pairs = np.unique(np.stack([g, x]), axis=1)  # distinct (group, size) pairs
    distinct = np.bincount(pairs[0].astype(int), minlength=K)
    ok = (mom[0] >= 3) & (distinct >= 3)  # a parabola needs three distinct sizes
    M = np.stack([mom[i:i + 3] for i in range(3)]).transpose(2, 0, 1)[ok]  # (K', 3, 3) Hankel matrices
    c = np.linalg.solve(M, rhs.T[ok][..., None])[..., 0]
    with np.errstate(all="ignore"):
        xo = -c[:, 1] / (2 * c[:, 2])
        Nopt = 10.0**xo
    v.finite_result(c, "a fitted parabola coefficient", N=N, C=C, loss=loss)
    return pd.DataFrame({
        "C": b[ok], "n_runs": mom[0][ok].astype(int), "c0": c[:, 0], "c1": c[:, 1], "c2": c[:, 2],
        "N_opt": Nopt, "D_opt": b[ok] / (6 * Nopt), "loss_opt": c[:, 0] + c[:, 1] * xo + c[:, 2] * xo**2,
        "convex": c[:, 2] > 0,
    })


@dataclass(frozen=True)
class IsoFLOPFit:
    r"""Power law :math:`N_{opt} = k_N C^{a}` (and :math:`D_{opt} = C/(6N_{opt}) = k_D C^{b}`, :math:`b = 1-a`).

    Attributes
    ----------
    a : float
        Exponent of :math:`N_{opt}(C)`.
    log10_kN : float
        Intercept of :math:`\log_{10} N_{opt}` against :math:`\log_{10} C`.
    profiles : pandas.DataFrame
        The per-budget vertices used (see :func:`isoflop_profiles`).
    """

    a: float
    log10_kN: float
    profiles: pd.DataFrame = field(repr=False)

    @property
    def b(self) -> float:
        """Exponent of :math:`D_{opt}(C)`, ``1 - a`` because :math:`D = C/(6N)`."""
        return 1.0 - self.a

    def N_opt(self, C) -> np.ndarray:
        """:math:`N_{opt}(C) = 10^{k} C^{a}`."""
        C = v.positive("C", C)
        return 10.0**self.log10_kN * C**self.a

    def D_opt(self, C) -> np.ndarray:
        """:math:`D_{opt}(C) = C / (6 N_{opt}(C))`."""
        C = v.positive("C", C)
        return C / (6.0 * self.N_opt(C))


def fit_isoflop(N, C, loss, budgets=HOFFMANN_BUDGETS, *, width_dex: float = 0.1) -> IsoFLOPFit:
    r"""Approach 2: parabola vertices per budget, then least squares of :math:`\log_{10}N_{opt}` on :math:`\log_{10}C`.

    Only convex profiles (``c2 > 0``) enter the regression; at least two are required.
    """
    prof = isoflop_profiles(N, C, loss, budgets, width_dex=width_dex)
    use = prof[prof["convex"]]
    if len(use) < 2:
        raise ValueError(f"need at least 2 budgets with a convex profile; got {len(use)} (check budgets and width_dex)")
    a, k = np.polyfit(np.log10(use["C"].to_numpy()), np.log10(use["N_opt"].to_numpy()), 1)
    return IsoFLOPFit(a=float(a), log10_kN=float(k), profiles=prof)
