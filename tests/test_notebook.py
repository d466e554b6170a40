"""t2lib.notebook.glue writes what myst_nb.glue writes (it only avoids importing myst-nb in the kernel)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from t2lib.notebook import glue  # noqa: E402


def _published(call):
    shell = InteractiveShell.instance()
    out = []
    saved = shell.display_pub.publish
    shell.display_pub.publish = lambda data, metadata=None, **kw: out.append((data, metadata))
    try:
        call()
    finally:
        shell.display_pub.publish = saved
    return out


@pytest.mark.parametrize("display", [False, True])
def test_glue_publishes_what_myst_nb_glue_publishes(display):
    from myst_nb import glue as myst_glue

    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    for value in (1.5, "3.6 × 10¹³", pd.DataFrame({"a": [1, 2]}), fig):
        ours = _published(lambda: glue("x", value, display=display))
        theirs = _published(lambda: myst_glue("x", value, display=display))
        assert ours == theirs and len(ours) == 1
    plt.close(fig)
    assert _published(lambda: glue("y", np.float64(2.0)))[0][0] == _published(lambda: myst_glue("y", 2.0, False))[0][0]
