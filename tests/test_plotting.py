"""The book style's shared mathtext cache: same typesetting as matplotlib's own, shared across renderers."""
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.font_manager import FontProperties  # noqa: E402
from matplotlib.mathtext import MathTextParser  # noqa: E402

from t2lib.plotting import use_book_style  # noqa: E402


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def test_shared_mathtext_cache_typesets_as_matplotlib_and_is_shared():
    use_book_style()
    use_book_style()  # idempotent: wraps once
    cached = MathTextParser._parse_cached
    assert getattr(cached, "_t2lib_shared", False)
    original = cached.__wrapped__
    from matplotlib.backends.backend_agg import get_hinting_flag

    prop = FontProperties(size=10)
    text = r"$\mathdefault{10^{3}}\,\ln k$"
    a, b = MathTextParser("agg"), MathTextParser("agg")
    first = a.parse(text, 110, prop)
    assert b.parse(text, 110, prop) is first  # a second renderer reuses the layout
    ref = original(MathTextParser("agg"), text, 110, prop.copy(), True, get_hinting_flag())
    assert first[:5] == ref[:5] and np.array_equal(np.asarray(first.image), np.asarray(ref.image))
    assert a.parse(text, 72, prop) is not first  # another dpi: typeset anew
    with matplotlib.rc_context({"mathtext.fontset": "cm"}):  # other mathtext settings: typeset anew
        assert a.parse(text, 110, prop) is not first


def test_figures_with_math_labels_render_identically_twice():
    use_book_style()
    figs = []
    for _ in range(2):
        fig, ax = plt.subplots()
        ax.loglog([1, 1e6], [1, 1e3], label=r"$N^{-\alpha}$")
        ax.legend()
        figs.append(_png(fig))
        plt.close(fig)
    assert figs[0] == figs[1]
