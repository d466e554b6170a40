"""Benchmark: the Approach-1 T² fit from many starts (chapter 9) against scipy's bounded least squares.

Runs, in one process, with one BLAS thread for both, on the chapter's GSM8K table (54 Pythia checkpoints x 8 k):

- **reference**: ``scipy.optimize.least_squares(method="trf")`` once per start, with the same analytic Jacobian,
  the same box and the same starts (a Python loop over starts, which is what the paper's "500 L-BFGS-B restarts"
  amount to);
- **t2lib**: :func:`t2lib.t2.fit.fit_t2` (projected Levenberg-Marquardt, every start a row of one array).

It prints both times, their ratio and the best SSE of each (they must agree to 1e-6 relative).

Usage: ``T2LIB_DATA_DIR=... python benchmarks/bench_t2_fit.py [--starts 128] [--repeat 3]``
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import least_squares
from threadpoolctl import threadpool_limits

from t2lib.data import load_pythia_samples
from t2lib.t2.fit import _a1_resid_jac, _bounds, fit_t2, t2_random_starts
from t2lib.t2.targets import k_grid, passk_targets, select_checkpoints


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=128)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    s = load_pythia_samples("GSM8K", checkpoints=True)
    t = select_checkpoints(passk_targets(s, k_grid(s)))
    y = t["target"].to_numpy(float)
    lN, lD, lk = (np.log(t[c].to_numpy(float)) for c in ("N", "D", "k"))
    fun = _a1_resid_jac(lN, lD, lk, y)
    lo, hi = _bounds(None, float(y.min()))
    x0 = t2_random_starts(args.starts, float(y.min()), float(y.max()), 0)
    with threadpool_limits(limits=1, user_api="blas"):
        best_t2, t_t2 = np.inf, np.inf
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            fit = fit_t2(t, n_starts=args.starts, seed=0)
            t_t2 = min(t_t2, time.perf_counter() - t0)
            best_t2 = fit.objective
        t_ref, best_ref = np.inf, np.inf
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            vals = []
            for x in x0:  # the reference: one scipy solve per start
                r = least_squares(lambda p: fun(p[None, :], np.arange(1), jac=False)[0], x,
                                  jac=lambda p: fun(p[None, :], np.arange(1))[1][0], bounds=(lo, hi),
                                  method="trf", ftol=1e-12, xtol=1e-12, gtol=1e-10, max_nfev=2000)
                vals.append(2 * r.cost)
            t_ref = min(t_ref, time.perf_counter() - t0)
            best_ref = min(vals)
    print(f"{args.starts} starts, {len(t)} points, best of {args.repeat} runs, 1 BLAS thread")
    print(f"  scipy least_squares (trf), loop over starts: {t_ref:8.3f} s   best SSE {best_ref:.10g}")
    print(f"  t2lib fit_t2 (batched projected LM):         {t_t2:8.3f} s   best SSE {best_t2:.10g}")
    print(f"  speed-up: {t_ref / t_t2:.1f}x")
    assert abs(best_t2 - best_ref) <= 1e-6 * best_ref, "the two solvers disagree on the optimum"


if __name__ == "__main__":
    main()
