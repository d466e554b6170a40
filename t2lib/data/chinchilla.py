"""Epoch AI's points digitised from Hoffmann et al. (2022), Figure 4 (left)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._registry import fetch

__all__ = ["load_chinchilla", "CHINCHILLA_KEY", "N_OUTLIERS"]

#: Registry key of Epoch AI's digitised Chinchilla points (Besiroglu et al. 2024).
CHINCHILLA_KEY = "chinchilla/svg_extracted_data.csv"
#: Number of highest-loss runs that :func:`load_chinchilla` flags as outliers (those Epoch's main fit drops).
N_OUTLIERS = 5


def load_chinchilla() -> pd.DataFrame:
    """The 245 training runs of Hoffmann et al. (2022) as digitised by Besiroglu et al. (2024).

    Returns
    -------
    pandas.DataFrame
        One row per run, in file order, with columns

        - ``N`` : total parameters (embeddings included), read off the figure;
        - ``C`` : training FLOPs, read off the figure;
        - ``D`` : training tokens, derived as ``C / (6 N)`` (as Epoch does);
        - ``loss`` : final training loss in nats/token (the colour of the marker);
        - ``outlier`` : ``True`` for the 5 highest-loss runs that Epoch's main fit drops
          (all near 1e19 FLOPs with D/N < 0.41).
    """
    raw = pd.read_csv(fetch(CHINCHILLA_KEY))
    N = raw["Model Size"].to_numpy(float)
    C = raw["Training FLOP"].to_numpy(float)
    loss = raw["loss"].to_numpy(float)
    threshold = np.sort(loss)[-N_OUTLIERS]
    return pd.DataFrame({"N": N, "D": C / (6.0 * N), "C": C, "loss": loss, "outlier": loss >= threshold})
