"""Tests of t2lib.passk: the Chen et al. (2021) estimator, the Beta model and the pass@k reproductions."""
from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

from t2lib import passk
from t2lib.data import load_pythia_samples

# Brown et al. (2024) fit their power law on ~40 log-spaced k in [1, 10^4] (App. C.1); chapter 6 uses the same grid.
K_FIT = passk.log_spaced_k(10_000, 40)


# --------------------------------------------------------------------------- estimator: exactness
def _brute_force(n: int, c: int, k: int) -> Fraction:
    """Fraction of the k-subsets of n samples (the first c correct) that contain a correct one."""
    subsets = list(itertools.combinations(range(n), k))
    return Fraction(sum(min(s) < c for s in subsets), len(subsets))


def test_pass_at_k_equals_brute_force_enumeration_small_n():
    rows = [(n, c, k) for n in range(1, 9) for c in range(n + 1) for k in range(1, n + 1)]
    n, c, k = map(np.array, zip(*rows))
    got = passk.pass_at_k(n, c, k)
    want = np.array([float(_brute_force(*r)) for r in rows])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-15)


def test_pass_at_k_equals_exact_rational_binomial_ratio():
    rows = [(n, c, k) for n in (10, 37, 60, 200) for c in range(0, n + 1, max(1, n // 12)) for k in range(1, n + 1, max(1, n // 15))]
    n, c, k = map(np.array, zip(*rows))
    got = passk.pass_at_k(n, c, k)
    want = np.array([float(1 - Fraction(math.comb(a - b, d), math.comb(a, d))) for a, b, d in rows])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-14)


@pytest.mark.parametrize(
    "n,c,k",
    [(10**5, 300, 400), (10**5, 33, 3_000), (10**6, 40, 20_000), (10**6, 1_500, 1_500), (10**6, 1, 999_000), (10**6, 64, 30_000)],
)
def test_pass_at_k_large_n_against_exact_integer_binomials(n, c, k):
    want = 1.0 - math.comb(n - c, k) / math.comb(n, k)  # int / int is correctly rounded
    assert abs(passk.pass_at_k(n, c, k) - want) < 1e-10


def test_pass_at_k_accurate_to_1e10_up_to_n_1e6_against_exact_sum_of_log1p():
    """Random (n, c, k), n log-uniform up to 1e6; reference: fsum of log(1 - k/i) (exact summation)."""
    rng = np.random.default_rng(7)
    n = np.round(10 ** rng.uniform(0.5, 6, 300)).astype(int)
    c = np.minimum(n, np.round(10 ** rng.uniform(0, np.log10(n + 1)))).astype(int)
    k = np.clip(np.round(10 ** rng.uniform(0, np.log10(n + 1))), 1, n).astype(int)
    want = np.array(
        [
            1.0 if a - b < d else -math.expm1(math.fsum(np.log1p(-d / np.arange(a - b + 1, a + 1, dtype=float))))
            for a, b, d in zip(n, c, k)
        ]
    )
    got = passk.pass_at_k(n, c, k)
    assert np.max(np.abs(got - want)) < 1e-10


def test_naive_gammaln_form_is_too_lossy_which_is_why_pass_at_k_avoids_it():
    n, c, k = 10**6, 40, 20_000
    want = 1.0 - math.comb(n - c, k) / math.comb(n, k)
    g = special.gammaln
    naive = -math.expm1(g(n - c + 1) + g(n - k + 1) - g(n + 1) - g(n - c - k + 1))
    assert abs(naive - want) > 1e-10 > abs(passk.pass_at_k(n, c, k) - want)


def test_pass_at_k_special_values_and_shapes():
    n = 50
    c = np.arange(n + 1)
    np.testing.assert_allclose(passk.pass_at_k(n, c, 1), c / n, rtol=0, atol=1e-15)  # pass@1 = c/n
    np.testing.assert_array_equal(passk.pass_at_k(n, c, n), (c > 0).astype(float))  # pass@n = 1[c > 0]
    assert passk.pass_at_k(n, 0, 7) == 0.0
    assert passk.pass_at_k(10, 5, 6) == 1.0  # n - c < k
    assert isinstance(passk.pass_at_k(10, 2, 3), float)
    assert passk.pass_at_k(np.full((3, 1), 100), np.arange(4)[None, :], 5).shape == (3, 4)
    assert passk.pass_at_k(100.0, 3.0, 5.0) == passk.pass_at_k(100, 3, 5)  # whole-number floats accepted


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10**6).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1), st.integers(1, n - 1) if n > 1 else st.just(1))))
def test_pass_at_k_in_unit_interval_and_monotone(args):
    n, c, k = args
    p = passk.pass_at_k(n, c, k)
    assert 0.0 <= p <= 1.0
    assert passk.pass_at_k(n, c + 1, k) >= p - 1e-15  # more correct samples never hurt
    if k < n:
        assert passk.pass_at_k(n, c, k + 1) >= p - 1e-15  # more attempts never hurt


@pytest.mark.parametrize(
    "kwargs,name",
    [
        (dict(n=10, c=11, k=1), "c"),
        (dict(n=10, c=-1, k=1), "c"),
        (dict(n=10, c=2, k=11), "k"),
        (dict(n=10, c=2, k=0), "k"),
        (dict(n=10, c=2.5, k=1), "c"),
        (dict(n=10.5, c=2, k=1), "n"),
        (dict(n=np.nan, c=2, k=1), "n"),
        (dict(n="10", c=2, k=1), "n"),
        (dict(n=[10, 10], c=[1, 2, 3], k=1), "broadcast"),
    ],
)
def test_pass_at_k_rejects_bad_input_naming_the_argument(kwargs, name):
    with pytest.raises(ValueError, match=name):
        passk.pass_at_k(**kwargs)


# --------------------------------------------------------------------------- bias of the plug-in
def test_unbiased_estimator_expectation_is_exactly_one_minus_one_minus_p_to_the_k():
    """Chen et al. (2021), Sec. 2.1: E_c[1 - C(n-c,k)/C(n,k)] = 1 - (1-p)^k for c ~ Binomial(n, p)."""
    n = 40
    p = np.linspace(0.0, 1.0, 21)
    cs = np.arange(n + 1)
    for k in (1, 3, 10, 40):
        est = passk.pass_at_k(n, cs, k)
        mean = stats.binom.pmf(cs[None, :], n, p[:, None]) @ est
        np.testing.assert_allclose(mean, 1 - (1 - p) ** k, rtol=0, atol=1e-13)


def test_plugin_estimator_underestimates_and_simulation_matches_exact_bias():
    """Chen et al. (2021), App. A: 1 - (1 - c/n)^k is biased (downwards, by Jensen)."""
    n, k = 100, 10
    p = np.array([0.01, 0.05, 0.1, 0.3])
    exact_plugin = passk.expected_plugin_pass_at_k(p, n, k)
    truth = 1 - (1 - p) ** k
    assert np.all(exact_plugin < truth)
    np.testing.assert_allclose(passk.expected_plugin_pass_at_k(p, n, 1), p, atol=1e-14)  # k = 1: unbiased
    unb, plug = passk.simulate_estimates(p, n, k, trials=20_000, seed=3)
    se = np.maximum(unb.std(axis=0), plug.std(axis=0)) / np.sqrt(len(unb))
    assert np.all(np.abs(unb.mean(axis=0) - truth) < 4 * se)
    assert np.all(np.abs(plug.mean(axis=0) - exact_plugin) < 4 * se)
    assert np.all(plug.mean(axis=0) - truth < -4 * se)  # the bias is detected by the simulation


def test_simulate_estimates_is_seeded():
    a = passk.simulate_estimates([0.1, 0.2], 50, 5, trials=10, seed=1)
    b = passk.simulate_estimates([0.1, 0.2], 50, 5, trials=10, seed=1)
    np.testing.assert_array_equal(a[0], b[0])
    with pytest.raises(ValueError, match="p"):
        passk.simulate_estimates(1.5, 50, 5, trials=10)
    with pytest.raises(ValueError, match="trials"):
        passk.simulate_estimates(0.5, 50, 5, trials=0)


# --------------------------------------------------------------------------- Beta model
@pytest.mark.parametrize("a,b,k", [(0.3, 2.0, 1.0), (0.3, 2.0, 50.0), (2.0, 5.0, 3.5), (0.05, 100.0, 1e4)])
def test_beta_pass_at_k_against_quadrature(a, b, k):
    f = lambda p: (1 - p) ** k * stats.beta.pdf(p, a, b)  # noqa: E731
    # split the integrand at small p where its mass (and its p^(a-1) singularity) sits
    edges = [0.0, 1e-8, 1e-6, 1e-4, 1e-2, 1.0]
    fail = sum(integrate.quad(f, lo, hi, epsabs=1e-14, epsrel=1e-12, limit=200)[0] for lo, hi in zip(edges, edges[1:]))
    assert abs(passk.beta_pass_at_k(a, b, k) - (1 - fail)) < 1e-9


def test_beta_pass_at_k_against_monte_carlo():
    rng = np.random.default_rng(11)
    a, b = 0.4, 8.0
    p = rng.beta(a, b, size=400_000)
    k = np.array([1, 10, 100, 1000])
    mc = 1 - np.mean((1 - p[:, None]) ** k, axis=0)
    se = np.std((1 - p[:, None]) ** k, axis=0) / np.sqrt(p.size)
    assert np.all(np.abs(passk.beta_pass_at_k(a, b, k) - mc) < 4 * se)


def test_beta_pass_at_k_special_values_and_errors():
    assert passk.beta_pass_at_k(0.5, 2.0, 0.0) == 0.0
    np.testing.assert_allclose(passk.beta_pass_at_k(2.0, 3.0, 1.0), 2 / 5)  # pass@1 = mean of Beta
    k = np.arange(1, 50)
    np.testing.assert_allclose(passk.beta_pass_at_k(1.0, 1.0, k), k / (k + 1), rtol=1e-13)  # uniform p
    for kwargs, name in [(dict(a=0, b=1, k=1), "a"), (dict(a=1, b=-1, k=1), "b"), (dict(a=1, b=1, k=-1), "k")]:
        with pytest.raises(ValueError, match=name):
            passk.beta_pass_at_k(**kwargs)


def test_beta_tail_asymptote_schaeffer2025_theorem_3_1():
    """Schaeffer et al. (2025), Thm. 3.1: -log pass_D@k ~ Gamma(a+b)/Gamma(b) k^-a for Beta(a, b)."""
    a, b = 0.3, 2.0
    k = np.array([1e2, 1e4, 1e6, 1e8, 1e12])
    asym = passk.beta_tail_asymptote(a, b, k)
    ratio = passk.beta_neg_log_pass_at_k(a, b, k) / asym
    assert np.all(np.diff(np.abs(ratio - 1)) < 0)  # converges monotonically here
    # -log(1 - E) = E + E^2/2 + ..., so the relative gap is about E/2 (slow: E ~ k^-0.3)
    assert np.all(np.abs(ratio - 1) < asym)
    assert abs(ratio[-1] - 1) < 1e-3
    # E[(1-p)^k] = B(a, b+k)/B(a, b) itself: relative gap to the asymptote is O(1/k)
    fail = np.exp(special.betaln(a, b + k) - special.betaln(a, b))
    assert np.all(np.abs(fail / passk.beta_tail_asymptote(a, b, k) - 1) < 2 * (a + b) ** 2 / k)


def test_scaled_beta_asymptote_against_quadrature():
    """p = s q, q ~ Beta(a, b): -log pass_D@k ~ Gamma(a+b)/Gamma(b) (s k)^-a."""
    a, b, s = 0.3, 3.0, 0.1
    gaps = []
    for k in (1e5, 1e7, 1e9):
        # substitute u = q^a: q^(a-1) dq = du / a removes the singularity at q = 0
        f = lambda u: np.exp(k * np.log1p(-s * u ** (1 / a))) * (1 - u ** (1 / a)) ** (b - 1) / (a * special.beta(a, b))  # noqa: E731
        u_scale = (1 / (s * k)) ** a  # (1 - s q)^k has decayed by e at q = 1/(s k)
        edges = [0.0, *(u_scale * np.array([0.3, 1.0, 3.0, 10.0])), 1.0]
        fail = sum(integrate.quad(f, lo, hi, epsabs=1e-12, epsrel=1e-9, limit=200)[0] for lo, hi in zip(edges, edges[1:]))
        gaps.append(abs(-np.log1p(-fail) / passk.beta_tail_asymptote(a, b, k, scale=s) - 1))
    assert np.all(np.diff(gaps) < 0) and gaps[-1] < 5e-3


def test_fit_beta_recovers_parameters_of_synthetic_beta_binomial_counts():
    rng = np.random.default_rng(5)
    a, b, P = 0.3, 12.0, 3000
    n = rng.choice([500, 2000, 10_000], size=P)
    c = rng.binomial(n, rng.beta(a, b, size=P))
    ah, bh = passk.fit_beta(n, c)
    assert abs(ah / a - 1) < 0.08 and abs(bh / b - 1) < 0.25
    # it is the maximum of the log-likelihood
    ll = passk.beta_binomial_loglik(ah, bh, n, c)
    for da, db in [(1.01, 1), (0.99, 1), (1, 1.01), (1, 0.99)]:
        assert passk.beta_binomial_loglik(ah * da, bh * db, n, c) < ll


def test_beta_binomial_loglik_is_a_normalised_pmf():
    n = 30
    cs = np.arange(n + 1)
    pmf = [np.exp(passk.beta_binomial_loglik(0.7, 2.5, [n], [c])) for c in cs]
    np.testing.assert_allclose(pmf, stats.betabinom.pmf(cs, n, 0.7, 2.5), rtol=1e-12)


def test_fit_beta_rejects_bad_input():
    with pytest.raises(ValueError, match="c"):
        passk.fit_beta([10, 10], [0, 0])
    with pytest.raises(ValueError, match="c"):
        passk.fit_beta([10, 10], [3, 11])
    with pytest.raises(ValueError, match="shape"):
        passk.fit_beta([10, 10], [3])


def test_fit_coverage_power_law_recovers_exact_parameters():
    k = K_FIT.astype(float)
    cov = np.vstack([passk.coverage_power_law(k, -4.0, -0.35), passk.coverage_power_law(k, -7.5, -0.18)])
    a, b = passk.fit_coverage_power_law(k, cov)
    np.testing.assert_allclose(a, [-4.0, -7.5], rtol=1e-9)
    np.testing.assert_allclose(b, [-0.35, -0.18], rtol=1e-9)
    with pytest.raises(ValueError, match="coverage"):
        passk.fit_coverage_power_law(k, np.ones_like(k))


# --------------------------------------------------------------------------- reproductions
@pytest.fixture(scope="module")
def math_samples():
    return load_pythia_samples("MATH")


@pytest.fixture(scope="module")
def math_coverage(math_samples):
    return passk.coverage_table(math_samples, K_FIT)


def test_brown2024_constants_hold_printed_values_of_models_in_the_data(math_samples):
    """Brown et al. (2024), Fig. 5 and Sec. 3: the constants (typed once, in t2lib.passk) name models of the data
    and hold values at the printed precision (two decimals for (a, b), whole hundredths of a percent / percent)."""
    models = set(math_samples["model"])
    assert set(passk.BROWN_2024_FIG5) <= models
    for a, b in passk.BROWN_2024_FIG5.values():
        assert a < 0 and b < 0 and round(a, 2) == a and round(b, 2) == b
    pub = passk.BROWN_2024_PYTHIA160M_MATH
    assert set(pub) == {1, 10_000} and "Pythia-160M" in models
    assert abs(1e4 * pub[1] - round(1e4 * pub[1])) < 1e-9 and abs(100 * pub[10_000] - round(100 * pub[10_000])) < 1e-9


def test_brown2024_sec3_pythia160m_math_coverage_from_0p27pct_at_k1_to_57pct_at_k10000(math_coverage):
    """Brown et al. (2024), Sec. 3: "Pythia-160M ... from a pass@1 of 0.27% to a pass@10k of 57%" (rounded)."""
    row = math_coverage.loc["Pythia-160M"]
    pub = passk.BROWN_2024_PYTHIA160M_MATH
    assert abs(row[1] - pub[1]) < 0.00005
    assert abs(row[10_000] - pub[10_000]) < 0.005


@pytest.fixture(scope="module")
def math_power_law(math_coverage):
    return passk.fit_coverage_power_law_table(math_coverage)


@pytest.mark.parametrize("model,a_pub,b_pub", [(m, *ab) for m, ab in passk.BROWN_2024_FIG5.items()])
def test_brown2024_fig5_pythia_math_power_law_fit(math_power_law, model, a_pub, b_pub):
    """Brown et al. (2024), Fig. 5 panel titles: log c = a k^b; tolerance 0.1 in a, 0.01 in b.

    Our k grid (40 log-spaced integers in [1, 1e4]) follows the paper's App. C.1 description;
    the exact grid is not published, which moves a by a few hundredths.
    """
    a, b = math_power_law.loc[model, ["a", "b"]]
    assert abs(a - a_pub) < 0.1
    assert abs(b - b_pub) < 0.01


def test_schaeffer2025_fig6_beta_mle_and_least_squares_exponents_agree(math_samples, math_coverage, math_power_law):
    """Schaeffer et al. (2025), Fig. 6: the distributional (Beta MLE) fit and least squares agree on
    real Pythia-MATH data. Power-law exponent of the Beta-predicted curve vs the direct fit, same k window."""
    beta_cov = passk.beta_coverage_table(passk.fit_beta_by(math_samples), K_FIT)
    b_beta = passk.fit_coverage_power_law_table(beta_cov)["b"]
    assert (np.abs(b_beta - math_power_law["b"]) < 0.015).all(), b_beta - math_power_law["b"]
    # the Beta curve tracks the empirical coverage everywhere in the window
    assert (np.abs(beta_cov - math_coverage).max(axis=1) < 0.03).all()


def test_coverage_curve_matches_coverage_table(math_samples, math_coverage):
    g = math_samples[math_samples["model"] == "Pythia-1B"]
    np.testing.assert_allclose(passk.coverage_curve(g["n"], g["c"], K_FIT), math_coverage.loc["Pythia-1B"].to_numpy())
    with pytest.raises(ValueError, match="k"):
        passk.coverage_curve(g["n"], g["c"], [20_000])


def test_fit_beta_by_equals_per_group_fit_beta(math_samples):
    fits = passk.fit_beta_by(math_samples)
    g = math_samples[math_samples["model"] == "Pythia-1B"]
    assert tuple(fits.loc["Pythia-1B"]) == passk.fit_beta(g["n"], g["c"])
    with pytest.raises(ValueError, match="samples is missing the columns"):
        passk.fit_beta_by(math_samples.drop(columns="c"))


def test_log_spaced_k_grid():
    k = passk.log_spaced_k(10_000, 40)
    assert k[0] == 1 and k[-1] == 10_000 and np.all(np.diff(k) > 0) and k.dtype == np.int64
    assert len(k) == 37  # three duplicates removed at small k
    np.testing.assert_array_equal(passk.log_spaced_k(5, 40), [1, 2, 3, 4, 5])
    for kwargs, name in [(dict(k_max=0, points=5), "k_max"), (dict(k_max=10, points=1), "points"),
                         (dict(k_max=2.5, points=5), "k_max")]:
        with pytest.raises(ValueError, match=name):
            passk.log_spaced_k(**kwargs)


def test_table_helpers_equal_their_per_row_counterparts(math_samples, math_coverage, math_power_law):
    row = math_coverage.loc["Pythia-1B"].to_numpy()
    a, b = passk.fit_coverage_power_law(K_FIT, row)
    assert tuple(math_power_law.loc["Pythia-1B", ["a", "b"]]) == (a, b)
    assert math_power_law.loc["Pythia-1B", "max_abs_residual"] == np.max(np.abs(row - passk.coverage_power_law(K_FIT, a, b)))
    fits = passk.fit_beta_by(math_samples)
    table = passk.beta_coverage_table(fits, K_FIT)
    assert list(table.columns) == list(K_FIT) and list(table.index) == list(fits.index)
    al, be = fits.loc["Pythia-1B"]
    np.testing.assert_array_equal(table.loc["Pythia-1B"], passk.beta_pass_at_k(al, be, K_FIT))
    with pytest.raises(ValueError, match="fits is missing the columns"):
        passk.beta_coverage_table(fits.drop(columns="beta"), K_FIT)
    with pytest.raises(ValueError, match="k"):
        passk.beta_coverage_table(fits, [-1.0])
    with pytest.raises(ValueError, match="coverage"):
        passk.fit_coverage_power_law_table(math_coverage.set_axis([f"k{j}" for j in K_FIT], axis=1))


def test_coverage_power_law_samples_inverts_the_power_law():
    """k = (log t / a)^(1/b) is the inverse of exp(a k^b) (chapter 6 uses it to compare model sizes in samples)."""
    a, b = np.array([-7.6, -3.9]), np.array([-0.18, -0.35])
    k = np.array([[3.0], [250.0], [9000.0]])
    t = passk.coverage_power_law(k, a, b)
    np.testing.assert_allclose(passk.coverage_power_law_samples(t, a, b), np.broadcast_to(k, t.shape), rtol=1e-10)
    for bad in [dict(coverage=1.0, a=-1.0, b=-0.3), dict(coverage=0.5, a=1.0, b=-0.3), dict(coverage=0.5, a=-1.0, b=0.0),
                dict(coverage=1 - 1e-15, a=-10.0, b=-1e-3)]:
        with pytest.raises(ValueError, match="coverage|a and b"):
            passk.coverage_power_law_samples(**bad)


def test_pythia_math_exponents_differ_twofold_so_no_constant_factor_in_samples(math_power_law):
    """Chapter 6: the fitted exponents xi = -b run from about 0.18 (70M) to 0.35 (12B), so the samples a small model
    needs to match a large one grow with the coverage asked for (Pythia-160M vs 12B: ~10x at 10%, ~29x at 50%)."""
    xi = -math_power_law["b"]
    assert xi.max() / xi.min() > 1.8 and xi.idxmin() == "Pythia-70M" and xi.idxmax() == "Pythia-12B"
    levels = np.array([0.1, 0.3, 0.5])
    small, large = (passk.coverage_power_law_samples(levels, *math_power_law.loc[m, ["a", "b"]])
                    for m in ("Pythia-160M", "Pythia-12B"))
    factor = small / large
    assert np.all(np.diff(factor) > 0) and factor[-1] > 2.5 * factor[0]


# ----------------------------------------------------------------------------- ln B(a, b+k)/B(a, b) without cancellation
def _exact_pass(a: float, b: float, k: int) -> float:
    """1 - B(a, b+k)/B(a, b) = 1 - prod_{j<k} (b+j)/(a+b+j), in exact rational arithmetic (integer k)."""
    from fractions import Fraction

    a_, b_, r = Fraction(a), Fraction(b), Fraction(1)
    for j in range(k):
        r *= (b_ + j) / (a_ + b_ + j)
    return float(1 - r)


def test_beta_pass_at_k_matches_exact_arithmetic_from_tiny_to_huge_shapes():
    """Within 1e-11 relative of the exact value over 15 orders of magnitude of a and b — where the plain
    betaln difference is off by up to 10^6 relative and can go negative."""
    from scipy import special

    a_vals = [1e-6, 1e-3, 0.05, 0.5, 1.0, 3.0, 50.0, 1e3, 1e6, 1e9, 1e12]
    b_vals = [1e-3, 0.05, 0.7, 1.0, 3.0, 19.5, 20.0, 30.0, 101.0, 1e3, 1e6, 1e9, 1e12, 1e15]
    A, B, K = (x.ravel() for x in np.meshgrid(a_vals, b_vals, [1, 2, 7, 50, 200], indexing="ij"))
    exact = np.array([_exact_pass(a, b, int(k)) for a, b, k in zip(A, B, K)])
    ours = passk.beta_pass_at_k(A, B, K)
    assert np.max(np.abs(ours - exact) / exact) < 1e-11
    naive = -np.expm1(special.betaln(A, B + K) - special.betaln(A, B))
    assert np.max(np.abs(naive - exact) / exact) > 1e-3  # the trap is real: the check above can fail
    assert np.all(ours > 0)


@settings(max_examples=200, deadline=None)
@given(st.floats(1e-4, 1e8), st.floats(1e-3, 1e14), st.floats(1e-3, 1e4), st.floats(1.0001, 10.0))
def test_log_beta_ratio_is_negative_decreasing_in_k_and_symmetric(a, b, k, f):
    r1, r2 = passk.log_beta_ratio(a, b, k), passk.log_beta_ratio(a, b, k * f)
    assert r2 < r1 < 0
    assert passk.log_beta_ratio(k, b, a) == pytest.approx(r1, rel=1e-10)  # B(a,b+k)B(k,b) = B(k,b+a)B(a,b)
    assert passk.log_beta_ratio(a, b, 0.0) == 0.0


def test_log_beta_ratio_does_not_depend_on_how_the_arguments_are_batched():
    """Element by element the same bits whether evaluated alone, in blocks or all at once (no BLAS reductions)."""
    rng = np.random.default_rng(1)
    a, b, k = 10 ** rng.uniform(-3, 6, 700), 10 ** rng.uniform(-2, 12, 700), 10 ** rng.uniform(-1, 4, 700)
    full = passk.log_beta_ratio(a, b, k)
    blocks = np.concatenate([passk.log_beta_ratio(a[i:i + 7], b[i:i + 7], k[i:i + 7]) for i in range(0, 700, 7)])
    alone = np.array([passk.log_beta_ratio(a[i], b[i], k[i]) for i in range(0, 700, 35)])
    assert np.array_equal(full, blocks) and np.array_equal(full[::35], alone)


@pytest.mark.parametrize("a, b, k, expected", [
    (1e-300, 1e-300, 1e15, -np.log(2.0)),  # Beta(eps, eps): half the mass at p = 0, half at p = 1
    (1e-8, 1e-8, 1e308, -np.log(2.0) - 1e-8 * np.log(1e308)),  # ~ ln(k^-a / 2), to O(a)
    (0.5, 0.5, 1e308, 0.5723649429247001 - 0.5 * np.log(1e308) - np.log(np.pi)),  # ln G(1/2) - ln k/2 - ln B(1/2,1/2)
    (1e-8, 0.5, 1e5, -1e-8 * (11.512925464974396 + 1.9635100260214235)),  # -a (psi(b + k) - psi(b)), to O(a)
])
def test_log_beta_ratio_at_extreme_shapes(a, b, k, expected):
    assert passk.log_beta_ratio(a, b, k) == pytest.approx(expected, rel=1e-7)
