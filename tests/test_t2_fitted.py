"""The fitted laws of t2lib.t2.fitted are re-fitted from the data and checked (chapter 9's default fits)."""
from __future__ import annotations

import numpy as np
import pytest

from t2lib.t2 import T2Law
from t2lib.t2.fitted import ALL_FITTED, FITTED, FITTED_RANGE, REFIT_RTOL, refit


def _values(law) -> dict[str, float]:
    if isinstance(law, T2Law):
        return law.as_dict()
    d = {f"loss.{k}": x for k, x in law.loss_law.as_dict().items()}
    d.update({f"theta{i}": x for i, x in enumerate(law.thetas)})
    return d


@pytest.mark.parametrize("name", sorted(ALL_FITTED))
def test_stored_fit_equals_a_refit_from_the_data(name):
    stored, new = _values(ALL_FITTED[name].law), _values(refit(name))
    for key, want in stored.items():
        assert new[key] == pytest.approx(want, rel=REFIT_RTOL, abs=1e-6), key


def test_registry_entries_are_fitted_not_illustrative():
    for name, entry in ALL_FITTED.items():
        assert entry.name == name and not entry.illustrative and entry.fitted_range == FITTED_RANGE
        assert "chapter 9" in entry.source
    assert not any("math" in n for n in ALL_FITTED)  # the MATH fits are degenerate and not stored
    assert set(FITTED) <= set(ALL_FITTED)


def test_every_registered_beta_law_gives_an_interior_finite_plan():
    """The Beta laws in ``plan``: a finite optimum away from the search edge N = 1e3 (it used to sit there, NaN)."""
    for name, entry in FITTED.items():
        if isinstance(entry.law, T2Law):
            continue
        N, D, k = entry.law.optimal(np.array([2.56e19, 1e21]), np.array([2e9, 1.4e11]))
        assert np.all(np.isfinite(N) & np.isfinite(D) & np.isfinite(k)), name
        assert np.all(N > 1e6), (name, N)


def test_the_registered_law_gives_a_finite_plan_inside_and_beyond_its_range():
    """What ``plan`` computes for the registered law: a finite optimum at the paper's budgets, k* > 0."""
    law = FITTED["pythia-gsm8k-approach1"].law
    N, D, k = law.optimal(np.array([2.56e19, 1e21, 1e25]), np.array([2e9, 1.4e11, 1.4e11]))
    assert np.all(np.isfinite(N) & np.isfinite(D) & np.isfinite(k)) and np.all(k > 1)


def test_refit_rejects_unknown_names():
    with pytest.raises(ValueError, match="name"):
        refit("pythia-math-approach1")
