r"""The Train-to-Test (T²) law of Roberts et al. (2026): model size, training tokens and repeated samples.

- :mod:`t2lib.t2.law`       Approach 1, :math:`L(N,D,k) = E + A/N^\alpha + B/D^\beta + G/k^\gamma`, and its optimum
  under a training budget :math:`6ND` and an inference budget :math:`2Nk` per served token.
- :mod:`t2lib.t2.accuracy`  Approach 2, pass@k of a Beta-distributed success probability driven by the loss.
- :mod:`t2lib.t2.forecast`  optima against the k = 1 frontier of the same law; isoFLOP profiles.
- :mod:`t2lib.t2.sampling_budget`  measured models compared at equal inference FLOPs (Pythia × MATH/GSM8K).
- :mod:`t2lib.t2.named`, :mod:`t2lib.t2.presets`  named laws with their sources (``presets.LAWS``).
- :mod:`t2lib.t2.targets`   fitting targets from sampled (n, c) counts; :mod:`t2lib.t2.fit` the fits (chapter 9).

Everything public is re-exported here: ``from t2lib.t2 import T2Law, t2_optimal``.
"""
from .accuracy import T2AccuracyLaw, jensen_gap, monte_carlo_accuracy, t2_accuracy_optimal
from .fit import T2AccuracyFit, T2Bootstrap, T2CoupledFit, T2Fit, fit_t2, fit_t2_accuracy, fit_t2_coupled
from .forecast import (FORECAST_COLUMNS, allocation_at_sizes, forecast, isoflop_profile, objective, objective_name,
                       parse_size)
from .law import T2Law, k1_allocation, t2_large_train_limit, t2_optimal
from .named import NamedLaw
from .targets import k_grid, passk_targets, select_checkpoints, thin_samples
from .sampling_budget import best_model_at_budget, coverage_at_budget, equal_budget_table, samples_at_budget

__all__ = [
    "T2Law", "t2_optimal", "t2_large_train_limit", "k1_allocation",
    "T2AccuracyLaw", "t2_accuracy_optimal", "jensen_gap", "monte_carlo_accuracy",
    "forecast", "isoflop_profile", "objective", "objective_name", "FORECAST_COLUMNS", "allocation_at_sizes",
    "parse_size",
    "NamedLaw",
    "samples_at_budget", "coverage_at_budget", "best_model_at_budget", "equal_budget_table",
    "passk_targets", "k_grid", "thin_samples", "select_checkpoints", "fit_t2", "T2Fit", "T2Bootstrap",
    "fit_t2_accuracy", "T2AccuracyFit", "fit_t2_coupled", "T2CoupledFit",
]
