"""Hypothesis strategies shared by the test modules."""
from __future__ import annotations

from hypothesis import strategies as st

from t2lib.laws import ChinchillaLaw


def chinchilla_laws(E=(0.5, 3.0), A=(1.0, 1e4), B=(1.0, 1e4), alpha=(0.1, 1.0), beta=(0.1, 1.0)):
    """Random :class:`ChinchillaLaw` with each parameter uniform in the given (low, high) range."""
    return st.builds(ChinchillaLaw, E=st.floats(*E), A=st.floats(*A), B=st.floats(*B),
                     alpha=st.floats(*alpha), beta=st.floats(*beta))
