"""Core of t2lib.t2 (Roberts et al. 2026): the Approach-1 optimum and the Approach-2 law (first checks)."""
import numpy as np
import pytest

from t2lib.laws import HOFFMANN_2022
from t2lib.t2 import T2AccuracyLaw, T2Law, t2_optimal

TOY = T2Law(E=2, A=400, B=400, alpha=0.34, beta=0.28, G=3, gamma=0.4)


def _grid_argmin(law, ct, ci, n=200001):
    u = np.linspace(np.log(1e3), np.log(ct / 6), n)
    N = np.exp(u)
    return N[np.argmin(law.loss(N, ct / (6 * N), ci / (2 * N)))]


@pytest.mark.parametrize("ct, ci", [(1e21, 1.4e11), (1e18, 2e9), (1e25, 1.4e11)])
def test_root_matches_grid(ct, ci):
    N, D, k = t2_optimal(TOY, ct, ci)
    assert abs(np.log(N / _grid_argmin(TOY, ct, ci))) < 2e-4
    assert abs(6 * N * D / ct - 1) < 1e-12 and abs(2 * N * k / ci - 1) < 1e-12


def test_zero_G_is_chinchilla():
    law = T2Law(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28, G=0.0, gamma=0.5)
    N, D, _ = law.optimal(np.logspace(18, 25, 8), 1.4e11)
    N0, D0 = HOFFMANN_2022.compute_optimal(np.logspace(18, 25, 8))
    np.testing.assert_allclose(N, N0, rtol=1e-12)


def test_min_samples_corner():
    weak = T2Law(**{**TOY.as_dict(), "G": 0.05})
    N_free, _, k_free = weak.optimal(1e25, 2e9)
    assert k_free < 1  # the unrestricted optimum draws less than one sample
    N, D, k = weak.optimal(1e25, 2e9, min_samples=1)
    assert np.isclose(k, 1.0) and np.isclose(N, 1e9)


@pytest.mark.parametrize("kw", [dict(G=-1.0), dict(gamma=0.0), dict(A=np.nan), dict(E=-0.1)])
def test_bad_params(kw):
    with pytest.raises(ValueError, match=list(kw)[0]):
        T2Law(**{**TOY.as_dict(), **kw})


def test_accuracy_optimum_beats_neighbours():
    law = T2AccuracyLaw(HOFFMANN_2022, theta0=2.5, theta1=5.0, theta2=0.9, theta3=1.0, theta4=-0.2)
    N, D, k = law.optimal(1e21, 1.4e11)
    best = law.accuracy(N, D, k)
    for f in (0.98, 1.02):
        assert law.accuracy(N * f, D / f, k / f) <= best
    assert law.naive_accuracy(N, D, k) >= best


def test_accuracy_optima_of_many_laws_equal_each_laws_own_search():
    """The batched search behind CoupledBootstrap.bands gives every law exactly its own t2_accuracy_optimal
    (every step works element by element, ``passk._log_beta_ratio`` included)."""
    from dataclasses import replace

    from t2lib.t2.accuracy import _accuracy_optima, t2_accuracy_optimal
    from t2lib.t2.fit import coupled_law
    from t2lib.t2.fitted import ALL_FITTED

    base = ALL_FITTED["pythia-gsm8k-coupled"].law
    laws = [coupled_law(replace(base.loss_law, alpha=base.loss_law.alpha * f), 0.4 * f) for f in (0.9, 1.0, 1.1)]
    laws.append(ALL_FITTED["pythia-gsm8k-approach2"].law)
    ct, ci = np.geomspace(1e18, 1e24, 5), 2e9
    batched = _accuracy_optima(laws, ct, ci, min_samples=1, N_min=1e6)
    for i, law in enumerate(laws):
        own = t2_accuracy_optimal(law, ct, ci, min_samples=1, N_min=1e6)
        for b, o in zip(batched, own):
            assert b[i].tobytes() == o.tobytes()
    with pytest.raises(ValueError, match="laws"):
        _accuracy_optima([], ct, ci)
