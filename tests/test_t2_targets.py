"""Tests of t2lib.t2.targets: the n-independent pass@k target, thinning, the checkpoint selection rule."""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from t2lib.data import load_pythia_samples
from t2lib.passk import pass_at_k
from t2lib.t2.targets import (check_samples, k_gain, k_grid, passk_cube, passk_targets, select_checkpoints,
                              solved_mean_neg_log, thin_samples)


def _toy() -> pd.DataFrame:
    return pd.DataFrame({"model": ["m"] * 2 + ["big"] * 2, "N": [1e6, 1e6, 1e7, 1e7], "D": [1e9] * 4,
                         "problem": [0, 1, 0, 1], "n": [4, 4, 6, 4], "c": [1, 0, 3, 4]})


def test_target_of_a_hand_checked_toy_table():
    t = passk_targets(_toy(), [1, 2])
    # m: pass@1 = (1/4 + 0)/2 = 1/8; pass@2 = (1 - C(3,2)/C(4,2) + 0)/2 = 1/4
    m = t[t.model == "m"]
    assert np.allclose(m.target, [math.log(8), math.log(4)], rtol=1e-14)
    # big: pass@1 = (1/2 + 1)/2 = 3/4; pass@2 = (1 - C(3,2)/C(6,2) + 1)/2 = (1 - 3/15 + 1)/2 = 9/10
    b = t[t.model == "big"]
    assert np.allclose(b.target, [-math.log(0.75), -math.log(0.9)], rtol=1e-14)
    assert list(t.columns[:6]) == ["model", "N", "D", "k", "target", "n_problems"]
    assert t.n_problems.tolist() == [2, 2, 2, 2]


def test_target_on_a_real_checkpoint_against_exact_rationals():
    """Pythia-1B at 20B tokens on GSM8K, k = 8: -log of the mean of 1 - C(n-c,k)/C(n,k) in exact arithmetic."""
    s = load_pythia_samples("GSM8K", checkpoints=True)
    ck = s[(s.model == "Pythia-1B") & (s.D == 20_000_000_000)]
    k = 8
    exact = sum(1 - Fraction(math.comb(int(n) - int(c), k), math.comb(int(n), k)) for n, c in zip(ck.n, ck.c))
    want = -math.log(exact / len(ck))
    got = passk_targets(ck, [k]).target.iloc[0]
    assert abs(got - want) < 1e-9


def test_k_grid_is_powers_of_two_up_to_the_smallest_n():
    assert k_grid(_toy()).tolist() == [1, 2, 4]
    s = load_pythia_samples("MATH", checkpoints=True)
    assert k_grid(s).tolist() == [1, 2, 4, 8, 16, 32, 64, 128]
    assert k_grid(s, k_max=20).tolist() == [1, 2, 4, 8, 16]


def test_thinning_keeps_the_expected_pass_at_k_exactly():
    """E over the hypergeometric thinning of the unbiased pass@k equals the full-data value (k <= n')."""
    n, c, n_thin = 50, 7, 10
    cs = np.arange(0, n_thin + 1)
    pmf = stats.hypergeom.pmf(cs, n, c, n_thin)
    for k in (1, 3, 10):
        assert abs(np.sum(pmf * pass_at_k(n_thin, cs, k)) - pass_at_k(n, c, k)) < 1e-12


def test_thin_samples_draws_hypergeometric_counts():
    s = pd.DataFrame({"model": "m", "N": 1e6, "D": 1e9, "problem": np.arange(4000), "n": 1000, "c": 300})
    t = thin_samples(s, 100, seed=1)
    assert (t.n == 100).all() and t.c.between(0, 100).all()
    assert abs(t.c.mean() - 30.0) < 0.3  # mean n' c / n; sd of the mean ~ 4.4 / sqrt(4000) = 0.07
    assert abs(t.c.var() - stats.hypergeom.var(1000, 300, 100)) < 0.1 * stats.hypergeom.var(1000, 300, 100)
    # problems with n <= n' are untouched; the same seed gives the same draw
    small = thin_samples(_toy(), 5, seed=3)
    assert small.n.tolist() == [4, 4, 5, 4] and small.c.iloc[[0, 1, 3]].tolist() == [1, 0, 4]
    assert thin_samples(s, 100, seed=1).c.equals(t.c)


def test_thinning_moves_the_per_question_form_but_not_the_target():
    """The chapter's claim: thinned to n = 128, -log(mean pass@k) barely moves; the solved-only mean moves a lot."""
    s = load_pythia_samples("GSM8K", checkpoints=True)
    s = s[s.D >= 2_000_000_000]
    k = k_grid(s)
    th = thin_samples(s, 128, seed=0)
    full, thin = passk_targets(s, k), passk_targets(th, k)
    ok = np.isfinite(thin.target)
    d_target = np.median(np.abs(thin.target[ok] - full.target[ok]))
    sf, st = solved_mean_neg_log(s, k), solved_mean_neg_log(th, k)
    ok2 = np.isfinite(st.target) & np.isfinite(sf.target)
    d_solved = np.median(np.abs(st.target[ok2] - sf.target[ok2]))
    assert d_target < 0.2 < 0.5 < d_solved


def test_selection_rule():
    s = load_pythia_samples("GSM8K", checkpoints=True)
    t = passk_targets(s, k_grid(s))
    sel = select_checkpoints(t)
    assert sel.D.min() >= 2e9 and np.isfinite(sel.target).all()
    assert sel.groupby(["N", "D"]).ngroups == 54  # 9 sizes x 6 checkpoints from 2B to 300B tokens
    # a late checkpoint that got worse (Pythia-160M at 300B vs 60B tokens) is kept
    m = sel[(sel.model == "Pythia-160M") & (sel.k == 1)].set_index("D").target
    assert m[300_000_000_000] > m[60_000_000_000]
    # the unsolved checkpoint (Pythia-410M at 64M tokens, nothing correct) is dropped at any min_tokens
    assert not ((select_checkpoints(t, min_tokens=0).D == 64_000_000)
                & (select_checkpoints(t, min_tokens=0).model == "Pythia-410M")).any()
    assert set(select_checkpoints(t, exclude_models=["Pythia-14M"]).model) == set(sel.model) - {"Pythia-14M"}
    assert select_checkpoints(t, max_k=16).k.max() == 16
    assert select_checkpoints(t, max_tokens=6e10).D.max() == 60_000_000_000
    with pytest.raises(ValueError, match="keeps no checkpoint"):
        select_checkpoints(t, min_tokens=1e13)
    with pytest.raises(ValueError, match="exclude_models"):
        select_checkpoints(t, exclude_models="Pythia-14M")


def test_cube_weights_equal_a_duplicated_table():
    s = _toy()
    cube = passk_cube(s, [1, 2])
    w = np.array([2.0, 1.0])  # problem 0 twice
    dup = pd.concat([s, s[s.problem == 0].assign(problem=2)])
    assert np.allclose(cube.targets(w), passk_cube(dup, [1, 2]).targets())


@pytest.mark.parametrize("bad, match", [
    (pd.DataFrame(columns=["model", "N", "D", "problem", "n", "c"]), "must not be empty"),
    (_toy().drop(columns="c"), "missing \\['c'\\]"),
    (_toy().assign(c=[-1, 0, 0, 0]), "c.*>= 0"),
    (_toy().assign(c=[5, 0, 0, 0]), "must not exceed n"),
    (_toy().assign(n=[4.5, 4, 6, 4]), "whole numbers"),
    (_toy().assign(N=[0, 1e6, 1e7, 1e7]), "N"),
    (pd.concat([_toy(), _toy().iloc[:1]]), "more than once"),
    ([1, 2, 3], "DataFrame"),
])
def test_bad_samples_are_rejected(bad, match):
    with pytest.raises(ValueError, match=match):
        check_samples(bad)
    with pytest.raises(ValueError):
        passk_targets(bad, [1])


@pytest.mark.parametrize("k, match", [([1, 8], "must not exceed"), ([0, 1], ">= 1"), ([2, 1], "increasing"),
                                      ([1.5], "whole"), ([], "non-empty"), ([True], "integer")])
def test_bad_k_is_rejected(k, match):
    with pytest.raises(ValueError, match=match):
        passk_targets(_toy(), k)


def test_bad_thinning_and_selection_arguments():
    with pytest.raises(ValueError, match="n"):
        thin_samples(_toy(), 0)
    with pytest.raises(ValueError, match="n"):
        thin_samples(_toy(), 2.5)
    with pytest.raises(ValueError, match="table"):
        select_checkpoints(pd.DataFrame())
    with pytest.raises(ValueError, match="missing"):
        select_checkpoints(pd.DataFrame({"N": [1.0]}))


def test_k_gain_is_the_drop_from_k_lo_to_k_hi():
    t = passk_targets(_toy(), [1, 2])
    g = k_gain(t)
    m = g[g.model == "m"].iloc[0]
    assert m.gain == pytest.approx(math.log(8) - math.log(4)) and m.y_lo == pytest.approx(math.log(8))
    with pytest.raises(ValueError, match="k_lo"):
        k_gain(t, k_lo=2, k_hi=2)
    with pytest.raises(ValueError, match="k_hi = 4"):
        k_gain(t, k_hi=4)
    with pytest.raises(ValueError, match="empty"):
        k_gain(t.iloc[:0])


def test_bad_seeds_and_model_lists_are_rejected():
    with pytest.raises(ValueError, match="seed"):
        thin_samples(_toy(), 2, seed=1.5)
    t = passk_targets(_toy(), [1])
    with pytest.raises(ValueError, match="exclude_models"):
        select_checkpoints(t, min_tokens=0, exclude_models=None)
    with pytest.raises(ValueError, match="exclude_models"):
        select_checkpoints(t, min_tokens=0, exclude_models=[1.0])
