"""Argument checks of the chapter-9 modules (integers, seeds, options) that :mod:`t2lib._validate` lacks here."""
from __future__ import annotations

from typing import Any

import numpy as np


def integer(name: str, x: Any, lo: int, hi: int) -> int:
    """``x`` as an int in ``[lo, hi]``; whole floats are accepted, bools, strings, None and fractions are not."""
    if isinstance(x, (bool, np.bool_)) or x is None or isinstance(x, (str, bytes)):
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}]; got {x!r}")
    if isinstance(x, np.ndarray):
        if x.ndim != 0:
            raise ValueError(f"{name} must be a single integer in [{lo}, {hi}]; got an array of shape {x.shape}")
        x = x.item()
    if isinstance(x, (int, np.integer)):
        val = int(x)
    elif isinstance(x, (float, np.floating)):
        if not np.isfinite(x) or x != np.floor(x) or abs(x) > 2.0**53:
            raise ValueError(f"{name} must be a whole number in [{lo}, {hi}]; got {x!r}")
        val = int(x)
    else:
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}]; got {type(x).__name__}")
    if not lo <= val <= hi:
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}] (allowed range: {lo} <= {name} <= {hi}); "
                         f"got {val}")
    return val


def seed(name: str, x: Any) -> int:
    """A seed: a whole number in ``[0, 2**32)``."""
    return integer(name, x, 0, 2**32 - 1)
