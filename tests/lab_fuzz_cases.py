"""Baselines of the chapter-10 lab (t2lib.lab) for tests/api_fuzz.py (used only when JAX is importable)."""
from __future__ import annotations

import numpy as np
import pandas as pd

LAB_RECORDS = {"t2lib.lab.train.TrainResult", "t2lib.lab.language.Questions"}


def lab_cases(cs: dict, Fresh) -> None:
    """Add the baselines of the lab's modules to ``cs`` (cheap ones: one-step trainings, tiny models)."""
    from t2lib.lab import SyntheticLanguage
    from t2lib.lab.model import init_params

    lang = SyntheticLanguage()
    params = init_params(0, 4, 1, lang.vocab_size, lang.seq_len)
    toks = lang.sample(4, seed=0)[0]
    lp = np.log(np.array([[0.1, 0.5, 0.9], [0.2, 0.3, 0.01]]))
    runs = pd.DataFrame(dict(C=[1.0] * 3, kind=["isoflop", "isoflop", "overtrained"], N=[10.0, 5.0, 1.0],
                             D_trained=[1.0, 2.0, 3.0], tokens_per_param=[1.0, 2.0, 900.0],
                             val_loss=[1.0, 1.2, 1.5],
                             answer_logprob=[np.log([0.3, 0.3]), np.log([0.2, 0.2]), np.log([0.05, 0.05])]))
    ints = {"non_integer", "zero"}
    cs["t2lib.lab.language.SyntheticLanguage"] = dict(seed=0, n_entities=8, n_relations=2, zipf=1.0,
                                                      mix=(0.5, 0.25, 0.25), max_copy=3, n_filler=4,
                                                      filler_concentration=0.5, seq_len=16, n_add_questions=4,
                                                      n_copy_questions=4, __accept__={"zipf": {"zero"}})
    for m in ("entropy", "questions"):
        cs[f"t2lib.lab.language.SyntheticLanguage.{m}"] = dict(__instance__=lang)
    cs["t2lib.lab.language.SyntheticLanguage.sample"] = dict(n=8, seed=1, __instance__=lang,
                                                             __accept__={"seed": {"zero"}})
    cs["t2lib.lab.language.SyntheticLanguage.describe"] = dict(tokens=toks, __instance__=lang)
    cs["t2lib.lab.model.param_count"] = dict(width=8, depth=1, vocab=48, seq_len=16)
    cs["t2lib.lab.model.attention_flop_fraction"] = dict(width=8, depth=1, vocab=48, seq_len=16)
    # sample_answers: the smallest model (train is skipped in api_fuzz.SKIP: tests/test_lab.py checks its errors)
    cs["t2lib.lab.train.sample_answers"] = dict(params=params, language=lang, index=np.array([0]), n_samples=2,
                                                seed=0, __accept__={"seed": {"zero"}})
    cs["t2lib.lab.train.answer_logprob"] = dict(params=params, language=lang)
    cs["t2lib.lab.grid.plan_grid"] = dict(budgets=np.array([1e10, 3e10]), widths=(8, 12, 16, 24, 32), depth=2,
                                          ratio_range=(2.0, 300.0), overtrained_ratio=300.0,
                                          overtrained_budgets=None, min_steps=40, min_isoflop_runs=3,
                                          language=lang, batch_size=64)
    cs["t2lib.lab.grid.plan_grid"]["__accept__"] = {"overtrained_budgets": {"empty"}}  # empty: no overtrained runs
    cs["t2lib.lab.grid.run_grid"] = _run_grid_baseline(lang)
    cs["t2lib.lab.analysis.log1mexp"] = dict(x=np.array([-1e-3, -1.0, -50.0]))
    for f in ("neg_log_passk", "passk"):
        cs[f"t2lib.lab.analysis.{f}"] = dict(logp=lp, k=np.array([1.0, 4.0, 100.0]),
                                             __accept__={"logp": {"zero", "negative"}})  # log p <= 0 is valid
    cs["t2lib.lab.analysis.task_table"] = dict(runs=Fresh(lambda: runs.copy()), ks=np.array([1.0, 8.0]))
    cs["t2lib.lab.analysis.relative_error"] = dict(pred=np.array([1.1, 2.0]), obs=np.array([1.0, 2.5]),
                                                   offset=1.0, __accept__={"offset": {"zero"}, "pred": {"zero"}})
    cs["t2lib.lab.analysis.nearest_run_prediction"] = dict(fit_N=np.array([1e3, 1e4]), fit_D=np.array([1e5, 1e6]),
                                                           fit_logp=lp[:, :2], N=np.array([2e3]),
                                                           D=np.array([3e6]), k=np.array([5.0]))
    cs["t2lib.lab.analysis.best_measured"] = dict(N=np.array([1.0, 5.0]), logp=lp[:, :2],
                                                  c_inf=np.array([20.0, 200.0]),
                                                  __accept__={"c_inf": {"shape"}})  # any number of budgets
    cs["t2lib.lab.analysis.compare_at_budget"] = dict(runs=Fresh(lambda: runs.copy()), c_inf=20.0)


def _run_grid_baseline(lang) -> dict:
    """A one-run plan whose result is already in a temporary cache, so that the baseline call of run_grid reads it
    instead of starting workers. The stored run is an untrained model in the cache's format (what run_grid reads
    back is the file; training is tested in tests/test_lab.py): no XLA compilation here, about 7 s of CPU saved."""
    import tempfile

    from t2lib.lab import grid
    from t2lib.lab.model import init_params, param_count
    from t2lib.lab.train import RECIPE, TrainResult

    N = param_count(4, 1, lang.vocab_size, lang.seq_len)
    plan = pd.DataFrame(dict(kind=["isoflop"], C=[6.0 * N * 1024.0], width=[4], depth=[1], N=[N], D=[1024.0],
                             tokens_per_param=[1024.0 / N]))
    recipe = {"n_val": 8, "chunk": 1}
    rec = dict(RECIPE, **recipe)
    root = tempfile.mkdtemp(prefix="lab_fuzz_")
    config = grid._run_config(plan.iloc[0], 0, lang, rec)
    n_q = len(lang.questions())
    res = TrainResult(width=4, depth=1, N=N, D=1024, steps=1, val_loss=float(np.log(lang.vocab_size)),
                      answer_logprob=np.full(n_q, -10.0), curve_tokens=np.array([1024.0]),
                      curve_loss=np.array([float(np.log(lang.vocab_size))]), seconds=0.0, cpu_seconds=0.0,
                      params=init_params(0, 4, 1, lang.vocab_size, lang.seq_len), config=config)
    grid._save(grid.Path(root) / f"run-{grid.cache_key(config)}.npz", res, config)
    return dict(plan=plan, seed=0, workers=1, cache_dir=root, language=lang, recipe=recipe, progress=False,
                platform="cpu", __accept__={"seed": {"zero"}, "cache_dir": {"string", "none"}, "language": {"none"},
                                            "recipe": {"none"}},
                # valid values that are another cache or another configuration: they would train (minutes)
                __skip__={"cache_dir": {"string", "none"}, "language": {"none"}, "recipe": {"none"}})
