"""Every code cell of every chapter compiles without a warning: an invalid escape such as ``"$\\mathrm{tr}$"`` outside a
raw string is a DeprecationWarning today and a SyntaxWarning in newer Pythons (and ``"\\nu"`` silently becomes a
newline)."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"


def cell_warnings(source: str) -> list[str]:
    """Warnings (or syntax errors) from compiling one cell; IPython magics and shell lines are blanked first."""
    src = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            compile(src, "<cell>", "exec")
        except SyntaxError as e:  # warnings raised as errors arrive as SyntaxError
            return [str(e)]
    return []


def test_the_check_finds_an_invalid_escape():
    assert cell_warnings('label = "$D_\\mathrm{tr}$"') and not cell_warnings('label = r"$D_\\mathrm{tr}$"')


@pytest.mark.parametrize("path", sorted(BOOK.glob("*.ipynb")), ids=lambda p: p.stem)
def test_code_cells_compile_without_warnings(path):
    nb = json.loads(path.read_text())
    found = {i: w for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
             for w in cell_warnings("".join(c["source"]))}
    assert found == {}
