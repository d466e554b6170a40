"""t2lib.data: the registry of pinned, checksummed data sets and the Chinchilla loader."""
from __future__ import annotations

import hashlib
import shutil

import numpy as np
import pytest

from t2lib import data
from t2lib.data import _registry


def test_registry_pins_every_file_to_a_commit():
    assert len(data.REGISTRY) >= 216
    for entry in data.REGISTRY.values():
        assert entry.url.startswith("https://raw.githubusercontent.com/")
        assert len(entry.sha256) == 64
        commit = entry.url.split("/")[5]
        assert len(commit) == 40 and all(c in "0123456789abcdef" for c in commit), entry.url
    keys = set(data.REGISTRY)
    assert "chinchilla/svg_extracted_data.csv" in keys
    assert sum(k.startswith("overtraining/exp_data/models/") for k in keys) == 104
    assert sum(k.endswith(".parquet") for k in keys) == 5


def test_fetch_uses_cache_and_verifies(tmp_path, monkeypatch):
    key = "chinchilla/svg_extracted_data.csv"
    src = data.fetch(key)  # from T2LIB_DATA_DIR (../shared/data)
    assert hashlib.sha256(src.read_bytes()).hexdigest() == data.REGISTRY[key].sha256
    (tmp_path / "chinchilla").mkdir()
    bad = tmp_path / key
    shutil.copy(src, bad)
    with open(bad, "a") as fh:
        fh.write("1,2,3\n")
    monkeypatch.setenv("T2LIB_DATA_DIR", str(tmp_path))
    with pytest.raises(data.DataError, match=data.REGISTRY[key].sha256) as exc:
        data.fetch(key)
    assert key in str(exc.value) and isinstance(exc.value, ValueError)


def test_missing_file_without_network_names_file_and_hash(tmp_path, monkeypatch):
    import pooch

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(pooch, "retrieve", offline)
    monkeypatch.setenv("T2LIB_DATA_DIR", str(tmp_path))
    key = "chinchilla/svg_extracted_data.csv"
    with pytest.raises(data.DataError) as exc:
        data.fetch(key)
    msg = str(exc.value)
    assert key in msg and data.REGISTRY[key].sha256 in msg and "T2LIB_DATA_DIR" in msg


def test_unknown_key_is_rejected():
    with pytest.raises(data.DataError, match="not a registered"):
        data.fetch("chinchilla/nope.csv")


def test_load_chinchilla_columns_and_outliers():
    """Epoch (Besiroglu et al. 2024) drop the 5 highest-loss runs: all near 1e19 FLOPs with D/N < 0.41."""
    df = data.load_chinchilla()
    assert list(df.columns) == ["N", "D", "C", "loss", "outlier"]
    assert len(df) == 245 and df.outlier.sum() == 5
    out = df[df.outlier]
    assert np.all(np.abs(np.log10(out.C) - 19) < 0.05)
    assert np.all(out.D / out.N < 0.41) and np.all(out.loss >= 3.44)
    assert np.allclose(df.C, 6 * df.N * df.D)
    assert df.loss[~df.outlier].max() < out.loss.min()
