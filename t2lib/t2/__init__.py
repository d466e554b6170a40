r"""The Train-to-Test (T²) law of Roberts et al. (2026): model size, training tokens and repeated samples.

- :mod:`t2lib.t2.law`       Approach 1, :math:`L(N,D,k) = E + A/N^\alpha + B/D^\beta + G/k^\gamma`, and its optimum
  under a training budget :math:`6ND` and an inference budget :math:`2Nk` per served token.
- :mod:`t2lib.t2.accuracy`  Approach 2, pass@k of a Beta-distributed success probability driven by the loss.

Everything public is re-exported here: ``from t2lib.t2 import T2Law, t2_optimal``.
"""
from .accuracy import T2AccuracyLaw, t2_accuracy_optimal
from .law import T2Law, t2_optimal

__all__ = ["T2Law", "t2_optimal", "T2AccuracyLaw", "t2_accuracy_optimal"]
