r"""Planning a grid of runs from :math:`C = 6ND`, running it on pinned worker processes, caching every run on disk.

A plan has isoFLOP runs (for each budget :math:`C`, every model shape of the ladder whose
:math:`D/N = C/(6N^2)` lies in ``ratio_range``) and overtrained runs (at the budgets in ``overtrained_budgets``,
every shape with :math:`D/N \ge` ``overtrained_ratio``). :math:`D = C/(6N)` exactly in the plan; a run trains on the
nearest whole number of batches, so the tokens it sees (``D_trained``) differ by less than half a batch.

:func:`run_grid` runs the plan on ``workers`` processes (``spawn``; each pinned to one core with
:func:`os.sched_setaffinity` and single-threaded XLA: XLA partitions work by the cores a process sees at start, so a
single-core process gives the same bits on any machine), longest runs first, and prints one line per run as it
finishes. Each run is cached under a key that hashes the code of the lab (:mod:`~t2lib.lab.language`,
:mod:`~t2lib.lab.model`, :mod:`~t2lib.lab.train`), the package versions, the configuration and the seed: re-running
with the same key reads the file instead of training. The cache directory is ``cache_dir``, else
``$T2LIB_LAB_CACHE``, else ``_build/lab_cache`` in the repository; XLA's compiled programs are cached in its ``xla``
subfolder, so a cold start compiles each model shape once per machine.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .. import _validate as v
from ..fmt import number
from .language import SyntheticLanguage
from .model import check_shape, param_count
from .train import RECIPE, TrainResult, _lang_config, steps_for_tokens

__all__ = ["plan_grid", "run_grid", "default_cache_dir", "ENV_CACHE", "PLAN_COLUMNS"]

#: Environment variable naming the cache directory of the runs (overrides the default under ``_build/``).
ENV_CACHE = "T2LIB_LAB_CACHE"
#: Columns of a grid plan, in order.
PLAN_COLUMNS = ("kind", "C", "width", "depth", "N", "D", "tokens_per_param")
_CODE_FILES = ("language.py", "model.py", "train.py")


# --------------------------------------------------------------------------- planning
def plan_grid(budgets, widths=(8, 12, 16, 24, 32, 48, 64), depth: int = 2, *, ratio_range=(2.0, 300.0),
              overtrained_ratio: float = 300.0, overtrained_budgets=None, min_steps: int = 40,
              min_isoflop_runs: int = 3, language: SyntheticLanguage | None = None,
              batch_size: int = RECIPE["batch_size"]) -> pd.DataFrame:
    r"""Plan isoFLOP and overtrained runs from :math:`C = 6ND`.

    Parameters
    ----------
    budgets : array_like
        Training budgets :math:`C` in FLOPs, positive.
    widths : sequence of int
        The ladder of model widths (all with ``depth`` blocks).
    depth : int
        Blocks per model.
    ratio_range : (float, float)
        IsoFLOP runs keep the shapes with ``lo <= D/N < hi``.
    overtrained_ratio : float
        Overtrained runs have :math:`D/N \ge` this (>= ``ratio_range[1]``).
    overtrained_budgets : array_like, optional
        Budgets with overtrained runs (each must be one of ``budgets``); default the largest budget; empty for none.
    min_steps : int
        Runs shorter than this many optimiser steps are left out (too few to train).
    min_isoflop_runs : int
        Each budget needs at least this many isoFLOP runs.
    language : SyntheticLanguage, optional
        Fixes the vocabulary and sequence length that enter :math:`N` (default ``SyntheticLanguage()``).
    batch_size : int
        Sequences per step (for ``min_steps``).

    Returns
    -------
    pandas.DataFrame
        One row per run, columns ``kind`` ("isoflop" or "overtrained"), ``C``, ``width``, ``depth``, ``N``, ``D``
        (:math:`= C/(6N)`), ``tokens_per_param``.

    Raises
    ------
    ValueError
        For bad arguments, or a budget that cannot be met: fewer than ``min_isoflop_runs`` isoFLOP shapes, or no
        overtrained shape at an overtrained budget.
    """
    C = np.unique(v.positive("budgets", budgets).ravel())
    lang = SyntheticLanguage() if language is None else language
    if not isinstance(lang, SyntheticLanguage):
        raise ValueError(f"language must be a SyntheticLanguage; got {type(lang).__name__}")
    ws = list(np.atleast_1d(np.asarray(widths, dtype=object)).ravel())
    if not ws:
        raise ValueError("widths must not be empty")
    if any(isinstance(w, bool) or not isinstance(w, (int, np.integer)) or w < 4 for w in ws):
        raise ValueError(f"widths must be integers >= 4 (each divisible by its number of heads); got {widths!r}")
    shapes = [check_shape(w, depth) for w in ws]
    rr = v.positive("ratio_range", ratio_range)
    if rr.shape != (2,):
        raise ValueError(f"ratio_range must be a pair (lo, hi); got {ratio_range!r}")
    lo, hi = (float(x) for x in rr)
    if not lo < hi:
        raise ValueError(f"ratio_range must be (lo, hi) with 0 < lo < hi; got {ratio_range!r}")
    ot = v.positive_scalar("overtrained_ratio", overtrained_ratio)
    if ot < hi:
        raise ValueError(f"overtrained_ratio must be >= ratio_range[1] = {hi}; got {ot!r}")
    for name, val in (("min_steps", min_steps), ("min_isoflop_runs", min_isoflop_runs), ("batch_size", batch_size)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < 1:
            raise ValueError(f"{name} must be an integer >= 1; got {val!r}")
    if overtrained_budgets is None:
        ob = C[-1:]
    elif np.size(overtrained_budgets) == 0:
        ob = np.empty(0)
    else:
        ob = np.unique(v.positive("overtrained_budgets", overtrained_budgets).ravel())
    if not np.all(np.isin(ob, C)):
        raise ValueError(f"overtrained_budgets must be among budgets {C.tolist()}; got {ob.tolist()}")
    N = np.array([param_count(w, d, lang.vocab_size, lang.seq_len) for w, d in shapes], dtype=float)
    width = np.array([w for w, _ in shapes])
    CC, NN = np.meshgrid(C, N, indexing="ij")
    DD = CC / (6.0 * NN)
    ratio = DD / NN
    long_enough = DD >= min_steps * batch_size * lang.seq_len
    iso = long_enough & (ratio >= lo) & (ratio < hi)
    over = long_enough & (ratio >= ot) & np.isin(CC, ob)
    n_iso = iso.sum(axis=1)
    if np.any(n_iso < min_isoflop_runs):
        bad = C[n_iso < min_isoflop_runs]
        raise ValueError(f"budgets {bad.tolist()} cannot be met: fewer than min_isoflop_runs={min_isoflop_runs} "
                         f"shapes with {lo} <= D/N < {hi} and at least {min_steps} steps (allowed: budgets whose "
                         f"isoFLOP curve the width ladder covers)")
    n_over = over.sum(axis=1)[np.isin(C, ob)]
    if np.any(n_over == 0):
        raise ValueError(f"overtrained_budgets {ob[n_over == 0].tolist()} cannot be met: no shape with "
                         f"D/N >= overtrained_ratio = {ot} and at least {min_steps} steps (allowed: add smaller widths or raise the "
                         f"budget)")
    rows = []
    for kind, m in (("isoflop", iso), ("overtrained", over)):
        i, j = np.nonzero(m)
        rows.append(pd.DataFrame(dict(kind=kind, C=CC[i, j], width=width[j], depth=int(depth), N=NN[i, j].astype(int),
                                      D=DD[i, j], tokens_per_param=ratio[i, j])))
    plan = pd.concat(rows, ignore_index=True).sort_values(["C", "N"], kind="stable").reset_index(drop=True)
    return plan


# --------------------------------------------------------------------------- cache
def default_cache_dir() -> Path:
    """``$T2LIB_LAB_CACHE`` if set, else ``_build/lab_cache`` at the repository root."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "_build" / "lab_cache"


def _code_hash() -> str:
    import jax
    import jaxlib
    import optax

    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _CODE_FILES:
        h.update((here / name).read_bytes())
    h.update(f"jax={jax.__version__} jaxlib={jaxlib.__version__} optax={optax.__version__} "
             f"numpy={np.__version__} xla_flags={os.environ.get('XLA_FLAGS', '')}".encode())
    return h.hexdigest()


def _run_config(row, seed: int, lang: SyntheticLanguage, recipe: dict) -> dict:
    return dict(width=int(row["width"]), depth=int(row["depth"]), tokens=float(row["D"]), seed=int(seed),
                recipe={k: recipe[k] for k in sorted(recipe)}, language=_lang_config(lang))


def cache_key(config: dict) -> str:
    """The cache key of one run: sha256 of the lab's code and package versions plus the run's configuration."""
    if not isinstance(config, dict):
        raise ValueError(f"config must be a dict; got {type(config).__name__}")
    try:
        blob = json.dumps(config, sort_keys=True, allow_nan=False).encode()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"config must hold JSON numbers, strings, lists and dicts only: {exc}") from None
    return hashlib.sha256(_code_hash().encode() + blob).hexdigest()[:32]


def _save(path: Path, res: TrainResult, config: dict) -> None:
    import jax

    leaves, _ = jax.tree_util.tree_flatten(res.params)
    meta = dict(width=res.width, depth=res.depth, N=res.N, D=res.D, steps=res.steps, val_loss=res.val_loss,
                seconds=res.seconds, cpu_seconds=res.cpu_seconds, config=config)
    tmp = path.with_suffix(f".tmp{os.getpid()}.npz")
    np.savez(tmp, meta=np.array(json.dumps(meta)), answer_logprob=res.answer_logprob,
             curve_tokens=res.curve_tokens, curve_loss=res.curve_loss,
             **{f"param_{i:03d}": np.asarray(x) for i, x in enumerate(leaves)})
    os.replace(tmp, path)


def load_run(path) -> dict:
    """Read one cached run: its metadata and arrays (``answer_logprob``, ``curve_*``, ``params`` as a leaf list)."""
    with np.load(Path(path)) as z:
        meta = json.loads(str(z["meta"]))
        out = dict(meta, answer_logprob=z["answer_logprob"], curve_tokens=z["curve_tokens"],
                   curve_loss=z["curve_loss"],
                   params=[z[k] for k in sorted(k for k in z.files if k.startswith("param_"))])
    return out


# --------------------------------------------------------------------------- workers
def _init_worker(counter, cores: list[int], xla_cache: str, platform: str = "cpu") -> None:
    """Pin this worker to one core (round robin), choose JAX's platform and point XLA at the compilation cache."""
    with counter.get_lock():
        i = counter.value
        counter.value += 1
    if hasattr(os, "sched_setaffinity") and cores:
        os.sched_setaffinity(0, {cores[i % len(cores)]})
    import jax

    jax.config.update("jax_platforms", platform)
    _use_xla_cache(xla_cache, platform)


def _use_xla_cache(xla_cache: str, platform: str = "cpu") -> None:
    """Cache XLA's compiled programs in ``xla_cache``; on the CPU under keys that do not depend on its path.

    JAX's default also turns on the GPU autotuning cache inside ``xla_cache``, whose path then enters every key:
    the same program compiled for a cache reached by another path (a moved repository, a link) would be
    compiled again. That cache does nothing on the CPU, so there it is turned off.
    """
    import jax

    jax.config.update("jax_compilation_cache_dir", xla_cache)
    if platform == "cpu":
        jax.config.update("jax_persistent_cache_enable_xla_caches", "none")
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)


def _train_and_store(args) -> tuple[int, str, float, float]:
    i, config, lang_kwargs, path = args
    from .train import train

    lang = SyntheticLanguage(**lang_kwargs)
    res = train(config["width"], config["depth"], config["tokens"], seed=config["seed"], language=lang,
                **config["recipe"])
    _save(Path(path), res, config)
    return i, path, res.seconds, res.cpu_seconds


def _lang_kwargs(lang: SyntheticLanguage) -> dict:
    kw = _lang_config(lang)
    kw["mix"] = tuple(kw["mix"])
    return kw


def run_grid(plan: pd.DataFrame, seed: int = 0, workers: int = 2, cache_dir=None, *,
             language: SyntheticLanguage | None = None, recipe: dict | None = None,
             progress: bool = True, platform: str = "cpu") -> pd.DataFrame:
    """Train (or read from the cache) every run of ``plan``; one row per run.

    Parameters
    ----------
    plan : pandas.DataFrame
        From :func:`plan_grid` (columns :data:`PLAN_COLUMNS`).
    seed : int
        Seed of every run (initialisation and training stream).
    workers : int
        Processes, each pinned to one core (>= 1). Runs are always trained in such a process, never in the caller:
        XLA splits work by the number of cores a process sees when it starts, so a pinned single-core process
        gives the same bits on any machine, and a process that sees two cores gives slightly different ones.
    cache_dir : path, optional
        Cache directory (default :func:`default_cache_dir`).
    language : SyntheticLanguage, optional
        The language (default ``SyntheticLanguage()``).
    recipe : dict, optional
        Overrides of :data:`~t2lib.lab.train.RECIPE`.
    progress : bool
        Print one line per run as it finishes (trained, with its time, or read from the cache).
    platform : str
        JAX platform of the workers: ``"cpu"`` (the default; nothing in the book needs more) or ``"cuda"`` /
        ``"gpu"`` for larger grids on a GPU (install the CUDA build of ``jaxlib``; use ``workers=1`` per GPU).
        Runs on another platform are cached under other keys.

    Returns
    -------
    pandas.DataFrame
        The plan's columns plus ``D_trained``, ``steps``, ``val_loss``, ``seconds`` and ``cpu_seconds``
        (training wall and CPU time, also for cached runs), ``cached`` (read, not trained, in this call), ``key``,
        and per run the arrays
        ``answer_logprob``, ``curve_tokens``, ``curve_loss``.
    """
    if not isinstance(plan, pd.DataFrame) or not set(PLAN_COLUMNS) <= set(plan.columns) or len(plan) == 0:
        raise ValueError(f"plan must be a non-empty DataFrame with columns {PLAN_COLUMNS} (from plan_grid)")
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ValueError(f"workers must be an integer >= 1; got {workers!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer in [0, 2**32); got {seed!r}")
    v.positive("plan.D", plan["D"])
    for w, d in zip(plan["width"], plan["depth"]):
        check_shape(int(w), int(d))
    lang = SyntheticLanguage() if language is None else language
    if not isinstance(lang, SyntheticLanguage):
        raise ValueError(f"language must be a SyntheticLanguage; got {type(lang).__name__}")
    if not isinstance(progress, bool):
        raise ValueError(f"progress must be True or False; got {progress!r}")
    if recipe is not None and not isinstance(recipe, dict):
        raise ValueError(f"recipe must be a dict of overrides of RECIPE or None; got {type(recipe).__name__}")
    if cache_dir is not None and not isinstance(cache_dir, (str, os.PathLike)):
        raise ValueError(f"cache_dir must be a path (str or os.PathLike) or None; got {cache_dir!r}")
    rec = dict(RECIPE)
    if recipe:
        unknown = set(recipe) - set(RECIPE)
        if unknown:
            raise ValueError(f"recipe keys must be among {sorted(RECIPE)}; got unknown {sorted(unknown)}")
        rec.update(recipe)
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    xla_cache = str(root / "xla")
    if not isinstance(platform, str) or platform not in ("cpu", "cuda", "gpu", "rocm", "tpu"):
        raise ValueError(f"platform must be one of 'cpu', 'cuda', 'gpu', 'rocm', 'tpu'; got {platform!r}")
    configs = [_run_config(row, seed, lang, rec) for _, row in plan.iterrows()]
    if platform != "cpu":  # CPU keys stay as they were; other platforms give other bits
        configs = [c | {"platform": platform} for c in configs]
    keys = [cache_key(c) for c in configs]
    paths = [root / f"run-{k}.npz" for k in keys]
    cached = np.array([p.exists() for p in paths])
    todo = [i for i in np.argsort(-plan["D"].to_numpy(), kind="stable") if not cached[i]]  # longest first
    n, done = len(plan), int(cached.sum())
    t_start = time.perf_counter()

    def report(i: int, how: str) -> None:
        if progress:
            r = plan.iloc[i]
            print(f"[{done:>3}/{n}] C = {number(r['C'], 2)}, N = {number(r['N'], 3)}, D = {number(r['D'], 3)} "
                  f"({r['kind']}): {how}", flush=True)
            sys.stdout.flush()

    if progress and done:
        print(f"{done} of {n} runs read from the cache in {root}", flush=True)
    if todo:
        args = [(int(i), configs[i], _lang_kwargs(lang), str(paths[i])) for i in todo]
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        ctx = mp.get_context("spawn")
        cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
        counter = ctx.Value("i", 0)
        with ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=ctx, initializer=_init_worker,
                                 initargs=(counter, cores, xla_cache, platform)) as pool:
            futures = [pool.submit(_train_and_store, a) for a in args]
            for fut in as_completed(futures):
                i, _, sec, cpu = fut.result()
                done += 1
                report(i, f"trained in {sec:.1f} s (CPU {cpu:.1f} s)")
        if progress:
            print(f"trained {len(todo)} runs in {time.perf_counter() - t_start:.1f} s wall time "
                  f"on {min(workers, len(todo))} worker(s)", flush=True)
    runs = [load_run(p) for p in paths]
    out = plan.reset_index(drop=True).copy()
    out["D_trained"] = [r["D"] for r in runs]
    out["steps"] = [r["steps"] for r in runs]
    out["val_loss"] = [r["val_loss"] for r in runs]
    out["seconds"] = [r["seconds"] for r in runs]
    out["cpu_seconds"] = [r["cpu_seconds"] for r in runs]
    out["cached"] = cached
    out["key"] = keys
    for col in ("answer_logprob", "curve_tokens", "curve_loss"):
        out[col] = [r[col] for r in runs]
    return out
