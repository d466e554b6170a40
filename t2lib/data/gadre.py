"""The 104 over-trained models of Gadre et al. (2024): losses and downstream evaluations.

Source: the public repository ``mlfoundations/scaling`` (MIT licence) at a pinned
commit; every file is listed in ``registry.txt`` and read through :func:`~t2lib.data.fetch`.
Each model has one JSON of loss evaluations (``exp_data/models/<name>.json``) and
one JSON of downstream accuracies (``exp_data/evals/evaluation_<name>_heavy.json``);
``exp_data/eval_metadata.csv`` gives each task's random-chance accuracy.

Three loaders return tidy :class:`pandas.DataFrame` objects:

- :func:`load_gadre_models` -- one row per model, with the loss on every evaluation
  set as a column and the average downstream errors;
- :func:`load_gadre_losses` -- one row per model x evaluation set (long form);
- :func:`load_gadre_downstream` -- one row per model x downstream task (long form).

Units: ``N`` and ``N_no_embed`` in parameters, ``D`` in tokens, ``C`` in FLOPs,
losses in nats/token (mean next-token cross-entropy), accuracies and errors as
fractions in [0, 1].
"""
from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pandas as pd

from ._registry import REGISTRY, fetch

__all__ = [
    "load_gadre_models",
    "load_gadre_losses",
    "load_gadre_downstream",
    "GADRE_DATASETS",
    "GADRE_EVAL_SETS",
    "GADRE_SUBSET_17",
    "GADRE_SIZES",
]

_ROOT = "overtraining/exp_data"
_MODELS = f"{_ROOT}/models/"
_METADATA = f"{_ROOT}/eval_metadata.csv"

GADRE_DATASETS: dict[str, str] = {"c4": "c4_original", "redpajama": "rpj", "refinedweb": "rw_original"}
"""Our short dataset key -> the repository's ``dataset_name`` (C4, RedPajama, RefinedWeb)."""

GADRE_EVAL_SETS: dict[str, str] = {
    "c4_val": "c4_val",
    "openlm": "openlm",
    "paloma_c4": "paloma_c4_en",
    "paloma_redpajama": "paloma_redpajama",
    "paloma_refinedweb": "paloma_falcon-refinedweb",
    "paloma_code": "paloma_dolma_100_programing_languages",
    "paloma_ptb": "paloma_ptb",
    "c4_german": "de-en",
}
"""Our evaluation-set key -> the folder name in the result's ``val_data`` path.

``c4_val`` (the C4 validation set) is the loss Gadre et al. fit their laws to;
``c4_german`` is their German C4 evaluation set (file ``val_de-en_100``).
"""

GADRE_SUBSET_17: tuple[str, ...] = (
    "arc_easy", "bigbench_cs_algorithms", "bigbench_dyck_languages", "bigbench_novel_concepts",
    "bigbench_operators", "bigbench_qa_wikidata", "boolq", "commonsense_qa", "copa", "coqa",
    "hellaswag", "hellaswag_zeroshot", "lambada_openai", "piqa", "pubmed_qa_labeled", "squad", "winograd",
)
"""The 17 downstream tasks of Gadre et al.'s main error law (the tasks on which some
0.154B model is at least 10 points above chance; repository ``scaling/constants.py``)."""

GADRE_SIZES: dict[str, str] = {
    "d=96_l=8_h=4": "0.011B",
    "d=512_l=8_h=4": "0.079B",
    "d=576_l=24_h=8": "0.154B",
    "d=1024_l=24_h=8": "0.411B",
    "open_lm_1b": "1.4B",
    "open_lm_7b": "6.9B",
}
"""open_lm architecture name -> the size label the paper uses."""

_DATASET_KEY = {v: k for k, v in GADRE_DATASETS.items()}
_EVAL_KEY = {v: k for k, v in GADRE_EVAL_SETS.items()}


def _model_keys() -> list[str]:
    keys = sorted(k for k in REGISTRY if k.startswith(_MODELS) and k.endswith(".json"))
    if len(keys) != 104:  # pragma: no cover - guards a corrupted registry
        raise RuntimeError(f"expected 104 registered Gadre et al. model files, found {len(keys)}")
    return keys


@lru_cache(maxsize=1)
def _read_all() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read the 208 JSON files once (I/O loop only) into three raw tables."""
    model_rows, loss_rows, task_rows = [], [], []
    for key in _model_keys():
        rec = json.loads(fetch(key).read_text())
        hp = rec["hyperparameters"]
        name = rec["name"]
        config = hp["model"].split("/")[-1].removesuffix(".json")  # small models store a config path
        model_rows.append(
            {
                "name": name,
                "dataset": _DATASET_KEY[rec["dataset_name"]],
                "config": config,
                "size": GADRE_SIZES[config],
                "N": hp["params"],
                "N_no_embed": hp["params_no_embed"],
                "D": hp["tokens"],
                "multiplier": hp["chinchilla_multiplier"],
            }
        )
        for res in rec["results"]:
            loss_rows.append(
                {
                    "name": name,
                    "eval_set": _EVAL_KEY[res["val_data"][0].split("/")[-2]],
                    "loss": res["loss"],
                    "loss_lower_95": res["loss_tokens_lower_95"],
                    "loss_upper_95": res["loss_tokens_upper_95"],
                    "eval_tokens": res["tokens"],
                }
            )
        ev = json.loads(fetch(f"{_ROOT}/evals/evaluation_{name}_heavy.json").read_text())
        task_rows.extend({"name": name, "task": t, "accuracy": a} for t, a in ev["eval_metrics"]["icl"].items())
    return pd.DataFrame(model_rows), pd.DataFrame(loss_rows), pd.DataFrame(task_rows)


def _model_table() -> pd.DataFrame:
    models = _read_all()[0].copy()
    models["N"] = models["N"].astype(float)
    models["N_no_embed"] = models["N_no_embed"].astype(float)
    models["D"] = models["D"].astype(float)
    # The paper's token multiplier M = D/N; the files store M/20 ("Chinchilla multiplier"),
    # and D = 20 * multiplier * N to within one token, so M is exact.
    models["M"] = 20.0 * models["multiplier"].astype(float)
    models["C"] = 6.0 * models["N"] * models["D"]
    return models.drop(columns="multiplier")


def load_gadre_losses() -> pd.DataFrame:
    """Loss of each of the 104 models on each of its 8 evaluation sets (long form, 832 rows).

    Returns
    -------
    pandas.DataFrame
        Columns ``name, dataset, size, N, D, M, C`` (as in :func:`load_gadre_models`) and

        - ``eval_set`` : evaluation set, a key of :data:`GADRE_EVAL_SETS`;
        - ``loss`` : mean next-token cross-entropy on that set (nats/token);
        - ``loss_lower_95``, ``loss_upper_95`` : the repository's token-level 95% interval;
        - ``eval_tokens`` : number of evaluation tokens.
    """
    models = _model_table()[["name", "dataset", "size", "N", "D", "M", "C"]]
    losses = _read_all()[1]
    return models.merge(losses, on="name", how="inner", validate="one_to_many")


def load_gadre_downstream() -> pd.DataFrame:
    """Downstream accuracy of each of the 104 models on each of 46 tasks (long form, 4,784 rows).

    Returns
    -------
    pandas.DataFrame
        Columns ``name, dataset, size, N, D, M, C`` (as in :func:`load_gadre_models`) and

        - ``task`` : LLM-foundry task key (e.g. ``"arc_easy"``);
        - ``accuracy`` : fraction correct, in [0, 1];
        - ``error`` : top-1 error ``1 - accuracy``;
        - ``random_accuracy`` : chance accuracy from ``eval_metadata.csv`` (a fraction;
          the file stores percent);
        - ``category`` : the task category of ``eval_metadata.csv``;
        - ``in_subset17`` : ``True`` for the 17 tasks of :data:`GADRE_SUBSET_17`.
    """
    models = _model_table()[["name", "dataset", "size", "N", "D", "M", "C"]]
    tasks = _read_all()[2]
    meta = pd.read_csv(fetch(_METADATA))
    meta = pd.DataFrame(
        {
            "task": meta["Eval Task"],
            "random_accuracy": meta["Random baseline"].astype(float) / 100.0,
            "category": meta["Task Category"],
        }
    )
    out = models.merge(tasks, on="name", validate="one_to_many").merge(meta, on="task", how="left", validate="many_to_one")
    if out["random_accuracy"].isna().any():  # pragma: no cover - metadata covers all 46 tasks
        raise RuntimeError("a downstream task is missing from eval_metadata.csv")
    out["error"] = 1.0 - out["accuracy"]
    out["in_subset17"] = out["task"].isin(GADRE_SUBSET_17)
    cols = ["name", "dataset", "size", "N", "D", "M", "C", "task", "accuracy", "error",
            "random_accuracy", "category", "in_subset17"]
    return out[cols]


def load_gadre_models() -> pd.DataFrame:
    """The 104 models of Gadre et al. (2024), one row each.

    Returns
    -------
    pandas.DataFrame
        One row per model, sorted by dataset, ``N`` and ``M``, with columns

        - ``name`` : run name, ``<dataset_name>-<config>-<M/20>``;
        - ``dataset`` : training set, ``"c4"``, ``"redpajama"`` or ``"refinedweb"``
          (:data:`GADRE_DATASETS`);
        - ``config``, ``size`` : open_lm architecture and its label (``"0.011B"`` ... ``"6.9B"``);
        - ``N`` : total parameters, embeddings included, as stored in each model JSON
          (``hyperparameters.params``; the count the authors' fitting code uses as N);
        - ``N_no_embed`` : parameters without the embeddings (``hyperparameters.params_no_embed``);
        - ``D`` : training tokens (``hyperparameters.tokens``);
        - ``M`` : token multiplier ``D / N`` (5 ... 640), computed exactly as 20 x the stored
          ``chinchilla_multiplier`` (the stored ``D`` equals ``20 * multiplier * N`` to within one token);
        - ``C`` : training FLOPs, ``6 N D``;
        - ``loss_<set>`` for each key of :data:`GADRE_EVAL_SETS` (e.g. ``loss_c4_val``):
          loss in nats/token on that evaluation set;
        - ``err17``, ``err46`` : top-1 error averaged uniformly over the 17-task subset
          (:data:`GADRE_SUBSET_17`) and over all 46 tasks, as fractions.
    """
    models = _model_table()
    losses = _read_all()[1].pivot(index="name", columns="eval_set", values="loss")
    losses = losses[list(GADRE_EVAL_SETS)].add_prefix("loss_")
    losses.columns.name = None
    tasks = _read_all()[2]
    err = 1.0 - tasks["accuracy"]
    err46 = err.groupby(tasks["name"]).mean().rename("err46")
    err17 = err[tasks["task"].isin(GADRE_SUBSET_17)].groupby(tasks["name"]).mean().rename("err17")
    out = models.merge(losses, left_on="name", right_index=True, validate="one_to_one")
    out = out.merge(err17, left_on="name", right_index=True).merge(err46, left_on="name", right_index=True)
    order = np.lexsort((out["M"].to_numpy(), out["N"].to_numpy(), out["dataset"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)
