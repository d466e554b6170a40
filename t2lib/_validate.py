"""Input checks shared by every public function of :mod:`t2lib`.

Each checker raises a :class:`ValueError` that names the argument and the allowed range when the input is not
acceptable, and returns the input in the form the numerics need. Public functions call these first, so bad input
never reaches the numerics (no silent ``nan`` results), and :func:`finite_result` checks what comes out:

- numbers: :func:`finite`, :func:`positive`, :func:`nonnegative`, :func:`in_open_interval`, :func:`scalar`,
  :func:`positive_scalar`; several arrays together: :func:`broadcast` (names every argument and its shape);
- counts and flags: :func:`integer` (never truncates ``500.5``), :func:`counts` (whole-number arrays),
  :func:`seed`, :func:`flag` (``"False"`` is not ``False``);
- everything else: :func:`choice` (a name from a set), :func:`text`, :func:`frame` (a DataFrame with its columns,
  finite where it must be), :func:`law`, :func:`mapping`, :func:`function`, :func:`path`;
- results: :func:`finite_result` (an overflow is reported as bad input, naming the inputs).

``tests/test_validation_fuzz.py`` feeds every public callable bad values and checks that each is rejected by name.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "positive", "nonnegative", "finite", "in_open_interval", "same_shape", "positive_scalar", "PositiveParams",
    "scalar", "broadcast", "integer", "flag", "choice", "text", "frame", "law", "mapping", "function", "seed",
    "finite_result", "path", "counts",
]


def _short(x: Any) -> str:
    s = repr(x)
    return s if len(s) <= 80 else s[:77] + "..."


def _as_float_array(name: str, x: Any) -> np.ndarray:
    if type(x) is np.ndarray and x.dtype == np.float64:  # the common case, and what np.asarray would return
        return x
    if x is None or isinstance(x, (str, bytes, dict)) or (isinstance(x, np.ndarray) and x.dtype.kind not in "biuf"):
        raise ValueError(f"{name} must be a real number or array of real numbers; got {_short(x)}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError, OverflowError) as exc:  # ragged lists, objects, ...
        raise ValueError(f"{name} must be a real number or array of real numbers; got {_short(x)}") from exc
    return arr


def finite(name: str, x: Any) -> np.ndarray:
    """Return ``x`` as a float array; raise if any element is nan or infinite."""
    arr = _as_float_array(name, x)
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no nan or inf); got {_short(x)}")
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
        raise ValueError(f"{name} must lie in the open interval ({lo}, {hi}); got {_short(x)}")
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


def scalar(name: str, x: Any, lo: float = -np.inf, hi: float = np.inf, *, lo_open: bool = True,
           hi_open: bool = True) -> float:
    """Return ``x`` as a Python float; raise unless it is one finite number in the given range.

    ``lo_open``/``hi_open`` choose strict (default) or non-strict bounds.
    """
    arr = finite(name, x)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a scalar; got shape {arr.shape}")
    val = float(arr)
    ok_lo = val > lo if lo_open else val >= lo
    ok_hi = val < hi if hi_open else val <= hi
    if not (ok_lo and ok_hi):
        rng = f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
        raise ValueError(f"{name} must lie in {rng}; got {val!r}")
    return val


def broadcast(**arrays: Any) -> list[np.ndarray]:
    """Broadcast the named arrays against each other; raise naming every argument and its shape if they do not.

    >>> broadcast(N=np.ones(3), D=np.ones(4))  # doctest: +SKIP
    ValueError: N, D must broadcast to a common shape; got N: (3,), D: (4,)
    """
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        desc = ", ".join(f"{k}: {np.shape(a)}" for k, a in arrays.items())
        raise ValueError(f"{', '.join(arrays)} must broadcast to a common shape; got {desc}") from None


def integer(name: str, x: Any, lo: int | None = None, hi: int | None = None) -> int:
    """Return ``x`` as a Python int; raise unless it is a whole number (not a bool) in ``[lo, hi]``.

    Floats are accepted only when they are whole (``500.0``), never truncated (``500.5`` is an error).
    """
    if isinstance(x, (bool, np.bool_)) or x is None or isinstance(x, (str, bytes)):
        raise ValueError(f"{name} must be an integer; got {_short(x)}")
    arr = np.asarray(x) if isinstance(x, np.ndarray) else x
    if isinstance(arr, np.ndarray):
        if arr.ndim != 0 or arr.dtype.kind not in "iuf":
            raise ValueError(f"{name} must be a single integer; got {_short(x)}")
        arr = arr.item()
    if isinstance(arr, (int, np.integer)):
        val = int(arr)
    elif isinstance(arr, (float, np.floating)):
        if not np.isfinite(arr) or arr != np.floor(arr) or abs(arr) > 2.0**53:
            raise ValueError(f"{name} must be a whole number (an integer); got {_short(x)}")
        val = int(arr)
    else:
        raise ValueError(f"{name} must be an integer; got {_short(x)}")
    if (lo is not None and val < lo) or (hi is not None and val > hi):
        rng = f"{lo if lo is not None else '-inf'} <= {name} <= {hi if hi is not None else 'inf'}"
        raise ValueError(f"{name} must be an integer with {rng}; got {val}")
    return val


def counts(name: str, x: Any, lo: float = 1) -> np.ndarray:
    """Return ``x`` as a float array of whole numbers ``>= lo`` (layer counts, widths, ...); raise otherwise.

    A count such as ``n_layer=12.5`` is an error, never truncated.
    """
    arr = finite(name, x)
    if not np.all(arr == np.round(arr)):
        raise ValueError(f"{name} must hold whole numbers (counts); got {_short(x)}")
    if not np.all(arr >= lo):
        raise ValueError(f"{name} must be >= {lo:g} (allowed range: {lo:g} <= {name} < inf); got min {arr.min()!r}")
    return arr


def flag(name: str, x: Any) -> bool:
    """Return ``x`` as a bool; raise unless it is ``True`` or ``False`` (``"False"`` and ``1`` are errors)."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    raise ValueError(f"{name} must be True or False; got {_short(x)}")


def choice(name: str, x: Any, options) -> Any:
    """Return ``x``; raise unless it is one of ``options`` (compared by equality, strings kept strings)."""
    opts = tuple(options)
    # same kind: "1" is not 1 and an array is not a name; str subclasses (numpy.str_) are strings
    ok = any((type(x) is type(o) or isinstance(x, str) and isinstance(o, str)) and x == o for o in opts)
    if not ok:
        raise ValueError(f"{name} must be one of {opts}; got {_short(x)}")
    return x


def text(name: str, x: Any, *, empty: bool = False) -> str:
    """Return ``x``; raise unless it is a string (non-empty unless ``empty=True``)."""
    if not isinstance(x, str) or (not empty and not x):
        raise ValueError(f"{name} must be a {'' if empty else 'non-empty '}string; got {_short(x)}")
    return x


def frame(name: str, df: Any, columns=(), *, finite_columns=(), hint: str = "") -> "Any":
    """Return ``df``; raise unless it is a DataFrame with every one of ``columns`` and, in ``finite_columns``,
    only finite numbers (NaN in a column used to select rows would silently select nothing)."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas.DataFrame{hint}; got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} is missing the columns {missing}{hint}")
    for c in finite_columns:
        try:
            vals = df[c].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name}[{c!r}] must hold numbers") from None
        if not np.all(np.isfinite(vals)):
            raise ValueError(f"{name}[{c!r}] must be finite (no nan or inf); {int(np.sum(~np.isfinite(vals)))} are not")
    return df


def law(name: str, x: Any, cls) -> Any:
    """Return ``x``; raise unless it is an instance of ``cls`` (a tuple of classes is allowed)."""
    if not isinstance(x, cls):
        names = " or ".join(c.__name__ for c in (cls if isinstance(cls, tuple) else (cls,)))
        raise ValueError(f"{name} must be a {names}; got {type(x).__name__}")
    return x


def mapping(name: str, x: Any) -> Mapping:
    """Return ``x``; raise unless it is a mapping (a dict)."""
    if not isinstance(x, Mapping):
        raise ValueError(f"{name} must be a mapping (dict); got {type(x).__name__}")
    return x


def function(name: str, x: Any) -> Any:
    """Return ``x``; raise unless it is callable."""
    if not callable(x):
        raise ValueError(f"{name} must be callable; got {type(x).__name__}")
    return x


def seed(name: str, x: Any) -> int:
    """Return ``x`` as an int seed; raise unless it is a whole number in ``[0, 2**32)``."""
    return integer(name, x, 0, 2**32 - 1)


def finite_result(result: Any, what: str = "the result", **inputs: Any) -> Any:
    """Return ``result``; raise a ``ValueError`` naming ``inputs`` if any number in it is nan or infinite.

    For results the maths says are finite: an overflow or a 0/0 is reported as bad input, never returned.
    """
    arrs = result if isinstance(result, (tuple, list)) else (result,)
    for a in arrs:
        arr = np.asarray(a, dtype=float)
        if not np.all(np.isfinite(arr)):
            names = ", ".join(inputs)
            desc = "; ".join(f"{k}={_short(val)}" for k, val in inputs.items())
            raise ValueError(
                f"{names}: {what} is not finite (overflow or 0/0 in floating point) for {desc}; "
                f"use inputs within the range of floating point"
            )
    return result


def path(name: str, x: Any, *, kind: str = "file", suffix: str | None = None):
    """Return ``x`` as a ``Path``; raise unless it is a str/PathLike naming an existing file (or ``kind="dir"``)."""
    import os
    from pathlib import Path

    if not isinstance(x, (str, os.PathLike)) or (isinstance(x, str) and not x):
        raise ValueError(f"{name} must be a path (str or os.PathLike); got {_short(x)}")
    p = Path(x)
    if kind == "dir":
        if not p.is_dir():
            raise ValueError(f"{name} must be an existing directory; got {str(p)!r}")
    elif not p.is_file():
        raise ValueError(f"{name} must be an existing file; got {str(p)!r}")
    if suffix is not None and p.suffix != suffix:
        raise ValueError(f"{name} must be a {suffix} file; got {str(p)!r}")
    return p


class PositiveParams:
    """Base for frozen dataclasses whose fields are all positive finite scalars (the laws' parameters).

    Validates every field on construction (``ValueError`` naming the field), stores it as a float,
    and provides :meth:`as_dict` and :meth:`from_params` (which rejects unknown or missing names).
    A subclass lists in ``NONNEGATIVE`` the fields that may also be zero (e.g. an irreducible loss a fit
    put at its bound).
    """

    NONNEGATIVE: tuple[str, ...] = ()  # fields allowed to be 0 (a class attribute, not a dataclass field)

    def __post_init__(self) -> None:
        from dataclasses import fields

        for f in fields(self):
            x = getattr(self, f.name)
            val = scalar(f.name, x, 0.0, lo_open=False) if f.name in self.NONNEGATIVE else positive_scalar(f.name, x)
            object.__setattr__(self, f.name, val)

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
        mapping("params", params)
        names = cls.param_names()
        unknown, missing = set(params) - set(names), set(names) - set(params)
        if unknown or missing:
            raise ValueError(
                f"params must have exactly the keys {names}; unknown: {sorted(unknown)}, missing: {sorted(missing)}"
            )
        return cls(**{k: params[k] for k in names})
