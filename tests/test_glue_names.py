"""A glued name is set once per chapter: a second ``glue("x", ...)`` silently replaces the first value, and the prose
that cites ``x`` then shows the other number (chapter 8 once glued two different counts as ``t2_grid_points``)."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
_GLUE = re.compile(r"""\bglue\(\s*["']([\w.-]+)["']""")


def literal_glue_names(notebook: dict) -> Counter:
    """How often each name given as a string literal to ``glue`` appears in the code cells."""
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    return Counter(_GLUE.findall(code))


def test_the_check_counts_repeated_names():
    nb = {"cells": [{"cell_type": "code", "source": ['glue("a", 1)\n', "glue('b', 2)"]},
                    {"cell_type": "code", "source": ['glue( "a", 3)']}]}
    assert literal_glue_names(nb) == Counter({"a": 2, "b": 1})


@pytest.mark.parametrize("path", sorted(BOOK.glob("*.ipynb")), ids=lambda p: p.stem)
def test_each_glued_name_is_set_once(path):
    counts = literal_glue_names(json.loads(path.read_text()))
    assert {n: k for n, k in counts.items() if k > 1} == {}
