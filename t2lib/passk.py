r"""Repeated sampling: the unbiased pass@k estimator and Beta-distributed success rates.

A problem is solved within :math:`k` attempts if any of them is correct. With
:math:`n \ge k` samples of which :math:`c` are correct, the unbiased estimator of
Chen et al. (2021) is the probability that a random :math:`k`-subset of the
samples contains a correct one,

.. math::

    \widehat{\mathrm{pass@}k} = 1 - \frac{\binom{n-c}{k}}{\binom{n}{k}}
    = 1 - \prod_{i=n-c+1}^{n}\Big(1 - \frac{k}{i}\Big).

Coverage counts a problem as solved when any sample is correct: it assumes an oracle verifier.
If the single-attempt success rate :math:`p` of a problem drawn from a benchmark
follows :math:`\mathrm{Beta}(\nu_1, \nu_0)`, the expected coverage is

.. math::

    \mathrm{pass}_{\mathcal D}@k = 1 - \mathbb E[(1-p)^k]
    = 1 - \frac{\mathrm{B}(\nu_1, \nu_0 + k)}{\mathrm{B}(\nu_1, \nu_0)},
    \qquad -\log \mathrm{pass}_{\mathcal D}@k \sim
    \frac{\Gamma(\nu_1+\nu_0)}{\Gamma(\nu_0)}\,k^{-\nu_1}\quad (k\to\infty),

the power law of Schaeffer et al. (2025). Brown et al. (2024) fit the aggregate
coverage with :math:`\exp(a k^{b})`, :math:`a, b < 0`; the book writes it
:math:`\mathrm{pass}@k \approx \exp(-\zeta k^{-\xi})` with :math:`\zeta = -a`, :math:`\xi = -b`.

Notation (``book/notation.md``): the functions keep the argument names ``a, b`` for both the Beta shapes
:math:`(\nu_1, \nu_0)` and Brown et al.'s coefficients :math:`(a, b) = (-\zeta, -\xi)`, and :func:`fit_beta_by`
names its columns ``alpha`` (:math:`\nu_1`) and ``beta`` (:math:`\nu_0`).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from . import _validate as v
from .published import BROWN_2024_FIG5, BROWN_2024_PYTHIA160M_MATH  # typed once there (re-exported)

__all__ = [
    "BROWN_2024_FIG5",
    "BROWN_2024_PYTHIA160M_MATH",
    "pass_at_k",
    "plugin_pass_at_k",
    "expected_plugin_pass_at_k",
    "simulate_estimates",
    "log_spaced_k",
    "coverage_curve",
    "coverage_table",
    "fit_coverage_power_law",
    "fit_coverage_power_law_table",
    "beta_coverage_table",
    "coverage_power_law",
    "coverage_power_law_samples",
    "log_beta_ratio",
    "beta_pass_at_k",
    "beta_neg_log_pass_at_k",
    "beta_tail_asymptote",
    "beta_binomial_loglik",
    "fit_beta_by",
    "fit_beta",
]

# Products with at most this many factors are summed term by term (exact to a few ulp);
# longer ones use the four-term Stirling form, whose absolute error is below
# ~ eps * n / (_DIRECT_TERMS * e) (about 3e-12 at n = 1e6) because the ratio it
# multiplies is then at most exp(-_DIRECT_TERMS * max(c, k) / n).
_DIRECT_TERMS = 32
_CHUNK = 1 << 15  # rows per block of the term-by-term sum (memory bound: _CHUNK * _DIRECT_TERMS floats)
_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)


# --------------------------------------------------------------------------- validation
def _int_array(name: str, x: Any) -> np.ndarray:
    """``x`` as an int64 array; raise unless every element is a finite whole number."""
    arr = np.asarray(x)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be an integer or an array of integers; got {x!r}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must hold whole numbers (integers); got {x!r}")
        if np.any(np.abs(arr) > 2.0**53):
            raise ValueError(f"{name} must be below 2**53 in magnitude; got max {np.abs(arr).max()!r}")
    return arr.astype(np.int64)


_broadcast = v.broadcast  # the shared helper: names every argument and its shape


def _check_counts(n: Any, c: Any, k: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_, c_, k_ = _int_array("n", n), _int_array("c", c), _int_array("k", k)
    n_, c_, k_ = _broadcast(n=n_, c=c_, k=k_)
    if np.any(c_ < 0):
        raise ValueError(f"c (correct samples) must be >= 0 (allowed range: 0 <= c <= n); got min {c_.min()}")
    if np.any(c_ > n_):
        i = np.argmax(c_ > n_)
        raise ValueError(
            f"c (correct samples) must not exceed n (allowed range: 0 <= c <= n); "
            f"got c={c_.flat[i]} > n={n_.flat[i]}"
        )
    if np.any(k_ < 1):
        raise ValueError(f"k (attempts) must be >= 1 (allowed range: 1 <= k <= n); got min {k_.min()}")
    if np.any(k_ > n_):
        i = np.argmax(k_ > n_)
        raise ValueError(
            f"k (attempts) must not exceed n, the number of samples drawn (allowed range: 1 <= k <= n); "
            f"got k={k_.flat[i]} > n={n_.flat[i]}"
        )
    return n_, c_, k_


def _check_samples(samples: Any, by: Any) -> None:
    if isinstance(by, str):
        keys = [by]
    elif isinstance(by, (list, tuple)) and by and all(isinstance(b, str) for b in by):
        keys = list(by)
    else:
        raise ValueError(f"by must be a column name or a list of column names; got {by!r}")
    v.frame("samples", samples, ["n", "c"], finite_columns=("n", "c"))
    missing = [k for k in keys if k not in samples.columns]
    if missing:
        raise ValueError(f"by must name columns of samples; missing {missing}")


def _scalar_or_array(out: np.ndarray) -> np.ndarray | float:
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------- estimator
def _stirling_remainder(y: np.ndarray) -> np.ndarray:
    r""":math:`s(y) = \log\Gamma(y) - [(y-\tfrac12)\log y - y + \tfrac12\log 2\pi]`, for ``y >= 1``."""
    out = np.empty_like(y)
    big = y >= 20.0
    yb = y[big]
    r = 1.0 / (yb * yb)
    # Stirling series, truncation error < 1e-17 for y >= 20.
    out[big] = (1.0 / 12 - r * (1.0 / 360 - r * (1.0 / 1260 - r * (1.0 / 1680 - r / 1188)))) / yb
    ys = y[~big]
    out[~big] = special.gammaln(ys) - ((ys - 0.5) * np.log(ys) - ys + _HALF_LOG_2PI)
    return out


def _log_ratio_stirling(n: np.ndarray, c: np.ndarray, k: np.ndarray) -> np.ndarray:
    r"""Four-term Stirling form of :math:`\log[\binom{n-c}{k}/\binom{n}{k}]` for ``n - c >= k``.

    With :math:`y_A = n-c+1,\ y_B = n-k+1,\ y_C = n+1,\ y_D = n-c-k+1` the ratio is
    :math:`\Gamma(y_A)\Gamma(y_B)/(\Gamma(y_C)\Gamma(y_D))`. The linear and constant
    parts of Stirling's formula cancel exactly (:math:`y_A+y_B = y_C+y_D`), and
    :math:`(y-\tfrac12)\log y` is taken relative to :math:`\log y_C`, which leaves
    three ``log1p`` terms of size about ``c + k`` instead of ``n log n``.
    """
    yA, yB, yC, yD = n - c + 1.0, n - k + 1.0, n + 1.0, n - c - k + 1.0
    main = (
        (yA - 0.5) * np.log1p(-c / yC)
        + (yB - 0.5) * np.log1p(-k / yC)
        - (yD - 0.5) * np.log1p(-(c + k) / yC)
    )
    rem = _stirling_remainder(yA) + _stirling_remainder(yB) - _stirling_remainder(yC) - _stirling_remainder(yD)
    return main + rem


def _log_ratio_direct(n: np.ndarray, small: np.ndarray, large: np.ndarray) -> np.ndarray:
    r""":math:`\sum_{j=0}^{m-1}\log(1 - M/(n-j))` with ``m = small <= _DIRECT_TERMS``, ``M = large``."""
    out = np.empty(n.shape, dtype=float)
    j = np.arange(_DIRECT_TERMS, dtype=float)
    for start in range(0, n.size, _CHUNK):  # blocks bound the memory; each block is vectorised
        sl = slice(start, start + _CHUNK)
        nn, mm, MM = n[sl, None], small[sl, None], large[sl, None]
        live = j < mm
        denom = np.where(live, nn - j, np.inf)  # dead terms contribute log1p(0) = 0
        out[sl] = np.sum(np.log1p(-MM / denom), axis=1)
    return out


def pass_at_k(n: Any, c: Any, k: Any) -> np.ndarray | float:
    r"""Unbiased pass@k estimate of Chen et al. (2021) from ``c`` correct out of ``n`` samples.

    .. math::

        \widehat{\mathrm{pass@}k} = 1 - \frac{\binom{n-c}{k}}{\binom{n}{k}}
        = 1 - \prod_{j=0}^{m-1}\Big(1 - \frac{M}{n-j}\Big),
        \quad m = \min(c, k),\ M = \max(c, k),

    and exactly 1 when :math:`n - c < k` (every :math:`k`-subset holds a correct sample).
    The product (symmetric in :math:`c` and :math:`k`) is summed in log space with
    ``log1p`` when it has at most 32 factors; longer products use a Stirling form in
    which the :math:`\log\Gamma` cancellations are done analytically. The absolute
    error is below 1e-10 for :math:`n \le 10^6` (tested against exact rational
    arithmetic and against :math:`\sum_i \log(1-k/i)` summed exactly).

    Parameters
    ----------
    n : int or array of int
        Samples drawn per problem, ``n >= 1``.
    c : int or array of int
        Correct samples, ``0 <= c <= n``.
    k : int or array of int
        Attempt budget, ``1 <= k <= n``.
        ``n``, ``c`` and ``k`` broadcast against each other.

    Returns
    -------
    float or numpy.ndarray
        The estimate, in [0, 1]; a float when all inputs are scalars.

    Raises
    ------
    ValueError
        If an argument is not a whole number, ``c`` is outside ``[0, n]`` or ``k`` outside ``[1, n]``.
    """
    n_, c_, k_ = _check_counts(n, c, k)
    shape = n_.shape
    nf, cf, kf = (a.astype(float).ravel() for a in (n_, c_, k_))
    out = np.ones(nf.shape)
    live = (nf - cf) >= kf
    small, large = np.minimum(cf, kf), np.maximum(cf, kf)
    direct = live & (small <= _DIRECT_TERMS)
    stirl = live & ~direct
    logr = np.empty(nf.shape)
    logr[direct] = _log_ratio_direct(nf[direct], small[direct], large[direct])
    logr[stirl] = _log_ratio_stirling(nf[stirl], cf[stirl], kf[stirl])
    out[live] = -np.expm1(logr[live])
    return _scalar_or_array(out.reshape(shape))


def plugin_pass_at_k(n: Any, c: Any, k: Any) -> np.ndarray | float:
    r"""The biased plug-in estimate :math:`1 - (1 - c/n)^k` (same arguments as :func:`pass_at_k`).

    It is the pass@k of a problem whose success rate equals the sample mean
    :math:`\hat p = c/n`. Because :math:`p \mapsto (1-p)^k` is convex, Jensen's
    inequality gives :math:`\mathbb E[(1-\hat p)^k] \ge (1-p)^k`: the plug-in
    underestimates pass@k on average.
    """
    n_, c_, k_ = _check_counts(n, c, k)
    with np.errstate(divide="ignore"):  # c = n: log1p(-1) = -inf, and the estimate is exactly 1
        out = -np.expm1(k_ * np.log1p(-c_ / n_.astype(float)))
    return _scalar_or_array(out)


def expected_plugin_pass_at_k(p: Any, n: int, k: Any) -> np.ndarray:
    r"""Exact expectation of the plug-in estimate when :math:`c \sim \mathrm{Binomial}(n, p)`.

    .. math::

        \mathbb E\big[1 - (1 - c/n)^k\big] = \sum_{c=0}^{n} \binom{n}{c} p^c (1-p)^{n-c}
        \big[1 - (1 - c/n)^k\big],

    to compare with the true :math:`1 - (1-p)^k`. ``p`` (in [0, 1]) and ``k``
    (``1 <= k <= n``) broadcast against each other; ``n`` is a scalar.
    """
    p_ = v.finite("p", p)
    if np.any((p_ < 0) | (p_ > 1)):
        raise ValueError(f"p must lie in [0, 1] (allowed range: 0 <= p <= 1); got {p!r}")
    n_ = _int_array("n", n)
    if n_.ndim != 0 or n_ < 1:
        raise ValueError(f"n must be a scalar integer >= 1; got {n!r}")
    k_ = _int_array("k", k)
    if np.any((k_ < 1) | (k_ > n_)):
        raise ValueError(f"k must lie in [1, n] = [1, {int(n_)}]; got {k!r}")
    p_, k_ = _broadcast(p=p_, k=k_)
    cs = np.arange(int(n_) + 1)
    pmf = stats.binom.pmf(cs, int(n_), p_[..., None])
    with np.errstate(divide="ignore"):  # c = n: log1p(-1) = -inf, and the estimate is exactly 1
        plug = -np.expm1(k_[..., None] * np.log1p(-cs / float(n_)))
    return np.sum(pmf * plug, axis=-1)


def simulate_estimates(p: Any, n: int, k: int, trials: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    r"""Draw :math:`c \sim \mathrm{Binomial}(n, p)` ``trials`` times and return both estimates.

    Parameters
    ----------
    p : float or array
        True single-attempt success rates in [0, 1] (one column per value).
    n, k : int
        Samples per problem and attempt budget, ``1 <= k <= n``.
    trials : int
        Independent repetitions, ``>= 1``.
    seed : int
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    (unbiased, plugin) : tuple of numpy.ndarray, each of shape ``(trials,) + p.shape``
        :func:`pass_at_k` and :func:`plugin_pass_at_k` of each draw.
    """
    p_ = v.finite("p", p)
    if np.any((p_ < 0) | (p_ > 1)):
        raise ValueError(f"p must lie in [0, 1] (allowed range: 0 <= p <= 1); got {p!r}")
    t = _int_array("trials", trials)
    if t.ndim != 0 or t < 1:
        raise ValueError(f"trials must be a scalar integer >= 1; got {trials!r}")
    n_ = v.integer("n", n, 1, 2**62)
    k_ = v.integer("k", k, 1, n_)
    if int(t) * max(p_.size, 1) > 10**8:
        raise ValueError(f"trials must keep trials * p.size below 1e8; got {int(t)} * {p_.size}")
    rng = np.random.default_rng(v.seed("seed", seed))
    c = rng.binomial(n_, p_, size=(int(t),) + p_.shape)
    return np.asarray(pass_at_k(n, c, k)), np.asarray(plugin_pass_at_k(n, c, k))


# --------------------------------------------------------------------------- coverage
def log_spaced_k(k_max: int, points: int) -> np.ndarray:
    r"""Distinct integer attempt budgets, log-spaced from 1 to ``k_max``.

    .. math::

        k_j = \operatorname{round}\big(k_{\max}^{\,j/(\mathrm{points}-1)}\big),\qquad j = 0, \dots, \mathrm{points}-1,

    with duplicates removed (so fewer than ``points`` values when ``k_max`` is small). Brown et al.
    (2024, App. C.1) fit their power law on about 40 such budgets in :math:`[1, 10^4]`.

    Parameters
    ----------
    k_max : int
        Largest budget, ``k_max >= 1``.
    points : int
        Number of log-spaced points before rounding, ``points >= 2``.

    Returns
    -------
    numpy.ndarray
        Sorted int64 budgets, starting at 1 and ending at ``k_max``.
    """
    km, pts = _int_array("k_max", k_max), _int_array("points", points)
    if km.ndim != 0 or km < 1:
        raise ValueError(f"k_max must be a scalar integer >= 1 (allowed range: 1 <= k_max); got {k_max!r}")
    if pts.ndim != 0 or pts < 2:
        raise ValueError(f"points must be a scalar integer >= 2 (allowed range: 2 <= points); got {points!r}")
    return np.unique(np.round(np.logspace(0.0, np.log10(float(km)), int(pts))).astype(np.int64))


def coverage_curve(n: Any, c: Any, k: Any) -> np.ndarray:
    r"""Coverage :math:`\frac1P\sum_i \widehat{\mathrm{pass}_i@k}` of ``P`` problems at each ``k``.

    Parameters
    ----------
    n, c : 1-D arrays of int, same length ``P``
        Samples drawn and correct samples per problem.
    k : 1-D array of int
        Attempt budgets, each ``<= min(n)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(k),)``.
    """
    n_, c_, k_ = np.atleast_1d(_int_array("n", n)), np.atleast_1d(_int_array("c", c)), np.atleast_1d(_int_array("k", k))
    if n_.ndim != 1 or c_.ndim != 1 or k_.ndim != 1:
        raise ValueError("n, c and k must be 1-D")
    v.same_shape(n=n_, c=c_)
    return np.mean(pass_at_k(n_[:, None], c_[:, None], k_[None, :]), axis=0)


def coverage_table(samples: pd.DataFrame, k: Sequence[int], by: str | Sequence[str] = "model") -> pd.DataFrame:
    r"""Coverage curves of every group of a tidy sample table (one row per problem).

    Parameters
    ----------
    samples : pandas.DataFrame
        Columns ``n``, ``c`` and the grouping columns (e.g. from
        :func:`t2lib.data.load_pythia_samples`).
    k : sequence of int
        Attempt budgets; each must be ``<= n`` for every row.
    by : str or list of str
        Grouping columns.

    Returns
    -------
    pandas.DataFrame
        Index: the groups (in order of first appearance); columns: ``k``; values: coverage.
    """
    k_ = np.atleast_1d(_int_array("k", k))
    _check_samples(samples, by)
    per = pass_at_k(samples["n"].to_numpy()[:, None], samples["c"].to_numpy()[:, None], k_[None, :])
    frame = pd.DataFrame(per, columns=pd.Index(k_, name="k"), index=samples.index)
    keys = [samples[b] for b in ([by] if isinstance(by, str) else by)]
    return frame.groupby(keys, sort=False).mean()


def coverage_power_law(k: Any, a: float, b: float) -> np.ndarray:
    r"""Brown et al.'s exponentiated power law :math:`\exp(a k^{b}) = \exp(-\zeta k^{-\xi})` (``k > 0``)."""
    k_ = v.positive("k", k)
    a_, b_ = v.finite("a", a), v.finite("b", b)
    if np.any(a_ > 0):
        raise ValueError(f"a must be <= 0 so that the coverage exp(a k^b) is at most 1 (allowed range: -inf < a <= 0); "
                         f"got max {a_.max()!r}")
    k_, a_, b_ = _broadcast(k=k_, a=a_, b=b_)
    return v.finite_result(np.exp(a_ * k_**b_), "the coverage", k=k_, a=a_, b=b_)


def coverage_power_law_samples(coverage: Any, a: Any, b: Any) -> np.ndarray:
    r"""Attempts the exponentiated power law needs to reach ``coverage``: the inverse of :func:`coverage_power_law`.

    .. math::

        \exp(a k^{b}) = t \iff k = \Big(\frac{\log t}{a}\Big)^{1/b}
        = \Big(\frac{-\log t}{\zeta}\Big)^{-1/\xi} .

    Parameters
    ----------
    coverage : array_like
        Target coverage :math:`t`, in the open interval (0, 1).
    a, b : array_like
        Coefficients of the fit (:func:`fit_coverage_power_law`), both ``< 0``. Arguments broadcast.

    Returns
    -------
    numpy.ndarray
        The (real) number of attempts.
    """
    t = v.in_open_interval("coverage", coverage, 0.0, 1.0)
    a_ = v.finite("a", a)
    b_ = v.finite("b", b)
    if np.any(a_ >= 0) or np.any(b_ >= 0):
        raise ValueError("a and b must be negative (allowed range: -inf < a, b < 0), as fitted to a rising coverage curve")
    with np.errstate(over="ignore"):
        k = (np.log(t) / a_) ** (1.0 / b_)
    if not np.all(np.isfinite(k)):
        raise ValueError("coverage is out of reach of the power law in floating point (k overflows); "
                         "use a coverage further from 1 or a steeper law")
    return k


def fit_coverage_power_law(k: Any, coverage: Any) -> tuple[np.ndarray, np.ndarray]:
    r"""Fit :math:`\log \mathrm{pass}@k = a k^{b}` by least squares on the log coverage (Brown et al. 2024, Eq. 2–3).

    Write :math:`y_j` for the log coverage at :math:`k_j`. The start is the straight-line fit of
    :math:`\log(-y) = \log(-a) + b\log k` (vectorised across curves); each curve is then refined by nonlinear least
    squares on the residuals :math:`y_j - a k_j^{b}`. In the book's notation (and Schaeffer et al.'s form)
    :math:`-\log\mathrm{pass}@k = \zeta k^{-\xi}` with :math:`\zeta = -a`, :math:`\xi = -b`.

    Parameters
    ----------
    k : 1-D array
        Attempt budgets, ``> 0``.
    coverage : 1-D array of length ``len(k)`` or 2-D ``(curves, len(k))``
        Coverage values in the open interval (0, 1).

    Returns
    -------
    (a, b) : numpy.ndarray
        One value per curve (0-d arrays for a 1-D ``coverage``).
    """
    k_ = v.positive("k", k)
    cov = v.in_open_interval("coverage", coverage, 0.0, 1.0)
    if k_.ndim != 1 or cov.shape[-1] != k_.size or cov.ndim > 2 or k_.size < 3:
        raise ValueError(f"k must be 1-D with >= 3 points and coverage (curves, len(k)); got {k_.shape}, {cov.shape}")
    y = np.atleast_2d(np.log(cov))
    X = np.column_stack([np.ones_like(k_), np.log(k_)])
    coef, *_ = np.linalg.lstsq(X, np.log(-y).T, rcond=None)  # (2, curves)
    a0, b0 = -np.exp(coef[0]), coef[1]
    a_out, b_out = np.empty(len(y)), np.empty(len(y))
    lk = np.log(k_)
    for i, (yi, ai, bi) in enumerate(zip(y, a0, b0)):  # one small 2-parameter fit per curve
        res = optimize.least_squares(
            lambda t: t[0] * np.exp(t[1] * lk) - yi,
            x0=[ai, bi],
            jac=lambda t: np.column_stack([np.exp(t[1] * lk), t[0] * lk * np.exp(t[1] * lk)]),
            method="lm",
            xtol=1e-14,
            ftol=1e-14,
        )
        a_out[i], b_out[i] = res.x
    if cov.ndim == 1:
        return np.asarray(a_out[0]), np.asarray(b_out[0])
    return a_out, b_out


def _k_columns(table: pd.DataFrame, name: str) -> np.ndarray:
    k = np.asarray(table.columns)
    if k.ndim != 1 or k.size == 0 or k.dtype.kind not in "iuf" or np.any(~np.isfinite(k.astype(float))) or np.any(k <= 0):
        raise ValueError(f"{name} must have positive numeric attempt budgets k as columns (as coverage_table returns)")
    return k.astype(float)


def fit_coverage_power_law_table(coverage: pd.DataFrame) -> pd.DataFrame:
    r"""Fit :math:`\log \mathrm{pass}@k = a k^{b}` (:func:`fit_coverage_power_law`) to every row of a coverage table.

    Parameters
    ----------
    coverage : pandas.DataFrame
        One coverage curve per row, the attempt budgets ``k`` (at least 3, ``> 0``) as columns and values
        in (0, 1): the layout of :func:`coverage_table` and :func:`beta_coverage_table`.

    Returns
    -------
    pandas.DataFrame
        Same index; columns ``a``, ``b`` and ``max_abs_residual``,
        :math:`\max_j |\mathrm{pass}@k_j - \exp(a k_j^{b})|` (the largest coverage error of the fitted curve).
    """
    if not isinstance(coverage, pd.DataFrame):
        raise ValueError(f"coverage must be a pandas.DataFrame (one curve per row); got {type(coverage).__name__}")
    k = _k_columns(coverage, "coverage")
    cov = coverage.to_numpy(dtype=float)
    a, b = fit_coverage_power_law(k, cov)
    resid = np.max(np.abs(cov - coverage_power_law(k[None, :], a[:, None], b[:, None])), axis=1)
    return pd.DataFrame({"a": a, "b": b, "max_abs_residual": resid}, index=coverage.index)


def beta_coverage_table(fits: pd.DataFrame, k: Any) -> pd.DataFrame:
    r"""Coverage :math:`1 - \mathrm{B}(\nu_1, \nu_0 + k)/\mathrm{B}(\nu_1, \nu_0)` (:func:`beta_pass_at_k`) of every fitted Beta.

    Parameters
    ----------
    fits : pandas.DataFrame
        Columns ``alpha`` (:math:`\nu_1`) and ``beta`` (:math:`\nu_0`), both ``> 0``, one row per group, e.g. from
        :func:`fit_beta_by`.
    k : sequence of float
        Attempt budgets, ``>= 0``.

    Returns
    -------
    pandas.DataFrame
        Index of ``fits``; columns: ``k``; values: predicted coverage (the layout of :func:`coverage_table`).
    """
    v.frame("fits", fits, ("alpha", "beta"), finite_columns=("alpha", "beta"))
    k_ = np.atleast_1d(v.nonnegative("k", k))
    if k_.ndim != 1:
        raise ValueError(f"k must be 1-D; got shape {k_.shape}")
    a, b = fits["alpha"].to_numpy(dtype=float), fits["beta"].to_numpy(dtype=float)
    cov = np.asarray(beta_pass_at_k(a[:, None], b[:, None], k_[None, :]))
    cols = np.asarray(k).astype(np.int64) if np.all(k_ == np.round(k_)) else k_
    return pd.DataFrame(cov, index=fits.index, columns=pd.Index(np.atleast_1d(cols), name="k"))


# --------------------------------------------------------------------------- Beta model
def _beta_args(a: Any, b: Any, k: Any) -> list[np.ndarray]:
    a_, b_ = v.positive("a", a), v.positive("b", b)
    k_ = v.nonnegative("k", k)
    return _broadcast(a=a_, b=b_, k=k_)


# ----------------------------------------------------------------------------- ln B(a, b+k) / B(a, b) without cancellation
_X0 = 20.0  # the asymptotic series of ln Gamma and psi are used from here on (truncation below 1e-17)
_SHIFT = np.arange(int(_X0))
_CANCEL = 100.0  # betaln's difference is used while its terms are at most this many times the result, and
_GAMMA_PATH = 170.0  # a + b + k is at most this: scipy's betaln is then a log of Gamma ratios, accurate to a few ulp
# Gauss-Legendre rules on [0, 1], each for integrals over t in [b, b + l] with l/b up to the first number: their
# error is below ~rho**(-2n) with rho ~ 1 + 4b/l (Bernstein ellipse; the integrand's nearest singularity is at 0)
_RULES = []
for _r, _n in ((1e-4, 2), (1e-2, 4), (0.25, 7)):
    _x, _w = np.polynomial.legendre.leggauss(_n)
    _RULES.append((_r, (_x + 1.0) / 2.0, _w / 2.0))


def _stirling_tail(x: np.ndarray) -> np.ndarray:
    r""":math:`\ln\Gamma(x) - [(x-\tfrac12)\ln x - x + \tfrac12\ln 2\pi]` for ``x >= 20`` (error below 1e-17)."""
    r = 1.0 / (x * x)
    return (1.0 / 12 - r * (1.0 / 360 - r * (1.0 / 1260 - r * (1.0 / 1680 - r / 1188)))) / x


def _lgamma_diff_asym(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    r""":math:`\ln\Gamma(x+h) - \ln\Gamma(x)` for ``x >= 20`` from Stirling's series, its large terms combined."""
    return (x - 0.5) * np.log1p(h / x) + h * (np.log(x + h) - 1.0) + (_stirling_tail(x + h) - _stirling_tail(x))


def _digamma_diff_asym(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    r""":math:`\psi(x+h) - \psi(x)` for ``x >= 20`` from :math:`\psi(x) \sim \ln x - \frac1{2x} - \sum_n
    \frac{B_{2n}}{2n\,x^{2n}}`, every difference :math:`(x+h)^{-2n} - x^{-2n}` factored so that nothing cancels."""
    y = x + h
    ix, iy = 1.0 / x, 1.0 / y
    u, w = ix * ix, iy * iy
    d2 = -h * ix * iy * (ix + iy)  # y^-2 - x^-2 = -h (x + y) / (x y)^2, without forming x + y
    d4 = d2 * (w + u)
    d6 = d2 * (w * w + w * u + u * u)
    d8 = d2 * (w + u) * (w * w + u * u)
    d10 = d2 * (w ** 4 + w ** 3 * u + w * w * u * u + w * u ** 3 + u ** 4)
    return (np.log1p(h * ix) + 0.5 * h * ix * iy - d2 / 12.0 + d4 / 120.0 - d6 / 252.0 + d8 / 240.0
            - d10 / 132.0)


def _log_beta_ratio_series(a: np.ndarray, b: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The cancellation-free form of :func:`log_beta_ratio` (1-D arrays, ``k > 0``)."""
    shift = np.zeros(b.shape)
    small = b < _X0
    if small.any():  # ln R(b) = ln R(b + n) - sum_j log1p(a k / ((b + j)(b + j + a + k))), all terms positive
        bs, as_, ks = b[small, None], a[small, None], k[small, None]
        x = bs + _SHIFT
        with np.errstate(over="ignore", under="ignore"):
            t = as_ / (x + as_ + ks) * (ks / x)  # a k / (x (x + a + k)) without forming a k
        wild = ~((t > 1e-290) & (t < 1e290))  # k / x overflowed or a / (x + a + k) went subnormal: in logs
        if wild.any():
            lt = np.log(as_) - np.log(x + as_ + ks) + np.log(ks) - np.log(x)
            t = np.where(wild, np.exp(np.minimum(lt, 700.0)), t)
            term = np.where(wild & (lt > 700.0), lt, np.log1p(t))
        else:
            term = np.log1p(t)
        shift[small] = np.where(_SHIFT < _X0 - bs, term, 0.0).sum(axis=1)
        b = b.copy()
        b[small] += np.ceil(_X0 - b[small])
    s, l = np.minimum(a, k), np.maximum(a, k)  # ln R is symmetric in a and k
    out = np.empty(b.shape)
    r = l / b
    lo = 0.0
    for hi, t, w in _RULES:  # l <= b/4: integrate psi(x + s) - psi(x) over x in [b, b + l]
        m = (r > lo) & (r <= hi) if lo > 0 else r <= hi
        bm, sm, lm = b[m], s[m], l[m]
        vals = _digamma_diff_asym(bm[:, None] + lm[:, None] * t, sm[:, None])
        out[m] = -lm * (vals * w).sum(axis=1)  # a row sum, not BLAS: the same bits however many rows
        lo = hi
    far = r > _RULES[-1][0]  # b and b + l far apart: the two ln Gamma differences cancel at most ~ln(b)/ln(5/4)
    out[far] = _lgamma_diff_asym(b[far], s[far]) - _lgamma_diff_asym(b[far] + l[far], s[far])
    return out - shift


def _log_beta_ratio(a: np.ndarray, b: np.ndarray, k: np.ndarray) -> np.ndarray:
    """:func:`log_beta_ratio` without the argument checks (``a, b > 0``, ``k >= 0``, broadcastable arrays)."""
    a, b, k = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float), np.asarray(k, float))
    shape = a.shape
    a, b, k = a.ravel(), b.ravel(), k.ravel()
    with np.errstate(all="ignore"):
        l1, l2 = special.betaln(a, b + k), special.betaln(a, b)
        out = l1 - l2
        careful = ~(((np.abs(l1) + np.abs(l2)) <= _CANCEL * np.abs(out)) & (a + b + k <= _GAMMA_PATH)) & (k > 0)
        out[careful] = _log_beta_ratio_series(a[careful], b[careful], k[careful])
    out[k == 0] = 0.0
    return out.reshape(shape)


def log_beta_ratio(a: Any, b: Any, k: Any) -> np.ndarray | float:
    r""":math:`\ln[\mathrm B(\nu_1, \nu_0+k)/\mathrm B(\nu_1, \nu_0)] = \ln \mathbb E[(1-p)^k]`, :math:`p \sim
    \mathrm{Beta}(\nu_1, \nu_0)`, accurate to about :math:`10^{-11}` relative for any positive arguments.

    The obvious ``betaln(a, b + k) - betaln(a, b)`` is a difference of two numbers of size :math:`\ln\Gamma`; when
    :math:`\nu_0` is large the result is tiny (about :math:`-\nu_1 k/\nu_0`) and the difference keeps little of it
    (relative error :math:`10^{-3}` at :math:`\nu_0 = 10^{12}`, and pass@k may come out negative): the same trap as
    the estimator's log-gamma form (chapter 6); for arguments above ~170 scipy's ``betaln`` itself is a difference
    of :math:`\ln\Gamma` values. It is used only where :math:`\nu_1 + \nu_0 + k \le 170` and its two terms are
    at most 100 times the result; elsewhere, with :math:`s = \min(\nu_1, k)`, :math:`l = \max(\nu_1, k)` (the ratio is symmetric in
    :math:`\nu_1` and :math:`k`), the recurrence

    .. math::

        \ln R(\nu_0) = \ln R(\nu_0 + 1) - \mathrm{log1p}\frac{\nu_1 k}{\nu_0(\nu_0 + \nu_1 + k)}

    first moves :math:`\nu_0` to 20 or above (every term positive), then

    .. math::

        \ln R = -\int_{\nu_0}^{\nu_0 + l} [\psi(x + s) - \psi(x)]\,dx \quad (l \le \nu_0/4), \qquad
        \ln R = \Delta(\nu_0, s) - \Delta(\nu_0 + l, s) \quad (l > \nu_0/4),

    with :math:`\psi(x+s) - \psi(x)` from its asymptotic series (differences factored, nothing cancels), the integral
    by Gauss–Legendre quadrature (2 to 7 nodes by :math:`l/\nu_0`), and :math:`\Delta(x, s) = \ln\Gamma(x+s) -
    \ln\Gamma(x)` from Stirling's series. Checked against exact rational arithmetic in ``tests/test_passk.py``.

    Parameters
    ----------
    a, b : float or array
        Beta shape parameters :math:`\nu_1, \nu_0`, ``> 0``.
    k : float or array
        Attempt budget, real ``k >= 0`` (``k = 0`` gives 0). Arguments broadcast.
    """
    a_, b_, k_ = _beta_args(a, b, k)
    return _scalar_or_array(v.finite_result(_log_beta_ratio(a_, b_, k_), "ln B(a, b + k) / B(a, b)", a=a_, b=b_,
                                            k=k_))


def beta_pass_at_k(a: Any, b: Any, k: Any) -> np.ndarray | float:
    r"""Expected pass@k when the success rate is :math:`p \sim \mathrm{Beta}(\nu_1, \nu_0)` (``a``, ``b``).

    .. math::

        \mathrm{pass}_{\mathcal D}@k = 1 - \mathbb E[(1-p)^k] = 1 - \frac{\mathrm{B}(\nu_1, \nu_0+k)}{\mathrm{B}(\nu_1, \nu_0)},

    computed as ``-expm1(log_beta_ratio(a, b, k))`` (:func:`log_beta_ratio`: accurate also for a huge
    :math:`\nu_0`, where pass@k is tiny).

    Parameters
    ----------
    a, b : float or array
        Beta shape parameters :math:`\nu_1, \nu_0`, ``> 0``.
    k : float or array
        Attempt budget, real ``k >= 0`` (``k = 0`` gives 0). Arguments broadcast.
    """
    a_, b_, k_ = _beta_args(a, b, k)
    return _scalar_or_array(v.finite_result(-np.expm1(_log_beta_ratio(a_, b_, k_)), "pass@k", a=a_, b=b_, k=k_))


def beta_neg_log_pass_at_k(a: Any, b: Any, k: Any) -> np.ndarray | float:
    r""":math:`-\log \mathrm{pass}_{\mathcal D}@k = -\log\big(1 - \mathrm{B}(\nu_1,\nu_0+k)/\mathrm{B}(\nu_1,\nu_0)\big)`, accurate when it is tiny.

    Same arguments as :func:`beta_pass_at_k`, with ``k > 0``.
    """
    a_, b_, k_ = _beta_args(a, b, k)
    if np.any(k_ <= 0):
        raise ValueError("k must be positive (allowed range: 0 < k < inf) for -log pass@k")
    logf = _log_beta_ratio(a_, b_, k_)
    return _scalar_or_array(v.finite_result(-np.log(-np.expm1(logf)), "-log pass@k", a=a_, b=b_, k=k_))


def beta_tail_asymptote(a: Any, b: Any, k: Any, scale: Any = 1.0) -> np.ndarray | float:
    r"""Large-``k`` asymptote of :math:`-\log\mathrm{pass}_{\mathcal D}@k` for a (scaled) Beta.

    For :math:`p = p_{\max}\,q`, :math:`q \sim \mathrm{Beta}(\nu_1, \nu_0)`, the density near 0 is
    :math:`f_0 p^{\nu_1-1}` with :math:`f_0 = p_{\max}^{-\nu_1}/\mathrm{B}(\nu_1, \nu_0)`, and (Schaeffer et al. 2025,
    Thm. 3.1)

    .. math::

        -\log \mathrm{pass}_{\mathcal D}@k \sim f_0\,\Gamma(\nu_1)\,k^{-\nu_1}
        = \frac{\Gamma(\nu_1+\nu_0)}{\Gamma(\nu_0)}\,(p_{\max} k)^{-\nu_1}.

    Parameters
    ----------
    a, b : float or array
        Beta shape parameters :math:`\nu_1, \nu_0`, ``> 0``.
    k : float or array
        Attempt budget, ``> 0``.
    scale : float
        Upper end :math:`p_{\max}` of the support, ``0 < scale <= 1``.
    """
    a_, b_ = v.positive("a", a), v.positive("b", b)
    k_ = v.positive("k", k)
    s = v.positive("scale", scale)
    if np.any(s > 1):
        raise ValueError(f"scale must lie in (0, 1]; got {scale!r}")
    a_, b_, k_, s = _broadcast(a=a_, b=b_, k=k_, scale=s)
    out = np.exp(special.gammaln(a_ + b_) - special.gammaln(b_) - a_ * np.log(s * k_))
    return _scalar_or_array(v.finite_result(out, "the asymptote", a=a_, b=b_, k=k_, scale=s))


def beta_binomial_loglik(a: Any, b: Any, n: Any, c: Any) -> np.ndarray | float:
    r"""Log-likelihood of counts ``c`` out of ``n`` when :math:`p \sim \mathrm{Beta}(\nu_1, \nu_0)` per problem.

    .. math::

        \Lambda(\nu_1, \nu_0) = \sum_i \Big[\log\binom{n_i}{c_i} + \log \mathrm{B}(c_i + \nu_1, n_i - c_i + \nu_0)
        - \log \mathrm{B}(\nu_1, \nu_0)\Big]

    (``a`` = :math:`\nu_1`, ``b`` = :math:`\nu_0`).

    ``a`` and ``b`` may be arrays of the same shape (a grid); the sum runs over the problems.
    """
    a_, b_ = _broadcast(a=v.positive("a", a), b=v.positive("b", b))
    n_, c_ = _problem_counts(n, c)
    const = np.sum(special.gammaln(n_ + 1) - special.gammaln(c_ + 1) - special.gammaln(n_ - c_ + 1))
    A, B = a_[..., None], b_[..., None]
    ll = np.sum(special.betaln(c_ + A, n_ - c_ + B), axis=-1) - n_.size * special.betaln(a_, b_)
    return _scalar_or_array(ll + const)


def _problem_counts(n: Any, c: Any) -> tuple[np.ndarray, np.ndarray]:
    n_, c_ = np.atleast_1d(_int_array("n", n)), np.atleast_1d(_int_array("c", c))
    if n_.ndim != 1 or c_.ndim != 1:
        raise ValueError("n and c must be 1-D (one entry per problem)")
    v.same_shape(n=n_, c=c_)
    if np.any(n_ < 1):
        raise ValueError(f"n must be >= 1 (allowed range: 1 <= n); got min {n_.min()}")
    if np.any((c_ < 0) | (c_ > n_)):
        raise ValueError("c (correct samples) must satisfy 0 <= c <= n for every problem")
    return n_.astype(float), c_.astype(float)


def fit_beta_by(samples: pd.DataFrame, by: str | Sequence[str] = "model") -> pd.DataFrame:
    r"""Fit a Beta distribution of success rates (:func:`fit_beta`) to every group of a tidy sample table.

    Parameters
    ----------
    samples : pandas.DataFrame
        One row per problem with integer columns ``n`` (samples drawn) and ``c`` (correct), e.g. from
        :func:`t2lib.data.load_pythia_samples`.
    by : str or list of str
        Grouping column(s), in order of first appearance.

    Returns
    -------
    pandas.DataFrame
        One row per group (indexed by ``by``) with columns ``alpha`` and ``beta``: the maximum-likelihood
        :math:`\mathrm{Beta}(\nu_1, \nu_0)` of that group's single-attempt success rates (``alpha`` = :math:`\nu_1`,
        ``beta`` = :math:`\nu_0`).
    """
    _check_samples(samples, by)
    return samples.groupby(by, sort=False)[["n", "c"]].apply(
        lambda g: pd.Series(fit_beta(g["n"], g["c"]), index=["alpha", "beta"]))  # one 2-parameter fit per group


def fit_beta(n: Any, c: Any, x0: tuple[float, float] = (0.5, 20.0)) -> tuple[float, float]:
    r"""Maximum-likelihood :math:`\mathrm{Beta}(\nu_1, \nu_0)` of the per-problem success rates from binomial counts.

    Each problem's count is :math:`c_i \sim \mathrm{Binomial}(n_i, p_i)` with
    :math:`p_i \sim \mathrm{Beta}(\nu_1, \nu_0)`, so :math:`c_i` is beta-binomial and the
    likelihood is exact (no discretisation, and problems with :math:`c_i = 0` carry
    the information about the mass near :math:`p = 0`):

    .. math::

        \Lambda(\nu_1, \nu_0) = \sum_i \big[\log \mathrm{B}(c_i + \nu_1, n_i - c_i + \nu_0)
        - \log \mathrm{B}(\nu_1, \nu_0)\big] + \text{const},

    .. math::

        \partial_{\nu_1} \Lambda = \sum_i\big[\psi(c_i+\nu_1) - \psi(n_i+\nu_1+\nu_0) - \psi(\nu_1) + \psi(\nu_1+\nu_0)\big],

        \partial_{\nu_0} \Lambda = \sum_i\big[\psi(n_i-c_i+\nu_0) - \psi(n_i+\nu_1+\nu_0) - \psi(\nu_0) + \psi(\nu_1+\nu_0)\big].

    Maximised over :math:`(\log \nu_1, \log \nu_0)` by a trust-region Newton method with the analytic
    gradient and Hessian (trigamma :math:`\psi_1`).

    Parameters
    ----------
    n, c : 1-D arrays of int, same length
        Samples drawn (``>= 1``) and correct samples (``0 <= c <= n``) per problem.
        At least one problem must have ``c > 0`` and one ``c < n``.
    x0 : (float, float)
        Starting point :math:`(\nu_1, \nu_0)`, both ``> 0``.

    Returns
    -------
    (a, b) : tuple of float
        :math:`(\nu_1, \nu_0)`.
    """
    n_, c_ = _problem_counts(n, c)
    if not np.any(c_ > 0) or not np.any(c_ < n_):
        raise ValueError("c must contain at least one problem with c > 0 and one with c < n (else the MLE is at the boundary)")
    x0_ = v.positive("x0", x0)
    if x0_.shape != (2,):
        raise ValueError(f"x0 must be a pair (a, b); got shape {x0_.shape}")
    P = n_.size

    # Objective: minus the mean log-likelihood per problem, over theta = (log a, log b).
    def negll(theta: np.ndarray) -> float:
        a, b = np.exp(theta)
        return -(np.mean(special.betaln(c_ + a, n_ - c_ + b)) - special.betaln(a, b))

    def grad_ab(a: float, b: float) -> np.ndarray:
        dab, pab = special.digamma(n_ + a + b), special.digamma(a + b)
        ga = np.mean(special.digamma(c_ + a) - dab) - special.digamma(a) + pab
        gb = np.mean(special.digamma(n_ - c_ + b) - dab) - special.digamma(b) + pab
        return np.array([ga, gb])

    def jac(theta: np.ndarray) -> np.ndarray:
        x = np.exp(theta)
        return -grad_ab(*x) * x

    def hess(theta: np.ndarray) -> np.ndarray:
        x = np.exp(theta)
        a, b = x
        tab, qab = special.polygamma(1, n_ + a + b), special.polygamma(1, a + b)
        haa = np.mean(special.polygamma(1, c_ + a) - tab) - special.polygamma(1, a) + qab
        hbb = np.mean(special.polygamma(1, n_ - c_ + b) - tab) - special.polygamma(1, b) + qab
        hab = -np.mean(tab) + qab
        h = np.outer(x, x) * np.array([[haa, hab], [hab, hbb]]) + np.diag(x * grad_ab(a, b))
        return -h

    res = optimize.minimize(negll, np.log(x0_), jac=jac, hess=hess, method="trust-exact", options={"gtol": 1e-9})
    # log B(c + a, n - c + b) carries an absolute rounding error ~ eps * n log n, so near the
    # optimum the objective is noisy while the digamma gradient stays accurate: polish by
    # solving grad = 0 with Newton's method, then check that it is a maximum.
    root = optimize.root(jac, res.x, jac=hess, method="hybr", options={"xtol": 1e-13})
    theta = root.x if np.all(np.abs(jac(root.x)) <= np.abs(jac(res.x))) else res.x
    if not (np.all(np.abs(jac(theta)) < 1e-9) and np.all(np.linalg.eigvalsh(hess(theta)) > 0)):
        raise RuntimeError(f"fit_beta did not converge (gradient {jac(theta)}): {res.message}")
    res.x = theta
    a, b = np.exp(res.x)
    return float(a), float(b)
