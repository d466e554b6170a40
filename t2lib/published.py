r"""Every published number the book transcribes, typed once, each with its source.

Two kinds of transcription live here:

- **Tables** transcribed by hand into the project's ``data/`` folder. Each CSV starts with ``#`` comment lines naming
  the paper, the table and the page; :func:`read_table` returns the table with that provenance in
  ``DataFrame.attrs["source"]``.
- **Constants**: the few published values quoted in a paper's text, a figure caption or a small table (parameter
  sets, exponents, standard errors). Each is a module constant below and has an entry in :data:`SOURCES`
  (citation key of ``references.bib``, where in the paper, page if recorded); :func:`source` looks one up and
  :func:`catalogue` lists them all.

The modules that use these values (``t2lib.laws``, ``t2lib.tables``, ``t2lib.fit``, ``t2lib.passk``,
``t2lib.overtraining``, ``t2lib.tradeoffs``) import them from here; the chapters and the tests read them through
those modules or from here, and never type a published number again. Tolerances are not published values: they
live in the tests and chapters that assert the agreement (or, for the worked-example CSVs, in ``tol_<q>`` columns).

Page numbers were not recorded when the values were transcribed; ``Source.page`` is ``None`` then, rather than
a guess.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _validate as v

__all__ = [
    "DATA_DIR",
    "Source",
    "SOURCES",
    "source",
    "catalogue",
    "ROBERTS_2026_RQ2",
    "ROBERTS_2026_TABLE1_SIZES",
    "read_table",
    "read_transcribed",
    "deviations",
    "within_tolerance",
    # Hoffmann et al. (2022)
    "GOPHER_FLOPS",
    "HOFFMANN_2022_EQ10",
    "HOFFMANN_2022_UNROUNDED_PARAMS",
    "HOFFMANN_2022_TABLE2_A",
    "HOFFMANN_2022_FIG4_GOPHER_N",
    "HOFFMANN_2022_TEXT_175B",
    "HOFFMANN_2022_ISOFLOP_BUDGETS",
    # Besiroglu et al. (2024)
    "BESIROGLU_2024",
    "BESIROGLU_2024_MLE",
    "BESIROGLU_2024_HOFFMANN_RATIO",
    "BESIROGLU_2024_A_REF",
    "BESIROGLU_2024_GRID_DEX",
    # Sardana et al. (2024), Erdil (2024)
    "SARDANA_2024_PARAMS",
    "SARDANA_2024_MAX_TOKENS_PER_PARAM",
    "SARDANA_2024_COST_SETTINGS",
    "ERDIL_2024_ILLUSTRATION",
    # the frontier exponent in other studies
    "KAPLAN_2020_A",
    "PEARCE_SONG_2024",
    "MUENNIGHOFF_2023_PARAMS",
    "MUENNIGHOFF_2023_FIT",
    # Brown et al. (2024)
    "BROWN_2024_FIG5",
    "BROWN_2024_PYTHIA160M_MATH",
    # Gadre et al. (2024)
    "GADRE_2024_TABLE6_VALUES",
    "GADRE_2024_TABLE2",
    "GADRE_2024_TABLE7",
    "GADRE_2024_LOSS_REL_ERROR_PCT",
    "GADRE_2024_ERR17_REL_ERROR_PCT",
]

#: The repository's ``data/`` folder of hand-transcribed tables.
DATA_DIR = Path(__file__).resolve().parents[1] / "data"


@dataclass(frozen=True)
class Source:
    """Where a transcribed value comes from.

    Parameters
    ----------
    cite : str
        Citation key in ``references.bib`` (e.g. ``"hoffmann2022"``).
    where : str
        Table, figure, equation or section of the source (e.g. ``"Table 2"``).
    page : str or None
        Page of the PDF, or ``None`` when it was not recorded.
    note : str
        How the value was transcribed (as printed, rounded, converted, ...).
    """

    cite: str
    where: str
    page: str | None = None
    note: str = ""


# ----------------------------------------------------------------------------- Hoffmann et al. (2022)
GOPHER_FLOPS = 5.76e23
"""Training FLOPs of Gopher: Chinchilla's budget and the unit of Table 3's third column (Hoffmann et al. 2022)."""

HOFFMANN_2022_EQ10: dict[str, float] = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.34, "beta": 0.28}
"""Hoffmann et al. (2022), Eq. (10): the Approach-3 fit as printed in the paper body (rounded)."""

HOFFMANN_2022_UNROUNDED_PARAMS: dict[str, float] = {
    "E": math.exp(0.5267228), "A": math.exp(6.0073404), "B": math.exp(6.0179186),
    "alpha": 0.33917084, "beta": 0.2849083,
}
"""Hoffmann et al. (2022), Approach 3 at full precision, as Besiroglu et al. (2024) report it from the paper's TeX
source (their notebook stores ``log A, log B, log E``; exponentiated here)."""

HOFFMANN_2022_TABLE2_A: dict[int, tuple[float, float, float]] = {
    1: (0.50, 0.488, 0.502),  # Approach 1: minimum over training curves
    2: (0.49, 0.462, 0.534),  # Approach 2: IsoFLOP profiles
    3: (0.46, 0.454, 0.455),  # Approach 3: parametric fit
}
r"""Hoffmann et al. (2022), Table 2: exponent :math:`a` of :math:`N_{opt} \propto C^a` and its 10-90% interval,
``(a, low, high)``, per approach."""

HOFFMANN_2022_FIG4_GOPHER_N = 40e9
"""Hoffmann et al. (2022), Figure 4 caption: "the optimal model size given the Gopher FLOP budget", 40B parameters."""

HOFFMANN_2022_TEXT_175B: tuple[float, float] = (4.41e24, 4.2e12)
"""Hoffmann et al. (2022), Sec. 3.4 text: FLOPs and tokens ("over 4.2 trillion") for a compute-optimal 175B model."""

HOFFMANN_2022_ISOFLOP_BUDGETS: tuple[float, ...] = (6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21)
"""The nine IsoFLOP budgets of Hoffmann et al. (2022), Figure 3 (FLOPs); ``t2lib.isoflop.HOFFMANN_BUDGETS``."""

# ----------------------------------------------------------------------------- Besiroglu et al. (2024)
BESIROGLU_2024: dict = {
    # data_analysis.ipynb, "replicate exactly" fit over Hoffmann's 4,500-start grid on 240 points
    "grid_fit": {"E": 1.81724, "A": 477.84, "B": 2143.86, "alpha": 0.347313, "beta": 0.367183},
    "grid_objective": 1.01827403e-3,
    # published bootstrap (4,000 resamples) standard errors, SEs in log space, and 95% percentile intervals
    "se": {"E": 0.026, "A": 124.5, "B": 1293.0, "alpha": 0.015, "beta": 0.021},
    "se_log": {"A": 0.258, "B": 0.421, "E": 0.014},
    "se_a": 0.020,
    "ci95": {"E": (1.769, 1.871), "A": (285.2, 743.6), "B": (1042.4, 5810.3), "alpha": (0.317, 0.373),
             "beta": (0.331, 0.415)},
    # runs needed for Hoffmann's 80% interval of a (width 0.001) from the empirical bootstrap width
    "runs_needed": 634_773,
    # log of the fitted scale sigma of the Huber-density likelihood (notebook output)
    "log_sigma": -12.27,
    # digitisation of Figure 4 (data_extraction.ipynb): SVG y-coordinates of the model-size ticks 1e11 and 1e8
    "y_tick_1e11": 26.872,
    "y_tick_1e8": 319.125,
    # the alternative 1e8 tick kept commented out in that notebook, attributed to Jones's re-extraction (2024)
    "y_tick_1e8_alternative": 322.703,
}
"""Published numbers of Besiroglu, Erdil, Barnett & You (2024), "Chinchilla Scaling: A replication attempt",
and its notebook ``data_analysis.ipynb``, that the book reproduces (the point estimates of their maximum-likelihood
fit are :data:`BESIROGLU_2024_MLE`). Tolerances are in the tests that assert them."""

BESIROGLU_2024_MLE: dict[str, float] = {"E": 1.8169, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3659}
"""Besiroglu et al. (2024): point estimates of their Huber-density maximum-likelihood refit on 240 digitised runs."""

BESIROGLU_2024_HOFFMANN_RATIO = 72.87
"""Besiroglu et al. (2024), ``data_analysis.ipynb``: the tokens per parameter that Hoffmann's law implies at the
point of their compute grid nearest Chinchilla's 5.88e23 FLOPs (the paper's text rounds it to "about 70")."""

BESIROGLU_2024_A_REF = 0.4545
"""Besiroglu et al. (2024), ``data_analysis.ipynb``: the exponent their Hoffmann reference curve pairs with the
unrounded frontier coefficient (the middle of Table 2's Approach-3 interval 0.454-0.455)."""

BESIROGLU_2024_GRID_DEX = 0.05
"""Besiroglu et al. (2024), ``data_analysis.ipynb``: spacing (decades) of the compute grid 10^18 ... 10^27.95."""

# ----------------------------------------------------------------------------- Sardana et al. (2024)
SARDANA_2024_PARAMS: dict[str, float] = {"E": 1.69, "A": 406.4, "B": 410.7, "alpha": 0.336, "beta": 0.283}
"""Sardana et al. (2024), "Beyond Chinchilla-Optimal": the loss coefficients of their worked examples (Hoffmann's
Eq. (10) with :math:`\\alpha = 0.336`, :math:`\\beta = 0.283`)."""

# ----------------------------------------------------------------------------- other studies of the frontier
KAPLAN_2020_A = 0.73
r"""Kaplan et al. (2020): exponent of the compute-efficient model size, :math:`N \propto C_\mathrm{min}^{0.73}`,
in non-embedding parameters and non-embedding compute."""

PEARCE_SONG_2024: dict = {
    "a_total": 0.51,            # local fit, total parameters against total compute
    "a_non_embedding": 0.78,    # local fit, non-embedding parameters against non-embedding compute
    "embedding_coef": 47491.0,  # N_total = N_ne + 47491 N_ne^(1/3), fitted to Chinchilla's configurations
    "log10_N_ne_range": (2.9, 9.2),  # the non-embedding sizes simulated (Kaplan's 768 to 1.5B)
}
"""Pearce & Song (2024), "Reconciling Kaplan and Chinchilla Scaling Laws": the frontier exponents of their
simulation from Besiroglu et al.'s law over Kaplan's model range, in total and in non-embedding parameters, the
embedding-parameter fit they use, and the range of sizes (from the authors' figure and script)."""

MUENNIGHOFF_2023_FIT: dict[str, float] = {"log_A": 6.255414, "log_B": 7.3049974, "log_E": 0.6254804,
                                           "alpha": 0.3526596, "beta": 0.3526596,
                                           "R_D_star": 15.387756, "R_N_star": 5.309743}
r"""Muennighoff et al. (2023), "Scaling Data-Constrained Language Models": the parametric fit of their
data-constrained law on C4, :math:`(\log A, \log B, \log E, \alpha, \beta, R_D^*, R_N^*)`, as given in the
authors' repository (``huggingface/datablations``, README, "Parametric Fit"). :math:`R_D^*` is the decay
constant of repeated data, :math:`R_N^*` that of excess parameters."""

MUENNIGHOFF_2023_PARAMS: dict[str, float] = {
    "E": math.exp(MUENNIGHOFF_2023_FIT["log_E"]), "A": math.exp(MUENNIGHOFF_2023_FIT["log_A"]),
    "B": math.exp(MUENNIGHOFF_2023_FIT["log_B"]), "alpha": MUENNIGHOFF_2023_FIT["alpha"],
    "beta": MUENNIGHOFF_2023_FIT["beta"],
}
"""Muennighoff et al. (2023), "Scaling Data-Constrained Language Models": the Chinchilla-form part of their fit on
C4 (one epoch of unique data), from the log-scales ``e, a, b`` and the common exponent in their repository's README."""

# ----------------------------------------------------------------------------- Brown et al. (2024)
BROWN_2024_FIG5: dict[str, tuple[float, float]] = {"Pythia-70M": (-7.59, -0.18), "Pythia-12B": (-3.92, -0.35)}
r"""Brown et al. (2024), Figure 5 panel titles: published :math:`(a, b)` of :math:`\log c(k) = a k^b` on MATH,
as printed (two decimals). In the book's notation (see the notation page) :math:`\zeta = -a`, :math:`\xi = -b`.
The book reproduces them to :math:`|\Delta a| < 0.1`, :math:`|\Delta b| < 0.01` (the k grid is unpublished)."""

BROWN_2024_PYTHIA160M_MATH: dict[int, float] = {1: 0.0027, 10_000: 0.57}
"""Brown et al. (2024), Sec. 3: Pythia-160M's MATH coverage (a fraction) at k = 1 and k = 10,000, "from a pass@1
of 0.27% to a pass@10k of 57%" (rounded as printed; reproduced to half a printed unit)."""

# ----------------------------------------------------------------------------- Gadre et al. (2024)
GADRE_2024_TABLE6_VALUES: dict[str, dict[str, float]] = {
    "c4": {"E": 1.51, "a": 141, "b": 190, "eta": 0.121, "epsilon": 0.850, "k": 2.08, "gamma": 0.756, "M_star": 3.36},
    "redpajama": {"E": 1.84, "a": 212, "b": 367, "eta": 0.136, "epsilon": 0.857, "k": 2.21, "gamma": 0.715,
                  "M_star": 7.42},
    "refinedweb": {"E": 1.73, "a": 157, "b": 246, "eta": 0.127, "epsilon": 0.865, "k": 2.21, "gamma": 0.707,
                   "M_star": 5.85},
}
"""Gadre et al. (2024), Table 6, as printed: Eq. (4) fitted to C4-eval loss (``E, a, b, eta``) and Eq. (5) to the
17-task average error (``epsilon, k, gamma``), per training set, and :math:`M^*` (their App. F). The paper's letters
are kept as keys; the book writes :math:`\\tilde A, \\tilde B` for ``a, b`` and :math:`\\chi, \\tau` for ``k, gamma``.
``t2lib.overtraining.GADRE_2024_TABLE6`` builds the laws from these values."""

_TABLE_TASKS = ("arc_easy", "lambada_openai", "openbook_qa", "hellaswag_zeroshot", "avg17")


def _by_task(rows: dict[str, tuple[float, ...]]) -> dict[str, dict[str, float]]:
    """``{training set: {task: value}}`` from one row of values per training set, in ``_TABLE_TASKS`` order."""
    return {ds: dict(zip(_TABLE_TASKS, vals, strict=True)) for ds, vals in rows.items()}


GADRE_2024_TABLE2: dict[str, dict[str, float]] = _by_task({
    "c4": (28.96, 15.01, 16.80, 79.58, 0.14),
    "redpajama": (5.21, 14.39, 8.44, 25.73, 0.05),
    "refinedweb": (26.06, 16.55, 1.92, 81.96, 2.94),
})
"""Gadre et al. (2024), Table 2: relative error (%) of the downstream prediction for the 6.9B,
138B-token model of each training set, for ARC-Easy, LAMBADA, OpenBook QA, HellaSwag and the
17-task average. (Matching it shows the HellaSwag column is the zero-shot variant.)"""

GADRE_2024_TABLE7: dict[str, dict[str, float]] = _by_task({
    "c4": (0.92, 2.04, 96.16, 61.79, 0.42),
    "redpajama": (8.13, 11.07, 7.56, 30.98, 10.64),
    "refinedweb": (15.39, 6.26, 6.79, 6.52, 15.79),
})
"""Gadre et al. (2024), Table 7: as Table 2 with the error laws fitted without the 1.4B run."""

GADRE_2024_LOSS_REL_ERROR_PCT: dict[str, float] = {"rpj-open_lm_1b-32.0": 0.7, "rpj-open_lm_7b-1.0": 0.7}
"""Gadre et al. (2024), Sec. 4 (and Fig. 1): relative error (%) of the C4-eval loss predicted by the Table 1 fit
for two held-out RedPajama runs, keyed by run name: the 1.4B model on 900B tokens (M = 640), "within 0.7% relative
error", and the 6.9B model at M = 20, 0.7%. Printed with one decimal."""

GADRE_2024_ERR17_REL_ERROR_PCT: dict[str, float] = {"rpj-open_lm_1b-32.0": 3.6}
"""Gadre et al. (2024), Sec. 4: relative error (%) of the chained prediction (C, M -> L -> Err) of the 17-task
average error of the 1.4B, 900B-token RedPajama run, 3.6% as printed (one decimal)."""

SARDANA_2024_MAX_TOKENS_PER_PARAM: float = 10_000.0
"""Largest tokens-per-parameter ratio of the 47 models Sardana et al. (2024) trained ("up to 10,000", abstract)."""

SARDANA_2024_COST_SETTINGS: dict[str, float] = {
    "mfu_train": 0.5,
    "mfu_prompt": 0.5,
    "mfu_generate": 0.01,
    "prompt_tokens_per_request": 70.0,
    "generated_tokens_per_request": 215.0,
    "train_dollars_per_hour": 1.50,
    "inference_dollars_per_hour": 1.10,
}
"""Sardana et al. (2024), Sec. 6 and App. B (as transcribed in third-party notes on the paper): utilisations of
training, prompt processing and generation; mean prompt and reply lengths per request (LMSYS-Chat); hourly prices of
an A100-80GB for training and an A100-40GB for INT8 inference. Chapter 4's parameters default to these values."""

ERDIL_2024_ILLUSTRATION: dict[str, float] = {"tokens_per_day": 100e9, "training_tokens": 10e12}
"""Erdil (2024), Introduction: "around 100 billion tokens per day" served by one lab, against models "trained on the
order of 10 trillion tokens"."""

# ----------------------------------------------------------------------------- the register
ROBERTS_2026_RQ2: dict[str, float] = {"Approach 1": 0.028, "Approach 2": 0.084}
r"""Roberts et al. (2026), Figure 4 (RQ2): relative error of the extrapolation from their 85 Chinchilla-style
checkpoints to their overtrained ones at :math:`C_{\mathrm{inf}} = 2\times10^9`, Approach 1 on the task-NLL axis
(10-20 nats) and Approach 2 on pass@k accuracy. Quoted for comparison (chapters 9 and 10 do not reproduce them: the
paper's checkpoints and likelihoods are not public)."""

_EPOCH_NB = "data_analysis.ipynb of the authors' repository (epoch-research/analyzing-chinchilla)"
SOURCES: dict[str, Source] = {
    "GOPHER_FLOPS": Source("hoffmann2022", "Table 3 (the Gopher unit) and Sec. 3.4", note="as printed"),
    "HOFFMANN_2022_EQ10": Source("hoffmann2022", "Eq. (10)", note="as printed (rounded)"),
    "HOFFMANN_2022_UNROUNDED_PARAMS": Source("besiroglu2024", _EPOCH_NB,
                                             note="Hoffmann et al.'s Approach 3 from the TeX source, as Besiroglu et al. report it"),
    "HOFFMANN_2022_TABLE2_A": Source("hoffmann2022", "Table 2", note="as printed"),
    "HOFFMANN_2022_FIG4_GOPHER_N": Source("hoffmann2022", "Figure 4 caption", note="as printed"),
    "HOFFMANN_2022_TEXT_175B": Source("hoffmann2022", "Sec. 3.4 text", note="as printed"),
    "HOFFMANN_2022_ISOFLOP_BUDGETS": Source("hoffmann2022", "Figure 3 (legend)", note="as printed"),
    "BESIROGLU_2024": Source("besiroglu2024", f"text, {_EPOCH_NB} and data_extraction.ipynb",
                             note="notebook outputs and extraction constants; SEs and intervals as printed"),
    "BESIROGLU_2024_MLE": Source("besiroglu2024", "Sec. 4 (point estimates of the refit)", note="as printed"),
    "BESIROGLU_2024_HOFFMANN_RATIO": Source("besiroglu2024", _EPOCH_NB, note="notebook output"),
    "BESIROGLU_2024_A_REF": Source("besiroglu2024", _EPOCH_NB, note="a parameter of the notebook"),
    "BESIROGLU_2024_GRID_DEX": Source("besiroglu2024", _EPOCH_NB, note="a parameter of the notebook"),
    "SARDANA_2024_PARAMS": Source("sardana2024", "worked examples (Sec. 2, App. B)",
                                  note="checked only through the worked examples they reproduce"),
    "KAPLAN_2020_A": Source("kaplan2020", "text (compute-efficient allocation, N ∝ C_min^0.73)", note="as printed"),
    "PEARCE_SONG_2024": Source("pearce2024", "splash figure and simulation script of the authors' repository",
                               note="local fits as printed in the figure; the coefficient and range from the script"),
    "MUENNIGHOFF_2023_PARAMS": Source("muennighoff2023", "README of the authors' repository (huggingface/datablations)",
                                      note="log-scales as printed, exponentiated"),
    "MUENNIGHOFF_2023_FIT": Source("muennighoff2023", "README of the authors' repository (huggingface/datablations), "
                                   "Parametric Fit", note="as printed"),
    "BROWN_2024_FIG5": Source("brown2024", "Figure 5 panel titles", note="as printed"),
    "BROWN_2024_PYTHIA160M_MATH": Source("brown2024", "Sec. 3 text", note="as printed"),
    "GADRE_2024_TABLE6_VALUES": Source("gadre2024", "Table 6 (and App. F for M*)", note="as printed"),
    "GADRE_2024_TABLE2": Source("gadre2024", "Table 2", note="as printed"),
    "GADRE_2024_TABLE7": Source("gadre2024", "Table 7", note="as printed"),
    "GADRE_2024_LOSS_REL_ERROR_PCT": Source("gadre2024", "Sec. 4 and Figure 1", note="as printed"),
    "GADRE_2024_ERR17_REL_ERROR_PCT": Source("gadre2024", "Sec. 4", note="as printed"),
    "ROBERTS_2026_RQ2": Source("roberts2026", "Figure 4 (RQ2)", note="as printed in the panels (one decimal, %)"),
    "ROBERTS_2026_TABLE1_SIZES": Source("roberts2026", "Table 1 (sizes in parentheses)",
                                        note="read from data/roberts2026_table1.csv, as printed"),
    "SARDANA_2024_MAX_TOKENS_PER_PARAM": Source("sardana2024", "abstract", note="as printed"),
    "SARDANA_2024_COST_SETTINGS": Source("sardana2024", "Sec. 6 and App. B",
                                         note="from third-party notes on the paper, not checked against its text"),
    "ERDIL_2024_ILLUSTRATION": Source("erdil2024", "Introduction", note="as printed (round numbers)"),
}
"""The source of every constant of this module, keyed by the constant's name."""

_TABLE_CITES: dict[str, str] = {
    "hoffmann2022_table3.csv": "hoffmann2022",
    "hoffmann2022_table_a3.csv": "hoffmann2022",
    "hoffmann2022_table_a4.csv": "hoffmann2022",
    "sardana2024_cost_examples.csv": "sardana2024",
    "sardana2024_flop_examples.csv": "sardana2024",
    "villalobos_atkinson_2023.csv": "villalobos2023",
    "roberts2026_table1.csv": "roberts2026",
}


def source(name: str) -> Source:
    """The :class:`Source` of the published constant ``name`` (e.g. ``"HOFFMANN_2022_TABLE2_A"``).

    Raises
    ------
    ValueError
        If ``name`` is not a constant of this module (the message lists them).
    """
    if not isinstance(name, str) or name not in SOURCES:
        raise ValueError(f"name must be one of the published constants {sorted(SOURCES)}; got {name!r}")
    return SOURCES[name]


def catalogue() -> pd.DataFrame:
    """Every transcribed value of the book: the constants of this module and the CSV tables of ``data/``.

    Returns
    -------
    pandas.DataFrame
        One row per constant or table, columns ``name``, ``kind`` (``"constant"`` or ``"table"``), ``cite``,
        ``where``, ``page`` and ``note``. For a table, ``where`` is its ``#`` header.
    """
    rows = [{"name": k, "kind": "constant", "cite": s.cite, "where": s.where, "page": s.page, "note": s.note}
            for k, s in SOURCES.items()]
    for path in sorted(DATA_DIR.glob("*.csv")):
        rows.append({"name": path.name, "kind": "table", "cite": _TABLE_CITES.get(path.name, ""), "page": None,
                     "where": read_table(path.name).attrs["source"], "note": "transcribed by hand"})
    return pd.DataFrame(rows)


def read_table(name: str, **read_csv_kwargs: Any) -> pd.DataFrame:
    """Read ``data/<name>`` (a transcribed CSV) with its provenance.

    Parameters
    ----------
    name : str
        File name inside the project's ``data/`` folder, e.g. ``"hoffmann2022_table_a4.csv"``.
    **read_csv_kwargs
        Passed to :func:`pandas.read_csv` (e.g. ``keep_default_na``); ``comment="#"`` is always set.

    Raises
    ------
    ValueError
        If no such table exists (the message lists the available ones).
    """
    if not isinstance(name, str) or not name or Path(name).name != name or name.startswith("."):
        raise ValueError(f"name must be the file name of a table inside data/ (no folders); got {name!r}")
    path = DATA_DIR / v.text("name", name)
    if not path.is_file():
        available = sorted(p.name for p in DATA_DIR.glob("*.csv")) if DATA_DIR.is_dir() else []
        raise ValueError(f"name must be one of the transcribed tables {available}; got {name!r}")
    return read_transcribed(path, **read_csv_kwargs)


def read_transcribed(path: str | Path, **read_csv_kwargs: Any) -> pd.DataFrame:
    """Read any CSV in the transcription format (``#`` provenance header, then the table), e.g. a user's own copy.

    Like :func:`read_table`, but for a path outside ``data/``; ``attrs["source"]`` holds the joined header lines.

    Raises
    ------
    ValueError
        If ``path`` is not an existing file.
    """
    path = v.path("path", path)
    header = [ln.lstrip("# ").rstrip() for ln in path.read_text().splitlines() if ln.startswith("#")]
    df = pd.read_csv(path, comment="#", **read_csv_kwargs)
    df.attrs["source"] = " ".join(header)
    return df


def deviations(ours: pd.DataFrame, published: pd.DataFrame, columns, prefix: str = "paper_") -> pd.DataFrame:
    """Absolute differences ``|ours[col] - published[prefix + col]|`` for each column, aligned on the index.

    Entries the paper does not give (empty in the CSV) are ``NaN``.

    Raises
    ------
    ValueError
        If a column is missing from either table.
    """
    if isinstance(columns, (str, bytes)) or not isinstance(columns, Iterable):
        raise ValueError(f"columns must be a non-empty list of column names; got {columns!r}")
    cols = list(columns)
    if not cols or not all(isinstance(c, str) for c in cols):
        raise ValueError(f"columns must be a non-empty list of column names; got {cols!r}")
    prefix = v.text("prefix", prefix, empty=True)
    v.frame("ours", ours)
    v.frame("published", published)
    missing = [c for c in cols if c not in ours.columns] + [prefix + c for c in cols if prefix + c not in published.columns]
    if missing:
        raise ValueError(f"columns must exist in both tables; missing {missing}")
    v.frame("ours", ours, finite_columns=cols)  # our values are computed: never nan
    for c in cols:  # the paper's may be empty (nan: not printed), but must be numbers
        try:
            published[prefix + c].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"published[{prefix + c!r}] must hold numbers (nan where the paper prints none)") from None
    return pd.DataFrame({c: (ours[c] - published[prefix + c].astype(float)).abs() for c in cols})


def within_tolerance(ours: pd.DataFrame, published: pd.DataFrame, tolerance, prefix: str = "paper_") -> pd.DataFrame:
    """Boolean table: ``True`` where ours is within ``tolerance[col]`` of the published value or none is given.

    ``tolerance`` maps a column name to a scalar or to one value per row (``NaN`` for rows not checked).
    """
    tolerance = v.mapping("tolerance", tolerance)
    dev = deviations(ours, published, list(tolerance.keys()), prefix)
    for c, t in tolerance.items():
        tv = np.asarray(t, dtype=float) if not isinstance(t, (str, bytes)) else np.array(np.nan)
        if np.any(tv[np.isfinite(tv)] < 0) or np.any(np.isinf(tv)) or (isinstance(t, (str, bytes))):
            raise ValueError(f"tolerance[{c!r}] must be non-negative numbers (nan for rows not checked); got {t!r}")
    tol = pd.DataFrame({c: pd.Series(t, index=dev.index) if pd.api.types.is_list_like(t) else t
                        for c, t in tolerance.items()}, index=dev.index)
    return (dev <= tol) | dev.isna() | tol.isna()


def _table1_sizes() -> dict[str, tuple[float, ...]]:
    t = read_table("roberts2026_table1.csv")
    scale = {"K": 1e3, "M": 1e6, "B": 1e9}
    size = t["size_label"].map(lambda s: float(s[:-1]) * scale[s[-1]])
    arms = {"best_overtrained": "best overtrained", "chinchilla_opt": "Chinchilla optimal"}
    return {label: tuple(sorted(set(size[t["arm"] == arm]))) for arm, label in arms.items()}


ROBERTS_2026_TABLE1_SIZES: dict[str, tuple[float, ...]] = _table1_sizes()
"""Roberts et al. (2026), Table 1 (C_train = 2.56e19, C_inf = 2e9): the distinct nominal sizes of the best
overtrained checkpoints (37M on 6 of 8 tasks, 84M and 149M on one each) and of the Chinchilla-optimal ones (455M to
901M, by task), read from ``data/roberts2026_table1.csv``. Quoted, not reproduced."""
