"""Baselines of the chapter-9 modules (t2lib.t2.targets, .fit, .holdout, .fitted) for tests/api_fuzz.py."""
from __future__ import annotations

import numpy as np
import pandas as pd

T2FIT_RECORDS = {
    "t2lib.t2.fit.LSQResult", "t2lib.t2.fit.T2Fit", "t2lib.t2.fit.T2Bootstrap", "t2lib.t2.fit.T2AccuracyFit",
    "t2lib.t2.fit.T2CoupledFit", "t2lib.t2.fit.CoupledBootstrap", "t2lib.t2.targets.PasskCube",
    "t2lib.t2.holdout.Holdout",
}


def _t2_samples(D_values=(1e9, 1e11)) -> pd.DataFrame:
    """Per-problem counts of 8 checkpoints x 16 problems x 64 samples from a known Approach-2 law (fast fits)."""
    from t2lib.laws import ChinchillaLaw
    from t2lib.t2 import T2AccuracyLaw

    law = T2AccuracyLaw(loss_law=ChinchillaLaw(E=1.2, A=300.0, B=900.0, alpha=0.34, beta=0.3), theta0=2.4,
                        theta1=3.0, theta2=0.8, theta3=1.0, theta4=0.4)
    rng = np.random.default_rng(0)
    rows = []
    for N in (1e7, 1e8, 1e9, 1e10):
        for D in D_values:
            a, b = law.beta_params(N, D)
            c = rng.binomial(64, rng.beta(a, b, size=16))
            rows.append(pd.DataFrame({"model": f"m{N:.0e}", "N": N, "D": D, "problem": np.arange(16), "n": 64,
                                      "c": c}))
    return pd.concat(rows, ignore_index=True)


def t2fit_cases(cs: dict, Fresh) -> None:
    """Add the baselines of the chapter-9 modules to ``cs``."""
    from t2lib.laws import ChinchillaLaw
    from t2lib.t2 import fit as F
    from t2lib.t2 import holdout as H
    from t2lib.t2 import targets as T

    samples = _t2_samples()
    k = np.array([1, 2, 4, 8])
    table = T.passk_targets(samples, k)
    table = table[table["pass_at_k"] < 1].reset_index(drop=True)
    S = Fresh(lambda: samples.copy())
    Tb = Fresh(lambda: table.copy())
    cube = T.passk_cube(samples, k)
    cs["t2lib.t2.targets.k_grid"] = dict(samples=S, k_max=None)
    for q in ("passk_targets", "solved_mean_neg_log", "passk_cube"):
        cs[f"t2lib.t2.targets.{q}"] = dict(samples=S, k=k)
    cs["t2lib.t2.targets.thin_samples"] = dict(samples=S, n=32, seed=0, __accept__={"seed": {"zero"}})
    cs["t2lib.t2.targets.select_checkpoints"] = dict(
        table=Tb, min_tokens=1e9, max_k=None, exclude_models=(), max_tokens=None,
        __accept__={"min_tokens": {"zero"}, "exclude_models": {"empty"}})
    for m in ("targets", "mean_passk"):
        cs[f"t2lib.t2.targets.PasskCube.{m}"] = dict(weights=np.ones(cube.problems.size), __instance__=cube)
    cs["t2lib.t2.targets.k_gain"] = dict(table=Tb, k_lo=1, k_hi=None)

    def f1(x, rows, jac=True):
        r = x - 1.0
        return (r, np.ones(r.shape + (1,))) if jac else r

    cs["t2lib.t2.fit.least_squares_batched"] = dict(
        resid_jac=f1, x0=np.zeros((2, 1)), lo=np.array([-5.0]), hi=np.array([5.0]), weights=None, maxiter=20,
        ftol=1e-12, gtol=1e-10, fixed=None)
    cs["t2lib.t2.fit.fit_t2"] = dict(table=Tb, n_starts=4, seed=0, bounds=None, weights=None, maxiter=20, fix=None,
                                     __accept__={"seed": {"zero"}})
    cs["t2lib.t2.fit.fit_chinchilla_sse"] = dict(table=Fresh(lambda: pd.concat([table] * 3, ignore_index=True)),
                                                 n_starts=4, seed=0, bounds=None, weights=None,
                                                 __accept__={"seed": {"zero"}})
    a1 = F.fit_t2(table, n_starts=4, maxiter=20)
    cs["t2lib.t2.fit.T2Fit.predict"] = dict(table=Tb, __instance__=a1)
    cs["t2lib.t2.fit.T2Fit.bootstrap"] = dict(samples=None, n_resamples=5, seed=0, maxiter=10, __instance__=a1,
                                              __accept__={"seed": {"zero"}})
    boot = a1.bootstrap(n_resamples=5, maxiter=10)
    for m in ("laws", "params"):
        cs[f"t2lib.t2.fit.T2Bootstrap.{m}"] = dict(__instance__=boot)
    cs["t2lib.t2.fit.T2Bootstrap.interval"] = dict(level=0.9, __instance__=boot)
    cs["t2lib.t2.fit.T2Bootstrap.optima"] = dict(C_train=np.array([1e19, 1e20]), C_inf=2e9, __instance__=boot)
    cs["t2lib.t2.fit.T2Bootstrap.bands"] = dict(C_train=np.array([1e19, 1e20]), C_inf=2e9, level=0.9,
                                                __instance__=boot)
    cs["t2lib.t2.fit.fit_t2_accuracy"] = dict(table=Tb, samples=S, method="likelihood", n_refine=2, stage1=None,
                                              seed=0, maxiter=10, __accept__={"seed": {"zero"}})
    loss = ChinchillaLaw(E=1.2, A=300.0, B=900.0, alpha=0.34, beta=0.3)
    a2 = F.fit_t2_accuracy(table, samples, n_refine=2, stage1=loss, maxiter=10)
    for m in ("predict", "predict_pass_at_k"):
        cs[f"t2lib.t2.fit.T2AccuracyFit.{m}"] = dict(table=Tb, __instance__=a2)
    cs["t2lib.t2.fit.coupled_law"] = dict(loss_law=loss, shape=0.8)
    cs["t2lib.t2.fit.fit_t2_coupled"] = dict(table=Tb, n_starts=4, seed=0, maxiter=20, __accept__={"seed": {"zero"}})
    cp = F.fit_t2_coupled(table, n_starts=4, maxiter=20)
    cs["t2lib.t2.fit.T2CoupledFit.predict"] = dict(table=Tb, __instance__=cp)
    cs["t2lib.t2.fit.T2CoupledFit.bootstrap"] = dict(samples=None, n_resamples=4, seed=0, maxiter=10, __instance__=cp,
                                                     __accept__={"seed": {"zero"}})
    cboot = cp.bootstrap(n_resamples=4, maxiter=10)
    cs["t2lib.t2.fit.CoupledBootstrap.laws"] = dict(__instance__=cboot)
    cs["t2lib.t2.fit.CoupledBootstrap.bands"] = dict(C_train=np.array([1e19, 1e20]), C_inf=2e9, level=0.9,
                                                     min_samples=1.0, N_min=1e6, __instance__=cboot)
    cs["t2lib.t2.fit.nearest_checkpoint_baseline"] = dict(train=Tb, test=Fresh(lambda: table.iloc[:5].copy()))
    cs["t2lib.t2.fit.prediction_errors"] = dict(pred=np.array([1.1, 1.8]), obs=np.array([1.0, 2.0]),
                                                __accept__={"pred": {"zero", "negative"}})
    cs["t2lib.t2.fit.log_beta_ratio"] = dict(a=np.array([0.5, 0.8]), b=np.array([3.0, 1e5]), k=np.array([2.0, 8.0]),
                                             __accept__={"k": {"zero"}})
    cs["t2lib.t2.holdout.holdout_split"] = dict(table=Tb, by="D", max_value=1e10)
    s16 = _t2_samples((1e9, 3e9, 1e10, 1e11))
    t16 = T.passk_targets(s16, k)
    t16 = t16[t16["pass_at_k"] < 1].reset_index(drop=True)
    cs["t2lib.t2.holdout.run_holdout"] = dict(table=Fresh(lambda: t16.copy()), samples=Fresh(lambda: s16.copy()),
                                              by="D", max_value=2e10, n_starts=2, seed=0,
                                              __accept__={"seed": {"zero"}})
    cs["t2lib.t2.holdout.selection_sweep"] = dict(table=Tb, selections={"all": {"min_tokens": 0}},
                                                  C_train=np.array([1e19, 1e20]), C_inf=2e9, n_starts=2, seed=0,
                                                  law="approach1", __accept__={"seed": {"zero"}})
    cs["t2lib.t2.fitted.refit"] = dict(name="pythia-gsm8k-approach1")
