r"""A Train-to-Test lab on a laptop: tiny language models trained on the CPU with JAX (chapter 10).

- :mod:`t2lib.lab.language`  the synthetic language with exact per-token log-probabilities and its questions.
- :mod:`t2lib.lab.model`     the decoder-only transformer, its parameter count and FLOPs.
- :mod:`t2lib.lab.train`     training to completion on each run's own schedule; exact answer probabilities.
- :mod:`t2lib.lab.grid`      planning isoFLOP and overtrained runs, running them on pinned worker processes, the
  on-disk cache.
- :mod:`t2lib.lab.analysis`  turning runs into the T² targets (−log pass@k), small fits and baselines.

This is the only part of :mod:`t2lib` that imports JAX. Before JAX is first imported it sets XLA's CPU backend to
one thread per process. Training is then bitwise reproducible for a given process configuration; XLA still splits
some work by the number of cores the process saw when it started, so :func:`~t2lib.lab.grid.run_grid` trains every
run in a process pinned to one core, which gives the same bits on any machine (a direct call of
:func:`~t2lib.lab.train.train` in a process that sees two cores differs in the last digits). On a GPU the same code
runs unchanged (``JAX_PLATFORMS=cuda``).
"""
import os as _os
import sys as _sys

if "jax" not in _sys.modules:
    _flags = _os.environ.get("XLA_FLAGS", "")
    if "xla_cpu_multi_thread_eigen" not in _flags:
        _single = " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        _os.environ["XLA_FLAGS"] = (_flags + _single).strip()

from .language import TOKENS, Questions, SyntheticLanguage  # noqa: E402
from .model import attention_flop_fraction, param_count  # noqa: E402
from .train import RECIPE, TrainResult, answer_logprob, sample_answers, train  # noqa: E402
from .grid import ENV_CACHE, default_cache_dir, plan_grid, run_grid  # noqa: E402

__all__ = ["TOKENS", "Questions", "SyntheticLanguage", "attention_flop_fraction", "param_count", "RECIPE",
           "TrainResult", "answer_logprob", "sample_answers", "train", "ENV_CACHE",
           "default_cache_dir", "plan_grid", "run_grid"]
