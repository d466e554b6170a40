"""Input checks shared by every public function of :mod:`t2lib`.

Each checker converts its input to a float ``numpy`` array and raises a
:class:`ValueError` that names the argument and the allowed range when the
input is not acceptable. Public functions call these first, so bad input
never reaches the numerics (no silent ``nan`` results).
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["positive", "nonnegative", "finite", "in_open_interval", "same_shape", "positive_scalar", "PositiveParams"]


def _as_float_array(name: str, x: Any) -> np.ndarray:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:  # strings, ragged lists, ...
        raise ValueError(f"{name} must be a real number or array of real numbers; got {x!r}") from exc
    return arr


def finite(name: str, x: Any) -> np.ndarray:
    """Return ``x`` as a float array; raise if any element is nan or infinite."""
    arr = _as_float_array(name, x)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no nan or inf); got {x!r}")
    return arr


def positive(name: str, x: Any) -> np.ndarray:
    """Return ``x`` as a float array; raise unless every element is finite and > 0."""
    arr = finite(name, x)
    if not np.all(arr > 0):
        raise ValueError(f"{name} must be positive and finite (allowed range: 0 < {name} < inf); got min {arr.min()!r}")
    return arr


def nonnegative(name: str, x: Any) -> np.ndarray:
    """Return ``x`` as a float array; raise unless every element is finite and >= 0."""
    arr = finite(name, x)
    if not np.all(arr >= 0):
        raise ValueError(f"{name} must be non-negative and finite (allowed range: 0 <= {name} < inf); got min {arr.min()!r}")
    return arr


def in_open_interval(name: str, x: Any, lo: float, hi: float) -> np.ndarray:
    """Return ``x`` as a float array; raise unless ``lo < x < hi`` element-wise."""
    arr = finite(name, x)
    if not np.all((arr > lo) & (arr < hi)):
        raise ValueError(f"{name} must lie in the open interval ({lo}, {hi}); got {x!r}")
    return arr


def same_shape(**arrays: np.ndarray) -> None:
    """Raise unless all the given 1-D arrays have the same length."""
    lengths = {k: np.shape(v) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{k}: {v}" for k, v in lengths.items())
        raise ValueError(f"arguments must have matching shapes; got {desc}")


def positive_scalar(name: str, x: Any) -> float:
    """Return ``x`` as a Python float; raise unless it is a single finite number > 0."""
    arr = positive(name, x)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a scalar; got shape {arr.shape}")
    return float(arr)


class PositiveParams:
    """Base for frozen dataclasses whose fields are all positive finite scalars (the laws' parameters).

    Validates every field on construction (``ValueError`` naming the field), stores it as a float,
    and provides :meth:`as_dict` and :meth:`from_params` (which rejects unknown or missing names).
    """

    def __post_init__(self) -> None:
        from dataclasses import fields

        for f in fields(self):
            object.__setattr__(self, f.name, positive_scalar(f.name, getattr(self, f.name)))

    @classmethod
    def param_names(cls) -> tuple[str, ...]:
        from dataclasses import fields

        return tuple(f.name for f in fields(cls))

    def as_dict(self) -> dict[str, float]:
        """The parameters as a plain dict, in field order."""
        return {k: getattr(self, k) for k in self.param_names()}

    @classmethod
    def from_params(cls, params):
        """Build from a mapping with exactly the parameter names as keys."""
        names = cls.param_names()
        unknown, missing = set(params) - set(names), set(names) - set(params)
        if unknown or missing:
            raise ValueError(
                f"params must have exactly the keys {names}; unknown: {sorted(unknown)}, missing: {sorted(missing)}"
            )
        return cls(**{k: params[k] for k in names})
