"""Benchmark: three costs of executing the chapters, each against the code it replaced, in one process.

Every pair runs the same inputs, interleaved (new, reference, new, ...) ``--repeat`` times with BLAS pinned to
one thread (``threadpoolctl``), and reports process CPU time (``time.process_time``) as a ratio. Each pair also
checks that both sides give the same result.

- **bands**: :meth:`t2lib.t2.fit.CoupledBootstrap.bands`-style optima of 200 resampled coupled laws at 36
  budgets: one batched golden-section search (``t2lib.t2.accuracy._accuracy_optima``) against one
  :func:`~t2lib.t2.accuracy.t2_accuracy_optimal` call per law (the code before; bitwise the same results).
- **beta ratio**: :math:`\\ln B(a, b+k)/B(a, b)` and its two derivatives at the coupled fit's trial points, as
  t2lib computes them (``_log_beta_ratio_grad``: the digammas of :math:`a+b` and :math:`a+b+k` shared by both
  derivatives) against the former separate computation of each term (``_dlog_reference``; bitwise the same).
- **figure**: a 2 x 2 log-log figure with math labels rendered to PNG as the inline backend does
  (``bbox_inches="tight"``), with the book style's shared mathtext cache against matplotlib's per-renderer
  cache (byte-identical PNGs), both starting cold: the gain within one figure (its measuring and drawing passes
  share the layouts); in a chapter the later figures also reuse the earlier ones' tick labels.

Usage: ``python benchmarks/bench_chapter_costs.py [--repeat 3]``
"""
from __future__ import annotations

import argparse
import io
import time
from dataclasses import replace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from t2lib.plotting import use_book_style  # noqa: E402
from t2lib.t2.accuracy import _accuracy_optima, t2_accuracy_optimal  # noqa: E402
from scipy import special  # noqa: E402

from t2lib.t2.fit import _db_large_b, _log_beta_ratio, _log_beta_ratio_grad, coupled_law  # noqa: E402
from t2lib.t2.fitted import ALL_FITTED  # noqa: E402


def _cpu(fn):
    t = time.process_time()
    out = fn()
    return time.process_time() - t, out


def _pair(name, new, ref, same, repeat):
    tn = tr = 0.0
    for _ in range(repeat):
        a, out_n = _cpu(new)
        b, out_r = _cpu(ref)
        tn, tr = tn + a, tr + b
    assert same(out_n, out_r), f"{name}: the two sides disagree"
    print(f"{name:12s} new {tn / repeat:7.3f} s   reference {tr / repeat:7.3f} s   reference/new = {tr / tn:5.1f}")


def bench_bands(repeat):
    base = ALL_FITTED["pythia-gsm8k-coupled"].law
    rng = np.random.default_rng(0)
    h = base.loss_law
    laws = [coupled_law(replace(h, alpha=h.alpha * (1 + 0.03 * rng.standard_normal()),
                                B=h.B * np.exp(0.2 * rng.standard_normal())),
                        float(np.exp(base.theta3) * (1 + 0.05 * rng.standard_normal()))) for _ in range(200)]
    C = np.geomspace(1e18, 1e25, 36)

    def new():
        return _accuracy_optima(laws, C, 2e9, min_samples=1, N_min=1e6)[0]

    def ref():
        return np.stack([t2_accuracy_optimal(law, C, 2e9, min_samples=1, N_min=1e6)[0] for law in laws])

    _pair("bands", new, ref, lambda a, b: a.tobytes() == b.tobytes(), repeat)


def _dlog_reference(a, b, k):
    """The derivatives as they were computed before t2lib shared the two digammas (each term on its own)."""
    a, b, k = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float), np.asarray(k, float))
    da = special.digamma(a + b) - special.digamma(a + b + k)
    db = np.empty(a.shape)
    big = b >= 1e3
    db[big] = _db_large_b(a[big], b[big], k[big])  # unchanged; only the small-b terms were computed separately
    sm = ~big
    db[sm] = (special.digamma(b[sm] + k[sm]) - special.digamma(b[sm]) - special.digamma(a[sm] + b[sm] + k[sm])
              + special.digamma(a[sm] + b[sm]))
    return da, db


def bench_beta_ratio(repeat):
    rng = np.random.default_rng(1)
    a = np.exp(rng.uniform(-3, 1, (200, 432)))
    b = np.exp(rng.uniform(0, 12, (200, 432)))
    k = np.tile(2.0 ** np.arange(8), 54)[None, :]

    def ref():
        return (_log_beta_ratio(a, b, k),) + _dlog_reference(a, b, k)

    _pair("beta ratio", lambda: _log_beta_ratio_grad(a, b, k), ref,
          lambda x, y: all(p.tobytes() == q.tobytes() for p, q in zip(x, y)), repeat)


def _figure_png() -> bytes:
    fig, axes = plt.subplots(2, 2, figsize=(10, 7))
    for i, ax in enumerate(axes.ravel()):
        x = np.geomspace(1e18, 1e27, 50)
        ax.plot(x, x ** (0.3 + 0.05 * i), label=rf"$N^{{*}}$, $C_{{inf}}$ = {i}")
        ax.set(xscale="log", yscale="log", xlabel="training FLOPs $C_{train}$", ylabel=r"$D^*/N^*$")
        ax.legend(fontsize=7)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def bench_figure(repeat):
    from matplotlib.mathtext import MathTextParser

    use_book_style()
    shared = MathTextParser._parse_cached
    per_renderer = __import__("functools").lru_cache(50)(shared.__wrapped__)  # matplotlib's own cache

    def new():
        shared.cache_clear()  # both sides start cold: this measures the sharing within one figure
        MathTextParser._parse_cached = shared
        return _figure_png()

    def ref():
        per_renderer.cache_clear()
        MathTextParser._parse_cached = per_renderer
        try:
            return _figure_png()
        finally:
            MathTextParser._parse_cached = shared

    new()  # the first figure pays for the parser's grammar on both sides alike
    _pair("figure", new, ref, lambda a, b: a == b, repeat)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be a positive integer")
    with threadpool_limits(limits=1, user_api="blas"):
        bench_bands(args.repeat)
        bench_beta_ratio(args.repeat)
        bench_figure(args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
