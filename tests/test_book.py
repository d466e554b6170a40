"""The book platform: every chapter executes under papermill, the HTML builds with -W -n, the conventions hold."""
from __future__ import annotations

import json
import re
import shutil
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


def _final_theme_options(cfg: dict) -> dict:
    """The html_theme_options Jupyter Book derives from a staged configuration (its own conversion)."""
    from jupyter_book.config import get_final_config

    sphinx_cfg = get_final_config(user_yaml=cfg, cli_config={"latex_individualpages": False}, sourcedir=ROOT,
                                  validate=True, raise_on_invalid=True, use_external_toc=False)[0]
    return sphinx_cfg["html_theme_options"]


@pytest.mark.parametrize("url", ["", None, "https://github.com/example/train-to-test"])
def test_repository_buttons_follow_the_single_repository_setting(url):
    """repository.url in _config.yml decides the repository and Binder buttons; empty (the default) means none."""
    import yaml

    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert not cfg["repository"]["url"], "the default is no repository (the old placeholder did not exist)"
    repo = {k: v for k, v in cfg["repository"].items() if k != "url"} | ({} if url is None else {"url": url})
    theme = _final_theme_options(book._staged_config({**cfg, "repository": repo}))
    if url:
        assert theme["repository_url"] == url and theme["use_repository_button"] is True
        assert theme["launch_buttons"]["binderhub_url"] == cfg["launch_buttons"]["binderhub_url"] != ""
    else:  # Jupyter Book's own default repository must not leak in either
        assert theme["repository_url"] == "" and not any(theme.get(b) for b in book.REPOSITORY_BUTTONS)
        assert not any(theme["launch_buttons"].get(k) for k in book.LAUNCH_URLS)
    assert book._staged_config(cfg, student=True)["title"].endswith("(student edition)")


# ----------------------------------------------------------------------------- run with parameters
def _run(*args):
    return subprocess.run([sys.executable, "-m", "t2lib", *args], cwd=ROOT, capture_output=True, text=True)


def test_run_rejects_unknown_parameter(tmp_path):
    proc = _run("run", "book/01_flops.ipynb", "-p", "no_such_knob", "1", "-o", str(tmp_path))
    assert proc.returncode == 2
    assert "no_such_knob" in proc.stderr and "n_params" in proc.stderr  # lists the chapter's parameters


@pytest.mark.book
def test_run_with_parameter_and_plain_papermill(tmp_path):
    """A chapter runs with a parameter through ``python -m t2lib run`` and through plain papermill.

    The cheapest chapter of the book (the introduction: it reads ``_toc.yml`` and every chapter's parameters
    from its working directory) is enough: what is checked is the injection of parameters and the working
    directory, not a chapter's computations (every chapter executes in the session's build).
    """
    proc = _run("run", "book/intro.ipynb", "-p", "max_rows", "50", "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    nb = nbformat.read(str(tmp_path / "intro.ipynb"), as_version=4)
    assert nb.metadata["papermill"]["parameters"] == {"max_rows": 50}
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "max_rows = 50" in injected[0].source
    out = tmp_path / "plain.ipynb"
    plain = subprocess.run([sys.executable, "-m", "papermill", "--no-progress-bar", "book/intro.ipynb", str(out),
                            "-p", "max_rows", "100", "--cwd", "book"], cwd=ROOT, capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert nbformat.read(str(out), as_version=4).metadata["papermill"]["parameters"] == {"max_rows": 100}


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


def _code_notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}"),
                nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, str(path))
    return path


def test_prewarmed_kernels_are_fresh_processes(tmp_path):
    """A build of several chapters forks their kernels from one pre-warmed zygote (t2lib._prewarm): each chapter
    gets its own process, preloaded modules are untouched by other chapters, and failures are reported as usual."""
    from t2lib import _prewarm

    if not _prewarm.available():
        pytest.skip("pre-warmed kernels need Linux")
    probe = ("import os, sys\n"
             "print('preloaded', 'numpy' in sys.modules)\n"  # imported by the zygote, before the chapter runs
             "import numpy as np\n"
             "print('pid', os.getpid(), 'ppid', os.getppid())\n"
             "print('leaked', hasattr(np, 'LEAK'))\n"
             "np.LEAK = 1\n"
             "print('cwd', os.getcwd())")
    nbs = [_code_notebook(tmp_path / "a.ipynb", probe), _code_notebook(tmp_path / "b.ipynb", probe, "y = x / 0")]
    proc = _run("build", "--out", str(tmp_path / "out"), "--chapters", *map(str, nbs), "--no-html", "--jobs", "1")
    assert proc.returncode == 1 and "b.ipynb" in proc.stdout + proc.stderr and "ZeroDivisionError" in proc.stdout
    assert "a.ipynb" not in proc.stderr.split("raised:", 1)[-1]  # only b failed
    seen = []
    for name in ("a", "b"):
        nb = nbformat.read(str(tmp_path / "out" / "src" / "book" / f"{name}.ipynb"), as_version=4)
        text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        assert "preloaded True" in text and "leaked False" in text, text  # a module another chapter changed is as imported, not as changed
        assert f"cwd {tmp_path}\n" in text  # in the source notebook's folder, as papermill runs it
        seen.append(re.search(r"pid (\d+) ppid (\d+)", text).groups())
    (pid_a, zygote_a), (pid_b, zygote_b) = seen
    assert pid_a != pid_b and zygote_a == zygote_b  # two processes, forked from the same zygote
    assert not [p for p in (zygote_a,) if Path(f"/proc/{p}").exists()], "the zygote outlived the build"


@pytest.mark.book
@pytest.mark.last
def test_outputs_are_deterministic(built_book, second_execution):
    """A second execution of every chapter prints identical text, tables and figure bytes.

    The second execution (conftest: started in the background once the first build has executed) is compared
    cell by cell; cells tagged ``skip-determinism`` are left out (see :func:`t2lib.book._comparable_outputs`).
    """
    for path in CHAPTERS:
        first = book._comparable_outputs(built_book["src"] / "book" / path.name)
        second = book._comparable_outputs(second_execution / "book" / path.name)
        differ = [i for i, (a, b) in enumerate(zip(first, second)) if a != b]
        assert len(first) == len(second) and not differ, \
            f"{path.name}: outputs of code cells {differ} differ between two executions"


def _executed_notebook(path: Path, outputs: list[str], tags: list[list[str]]) -> Path:
    """A notebook as papermill leaves it: one code cell per output text, with the given tags."""
    nb = nbformat.v4.new_notebook()
    for text, cell_tags in zip(outputs, tags):
        cell = nbformat.v4.new_code_cell("print(...)", metadata={"tags": cell_tags})
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        nb.cells.append(cell)
    nbformat.write(nb, str(path))
    return path


def test_determinism_comparison_skips_only_tagged_cells(tmp_path):
    """Outputs of a ``skip-determinism`` cell may differ; any other difference is caught."""
    tag = [book.SKIP_DETERMINISM_TAG]
    a = _executed_notebook(tmp_path / "a.ipynb", ["1.0\n", "trained in 93 s\n", "x"], [[], tag, ["hide-input"]])
    b = _executed_notebook(tmp_path / "b.ipynb", ["1.0\n", "read from cache\n", "x"], [[], tag, ["hide-input"]])
    c = _executed_notebook(tmp_path / "c.ipynb", ["1.1\n", "trained in 93 s\n", "x"], [[], tag, ["hide-input"]])
    assert book._comparable_outputs(a) == book._comparable_outputs(b)
    assert book._comparable_outputs(a) != book._comparable_outputs(c)
    assert book._comparable_outputs(a)[1] == [] and book._comparable_outputs(a, skip_tag="other")[1] != []


def test_split_stream_chunks_compare_equal(tmp_path):
    one = _executed_notebook(tmp_path / "one.ipynb", ["a\nb\n"], [[]])
    nb = nbformat.read(str(one), as_version=4)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in ("a\n", "b\n")]
    nbformat.write(nb, str(tmp_path / "two.ipynb"))
    assert book._comparable_outputs(one) == book._comparable_outputs(tmp_path / "two.ipynb")


def test_longest_chapter_scheduled_first(tmp_path):
    history = tmp_path / "seconds.json"
    history.write_text(json.dumps({"a.ipynb": 5.0, "b.ipynb": 120.0, "c.ipynb": 9.0}))
    tasks = [("book/a.ipynb",), ("book/b.ipynb",), ("book/new.ipynb",), ("book/c.ipynb",)]
    assert [t[0] for t in book._longest_first(tasks, history)] == \
        ["book/new.ipynb", "book/b.ipynb", "book/c.ipynb", "book/a.ipynb"]  # unknown (maybe long) first
    assert book._longest_first(tasks, tmp_path / "missing.json") == tasks  # no history: toc order


def _exercise_notebook(path: Path, n: int = 3) -> Path:
    """A small chapter with ``n`` gated exercises and solutions (the form of CONTRIBUTING.md)."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook()
    nb.cells = [md("(ch-drill)=\n# Drill"), code("x = 2", metadata={"tags": ["parameters"]})]
    for i in range(1, n + 1):
        nb.cells += [md(f"```{{exercise-start}}\n:label: drill-ex{i}\n```"), md(f"Question {i}: what is x times {i}?"),
                     md("```{exercise-end}\n```"), md(f"```{{solution-start}} drill-ex{i}\n:class: dropdown\n```"),
                     code(f"print('ANSWER-{i}', x * {i})"), md(f"The answer is ANSWER-{i}."), md("```{solution-end}\n```")]
    nb.cells.append(md("## Summary\n\nDone."))
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, str(path))
    return path


@pytest.mark.book
def test_student_edition_hides_solutions(tmp_path):
    """The student edition's HTML shows the exercises and no solution (markdown or code) of a gated chapter."""
    nb = _exercise_notebook(tmp_path / "drill.ipynb")
    proc = _run("build", "--out", str(tmp_path / "student"), "--student", "--chapters", str(nb))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    page = (tmp_path / "student" / "_build" / "html" / "book" / "drill.html").read_text()
    assert page.count('class="exercise') >= 3 and "Question 3" in page
    assert "solution" not in page.lower() and "ANSWER" not in page
    assert "(student edition)" in page
    assert "API reference: " not in proc.stdout  # a small book that does not link to the API leaves it out


@pytest.mark.book
def test_student_edition_removes_every_solution_of_every_chapter(built_book, tmp_path):
    """Every chapter of the book, as executed: all its solutions go, all its exercises stay."""
    for path in CHAPTERS:
        copy = tmp_path / path.name
        shutil.copy2(built_book["src"] / "book" / path.name, copy)
        before = nbformat.read(str(copy), as_version=4)
        text = "\n".join(c.source for c in before.cells if c.cell_type == "markdown")
        n_solutions, n_exercises = text.count("{solution-start}"), text.count("{exercise-start}")
        assert book.strip_solutions(copy) == n_solutions
        after = nbformat.read(str(copy), as_version=4)
        text = "\n".join(c.source for c in after.cells if c.cell_type == "markdown")
        assert "{solution-start}" not in text and "{solution-end}" not in text
        assert text.count("{exercise-start}") == n_exercises
        assert len(after.cells) < len(before.cells) or n_solutions == 0
    full = nbformat.read(str(ROOT / "book" / "01_flops.ipynb"), as_version=4)
    assert any("{solution-start}" in c.source for c in full.cells)  # the source keeps its solutions


def test_api_roles_detected(tmp_path):
    nb = _exercise_notebook(tmp_path / "a.ipynb", n=1)
    assert not book._refers_to_api(nb)
    doc = nbformat.read(str(nb), as_version=4)
    doc.cells.append(nbformat.v4.new_markdown_cell("Computed by {py:func}`t2lib.flops.training_flops`."))
    nbformat.write(doc, str(nb))
    assert book._refers_to_api(nb)
