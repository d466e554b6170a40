"""Benchmark: the vectorised inference-aware solver against a per-value scalar root loop.

Solves ``n`` demand values (default 1e5, log-spaced from 1e6 to 1e18 lifetime inference tokens, at the loss of
30B-Chinchilla quality under the SARDANA_2024 coefficients) with :func:`t2lib.inference.inference_optimal`, then
runs ``scipy.optimize.brentq`` value by value on the same root equation in ``ln D`` over a subsample (default every
10th value; ``--loop-all`` runs all of them) and reports the per-value times, the extrapolated speed-up and the
largest relative disagreement.

Usage: ``python benchmarks/bench_inference.py [--n 100000] [--loop-every 10] [--loop-all]``
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import brentq

from t2lib.inference import chinchilla_quality_loss, inference_optimal
from t2lib.laws import SARDANA_2024

GOAL_SECONDS = 1.0


def scalar_solve(law, ell: float, dinf: float) -> tuple[float, float]:
    """Reference: bracket and brentq the equation B(1+b/a) D^-b + (b B Dinf/(3a)) D^-(b+1) = ell - E in ln D."""
    gap = ell - law.E
    c1 = law.B * (1.0 + law.beta / law.alpha)
    c2 = dinf * law.beta * law.B / (3.0 * law.alpha)

    def f(logd: float) -> float:
        d = np.exp(logd)
        return c1 * d ** (-law.beta) + c2 * d ** (-law.beta - 1.0) - gap

    lo = np.log(law.B / gap) / law.beta  # N -> infinity here, f(lo) > 0
    hi = lo + 1.0
    while f(hi) > 0:
        hi += 5.0
    d = float(np.exp(brentq(f, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps)))
    n = (law.A / (gap - law.B * d ** (-law.beta))) ** (1.0 / law.alpha)
    return n, d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="number of demand values")
    ap.add_argument("--loop-every", type=int, default=10, help="scalar loop runs on every k-th value")
    ap.add_argument("--loop-all", action="store_true", help="run the scalar loop on all values")
    args = ap.parse_args()

    law = SARDANA_2024
    ell = float(chinchilla_quality_loss(law, 30e9))
    dinf = np.geomspace(1e6, 1e18, args.n)

    inference_optimal(law, ell, dinf[:10])  # warm-up
    best = np.inf
    for _ in range(3):
        t0 = time.perf_counter()
        n_vec, d_vec = inference_optimal(law, ell, dinf)
        best = min(best, time.perf_counter() - t0)

    idx = np.arange(0, args.n, 1 if args.loop_all else args.loop_every)
    t0 = time.perf_counter()
    ref = np.array([scalar_solve(law, ell, float(dinf[i])) for i in idx])
    t_loop = time.perf_counter() - t0
    per_loop = t_loop / idx.size

    err = max(
        np.max(np.abs(n_vec[idx] / ref[:, 0] - 1)),
        np.max(np.abs(d_vec[idx] / ref[:, 1] - 1)),
    )
    print(f"vectorised inference_optimal: {args.n} demand values in {best:.4f} s "
          f"({best / args.n * 1e6:.2f} us/value; goal <= {GOAL_SECONDS} s: {'met' if best <= GOAL_SECONDS else 'MISSED'})")
    print(f"scalar brentq loop:           {idx.size} values in {t_loop:.3f} s ({per_loop * 1e6:.1f} us/value; "
          f"{per_loop * args.n:.2f} s extrapolated to {args.n})")
    print(f"speed-up (per value):         {per_loop / (best / args.n):.0f}x")
    print(f"max relative difference:      {err:.2e}")


if __name__ == "__main__":
    main()
