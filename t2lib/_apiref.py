"""The book's API reference appendix, generated from the docstrings of ``t2lib`` at every build (build machinery, private).

:func:`write_api_pages` writes one MyST page per public module into a staged book (``book/api/<module>.md``:
the module docstring, then every public name rendered by Sphinx autodoc with napoleon's numpy style) and
completes the appendix's landing page ``book/api.md`` with a table of the modules; :func:`add_to_toc` appends
the appendix as the last part of a staged ``_toc.yml``. The HTML build is strict (``-W -n``), so a docstring that
does not render, or a ``:func:`` reference to a name that does not exist, fails the build.

Rules:

- A module is *public* when no component of its dotted name starts with ``_``. Every public module gets a page,
  found by walking the package, so a new module needs no registration.
- A module whose import fails because an optional third-party package is missing (``t2lib.lab`` without JAX) is
  left out of the appendix and reported; any other import error fails the build.
- A name is documented once, on the page of the public module that defines it (an object defined in a private
  module, e.g. ``t2lib.data._registry``, on the page of the public package that exports it). A package that
  re-exports names lists them with a link to where they are documented.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any


PACKAGE = "t2lib"  #: the package the appendix documents
LANDING_PAGE = "book/api"  #: docname of the appendix's landing page (``book/api.md`` in the repository)
_PAGE_DIR = "book/api"
_TABLE_MARK = "<!-- api-module-table -->"


@dataclass(frozen=True)
class ModulePage:
    """What one module's page shows: the names documented there and the names it re-exports from elsewhere."""

    module: str
    summary: str  #: first line of the module docstring
    documented: tuple[str, ...]  #: public names whose documentation lives on this page
    reexported: tuple[tuple[str, str], ...]  #: ``(name, module whose page documents it)``
    #: ``(name, doc comment)`` of constants documented here but assigned in a private module (autodoc reads a
    #: constant's doc comment from the source of the module it documents, so the page declares these itself)
    private_data: tuple[tuple[str, str], ...] = ()

    @property
    def docname(self) -> str:
        """The page's document name in the staged book, e.g. ``book/api/t2lib-t2-law``."""
        return f"{_PAGE_DIR}/{self.module.replace('.', '-')}"


def _is_public(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split("."))


def public_modules(package: str = PACKAGE) -> tuple[list[str], dict[str, str]]:
    """Every importable public module of ``package`` (the package first, then sorted), and the modules left out.

    Returns ``(modules, skipped)`` with ``skipped`` mapping a module to the reason (the missing optional
    dependency). A module that fails to import for any other reason raises.
    """
    pkg = importlib.import_module(package)
    found: list[str] = []
    skipped: dict[str, str] = {}

    def missing_dependency(name: str, exc: BaseException) -> bool:
        missing = getattr(exc, "name", None) or ""
        if isinstance(exc, ModuleNotFoundError) and missing and missing.split(".")[0] != package:
            skipped[name] = f"optional dependency {missing!r} is not installed"
            return True
        return False

    def onerror(name: str) -> None:  # a subpackage whose __init__ failed to import while walking
        exc = sys.exc_info()[1]
        if exc is None or not missing_dependency(name, exc):
            raise exc if exc is not None else ImportError(name)

    for info in pkgutil.walk_packages(pkg.__path__, package + ".", onerror=onerror):
        if _is_public(info.name) and info.name not in skipped:
            found.append(info.name)
    modules = [package]
    for name in sorted(found):
        if any(name.startswith(s + ".") for s in skipped):
            continue
        try:
            importlib.import_module(name)
        except ImportError as exc:
            if not missing_dependency(name, exc):
                raise
            continue
        modules.append(name)
    return modules, skipped


def _exports(mod: ModuleType) -> list[str]:
    names = getattr(mod, "__all__", None)
    if names is not None:
        return list(names)
    return [n for n, obj in vars(mod).items() if not n.startswith("_") and not inspect.ismodule(obj)
            and getattr(obj, "__module__", None) == mod.__name__]


def _assigned_names(mod: ModuleType) -> set[str]:
    """Names bound at the top level of a module's source by an assignment, a ``def`` or a ``class``."""
    try:
        tree = ast.parse(inspect.getsource(mod))
    except (OSError, TypeError):
        return set()
    out: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    out.add(n.id)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
    return out


def _defines(mod: ModuleType, name: str, obj: Any, assigned: set[str]) -> bool:
    if _is_routine_or_class(obj):
        return getattr(obj, "__module__", None) == mod.__name__
    return name in assigned


def module_pages(modules: list[str]) -> list[ModulePage]:
    """Decide, for every public name of every module, the one page that documents it."""
    mods = {m: importlib.import_module(m) for m in modules}
    exports = {m: _exports(mod) for m, mod in mods.items()}
    assigned = {m: _assigned_names(mod) for m, mod in mods.items()}
    home: dict[tuple[str, str], str] = {}  # (module, name) -> module documenting it
    for m, mod in mods.items():
        for name in exports[m]:
            obj = getattr(mod, name)
            if _defines(mod, name, obj, assigned[m]):
                home[(m, name)] = m
                continue
            exporters = [o for o in modules if name in exports[o] and getattr(mods[o], name, None) is obj]
            definers = [o for o in exporters if _defines(mods[o], name, obj, assigned[o])]
            # defined in a private module (or not found): the shortest public exporter documents it
            home[(m, name)] = definers[0] if definers else min(exporters, key=lambda o: (o.count("."), o))
    pages = []
    for m, mod in mods.items():
        doc = inspect.getdoc(mod) or ""
        here = [n for n in exports[m] if home[(m, n)] == m]
        private = {n: _private_doc(m, n, getattr(mod, n)) for n in here
                   if not _is_routine_or_class(getattr(mod, n)) and n not in assigned[m]}
        pages.append(ModulePage(
            module=m, summary=doc.strip().splitlines()[0] if doc.strip() else "",
            documented=tuple(n for n in here if n not in private),
            reexported=tuple((n, home[(m, n)]) for n in exports[m] if home[(m, n)] != m),
            private_data=tuple(private.items())))
    return pages


def _is_routine_or_class(obj: Any) -> bool:
    return inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj)


def _private_doc(module: str, name: str, obj: Any) -> str:
    """The doc comment of constant ``name`` (exported by ``module``) in the private module that assigns it."""
    from sphinx.pycode import ModuleAnalyzer

    for modname, mod in sorted(sys.modules.items()):
        if modname.startswith(module + ".") and not _is_public(modname) and getattr(mod, name, None) is obj:
            docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
            if ("", name) in docs:
                return "\n".join(docs[("", name)]).strip()
    for modname, mod in sorted(sys.modules.items()):  # imported under another name from a public module
        if modname.split(".")[0] == PACKAGE and _is_public(modname) and modname != module:
            for other, value in vars(mod).items():
                if value is obj and other != name and other in _assigned_names(mod):
                    docs = ModuleAnalyzer.for_module(modname).find_attr_docs()
                    text = "\n".join(docs.get(("", other), [])).strip()
                    return f"The same object as :data:`{modname}.{other}`." + (f" {text}" if text else "")
    return ""


def _page_text(page: ModulePage) -> str:
    label = "api-" + page.module.replace(".", "-").replace("_", "-")
    # eval-rst: autodoc emits reStructuredText, which MyST would otherwise read as Markdown
    lines = [f"({label})=", f"# `{page.module}`", "", "```{eval-rst}", f".. automodule:: {page.module}"]
    if page.documented:
        lines += [f"   :members: {', '.join(page.documented)}", "   :show-inheritance:", "   :member-order: bysource"]
    else:
        lines += ["   :no-members:"]
    lines += ["```", ""]
    if page.private_data:
        lines += ["```{eval-rst}", f".. py:currentmodule:: {page.module}", ""]
        for name, doc in page.private_data:
            lines += [f".. py:data:: {name}", ""] + [f"   {ln}" if ln else "" for ln in doc.splitlines()] + [""]
        lines += ["```", ""]
    if page.reexported:
        # each re-exported name is declared here too (``t2lib.t2.T2Law`` resolves, as readers import it), with
        # ``:canonical:`` naming its definition, whose full entry stays the target of the defining module's name
        lines += ["## Re-exported names", "", f"Importable from `{page.module}`; documented where they are defined.",
                  "", "```{eval-rst}", f".. py:currentmodule:: {page.module}", ""]
        mod = importlib.import_module(page.module)
        for name, home in page.reexported:
            obj = getattr(mod, name)
            if f"{page.module}.{name}" in sys.modules:  # the name is also a submodule (t2lib.lab.train): no alias
                lines += [f"``{name}``: defined in :mod:`{home}`, see :obj:`{home}.{name}`.", ""]
                continue
            kind = "class" if inspect.isclass(obj) else "function" if callable(obj) and not isinstance(obj, type) \
                and (inspect.isfunction(obj) or inspect.isbuiltin(obj)) else "data"
            sig = _plain_signature(obj) if kind != "data" else ""
            canonical = f"{getattr(obj, '__module__', home)}.{getattr(obj, '__qualname__', name)}" \
                if kind != "data" else f"{home}.{name}"
            role = {"class": "class", "function": "func", "data": "data"}[kind]
            lines += [f".. py:{kind}:: {name}{sig}", f"   :canonical: {canonical}", "",
                      f"   Defined in :mod:`{home}`: see :{role}:`{home}.{name}`.", ""]
        lines += ["```", ""]
    return "\n".join(lines)


def _plain_signature(obj: Any) -> str:
    """``(a, b=1, *, c=None)``: the parameters without annotations (they are on the full entry)."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return "()"
    return str(sig.replace(parameters=[p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()],
                           return_annotation=inspect.Signature.empty))


def _summary_cell(text: str) -> str:
    return text.replace("|", "\\|")


def write_api_pages(stage: str | Path, root: str | Path, package: str = PACKAGE) -> tuple[list[str], dict[str, str]]:
    """Write the appendix into a staged book and return ``(docnames, skipped modules)``.

    ``<root>/book/api.md`` (the hand-written landing page) is copied to ``<stage>/book/api.md`` with the table of
    modules inserted at the ``<!-- api-module-table -->`` marker (appended if there is none); each public module
    gets ``<stage>/book/api/<module>.md``. ``docnames`` lists the module pages in table order.
    """
    stage, root = Path(stage), Path(root)
    modules, skipped = public_modules(package)
    pages = module_pages(modules)
    out_dir = stage / _PAGE_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    for page in pages:
        (out_dir / (page.docname.rsplit("/", 1)[1] + ".md")).write_text(_page_text(page))
    table = ["| module | what it holds |", "|---|---|"]
    table += [f"| {{py:mod}}`{p.module}` | {_summary_cell(p.summary)} |" for p in pages]
    if skipped:
        table += ["", "Not in this build (an optional dependency is missing): "
                  + "; ".join(f"`{m}` ({why})" for m, why in skipped.items()) + "."]
    landing = (root / (LANDING_PAGE + ".md")).read_text()
    block = "\n".join(table) + "\n"
    landing = landing.replace(_TABLE_MARK, block) if _TABLE_MARK in landing else landing.rstrip() + "\n\n" + block
    (stage / (LANDING_PAGE + ".md")).write_text(landing)
    return [p.docname for p in pages], skipped


def add_to_toc(toc: dict, docnames: list[str], caption: str = "Appendix") -> dict:
    """Return ``toc`` (a jb-book ``_toc.yml`` as a dict) with the API appendix as its last, unnumbered entry.

    A toc made of ``parts`` gets a new part; a flat ``chapters`` list gets one more chapter. The module pages
    are the sections of the landing page.
    """
    entry = {"file": LANDING_PAGE, "sections": [{"file": d} for d in docnames]}
    toc = dict(toc)
    if "parts" in toc:
        toc["parts"] = [*toc["parts"], {"caption": caption, "chapters": [entry]}]
    else:
        toc["chapters"] = [*toc.get("chapters", []), entry]
    return toc


# --------------------------------------------------------------------------- Sphinx extension
def _plain_inline_docstring(app, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    """Keep napoleon from reading the first line of a constant's or property's docstring as ``type: text``.

    Napoleon splits an attribute docstring's first line at its first colon and turns the left part into a
    type, so "Hoffmann et al. (2022), Eq. (10): the rounded fit" would render as a type "Hoffmann et al. (2022),
    Eq. (10)". The book's attribute docstrings are prose (types come from annotations): a first line holding an
    empty reST comment (``..``) makes napoleon find no type (a blank first line would be stripped).
    """
    if what in ("attribute", "data", "property") and lines and lines[0].strip():
        lines[:0] = ["..", ""]


def _own_document(app, doctree) -> None:
    """Point every node of a page at the page's own document before Sphinx pickles it.

    myst-parser renders the reStructuredText that autodoc generates in a scratch ``docutils`` document and moves
    its nodes into the page; under docutils 0.21 those nodes keep a reference to the scratch document, whose
    settings hold the whole build environment. Each API page's pickled doctree then carried a copy of the
    environment (about 5 MB per page, 40 pages, unpickled several times per build: most of the HTML build's
    time). Re-pointing the nodes changes nothing in the output.
    """
    for node in doctree.findall():
        if getattr(node, "_document", doctree) is not doctree:
            node._document = doctree


def setup(app) -> dict:
    """Sphinx extension (listed in ``_config.yml``): napoleon's numpy style for the book's docstrings."""
    app.setup_extension("sphinx.ext.napoleon")
    app.connect("autodoc-process-docstring", _plain_inline_docstring, priority=400)  # before napoleon (500)
    app.connect("doctree-read", _own_document)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
