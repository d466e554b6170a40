r"""Numbers for people: the formatting used for every number shown in the book's prose and tables.

``number(3.6e13)`` gives ``"3.6 × 10¹³"``, ``number(0.3333333333333333)`` gives ``"0.333"``,
``fraction(1/3)`` gives ``"1/3"``. Chapters glue these strings (``glue("x", number(x))``) instead of typing or
``repr``-ing floats, so no ``3.65e+13`` or ``0.3333333333333333`` reaches a page.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

__all__ = ["number", "signed", "fraction", "percent", "SUPERSCRIPT"]

#: ``str.translate`` table from ASCII digits and minus to their superscript forms (``"13"`` -> ``"¹³"``).
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _scalar(name: str, x: Any) -> float:
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a real number; got {x!r}") from exc
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a scalar; got shape {arr.shape}")
    val = float(arr)
    if not math.isfinite(val):
        raise ValueError(f"{name} must be finite; got {x!r}")
    return val


def _check_sig(sig: Any) -> int:
    if isinstance(sig, bool) or not isinstance(sig, (int, np.integer)) or not 1 <= sig <= 17:
        raise ValueError(f"sig must be an integer in [1, 17]; got {sig!r}")
    return int(sig)


def number(x: Any, sig: int = 3, *, sci_below: float = 1e-3, sci_above: float = 1e5, unicode: bool = True) -> str:
    r"""Format ``x`` with ``sig`` significant figures, in scientific notation outside ``[sci_below, sci_above)``.

    Scientific notation is written :math:`m \times 10^{e}` with a superscript exponent (``unicode=True``) or as
    LaTeX ``m \times 10^{e}`` (``unicode=False``, for use inside ``$...$``). Trailing zeros are dropped
    (``number(2.0)`` is ``"2"``); an exact power of ten has no mantissa (``number(1e9)`` is ``"10⁹"``).

    Parameters
    ----------
    x : float
        A finite real number.
    sig : int
        Significant figures, 1 to 17.
    sci_below, sci_above : float
        ``|x|`` below ``sci_below`` or at/above ``sci_above`` is written in scientific notation.
    unicode : bool
        Superscript digits (``True``) or LaTeX (``False``).
    """
    val = _scalar("x", x)
    s = _check_sig(sig)
    if not isinstance(unicode, bool):
        raise ValueError(f"unicode must be True or False; got {unicode!r}")
    lo, hi = _scalar("sci_below", sci_below), _scalar("sci_above", sci_above)
    if not lo > 0:
        raise ValueError(f"sci_below must be positive (allowed range: 0 < sci_below <= sci_above); got {sci_below!r}")
    if not hi >= lo:
        raise ValueError(f"sci_above must be at least sci_below = {lo!r}; got {sci_above!r}")
    sci_below, sci_above = lo, hi
    if val == 0:
        return "0"
    sign = "−" if val < 0 and unicode else ("-" if val < 0 else "")
    a = abs(val)
    if sci_below <= a < sci_above:
        digits = max(s - 1 - math.floor(math.log10(a)), 0)
        text = f"{a:.{digits}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if a >= 1e4:  # thin grouping for readability: 12 345
            whole, _, frac = text.partition(".")
            whole = f"{int(whole):,}".replace(",", " " if unicode else "{,}")
            text = whole + (("." + frac) if frac else "")
        return sign + text
    mant, exp = f"{a:.{s - 1}e}".split("e")
    e = int(exp)
    mant = mant.rstrip("0").rstrip(".") if "." in mant else mant
    if unicode:
        power = "10" + str(e).translate(SUPERSCRIPT)
        return sign + (power if mant == "1" else f"{mant} × {power}")
    power = f"10^{{{e}}}"
    return sign + (power if mant == "1" else f"{mant} \\times {power}")


def signed(x: Any, sig: int = 3, **kwargs: Any) -> str:
    """Like :func:`number`, with an explicit sign: ``"+0.0045"``, ``"−0.0045"`` (a true minus sign), ``"0"``.

    For changes and differences in prose. ``kwargs`` are passed to :func:`number`.
    """
    text = number(x, sig=sig, **kwargs)
    return text if text == "0" or text[0] in "−-" else "+" + text


def fraction(x: Any, max_denominator: int = 12, tol: float = 1e-9) -> str:
    """``x`` as a small fraction (``"1/3"``) when it is one to ``tol`` relative; otherwise :func:`number`.

    Integers and fractions with a numerator of 100 or more are left to :func:`number`.

    Parameters
    ----------
    x : float
        A finite real number.
    max_denominator : int
        Largest denominator tried, ``>= 1``.
    tol : float
        Relative tolerance, ``> 0``.
    """
    val = _scalar("x", x)
    if isinstance(max_denominator, bool) or not isinstance(max_denominator, (int, np.integer)) or max_denominator < 1:
        raise ValueError(f"max_denominator must be an integer >= 1; got {max_denominator!r}")
    t = _scalar("tol", tol)
    if t <= 0:
        raise ValueError(f"tol must be positive; got {tol!r}")
    fr = Fraction(val).limit_denominator(int(max_denominator))
    if fr.denominator > 1 and abs(fr.numerator) < 100 and abs(float(fr) - val) <= t * abs(val):
        return f"{fr.numerator}/{fr.denominator}"
    return number(val)


def percent(x: Any, sig: int = 3) -> str:
    """A share ``x`` (0.283) as a percentage with ``sig`` significant figures (``"28.3%"``)."""
    val = _scalar("x", x)
    return number(100.0 * val, sig=sig, sci_below=1e-2) + "%"
