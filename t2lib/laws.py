r"""The Chinchilla parametric loss law and its closed-form compute-optimal frontier.

.. math::

    L(N, D) = E + \frac{A}{N^{\alpha}} + \frac{B}{D^{\beta}}

with :math:`N` the total parameter count (embeddings included) and :math:`D` the
number of training tokens. Under the training-compute constraint :math:`C = 6ND`
the minimiser is

.. math::

    N_{\mathrm{opt}}(C) = K\,(C/6)^{a},\quad D_{\mathrm{opt}}(C) = K^{-1}(C/6)^{b},\quad
    a = \frac{\beta}{\alpha+\beta},\ b = \frac{\alpha}{\alpha+\beta},\
    K = \Big(\frac{\alpha A}{\beta B}\Big)^{1/(\alpha+\beta)} .

(The frontier coefficient was written :math:`G` in earlier editions; ``ChinchillaLaw.G`` remains as an alias.)

The dual (iso-loss) problem, the cheapest :math:`6ND` reaching a loss :math:`\ell`, has the same
frontier (:meth:`ChinchillaLaw.iso_loss_optimal`, :meth:`ChinchillaLaw.compute_for_loss`);
:meth:`ChinchillaLaw.compute_optimal_numeric` finds the frontier by a derivative-free search instead, as a check;
:meth:`ChinchillaLaw.budget_for_params` inverts it, and :func:`power_law_allocation` evaluates a bare
power law :math:`N = K (C/6)^a` when a source quotes :math:`K` and :math:`a` directly.

The presets below carry their source in their docstrings; their values are typed once, in :mod:`t2lib.published`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from . import _validate as v
from . import published

__all__ = [
    "ChinchillaLaw",
    "HOFFMANN_2022",
    "HOFFMANN_2022_UNROUNDED",
    "EPOCH_2024",
    "SARDANA_2024",
    "PRESETS",
    "PRESET_LABELS",
    "power_law_allocation",
]

PARAM_NAMES = ("E", "A", "B", "alpha", "beta")  # field order of ChinchillaLaw


@dataclass(frozen=True)
class ChinchillaLaw(v.PositiveParams):
    r"""A parametric loss law :math:`L(N,D) = E + A N^{-\alpha} + B D^{-\beta}`.

    Parameters
    ----------
    E : float
        Irreducible loss (nats/token), ``E > 0``.
    A, B : float
        Scales of the parameter-limited and data-limited terms, ``> 0``.
    alpha, beta : float
        Exponents of the two terms, ``> 0``.
    """

    E: float
    A: float
    B: float
    alpha: float
    beta: float

    # validation, as_dict() and from_params() come from PositiveParams

    @property
    def a(self) -> float:
        r"""Exponent of :math:`N_{\mathrm{opt}} \propto C^a`: :math:`a = \beta/(\alpha+\beta)`."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        r"""Exponent of :math:`D_{\mathrm{opt}} \propto C^b`: :math:`b = \alpha/(\alpha+\beta)`."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def K(self) -> float:
        r"""Frontier coefficient :math:`K = (\alpha A / (\beta B))^{1/(\alpha+\beta)}`: :math:`N_{\mathrm{opt}} = K (C/6)^a`."""
        return (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))

    @property
    def G(self) -> float:
        """Alias of :attr:`K`, kept so that older code keeps working.

        The book writes the frontier coefficient :math:`K`, because :math:`G` is the coefficient of the sampling term
        of the Train-to-Test law (see the notation page).
        """
        return self.K

    # ------------------------------------------------------------------ the law
    def loss_terms(self, N, D) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r"""The three terms of the law, :math:`(E,\ A/N^\alpha,\ B/D^\beta)`, broadcast to a common shape.

        Their sum is :meth:`loss`. The first is the irreducible loss, the second the excess due to a
        finite model, the third the excess due to finite data (a single epoch).

        Parameters
        ----------
        N : array_like
            Total parameters (embeddings included), positive and finite.
        D : array_like
            Training tokens, positive and finite.
        """
        N, D = v.broadcast(N=v.positive("N", N), D=v.positive("D", D))
        model_term, data_term = self.A * N ** (-self.alpha), self.B * D ** (-self.beta)
        v.finite_result(model_term + data_term, "the loss", N=N, D=D)
        return np.full(model_term.shape, self.E), model_term.copy(), data_term.copy()

    def loss(self, N, D) -> np.ndarray:
        r"""Loss :math:`L(N,D) = E + A/N^\alpha + B/D^\beta` (broadcasts over N and D).

        Parameters
        ----------
        N : array_like
            Total parameters, positive and finite.
        D : array_like
            Training tokens, positive and finite.
        """
        N, D = v.broadcast(N=v.positive("N", N), D=v.positive("D", D))
        return v.finite_result(self.E + self.A * N ** (-self.alpha) + self.B * D ** (-self.beta), "the loss", N=N, D=D)

    def compute_optimal(self, C) -> tuple[np.ndarray, np.ndarray]:
        r"""Compute-optimal allocation under :math:`C = 6ND`.

        Returns :math:`(N_{\mathrm{opt}}, D_{\mathrm{opt}}) = (K (C/6)^a,\ K^{-1} (C/6)^b)`.

        Parameters
        ----------
        C : array_like
            Training FLOPs, positive and finite.
        """
        C = v.positive("C", C)
        x = C / 6.0
        return v.finite_result((self.K * x ** self.a, x ** self.b / self.K), "the optimum", C=C)

    def compute_optimal_numeric(self, C, *, N_min: float = 1.0, N_max: float | None = None,
                                xtol: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
        r"""Compute-optimal allocation found by a derivative-free search, without the closed form.

        Along the IsoFLOP line :math:`D = C/(6N)` write :math:`u = \ln N` and :math:`x = C/6`; the loss
        minus :math:`E` is

        .. math::

            f(u) = A\,e^{-\alpha u} + B\,x^{-\beta} e^{\beta u},

        a sum of two exponentials, hence strictly convex (unimodal) in :math:`u`. Golden-section search
        shrinks the bracket :math:`[\ln N_{\min}, \ln N_{\max}]` until it is ``xtol`` wide, for every
        budget at once. Only values of :math:`f` are used, so the result is an independent check of
        :meth:`compute_optimal` (relative agreement about :math:`\sqrt{2\epsilon/(\alpha\beta)}`,
        i.e. a few :math:`10^{-7}`, the resolution of a minimum located from function values).

        Parameters
        ----------
        C : array_like
            Training FLOPs, positive and finite.
        N_min : float
            Smallest model size searched (default 1 parameter), positive.
        N_max : float, optional
            Largest model size searched; default :math:`C/6` (at least one token).
        xtol : float
            Final bracket width in :math:`\ln N`, ``xtol > 0``.

        Returns
        -------
        N, D : numpy.ndarray
            The numerical minimiser and :math:`D = C/(6N)`.

        Raises
        ------
        ValueError
            If the bracket is empty or the minimum lies at its edge (widen ``N_min``/``N_max``).
        """
        C = v.positive("C", C)
        x = C / 6.0
        lo = np.log(v.positive_scalar("N_min", N_min)) + np.zeros(x.shape)
        hi = np.log(x) if N_max is None else np.log(v.positive_scalar("N_max", N_max)) + np.zeros(x.shape)
        tol = v.scalar("xtol", xtol, 0.0, 1.0)
        if np.any(hi <= lo):
            raise ValueError("N_min must be smaller than N_max (default C/6) for every budget")
        lnB = np.log(self.B) - self.beta * np.log(x)

        def f(u):
            return np.exp(np.log(self.A) - self.alpha * u) + np.exp(lnB + self.beta * u)

        u_lo, u_hi = _golden_section(f, lo, hi, tol)
        u = 0.5 * (u_lo + u_hi)
        if np.any((u_lo <= lo + tol) | (u_hi >= hi - tol)):
            raise ValueError("the minimum lies at the edge of [N_min, N_max]; widen N_min or N_max")
        N = np.exp(u)
        return N, x / N

    def tokens_per_param(self, C) -> np.ndarray:
        r"""Compute-optimal tokens per parameter :math:`D_{\mathrm{opt}}/N_{\mathrm{opt}} = K^{-2} (C/6)^{b-a}`."""
        N, D = self.compute_optimal(C)
        return D / N

    def iso_loss_optimal(self, loss) -> tuple[np.ndarray, np.ndarray]:
        r"""Cheapest (in :math:`C = 6ND`) model reaching a target loss :math:`\ell`.

        At the optimum :math:`\alpha A N^{-\alpha} = \beta B D^{-\beta}`, so

        .. math::

            N^*(\ell) = \Big(\frac{(\alpha+\beta) A}{\beta(\ell-E)}\Big)^{1/\alpha},\qquad
            D^*(\ell) = \Big(\frac{(\alpha+\beta) B}{\alpha(\ell-E)}\Big)^{1/\beta}.

        Parameters
        ----------
        loss : array_like
            Target loss, finite and strictly greater than ``E``.
        """
        ell = v.finite("loss", loss)
        if not np.all(ell > self.E):
            raise ValueError(f"loss must exceed E = {self.E:.6g} (allowed range: E < loss < inf); got min {ell.min()!r}")
        gap = ell - self.E
        s = self.alpha + self.beta
        N = (s * self.A / (self.beta * gap)) ** (1.0 / self.alpha)
        D = (s * self.B / (self.alpha * gap)) ** (1.0 / self.beta)
        return v.finite_result((N, D), "the iso-loss optimum", loss=ell)

    def budget_for_params(self, N) -> tuple[np.ndarray, np.ndarray]:
        r"""Inverse of the frontier: the budget at which ``N`` parameters are compute-optimal.

        Solving :math:`N = K (C/6)^a` for :math:`C`,

        .. math::

            C(N) = 6\,(N/K)^{1/a},\qquad D_{\mathrm{opt}}(N) = \frac{C(N)}{6N} = \frac{(N/K)^{1/a}}{N}.

        This is how tables of "optimal FLOPs and tokens for a given model size"
        (Hoffmann et al. 2022, Tables 3 and A3) are produced from a law.

        Parameters
        ----------
        N : array_like
            Total parameters (embeddings included), positive and finite.

        Returns
        -------
        C, D : numpy.ndarray
            Training FLOPs and training tokens.
        """
        N = v.positive("N", N)
        x = (N / self.K) ** (1.0 / self.a)
        return v.finite_result((6.0 * x, x / N), "the budget", N=N)

    def compute_for_loss(self, loss) -> np.ndarray:
        r"""Smallest training budget reaching loss :math:`\ell`: :math:`C^*(\ell) = 6 N^*(\ell) D^*(\ell)`.

        With :math:`N^*, D^*` from :meth:`iso_loss_optimal`,
        :math:`C^*(\ell) \propto (\ell - E)^{-(\alpha+\beta)/(\alpha\beta)}`.

        Parameters
        ----------
        loss : array_like
            Target loss, finite and strictly greater than ``E``.
        """
        N, D = self.iso_loss_optimal(loss)
        return v.finite_result(6.0 * N * D, "the compute", loss=loss)

    def optimal_loss(self, C) -> np.ndarray:
        r"""Loss on the compute-optimal frontier, :math:`L(N_{opt}(C), D_{opt}(C))`.

        In closed form,

        .. math::

            L_{\mathrm{opt}}(C) = E + \big(A K^{-\alpha} + B K^{\beta}\big)\,(C/6)^{-\alpha\beta/(\alpha+\beta)} .

        Parameters
        ----------
        C : array_like
            Training FLOPs, positive and finite.
        """
        N, D = self.compute_optimal(C)
        return self.loss(N, D)


def _golden_section(f, lo: np.ndarray, hi: np.ndarray, xtol: float) -> tuple[np.ndarray, np.ndarray]:
    """Golden-section search for the minimum of a unimodal ``f`` on ``[lo, hi]``, elementwise.

    ``f`` maps an array of points (shape of ``lo``) to values of the same shape. Returns the final
    bracket, at most ``xtol`` wide. The loop runs over iterations, never over the elements.
    """
    r = (np.sqrt(5.0) - 1.0) / 2.0  # 1/phi
    a, b = np.array(lo, dtype=float), np.array(hi, dtype=float)
    width = float(np.max(b - a)) if a.size else 0.0
    n_iter = int(np.ceil(np.log(xtol / width) / np.log(r))) if width > xtol else 0
    c, d = b - r * (b - a), a + r * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(n_iter):
        left = fc < fd  # the minimum lies in [a, d]
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new = np.where(left, b - r * (b - a), a + r * (b - a))
        fn = f(new)
        d, fd, c, fc = (np.where(left, c, new), np.where(left, fc, fn),
                        np.where(left, new, d), np.where(left, fn, fd))
    return a, b


def power_law_allocation(C, G: float, a: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Allocation from a bare power law :math:`N = K (C/6)^a`, :math:`D = C/(6N)`.

    The frontier of :class:`ChinchillaLaw` is the special case :math:`K = (\alpha A/(\beta B))^{1/(\alpha+\beta)}`,
    :math:`a = \beta/(\alpha+\beta)`. Use this when a source publishes (or mixes) a prefactor and an exponent
    that do not come from one parameter set, e.g. Besiroglu et al. (2024), who pair Hoffmann's unrounded
    :math:`K` with the middle of Table 2's interval (:data:`t2lib.published.BESIROGLU_2024_A_REF`). Then
    :math:`D/N = K^{-2} (C/6)^{1-2a}`.

    Parameters
    ----------
    C : array_like
        Training FLOPs, positive and finite.
    G : float
        Prefactor :math:`K` (parameters at :math:`C/6 = 1`), positive and finite. (The argument keeps its old
        name ``G``; the book writes the frontier coefficient :math:`K`.)
    a : float
        Exponent of :math:`N \propto C^a`, in the open interval (0, 1).

    Returns
    -------
    N, D : numpy.ndarray
        Parameters and tokens.
    """
    C = v.positive("C", C)
    G_arr = v.positive("G", G)
    a_arr = v.in_open_interval("a", a, 0.0, 1.0)
    if G_arr.ndim != 0 or a_arr.ndim != 0:
        raise ValueError(f"G and a must be scalars; got shapes {G_arr.shape} and {a_arr.shape}")
    G, a = float(G_arr), float(a_arr)
    N = G * (C / 6.0) ** a
    return v.finite_result((N, C / (6.0 * N)), "the allocation", C=C, G=G, a=a)


HOFFMANN_2022 = ChinchillaLaw(**published.HOFFMANN_2022_EQ10)
"""Hoffmann et al. (2022), Eq. (10): the rounded Approach-3 fit printed in the paper body."""

HOFFMANN_2022_UNROUNDED = ChinchillaLaw(**published.HOFFMANN_2022_UNROUNDED_PARAMS)
"""Hoffmann et al. (2022) Approach 3 unrounded, as Besiroglu et al. (2024) report from the paper's TeX source."""

EPOCH_2024 = ChinchillaLaw(**published.BESIROGLU_2024_MLE)
"""Besiroglu, Erdil, Barnett & You (2024), the Epoch AI replication: published point estimates (240 points)."""

SARDANA_2024 = ChinchillaLaw(**published.SARDANA_2024_PARAMS)
"""Sardana et al. (2024), "Beyond Chinchilla-optimal": the coefficients used in their worked examples."""

#: The published laws above by name (``"EPOCH_2024"`` -> :data:`EPOCH_2024`).
PRESETS: dict[str, ChinchillaLaw] = {
    "HOFFMANN_2022": HOFFMANN_2022,
    "HOFFMANN_2022_UNROUNDED": HOFFMANN_2022_UNROUNDED,
    "EPOCH_2024": EPOCH_2024,
    "SARDANA_2024": SARDANA_2024,
}

PRESET_LABELS: dict[str, str] = {
    "HOFFMANN_2022": "Hoffmann et al. 2022 (rounded)",
    "HOFFMANN_2022_UNROUNDED": "Hoffmann et al. 2022 (unrounded)",
    "EPOCH_2024": "Epoch AI refit (Besiroglu et al. 2024)",
    "SARDANA_2024": "Sardana et al. 2024",
}
"""Names for people of the :data:`PRESETS`, for legends and tables."""
