r"""The Train-to-Test (T²) law of Roberts et al. (2026): model size, training tokens and repeated samples.

- :mod:`t2lib.t2.law`       Approach 1, :math:`L(N,D,k) = E + A/N^\alpha + B/D^\beta + G/k^\gamma`, and its optimum
  under a training budget :math:`6ND` and an inference budget :math:`2Nk` per served token.
- :mod:`t2lib.t2.accuracy`  Approach 2, pass@k of a Beta-distributed success probability driven by the loss.
- :mod:`t2lib.t2.targets`   fitting targets from sampled (n, c) counts; :mod:`t2lib.t2.fit` the fits (chapter 9).

Everything public is re-exported here: ``from t2lib.t2 import T2Law, t2_optimal``.
"""
from .accuracy import T2AccuracyLaw, t2_accuracy_optimal
from .law import T2Law, t2_optimal
from .fit import T2AccuracyFit, T2Bootstrap, T2CoupledFit, T2Fit, fit_t2, fit_t2_accuracy, fit_t2_coupled
from .targets import k_grid, passk_targets, select_checkpoints, thin_samples

__all__ = ["T2Law", "t2_optimal", "T2AccuracyLaw", "t2_accuracy_optimal"]
__all__ += ["passk_targets", "k_grid", "thin_samples", "select_checkpoints", "fit_t2", "T2Fit", "T2Bootstrap",
            "fit_t2_accuracy", "T2AccuracyFit", "fit_t2_coupled", "T2CoupledFit"]
