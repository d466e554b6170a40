"""Benchmark: training throughput of the lab's transformers against the machine's measured matmul FLOP rate.

For every width of the default ladder (depth 2, batch and sequence length of :data:`t2lib.lab.train.RECIPE`), times
compiled training chunks (after a warm-up that compiles them) and reports tokens per second (wall clock and CPU
time of this process), the training FLOP rate :math:`6N \\cdot \\text{tokens per CPU second}`, and that rate as a
fraction of two references measured in the same process with the same single-threaded XLA settings, also per CPU
second (so that other jobs on a shared machine do not distort the ratios): a large square float32 matmul (the
machine's practical peak on one core) and the matmul of the model's own MLP shape (``(batch * seq_len) x d`` times
``d x 4d``). Also reports the time of the first (compiling) call.

Usage: ``python benchmarks/bench_lab.py [--widths 8,16,32,64] [--chunks 8] [--repeats 3]``
"""
from __future__ import annotations

import argparse
import os
import time

import t2lib.lab  # noqa: F401  (sets single-threaded XLA before JAX is imported)
import jax
import jax.numpy as jnp
import numpy as np

from t2lib.lab import SyntheticLanguage, param_count
from t2lib.lab.model import init_params
from t2lib.lab.train import RECIPE, _compiled_chunk, _optimizer


def matmul_rate(m: int, k: int, n: int, repeats: int) -> float:
    """FLOPs per CPU second of a jitted float32 (m x k) @ (k x n), best of ``repeats`` timed batches of calls.

    CPU time of this (single-threaded) process rather than wall time, so that other jobs on the machine do not
    count against the rate; the training throughput below is compared on the same footing."""
    rng = np.random.default_rng(0)
    a = jnp.asarray(rng.standard_normal((m, k), dtype=np.float32))
    b = jnp.asarray(rng.standard_normal((k, n), dtype=np.float32))
    f = jax.jit(lambda x, y: x @ y)
    f(a, b).block_until_ready()
    calls = max(1, int(2e8 / (2 * m * k * n)))  # about 0.2 GFLOP per batch
    best = np.inf
    for _ in range(repeats):
        t0 = time.process_time()
        for _ in range(calls):
            out = f(a, b)
        out.block_until_ready()
        best = min(best, time.process_time() - t0)
    return 2 * m * k * n * calls / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--widths", default="8,12,16,24,32,48,64")
    ap.add_argument("--chunks", type=int, default=8, help="compiled chunks per timing")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    lang = SyntheticLanguage()
    V, T = lang.vocab_size, lang.seq_len
    B, chunk = RECIPE["batch_size"], RECIPE["chunk"]
    peak = matmul_rate(1024, 1024, 1024, args.repeats)
    print(f"XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r}; cores visible: {len(os.sched_getaffinity(0))}; "
          f"load average {os.getloadavg()[0]:.1f} (timings on a busy machine are lower bounds)")
    print(f"square 1024 matmul: {peak / 1e9:.1f} GFLOP/s (one thread, float32; remeasured at the end)")
    fn = _compiled_chunk(RECIPE["warmup"], RECIPE["final_lr"])
    data = lang.sample(args.chunks * chunk * B, seed=0)[0].reshape(args.chunks, chunk, B, T)
    print(f"{'width':>5} {'N':>8} {'first call s':>12} {'tokens/s':>10} {'tokens/s CPU':>12} "
          f"{'train GFLOP/s':>13} {'/ square':>8} {'MLP matmul GFLOP/s':>18} {'/ MLP':>6}  (GFLOP per CPU s)")
    rows = []
    for w in (int(x) for x in args.widths.split(",")):
        N = param_count(w, 2, V, T)
        params = init_params(0, w, 2, V, T)
        state = _optimizer().init(params)
        total, lr = jnp.asarray(10**9, jnp.int32), jnp.asarray(RECIPE["lr"], jnp.float32)
        t0 = time.perf_counter()
        params, state, l = fn(params, state, data[0], jnp.asarray(0, jnp.int32), total, lr)
        l.block_until_ready()
        first = time.perf_counter() - t0
        best_wall, best_cpu = np.inf, np.inf
        for _ in range(args.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            for c in range(args.chunks):
                params, state, l = fn(params, state, data[c], jnp.asarray(c * chunk, jnp.int32), total, lr)
            l.block_until_ready()
            best_wall = min(best_wall, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        tokens = args.chunks * chunk * B * T
        tps, tps_cpu = tokens / best_wall, tokens / best_cpu
        rate = 6 * N * tps_cpu  # training FLOPs per CPU second
        mlp = matmul_rate(B * T, w, 4 * w, args.repeats)
        rows.append((w, N, first, tps, tps_cpu, rate, mlp))
    peak = max(peak, matmul_rate(1024, 1024, 1024, args.repeats))  # the better of two measurements
    for w, N, first, tps, tps_cpu, rate, mlp in rows:
        print(f"{w:>5} {N:>8,} {first:>12.2f} {tps:>10,.0f} {tps_cpu:>12,.0f} {rate / 1e9:>13.2f} "
              f"{rate / peak:>8.1%} {mlp / 1e9:>18.2f} {rate / mlp:>6.1%}")
    print(f"square 1024 matmul at the end: best {peak / 1e9:.1f} GFLOP/s (the '/ square' column uses this)")
    print("'/ MLP' can exceed 100%: the other matmuls of a step are larger than the MLP's and run closer to peak")


if __name__ == "__main__":
    main()
