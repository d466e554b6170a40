"""Links from the chapters to the API reference appendix, placed where a ``t2lib`` name is first used (private).

At every HTML build, after the chapters have executed, :func:`link_first_uses` reads the code cells of the staged
chapters in book order, finds the first code cell that *uses* each documented ``t2lib`` object (a function, a
class, or a documented constant such as a law preset) and inserts, right before that cell, one short markdown
line linking every object first used there to its entry in the appendix, e.g.

    :::{container} api-links
    *API:* {py:obj}`~t2lib.fit.fit_chinchilla`, {py:obj}`~t2lib.fit.bootstrap_chinchilla`
    :::

So each name is linked once in the book, at its first use, and the links cannot go stale: they are recomputed
from the code at every build, and the strict build (``-n``) fails on a link to a name the appendix does not
document. The stored notebooks are not touched; a reader in Jupyter has the docstrings (``?``) instead.

What counts as a use: a name bound by ``from t2lib... import x [as y]`` and then read, or an attribute chain on an
imported ``t2lib`` module (``fit.fit_chinchilla``, ``t2.fit.fit_t2``). An import alone is not a use; methods of
objects (``law.optimal``) are documented on their class's entry and are not linked separately. Cells whose
input the page does not show (tags ``remove-input`` / ``remove-cell``) are skipped, so a name first used in
hidden code is linked where the reader first sees it.
"""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable, Sequence

PACKAGE = "t2lib"
MARK_TAG = "api-links"  #: tag of the inserted markdown cells
_HIDDEN_TAGS = frozenset({"remove-input", "remove-cell"})
_PRIMITIVE = (bool, int, float, complex, str, bytes, type(None))


def documented_targets(pages: Iterable[Any]) -> dict[int, str]:
    """Map ``id(obj)`` of every object the appendix documents to its documented dotted name.

    ``pages`` are :class:`t2lib._apiref.ModulePage` objects. Plain numbers and strings are left out: their
    identity is not unique (small ints and short strings are shared), and a constant's value is shown in the
    chapter anyway.
    """
    out: dict[int, str] = {}
    for page in pages:
        mod = importlib.import_module(page.module)
        names = list(page.documented) + [n for n, _ in getattr(page, "private_data", ())]
        for name in names:
            obj = getattr(mod, name, None)
            if obj is None or isinstance(obj, _PRIMITIVE) or type(obj).__module__ == "numpy":
                continue
            out.setdefault(id(obj), f"{page.module}.{name}")
    return out


def _strip_magics(src: str) -> str:
    return "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in src.splitlines())


def _bindings_of_import(node: ast.AST, env: dict[str, Any]) -> None:
    """Record what an import statement binds (only ``t2lib`` objects and modules)."""
    if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
            and node.module.split(".")[0] == PACKAGE:
        mod = importlib.import_module(node.module)
        for alias in node.names:
            if alias.name == "*":
                continue
            obj = getattr(mod, alias.name, None)
            if obj is None:  # a submodule not imported by its package
                try:
                    obj = importlib.import_module(f"{node.module}.{alias.name}")
                except ImportError:
                    continue
            env[alias.asname or alias.name] = obj
    elif isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] != PACKAGE:
                continue
            if alias.asname:
                env[alias.asname] = importlib.import_module(alias.name)
            else:
                importlib.import_module(alias.name)
                env[PACKAGE] = importlib.import_module(PACKAGE)


def _resolve(node: ast.AST, env: dict[str, Any]) -> Any:
    """The object a ``Name`` or an attribute chain on a bound name refers to, or ``None``."""
    if isinstance(node, ast.Name):
        return env.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, env)
        if isinstance(base, ModuleType):
            return getattr(base, node.attr, None)
    return None


def cell_uses(source: str, env: dict[str, Any], targets: dict[int, str]) -> list[str]:
    """Documented names a code cell uses, in order of appearance; ``env`` is updated with its imports.

    ``env`` maps the names bound so far in the notebook to ``t2lib`` objects and modules; a cell that does not
    parse (e.g. a deliberate syntax error in an exercise) uses nothing.
    """
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            _bindings_of_import(node, env)
    found: list[tuple[int, int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Name, ast.Attribute)) and isinstance(getattr(node, "ctx", None), ast.Load):
            obj = _resolve(node, env)
            name = targets.get(id(obj)) if obj is not None else None
            if name is not None:
                found.append((node.lineno, node.col_offset, name))
    return list(dict.fromkeys(n for _, _, n in sorted(found)))


def first_uses(notebooks: Sequence[Any], targets: dict[int, str]) -> list[dict[int, list[str]]]:
    """For each notebook (an ``nbformat`` node, in book order): ``{cell index: names first used there}``.

    A name counts once in the whole sequence, at the first visible code cell that uses it.
    """
    seen: set[str] = set()
    out: list[dict[int, list[str]]] = []
    for nb in notebooks:
        env: dict[str, Any] = {}
        here: dict[int, list[str]] = {}
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            names = cell_uses(cell.source, env, targets)
            if _HIDDEN_TAGS & set(cell.get("metadata", {}).get("tags", [])):
                continue
            new = [n for n in names if n not in seen]
            if new:
                here[i] = new
                seen.update(new)
        out.append(here)
    return out


def link_line(names: Sequence[str]) -> str:
    """The markdown inserted before a cell: ``*API:*`` and one ``{py:obj}`` role per name, in a container of
    class ``api-links`` (styled small by the book's CSS)."""
    if not names:
        raise ValueError("names must not be empty")
    return (f":::{{container}} {MARK_TAG}\n*API:* " + ", ".join(f"{{py:obj}}`~{n}`" for n in names) + "\n:::")


def link_first_uses(paths: Sequence[str | Path], pages: Iterable[Any]) -> dict[str, list[str]]:
    """Insert the links into the staged (executed) notebooks ``paths``, in book order; return what was linked.

    Returns ``{notebook file name: [linked names in page order]}``. Outputs of code cells are untouched (the
    determinism check compares code-cell outputs only).
    """
    import nbformat

    targets = documented_targets(pages)
    nbs = [nbformat.read(str(p), as_version=4) for p in paths]
    linked: dict[str, list[str]] = {}
    for path, nb, uses in zip(paths, nbs, first_uses(nbs, targets)):
        for i in sorted(uses, reverse=True):  # from the end: earlier indices stay valid
            cell = nbformat.v4.new_markdown_cell(link_line(uses[i]), metadata={"tags": [MARK_TAG]})
            cell.id = f"{MARK_TAG}-{i}"
            nb.cells.insert(i, cell)
        linked[Path(path).name] = [n for i in sorted(uses) for n in uses[i]]
        if uses:
            nbformat.write(nb, str(path))
    return linked


def linked_names(markdown: str) -> list[str]:
    """The names an inserted line links (the inverse of :func:`link_line`)."""
    return re.findall(r"\{py:obj\}`~([\w.]+)`", markdown)
