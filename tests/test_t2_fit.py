"""Tests of t2lib.t2.fit: parameter recovery, bootstrap coverage, bounds, baselines, input validation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from t2lib.t2 import T2Law
from t2lib.t2.fit import (PARAM_NAMES, fit_chinchilla_sse, fit_t2, least_squares_batched,
                          nearest_checkpoint_baseline, prediction_errors)

TRUE = T2Law(E=0.3, A=400.0, B=2000.0, alpha=0.35, beta=0.3, G=3.0, gamma=0.4)


def _grid_table(law: T2Law, noise: float = 0.0, seed: int = 0) -> pd.DataFrame:
    N, D, k = np.meshgrid(np.logspace(7, 10, 7), np.logspace(9, 11.5, 6), 2.0 ** np.arange(8), indexing="ij")
    N, D, k = N.ravel(), D.ravel(), k.ravel()
    y = law.loss(N, D, k) + noise * np.random.default_rng(seed).standard_normal(N.size)
    return pd.DataFrame({"model": "sim", "N": N, "D": D, "k": k, "target": y})


def test_recovers_a_known_law_from_exact_data():
    fit = fit_t2(_grid_table(TRUE), n_starts=64)
    for name, want in TRUE.as_dict().items():
        assert getattr(fit.law, name) == pytest.approx(want, rel=1e-5), name
    assert fit.objective < 1e-12 and fit.at_bounds == () and not fit.degenerate and fit.converged


def test_recovers_a_known_law_from_noisy_data_and_the_90pc_band_covers_the_truth():
    """Noise sd 0.02 nats on 336 points: exponents within 10%, N*, D*, k* within their 90% bootstrap bands."""
    table = _grid_table(TRUE, noise=0.02, seed=1)
    fit = fit_t2(table, n_starts=64)
    for name in ("alpha", "beta", "gamma", "G"):
        assert getattr(fit.law, name) == pytest.approx(getattr(TRUE, name), rel=0.1), name
    boot = fit.bootstrap(n_resamples=200, seed=2)
    assert boot.converged.mean() > 0.95
    ivl = boot.interval(0.9)
    for name in ("alpha", "beta", "gamma", "G"):
        lo, hi = ivl[name]
        assert lo <= getattr(TRUE, name) <= hi, name
    C_train, C_inf = np.array([1e19, 1e20]), 2e9
    bands = boot.bands(C_train, C_inf, level=0.9)
    truth = TRUE.optimal(C_train, C_inf)
    for name, t in zip("NDk", truth):
        lo, hi = bands[name]
        assert np.all((lo <= t) & (t <= hi)), name
    # same seed, same numbers
    assert np.array_equal(fit.bootstrap(n_resamples=200, seed=2).theta, boot.theta)


def test_parameter_at_its_bound_is_reported():
    law = T2Law(E=0.0, A=400.0, B=2000.0, alpha=0.35, beta=0.3, G=3.0, gamma=0.4)
    table = _grid_table(law, noise=0.02, seed=3)
    fit = fit_t2(table.assign(target=table.target - 0.1), n_starts=64)  # the best E would be negative
    assert "E" in fit.at_bounds and fit.law.E == 0.0 and not fit.degenerate
    tight = fit_t2(_grid_table(TRUE), n_starts=32, bounds={"beta": (0.01, 0.25)})
    assert "beta" in tight.at_bounds and tight.degenerate and tight.law.beta == pytest.approx(0.25)


def test_the_fit_is_deterministic_and_the_starts_agree():
    table = _grid_table(TRUE, noise=0.02, seed=4)
    a, b = fit_t2(table, n_starts=48, seed=5), fit_t2(table, n_starts=48, seed=5)
    assert np.array_equal(a.theta, b.theta) and a.objective == b.objective
    assert a.n_near_best >= 10


def test_batched_solver_rows_are_independent():
    """Solving two starts together gives the same result as solving each alone (no coupling between rows)."""
    t = _grid_table(TRUE, noise=0.02, seed=6)
    from t2lib.t2.fit import _a1_resid_jac, _bounds

    lN, lD, lk = (np.log(t[c].to_numpy()) for c in ("N", "D", "k"))
    fun = _a1_resid_jac(lN, lD, lk, t.target.to_numpy())
    lo, hi = _bounds(None, t.target.min())
    x0 = np.array([[0.1, 5.0, 7.0, 0.3, 0.3, 1.0, 0.3], [0.2, 8.0, 4.0, 0.5, 0.2, 5.0, 0.6]])
    both = least_squares_batched(fun, x0, lo, hi)
    for i in range(2):
        one = least_squares_batched(lambda x, rows, jac=True: fun(x, rows, jac), x0[i:i + 1], lo, hi)
        assert np.allclose(one.x[0], both.x[i], rtol=1e-10, atol=1e-12)


def test_stage1_chinchilla_fit_recovers_the_k1_law():
    t = _grid_table(TRUE)
    fit = fit_chinchilla_sse(t, n_starts=32)
    want = TRUE.chinchilla
    got = fit.law.chinchilla
    for name in ("E", "A", "B", "alpha", "beta"):
        assert getattr(got, name) == pytest.approx(getattr(want, name), rel=1e-5), name


def test_problem_bootstrap_on_toy_samples():
    """With samples, the bootstrap resamples problems and refits; every resample converges."""
    rng = np.random.default_rng(0)
    rows = []
    for N in np.logspace(7, 10, 4):
        for D in np.logspace(9, 11, 3):
            p = rng.beta(0.3, 0.3 * (1 / TRUE.chinchilla.loss(N, D) * 30), size=64)
            rows.append(pd.DataFrame({"model": f"m{N:.0e}", "N": N, "D": D, "problem": np.arange(64), "n": 256,
                                      "c": rng.binomial(256, p)}))
    s = pd.concat(rows, ignore_index=True)
    from t2lib.t2.targets import passk_targets

    t = passk_targets(s, [1, 2, 4, 8, 16, 32, 64, 128])
    fit = fit_t2(t, n_starts=32)
    boot = fit.bootstrap(s, n_resamples=50, seed=0)
    assert boot.theta.shape == (50, 7) and boot.converged.mean() > 0.9
    assert np.all(np.isfinite(boot.objective))


def test_nearest_checkpoint_baseline():
    train = pd.DataFrame({"N": [1e8, 1e8, 1e9, 1e9], "D": [1e10, 1e11, 1e10, 1e11], "k": [1, 1, 1, 1],
                          "target": [5.0, 4.0, 3.0, 2.0]})
    test = pd.DataFrame({"N": [1e10, 1e9, 1e8], "D": [1e11, 3e11, 1.1e10], "k": [1, 1, 1]})
    assert nearest_checkpoint_baseline(train, test).tolist() == [2.0, 2.0, 5.0]
    with pytest.raises(ValueError, match="every k"):
        nearest_checkpoint_baseline(train, test.assign(k=2))


def test_prediction_errors():
    e = prediction_errors([1.1, 1.8], [1.0, 2.0])
    assert e["relative"] == pytest.approx(0.1) and e["absolute"] == pytest.approx(0.15)
    assert e["bias"] == pytest.approx(-0.05)
    with pytest.raises(ValueError, match="obs"):
        prediction_errors([1.0], [0.0])


@pytest.mark.parametrize("bad, match", [
    (pd.DataFrame(columns=["N", "D", "k", "target"]), "must not be empty"),
    (_grid_table(TRUE).drop(columns="k"), "missing \\['k'\\]"),
    (_grid_table(TRUE).assign(target=np.nan), "target"),
    (_grid_table(TRUE).assign(N=-1.0), "N"),
    (_grid_table(TRUE).iloc[:5], "at least 8"),
    ("table", "DataFrame"),
])
def test_bad_tables_are_rejected(bad, match):
    with pytest.raises(ValueError, match=match):
        fit_t2(bad)


def test_bad_options_are_rejected():
    t = _grid_table(TRUE)
    with pytest.raises(ValueError, match="weights"):
        fit_t2(t, weights=-np.ones(len(t)))
    with pytest.raises(ValueError, match="weights"):
        fit_t2(t, weights=np.ones(3))
    with pytest.raises(ValueError, match="bounds"):
        fit_t2(t, bounds={"delta": (0, 1)})
    with pytest.raises(ValueError, match="bounds"):
        fit_t2(t, bounds={"alpha": (0.0, 1.0)})
    with pytest.raises(ValueError, match="fix"):
        fit_t2(t, fix={"Q": 1.0})
    with pytest.raises(ValueError, match="n_starts"):
        fit_t2(t, n_starts=0)
    assert PARAM_NAMES[0] == "E"


# --------------------------------------------------------------------------- Approach 2
from t2lib.laws import ChinchillaLaw  # noqa: E402
from t2lib.t2 import T2AccuracyLaw  # noqa: E402
from t2lib.t2.fit import fit_t2_accuracy  # noqa: E402
from t2lib.t2.targets import passk_targets, select_checkpoints  # noqa: E402

LOSS = ChinchillaLaw(E=1.2, A=300.0, B=900.0, alpha=0.34, beta=0.3)
ACC = T2AccuracyLaw(loss_law=LOSS, theta0=2.4, theta1=3.0, theta2=0.8, theta3=1.0, theta4=0.4)


def _simulate_counts(law: T2AccuracyLaw, n: int = 200, problems: int = 128, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for N in np.logspace(7, 10, 5):
        for D in np.logspace(9, 11.5, 4):
            a, b = law.beta_params(N, D)
            p = rng.beta(a, b, size=problems)
            rows.append(pd.DataFrame({"model": f"N{N:.3g}", "N": N, "D": D, "problem": np.arange(problems),
                                      "n": n, "c": rng.binomial(n, p)}))
    return pd.concat(rows, ignore_index=True)


def test_approach2_likelihood_recovers_known_thetas_from_simulated_counts():
    """20 checkpoints x 128 problems x 200 samples from a known law; stage 1 given: the likelihood fit recovers
    theta0, theta1, theta3, theta4 within 4 standard errors (and 15%), and the 90% normal interval covers theta2."""
    s = _simulate_counts(ACC)
    t = passk_targets(s, [1, 2, 4, 8, 16, 32, 64, 128])
    fit = fit_t2_accuracy(t, s, stage1=LOSS)
    assert fit.converged and fit.at_bounds == ()
    for name, want in zip(("theta0", "theta1", "theta2", "theta3", "theta4"), ACC.thetas):
        got = getattr(fit.law, name)
        assert abs(got - want) <= 4 * fit.se[name], name
        assert abs(got - want) <= 0.15 * abs(want) + 0.05, name
    assert abs(fit.law.theta2 - ACC.theta2) <= 1.645 * fit.se["theta2"] * 1.5


def test_approach2_sse_fit_and_prediction_shapes():
    s = _simulate_counts(ACC, seed=1)
    t = passk_targets(s, [1, 2, 4, 8, 16, 32, 64, 128])
    fit = fit_t2_accuracy(t, s, stage1=LOSS, method="sse")
    p = fit.predict_pass_at_k(t)
    assert p.shape == (len(t),) and np.all((p > 0) & (p < 1))
    assert np.mean(np.abs(p - t.pass_at_k)) < 0.02
    assert np.allclose(fit.predict(t), -np.log(p))


def test_approach2_bad_input():
    s = _simulate_counts(ACC, problems=16)
    t = passk_targets(s, [1, 2])
    with pytest.raises(ValueError, match="method"):
        fit_t2_accuracy(t, s, method="mle")
    with pytest.raises(ValueError, match="pass_at_k"):
        fit_t2_accuracy(t.drop(columns="pass_at_k"), s)
    with pytest.raises(ValueError, match="stage1"):
        fit_t2_accuracy(t, s, stage1="law")
    with pytest.raises(ValueError, match="samples"):
        fit_t2_accuracy(t, s[s.N < 1e9], stage1=LOSS)
    with pytest.raises(ValueError, match="c"):
        fit_t2_accuracy(t, s.assign(c=-1), stage1=LOSS)


# --------------------------------------------------------------------------- the coupled law, hold-out tests
from t2lib.t2.fit import coupled_law, fit_t2_coupled, log_beta_ratio  # noqa: E402


@pytest.mark.parametrize("b", [3.0, 999.0, 1e3, 1e5, 1e6, 1e8])
def test_log_beta_ratio_against_the_exact_product(b):
    """For integer k, B(a, b+k)/B(a, b) = prod_j (b+j)/(a+b+j); relative error below 1e-8 up to b = 1e8."""
    a, k = 0.8, 6
    exact = np.sum(np.log1p(-a / (a + b + np.arange(k))))
    assert log_beta_ratio(a, b, k) == pytest.approx(exact, rel=1e-8)
from t2lib.t2.holdout import METHODS, holdout_split, run_holdout  # noqa: E402


def test_coupled_law_recovers_its_parameters_from_exact_targets():
    loss = ChinchillaLaw(E=2.0, A=3e4, B=2e6, alpha=0.5, beta=0.6)
    law = coupled_law(loss, 0.8)
    N, D, k = np.meshgrid(np.logspace(7, 10, 6), np.logspace(9, 11.5, 5), 2.0 ** np.arange(8), indexing="ij")
    t = pd.DataFrame({"N": N.ravel(), "D": D.ravel(), "k": k.ravel()})
    a, b = law.beta_params(t.N.to_numpy(), t.D.to_numpy())
    t["target"] = -np.log(-np.expm1(log_beta_ratio(a, b, t.k.to_numpy())))  # the same ratio law.accuracy uses
    fit = fit_t2_coupled(t, n_starts=64)
    assert fit.objective < 1e-10 and fit.at_bounds == () and not fit.degenerate
    assert fit.shape == pytest.approx(0.8, rel=1e-4)
    for name in ("E", "alpha", "beta"):
        assert getattr(fit.law.loss_law, name) == pytest.approx(getattr(loss, name), rel=1e-4), name
    # small k * pass@1: the target falls like log k (each sample is a fresh chance)
    weak = -np.log(law.accuracy(1e7, 1e9, np.array([1.0, 2.0])))
    assert weak[0] - weak[1] == pytest.approx(np.log(2.0), rel=0.02)


def test_holdout_split_and_run():
    s = _simulate_counts(ACC, seed=2)
    t = passk_targets(s, [1, 2, 4, 8, 16])
    t = t[t.pass_at_k < 1].reset_index(drop=True)  # relative errors need a non-zero target
    tr, te = holdout_split(t, "N", 1.1e9)
    assert tr.N.max() <= 1.1e9 < te.N.min() and len(tr) + len(te) == len(t)
    with pytest.raises(ValueError, match="by"):
        holdout_split(t, "k", 4)
    with pytest.raises(ValueError, match="both sides"):
        holdout_split(t, "D", 1e13)
    h = run_holdout(t, s, "D", 1e11, n_starts=16)
    assert list(h.errors.index) == list(METHODS)
    assert np.all(np.isfinite(h.errors.to_numpy()))


def test_selection_sweep_refits_each_selection():
    from t2lib.t2.holdout import selection_sweep

    t = _grid_table(TRUE, noise=0.01, seed=7).assign(model="sim")
    out = selection_sweep(t, {"all": {"min_tokens": 0}, "late": {"min_tokens": 1e10}}, [1e19, 1e20], 2e9,
                          n_starts=16)
    assert list(out.selection) == ["all", "all", "late", "late"]
    assert np.allclose(out.N * out.tokens_per_param, out.D)
    truth = TRUE.optimal(np.array([1e19, 1e20]), 2e9)[0]
    assert np.allclose(out.N[:2], truth, rtol=0.2)
    with pytest.raises(ValueError, match="selections"):
        selection_sweep(t, {}, 1e19, 2e9)


@pytest.mark.parametrize("kw, match", [({"n_starts": 2.5}, "n_starts"), ({"n_starts": 1e308}, "n_starts"),
                                       ({"seed": -1}, "seed"), ({"seed": "a"}, "seed"), ({"maxiter": 0}, "maxiter"),
                                       ({"bounds": "E"}, "bounds"), ({"bounds": {"E": 3}}, "bounds"),
                                       ({"fix": [1]}, "fix")])
def test_bad_counts_seeds_and_options_are_rejected(kw, match):
    with pytest.raises(ValueError, match=match):
        fit_t2(_grid_table(TRUE), **kw)


def test_log_beta_ratio_and_the_solver_reject_bad_input():
    with pytest.raises(ValueError, match="a"):
        log_beta_ratio(np.nan, 2.0, 1.0)
    with pytest.raises(ValueError, match="k"):
        log_beta_ratio(1.0, 2.0, -1.0)
    f = lambda x, rows, jac=True: (x - 1.0, np.ones(x.shape + (1,))) if jac else x - 1.0  # noqa: E731
    assert least_squares_batched(f, np.zeros((2, 1)), np.array([-5.0]), np.array([5.0])).x == pytest.approx(1.0)
    with pytest.raises(ValueError, match="x0"):
        least_squares_batched(f, np.zeros(2), np.array([-5.0]), np.array([5.0]))
    with pytest.raises(ValueError, match="lo"):
        least_squares_batched(f, np.zeros((2, 1)), np.array([6.0]), np.array([5.0]))
    with pytest.raises(ValueError, match="resid_jac"):
        least_squares_batched(None, np.zeros((2, 1)), np.array([-5.0]), np.array([5.0]))


def test_approach2_sse_needs_no_samples_but_the_likelihood_does():
    s = _simulate_counts(ACC, seed=3, problems=32)
    t = passk_targets(s, [1, 2, 4, 8])
    fit = fit_t2_accuracy(t, None, stage1=LOSS, method="sse")
    assert fit.method == "sse" and np.all(np.isfinite(fit.predict(t)))
    with pytest.raises(ValueError, match="samples"):
        fit_t2_accuracy(t, None, stage1=LOSS)


def test_coupled_bootstrap_resamples_problems_and_gives_bands():
    law = coupled_law(ChinchillaLaw(E=1.5, A=1e3, B=2e3, alpha=0.4, beta=0.35), 0.7)
    s = _simulate_counts(law, seed=4, problems=64, n=400)
    t = select_checkpoints(passk_targets(s, [1, 2, 4, 8, 16]), min_tokens=0)
    s = s.merge(t[["N", "D"]].drop_duplicates())
    fit = fit_t2_coupled(t, n_starts=16)
    assert not fit.degenerate
    boot = fit.bootstrap(s, n_resamples=20, seed=1)
    assert boot.x.shape == (20, 6) and boot.converged.mean() > 0.9
    lo, hi = np.quantile(np.exp(boot.x[:, 5]), [0.05, 0.95])
    assert lo < fit.shape < hi
    assert np.array_equal(boot.x, fit.bootstrap(s, n_resamples=20, seed=1).x)
    b = boot.bands(np.array([1e19, 1e20]), 2e9, level=0.8)
    assert np.all(b["N"][0] <= b["N"][1]) and np.allclose(b["N"][0] * b["k"][1] * 2, 2e9, rtol=1e-6)
    assert len(boot.laws()) == 20


def test_selection_sweep_does_not_forecast_from_degenerate_fits():
    from t2lib.t2.holdout import selection_sweep

    t = _grid_table(TRUE, noise=0.01, seed=8).assign(model="sim")
    out = selection_sweep(t, {"all": {"min_tokens": 0}}, 1e19, 2e9, n_starts=8, law="coupled")
    assert out.shape[0] == 1 and "degenerate" in out
    assert np.isnan(out.N.iloc[0]) == bool(out.degenerate.iloc[0])
    with pytest.raises(ValueError, match="law"):
        selection_sweep(t, {"all": {"min_tokens": 0}}, 1e19, 2e9, law="approach3")
