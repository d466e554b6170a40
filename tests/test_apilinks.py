"""Links from the chapters to the API appendix, at the first use of each documented name (t2lib._apilinks)."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from t2lib import _apilinks as links
from t2lib import book
from t2lib._apiref import ModulePage

ROOT = Path(__file__).resolve().parents[1]


def _pages():
    return [ModulePage(module="t2lib.fit", summary="", documented=("fit_chinchilla", "bootstrap_chinchilla"),
                       reexported=()),
            ModulePage(module="t2lib.fmt", summary="", documented=("number",), reexported=()),
            ModulePage(module="t2lib.laws", summary="", documented=("ChinchillaLaw", "EPOCH_2024"), reexported=()),
            ModulePage(module="t2lib.t2.fit", summary="", documented=("fit_t2",), reexported=())]


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    for c in cells:
        if isinstance(c, tuple):
            src, tags = c
            nb.cells.append(nbformat.v4.new_code_cell(src, metadata={"tags": list(tags)}))
        elif c.startswith("md:"):
            nb.cells.append(nbformat.v4.new_markdown_cell(c[3:]))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(c))
    return nb


def test_first_use_across_notebooks_imports_aliases_and_attribute_chains():
    targets = links.documented_targets(_pages())
    nb1 = _nb("from t2lib import fit\nfrom t2lib.fmt import number as num",  # imports only: no use
              "md:text",
              "%matplotlib inline\nres = fit.fit_chinchilla(N, D, L)\nprint(num(3))",
              "again = fit.fit_chinchilla(N, D, L)\nfrom t2lib.laws import EPOCH_2024\nEPOCH_2024.loss(1, 2)")
    nb2 = _nb("import t2lib.t2 as t\nfrom t2lib.laws import ChinchillaLaw, EPOCH_2024 as E",
              ("t.fit.fit_t2(x)\nChinchillaLaw(1, 2, 3, 0.3, 0.3)", ("remove-input",)),  # hidden: not linked here
              "def f(:\n  pass",  # does not parse: uses nothing
              "E.loss(1, 2)\nt.fit.fit_t2(x)\nfit_t2 = 3\nChinchillaLaw")
    uses = links.first_uses([nb1, nb2], targets)
    assert uses[0] == {2: ["t2lib.fit.fit_chinchilla", "t2lib.fmt.number"], 3: ["t2lib.laws.EPOCH_2024"]}
    assert uses[1] == {3: ["t2lib.t2.fit.fit_t2", "t2lib.laws.ChinchillaLaw"]}  # EPOCH_2024 already linked


def test_link_first_uses_inserts_one_line_before_the_cell_and_keeps_outputs(tmp_path):
    nb = _nb("from t2lib import fit", "md:prose", "fit.bootstrap_chinchilla(1)", "fit.fit_chinchilla(2)")
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stdout", text="out\n")]
    path = tmp_path / "c.ipynb"
    nbformat.write(nb, str(path))
    before = book._comparable_outputs(path)
    linked = links.link_first_uses([path], _pages())
    assert linked == {"c.ipynb": ["t2lib.fit.bootstrap_chinchilla", "t2lib.fit.fit_chinchilla"]}
    after = nbformat.read(str(path), as_version=4)
    kinds = [c.cell_type for c in after.cells]
    assert kinds == ["code", "markdown", "markdown", "code", "markdown", "code"]
    assert links.linked_names(after.cells[2].source) == ["t2lib.fit.bootstrap_chinchilla"]
    assert after.cells[4].source == ":::{container} api-links\n*API:* {py:obj}`~t2lib.fit.fit_chinchilla`\n:::"
    assert links.MARK_TAG in after.cells[2].metadata["tags"]
    assert book._comparable_outputs(path) == before  # code cells and their outputs untouched
    nbformat.validate(after)


def test_link_line_rejects_no_names():
    with pytest.raises(ValueError, match="names"):
        links.link_line([])


def test_numbers_and_strings_are_not_targets():
    pages = [ModulePage(module="t2lib.published", summary="", documented=("GOPHER_FLOPS",), reexported=())]
    assert links.documented_targets(pages) == {}


@pytest.mark.book
def test_every_documented_name_a_chapter_uses_is_linked_once_where_first_used(built_book):
    """The built pages link each used name once, to its appendix entry, in the chapter that first uses it."""
    from t2lib import _apiref as apiref

    targets = links.documented_targets(apiref.module_pages(apiref.public_modules()[0]))
    chapters = book.toc_chapters(ROOT)
    sources = [nbformat.read(str(p), as_version=4) for p in chapters]
    expected = links.first_uses(sources, targets)
    total = 0
    all_linked: list[str] = []
    for path, uses in zip(chapters, expected):
        html = (built_book["html"] / "book" / (path.stem + ".html")).read_text()
        hrefs = re.findall(r'href="api/[\w-]+\.html#([\w.]+)"', html)
        want = [n for i in sorted(uses) for n in uses[i]]
        assert [h for h in hrefs if h in want] == want, path.name  # each at its first use, in page order
        all_linked += want
        total += len(want)
    assert len(all_linked) == len(set(all_linked))
    assert total >= 100  # the chapters use the package throughout: a broken resolver links (almost) nothing
