"""Tests of t2lib.flops: the 6ND rule, Kaplan's attention term, and Hoffmann et al. (2022) Appendix F / Table A4."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from t2lib import flops
from t2lib.published import read_table


def test_six_nd_is_forward_plus_backward():
    assert flops.TRAIN_FLOPS_PER_PARAM == 6
    assert flops.training_flops(70e9, 1.4e12) == pytest.approx(5.88e23)


def test_training_token_costs_three_inference_tokens():
    N = np.array([1e8, 7e9, 70e9])
    assert np.allclose(flops.training_flops(N, 1.0) / flops.inference_flops(N, 1.0), 3.0)


@given(st.integers(1, 4096), st.integers(1, 4096), st.integers(1, 64))
def test_matmul_flops_counts_multiply_and_add(m, n, p):
    assert flops.matmul_flops(m, n, p) == 2 * m * n * p


def test_kaplan_params_standard_shape():
    assert flops.kaplan_params(12, 768) == 12 * 12 * 768**2


def test_attention_ratio_matches_explicit_terms():
    """n_ctx/(12 d_model) equals the attention term over the weight term with N = 12 L d^2 (Kaplan et al. 2020, Sec. 2.1)."""
    L, d, n_ctx = 24, 1024, 2048
    N = flops.kaplan_params(L, d)
    total = flops.kaplan_forward_flops_per_token(N, L, n_ctx, d)
    assert (total - 2 * N) / (2 * N) == pytest.approx(flops.attention_to_weight_ratio(d, n_ctx))
    assert flops.attention_to_weight_ratio(n_ctx / 12, n_ctx) == pytest.approx(1.0)


def test_lifetime_example_erdil_2024():
    """100B tokens/day for a year against 10T training tokens: inference/training = 36.5/(3*10) ~ 1.2 (Erdil 2024, intro)."""
    r = flops.inference_to_training_ratio(10e12, 100e9 * 365)
    assert r == pytest.approx(1.2167, abs=1e-4)


def test_table_a4_four_rows_round_to_the_printed_ratio():
    """Hoffmann et al. (2022) Table A4, 'Ours/6ND': layers-only count over 6ND with the printed N, seq_len 2048.

    Four rows round to the printed two decimals (tolerance: half a unit, 0.005); the 73M row computes to 1.0366
    against the printed 1.03 (within one unit, 0.01, but not rounding to it); the 1.1B row gives 1.085 against 1.04
    (not reproduced). Chapter 1 states exactly this.
    """
    t = read_table("hoffmann2022_table_a4.csv")
    N = t["params_label"].str.replace("M", "e6").str.replace("B", "e9").astype(float).to_numpy()
    r = flops.hoffmann_ratio_to_6nd(N, t.num_layers, t.d_model, t.ffw_size, t.num_heads, t.kv_size)
    err = dict(zip(t.params_label, np.abs(r - t.flop_ratio.to_numpy())))
    rounded = [p for p in t.params_label if p not in ("73M", "1.1B")]
    assert all(err[p] <= 0.005 for p in rounded), err
    assert 0.005 < err["73M"] < 0.01, err  # close, not reproduced; if it starts rounding, update the chapter
    assert err["1.1B"] > 0.04, err  # the documented mismatch; if this starts passing, update the chapter


def test_full_appendix_f_count_exceeds_layers_only():
    fl = flops.hoffmann_flops(10, 640, 2560, 10, 64)
    assert fl.forward > fl.layers
    assert fl.train == pytest.approx(3 * fl.forward)


@pytest.mark.parametrize("bad", [0, -1.0, np.inf, np.nan])
def test_rejects_bad_sizes(bad):
    with pytest.raises(ValueError, match="N"):
        flops.training_flops(bad, 1e9)
    with pytest.raises(ValueError, match="tokens"):
        flops.inference_flops(1e9, -1.0 if bad == 0 else bad)


def test_read_table_unknown_name():
    with pytest.raises(ValueError, match="name must be one of"):
        read_table("no_such_table.csv")


def test_layer_params_and_parity_width():
    assert flops.hoffmann_layer_params(12, 768, 3072, 12, 64) == flops.kaplan_params(12, 768)
    assert flops.attention_to_weight_ratio(flops.attention_parity_width(2048), 2048) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="n_ctx"):
        flops.attention_parity_width(0)
