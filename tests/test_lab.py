"""The Train-to-Test lab (t2lib.lab): exact language, planning from C = 6ND, reproducible training, exact p_i, cache."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from t2lib.lab import (ENV_CACHE, SyntheticLanguage, default_cache_dir, param_count, plan_grid, run_grid,
                       sample_answers, train)
from t2lib.lab.analysis import best_measured, compare_at_budget, neg_log_passk, passk, relative_error
from t2lib.lab.model import init_params

@pytest.fixture(autouse=True, scope="module")
def _compilation_cache(xla_cache):
    """Every JAX compile of this module (from its first test on) goes through the persistent cache."""
    return xla_cache


def test_import_t2lib_does_not_import_jax():
    """Only t2lib.lab imports JAX: every other module stays importable without it.

    An import hook stops the first import of ``jax`` with an exception of its own (not an ImportError, so no
    ``except ImportError`` fallback hides it): importing the other modules must not reach it, importing
    ``t2lib.lab`` must, and nothing loads JAX itself (1.7 s of CPU the check does not need).
    """
    code = ("import importlib.abc, pkgutil, sys\n"
            "class JaxImported(Exception): pass\n"
            "class StopJax(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] == 'jax': raise JaxImported(name)\n"
            "sys.meta_path.insert(0, StopJax())\n"
            "import t2lib\n"
            "mods = [m.name for m in pkgutil.iter_modules(t2lib.__path__) if m.name not in ('lab', '__main__')]\n"
            "for m in mods: __import__('t2lib.' + m)\n"
            "import t2lib.t2\n"
            "assert 'jax' not in sys.modules, 'jax imported'\n"
            "try:\n"
            "    import t2lib.lab\n"
            "except JaxImported:\n"
            "    pass\n"
            "else:\n"
            "    raise AssertionError('t2lib.lab did not import jax')\n")
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- the language
@pytest.mark.parametrize("kw", [dict(), dict(seed=3, zipf=0.0, n_entities=10, mix=(0.2, 0.4, 0.4)),
                                dict(seed=7, seq_len=24, max_copy=3, n_filler=5, filler_concentration=2.0)])
def test_entropy_matches_monte_carlo(kw):
    """The exact entropy per predicted token equals the Monte Carlo mean of -log p(x_t | x_<t) (4 SE)."""
    lang = SyntheticLanguage(**kw)
    _, lp = lang.sample(60_000, seed=11)
    per_seq = -lp[:, 1:].sum(axis=1) / (lang.seq_len - 1)
    se = per_seq.std() / np.sqrt(per_seq.size)
    assert abs(per_seq.mean() - lang.entropy()) < 4 * se


def test_logprobs_are_the_sampling_probabilities():
    """exp(sum of log p over a prefix) equals the empirical frequency of that prefix (the 30 commonest)."""
    lang = SyntheticLanguage(seed=1)
    n = 200_000
    tok, lp = lang.sample(n, seed=5)
    pre = tok[:, :5].astype(np.int64)
    code = ((pre[:, 1] * 64 + pre[:, 2]) * 64 + pre[:, 3]) * 64 + pre[:, 4]
    uniq, first, counts = np.unique(code, return_index=True, return_counts=True)
    top = np.argsort(-counts)[:30]
    p = np.exp(lp[first[top], 1:5].sum(axis=1))
    freq = counts[top] / n
    assert np.all(np.abs(freq - p) < 5 * np.sqrt(p * (1 - p) / n))
    assert np.all(lp[:, 0] == 0) and np.all(lp <= 0)


def test_questions_have_gold_answers_of_several_tokens():
    lang = SyntheticLanguage()
    q = lang.questions()
    assert len(q) == lang.n_entities * lang.n_relations + lang.n_add_questions + lang.n_copy_questions
    assert q.answer_len.min() >= 2 and np.all(q.answer_start + q.answer_len <= lang.seq_len)
    add = q.tokens[q.kind == "add"].astype(int) - 14  # digit tokens are 14..23
    a, b = add[:, 2] * 10 + add[:, 3], add[:, 4] * 10 + add[:, 5]
    assert np.array_equal(a + b, add[:, 7] * 100 + add[:, 8] * 10 + add[:, 9])
    # a fact question's answer is what the language states about that entity
    tok, _ = lang.sample(20_000, seed=2)
    facts = tok[tok[:, 1] == q.tokens[0, 1]]
    qf = q.tokens[q.kind == "fact"]
    lookup = {tuple(r[2:5]): tuple(r[5:8]) for r in qf}
    assert all(lookup[tuple(r[2:5])] == tuple(r[5:8]) for r in facts[:500])


@pytest.mark.parametrize("kw", [dict(seed=-1), dict(n_entities=0), dict(n_entities=65), dict(mix=(0.5, 0.5, 0.5)),
                                dict(zipf=-1.0), dict(seq_len=8), dict(filler_concentration=0.0)])
def test_language_rejects_bad_input(kw):
    with pytest.raises(ValueError):
        SyntheticLanguage(**kw)


# --------------------------------------------------------------------------- planning
def test_plan_satisfies_6ND_equals_C():
    lang = SyntheticLanguage()
    plan = plan_grid([1e10, 3e10, 1e11], overtrained_budgets=[3e10, 1e11])
    np.testing.assert_allclose(6 * plan["N"] * plan["D"], plan["C"], rtol=1e-12)
    assert all(param_count(w, d, lang.vocab_size, lang.seq_len) == n
               for w, d, n in zip(plan["width"], plan["depth"], plan["N"]))
    over = plan[plan["kind"] == "overtrained"]
    assert len(over) >= 2 and (over["tokens_per_param"] >= 300).all()
    assert (plan.loc[plan["kind"] == "isoflop", "tokens_per_param"] < 300).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(1e10, 3e11), min_size=1, max_size=4), st.floats(300.0, 2000.0))
def test_plan_property(budgets, ratio):
    """Any budgets the ladder covers: C = 6ND exactly, isoFLOP runs inside the ratio range, overtrained above it."""
    plan = plan_grid(budgets, ratio_range=(2.0, ratio), overtrained_ratio=ratio, overtrained_budgets=[])
    np.testing.assert_allclose(6 * plan["N"] * plan["D"], plan["C"], rtol=1e-12)
    assert plan["tokens_per_param"].between(2.0, ratio, inclusive="left").all()
    assert set(np.unique(plan["C"])) == set(np.unique(budgets))


@pytest.mark.parametrize("kw", [dict(budgets=[-1e10]), dict(budgets=[np.nan]), dict(budgets=[1e6]),
                                dict(budgets=[1e10], overtrained_budgets=[3e10]),
                                dict(budgets=[1e10], widths=[3]), dict(budgets=[1e10], widths=[]),
                                dict(budgets=[1e10], ratio_range=(300, 2)),
                                dict(budgets=[1e10], overtrained_ratio=100.0)])
def test_plan_rejects_budgets_that_cannot_be_met(kw):
    with pytest.raises(ValueError):
        plan_grid(**kw)


def test_param_count_counts_every_parameter():
    lang = SyntheticLanguage()
    for w, d in ((8, 1), (16, 2), (48, 3)):
        p = init_params(0, w, d, lang.vocab_size, lang.seq_len)
        import jax

        n = sum(x.size for x in jax.tree_util.tree_leaves(p))
        assert n == param_count(w, d, lang.vocab_size, lang.seq_len)


# --------------------------------------------------------------------------- training
# One compiled shape for every in-process training of this module (XLA compilation, not the steps, is what
# costs: about 7 s of CPU per shape): a small language with few facts, so that 200 steps learn some of them
# (the sampling test needs answers with probabilities from near 0 to above 0.6).
FEW_FACTS = dict(n_entities=4, zipf=0.0, mix=(0.8, 0.1, 0.1))
TINY = dict(width=16, depth=1, tokens=2e5)


@pytest.fixture(scope="module")
def tiny_runs():
    """Three runs of one shape: seed 0 twice (must be bitwise identical) and seed 2; trained once per module."""
    lang = SyntheticLanguage(**FEW_FACTS)
    a = train(**TINY, seed=0, language=lang)
    b = train(**TINY, seed=0, language=lang)
    c = train(**TINY, seed=2, language=lang)
    return a, b, c


def test_same_seed_is_bitwise_identical(tiny_runs):
    a, b, c = tiny_runs
    assert a.val_loss == b.val_loss
    assert np.array_equal(a.answer_logprob, b.answer_logprob) and np.array_equal(a.curve_loss, b.curve_loss)
    assert all(np.array_equal(x, y) for x, y in zip(a.params["blocks"][0].values(), b.params["blocks"][0].values()))
    assert a.val_loss != c.val_loss


def test_training_learns_and_stays_above_the_entropy(tiny_runs):
    a = tiny_runs[0]
    H = SyntheticLanguage(**FEW_FACTS).entropy()
    assert a.curve_loss[-1] < a.curve_loss[0] - 0.5
    assert H < a.val_loss < a.curve_loss[0]
    assert a.D == a.steps * 64 * 16 and abs(a.D - TINY["tokens"]) <= 512


def test_answer_probability_matches_sampling_frequency(tiny_runs):
    """p_i from one teacher-forced pass equals the frequency with which sampling reproduces the gold answer."""
    lang = SyntheticLanguage(**FEW_FACTS)  # few facts: learnt in 200 steps
    res = tiny_runs[0]
    p = np.exp(res.answer_logprob)
    idx = np.array([np.argmin(np.abs(p - t)) for t in (0.8, 0.5, 0.25, 0.05)])
    assert p[idx].max() > 0.6 and p[idx].min() < 0.1
    n = 4000
    freq = sample_answers(res.params, lang, idx, n_samples=n, seed=3)
    assert np.all(np.abs(freq - p[idx]) < 4 * np.sqrt(p[idx] * (1 - p[idx]) / n))


@pytest.mark.parametrize("kw", [dict(width=0), dict(width=50), dict(depth=0), dict(tokens=-1.0),
                                dict(tokens=np.inf), dict(seed=-1), dict(lr=0.0), dict(warmup=1.0),
                                dict(batch_size=0), dict(language="x")])
def test_train_rejects_bad_input(kw):
    args = dict(width=8, depth=1, tokens=1e3)
    args.update(kw)
    with pytest.raises(ValueError):
        train(**args)


# --------------------------------------------------------------------------- grid and cache
def test_cache_hit_and_miss(tmp_path, monkeypatch, xla_cache):
    # fresh run caches; XLA's compiled programs (the cache's `xla` folder) shared by all of them and kept between
    # sessions: compiling is what costs, and a program read from the cache runs to the same bits
    for d in (tmp_path, tmp_path / "other"):
        d.mkdir(exist_ok=True)
        (d / "xla").symlink_to(xla_cache / "pinned", target_is_directory=True)
    plan = plan_grid([3e8], widths=(4, 8), depth=1, ratio_range=(1.0, 1000.0), overtrained_ratio=1000.0,
                     overtrained_budgets=[], min_steps=20, min_isoflop_runs=2)
    first = run_grid(plan, seed=0, workers=2, cache_dir=tmp_path, progress=False)  # two pinned processes
    assert len(first) == len(plan) == 2 and not first["cached"].any()
    again = run_grid(plan, seed=0, workers=1, cache_dir=tmp_path, progress=False)
    assert again["cached"].all()
    assert again["val_loss"].tolist() == first["val_loss"].tolist()
    # a single pinned worker (another cache) trains bitwise the same model as the pool of two
    alone = run_grid(plan.iloc[1:], seed=0, workers=1, cache_dir=tmp_path / "other", progress=False)
    assert not alone["cached"].any() and alone["val_loss"][0] == first["val_loss"][1]
    assert np.array_equal(alone["answer_logprob"][0], first["answer_logprob"][1])
    other = run_grid(plan.iloc[:1], seed=1, workers=1, cache_dir=tmp_path, progress=False)
    assert not other["cached"].any()  # another seed is another key
    monkeypatch.setenv(ENV_CACHE, str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"


@pytest.mark.parametrize("kw", [dict(plan="x"), dict(plan=pd.DataFrame()), dict(workers=0), dict(seed=-2),
                                dict(recipe=dict(momentum=0.9)), dict(platform="abacus")])
def test_run_grid_rejects_bad_input(kw, tmp_path):
    args = dict(plan=plan_grid([1e10], overtrained_budgets=[]), cache_dir=tmp_path)
    args.update(kw)
    with pytest.raises(ValueError):
        run_grid(**args)


# --------------------------------------------------------------------------- analysis
@settings(max_examples=200, deadline=None)
@given(st.floats(1e-8, 1 - 1e-8), st.floats(1.0, 1e4))
def test_neg_log_passk_is_the_formula(p, k):
    direct = -np.log(1 - (1 - p) ** k)
    got = neg_log_passk(np.log(p), k)
    assert np.isclose(got, direct, rtol=1e-6, atol=1e-12) or direct < 1e-10
    assert neg_log_passk(np.log(p), 2 * k) <= got
    assert np.isclose(passk(np.log(p), 1.0), p, rtol=1e-12)


def test_neg_log_passk_edges():
    assert neg_log_passk(0.0, 3.0) == 0.0  # p = 1
    assert np.isclose(passk(np.log(1e-20), 1e25), 1 - np.exp(-1e5))  # k p large, p tiny
    assert np.isclose(neg_log_passk(-800.0, 2.0), 800 - np.log(2.0))  # p below the smallest double: log space
    with pytest.raises(ValueError):
        neg_log_passk(0.5, 1.0)
    with pytest.raises(ValueError):
        neg_log_passk(-1.0, 0.0)


def test_relative_error_and_best_measured():
    assert np.allclose(relative_error([1.1, 2.0], [1.0, 2.0]), [0.1, 0.0])
    assert np.isclose(relative_error(1.1, 1.0, offset=9.0), 0.01)
    # two models: the small one answers with p = 0.1, the big one with p = 0.3; with C_inf = 20 the small one
    # draws k = 10 samples (pass@10 = 0.65) and the big one k = 2 (pass@2 = 0.51)
    lp = np.log([[0.1, 0.1], [0.3, 0.3]])
    out = best_measured([1.0, 5.0], lp, [20.0])
    assert out["N_k1"][0] == 5.0 and out["N_t2"][0] == 1.0 and np.isclose(out["acc_t2"][0], 1 - 0.9**10)
    with pytest.raises(ValueError):
        best_measured([1.0, 5.0], lp, [1.0])


def test_published_rq2_errors():
    """Roberts et al. (2026), Fig. 4: relative errors on the overtrained checkpoints, 2.8% (Approach 1) and 8.4%
    (Approach 2), as printed in the figure (exact transcription)."""
    from t2lib.lab.analysis import ROBERTS_2026_RQ2_REL_ERROR

    assert ROBERTS_2026_RQ2_REL_ERROR == {"approach1": 0.028, "approach2": 0.084}


def test_compare_at_budget_picks_the_runs():
    runs = pd.DataFrame(dict(C=[1.0] * 3, kind=["isoflop", "isoflop", "overtrained"], N=[10.0, 5.0, 1.0],
                             tokens_per_param=[1.0, 2.0, 900.0], val_loss=[1.0, 1.2, 1.5],
                             answer_logprob=[np.log([0.3, 0.3]), np.log([0.2, 0.2]), np.log([0.05, 0.05])]))
    out = compare_at_budget(runs, 20.0)
    # k = 1, 2, 10: pass@k = 0.3, 0.36, 0.40; the overtrained run wins
    assert out["N"].tolist() == [10.0, 1.0, 1.0]  # Chinchilla optimal, best overtrained, best at k = C_inf/(2N)
    np.testing.assert_allclose(out["acc_k"], [0.3, 1 - 0.95**10, 1 - 0.95**10])
    with pytest.raises(ValueError):
        compare_at_budget(runs, 5.0)  # the largest model cannot afford one sample
