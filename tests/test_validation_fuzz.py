"""Every public callable of t2lib rejects bad input with a ValueError naming the argument (tests/api_fuzz.py).

The public surface is discovered from ``__all__`` (so a new function cannot skip the check); each argument in
turn gets NaN, ±inf, 0, a negative, an empty array, a mismatched shape, a string, None, 1e308, a non-integer
count and (for frames) a DataFrame without its columns or with NaN. Goal: no crash, no garbage, and at least
95% of the rejections name the argument.
"""
from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import api_fuzz  # tests/api_fuzz.py (tests/ is on sys.path under pytest)


@pytest.fixture(scope="module")
def fuzz(request):
    if api_fuzz._jax():  # the lab's callables compile small XLA programs: through the lab tests' cache
        request.getfixturevalue("xla_cache")
    return api_fuzz.run()


def test_every_public_callable_has_a_baseline(fuzz):
    _, missing = fuzz
    assert not missing, ("public callables without a valid baseline call: add them to tests/api_fuzz.py "
                         f"(BY_NAME or cases()): {missing}")


def test_bad_input_raises_a_value_error_naming_the_argument(fuzz):
    outcomes, _ = fuzz
    s = api_fuzz.summary(outcomes)
    bad = [o for o in outcomes if o.result in ("crash", "garbage")]
    assert s["calls"] > 3000
    assert not bad, "\n".join(f"{o.result}: {o.callable}({o.argument}={o.kind}): {o.detail}" for o in bad[:40])
    unnamed = [o for o in outcomes if o.result == "unnamed"]
    assert s["named_share"] >= 0.95, "\n".join(f"{o.callable}({o.argument}={o.kind}): {o.detail}" for o in unnamed)


def test_discovery_covers_the_t2_package_and_methods():
    names = api_fuzz.public_callables()
    assert "t2lib.t2.law.t2_optimal" in names and "t2lib.t2.accuracy.T2AccuracyLaw.accuracy" in names
    assert "t2lib.laws.ChinchillaLaw.loss" in names and "t2lib.book.run_chapter" not in names
    assert not any(n.startswith("t2lib.lab") for n in names) or api_fuzz._jax()


@functools.lru_cache(maxsize=None)
def _specs():
    cs = api_fuzz.cases()
    api_fuzz.t2_cases(cs)
    return api_fuzz.public_callables(), cs, api_fuzz.by_name()


def _baseline(qual):
    names, cs, by = _specs()
    target, kwargs, _, _ = api_fuzz.resolve(qual, names[qual], cs, by)
    return target, api_fuzz._combinations(kwargs)[0]


POSITIVE_ARRAYS = [("t2lib.flops.training_flops", "N"), ("t2lib.flops.training_flops", "D"),
                   ("t2lib.laws.ChinchillaLaw.loss", "D"), ("t2lib.inference.lifetime_flops", "D_train"),
                   ("t2lib.t2.law.T2Law.loss", "k"), ("t2lib.overtraining.OvertrainingLaw.loss", "M")]


@settings(max_examples=60, deadline=None)
@given(case=st.sampled_from(POSITIVE_ARRAYS), size=st.integers(1, 6), where=st.integers(0, 5),
       bad=st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -1.0, -1e-300]),
       good=st.floats(1e3, 1e12))
def test_one_bad_element_anywhere_in_an_array_is_named(case, size, where, bad, good):
    qual, arg = case
    target, kwargs = _baseline(qual)
    x = np.full(size, good)
    x[where % size] = bad
    kwargs = {k: (x if k == arg else (np.full(size, api_fuzz._value(v_)[0]) if isinstance(api_fuzz._value(v_), np.ndarray)
                                      else v_)) for k, v_ in kwargs.items()}
    with pytest.raises(ValueError) as exc:
        api_fuzz.call(target, kwargs)
    assert api_fuzz.names_argument(str(exc.value), arg)


@functools.lru_cache(maxsize=None)
def _integer_arguments() -> tuple[tuple[str, str], ...]:
    """(callable, argument) pairs whose valid baseline value is an int: counts, seeds, iteration caps, ..."""
    names, cs, by = _specs()
    out = []
    for qual, fn in names.items():
        r = api_fuzz.resolve(qual, fn, cs, by)
        if r is None:
            continue
        target, kwargs, accept, _ = r
        for kw in api_fuzz._combinations(kwargs):
            try:
                api_fuzz.call(target, kw)
            except Exception:  # noqa: BLE001 - not this combination
                continue
            for arg, val in kw.items():
                val = api_fuzz._value(val)
                if (isinstance(val, (int, np.integer)) and not isinstance(val, (bool, np.bool_))
                        and "non_integer" not in accept.get(arg, set())):
                    out.append((qual, arg))
            break
    return tuple(sorted(out))


def test_integer_arguments_are_found():
    pairs = dict(_integer_arguments())
    assert {"t2lib.fit.resample_counts", "t2lib.flops.kaplan_params", "t2lib.fmt.number"} <= set(pairs)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), whole=st.integers(1, 1000), frac=st.floats(0.01, 0.99))
def test_a_fractional_count_is_never_truncated(data, whole, frac):
    qual, arg = data.draw(st.sampled_from(_integer_arguments()))
    target, kwargs = _baseline_working(qual)
    with pytest.raises(ValueError) as exc:
        api_fuzz.call(target, {**kwargs, arg: whole + frac})
    assert api_fuzz.names_argument(str(exc.value), arg), str(exc.value)


@functools.lru_cache(maxsize=None)
def _baseline_working(qual):
    names, cs, by = _specs()
    target, kwargs, _, _ = api_fuzz.resolve(qual, names[qual], cs, by)
    for kw in api_fuzz._combinations(kwargs):
        try:
            api_fuzz.call(target, kw)
        except Exception:  # noqa: BLE001
            continue
        return target, kw
    raise AssertionError(f"no working baseline for {qual}")
