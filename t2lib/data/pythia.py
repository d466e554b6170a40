"""Repeated-sampling success counts of Pythia models on MATH and GSM8K (Brown et al. 2024; Schaeffer et al. 2025).

The upstream parquet files (repository of Schaeffer et al. 2025, pinned in ``registry.txt``)
store one row per (model, problem, k) with the per-problem counts repeated on every row
and a pre-computed pass@k. :func:`load_pythia_samples` keeps only the counts, one row per
(model[, checkpoint], problem): every pass@k curve is recomputed from ``(n, c)`` with
:func:`t2lib.passk.pass_at_k`. (The upstream rows with ``k > n`` carry pass@k = 1 even when
``c = 0``, an artefact of the estimator's ``n - c < k`` branch; they are never used.)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._registry import DataError, fetch

__all__ = [
    "load_pythia_samples",
    "PYTHIA_PARAMS",
    "PYTHIA_FINAL_TOKENS",
    "PYTHIA_MATH_KEY",
    "PYTHIA_MATH_CHECKPOINTS_KEY",
    "PYTHIA_GSM8K_CHECKPOINTS_KEY",
]

#: Registry key of the pass@k samples of the final Pythia checkpoints on MATH (Brown et al. 2024).
PYTHIA_MATH_KEY = "passk/data/processed_data/large_language_monkeys_original_pass_at_k.parquet"
#: Registry key of the MATH pass@k samples across Pythia training checkpoints.
PYTHIA_MATH_CHECKPOINTS_KEY = "passk/data/raw_data/large_language_monkeys/math_pass_at_k.parquet"
#: Registry key of the GSM8K pass@k samples across Pythia training checkpoints.
PYTHIA_GSM8K_CHECKPOINTS_KEY = "passk/data/raw_data/large_language_monkeys/gsm8k_pass_at_k.parquet"

#: Total parameters (embedding and unembedding matrices included) of each Pythia model.
#: Sources: Biderman et al. (2023), "Pythia: A Suite for Analyzing Large Language Models Across
#: Training and Scaling", Table 1, gives for 70M ... 12B the architecture (layers L, width d) and the
#: *non-embedding* count 12 L d^2 + 13 L d + 2 d (L layers plus the final LayerNorm; e.g. 85,056,000
#: for 160M); the *total* counts used here are those of the model table of the EleutherAI/pythia
#: README, which add 2 V d for the untied input and output embeddings with the padded vocabulary
#: V = 50,304 (50,432 for 6.9B, 50,688 for 12B). 14M was added to the suite after the paper: README
#: only. The identity total = non-embedding + 2 V d is checked in ``tests/test_data_pythia.py``.
PYTHIA_PARAMS: dict[str, int] = {
    "14M": 14_067_712,
    "70M": 70_426_624,
    "160M": 162_322_944,
    "410M": 405_334_016,
    "1B": 1_011_781_632,
    "1.4B": 1_414_647_808,
    "2.8B": 2_775_208_960,
    "6.9B": 6_857_302_016,
    "12B": 11_846_072_320,
}

#: Tokens seen by the final Pythia checkpoints, as labelled ("300B"; Biderman et al. 2023, Sec. 2). The exact
#: count is 143,000 steps x 2,097,152 tokens = 299,892,736,000, 0.04% less; the loader keeps the nominal label.
PYTHIA_FINAL_TOKENS = 300_000_000_000

_UNITS = {"M": 10**6, "B": 10**9}
_BENCHMARKS = ("MATH", "GSM8K")
_COLUMNS = ["model", "N", "D", "problem", "n", "c"]


def _tokens(label: pd.Series) -> np.ndarray:
    """``"300B"`` -> 3e11, ``"2M"`` -> 2e6 (exact integer arithmetic on the decimal label)."""
    parts = label.str.extract(r"^(\d+(?:\.\d+)?)([MB])$")
    if parts.isna().any().any():
        raise DataError(f"unexpected token labels: {sorted(set(label[parts[0].isna()]))}")
    mult = parts[1].map(_UNITS).to_numpy(np.int64)
    return np.round(parts[0].astype(float).to_numpy() * mult).astype(np.int64)


def _per_problem(raw: pd.DataFrame, keys: list[str], n_col: str, c_col: str) -> pd.DataFrame:
    """One row per ``keys`` with the counts; raise if a group carries two different counts."""
    counts = raw[keys + [n_col, c_col]].drop_duplicates()
    if counts.duplicated(keys).any():
        raise DataError(f"inconsistent per-problem counts in the upstream file for keys {keys}")
    c = counts[c_col].to_numpy()
    if np.any(c != np.round(c)) or np.any(c < 0) or np.any(c > counts[n_col].to_numpy()):
        raise DataError("upstream correct-sample counts are not integers in [0, n]")
    return counts


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    df = df.astype({"N": np.int64, "D": np.int64, "problem": np.int64, "n": np.int64, "c": np.int64})
    return df.sort_values(["N", "D", "problem"], kind="stable").reset_index(drop=True)[_COLUMNS]


def load_pythia_samples(benchmark: str, checkpoints: bool = False) -> pd.DataFrame:
    """Per-problem repeated-sampling counts of Pythia models, one row per (model[, checkpoint], problem).

    Parameters
    ----------
    benchmark : {"MATH", "GSM8K"}
        The benchmark (128 problems each, sampled at random by Brown et al. 2024).
    checkpoints : bool
        ``False``: final models only. For MATH this reads the file with **10,000 samples per
        problem** for 7 models (70M, 160M, 410M, 1B, 2.8B, 6.9B, 12B; the data of Brown et al.'s
        Pythia–MATH figures as re-analysed by Schaeffer et al.). For GSM8K, which has no such file,
        it returns the final (300B-token) checkpoints of the checkpoint file (9 models, 14M–12B).
        ``True``: the Pythia training-checkpoint file of the benchmark (9 sizes × checkpoints at
        2M … 300B tokens; 72 model-checkpoints for MATH, 81 for GSM8K). There ``n`` varies by
        problem (128 to several million samples) and the MATH problems differ from those of the
        10,000-sample file.

    Returns
    -------
    pandas.DataFrame
        Sorted by ``N``, ``D``, ``problem``, with columns

        - ``model`` (str): e.g. ``"Pythia-160M"``;
        - ``N`` (int): total parameters, embeddings included, from :data:`PYTHIA_PARAMS` (architecture and
          non-embedding counts: Biderman et al. 2023, Table 1; totals: the EleutherAI/pythia README);
        - ``D`` (int): training tokens of the checkpoint, as labelled upstream (``Pythia_<size>_<tokens>``,
          nominal values 2M, 64M, 512M, 2B, 6B, 20B, 60B, 200B, 300B); 300B for the final models;
        - ``problem`` (int): the problem's index in the benchmark's test set;
        - ``n`` (int): samples drawn for that problem;
        - ``c`` (int): correct samples among them.

    Notes
    -----
    Upstream quirks, kept visible rather than patched: in the checkpoint files the checkpoint
    ``Pythia-12B`` at 2M tokens has only 30 GSM8K and 9 MATH problems, and two GSM8K problem
    indices (330, 822) appear only at one or two intermediate checkpoints (2.8B at 2B and 410M at
    20B tokens) in addition to the 128 problems; they are dropped here, so every checkpoint's
    problems are a subset of the benchmark's 128.

    Raises
    ------
    ValueError
        If ``benchmark`` is not ``"MATH"`` or ``"GSM8K"`` or ``checkpoints`` is not a bool.
    t2lib.data.DataError
        If a data file is missing/corrupt or its counts are inconsistent.
    """
    if not isinstance(benchmark, str) or benchmark not in _BENCHMARKS:
        raise ValueError(f"benchmark must be one of {_BENCHMARKS}; got {benchmark!r}")
    if not isinstance(checkpoints, (bool, np.bool_)):
        raise ValueError(f"checkpoints must be True or False; got {checkpoints!r}")

    if benchmark == "MATH" and not checkpoints:
        raw = pd.read_parquet(
            fetch(PYTHIA_MATH_KEY), columns=["Model", "Problem Idx", "Num. Samples Total", "Num. Samples Correct"]
        )
        counts = _per_problem(raw, ["Model", "Problem Idx"], "Num. Samples Total", "Num. Samples Correct")
        size = counts["Model"].str.extract(r"^Pythia (\S+)$")[0]
        out = pd.DataFrame(
            {
                "model": "Pythia-" + size,
                "N": size.map(PYTHIA_PARAMS),
                "D": PYTHIA_FINAL_TOKENS,
                "problem": counts["Problem Idx"],
                "n": counts["Num. Samples Total"],
                "c": counts["Num. Samples Correct"],
            }
        )
    else:
        key = PYTHIA_MATH_CHECKPOINTS_KEY if benchmark == "MATH" else PYTHIA_GSM8K_CHECKPOINTS_KEY
        raw = pd.read_parquet(fetch(key), columns=["Model Nickname", "prompt_idx", "Num. Samples", "Num. Samples Correct"])
        counts = _per_problem(raw, ["Model Nickname", "prompt_idx"], "Num. Samples", "Num. Samples Correct")
        parts = counts["Model Nickname"].str.extract(r"^Pythia_(\d+(?:\.\d+)?[MB])_(\d+(?:\.\d+)?[MB])$")
        if parts.isna().any().any():
            raise DataError(f"unexpected model labels in {key}")
        out = pd.DataFrame(
            {
                "model": "Pythia-" + parts[0],
                "N": parts[0].map(PYTHIA_PARAMS),
                "D": _tokens(parts[1]),
                "problem": counts["prompt_idx"],
                "n": counts["Num. Samples"],
                "c": counts["Num. Samples Correct"],
            }
        )
        # The benchmark's problem set: the problems of the final checkpoints (drops the strays).
        final_problems = out.loc[out["D"] == PYTHIA_FINAL_TOKENS, "problem"].unique()
        out = out[out["problem"].isin(final_problems)]
        if not checkpoints:
            out = out[out["D"] == PYTHIA_FINAL_TOKENS]
    if out["N"].isna().any():
        raise DataError(f"unknown Pythia size(s): {sorted(set(out.loc[out['N'].isna(), 'model']))}")
    return _finish(out)
