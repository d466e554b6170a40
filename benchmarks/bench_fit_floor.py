"""Benchmark: how far t2lib's Approach-3 protocol is from the floor set by its own arithmetic.

The full protocol (Hoffmann's 4,500-start grid + 4,000 bootstrap refits, :mod:`t2lib.fit`) is a batched Newton
iteration. Every iteration of every start costs at least one objective/gradient/Hessian row, the value-only rows
of its line search and one 5 x 5 symmetric eigen-decomposition (the saddle-free step). This script

1. runs the protocol once in this process, counting the rows of each kind it evaluates (float32 and float64
   objective+derivatives, float32 and float64 value-only, eigen-decompositions), per start and per resample;
2. measures the cost of one row of each kind where it is cheapest: on all 4,500 rows at once, in cache-sized
   blocks, BLAS pinned to one thread, the median of ``--repeat`` repetitions;
3. prints the **floor** = sum over kinds of count x cost: the CPU time the protocol would take with no Python
   overhead, no small batches at the end of the iteration and no line-search bookkeeping, and the wall time if
   that floor were split perfectly over 2 cores, next to the measured protocol (one process and ``--workers``
   processes, CPU of the workers included) and the goal of 1.5 s wall on 2 cores.

It also counts the value-only rows and Newton iterations per start with the line search's former halving of a
rejected step, the shipped interpolation (``t2lib.fit._backtrack``) and the interpolation with the usual lower
safeguard of 0.1 t, and the grid's longest start and convergence count with and without the extension of steps
along negative curvature (``t2lib.fit._expand``).

The floor is a lower bound for *this* algorithm and these iteration counts, not for every algorithm; the
counts are printed so that another optimiser can be compared on the same footing.

Usage: ``T2LIB_DATA_DIR=... python benchmarks/bench_fit_floor.py [--repeat 5] [--workers 2]``
"""
from __future__ import annotations

import argparse
import resource
import time
from collections import Counter

import numpy as np
from threadpoolctl import threadpool_limits

from t2lib import fit
from t2lib.data import load_chinchilla

DELTA = 1e-3
N_BOOT = 4000
SEED = 42
GOAL_WALL = 1.5
CORES = 2


def _cpu() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


class _Counting:
    """Count the rows that ``_HuberProblem.fgh``/``f`` and the eigen-decompositions see (patched in place)."""

    def __init__(self) -> None:
        self.rows: Counter = Counter()
        self._orig = (fit._HuberProblem.fgh, fit._HuberProblem.f, fit.np.linalg.eigh)

    def __enter__(self):
        fgh0, f0, eigh0 = self._orig
        rows = self.rows

        def fgh(prob, theta, r, hessian=True):
            rows[("fgh" if hessian else "fg", prob.dtype.name)] += theta.shape[0]
            return fgh0(prob, theta, r, hessian)

        def f(prob, theta, r):
            rows[("f", prob.dtype.name)] += theta.shape[0]
            return f0(prob, theta, r)

        def eigh(H, *a, **k):
            rows[("eigh", "float64")] += H.shape[0] if H.ndim == 3 else 1
            return eigh0(H, *a, **k)

        fit._HuberProblem.fgh, fit._HuberProblem.f = fgh, f
        fit.np.linalg.eigh = eigh
        return self

    def __exit__(self, *exc):
        fit._HuberProblem.fgh, fit._HuberProblem.f, fit.np.linalg.eigh = self._orig


def _median_time(fn, repeat: int) -> float:
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="repetitions of every timing (medians shown)")
    ap.add_argument("--workers", type=int, default=CORES, help="processes for the measured protocol")
    args = ap.parse_args()

    df = load_chinchilla()
    df = df[~df["outlier"]]
    N, D, L = (df[c].to_numpy() for c in ("N", "D", "loss"))
    lN, lD, lL, delta = fit._prepare(N, D, L, DELTA)
    grid = fit.hoffmann_grid()
    W = fit.resample_counts(len(L), N_BOOT, SEED, scheme="epoch")

    with threadpool_limits(1):
        # 1. the protocol's own counts (one process, so that every row is seen here)
        with _Counting() as cg:
            best = fit.fit_chinchilla(N, D, L, delta=DELTA)
        with _Counting() as cb:
            fit.bootstrap_chinchilla(N, D, L, n_resamples=N_BOOT, seed=SEED, scheme="epoch", start=best.theta)

        # 2. cost of one row of each kind, on every start at once (the cheapest batch the iteration sees)
        rows = np.arange(grid.shape[0])
        probs = {dt: fit._HuberProblem(lN, lD, lL, delta, dtype=dt) for dt in ("float32", "float64")}
        _, _, H = probs["float64"].fgh(grid, rows)
        H = np.where(np.isfinite(H), H, 0.0)
        cost = {("eigh", "float64"): _median_time(lambda: np.linalg.eigh(H), args.repeat) / grid.shape[0]}
        for dt, p in probs.items():
            cost[("fgh", dt)] = _median_time(lambda p=p: p.fgh(grid, rows), args.repeat) / grid.shape[0]
            cost[("fg", dt)] = _median_time(lambda p=p: p.fgh(grid, rows, False), args.repeat) / grid.shape[0]
            cost[("f", dt)] = _median_time(lambda p=p: p.f(grid, rows), args.repeat) / grid.shape[0]

        # the line search's shrinking rule: halving (0.5 t, what it was) against the shipped interpolation
        shrink = {}
        for lo in (0.5, fit._BACKTRACK_MIN, 0.1):
            kept, fit._BACKTRACK_MIN = fit._BACKTRACK_MIN, lo
            try:
                with _Counting() as cl:
                    st = fit._minimize_huber(lN, lD, lL, delta, grid, 500)
            finally:
                fit._BACKTRACK_MIN = kept
            value_rows = sum(n for (kind, _), n in cl.rows.items() if kind == "f")
            shrink[lo] = (value_rows / grid.shape[0], float(st.n_iter.mean()))

        # the extension of steps along negative curvature: off (_MAX_EXPAND = 0) against the shipped setting
        expand = {}
        for m in (0, fit._MAX_EXPAND):
            kept, fit._MAX_EXPAND = fit._MAX_EXPAND, m
            try:
                st = fit._minimize_huber(lN, lD, lL, delta, grid, 500)
            finally:
                fit._MAX_EXPAND = kept
            expand[m] = (int(st.n_iter.max()), int(st.converged.sum()), float(st.n_iter.mean()))

        # 3. the protocol as a user runs it, measured
        runs = []
        for w in (1, args.workers):
            t, c = time.perf_counter(), _cpu()
            b = fit.fit_chinchilla(N, D, L, delta=DELTA, workers=w)
            fit.bootstrap_chinchilla(N, D, L, n_resamples=N_BOOT, seed=SEED, scheme="epoch", start=b.theta,
                                     workers=w)
            runs.append((w, time.perf_counter() - t, _cpu() - c))

    print("Conditions: BLAS pinned to 1 thread; row costs are medians of "
          f"{args.repeat} timings on all {grid.shape[0]:,} rows at once; counts from one run in this process.")
    print(f"{'row kind':<18}{'us/row':>8}{'grid rows/start':>17}{'boot rows/resample':>20}{'floor CPU-s':>13}")
    floor = 0.0
    for key in sorted(set(cg.rows) | set(cb.rows)):
        us = cost[key] * 1e6
        ng, nb = cg.rows[key], cb.rows[key]
        secs = cost[key] * (ng + nb)
        floor += secs
        print(f"{key[0] + ' ' + key[1]:<18}{us:8.2f}{ng / grid.shape[0]:17.1f}{nb / N_BOOT:20.1f}{secs:13.2f}")
    print(f"floor (no overhead): {floor:.2f} CPU-s; split perfectly over {CORES} cores: {floor / CORES:.2f} s wall")
    for w, wall, cpu in runs:
        print(f"measured, {w} process(es): {wall:.2f} s wall, {cpu:.2f} CPU-s ({cpu / floor:.2f}x the floor's CPU)")
    (v_half, it_half), (v_new, it_new), (v_01, it_01) = (shrink[x] for x in (0.5, fit._BACKTRACK_MIN, 0.1))
    print(f"line search on the grid, per start: halving {v_half:.1f} value-only rows and {it_half:.1f} Newton "
          f"iterations; interpolation within [{fit._BACKTRACK_MIN} t, 0.5 t] (shipped) {v_new:.1f} and {it_new:.1f} "
          f"({1 - v_new / v_half:.0%} fewer value-only rows); within [0.1 t, 0.5 t] {v_01:.1f} and {it_01:.1f}")
    (mx0, cv0, mean0), (mx1, cv1, mean1) = expand[0], expand[fit._MAX_EXPAND]
    print(f"steps along negative curvature: not extended, the longest start takes {mx0} iterations (maxiter 500), "
          f"{cv0} of {grid.shape[0]:,} converge, {mean0:.1f} on average; extended (up to 2^{fit._MAX_EXPAND}) {mx1}, "
          f"{cv1}, {mean1:.1f}")
    verdict = "below" if floor / CORES <= GOAL_WALL else "above"
    print(f"goal: full protocol <= {GOAL_WALL} s wall on {CORES} cores; the floor's perfect split is {verdict} it "
          f"({floor / CORES:.2f} s)")


if __name__ == "__main__":
    main()
