"""The book's figure style: one call at the top of a chapter, deterministic output.

``use_book_style()`` sets a small, readable matplotlib style and removes what would
make two builds differ (SVG hash salt, creation metadata), so that figures are
byte-identical from run to run.
"""
from __future__ import annotations

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

    from pandas.io.formats.style import Styler

    counter = count(1)
    formatter = ip.display_formatter.formatters["text/html"]
    formatter.for_type(Styler, lambda st: st.set_uuid(f"t2lib{next(counter)}").to_html())
    # the plain-text fallback would otherwise be "<Styler at 0x...>", a memory address
    ip.display_formatter.formatters["text/plain"].for_type(Styler, lambda st, p, cycle: p.text(st.data.to_string()))


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
