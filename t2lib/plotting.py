"""The book's figure style: one call at the top of a chapter, deterministic output.

``use_book_style()`` sets a small, readable matplotlib style and removes what would
make two builds differ (SVG hash salt, creation metadata), so that figures are
byte-identical from run to run.
"""
from __future__ import annotations

import sys

import matplotlib as mpl
import matplotlib.pyplot as plt

__all__ = ["use_book_style", "COLORS", "loglog_axes"]

#: The book's colour cycle (colour-blind-safe hues), in the order figures use them.
COLORS = ["#1b6ca8", "#d1495b", "#66a182", "#edae49", "#5c4d7d", "#8d6a9f", "#2e4057", "#00798c"]


def use_book_style() -> None:
    """Apply the book's matplotlib style (idempotent)."""
    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 110,
            "savefig.dpi": 110,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": mpl.cycler(color=COLORS),
            "legend.frameon": False,
            "font.size": 10,
            "svg.hashsalt": "t2lib",
            "svg.fonttype": "none",
        }
    )
    # Fixed metadata: no timestamps in saved files.
    mpl.rcParams["pdf.compression"] = 6
    _deterministic_tables()
    _share_mathtext_cache()
    try:  # inline backend (only in a kernel): PNG without creation-time metadata
        from matplotlib_inline.backend_inline import set_matplotlib_formats  # noqa: F401

        ip = _ipython()
        if ip is not None:
            cfg = ip.config
            cfg.InlineBackend.print_figure_kwargs = {"bbox_inches": "tight", "metadata": {"Software": None}}
    except Exception:  # pragma: no cover - outside a kernel nothing to configure
        pass


def _deterministic_tables() -> None:
    """Render pandas ``Styler`` tables with ids from a counter instead of a random uuid.

    ``DataFrame.style`` tags its HTML with ``uuid4().hex[:5]``, so two executions of a chapter
    would differ, and its plain-text repr shows a memory address. In a kernel, register formatters
    that number the tables in display order and print the underlying frame as plain text.
    """
    ip = _ipython()
    if ip is None:
        return
    from itertools import count

    counter = count(1)
    # registered by name: pandas' Styler (and jinja2) are imported only by a chapter that makes a table with it
    styler = ("pandas.io.formats.style", "Styler")
    loaded = sys.modules.get(styler[0])  # already imported (e.g. a second call): register the class itself

    def register(fmt, func):
        if loaded is not None:
            fmt.for_type(loaded.Styler, func)
        else:
            fmt.for_type_by_name(*styler, func)

    register(ip.display_formatter.formatters["text/html"], lambda st: st.set_uuid(f"t2lib{next(counter)}").to_html())
    # the plain-text fallback would otherwise be "<Styler at 0x...>", a memory address
    register(ip.display_formatter.formatters["text/plain"], lambda st, p, cycle: p.text(st.data.to_string()))


_MATHTEXT_RC = ("mathtext.fontset", "mathtext.default", "mathtext.fallback", "mathtext.rm", "mathtext.it",
                "mathtext.bf", "mathtext.bfit", "mathtext.sf", "mathtext.tt", "mathtext.cal")


def _share_mathtext_cache() -> None:
    """Let every renderer reuse the layouts of the math strings already typeset (tick labels such as 10³).

    matplotlib caches a parsed math string per renderer object (50 entries shared by all), and every figure —
    twice over with ``bbox_inches="tight"``: once to measure, once to draw — has new renderers, so each label is
    typeset again with pyparsing (~10 ms). This replaces the per-renderer key by the output type and the mathtext
    settings: the same string, size, dpi and font give the same object as before, so figures are unchanged
    (byte-identical PNGs). Idempotent; a matplotlib without the private cache is left alone.
    """
    import functools

    from matplotlib.mathtext import MathTextParser

    cached = MathTextParser.__dict__.get("_parse_cached")
    impl = getattr(cached, "__wrapped__", None)
    if getattr(cached, "_t2lib_shared", False) or impl is None:
        return
    parsers = {}

    @functools.lru_cache(maxsize=2048)
    def shared(output_type, rc, s, dpi, prop, antialiased, load_glyph_flags):
        if output_type not in parsers:
            parsers[output_type] = MathTextParser({"vector": "path", "raster": "agg"}[output_type])
        return impl(parsers[output_type], s, dpi, prop, antialiased, load_glyph_flags)

    def _parse_cached(self, s, dpi, prop, antialiased, load_glyph_flags):
        rc = tuple(mpl.rcParams.get(k) for k in _MATHTEXT_RC)
        return shared(self._output_type, rc, s, dpi, prop, antialiased, load_glyph_flags)

    _parse_cached._t2lib_shared = True
    _parse_cached.cache_clear = shared.cache_clear
    _parse_cached.__wrapped__ = impl
    MathTextParser._parse_cached = _parse_cached


def _ipython():
    try:
        from IPython import get_ipython

        return get_ipython()
    except Exception:  # pragma: no cover
        return None


def loglog_axes(ax=None, xlabel: str = "", ylabel: str = "", title: str = ""):
    """Return an axis with both scales logarithmic and the given labels."""
    from matplotlib.axes import Axes

    from . import _validate as v

    if ax is not None and not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}")
    for name, label in (("xlabel", xlabel), ("ylabel", ylabel), ("title", title)):
        v.text(name, label, empty=True)
    if ax is None:
        _, ax = plt.subplots()
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    return ax
