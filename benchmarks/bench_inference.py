"""Benchmark: the vectorised inference-aware solver against two scipy references, measured in one process.

Solves ``n`` demand values (default 1e5, log-spaced from 1e6 to 1e18 lifetime inference tokens, at the loss of
30B-Chinchilla quality under the SARDANA_2024 coefficients) three ways, on the same root equation in ``u = ln D``,

.. math:: g(u) = B(1+\\beta/\\alpha)\\,e^{-\\beta u} + \\frac{\\beta B D_\\mathrm{inf}}{3\\alpha} e^{-(\\beta+1)u} - (\\ell - E) = 0:

- **t2lib**: :func:`t2lib.inference.inference_optimal` (bracketed monotone Newton on :math:`\\ln y`, all values at
  once);
- **scipy (fair)**: ``scipy.optimize.newton`` on the whole array at once, with the analytic derivative, started at
  the Chinchilla point (:math:`D_\\mathrm{inf} = 0`), where the convex decreasing :math:`g` is non-negative, so
  Newton converges monotonically;
- **scipy brentq loop**: ``scipy.optimize.brentq`` value by value (what one writes first), on **every** value by
  default (``--sample K``: an unbiased random sample of K values, its time scaled by n/K, stated).

BLAS is pinned to one thread on every side (``threadpoolctl``); every side runs ``--repeat`` times, interleaved
(t2lib, scipy, loop, t2lib, ...), and the medians are compared, so load on the shared machine hits all alike.
The chinchilla package (requirements/bench.txt) has no inference-aware solver, so it is not a reference here.

Usage: ``python benchmarks/bench_inference.py [--n 100000] [--repeat 3] [--sample K]``
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import brentq, newton
from threadpoolctl import threadpool_limits

from t2lib.inference import chinchilla_quality_loss, inference_optimal
from t2lib.laws import SARDANA_2024

GOAL_SECONDS = 1.0


def _coefficients(law, ell, dinf):
    gap = ell - law.E
    c1 = law.B * (1.0 + law.beta / law.alpha)
    c2 = dinf * law.beta * law.B / (3.0 * law.alpha)
    return gap, c1, c2


def _n_from_d(law, gap, d):
    return (law.A / (gap - law.B * d ** (-law.beta))) ** (1.0 / law.alpha)


def scipy_newton(law, ell: float, dinf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fair reference: vectorised scipy Newton with the analytic derivative, from the Chinchilla point."""
    gap, c1, c2 = _coefficients(law, ell, dinf)
    b = law.beta

    def g(u):
        return c1 * np.exp(-b * u) + c2 * np.exp(-(b + 1.0) * u) - gap

    def dg(u):
        return -b * c1 * np.exp(-b * u) - (b + 1.0) * c2 * np.exp(-(b + 1.0) * u)

    u0 = np.full(dinf.shape, np.log(c1 / gap) / b)  # D_chin(ell): g(u0) = c2 e^{-(b+1)u0} >= 0
    u = newton(g, u0, fprime=dg, tol=1e-14, maxiter=100)
    d = np.exp(u)
    return _n_from_d(law, gap, d), d


def scalar_solve(law, ell: float, dinf: float) -> tuple[float, float]:
    """Naive reference: bracket and brentq, one value at a time."""
    gap, c1, c2 = _coefficients(law, ell, dinf)

    def f(logd: float) -> float:
        d = np.exp(logd)
        return c1 * d ** (-law.beta) + c2 * d ** (-law.beta - 1.0) - gap

    lo = np.log(law.B / gap) / law.beta  # N -> infinity here, f(lo) > 0
    hi = lo + 1.0
    while f(hi) > 0:
        hi += 5.0
    d = float(np.exp(brentq(f, lo, hi, xtol=1e-14, rtol=4 * np.finfo(float).eps)))
    return _n_from_d(law, gap, d), d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="number of demand values")
    ap.add_argument("--repeat", type=int, default=3, help="repetitions of every side (interleaved; medians)")
    ap.add_argument("--sample", type=int, default=0, help="brentq loop on a random sample of K values (0 = all)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    law = SARDANA_2024
    ell = float(chinchilla_quality_loss(law, 30e9))
    dinf = np.geomspace(1e6, 1e18, args.n)
    idx = (np.sort(np.random.default_rng(args.seed).choice(args.n, args.sample, replace=False)) if args.sample
           else np.arange(args.n))

    times: dict[str, list[float]] = {"t2lib": [], "newton": [], "loop": []}
    with threadpool_limits(1):
        inference_optimal(law, ell, dinf[:10])  # warm-up (imports, caches) for both vectorised sides
        scipy_newton(law, ell, dinf[:10])
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            n_vec, d_vec = inference_optimal(law, ell, dinf)
            times["t2lib"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            n_nt, d_nt = scipy_newton(law, ell, dinf)
            times["newton"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            ref = np.array([scalar_solve(law, ell, float(dinf[i])) for i in idx])
            times["loop"].append((time.perf_counter() - t0) * args.n / idx.size)

    med = {k: float(np.median(v)) for k, v in times.items()}

    def rel(a, b):
        return float(np.max(np.abs(a / b - 1.0)))

    print("Conditions: BLAS pinned to 1 thread (threadpoolctl); "
          f"{args.repeat} interleaved repetition(s) per side, medians; shared, loaded machine (compare ratios).")
    print(f"t2lib inference_optimal : {args.n} values in {med['t2lib']:.4f} s ({med['t2lib'] / args.n * 1e6:.2f} us/value; "
          f"goal <= {GOAL_SECONDS} s: {'met' if med['t2lib'] <= GOAL_SECONDS else 'MISSED'})")
    print(f"scipy newton (vectorised, analytic derivative): {med['newton']:.4f} s "
          f"({med['newton'] / args.n * 1e6:.2f} us/value)")
    scope = "all values, measured" if idx.size == args.n else f"random sample of {idx.size} values, time x {args.n / idx.size:.0f}"
    print(f"scipy brentq loop       : {med['loop']:.2f} s ({scope}; {med['loop'] / args.n * 1e6:.1f} us/value)")
    print(f"ratios                  : scipy newton / t2lib = {med['newton'] / med['t2lib']:.1f}x; "
          f"brentq loop / t2lib = {med['loop'] / med['t2lib']:.0f}x")
    print(f"same optimum            : max relative difference vs newton {max(rel(n_vec, n_nt), rel(d_vec, d_nt)):.1e}, "
          f"vs brentq {max(rel(n_vec[idx], ref[:, 0]), rel(d_vec[idx], ref[:, 1])):.1e}")


if __name__ == "__main__":
    main()
