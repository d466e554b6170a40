r"""Gadre et al. (2024): the loss law for over-trained models and the downstream error law.

**Loss in compute and token multiplier (their Eq. 4).** Start from the Chinchilla form
:math:`L(N,D) = E + A N^{-\alpha} + B D^{-\beta}` with equal exponents
:math:`\alpha = \beta`, and write the model through its training compute
:math:`C = 6ND` and token multiplier :math:`M = D/N`, so that
:math:`N = \sqrt{C/(6M)}` and :math:`D = \sqrt{CM/6}`. Then

.. math::

    L(C, M) = E + \big(a M^{\eta} + b M^{-\eta}\big)\, C^{-\eta},\qquad
    \eta = \alpha/2,\quad a = 6^{\eta} A,\quad b = 6^{\eta} B .

At fixed :math:`M` the reducible loss is a pure power law in :math:`C` with the same
exponent :math:`\eta` for every :math:`M`; over-training only changes the scalar
:math:`\lambda(M) = a M^{\eta} + b M^{-\eta}`, which is smallest at
:math:`M^* = (b/a)^{1/(2\eta)}`.

**Downstream error from loss (their Eq. 5).** The average top-1 error over a set of
tasks follows

.. math::

    \mathrm{Err}(L) = \epsilon - k\, e^{-\gamma L},

bounded above by :math:`\epsilon` (the error as :math:`L\to\infty`).

**Fitting.** Both laws are linear in all parameters but one (:math:`\eta`, resp.
:math:`\gamma`). The fits therefore use *variable projection*: for each value of the
nonlinear exponent the linear coefficients are the least-squares solution, so the
residual becomes a function of one variable, which is scanned on a grid (all grid
points at once) and then refined with a bounded scalar minimiser. The result is the
global least-squares fit within the exponent's bounds, without starting values.

``GADRE_2024_TABLE6`` holds the published fitted values (Table 6 of the paper); ``GADRE_2024_TABLE2``,
``GADRE_2024_TABLE7``, ``GADRE_2024_LOSS_REL_ERROR_PCT`` and ``GADRE_2024_ERR17_REL_ERROR_PCT`` the published
prediction errors. Each published number is typed only here; chapter 7 and ``tests/test_overtraining.py`` read
them from these constants.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from . import _validate as v
from .laws import ChinchillaLaw
from .published import (  # published numbers, typed once there (re-exported)
    GADRE_2024_ERR17_REL_ERROR_PCT, GADRE_2024_LOSS_REL_ERROR_PCT, GADRE_2024_TABLE2, GADRE_2024_TABLE6_VALUES,
    GADRE_2024_TABLE7,
)

__all__ = [
    "OvertrainingLaw",
    "ErrorLaw",
    "Table6Row",
    "GADRE_2024_TABLE6",
    "TABLE6_DECIMALS",
    "GADRE_2024_TABLE2",
    "GADRE_2024_TABLE7",
    "GADRE_2024_LOSS_REL_ERROR_PCT",
    "GADRE_2024_ERR17_REL_ERROR_PCT",
    "DATASETS",
    "fit_overtraining_law",
    "fit_error_law",
    "table1_points",
    "fit_gadre",
    "predict_downstream",
    "relative_error",
    "compare_table6",
    "predict_runs",
    "compare_downstream_tables",
]

DATASETS: tuple[str, ...] = ("c4", "redpajama", "refinedweb")
"""Training sets of the Gadre et al. testbed (keys of the ``dataset`` column of the loaders)."""

# The Table 1 fitting budget of Gadre et al.: N in {0.011, 0.079, 0.154, 0.411}B at M = 20,
# plus 0.011B at M = 320; the error law adds 1.4B at M = 20.
_TABLE1_SIZES = ("0.011B", "0.079B", "0.154B", "0.411B")
_TABLE1_EXTRA = ("0.011B", 320.0)
_TABLE1_ERROR_EXTRA = ("1.4B", 20.0)


# --------------------------------------------------------------------------- the laws
@dataclass(frozen=True)
class OvertrainingLaw(v.PositiveParams):
    r"""Gadre et al.'s Eq. (4): :math:`L(C,M) = E + (a M^{\eta} + b M^{-\eta}) C^{-\eta}`.

    Parameters
    ----------
    E : float
        Irreducible loss (nats/token), ``E > 0``.
    a, b : float
        Scales of the parameter-limited (:math:`M^{\eta}`) and data-limited
        (:math:`M^{-\eta}`) terms, ``> 0``; with :math:`C` in FLOPs.
    eta : float
        Compute exponent, ``eta > 0``.
    """

    E: float
    a: float
    b: float
    eta: float

    def scalar(self, M) -> np.ndarray:
        r"""The power-law scalar :math:`\lambda(M) = a M^{\eta} + b M^{-\eta}`, so that
        :math:`L = E + \lambda(M) C^{-\eta}`.

        Parameters
        ----------
        M : array_like
            Token multiplier :math:`D/N`, positive and finite.
        """
        M = v.positive("M", M)
        return self.a * M**self.eta + self.b * M ** (-self.eta)

    def loss(self, C, M) -> np.ndarray:
        r"""Loss :math:`L(C,M) = E + (a M^{\eta} + b M^{-\eta}) C^{-\eta}` (broadcasts).

        Parameters
        ----------
        C : array_like
            Training FLOPs :math:`6ND`, positive and finite.
        M : array_like
            Token multiplier :math:`D/N`, positive and finite.
        """
        C, M = v.broadcast(C=v.positive("C", C), M=v.positive("M", M))
        return v.finite_result(self.E + self.scalar(M) * C ** (-self.eta), "the loss", C=C, M=M)

    def loss_nd(self, N, D) -> np.ndarray:
        r"""The same law in parameters and tokens: :math:`L(6ND,\ D/N)`.

        Parameters
        ----------
        N : array_like
            Parameters, positive and finite.
        D : array_like
            Training tokens, positive and finite.
        """
        N, D = v.broadcast(N=v.positive("N", N), D=v.positive("D", D))
        C, M = 6.0 * N * D, D / N
        v.finite_result((C, M), "C = 6ND or M = D/N", N=N, D=D)
        if not (np.all(C > 0) and np.all(M > 0)):
            raise ValueError("N, D: C = 6ND or M = D/N underflows to 0 in floating point")
        return v.finite_result(self.loss(C, M), "the loss", N=N, D=D)

    @property
    def M_star(self) -> float:
        r"""Compute-optimal token multiplier :math:`M^* = (b/a)^{1/(2\eta)}` (minimiser of :math:`\lambda`)."""
        return (self.b / self.a) ** (1.0 / (2.0 * self.eta))

    def compute_optimal(self, C) -> tuple[np.ndarray, np.ndarray]:
        r"""Loss-minimising allocation at fixed :math:`C`:
        :math:`N^* = \sqrt{C/(6M^*)}`, :math:`D^* = \sqrt{C M^*/6}`.

        Parameters
        ----------
        C : array_like
            Training FLOPs, positive and finite.
        """
        C = v.positive("C", C)
        return v.finite_result((np.sqrt(C / (6.0 * self.M_star)), np.sqrt(C * self.M_star / 6.0)), "the optimum", C=C)

    def iso_loss(self, loss, M) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        r"""Compute, parameters and tokens that reach ``loss`` at token multiplier ``M``.

        Solving :math:`L = E + \lambda(M) C^{-\eta}` for :math:`C`:

        .. math::

            C(L, M) = \Big(\frac{\lambda(M)}{L - E}\Big)^{1/\eta},\qquad
            N = \sqrt{C/(6M)},\qquad D = \sqrt{CM/6}.

        Parameters
        ----------
        loss : array_like
            Target loss, finite and strictly greater than ``E``.
        M : array_like
            Token multiplier, positive and finite (broadcasts with ``loss``).

        Returns
        -------
        (C, N, D) : tuple of numpy.ndarray
        """
        ell = v.finite("loss", loss)
        if not np.all(ell > self.E):
            raise ValueError(f"loss must exceed E = {self.E:.6g} (allowed range: E < loss < inf); got min {ell.min()!r}")
        ell, M = v.broadcast(loss=ell, M=v.positive("M", M))
        C = (self.scalar(M) / (ell - self.E)) ** (1.0 / self.eta)
        return v.finite_result((C, np.sqrt(C / (6.0 * M)), np.sqrt(C * M / 6.0)), "the iso-loss point", loss=ell, M=M)

    def compute_overhead(self, M) -> np.ndarray:
        r"""Extra training compute of multiplier ``M`` at equal loss, relative to :math:`M^*`.

        From :meth:`iso_loss`, the ratio does not depend on the target loss:

        .. math::

            \frac{C(L, M)}{C(L, M^*)} = \Big(\frac{\lambda(M)}{\lambda(M^*)}\Big)^{1/\eta}
            = \Big(\frac{(M/M^*)^{\eta} + (M/M^*)^{-\eta}}{2}\Big)^{1/\eta} \ge 1 .

        Parameters
        ----------
        M : array_like
            Token multiplier, positive and finite.
        """
        M = v.positive("M", M)
        return v.finite_result((self.scalar(M) / self.scalar(self.M_star)) ** (1.0 / self.eta), "the overhead", M=M)

    def to_chinchilla(self) -> ChinchillaLaw:
        r"""The equal-exponent Chinchilla law it comes from: :math:`A = 6^{-\eta} a`,
        :math:`B = 6^{-\eta} b`, :math:`\alpha = \beta = 2\eta`."""
        s = 6.0 ** (-self.eta)
        return ChinchillaLaw(E=self.E, A=s * self.a, B=s * self.b, alpha=2 * self.eta, beta=2 * self.eta)

    @classmethod
    def from_chinchilla(cls, law: ChinchillaLaw, rtol: float = 1e-12) -> "OvertrainingLaw":
        r"""Rewrite a Chinchilla law with :math:`\alpha = \beta` in :math:`(C, M)`:
        :math:`\eta = \alpha/2`, :math:`a = 6^{\eta} A`, :math:`b = 6^{\eta} B`.

        Raises
        ------
        ValueError
            If ``law.alpha`` and ``law.beta`` differ by more than ``rtol`` (relative):
            with unequal exponents the loss at fixed :math:`M` is not a single power
            law in :math:`C`.
        """
        v.law("law", law, ChinchillaLaw)
        rtol = v.scalar("rtol", rtol, 0.0, 1.0, lo_open=False)
        if abs(law.alpha - law.beta) > rtol * max(law.alpha, law.beta):
            raise ValueError(
                f"law.alpha must equal law.beta (allowed: |alpha - beta| <= {rtol:g} * max); "
                f"got alpha={law.alpha!r}, beta={law.beta!r}"
            )
        eta = law.alpha / 2.0
        s = 6.0**eta
        return cls(E=law.E, a=s * law.A, b=s * law.B, eta=eta)


@dataclass(frozen=True)
class ErrorLaw(v.PositiveParams):
    r"""Gadre et al.'s Eq. (5): average top-1 error :math:`\mathrm{Err}(L) = \epsilon - k e^{-\gamma L}`.

    Parameters
    ----------
    epsilon : float
        Error as the loss grows without bound (upper bound), ``> 0``.
    k : float
        Scale, ``> 0``.
    gamma : float
        Rate in 1/(nats/token), ``> 0``.
    """

    epsilon: float
    k: float
    gamma: float

    def error(self, loss) -> np.ndarray:
        r""":math:`\mathrm{Err}(L) = \epsilon - k e^{-\gamma L}`.

        Parameters
        ----------
        loss : array_like
            Loss in nats/token, finite.
        """
        L = v.positive("loss", loss)
        err = self.epsilon - self.k * np.exp(-self.gamma * L)
        if not np.all((err >= 0) & (err <= 1)):
            lo = -np.log(self.epsilon / self.k) / self.gamma
            raise ValueError(f"loss must give an error rate in [0, 1] (allowed range: loss >= {lo:.6g} for this law); "
                             f"got min {L.min()!r}")
        return err

    def loss_for_error(self, error) -> np.ndarray:
        r"""The inverse, :math:`L(\mathrm{Err}) = -\gamma^{-1}\ln\big((\epsilon - \mathrm{Err})/k\big)`.

        Parameters
        ----------
        error : array_like
            Target error, finite and strictly below ``epsilon``.
        """
        err = v.finite("error", error)
        if not np.all(err >= 0):
            raise ValueError(f"error must be an error rate >= 0 (allowed range: 0 <= error < epsilon); got min {err.min()!r}")
        if not np.all(err < self.epsilon):
            raise ValueError(
                f"error must be below epsilon = {self.epsilon:.6g} (allowed range: -inf < error < epsilon); "
                f"got max {err.max()!r}"
            )
        return -np.log((self.epsilon - err) / self.k) / self.gamma


class Table6Row(NamedTuple):
    """One training set's row of Gadre et al. (2024), Table 6, as printed."""

    loss_law: OvertrainingLaw
    error_law: ErrorLaw
    M_star: float


GADRE_2024_TABLE6: dict[str, Table6Row] = {
    ds: Table6Row(OvertrainingLaw(r["E"], r["a"], r["b"], r["eta"]), ErrorLaw(r["epsilon"], r["k"], r["gamma"]),
                  r["M_star"])
    for ds, r in GADRE_2024_TABLE6_VALUES.items()
}
"""Gadre et al. (2024), Table 6: Eq. (4) fitted to C4-eval loss and Eq. (5) to the 17-task
average error, on the Table 1 points, for each training set; and :math:`M^*` (their App. F).
Built from :data:`t2lib.published.GADRE_2024_TABLE6_VALUES`, where the printed values are typed."""

TABLE6_DECIMALS: dict[str, int] = {"E": 2, "a": 0, "b": 0, "eta": 3, "epsilon": 3, "k": 2, "gamma": 3, "M_star": 2}
"""Decimal places printed in Table 6 for each parameter (for comparisons at printed precision)."""


# --------------------------------------------------------------------------- fitting
def _varpro(
    design, y: np.ndarray, lo: float, hi: float, n_grid: int
) -> tuple[float, np.ndarray, float]:
    """Least squares ``y ~ design(t) @ coef`` with ``t`` in ``[lo, hi]`` (variable projection).

    ``design(t)`` maps an array of shape ``(G,)`` to design matrices ``(G, n, p)``. The
    linear coefficients are solved for every grid value at once (batched pseudo-inverse
    of column-normalised matrices); the best grid value is then refined by a bounded
    scalar minimisation between its neighbours.
    """

    def coef_sse(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        X = design(t)
        scale = np.max(np.abs(X), axis=1, keepdims=True)  # (G, 1, p): column normalisation
        coef = np.einsum("gpn,n->gp", np.linalg.pinv(X / scale), y) / scale[:, 0, :]
        resid = np.einsum("gnp,gp->gn", X, coef) - y
        return coef, np.sum(resid**2, axis=1)

    grid = np.geomspace(lo, hi, n_grid)
    _, sse = coef_sse(grid)
    i = int(np.nanargmin(sse))
    lo_i, hi_i = grid[max(i - 1, 0)], grid[min(i + 1, n_grid - 1)]
    res = minimize_scalar(
        lambda t: float(coef_sse(np.array([t]))[1][0]), bounds=(lo_i, hi_i), method="bounded",
        options={"xatol": 1e-12 * hi_i, "maxiter": 500},
    )
    t_best = float(res.x) if res.fun <= sse[i] else float(grid[i])
    coef, sse_best = coef_sse(np.array([t_best]))
    return t_best, coef[0], float(sse_best[0])


def fit_overtraining_law(C, M, loss, eta_bounds: tuple[float, float] = (1e-3, 1.0), n_grid: int = 400) -> OvertrainingLaw:
    r"""Least-squares fit of Eq. (4), :math:`L = E + (a M^{\eta} + b M^{-\eta}) C^{-\eta}`.

    Minimises :math:`\sum_i (L_i - \hat L(C_i, M_i))^2` (unweighted, in nats/token, as
    ``scipy.optimize.curve_fit`` does in the authors' code) by variable projection over
    :math:`\eta`: for fixed :math:`\eta` the model is linear in :math:`(E, a, b)`.

    Parameters
    ----------
    C, M, loss : array_like
        Training FLOPs, token multipliers and losses of at least 4 runs (1-D, same length);
        ``C`` and ``M`` positive, ``loss`` positive.
    eta_bounds : (float, float)
        Search interval for :math:`\eta`, ``0 < lo < hi``.
    n_grid : int
        Number of log-spaced :math:`\eta` values scanned before refinement (>= 3).

    Returns
    -------
    OvertrainingLaw

    Raises
    ------
    ValueError
        On bad input, or if the best fit has a non-positive ``E``, ``a`` or ``b``.
    """
    C = v.positive("C", C)
    M = v.positive("M", M)
    L = v.positive("loss", loss)
    v.same_shape(C=C, M=M, loss=L)
    if C.ndim != 1 or C.size < 4:
        raise ValueError(f"C, M and loss must be 1-D with at least 4 points (4 parameters); got shape {C.shape}")
    lo, hi = _bounds("eta_bounds", eta_bounds)
    n_grid = v.integer("n_grid", n_grid, 3, 100_000)
    logC, logM = np.log(C), np.log(M)

    def design(eta: np.ndarray) -> np.ndarray:
        e = eta[:, None]
        up = np.exp(e * (logM - logC))  # M^eta C^-eta
        down = np.exp(-e * (logM + logC))  # M^-eta C^-eta
        return np.stack([np.ones_like(up), up, down], axis=-1)

    eta, (E, a, b), _ = _varpro(design, L, lo, hi, int(n_grid))
    if min(E, a, b) <= 0:
        raise ValueError(
            f"the least-squares fit of Eq. (4) has a non-positive coefficient (E={E:.4g}, a={a:.4g}, b={b:.4g}); "
            "the points do not determine a valid law"
        )
    return OvertrainingLaw(E=E, a=a, b=b, eta=eta)


def fit_error_law(loss, error, gamma_bounds: tuple[float, float] = (1e-2, 10.0), n_grid: int = 400) -> ErrorLaw:
    r"""Least-squares fit of Eq. (5), :math:`\mathrm{Err} = \epsilon - k e^{-\gamma L}`.

    Variable projection over :math:`\gamma`: for fixed :math:`\gamma` the model is linear in
    :math:`(\epsilon, k)`.

    Parameters
    ----------
    loss, error : array_like
        Losses (nats/token, positive) and average errors (fractions in [0, 1]) of at
        least 3 models (1-D, same length).
    gamma_bounds : (float, float)
        Search interval for :math:`\gamma`, ``0 < lo < hi``.
    n_grid : int
        Number of log-spaced :math:`\gamma` values scanned before refinement (>= 3).

    Returns
    -------
    ErrorLaw

    Raises
    ------
    ValueError
        On bad input, or if the best fit has a non-positive ``epsilon`` or ``k``.
    """
    L = v.positive("loss", loss)
    err = v.finite("error", error)
    if not np.all((err >= 0) & (err <= 1)):
        raise ValueError(f"error must lie in [0, 1] (a fraction); got range [{err.min()!r}, {err.max()!r}]")
    v.same_shape(loss=L, error=err)
    if L.ndim != 1 or L.size < 3:
        raise ValueError(f"loss and error must be 1-D with at least 3 points (3 parameters); got shape {L.shape}")
    lo, hi = _bounds("gamma_bounds", gamma_bounds)
    n_grid = v.integer("n_grid", n_grid, 3, 100_000)

    def design(gamma: np.ndarray) -> np.ndarray:
        decay = -np.exp(-gamma[:, None] * L)
        return np.stack([np.ones_like(decay), decay], axis=-1)

    gamma, (eps, k), _ = _varpro(design, err, lo, hi, int(n_grid))
    if min(eps, k) <= 0:
        raise ValueError(f"the least-squares fit of Eq. (5) has a non-positive coefficient (epsilon={eps:.4g}, k={k:.4g})")
    return ErrorLaw(epsilon=eps, k=k, gamma=gamma)


# --------------------------------------------------------------------------- the paper's recipe
def _bounds(name: str, bounds) -> tuple[float, float]:
    b = v.positive(name, bounds)
    if b.shape != (2,) or not b[0] < b[1]:
        raise ValueError(f"{name} must be a pair (lo, hi) with 0 < lo < hi; got {bounds!r}")
    return float(b[0]), float(b[1])


def _check_dataset(dataset: str) -> None:
    v.choice("dataset", dataset, DATASETS)


_MODELS_HINT = " (use t2lib.data.load_gadre_models())"


def _check_models(models, *columns: str) -> pd.DataFrame:
    v.frame("models", models, ("dataset", "size", "M", *columns), hint=_MODELS_HINT)
    return v.frame("models", models, finite_columns=("M", *columns))


def table1_points(models: pd.DataFrame, dataset: str, kind: Literal["loss", "error"] = "loss") -> pd.Series:
    """Boolean mask of the runs Gadre et al. fit on (their Table 1) for one training set.

    ``kind="loss"`` (Eq. 4): the 0.011B, 0.079B, 0.154B and 0.411B models at :math:`M = 20`
    plus the 0.011B model at :math:`M = 320` (5 runs). ``kind="error"`` (Eq. 5): the same
    plus the 1.4B model at :math:`M = 20` (6 runs).

    Parameters
    ----------
    models : pandas.DataFrame
        The table of :func:`t2lib.data.load_gadre_models` (columns ``dataset``, ``size``, ``M``).
    dataset : str
        One of :data:`DATASETS`.
    kind : {"loss", "error"}
        Which law's fitting set.
    """
    _check_dataset(dataset)
    v.choice("kind", kind, ("loss", "error"))
    _check_models(models)
    size, M = models["size"], models["M"]
    sel = (size.isin(_TABLE1_SIZES) & (M == 20.0)) | ((size == _TABLE1_EXTRA[0]) & (M == _TABLE1_EXTRA[1]))
    if kind == "error":
        sel |= (size == _TABLE1_ERROR_EXTRA[0]) & (M == _TABLE1_ERROR_EXTRA[1])
    return sel & (models["dataset"] == dataset)


def fit_gadre(
    models: pd.DataFrame,
    dataset: str,
    loss_col: str = "loss_c4_val",
    error_col: str = "err17",
    error_points: Literal["table1", "table1_without_1.4B"] = "table1",
) -> tuple[OvertrainingLaw, ErrorLaw]:
    r"""The paper's recipe for one training set: fit Eq. (4) and Eq. (5) on the Table 1 runs.

    Step 1 fits :math:`L(C, M)` to ``loss_col`` of the 5 loss-fit runs; step 2 fits
    :math:`\mathrm{Err}(L)` to (``loss_col``, ``error_col``) of the 6 error-fit runs (or of
    the 5 loss-fit runs with ``error_points="table1_without_1.4B"``, their Table 7 ablation).
    Chain them to predict error from compute: ``err_law.error(loss_law.loss(C, M))``.

    Parameters
    ----------
    models : pandas.DataFrame
        The table of :func:`t2lib.data.load_gadre_models`.
    dataset : str
        One of :data:`DATASETS`.
    loss_col, error_col : str
        Columns holding the loss (default: C4 eval, as in the paper) and the average error
        (default: the 17-task subset).
    error_points : {"table1", "table1_without_1.4B"}
        Fitting set of the error law.
    """
    _check_dataset(dataset)
    v.frame("models", models, hint=_MODELS_HINT)
    for name, col in (("loss_col", loss_col), ("error_col", error_col)):
        if not isinstance(col, str) or col not in models.columns:
            raise ValueError(f"{name} must be a column of models; got {col!r}")
    _check_models(models, "C", loss_col, error_col)
    v.choice("error_points", error_points, ("table1", "table1_without_1.4B"))
    fit_l = models[table1_points(models, dataset, "loss")]
    loss_law = fit_overtraining_law(fit_l["C"].to_numpy(), fit_l["M"].to_numpy(), fit_l[loss_col].to_numpy())
    kind = "error" if error_points == "table1" else "loss"
    fit_e = models[table1_points(models, dataset, kind)]
    error_law = fit_error_law(fit_e[loss_col].to_numpy(), fit_e[error_col].to_numpy())
    return loss_law, error_law


def predict_downstream(
    models: pd.DataFrame,
    downstream: pd.DataFrame,
    dataset: str,
    target: str,
    tasks: tuple[str, ...] = ("arc_easy", "lambada_openai", "openbook_qa", "hellaswag_zeroshot"),
    error_points: Literal["table1", "table1_without_1.4B"] = "table1",
    loss_col: str = "loss_c4_val",
) -> pd.DataFrame:
    r"""Predict a held-out model's downstream errors from its compute alone (the paper's Table 2).

    Fits Eq. (4) on the Table 1 loss runs, predicts the target's loss
    :math:`\hat L = L(C, M)`, and for each task (and for the 17-task average, row
    ``"avg17"``) fits Eq. (5) on the Table 1 error runs and evaluates it at :math:`\hat L`.

    Parameters
    ----------
    models, downstream : pandas.DataFrame
        Tables of :func:`t2lib.data.load_gadre_models` and :func:`t2lib.data.load_gadre_downstream`.
    dataset : str
        One of :data:`DATASETS`.
    target : str
        ``name`` of the model to predict (e.g. ``"rpj-open_lm_7b-1.0"``), trained on ``dataset``.
    tasks : tuple of str
        Task keys of ``downstream`` to predict one by one.
    error_points : {"table1", "table1_without_1.4B"}
        Fitting set of the error laws (the second gives the paper's Table 7).
    loss_col : str
        Loss column the laws are fitted to.

    Returns
    -------
    pandas.DataFrame
        One row per task plus ``"avg17"``: ``task``, ``predicted`` and ``actual`` error
        (fractions) and ``rel_error`` (:func:`relative_error`).
    """
    v.frame("downstream", downstream, ("name", "task", "error"), finite_columns=("error",),
            hint=" (use t2lib.data.load_gadre_downstream())")
    v.text("target", target)
    if (isinstance(tasks, str) or not isinstance(tasks, (tuple, list)) or not tasks
            or not all(isinstance(t, str) for t in tasks)):
        raise ValueError(f"tasks must be a non-empty tuple of task names; got {tasks!r}")
    loss_law, avg_law = fit_gadre(models, dataset, loss_col=loss_col, error_points=error_points)
    row = models[(models["name"] == target) & (models["dataset"] == dataset)]
    if len(row) != 1:
        raise ValueError(f"target must be the name of one {dataset} model in models; got {target!r}")
    unknown = sorted(set(tasks) - set(downstream["task"]))
    if unknown:
        raise ValueError(f"tasks must be task keys of downstream; unknown: {unknown}")
    L_hat = float(loss_law.loss(row["C"].iloc[0], row["M"].iloc[0]))
    kind = "error" if error_points == "table1" else "loss"
    fit_names = models.loc[table1_points(models, dataset, kind), ["name", loss_col]]
    # One table of (task, fit-run) errors with the fit runs' losses, and the target's errors.
    sub = downstream[downstream["task"].isin(tasks)]
    fit = sub.merge(fit_names, on="name")
    actual = sub[sub["name"] == target].set_index("task")["error"]
    rows = []
    for task, grp in fit.groupby("task", sort=False):  # a handful of 3-parameter fits
        law = fit_error_law(grp[loss_col].to_numpy(), grp["error"].to_numpy())
        rows.append((task, float(law.error(L_hat)), float(actual[task])))
    order = {t: i for i, t in enumerate(tasks)}
    rows.sort(key=lambda r: order[r[0]])
    rows.append(("avg17", float(avg_law.error(L_hat)), float(row["err17"].iloc[0])))
    out = pd.DataFrame(rows, columns=["task", "predicted", "actual"])
    out["rel_error"] = relative_error(out["predicted"].to_numpy(), out["actual"].to_numpy())
    return out


def relative_error(predicted, actual) -> np.ndarray:
    r"""Relative prediction error :math:`|\hat y - y| / |y|` (the paper's metric).

    Parameters
    ----------
    predicted : array_like
        Predictions, finite.
    actual : array_like
        Observed values, finite and non-zero.
    """
    p, a = v.broadcast(predicted=v.finite("predicted", predicted), actual=v.finite("actual", actual))
    if np.any(a == 0):
        raise ValueError("actual must be non-zero (allowed range: actual != 0)")
    return v.finite_result(np.abs(p - a) / np.abs(a), "the relative error", predicted=p, actual=a)


# --------------------------------------------------------------------------- comparisons with the paper
def _check_fits(fits) -> None:
    if not isinstance(fits, dict) or not fits:
        raise ValueError(f"fits must be a non-empty dict {{dataset: (OvertrainingLaw, ErrorLaw)}}; got {fits!r}")
    for ds, pair in fits.items():
        if not isinstance(ds, str) or ds not in DATASETS:
            raise ValueError(f"fits must be keyed by training sets (dataset must be one of {DATASETS}); got key {ds!r}")
        if (not isinstance(pair, tuple) or len(pair) != 2 or not isinstance(pair[0], OvertrainingLaw)
                or not isinstance(pair[1], ErrorLaw)):
            raise ValueError(f"fits[{ds!r}] must be a pair (OvertrainingLaw, ErrorLaw); got {pair!r}")


def compare_table6(fits: dict[str, tuple[OvertrainingLaw, ErrorLaw]]) -> pd.DataFrame:
    r"""Our fitted laws beside Gadre et al. (2024), Table 6, parameter by parameter.

    A value matches when it rounds to the printed one, :math:`|x - x_{\mathrm{paper}}| \le \tfrac12 10^{-d}`
    with :math:`d` the printed decimals (:data:`TABLE6_DECIMALS`; a :math:`10^{-12}` slack absorbs rounding).

    Parameters
    ----------
    fits : dict
        ``{dataset: (loss_law, error_law)}`` for datasets in :data:`DATASETS` (as :func:`fit_gadre` returns).

    Returns
    -------
    pandas.DataFrame
        Index ``(dataset, parameter)`` over ``E, a, b, eta, epsilon, k, gamma, M_star``; columns ``ours``,
        ``paper``, ``decimals`` and ``match`` (bool).
    """
    _check_fits(fits)
    rows = []
    for ds, (loss_law, err_law) in fits.items():  # at most three training sets
        _check_dataset(ds)
        paper = GADRE_2024_TABLE6[ds]
        ours = {**loss_law.as_dict(), **err_law.as_dict(), "M_star": loss_law.M_star}
        printed = {**paper.loss_law.as_dict(), **paper.error_law.as_dict(), "M_star": paper.M_star}
        rows += [(ds, p, float(ours[p]), float(printed[p]), d) for p, d in TABLE6_DECIMALS.items()]
    out = pd.DataFrame(rows, columns=["dataset", "parameter", "ours", "paper", "decimals"])
    out["match"] = (out["ours"] - out["paper"]).abs() <= 0.5 * 10.0 ** (-out["decimals"].astype(float)) + 1e-12
    return out.set_index(["dataset", "parameter"])


def predict_runs(models: pd.DataFrame, fits: dict[str, tuple[OvertrainingLaw, ErrorLaw]],
                 loss_col: str = "loss_c4_val") -> pd.DataFrame:
    r"""Predict the loss of every run of the fitted training sets with its set's law, Eq. (4).

    .. math::

        \hat L_i = E_s + \big(a_s M_i^{\eta_s} + b_s M_i^{-\eta_s}\big) C_i^{-\eta_s},\qquad
        \text{rel. error}_i = |\hat L_i - L_i| / L_i,

    with :math:`s` the training set of run :math:`i` (vectorised over all runs).

    Parameters
    ----------
    models : pandas.DataFrame
        The table of :func:`t2lib.data.load_gadre_models`.
    fits : dict
        ``{dataset: (loss_law, error_law)}``; runs of other training sets are dropped.
    loss_col : str
        Measured loss column.

    Returns
    -------
    pandas.DataFrame
        The rows of ``models`` of those training sets with added columns ``predicted``, ``rel_error`` and
        ``fit_point`` (True for the Table 1 runs the loss law was fitted on).
    """
    _check_fits(fits)
    v.frame("models", models, hint=_MODELS_HINT)
    if not isinstance(loss_col, str) or loss_col not in models.columns:
        raise ValueError(f"loss_col must be a column of models; got {loss_col!r}")
    _check_models(models, "C", loss_col)
    out = models[models["dataset"].isin(list(fits))].copy()
    params = pd.DataFrame({ds: law.as_dict() for ds, (law, _) in fits.items()}).T.loc[out["dataset"]]
    E, a, b, eta = (params[p].to_numpy() for p in ("E", "a", "b", "eta"))
    C, M = out["C"].to_numpy(dtype=float), out["M"].to_numpy(dtype=float)
    out["predicted"] = E + (a * M**eta + b * M ** (-eta)) * C ** (-eta)
    out["rel_error"] = relative_error(out["predicted"].to_numpy(), out[loss_col].to_numpy())
    fit_point = np.zeros(len(out), dtype=bool)
    for ds in fits:  # three boolean masks
        fit_point |= table1_points(out, ds, "loss").to_numpy()
    out["fit_point"] = fit_point
    return out


def compare_downstream_tables(
    models: pd.DataFrame, downstream: pd.DataFrame, loss_col: str = "loss_c4_val", datasets: tuple[str, ...] = DATASETS
) -> pd.DataFrame:
    r"""Our downstream prediction errors for each training set's 6.9B model beside Gadre et al.'s Tables 2 and 7.

    For each training set and each error-law fitting set (``"table1"``: Table 2; ``"table1_without_1.4B"``:
    Table 7), :func:`predict_downstream` chains :math:`(C, M) \to \hat L \to \mathrm{Err}(\hat L)` for the
    6.9B, :math:`M = 20` run.

    Parameters
    ----------
    models, downstream : pandas.DataFrame
        Tables of :func:`t2lib.data.load_gadre_models` and :func:`t2lib.data.load_gadre_downstream`.
    loss_col : str
        Loss the laws are fitted to (the paper's: ``"loss_c4_val"``).
    datasets : tuple of str
        Training sets, each in :data:`DATASETS`.

    Returns
    -------
    pandas.DataFrame
        Index ``(dataset, error_points, task)`` with the tasks of Table 2 and ``"avg17"``; columns ``ours`` and
        ``paper``, relative errors in percent.
    """
    published = {"table1": GADRE_2024_TABLE2, "table1_without_1.4B": GADRE_2024_TABLE7}
    v.frame("models", models, ("name",), hint=_MODELS_HINT)
    v.frame("downstream", downstream, ("name", "task", "error"), hint=" (use t2lib.data.load_gadre_downstream())")
    if isinstance(datasets, str) or not isinstance(datasets, (tuple, list)) or not datasets:
        raise ValueError(f"datasets must be a non-empty tuple of training sets from {DATASETS}; got {datasets!r}")
    for ds in datasets:
        if not isinstance(ds, str) or ds not in DATASETS:
            raise ValueError(f"datasets must hold names from {DATASETS}; got {ds!r}")
    _check_models(models, "C", loss_col) if isinstance(loss_col, str) and loss_col in models.columns else None
    if not isinstance(loss_col, str) or loss_col not in models.columns:
        raise ValueError(f"loss_col must be a column of models; got {loss_col!r}")
    parts = []
    for ds in datasets:  # 3 training sets x 2 fitting sets, each a handful of small fits
        _check_dataset(ds)
        big = models.loc[(models["dataset"] == ds) & (models["size"] == "6.9B"), "name"]
        if len(big) != 1:
            raise ValueError(f"models must hold exactly one 6.9B run of {ds!r}; got {len(big)}")
        for points, table in published.items():
            out = predict_downstream(models, downstream, ds, big.iloc[0], error_points=points, loss_col=loss_col)
            parts.append(pd.DataFrame({"dataset": ds, "error_points": points, "task": out["task"],
                                       "ours": 100 * out["rel_error"], "paper": out["task"].map(table[ds])}))
    return pd.concat(parts, ignore_index=True).set_index(["dataset", "error_points", "task"])
