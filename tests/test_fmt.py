"""t2lib.fmt: numbers for people (prose and tables)."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from t2lib import fmt

FINITE = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)
DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻−", "0123456789--")


def _parse(text: str) -> float:
    """Read a formatted number back (the inverse of number(), up to rounding)."""
    t = text.replace(" ", "").replace("−", "-")
    if "10" in t and ("×" in t or t.lstrip("-").startswith("10") and any(c in text for c in "⁰¹²³⁴⁵⁶⁷⁸⁹")):
        mant, _, power = t.partition("×") if "×" in t else ("-1" if t.startswith("-") else "1", "", t.lstrip("-"))
        return float(mant) * 10.0 ** int(power[2:].translate(DIGITS))
    return float(t)


@pytest.mark.parametrize("x, text", [
    (3.65e13, "3.65 × 10¹³"), (0.3333333333333333, "0.333"), (2.0, "2"), (1e9, "10⁹"), (-2.5e-7, "−2.5 × 10⁻⁷"),
    (12345.0, "12 345"), (0.0, "0"), (171.0, "171"), (5.88e23, "5.88 × 10²³"),
])
def test_number_examples(x, text):
    assert fmt.number(x) == text


def test_number_latex_and_fraction_and_percent():
    assert fmt.number(3.65e13, unicode=False) == r"3.65 \times 10^{13}"
    assert fmt.fraction(1 / 3) == "1/3" and fmt.fraction(2 / 3) == "2/3" and fmt.fraction(0.3 + 1e-4) == "0.3"
    assert fmt.percent(0.283) == "28.3%"


@given(x=FINITE, sig=st.integers(1, 6))
def test_number_round_trips_to_sig_figures(x, sig):
    """No 'e+' or long float reprs ever reach the page, and the text reads back to x within the rounding of sig digits."""
    text = fmt.number(x, sig=sig)
    assert "e" not in text and "inf" not in text and "nan" not in text
    back = _parse(text)
    assert back == pytest.approx(x, rel=0.51 * 10.0 ** (1 - sig), abs=1e-300)


@given(x=FINITE)
def test_signed_has_a_sign(x):
    text = fmt.signed(x)
    assert text == "0" if fmt.number(x) == "0" else text[0] in "+−"
    assert text.lstrip("+") == fmt.number(x)


@pytest.mark.parametrize("bad", [math.nan, math.inf, "abc", [1.0, 2.0]])
def test_rejects_bad_input(bad):
    with pytest.raises(ValueError, match="x must be"):
        fmt.number(bad)
    with pytest.raises(ValueError, match="sig"):
        fmt.number(1.0, sig=0)
