"""The T² law (Roberts et al. 2026, arXiv:2604.01411): optimum, limits, k >= 1, Approach 2, forecasts, presets."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from t2lib.laws import HOFFMANN_2022, ChinchillaLaw
from t2lib.published import read_table
from t2lib.t2 import (FORECAST_COLUMNS, T2AccuracyLaw, T2Law, allocation_at_sizes, best_model_at_budget,
                      coverage_at_budget, equal_budget_table, forecast, isoflop_profile, jensen_gap, k1_allocation,
                      monte_carlo_accuracy, parse_size, samples_at_budget, t2_accuracy_optimal,
                      t2_large_train_limit, t2_optimal)
from t2lib.t2 import presets
from t2lib.t2.fitted import FITTED

TOY = T2Law(E=2, A=400, B=400, alpha=0.34, beta=0.28, G=3, gamma=0.4)
ACC = T2AccuracyLaw(HOFFMANN_2022, theta0=2.2, theta1=6.0, theta2=0.8, theta3=-1.0, theta4=0.5)

t2_laws = st.builds(
    T2Law, E=st.floats(0.0, 3.0), A=st.floats(1.0, 1e4), B=st.floats(1.0, 1e4), alpha=st.floats(0.1, 1.0),
    beta=st.floats(0.1, 1.0), G=st.floats(1e-3, 10.0), gamma=st.floats(0.05, 1.0))
log_ct = st.floats(15.0, 26.0)
log_ci = st.floats(8.0, 13.0)


def _grid_optimum(law, ct, ci, lo=1.0, hi=None, n=400_001):
    """Brute force: the best of a fine log-spaced grid of N along both budget lines (independent of the FOC)."""
    u = np.linspace(np.log(lo), np.log(ct / 6 if hi is None else hi), n)
    N = np.exp(u)
    L = law.loss(N, ct / (6 * N), ci / (2 * N))
    i = np.argmin(L)
    return N[i], L[i], u[1] - u[0]


# --------------------------------------------------------------------------- Approach 1
@settings(max_examples=60, deadline=None)
@given(t2_laws, log_ct, log_ci)
def test_foc_root_is_the_brute_force_optimum(law, lct, lci):
    ct, ci = 10.0**lct, 10.0**lci
    N, D, k = t2_optimal(law, ct, ci)
    assume(1.0 < N < ct / 6)  # interior (the grid covers [1, C_train/6])
    Ng, Lg, du = _grid_optimum(law, ct, ci)
    # the root is at least as good as every grid point, and within one grid cell of the best one
    assert law.loss(N, D, k) <= Lg + 1e-12 * abs(Lg)
    assert abs(np.log(N / Ng)) <= du + 1e-9
    # the first-order condition holds at the root
    a_term = law.alpha * law.A * N ** (-law.alpha)
    rhs = law.beta * law.B * D ** (-law.beta) + law.gamma * law.G * k ** (-law.gamma)
    assert abs(a_term / rhs - 1) < 1e-10


@settings(max_examples=60, deadline=None)
@given(t2_laws, st.lists(log_ct, min_size=1, max_size=5), st.lists(log_ci, min_size=1, max_size=5))
def test_both_budgets_hold(law, lct, lci):
    ct, ci = 10.0 ** np.array(lct)[:, None], 10.0 ** np.array(lci)[None, :]
    N, D, k = t2_optimal(law, ct, ci)
    assert N.shape == (len(lct), len(lci))
    assert np.max(np.abs(6 * N * D / ct - 1)) < 1e-12
    assert np.max(np.abs(2 * N * k / ci - 1)) < 1e-12


@settings(max_examples=60, deadline=None)
@given(t2_laws, log_ct, log_ci)
def test_sampling_term_pushes_N_below_chinchilla(law, lct, lci):
    ct, ci = 10.0**lct, 10.0**lci
    N, _, _ = t2_optimal(law, ct, ci)
    N0, _ = law.chinchilla.compute_optimal(ct)
    assert N < N0


@pytest.mark.parametrize("G", [1e-6, 1e-9, 1e-12])
def test_G_to_zero_recovers_chinchilla(G):
    law = T2Law(E=1.69 - G, A=406.4, B=410.7, alpha=0.34, beta=0.28, G=G, gamma=0.5)
    C = np.logspace(18, 25, 8)
    N, D, _ = law.optimal(C, 1.4e11)
    N0, D0 = HOFFMANN_2022.compute_optimal(C)
    np.testing.assert_allclose(N, N0, rtol=50 * G ** (1 / 1.5) + 1e-12)  # perturbation ~ G * k-term, tiny
    assert np.all(N < N0)


def test_large_train_limit():
    """N*(C_train) rises to (aA/(gG))^(1/(a+g)) (C_inf/2)^(g/(a+g)) and D/N grows like C_train."""
    ci = np.array([2e9, 1.4e11])
    N_inf = t2_large_train_limit(TOY, ci)
    a, g = TOY.alpha, TOY.gamma
    np.testing.assert_allclose(N_inf, (a * TOY.A / (g * TOY.G)) ** (1 / (a + g)) * (ci / 2) ** (g / (a + g)),
                               rtol=1e-14)
    C = np.logspace(20, 60, 41)[:, None]
    N, D, _ = t2_optimal(TOY, C, ci)
    assert np.all(np.diff(N, axis=0) > 0) and np.all(N < N_inf)
    assert np.allclose(N[-1], N_inf, rtol=1e-6)
    ratio = (D / N)[1:] / (D / N)[:-1]  # one decade of C_train apart
    assert np.allclose(ratio[-10:], 10.0, rtol=1e-4)
    np.testing.assert_allclose(TOY.large_train_limit(ci), N_inf)
    with pytest.raises(ValueError, match="G"):
        t2_large_train_limit(T2Law(**{**TOY.as_dict(), "G": 0.0}), 2e9)


def test_min_samples_corner_matches_restricted_grid():
    weak = presets.LAWS["illustrative-weak-sampling"].law
    ct, ci = np.array([1e21, 1e23, 1e25]), 2e9
    N_free, _, k_free = weak.optimal(ct, ci)
    assert np.all(k_free < 1)  # the unrestricted optimum draws less than one sample
    N, D, k = weak.optimal(ct, ci, min_samples=1)
    np.testing.assert_allclose(k, 1.0, rtol=1e-14)
    np.testing.assert_allclose(N, ci / 2, rtol=1e-14)  # the corner N = C_inf / 2
    for c, n in zip(ct, N):
        Ng, _, du = _grid_optimum(weak, c, ci, hi=ci / 2)
        assert abs(np.log(n / Ng)) <= du
    # where the free optimum already has k >= 1, the option changes nothing
    N1, _, _ = weak.optimal(1e19, 2e9)
    N2, _, _ = weak.optimal(1e19, 2e9, min_samples=1)
    assert N1 == N2


def test_k1_allocation_is_chinchilla_of_the_k1_law():
    N, D, k = k1_allocation(TOY, 1e22, 1.4e11)
    N0, D0 = TOY.chinchilla.compute_optimal(1e22)
    assert N == N0 and D == D0 and np.isclose(2 * N * k, 1.4e11, rtol=1e-14)
    Na, Da, _ = k1_allocation(ACC, 1e22, 2e9)  # Approach 2: argmax of pass@1 = argmin of the loss law
    assert Na == HOFFMANN_2022.compute_optimal(1e22)[0]


# --------------------------------------------------------------------------- Approach 2
@pytest.mark.parametrize("N, D, k", [(1e9, 2e10, 1.0), (1e8, 1e11, 7.3), (4e9, 1e12, 50.0), (3e7, 1e9, 300.0)])
def test_closed_form_matches_monte_carlo(N, D, k):
    exact = ACC.accuracy(N, D, k)
    mc, se = monte_carlo_accuracy(ACC, N, D, k, draws=400_000, seed=1)
    assert abs(mc - exact) < 5 * se + 1e-12


def test_monte_carlo_is_seeded():
    a = monte_carlo_accuracy(ACC, 1e9, 2e10, 3.0, draws=1000, seed=3)
    b = monte_carlo_accuracy(ACC, 1e9, 2e10, 3.0, draws=1000, seed=3)
    assert a[0] == b[0] and a[1] == b[1]


acc_laws = st.builds(T2AccuracyLaw, loss_law=st.just(HOFFMANN_2022), theta0=st.floats(1.5, 3.5),
                     theta1=st.floats(0.5, 10.0), theta2=st.floats(0.05, 1.0), theta3=st.floats(-2.0, 4.0),
                     theta4=st.floats(-1.0, 1.0))


@settings(max_examples=80, deadline=None)
@given(acc_laws, st.floats(6.0, 11.0), st.floats(8.0, 13.0), st.floats(1.0, 1e4))
def test_naive_is_at_least_exact(law, lN, lD, k):
    """Jensen: (1-p)^k is convex for k >= 1, so 1 - (1 - mu)^k >= E[1 - (1-p)^k]."""
    gap = jensen_gap(law, 10.0**lN, 10.0**lD, k)
    assert gap >= -1e-10  # betaln differences carry rounding of ~1e-12


def test_jensen_gap_vanishes_at_k1_and_for_concentrated_beta():
    N, D = 1e9, 2e10
    assert abs(jensen_gap(ACC, N, D, 1.0)) < 1e-12
    # the gap is about Var(p) k(k-1)/2 (1-mu)^(k-2), and Var(p) = mu(1-mu)/(1+nu): it falls like 1/nu
    gaps = [jensen_gap(T2AccuracyLaw(HOFFMANN_2022, 2.2, 6.0, 0.8, t3, 0.0), N, D, 10.0) for t3 in (8.0, 12.0)]
    assert 0 < gaps[1] < gaps[0] < jensen_gap(ACC, N, D, 10.0)
    assert abs(gaps[1] / gaps[0] / np.exp(-4.0) - 1) < 0.05


@pytest.mark.parametrize("ct, ci", [(1e21, 1.4e11), (1e19, 2e9), (1e24, 2e9)])
def test_accuracy_optimum_is_the_grid_optimum(ct, ci):
    N, D, k = t2_accuracy_optimal(ACC, ct, ci)
    u = np.linspace(np.log(1e3), np.log(ct / 6), 200_001)
    Ng = np.exp(u)
    acc = ACC.accuracy(Ng, ct / (6 * Ng), ci / (2 * Ng))
    assert ACC.accuracy(N, D, k) >= acc.max() - 1e-12
    assert abs(np.log(N / Ng[np.argmax(acc)])) <= 2 * (u[1] - u[0])


def test_naive_optimum_differs():
    N, _, _ = ACC.optimal(1e23, 2e9)
    Nn, Dn, kn = ACC.optimal(1e23, 2e9, naive=True)
    assert ACC.naive_accuracy(Nn, Dn, kn) >= ACC.naive_accuracy(N, 1e23 / (6 * N), 2e9 / (2 * N))
    assert Nn != N


# --------------------------------------------------------------------------- forecasts and isoFLOP views
def test_forecast_table():
    ct = np.logspace(17, 25, 9)
    for law in (TOY, ACC):
        f = forecast(law, ct, 1.4e11)
        assert list(f.columns) == list(FORECAST_COLUMNS) and len(f) == 9
        np.testing.assert_allclose(f["tokens_per_param"], f["D"] / f["N"])
        better = f["value"] <= f["value_k1"] + 1e-12 if law is TOY else f["value"] >= f["value_k1"] - 1e-12
        assert better.all()  # the T² optimum is never worse than the k = 1 allocation under its own law
        assert np.all(f["N"] <= f["N_k1"] * (1 + 1e-9))


def test_isoflop_profile_minimum_is_the_optimum():
    C = np.array([1e18, 1e20])[:, None]
    N = np.logspace(5, 11, 6001)[None, :]
    prof = isoflop_profile(TOY, np.broadcast_to(N, (2, 6001)), C, 2e9)
    N_opt, _, _ = TOY.optimal(C[:, 0], 2e9)
    best = N[0, np.argmin(prof, axis=1)]
    assert np.all(np.abs(np.log(best / N_opt)) < np.log(10) * 6 / 6000)
    single = isoflop_profile(TOY, N[0, :100], 1e20)  # k = 1
    np.testing.assert_allclose(single, TOY.chinchilla.loss(N[0, :100], 1e20 / (6 * N[0, :100])), rtol=1e-14)
    with pytest.raises(ValueError, match="N"):
        isoflop_profile(TOY, 1e20, 1e18)


def test_parse_size():
    assert parse_size("37M") == 37e6 and parse_size("1.4B") == 1.4e9
    for bad in ("37", "M", "abcM", None, "-3M"):
        with pytest.raises(ValueError, match="label"):
            parse_size(bad)


def test_table1_setting():
    """D/N and k of the sizes of Roberts et al. (2026), Table 1, at C_train = 2.56e19, C_inf = 2e9 (nominal N)."""
    sizes = ["37M", "84M", "149M", "347M", "455M", "611M", "901M"]
    t = allocation_at_sizes([parse_size(s) for s in sizes], 2.56e19, 2e9, law=TOY)
    # the paper's Fig. 8 prints tokens per parameter with nominal sizes: 37M -> 3,117; 84M -> 605; 149M -> 192
    np.testing.assert_allclose(t["tokens_per_param"][:3], [3117, 605, 192], atol=0.5)
    np.testing.assert_allclose(t["k"], 2e9 / (2 * t["N"]), rtol=1e-15)
    assert sorted(t["rank"]) == list(range(1, 8))


def test_table1_transcription():
    """Roberts et al. (2026), arXiv:2604.01411, Table 1: the 16 printed pass@k values (exact, two decimals)."""
    t = read_table("roberts2026_table1.csv")
    assert "Table 1" in t.attrs["source"] and "2604.01411" in t.attrs["source"]
    best = t[t.arm == "best_overtrained"].set_index("task")
    chin = t[t.arm == "chinchilla_opt"].set_index("task")
    assert best.loc["LAMBADA OpenAI", "passk_percent"] == 49.90 and best.loc["LAMBADA OpenAI", "size_label"] == "37M"
    assert chin.loc["LAMBADA OpenAI", "passk_percent"] == 27.30 and chin.loc["LAMBADA OpenAI", "size_label"] == "455M"
    assert best.loc["ARC-Easy", "passk_percent"] == 0.14 and best.loc["ARC-Easy", "size_label"] == "149M"
    assert best.loc["Simple Knowledge", "size_label"] == "84M" and chin.loc["Spatial Reasoning", "passk_percent"] == 1.10
    np.testing.assert_allclose(best["passk_percent"].sum(), 49.9 + 1.4 + 1.2 + 0.14 + 14.6 + 57.9 + 8.1 + 6.0)
    np.testing.assert_allclose(chin["passk_percent"].sum(), 27.3 + 0.3 + 0.22 + 0.07 + 5.8 + 18.4 + 1.4 + 1.1)
    # the paper's claim: the best overtrained checkpoint beats the Chinchilla-optimal one on all eight tasks
    assert (best["passk_percent"] > chin.loc[best.index, "passk_percent"]).all() and len(best) == 8


# --------------------------------------------------------------------------- equal inference FLOPs
def _toy_samples():
    return pd.DataFrame({"model": ["small"] * 2 + ["big"] * 2, "N": [1e8] * 2 + [1e9] * 2, "D": [3e11] * 4,
                         "problem": [0, 1, 0, 1], "n": [100, 100, 100, 100], "c": [1, 0, 30, 0]})


def test_samples_at_budget_whole_samples():
    assert samples_at_budget(1e9, 2e9 * 7) == 7
    np.testing.assert_array_equal(samples_at_budget([1e8, 1e9, 3e9], 2e9), [10, 1, 0])


def test_coverage_at_budget_small_case():
    s = _toy_samples()
    cov = coverage_at_budget(s, [2e9, 2e10, 2e11])
    from t2lib.passk import pass_at_k
    assert np.isclose(cov.loc["small", 2e9], pass_at_k(100, 1, 10) / 2)  # k = 10 samples for the small model
    assert np.isclose(cov.loc["big", 2e9], 0.3 / 2)  # k = 1 for the big one
    assert np.isnan(cov.loc["small", 2e11])  # k = 1000 > n = 100: not measured
    assert best_model_at_budget(cov).loc[2e9] == "big"
    t = equal_budget_table(s, 2e10)
    np.testing.assert_allclose(t["train_flops"], 6 * t["N"] * t["D"])
    assert list(t["k"]) == [100, 10]


def test_pythia_math_equal_budget():
    """On MATH (Brown et al. 2024 data), the budget of 100 samples of Pythia-12B buys 426 of Pythia-2.8B."""
    from t2lib.data import load_pythia_samples

    s = load_pythia_samples("MATH")
    N12 = s.loc[s.model == "Pythia-12B", "N"].iloc[0]
    t = equal_budget_table(s, 2 * N12 * 100)
    assert t.loc["Pythia-12B", "k"] == 100
    assert t.loc["Pythia-2.8B", "k"] == int(N12 * 100 // t.loc["Pythia-2.8B", "N"]) == 426
    assert np.isnan(t.loc["Pythia-70M", "coverage"])  # would need more than the 10,000 samples drawn
    assert t["coverage"].notna().sum() >= 4


# --------------------------------------------------------------------------- presets and validation
def test_presets_are_labelled():
    assert set(presets.ILLUSTRATIVE) <= set(presets.LAWS) and set(FITTED) <= set(presets.LAWS)
    for name, nl in presets.ILLUSTRATIVE.items():
        assert nl.illustrative and "ILLUSTRATIVE" in nl.source and "Hoffmann" in nl.source
        assert name.startswith("illustrative-")
    strong = presets.LAWS["illustrative-strong-sampling"].law
    assert strong.chinchilla == HOFFMANN_2022  # the k = 1 law is Hoffmann et al.'s rounded law
    assert presets.DEFAULT_LAW in presets.LAWS
    with pytest.raises(ValueError, match="name"):
        presets.get_law("nope")
    with pytest.raises(ValueError, match="G"):
        presets.illustrative_t2law(2.0, 0.5)


BAD = [np.nan, np.inf, -1.0, 0.0, None, "abc", [[1.0, 2.0], [3.0]]]


@pytest.mark.parametrize("bad", BAD)
def test_bad_budgets(bad):
    for f in (lambda x: t2_optimal(TOY, x, 1e9), lambda x: t2_optimal(TOY, 1e20, x).__len__(),
              lambda x: forecast(ACC, x, 1e9), lambda x: k1_allocation(TOY, x, 1e9)):
        with pytest.raises(ValueError, match="C_train|C_inf"):
            f(bad)
    with pytest.raises(ValueError, match="C_inf"):
        t2_large_train_limit(TOY, bad)
    if bad is not None:  # None means "no constraint on k"
        with pytest.raises(ValueError, match="min_samples"):
            t2_optimal(TOY, 1e20, 1e9, min_samples=bad)


def test_bad_laws_and_shapes():
    with pytest.raises(ValueError, match="law"):
        t2_optimal(ACC, 1e20, 1e9)
    with pytest.raises(ValueError, match="law"):
        forecast("toy", 1e20, 1e9)
    with pytest.raises(ValueError, match="broadcast"):
        t2_optimal(TOY, [1e20, 1e21], [1e9, 1e10, 1e11])
    with pytest.raises(ValueError, match="draws"):
        monte_carlo_accuracy(ACC, 1e9, 1e10, 2.0, draws=1)
    with pytest.raises(ValueError, match="naive"):
        t2_accuracy_optimal(ACC, 1e20, 1e9, naive="yes")
    with pytest.raises(ValueError, match="samples"):
        coverage_at_budget(pd.DataFrame({"model": ["a"]}), 1e9)
    with pytest.raises(ValueError, match="loss_law"):
        T2AccuracyLaw(ChinchillaLaw(1, 1, 1, 1, 1).as_dict(), 0, 1, 0.5, 0, 0)


def test_more_bad_inputs_are_named():
    with pytest.raises(ValueError, match="params"):
        T2Law.from_params(3.0)
    with pytest.raises(ValueError, match="min_samples"):
        t2_optimal(TOY, 1e20, 1e10, min_samples=1e308)
    with pytest.raises(ValueError, match="N, D"):
        ACC.mean(np.ones(3) * 1e9, np.ones(4) * 1e10)
    with pytest.raises(ValueError, match="C_inf"):
        samples_at_budget(1.0, 1e300)
    with pytest.raises(ValueError, match="coverage"):
        best_model_at_budget(pd.DataFrame({1e9: [np.nan, 0.5]}, index=["a", "b"]))


@settings(max_examples=15, deadline=None)
@given(acc_laws, st.floats(17.0, 25.0), st.floats(9.0, 12.0))
def test_accuracy_optimum_beats_a_brute_force_grid(law, lct, lci):
    """The grid + golden-section optimum is at least as good as every point of an independent fine grid."""
    ct, ci = 10.0**lct, 10.0**lci
    N, D, k = t2_accuracy_optimal(law, ct, ci)
    Ng = np.geomspace(1e3, ct / 6, 20_001)
    best = law.accuracy(Ng, ct / (6 * Ng), ci / (2 * Ng)).max()
    # relative 1e-6: where pass@k is tiny, betaln differences carry rounding noise of ~1e-7 relative
    assert law.accuracy(N, D, k) >= best * (1 - 1e-6) - 1e-15
    assert 6 * N * D == pytest.approx(ct, rel=1e-12) and 2 * N * k == pytest.approx(ci, rel=1e-12)
