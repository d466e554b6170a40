r"""T² laws fitted on public data (chapter 9): ``FITTED`` maps a name to a :class:`~t2lib.t2.named.NamedLaw`.

The values are those of chapter 9's default fits on the Pythia checkpoints × 128 GSM8K problems
(:func:`t2lib.data.load_pythia_samples` with ``checkpoints=True``, selection
:func:`~t2lib.t2.targets.select_checkpoints`
with its defaults: :math:`D \ge 2\times10^9` tokens, :math:`k \in \{1, 2, \dots, 128\}`), stored as constants so that
``python -m t2lib plan`` stays fast; ``tests/test_t2_fitted.py`` re-fits them from the data with
:func:`refit` and checks every stored value (relative tolerance :data:`REFIT_RTOL`). The MATH fits are **not**
registered: their data exponent :math:`\beta` runs to its bound (a degenerate fit, not to be forecast from).

All three are fits of a sampled-data target, :math:`-\log` of the mean unbiased pass@k (chapter 9), on a scale of
0.5–10 nats; they lose to a nearest-checkpoint baseline out of sample (chapter 9), so treat their optima as an
illustration of the method on public data, not as a recommendation.
"""
from __future__ import annotations

from ..laws import ChinchillaLaw
from .accuracy import T2AccuracyLaw
from .law import T2Law
from .named import NamedLaw

__all__ = ["FITTED", "ALL_FITTED", "FITTED_RANGE", "REFIT_RTOL", "refit", "PYTHIA_GSM8K_APPROACH1", "PYTHIA_GSM8K_APPROACH2",
           "PYTHIA_GSM8K_COUPLED"]

REFIT_RTOL = 1e-3
"""Relative tolerance of the re-fit test (the SSE surface is flat along some directions: different start sets
agree to about 1e-5)."""

FITTED_RANGE: dict[str, tuple[float, float]] = {"N": (14_067_712.0, 11_846_072_320.0), "D": (2e9, 3e11),
                                                "k": (1.0, 128.0)}
"""The (N, D, k) box of the fitted checkpoints: Pythia-14M to 12B, 2B to 300B tokens, k from 1 to 128."""

PYTHIA_GSM8K_APPROACH1 = T2Law(E=0.0, A=80566.801, B=23755409.0, alpha=0.59599189, beta=0.75430044,
                               G=4.9950432, gamma=0.34948891)
"""Approach 1 (SSE, 128 starts, seed 0) on GSM8K. E sits at its bound 0."""

PYTHIA_GSM8K_APPROACH2 = T2AccuracyLaw(
    loss_law=ChinchillaLaw(E=4.3319061, A=28243.705, B=2211123.2, alpha=0.52735374, beta=0.63693403),
    theta0=-0.031821177, theta1=0.95607327, theta2=0.99976174, theta3=0.040664098, theta4=0.76728886)
"""Approach 2 on GSM8K: stage 1 SSE on the k = 1 target, stage 2 beta-binomial likelihood. θ₀ and θ₂ are not
separately identified (chapter 9): moving θ₀ by 0.2% (with θ₂) changes the log-likelihood by 1e-10 relative, so
the stored values follow the optimiser (re-stored when its line search changed; the new point is the lower one)."""

PYTHIA_GSM8K_COUPLED = T2AccuracyLaw(
    loss_law=ChinchillaLaw(E=4.4491344, A=26810.409, B=1659851.8, alpha=0.52542524, beta=0.62534425),
    theta0=0.0, theta1=1.0, theta2=1.0, theta3=-0.027020656, theta4=1.0)
"""The coupled law of :func:`t2lib.t2.fit.fit_t2_coupled` on GSM8K (Beta shape e^θ₃ = 0.973)."""

_SOURCE = ("chapter 9 (09_t2_public_data): fitted to -log mean pass@k of the Pythia checkpoints x 128 GSM8K "
           "problems (Brown et al. 2024 / Schaeffer et al. 2025 data), checkpoints with D >= 2e9 tokens, k <= 128; ")

ALL_FITTED: dict[str, NamedLaw] = {
    "pythia-gsm8k-approach1": NamedLaw("pythia-gsm8k-approach1", PYTHIA_GSM8K_APPROACH1,
                                       _SOURCE + "Approach 1 by least squares", False, dict(FITTED_RANGE)),
    "pythia-gsm8k-approach2": NamedLaw("pythia-gsm8k-approach2", PYTHIA_GSM8K_APPROACH2,
                                       _SOURCE + "Approach 2, beta-binomial likelihood", False, dict(FITTED_RANGE)),
    "pythia-gsm8k-coupled": NamedLaw("pythia-gsm8k-coupled", PYTHIA_GSM8K_COUPLED,
                                     _SOURCE + "coupled law (Beta shape fixed, scale from the loss)", False,
                                     dict(FITTED_RANGE)),
}
"""Every law chapter 9 fits and stores (each re-fitted by ``tests/test_t2_fitted.py``)."""

FITTED: dict[str, NamedLaw] = dict(ALL_FITTED)
r"""The fitted laws offered to ``python -m t2lib plan``: all three. (The two Beta laws were kept out while
:func:`~t2lib.t2.accuracy.t2_accuracy_optimal` could overflow at the edge of its search, where the concentration
:math:`e^{\theta_3+\theta_4\hat L}` of a very weak model is huge; the concentration is now capped at
``t2lib.t2.accuracy.NU_MAX``.)"""


def refit(name: str):
    """Re-fit the named law from the data with the chapter's default settings (slow: loads and fits)."""
    from ..data import load_pythia_samples
    from .fit import fit_t2, fit_t2_accuracy, fit_t2_coupled
    from .targets import k_grid, passk_targets, select_checkpoints

    if not isinstance(name, str) or name not in ALL_FITTED:
        raise ValueError(f"name must be one of {sorted(ALL_FITTED)}; got {name!r}")
    samples = load_pythia_samples("GSM8K", checkpoints=True)
    table = select_checkpoints(passk_targets(samples, k_grid(samples)))
    if name == "pythia-gsm8k-approach1":
        return fit_t2(table, n_starts=128, seed=0).law
    if name == "pythia-gsm8k-approach2":
        return fit_t2_accuracy(table, samples, seed=0).law
    return fit_t2_coupled(table, seed=0).law
