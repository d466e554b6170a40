"""The in-page calculator (t2lib.calculator + calculator.js): grids, interpolation, and the page in headless Chromium.

The browser tests open a self-contained page from file:// (no server, no network), type budgets, read the shown
values and compare them with t2lib's solvers; bad input must show a message, never NaN.
"""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from t2lib import calculator as calc, frame
from t2lib.laws import PRESETS
from t2lib.t2 import T2Law
from strategies import synthetic_draws

T2_TEST = T2Law(E=1.19, A=406.4, B=410.7, alpha=0.34, beta=0.28, G=0.5, gamma=0.5)  # a test law, not a fit


def _draws(n=40, seed=0):
    return synthetic_draws(n, seed)


LAWS = {
    "sardana": calc.CalculatorLaw("sardana", "Sardana et al. 2024", PRESETS["SARDANA_2024"], "Sardana et al. (2024)"),
    "t2test": calc.CalculatorLaw("t2test", "a test T² law", T2_TEST, "test", illustrative=True,
                                 fitted_range={"N": (1e7, 1e10), "D": (1e9, 1e12), "k": (1, 1e3)}),
    "epoch": calc.CalculatorLaw("epoch", "Epoch AI 2024", PRESETS["EPOCH_2024"], "Besiroglu et al. (2024)",
                                draws=_draws(), band_source="test draws"),
}


@pytest.fixture(scope="module")
def data():
    return calc.calculator_data(list(LAWS.values()))


def _truth(key, C_train, C_inf=None, served=None):
    return frame.plan_allocation(LAWS[key].law, C_train, C_inf, served_tokens=served)


# --------------------------------------------------------------------------- python side
def test_grid_interpolation_within_one_percent_of_the_solvers(data):
    """Random budgets over the whole grid, both regimes, every law: log-log interpolation within 1% of t2lib."""
    rng = np.random.default_rng(1)
    worst = 0.0
    for key, cl in LAWS.items():
        t2 = isinstance(cl.law, T2Law)
        C, S, Ci = 10 ** rng.uniform([18, 8, 8], [28, 16, 14], size=(150, 3)).T  # (C, S, C_inf) of 150 budgets
        a = _truth(key, C, Ci if t2 else None)  # the solvers take arrays: one call per law and regime
        b = _truth(key, C, np.zeros_like(C), S)
        for q in ("N", "D", "k") if t2 else ("N", "D"):
            for i in range(C.size):
                worst = max(worst,
                            abs(calc.interpolate(data, key, "train", q, C[i], Ci[i] if t2 else None) / getattr(a, q)[i] - 1),
                            abs(calc.interpolate(data, key, "summed", q, C[i], S[i]) / getattr(b, q)[i] - 1))
    assert worst < 0.01, worst


def test_bands_bracket_the_draws(data):
    C, S = 1e24, 1e13
    d = LAWS["epoch"].draws
    at = frame.draw_allocations(d, "sardana", C, served_tokens=S)
    lo, hi = frame.bands(at, 0.9)["N"]
    assert calc.interpolate(data, "epoch", "summed", "N_lo", C, S) == pytest.approx(float(lo), rel=0.05)
    assert calc.interpolate(data, "epoch", "summed", "N_hi", C, S) == pytest.approx(float(hi), rel=0.05)


def test_data_is_plain_json_and_validated(data):
    json.dumps(data, allow_nan=False)
    assert data["grid"]["C"][2] == 81 and data["band_grid"]["C"][2] == 41
    with pytest.raises(ValueError, match="distinct"):
        calc.calculator_data([LAWS["sardana"], LAWS["sardana"]])
    with pytest.raises(ValueError, match="CalculatorLaw"):
        calc.calculator_data([PRESETS["SARDANA_2024"]])
    with pytest.raises(ValueError, match="same kind"):
        calc.CalculatorLaw("x", "x", T2_TEST, "x", draws=_draws())
    with pytest.raises(ValueError, match="element_id"):
        calc.calculator_html(data, element_id="a b<")


def test_html_is_self_contained(data):
    page = calc.calculator_html(data)
    assert "fetch(" not in page and "http://" not in page and "https://" not in page
    assert page.count("<script") == 2 and 'type="application/json"' in page
    assert "</script>" not in page.split('type="application/json"', 1)[1].split("</script>", 1)[0]


# --------------------------------------------------------------------------- the page in Chromium
# (the session's one headless Chromium: the ``browser`` fixture of tests/conftest.py)
@pytest.fixture(scope="module")
def page(data, tmp_path_factory, browser):
    path = tmp_path_factory.mktemp("calc") / "calculator.html"
    path.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>calc</title></head><body>"
                    + calc.calculator_html(data) + "</body></html>", encoding="utf-8")
    pg = browser.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.goto(path.as_uri())
    yield pg
    pg.close()


def _set(page, law=None, **fields):
    if law is not None:
        page.select_option("#t2-calculator-law", law)
    for name, value in fields.items():
        page.fill(f"#t2-calculator-{name}", value)


def _value(page, q):
    return float(page.get_attribute(f"#t2-calculator-{q}", "data-value"))


CASES = [
    ("sardana", dict(ctrain="1e24", cinf="", served=""), (1e24, None, None)),
    ("sardana", dict(ctrain="5.88e23", cinf="1.4e11", served="2e12"), (5.88e23, 1.4e11, 2e12)),
    ("t2test", dict(ctrain="1e22", cinf="2e9", served=""), (1e22, 2e9, None)),
    ("t2test", dict(ctrain="3e25", cinf="1.4e11", served="1e13"), (3e25, 1.4e11, 1e13)),
    ("epoch", dict(ctrain="1.4x10^24", cinf="", served=""), (1.4e24, None, None)),
    ("epoch", dict(ctrain="10^24", cinf="1e11", served="1e12"), (1e24, 1e11, 1e12)),
]


@pytest.mark.parametrize("law,fields,budgets", CASES)
def test_page_values_match_t2lib(page, law, fields, budgets):
    """Typed budgets -> shown N, D, D/N, k within 1% of t2lib's solvers (frame.plan_allocation)."""
    _set(page, law, **fields)
    assert page.get_attribute("#t2-calculator-out", "data-state") == "ok", page.inner_text("#t2-calculator-msg")
    a = _truth(law, *budgets[:2], served=budgets[2])
    assert page.get_attribute("#t2-calculator-out", "data-regime") == a.regime
    for q, ref in (("N", a.N), ("D", a.D), ("DN", a.tokens_per_param), ("k", a.k)):
        assert _value(page, q) == pytest.approx(float(ref), rel=0.01), q
    shown = page.inner_text("#t2-calculator-N")
    assert re.fullmatch(r"[0-9.]+( × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?|10[⁰¹²³⁴⁵⁶⁷⁸⁹]+|[0-9 .]+", shown), shown
    if budgets[2]:
        assert _value(page, "share") == pytest.approx(float(a.training_share), rel=0.01)
    assert not page.errors


def test_page_band_shown_for_law_with_draws(page):
    _set(page, "epoch", ctrain="1e24", cinf="1e11", served="1e13")
    lo = float(page.get_attribute("#t2-calculator-N-band", "data-lo"))
    hi = float(page.get_attribute("#t2-calculator-N-band", "data-hi"))
    assert lo <= _value(page, "N") <= hi and lo < hi
    assert "test draws" in page.inner_text("#t2-calculator-out")


@pytest.mark.parametrize("field,value,message", [
    ("ctrain", "", "empty"), ("ctrain", "-1e24", "negative"), ("ctrain", "lots", "not a number"),
    ("ctrain", "0", "positive"), ("served", "abc", "not a number"), ("cinf", "-3", "negative"),
    ("ctrain", "1e40", "Outside the precomputed range"), ("unique", "", "empty"),
])
def test_page_bad_input_shows_message_not_nan(page, field, value, message):
    _set(page, "sardana", ctrain="1e24", cinf="1.4e11", served="1e12", unique="15e12")
    _set(page, **{field: value})
    msg = page.inner_text("#t2-calculator-msg")
    assert message in msg
    assert page.get_attribute("#t2-calculator-out", "data-state") == "error"
    body = page.inner_text("body")
    assert "NaN" not in body and "undefined" not in body and "Infinity" not in body
    assert not page.errors


def test_page_t2_law_needs_inference_budget(page):
    _set(page, "t2test", ctrain="1e24", cinf="", served="", unique="15e12")
    assert "inference budget" in page.inner_text("#t2-calculator-msg")


def test_page_warns_on_data_and_fitted_range(page):
    _set(page, "t2test", ctrain="1e26", cinf="1.4e11", served="", unique="1e12")
    text = page.inner_text("#t2-calculator-out")
    assert "epochs" in text and "outside the range the law was fitted on" in text and "ILLUSTRATIVE" in text


# --------------------------------------------------------------------------- the built chapter
@pytest.mark.book
def test_built_chapter_calculator_matches_t2lib(built_book, browser):
    """Chapter 11's page as built: the calculator answers from file:// and agrees with t2lib to 1%."""
    from t2lib.t2.presets import LAWS as NAMED

    path = built_book["html"] / "book" / "11_planning.html"
    if not path.exists():
        pytest.skip("chapter 11 is not in _toc.yml")
    pg = browser.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(path.as_uri())
    data = json.loads(pg.eval_on_selector("#t2-calculator-data", "e => e.textContent"))
    keys = {e["key"] for e in data["laws"]}
    assert {"hoffmann-2022", "epoch-2024", "sardana-2024", "refit-epoch-points"} <= keys
    cases = [("sardana-2024", PRESETS["SARDANA_2024"], dict(ctrain="1e24", cinf="1.4e11", served="2e12"),
              (1e24, 1.4e11, 2e12)),
             ("hoffmann-2022", PRESETS["HOFFMANN_2022"], dict(ctrain="1e23", cinf="", served=""), (1e23, None, None))]
    if "pythia-gsm8k-approach1" in keys:
        cases.append(("pythia-gsm8k-approach1", NAMED["pythia-gsm8k-approach1"].law,
                      dict(ctrain="3e21", cinf="2e9", served=""), (3e21, 2e9, None)))
    for key, law, fields, budgets in cases:
        _set(pg, key, **fields)
        a = frame.plan_allocation(law, budgets[0], budgets[1], served_tokens=budgets[2])
        for q, ref in (("N", a.N), ("D", a.D), ("k", a.k)):
            assert _value(pg, q) == pytest.approx(float(ref), rel=0.01), (key, q)
    if "pythia-gsm8k-approach1" in keys:  # chapter 9's bootstrap band is shown in the separate-budget regime
        lo = float(pg.get_attribute("#t2-calculator-N-band", "data-lo"))
        hi = float(pg.get_attribute("#t2-calculator-N-band", "data-hi"))
        assert lo < _value(pg, "N") < hi
    _set(pg, ctrain="abc")
    assert "not a number" in pg.inner_text("#t2-calculator-msg")
    # the theme's own scripts raise one error on every page of the book (THEBE_JS_URL declared twice)
    assert not [e for e in errors if "THEBE_JS_URL" not in e], errors
    pg.close()
