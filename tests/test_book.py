"""The book platform: every chapter executes under papermill, the HTML builds with -W -n, the conventions hold."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from t2lib import book

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = book.toc_chapters(ROOT)
ALL_NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


# ----------------------------------------------------------------------------- stored sources
@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_stored_clean(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, "store notebooks without outputs"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert "parameters" in code[0]["metadata"].get("tags", []), "first code cell must be tagged 'parameters'"
    assert book.chapter_parameters(path), "the parameters cell must define at least one knob"


@pytest.mark.parametrize("path", [c for c in CHAPTERS if c.stem != "intro"], ids=lambda p: p.stem)
def test_chapter_teaching_conventions(path):
    """Objectives at the top, at least three exercises each with a solution, a summary, a chapter label."""
    nb = nbformat.read(str(path), as_version=4)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    first = nb.cells[0].source
    assert first.lstrip().startswith("(ch-") and "\n# " in first, "first cell: (ch-label)= then the title"
    assert "Learning objectives" in md
    n_ex = md.count("{exercise-start}")
    assert n_ex >= 3 and md.count("{solution-start}") >= n_ex
    assert "## Summary" in md


def test_toc_chapters_exist():
    assert CHAPTERS[0].stem == "intro" and len(CHAPTERS) >= 2


# ----------------------------------------------------------------------------- execution and build
@pytest.mark.book
def test_book_builds(built_book):
    assert "Book:" in built_book["log"] and (built_book["html"] / "index.html").is_file()


@pytest.mark.book
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_executed_without_errors(built_book, path):
    executed = nbformat.read(str(built_book["src"] / "book" / path.name), as_version=4)
    assert executed.metadata["papermill"]["exception"] in (None, False)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    html = built_book["html"] / "book" / (path.stem + ".html")
    assert html.is_file(), f"no HTML page for {path.name}"


@pytest.mark.book
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_random_ids_in_outputs(built_book, path):
    """Tables rendered by pandas' Styler carry a random uuid unless use_book_style() numbers them."""
    import re

    text = (built_book["src"] / "book" / path.name).read_text()
    assert not re.search(r'id=\\"T_[0-9a-f]{5}', text), "call t2lib.plotting.use_book_style() before showing tables"


@pytest.mark.book
def test_executed_notebooks_offered_for_download(built_book):
    for path in CHAPTERS:
        src = built_book["html"] / "_sources" / "book" / path.name
        assert src.is_file(), f"{src} missing: the download button would not give the executed notebook"
        nb = nbformat.read(str(src), as_version=4)
        assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.book
def test_parameter_table_lists_every_chapter():
    table = book.parameter_table(ROOT)
    assert set(table["file"]) == {f"book/{p.name}" for p in CHAPTERS[1:]}
    assert not table.duplicated(["file", "parameter"]).any()
    flops_row = table[(table.file == "book/01_flops.ipynb") & (table.parameter == "n_params")].iloc[0]
    assert flops_row["default"] == "70e9" and "model size" in flops_row["meaning"]


# ----------------------------------------------------------------------------- run with parameters
def _run(*args):
    return subprocess.run([sys.executable, "-m", "t2lib", *args], cwd=ROOT, capture_output=True, text=True)


def test_run_rejects_unknown_parameter(tmp_path):
    proc = _run("run", "book/01_flops.ipynb", "-p", "no_such_knob", "1", "-o", str(tmp_path))
    assert proc.returncode == 2
    assert "no_such_knob" in proc.stderr and "n_params" in proc.stderr  # lists the chapter's parameters


@pytest.mark.book
def test_run_with_parameter_and_plain_papermill(tmp_path):
    proc = _run("run", "book/01_flops.ipynb", "-p", "n_params", "7e9", "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    nb = nbformat.read(str(tmp_path / "01_flops.ipynb"), as_version=4)
    assert nb.metadata["papermill"]["parameters"] == {"n_params": 7e9}
    out = tmp_path / "plain.ipynb"
    plain = subprocess.run([sys.executable, "-m", "papermill", "--no-progress-bar", "book/01_flops.ipynb", str(out),
                            "-p", "train_tokens", "2e12", "--cwd", "book"], cwd=ROOT, capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr[-2000:]


def _failing_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("(ch-broken)=\n# Broken"),
                nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("y = x / 0")]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, str(path))
    return path


@pytest.mark.book
def test_failing_chapter_fails_build_naming_chapter_and_cell(tmp_path):
    bad = _failing_notebook(tmp_path / "99_broken.ipynb")
    proc = _run("build", "--out", str(tmp_path / "out"), "--chapters", str(bad), "--no-html")
    assert proc.returncode == 1
    text = proc.stdout + proc.stderr
    assert "99_broken.ipynb" in text and "cell 2" in text and "ZeroDivisionError" in text
    kept = nbformat.read(str(tmp_path / "out" / "src" / "book" / "99_broken.ipynb"), as_version=4)
    assert any(o.get("output_type") == "error" for c in kept.cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.book
def test_outputs_are_deterministic(built_book, tmp_path):
    """A second execution of every chapter prints identical text, tables and figure bytes."""
    proc = _run("build", "--out", str(tmp_path / "again"), "--no-html")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    def outputs(path):
        """Per cell: its outputs, with consecutive stream chunks of one stream merged (the kernel may split
        a print into several messages depending on timing; only the text matters)."""
        nb = nbformat.read(str(path), as_version=4)
        cells = []
        for c in (c for c in nb.cells if c.cell_type == "code"):
            merged = []
            for o in c.outputs:
                o = {k: v for k, v in o.items() if k != "execution_count"}
                if merged and o.get("output_type") == "stream" and merged[-1].get("output_type") == "stream" \
                        and merged[-1]["name"] == o["name"]:
                    merged[-1] = {**merged[-1], "text": merged[-1]["text"] + o["text"]}
                else:
                    merged.append(o)
            cells.append(merged)
        return cells

    for path in CHAPTERS:
        first = outputs(built_book["src"] / "book" / path.name)
        second = outputs(tmp_path / "again" / "src" / "book" / path.name)
        assert first == second, f"{path.name}: outputs differ between two executions"


@pytest.mark.book
def test_student_edition_hides_solutions(tmp_path):
    proc = _run("build", "--out", str(tmp_path / "student"), "--student", "--chapters", "book/01_flops.ipynb")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    page = (tmp_path / "student" / "_build" / "html" / "book" / "01_flops.html").read_text()
    assert page.count('class="exercise') >= 3 and "solution" not in page.lower()
    full = nbformat.read(str(ROOT / "book" / "01_flops.ipynb"), as_version=4)
    assert any("{solution-start}" in c.source for c in full.cells)  # the source keeps its solutions
