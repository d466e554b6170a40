"""Tests of t2lib.data.load_pythia_samples (per-problem repeated-sampling counts of Pythia models)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from t2lib import passk
from t2lib.data import PYTHIA_PARAMS, fetch, load_pythia_samples
from t2lib.data.pythia import PYTHIA_GSM8K_CHECKPOINTS_KEY, PYTHIA_MATH_CHECKPOINTS_KEY, PYTHIA_MATH_KEY

COLUMNS = ["model", "N", "D", "problem", "n", "c"]

# (layers, d_model) of each Pythia model: Biderman et al. (2023), Table 1 (14M: EleutherAI/pythia README).
ARCH = {
    "14M": (6, 128), "70M": (6, 512), "160M": (12, 768), "410M": (24, 1024), "1B": (16, 2048),
    "1.4B": (24, 2048), "2.8B": (32, 2560), "6.9B": (32, 4096), "12B": (36, 5120),
}


def test_pythia_param_counts_match_the_architecture_biderman2023_table1():
    """Total = non-embedding (12 L d^2 + 13 L d + 2 d) + untied embeddings 2 V d, V the padded vocabulary."""
    for size, (L, d) in ARCH.items():
        non_embedding = 12 * L * d * d + 13 * L * d + 2 * d
        V, rem = divmod(PYTHIA_PARAMS[size] - non_embedding, 2 * d)
        assert rem == 0 and V % 128 == 0 and 50_277 <= V <= 50_688, size
    assert PYTHIA_PARAMS["160M"] == 162_322_944 and PYTHIA_PARAMS["12B"] == 11_846_072_320


# Non-embedding parameters as printed in Biderman et al. (2023), Table 1.
NON_EMBEDDING_TABLE1 = {
    "70M": 18_915_328, "160M": 85_056_000, "410M": 302_311_424, "1B": 805_736_448, "1.4B": 1_208_602_624,
    "2.8B": 2_517_652_480, "6.9B": 6_444_163_072, "12B": 11_327_027_200,
}


def test_pythia_non_embedding_counts_biderman2023_table1():
    """The architecture formula reproduces Table 1's non-embedding counts exactly, and PYTHIA_PARAMS exceeds
    each by exactly the two embedding matrices 2 V d (V = 50,304 padded vocabulary; 50,432 / 50,688 for 6.9B / 12B)."""
    vocab = {"6.9B": 50_432, "12B": 50_688}
    for size, table1 in NON_EMBEDDING_TABLE1.items():
        L, d = ARCH[size]
        assert 12 * L * d * d + 13 * L * d + 2 * d == table1, size
        assert PYTHIA_PARAMS[size] - table1 == 2 * vocab.get(size, 50_304) * d, size


@pytest.mark.parametrize("benchmark,checkpoints", [("MATH", False), ("MATH", True), ("GSM8K", False), ("GSM8K", True)])
def test_tidy_columns_and_invariants(benchmark, checkpoints):
    df = load_pythia_samples(benchmark, checkpoints=checkpoints)
    assert list(df.columns) == COLUMNS
    for col in ["N", "D", "problem", "n", "c"]:
        assert pd.api.types.is_integer_dtype(df[col]), col
    assert np.all((df["c"] >= 0) & (df["c"] <= df["n"]) & (df["n"] >= 128))
    assert not df.duplicated(["model", "D", "problem"]).any()
    assert df["model"].str.fullmatch(r"Pythia-\d+(\.\d+)?[MB]").all()
    assert (df["N"] == df["model"].str.removeprefix("Pythia-").map(PYTHIA_PARAMS)).all()
    assert df["problem"].nunique() == 128
    assert df.groupby(["model", "D"]).size().max() == 128
    if not checkpoints:
        assert (df["D"] == 300 * 10**9).all()


def test_math_final_models_have_10000_samples_for_128_problems_each():
    """Brown et al. (2024), Sec. 3: 128 MATH problems, 10,000 samples per problem; 7 Pythia sizes in this file."""
    df = load_pythia_samples("MATH")
    assert len(df) == 7 * 128 and (df["n"] == 10_000).all()
    assert list(df["model"].unique()) == ["Pythia-70M", "Pythia-160M", "Pythia-410M", "Pythia-1B", "Pythia-2.8B", "Pythia-6.9B", "Pythia-12B"]
    zeros = df[df["c"] == 0].groupby("model").size()
    assert zeros["Pythia-70M"] == 94 and zeros["Pythia-12B"] == 16  # problems never solved in 10,000 tries


def test_checkpoint_files_parse_sizes_and_tokens():
    math = load_pythia_samples("MATH", checkpoints=True)
    gsm = load_pythia_samples("GSM8K", checkpoints=True)
    assert math.groupby(["model", "D"]).ngroups == 72 and gsm.groupby(["model", "D"]).ngroups == 81
    tokens = {2 * 10**6, 64 * 10**6, 2 * 10**9, 6 * 10**9, 20 * 10**9, 60 * 10**9, 200 * 10**9, 300 * 10**9}
    assert set(math["D"]) == tokens and set(gsm["D"]) == tokens | {512 * 10**6}
    assert set(math["model"]) == {f"Pythia-{s}" for s in PYTHIA_PARAMS}
    # documented upstream quirk: the 12B checkpoint at 2M tokens covers only some problems
    assert len(math[(math["model"] == "Pythia-12B") & (math["D"] == 2 * 10**6)]) == 9
    assert len(gsm[(gsm["model"] == "Pythia-12B") & (gsm["D"] == 2 * 10**6)]) == 30
    final = load_pythia_samples("GSM8K")
    pd.testing.assert_frame_equal(final, gsm[gsm["D"] == 300 * 10**9].reset_index(drop=True))


@pytest.mark.parametrize(
    "key,n_col,c_col,k_col,score_col,model_col,problem_col",
    [
        (PYTHIA_MATH_KEY, "Num. Samples Total", "Num. Samples Correct", "Scaling Parameter", "Score", "Model", "Problem Idx"),
        (PYTHIA_MATH_CHECKPOINTS_KEY, "Num. Samples", "Num. Samples Correct", "k", "pass@k", "Model Nickname", "prompt_idx"),
        (PYTHIA_GSM8K_CHECKPOINTS_KEY, "Num. Samples", "Num. Samples Correct", "k", "pass@k", "Model Nickname", "prompt_idx"),
    ],
)
def test_pass_at_k_from_counts_reproduces_upstream_scores_where_k_le_n(key, n_col, c_col, k_col, score_col, model_col, problem_col):
    """Schaeffer et al. (2025) data files: their stored pass_i@k equals our estimator on every row with k <= n;
    rows with k > n carry 1.0 even for c = 0 (the artefact the loader drops)."""
    raw = pd.read_parquet(fetch(key))
    ok = raw[k_col] <= raw[n_col]
    got = passk.pass_at_k(raw.loc[ok, n_col].to_numpy(), raw.loc[ok, c_col].to_numpy(), raw.loc[ok, k_col].to_numpy())
    assert np.max(np.abs(got - raw.loc[ok, score_col].to_numpy())) < 1e-12
    artefacts = raw[~ok]
    if len(artefacts):
        assert (artefacts[score_col] == 1.0).all() and (artefacts[c_col] == 0).any()


def test_bad_arguments_raise_value_error_naming_them():
    with pytest.raises(ValueError, match="benchmark"):
        load_pythia_samples("HumanEval")
    with pytest.raises(ValueError, match="benchmark"):
        load_pythia_samples("math")
    with pytest.raises(ValueError, match="checkpoints"):
        load_pythia_samples("MATH", checkpoints="yes")
