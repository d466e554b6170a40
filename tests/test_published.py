"""t2lib.published: every transcribed value has a source, and no published number is typed twice."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from t2lib import published

ROOT = Path(__file__).resolve().parents[1]
CONSTANTS = [n for n in published.__all__ if n.isupper() and n != "DATA_DIR" and n != "SOURCES"]


def _bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text(), flags=re.M))


def _numbers(value) -> list[float]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _numbers(v)]
    if isinstance(value, (tuple, list)):
        return [x for v in value for x in _numbers(v)]
    return [float(value)]


def test_every_constant_has_a_source_with_a_bibliography_key():
    keys = _bib_keys()
    assert sorted(published.SOURCES) == sorted(CONSTANTS)
    for name in CONSTANTS:
        s = published.source(name)
        assert s.cite in keys, (name, s.cite)
        assert s.where and s.page is None or isinstance(s.page, str)


def test_source_rejects_unknown_names():
    with pytest.raises(ValueError, match="HOFFMANN_2022_TABLE2_A"):
        published.source("HOFFMANN_2023")


def test_every_transcribed_table_has_a_header_and_a_citation():
    keys = _bib_keys()
    cat = published.catalogue()
    tables = cat[cat["kind"] == "table"]
    assert sorted(tables["name"]) == sorted(p.name for p in published.DATA_DIR.glob("*.csv"))
    assert tables["cite"].isin(keys).all(), tables[["name", "cite"]]
    assert (tables["where"].str.len() > 40).all()  # the '#' header names paper, table and page
    assert set(cat.columns) == {"name", "kind", "cite", "where", "page", "note"}


def test_modules_reexport_the_published_objects():
    """Old import paths keep working and give the very same objects (nothing copied)."""
    from t2lib import fit, inference, overtraining, passk, tables
    from t2lib.t2 import holdout

    assert tables.GOPHER_FLOPS is published.GOPHER_FLOPS or tables.GOPHER_FLOPS == published.GOPHER_FLOPS
    assert tables.HOFFMANN_2022_TABLE2_A is published.HOFFMANN_2022_TABLE2_A
    assert fit.BESIROGLU_2024 is published.BESIROGLU_2024
    assert passk.BROWN_2024_FIG5 is published.BROWN_2024_FIG5
    assert overtraining.GADRE_2024_TABLE2 is published.GADRE_2024_TABLE2
    assert inference.SARDANA_2024_COST_SETTINGS is published.SARDANA_2024_COST_SETTINGS
    assert inference.ERDIL_2024_ILLUSTRATION is published.ERDIL_2024_ILLUSTRATION
    assert holdout.ROBERTS_2026_TABLE1_SIZES is published.ROBERTS_2026_TABLE1_SIZES
    assert published.ROBERTS_2026_TABLE1_SIZES == {"best overtrained": (37e6, 84e6, 149e6),
                                                   "Chinchilla optimal": (455e6, 611e6, 901e6)}
    row = overtraining.GADRE_2024_TABLE6["redpajama"]
    vals = published.GADRE_2024_TABLE6_VALUES["redpajama"]
    assert (row.loss_law.a, row.error_law.gamma, row.M_star) == (vals["a"], vals["gamma"], vals["M_star"])


def test_law_presets_are_the_published_parameter_sets():
    from t2lib import laws

    assert laws.HOFFMANN_2022.as_dict() == published.HOFFMANN_2022_EQ10
    assert laws.HOFFMANN_2022_UNROUNDED.as_dict() == published.HOFFMANN_2022_UNROUNDED_PARAMS
    assert laws.EPOCH_2024.as_dict() == published.BESIROGLU_2024_MLE
    assert laws.SARDANA_2024.as_dict() == published.SARDANA_2024_PARAMS


def _distinctive_literals() -> dict[str, str]:
    """Published values whose printed form is distinctive enough (>= 4 digits) to search for as a literal."""
    out = {}
    for name in CONSTANTS:
        for x in _numbers(getattr(published, name)):
            for text in {repr(x), f"{x:g}", f"{x:,.0f}".replace(",", "_") if x >= 1000 and x == int(x) else ""}:
                if sum(ch.isdigit() for ch in text) >= 4 and not re.fullmatch(r"[0.]*\d{0,3}[0.]*", text.replace("e", "").replace("_", "")):
                    out[text] = name
    return out


def _code_of(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text())
        return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    return path.read_text()


@pytest.mark.parametrize("path", sorted(p for p in (ROOT / "t2lib").rglob("*.py") if p.name != "published.py")
                         + sorted((ROOT / "book").glob("*.ipynb")), ids=lambda p: p.name)
def test_no_published_number_typed_twice(path):
    """No t2lib module (other than published.py) and no code cell of any chapter types a published value again."""
    code = _code_of(path)
    hits = {text: name for text, name in _distinctive_literals().items()
            if re.search(r"(?<![\w.])" + re.escape(text) + r"(?![\w])", code)}
    assert not hits, f"{path.name} types published values that live in t2lib.published: {hits}"


@pytest.mark.parametrize("path", sorted((ROOT / "book").glob("*.ipynb")), ids=lambda p: p.name)
def test_no_published_number_typed_in_the_prose(path):
    """The prose of every chapter glues published values from t2lib.published instead of typing them."""
    nb = json.loads(path.read_text())
    prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    hits = {text: name for text, name in _distinctive_literals().items()
            if re.search(r"(?<![\w.])" + re.escape(text) + r"(?![\w])", prose)}
    assert not hits, f"{path.name} types published values in its prose: {hits}"


def test_quoted_constants_are_as_printed():
    """Values quoted (not reproduced) in chapters 4, 8 and 9, pinned to the text they come from."""
    assert published.SARDANA_2024_MAX_TOKENS_PER_PARAM == 10_000  # abstract: "up to 10,000"
    assert published.ERDIL_2024_ILLUSTRATION == {"tokens_per_day": 100e9, "training_tokens": 10e12}  # Introduction
    assert published.SARDANA_2024_COST_SETTINGS["generated_tokens_per_request"] == 215.0  # App. B (secondary notes)
    assert published.SARDANA_2024_COST_SETTINGS["prompt_tokens_per_request"] == 70.0
