"""Executing the chapters with papermill and building the HTML book with Jupyter Book 1.

Command line (``python -m t2lib ...``):

- ``build [--out DIR] [--jobs 2] [--student] [--chapters book/X.ipynb ...]`` — execute every chapter
  listed in ``_toc.yml`` with papermill into ``DIR/src`` (default ``_build/src``), then build the HTML
  from the executed copies (``execute_notebooks: off``, ``-W -n --keep-going``) into ``DIR/_build/html``.
- ``run book/X.ipynb [-p NAME VALUE ...] [-o OUTDIR]`` — execute one chapter with parameters.
- ``params [book/X.ipynb ...]`` — list the parameters of chapters (name, default, comment).
- ``clean book/*.ipynb`` — strip outputs and execution counts (the form notebooks are stored in).

A chapter that raises makes ``build`` and ``run`` exit non-zero, naming the chapter and the failing cell;
the executed copy with the traceback is kept. Parameter names that a chapter's ``parameters`` cell does
not define are rejected (plain papermill only warns).
"""
from __future__ import annotations

import argparse
import ast
import io
import os
import re
import shutil
import subprocess
import sys
import time
import tokenize
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import _prewarm

__all__ = [
    "project_root",
    "Parameter",
    "chapter_parameters",
    "toc_chapters",
    "parameter_table",
    "validate_parameters",
    "run_chapter",
    "ChapterResult",
    "build",
    "clean_notebook",
    "SKIP_DETERMINISM_TAG",
    "main",
]

NOTEBOOK_SUFFIX = ".ipynb"
STAGED_FILES = ("_config.yml", "references.bib")


# --------------------------------------------------------------------------- discovery
def project_root(start: Path | None = None) -> Path:
    """The directory holding ``_toc.yml``: searched upwards from ``start`` (default: cwd), then next to the package."""
    if start is not None and not isinstance(start, (str, os.PathLike)):
        raise ValueError(f"start must be a path (str or os.PathLike) or None; got {start!r}")
    if start is not None and not Path(start).is_dir():
        raise ValueError(f"start must be an existing directory; got {str(start)!r}")
    here = Path(start if start is not None else Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "_toc.yml").is_file() and (d / "book").is_dir():
            return d
    pkg_parent = Path(__file__).resolve().parents[1]
    if (pkg_parent / "_toc.yml").is_file():
        return pkg_parent
    raise FileNotFoundError("no _toc.yml found: run from inside the Train-to-Test project")


def _toc_entries(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        if "file" in node:
            yield node["file"]
        if "root" in node:
            yield node["root"]
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []) or []:
                yield from _toc_entries(child)
    elif isinstance(node, list):
        for child in node:
            yield from _toc_entries(child)


def toc_chapters(root: Path | None = None, notebooks_only: bool = True) -> list[Path]:
    """Files listed in ``_toc.yml`` (root first, in order), as absolute paths.

    With ``notebooks_only`` only the ``.ipynb`` entries are returned (the executable chapters).
    """
    import yaml

    from . import _validate as v

    if root is not None:
        v.path("root", root, kind="dir")
    v.flag("notebooks_only", notebooks_only)
    root = project_root(root)
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    out = []
    for entry in _toc_entries(toc):
        base = root / entry
        nb = base.with_suffix(NOTEBOOK_SUFFIX)
        md = base.with_suffix(".md")
        if nb.is_file():
            out.append(nb)
        elif md.is_file() and not notebooks_only:
            out.append(md)
        elif not md.is_file():
            raise FileNotFoundError(f"_toc.yml lists {entry!r} but neither {nb.name} nor {md.name} exists")
    return out


# --------------------------------------------------------------------------- parameters
@dataclass(frozen=True)
class Parameter:
    """One knob of a chapter: its name, default value (a Python literal) and the comment that documents it."""

    name: str
    default: Any
    comment: str
    source: str = ""  #: the default as written in the cell, e.g. ``70e9``


def _parameters_cell(nb) -> Any:
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code or "parameters" not in code[0].get("metadata", {}).get("tags", []):
        raise ValueError("the first code cell of the chapter must be tagged 'parameters'")
    return code[0]


def chapter_parameters(path: str | os.PathLike) -> list[Parameter]:
    """Parse the ``parameters`` cell of a chapter: every top-level assignment, with its trailing comment."""
    import nbformat

    from . import _validate as v

    path = v.path("path", path, suffix=NOTEBOOK_SUFFIX)
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # not JSON, not a notebook
        raise ValueError(f"path must be a Jupyter notebook; {str(path)!r} cannot be read: {exc}") from None
    src = _parameters_cell(nb).source
    tree = ast.parse(src)
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    params = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for t in targets:
            if isinstance(t, ast.Name):
                text = ast.get_source_segment(src, node.value) or ""
                try:
                    default = ast.literal_eval(node.value)
                except ValueError:
                    default = text
                params.append(Parameter(t.id, default, comments.get(node.lineno, ""), text))
    return params


def validate_parameters(path: str | os.PathLike, params: dict[str, Any]) -> None:
    """Raise ``ValueError`` if ``params`` has a name the chapter does not define, or a value whose type does not
    match the chapter's default (an int or float where the default is a number, a bool for a bool, ...).

    The check runs before any kernel starts, so ``-p N_PARAMS abc`` is reported as a bad value of ``N_PARAMS``.
    """
    from . import _validate as v

    v.mapping("params", params)
    defaults = {p.name: p for p in chapter_parameters(path)}
    known = list(defaults)
    unknown = sorted(set(params) - set(known), key=str)
    if unknown:
        raise ValueError(
            f"params: unknown parameter(s) {unknown} for {Path(path).name}; its parameters are: {', '.join(known)}"
        )
    for name, value in params.items():
        _check_parameter_type(name, value, defaults[name])


def _kind(x: Any) -> str | None:
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, (int, float)):
        return "number"
    for t, k in ((str, "str"), (list, "list"), (tuple, "list"), (dict, "dict")):
        if isinstance(x, t):
            return k
    return None


def _check_parameter_type(name: str, value: Any, param: Parameter) -> None:
    """Raise unless ``value`` has the kind of the parameter's default (number, bool, str, list, dict)."""
    import math

    if isinstance(param.default, str) and param.default == param.source:
        return  # the default is an expression (e.g. ``2 * N``), not a literal: nothing to compare with
    want = _kind(param.default)
    if want is None:
        return
    got = _kind(value)
    if want == "number" and got == "number" and isinstance(param.default, int) and not isinstance(value, int):
        if not float(value).is_integer():
            raise ValueError(f"{name} must be an integer like its default {param.source}; got {value!r}")
    if got != want:
        desc = {"number": "a number", "bool": "True or False", "str": "a string", "list": "a list", "dict": "a mapping"}
        raise ValueError(f"{name} must be {desc[want]} like its default {param.source or repr(param.default)}; "
                         f"got {value!r}")
    if got == "number" and not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a finite number like its default {param.source}; got {value!r}")


def parameter_table(root: Path | None = None, include_root: bool = False):
    """A :class:`pandas.DataFrame` of every chapter's parameters, read from the chapters listed in ``_toc.yml``.

    Columns: ``chapter`` (title), ``file`` (``book/<name>.ipynb``), ``parameter``, ``default`` (as written in
    the cell), ``meaning`` (the cell's comment). The root page (the introduction) is left out unless
    ``include_root``.
    """
    import nbformat
    import pandas as pd

    from . import _validate as v

    v.flag("include_root", include_root)
    rows = []
    chapters = toc_chapters(root)
    for nb_path in chapters if include_root else chapters[1:]:
        nb = nbformat.read(str(nb_path), as_version=4)
        title = next((ln.lstrip("# ").strip() for c in nb.cells if c.cell_type == "markdown"
                      for ln in c.source.splitlines() if ln.startswith("# ")), nb_path.stem)
        for p in chapter_parameters(nb_path):
            rows.append({"chapter": title, "file": f"book/{nb_path.name}", "parameter": p.name,
                         "default": p.source or repr(p.default), "meaning": p.comment})
    return pd.DataFrame(rows, columns=["chapter", "file", "parameter", "default", "meaning"])


# --------------------------------------------------------------------------- execution
@dataclass(frozen=True)
class ChapterResult:
    """Outcome of executing one chapter."""

    source: str
    output: str
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the chapter executed without an error."""
        return self.error is None


def run_chapter(source: str | os.PathLike, output: str | os.PathLike, parameters: dict[str, Any] | None = None,
                timeout: int = 600) -> ChapterResult:
    """Execute one chapter with papermill (fresh ``python3`` kernel, cwd = the chapter's folder).

    Unknown parameter names raise ``ValueError`` before anything runs. A failing cell does not raise:
    the result carries ``error`` naming the cell, and ``output`` keeps the executed copy with the traceback.
    """
    import papermill as pm

    source, output = Path(source).resolve(), Path(output).resolve()
    parameters = dict(parameters or {})
    validate_parameters(source, parameters)
    output.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    err = None
    extra = {}
    if os.environ.get(_prewarm.ENV_SOCKET):  # inside build(): a fresh kernel forked from the pre-warmed zygote
        extra["kernel_manager_class"] = _prewarm.kernel_manager_class()
    try:
        pm.execute_notebook(str(source), str(output), parameters=parameters, cwd=str(source.parent),
                            kernel_name="python3", execution_timeout=timeout, progress_bar=False,
                            log_output=False, report_mode=False, **extra)
    except pm.PapermillExecutionError as e:
        first_line = (e.source or "").strip().splitlines()[0] if (e.source or "").strip() else ""
        index = _source_cell_index(output, e.cell_index)
        err = f"cell {index} (execution count {e.exec_count}, `{first_line[:60]}`) raised {e.ename}: {e.evalue}"
    except Exception as e:  # kernel death, timeout, bad notebook
        err = f"{type(e).__name__}: {e}"
    return ChapterResult(str(source), str(output), time.perf_counter() - t0, err)


CHAPTER_SECONDS = "chapter_seconds.json"  #: execution times of the last builds, in ``<root>/_build``


def _longest_first(tasks: list[tuple], history: Path) -> list[tuple]:
    """Order chapter tasks (source first) by decreasing execution time in the last build; unknown chapters first.

    With a pool of workers the longest chapter (e.g. one that trains models) then starts at once instead of
    last, which bounds the wall time by the longest chapter rather than by it plus the ones queued before it.
    The order of execution does not change any output.
    """
    import json

    try:
        seconds = json.loads(history.read_text())
    except (OSError, ValueError):
        seconds = {}
    return sorted(tasks, key=lambda t: -float(seconds.get(Path(t[0]).name, float("inf"))))


def _record_seconds(history: Path, results: Sequence[ChapterResult]) -> None:
    import json

    try:
        seconds = json.loads(history.read_text())
    except (OSError, ValueError):
        seconds = {}
    seconds.update({Path(r.source).name: round(r.seconds, 1) for r in results})
    history.parent.mkdir(parents=True, exist_ok=True)
    tmp = history.with_name(f".{history.name}.{os.getpid()}")
    tmp.write_text(json.dumps(seconds, indent=1, sort_keys=True) + "\n")
    tmp.replace(history)  # atomic: two builds may finish at once


SKIP_DETERMINISM_TAG = "skip-determinism"  #: cell tag: outputs may differ between executions (e.g. wall times)


def _comparable_outputs(path: str | os.PathLike, skip_tag: str = SKIP_DETERMINISM_TAG) -> list[list[dict]]:
    """The outputs of an executed notebook in the form two executions are compared in (byte for byte).

    One list per code cell, in order; a cell tagged ``skip_tag`` contributes an empty list (its outputs
    legitimately differ between runs: "trained" vs "read from cache", wall times). Execution counts are dropped
    and consecutive chunks of one stream are merged (the kernel may split a print into several messages
    depending on timing; only the text matters).
    """
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    cells = []
    for c in (c for c in nb.cells if c.cell_type == "code"):
        merged: list[dict] = []
        if skip_tag not in c.get("metadata", {}).get("tags", []):
            for o in c.outputs:
                o = {k: v for k, v in o.items() if k != "execution_count"}
                if merged and o.get("output_type") == "stream" and merged[-1].get("output_type") == "stream" \
                        and merged[-1]["name"] == o["name"]:
                    merged[-1] = {**merged[-1], "text": merged[-1]["text"] + o["text"]}
                else:
                    merged.append(o)
        cells.append(merged)
    return cells


def _source_cell_index(executed: Path, index: int) -> int:
    """The index in the *source* notebook of cell ``index`` of the executed copy (papermill injects a
    ``injected-parameters`` cell after the parameters cell, which shifts every later cell by one)."""
    try:
        import nbformat

        nb = nbformat.read(str(executed), as_version=4)
        injected = [i for i, c in enumerate(nb.cells) if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    except Exception:  # noqa: BLE001 - the copy may be unreadable after a kernel crash: report papermill's index
        return index
    return index - sum(1 for i in injected if i < index)


def _run_star(args):
    """Worker: run one chapter with the kernel's stderr chatter sent to a log file next to the executed copy."""
    log = Path(args[1]).with_suffix(".stderr.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as fh:
        saved = os.dup(2)
        os.dup2(fh.fileno(), 2)
        try:
            return run_chapter(*args)
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def clean_notebook(path: str | os.PathLike) -> bool:
    """Strip outputs, execution counts and papermill metadata in place; return True if the file changed."""
    import nbformat

    from . import _validate as v

    path = v.path("path", path, suffix=NOTEBOOK_SUFFIX)
    before = path.read_text()
    nb = nbformat.reads(before, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in ("execution", "papermill", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after)
        return True
    return False


# --------------------------------------------------------------------------- build
def ensure_mathjax(root: Path) -> Path:
    """Vendor MathJax 3 from the npm lock into ``_vendor/mathjax`` (runs ``npm ci`` when needed)."""
    vendor = root / "_vendor" / "mathjax"
    if (vendor / "tex-mml-chtml.js").is_file():
        return vendor
    es5 = root / "node_modules" / "mathjax" / "es5"
    if not (es5 / "tex-mml-chtml.js").is_file():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=root, check=True)
    tmp = vendor.with_name("mathjax.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "output" / "chtml").mkdir(parents=True)
    (tmp / "input" / "tex").mkdir(parents=True)
    shutil.copy2(es5 / "tex-mml-chtml.js", tmp)
    for sub in ("a11y", "ui", "sre"):
        if (es5 / sub).is_dir():
            shutil.copytree(es5 / sub, tmp / sub)
    shutil.copytree(es5 / "output" / "chtml" / "fonts", tmp / "output" / "chtml" / "fonts")
    shutil.copytree(es5 / "input" / "tex" / "extensions", tmp / "input" / "tex" / "extensions")
    shutil.rmtree(vendor, ignore_errors=True)
    tmp.rename(vendor)
    return vendor


REPOSITORY_BUTTONS = ("use_repository_button", "use_issues_button", "use_edit_page_button")
LAUNCH_URLS = ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url")


def _staged_config(cfg: dict, student: bool = False) -> dict:
    """The Jupyter Book configuration a build uses, from the project's ``_config.yml`` (as a dict).

    ``repository.url`` is the one setting behind the repository, issue, edit and launch (Binder) buttons: when
    it is empty or missing they are all turned off (Jupyter Book would otherwise fill in its own default
    repository), so the book never links to a repository that does not exist. ``student`` marks the title.
    """
    import copy

    cfg = copy.deepcopy(cfg)
    repo = dict(cfg.get("repository") or {})
    if not str(repo.get("url") or "").strip():
        repo["url"] = ""
        cfg["repository"] = repo
        cfg["html"] = {**(cfg.get("html") or {}), **{b: False for b in REPOSITORY_BUTTONS}}
        launch = dict(cfg.get("launch_buttons") or {})
        launch.update({k: "" for k in LAUNCH_URLS}, thebe=False)
        cfg["launch_buttons"] = launch
    if student:
        cfg["title"] = cfg.get("title", "") + " (student edition)"
    return cfg


def _stage_config(root: Path, stage: Path, student: bool) -> None:
    import yaml

    cfg = _staged_config(yaml.safe_load((root / "_config.yml").read_text()), student)
    (stage / "_config.yml").write_text(yaml.safe_dump(cfg, sort_keys=False))


def strip_solutions(path: str | os.PathLike) -> int:
    """Remove every solution (the cells from ``{solution-start}`` to ``{solution-end}``) from a notebook in place.

    Used for the student edition; returns the number of solutions removed. (sphinx-exercise's own
    ``hide_solutions`` option fails on gated solutions, so the cells are removed before the HTML build.)
    """
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    keep, inside, removed = [], False, 0
    for cell in nb.cells:
        text = cell.source if cell.cell_type == "markdown" else ""
        if "{solution-start}" in text:
            inside, removed = True, removed + 1
        if not inside:
            keep.append(cell)
        if "{solution-end}" in text:
            inside = False
    nb.cells = keep
    nbformat.write(nb, str(path))
    return removed


_API_ROLE = re.compile(r"\{(?:py:)?(?:func|class|mod|meth|data|obj|attr|exc)\}`")


def _refers_to_api(path: str | os.PathLike) -> bool:
    """Whether a notebook's markdown links to the API reference (a ``{py:func}`` / ``{func}`` ... role)."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    return any(_API_ROLE.search(c.source) for c in nb.cells if c.cell_type == "markdown")


def _subset_toc(chapters: Sequence[Path], pages: Sequence[Path] = ()) -> dict:
    rel = [f"book/{p.stem}" for p in chapters]
    extra = [f"book/{p.stem}" for p in pages if p.stem != "references"]  # e.g. the notation page chapters link to
    return {"format": "jb-book", "root": rel[0],
            "chapters": [{"file": r} for r in extra + rel[1:]] + [{"file": "book/references"}]}


def build(out: str | os.PathLike | None = None, chapters: Sequence[str] | None = None, jobs: int = 2,
          student: bool = False, timeout: int = 600, html: bool = True, root: Path | None = None) -> int:
    """Execute the chapters with papermill and build the HTML book; return a process exit code.

    Parameters
    ----------
    out : path, optional
        Output directory (default ``<root>/_build``): executed copies go to ``out/src``, HTML to ``out/_build/html``.
    chapters : sequence of paths, optional
        Build a small book of just these notebooks (the first is the root page) instead of ``_toc.yml``;
        it includes the API reference appendix only if one of them links to it (``_refers_to_api``).
    jobs : int
        Chapters executed in parallel (one kernel each).
    student : bool
        Hide the solutions of the exercises (the student edition).
    """
    import yaml

    t_start = time.perf_counter()
    root = project_root(root)
    out = Path(out).resolve() if out else root / "_build"
    stage = out / "src"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "book").mkdir(parents=True)
    if chapters:
        nbs = [Path(c).resolve() for c in chapters]
        for nb in nbs:
            if nb.suffix != NOTEBOOK_SUFFIX or not nb.is_file():
                raise ValueError(f"chapters must be existing .ipynb files; got {nb}")
        pages = [p for p in (root / "book" / "notation.md", root / "book" / "references.md") if p.is_file()]
        toc = _subset_toc(nbs, pages)
    else:
        nbs = toc_chapters(root)
        toc = yaml.safe_load((root / "_toc.yml").read_text())
        pages = [p for p in toc_chapters(root, notebooks_only=False) if p.suffix != NOTEBOOK_SUFFIX]
    (stage / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))  # completed by the API appendix below
    _stage_config(root, stage, student)
    shutil.copy2(root / "references.bib", stage / "references.bib")
    for page in pages:
        shutil.copy2(page, stage / "book" / page.name)
    if html:
        shutil.copytree(ensure_mathjax(root), stage / "_vendor" / "mathjax")
        if (root / "book" / "_static").is_dir():  # the book's CSS (html_static_path in _config.yml)
            shutil.copytree(root / "book" / "_static", stage / "book" / "_static")

    print(f"Executing {len(nbs)} chapter(s) with papermill ({jobs} in parallel) into {stage}", flush=True)
    history = root / "_build" / CHAPTER_SECONDS
    tasks = _longest_first([(str(nb), str(stage / "book" / nb.name), {}, timeout) for nb in nbs], history)
    results: list[ChapterResult] = []
    t_exec = time.perf_counter()
    zygote = _prewarm.start() if len(tasks) > 1 else None  # kernels forked after the common imports (_prewarm)
    if zygote is not None:
        os.environ[_prewarm.ENV_SOCKET] = zygote.path  # inherited by the workers, read by run_chapter
    try:
        with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [pool.submit(_run_star, t) for t in tasks]
            for i, fut in enumerate(as_completed(futures), 1):
                res = fut.result()
                results.append(res)
                status = "ok  " if res.ok else "FAIL"
                print(f"  [{i}/{len(tasks)}] {status} book/{Path(res.source).name:<34s} {res.seconds:6.1f} s"
                      + ("" if res.ok else f"\n         {res.error}\n         executed copy: {res.output}"), flush=True)
    finally:
        if zygote is not None:
            os.environ.pop(_prewarm.ENV_SOCKET, None)
            zygote.stop()
    order = {nb.name: i for i, nb in enumerate(nbs)}
    results.sort(key=lambda r: order[Path(r.source).name])  # toc order, whatever the order of completion
    _record_seconds(history, [r for r in results if r.ok])
    print(f"Executed in {time.perf_counter() - t_exec:.1f} s", flush=True)
    failed = [r for r in results if not r.ok]
    if failed:
        print(f"BUILD FAILED: {len(failed)} chapter(s) raised: "
              + ", ".join(Path(r.source).name for r in failed), file=sys.stderr, flush=True)
        return 1
    if not html:
        return 0
    if student:
        n = sum(strip_solutions(r.output) for r in results)
        print(f"Student edition: removed {n} solutions", flush=True)
    t_html = time.perf_counter()
    from . import _apiref as apiref

    if not chapters or any(_refers_to_api(r.output) for r in results):  # a small book only when it links there
        api_docs, api_skipped = apiref.write_api_pages(stage, root)
        (stage / "_toc.yml").write_text(yaml.safe_dump(apiref.add_to_toc(toc, api_docs), sort_keys=False))
        print(f"API reference: {len(api_docs)} module page(s)"
              + "".join(f"; {m} left out ({why})" for m, why in api_skipped.items()), flush=True)
        from . import _apilinks

        linked = _apilinks.link_first_uses([r.output for r in results],
                                           apiref.module_pages(apiref.public_modules()[0]))
        print(f"API links: {sum(map(len, linked.values()))} name(s) linked where first used", flush=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb) if jb.exists() else (shutil.which("jupyter-book") or "jupyter-book"), "build", str(stage),
           "--path-output", str(out),
           "-W", "-n", "--keep-going", "--quiet"]
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)

    log = [re.sub(r"\x1b\[[0-9;]*m", "", ln) for ln in (proc.stdout + proc.stderr).splitlines()]
    (out / "jupyter-book.log").write_text("\n".join(log) + "\n")
    index = out / "_build" / "html" / "index.html"
    if proc.returncode != 0 or not index.is_file():
        shown = [ln for ln in log if "WARNING" in ln or "ERROR" in ln] or log[-40:]
        print("\n".join("  " + ln for ln in dict.fromkeys(shown)), file=sys.stderr)
        print(f"BUILD FAILED: jupyter-book exited with {proc.returncode}", file=sys.stderr, flush=True)
        return proc.returncode or 1
    print(f"HTML built in {time.perf_counter() - t_html:.1f} s", flush=True)
    print(f"Book: {index}", flush=True)
    print(f"Total time: {time.perf_counter() - t_start:.1f} s", flush=True)
    return 0


# --------------------------------------------------------------------------- CLI
def _parse_value(text: str) -> Any:
    """Parse a ``-p`` value as papermill does: int, then float (``7e9``), then YAML (lists, booleans), else str."""
    import yaml

    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def main(argv: Sequence[str] | None = None) -> int:
    """The command line ``python -m t2lib ...`` (see the module docstring); returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["plan"]:  # the T² planner has its own parser (t2lib.plan)
        from .plan import main as plan_main

        return plan_main(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m t2lib", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("plan", help="T² allocation (N, D, k) for a training and an inference budget (see plan -h)")

    b = sub.add_parser("build", help="execute every chapter and build the HTML book")
    b.add_argument("--out", default=None, help="output directory (default: _build)")
    b.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS", 2)))
    b.add_argument("--student", action="store_true", help="student edition: solutions hidden")
    b.add_argument("--chapters", nargs="+", default=None, help="build a small book of just these notebooks")
    b.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    b.add_argument("--no-html", action="store_true", help="only execute the chapters")

    r = sub.add_parser("run", help="execute one chapter with parameters")
    r.add_argument("notebook")
    r.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    r.add_argument("-o", "--outdir", default="_build/run")
    r.add_argument("--timeout", type=int, default=600)

    p = sub.add_parser("params", help="list chapter parameters")
    p.add_argument("notebooks", nargs="*")

    c = sub.add_parser("clean", help="strip outputs and execution counts from notebooks")
    c.add_argument("notebooks", nargs="+")

    a = ap.parse_args(argv)
    try:
        return _dispatch(a)
    except (ValueError, FileNotFoundError) as e:  # user errors: one line, exit 2 (no traceback)
        print(f"error: {e}", file=sys.stderr)
        return 2


def _check_cli(a) -> None:
    """Argument checks of the CLI that argparse does not do (before any kernel starts)."""
    from . import _validate as v

    for opt in ("timeout", "jobs"):
        if getattr(a, opt, None) is not None and getattr(a, opt) < 1:
            raise ValueError(f"--{opt} must be a positive integer; got {getattr(a, opt)}")
    for nb in ([a.notebook] if a.cmd == "run" else []) + list(getattr(a, "chapters", None) or []) + (
            list(a.notebooks) if a.cmd in ("params", "clean") else []):
        v.path("notebook", nb, suffix=NOTEBOOK_SUFFIX)


def _dispatch(a) -> int:
    _check_cli(a)
    if a.cmd == "build":
        return build(a.out, a.chapters, a.jobs, a.student, a.timeout, html=not a.no_html)
    if a.cmd == "run":
        params = {name: _parse_value(val) for name, val in a.parameter}
        src = Path(a.notebook)
        dst = Path(a.outdir) / src.name
        res = run_chapter(src, dst, params, a.timeout)  # bad names or values raise before the kernel starts
        if res.ok:
            print(f"ok   {src}  {res.seconds:.1f} s  -> {dst}")
            return 0
        print(f"FAIL {src}  {res.seconds:.1f} s\n     {res.error}\n     executed copy: {dst}", file=sys.stderr)
        return 1
    if a.cmd == "params":
        paths = [Path(n) for n in a.notebooks] or toc_chapters()
        for path in paths:
            print(path.name)
            for prm in chapter_parameters(path):
                print(f"  {prm.name} = {prm.default!r}" + (f"   # {prm.comment}" if prm.comment else ""))
        return 0
    if a.cmd == "clean":
        changed = [n for n in a.notebooks if clean_notebook(n)]
        print(f"cleaned {len(changed)} of {len(a.notebooks)} notebook(s)")
        return 0
    return 2  # pragma: no cover
