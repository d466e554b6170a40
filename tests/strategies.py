"""Hypothesis strategies and synthetic inputs shared by the test modules."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from t2lib.laws import ChinchillaLaw


def chinchilla_laws(E=(0.5, 3.0), A=(1.0, 1e4), B=(1.0, 1e4), alpha=(0.1, 1.0), beta=(0.1, 1.0)):
    """Random :class:`ChinchillaLaw` with each parameter uniform in the given (low, high) range."""
    return st.builds(ChinchillaLaw, E=st.floats(*E), A=st.floats(*A), B=st.floats(*B),
                     alpha=st.floats(*alpha), beta=st.floats(*beta))


def synthetic_draws(n: int, seed: int = 0):
    """``n`` bootstrap-like draws of a Chinchilla law scattered around Epoch AI's refit (a test input, not a fit)."""
    from t2lib import frame
    from t2lib.laws import PRESETS

    rng = np.random.default_rng(seed)
    b = PRESETS["EPOCH_2024"]
    return frame.LawDraws(E=b.E * np.exp(rng.normal(0, .01, n)), A=b.A * np.exp(rng.normal(0, .2, n)),
                          B=b.B * np.exp(rng.normal(0, .3, n)), alpha=b.alpha + rng.normal(0, .01, n),
                          beta=b.beta + rng.normal(0, .01, n))
