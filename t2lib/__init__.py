"""t2lib: the computations behind the Train-to-Test book.

Modules (one concept each). Dependencies are one-way: the concept modules import the support modules
(`_validate`, `published`, `data`, `plotting`) and each other in chapter order, never the reverse.

- :mod:`t2lib.flops`        FLOP counts of transformer training and inference (C = 6ND, 2N per token).
- :mod:`t2lib.laws`         the Chinchilla loss law L(N, D) and its compute-optimal frontier.
- :mod:`t2lib.tables`       published tables of Hoffmann et al. (2022) next to what a law gives.
- :mod:`t2lib.isoflop`      Approach 2: IsoFLOP profiles and the exponent of N_opt(C).
- :mod:`t2lib.fit`          Approach 3: fitting the law (Huber loss, batched Newton, bootstrap, Huber-density MLE).
- :mod:`t2lib.inference`    inference-aware optimum (Sardana et al.) and the train-inference split (Erdil).
- :mod:`t2lib.tradeoffs`    the Villalobos & Atkinson (2023) trade-off table and its implied exchange rates.
- :mod:`t2lib.passk`        the unbiased pass@k estimator and Beta-distributed success rates.
- :mod:`t2lib.overtraining` the over-training law of Gadre et al. (2024).
- :mod:`t2lib.t2`           the Train-to-Test law of Roberts et al. (2026): model size, tokens and samples together.
- :mod:`t2lib.data`         pinned, checksummed public data sets and tidy loaders.
- :mod:`t2lib.plotting`     the book's figure style.
- :mod:`t2lib.fmt`          numbers for the prose (3.6 × 10¹³, 1/3, 28.3%).
- :mod:`t2lib.notebook`     gluing computed values into the chapters' text.
- :mod:`t2lib.published`    reading the hand-transcribed tables in data/ with their provenance.
- :mod:`t2lib.book`         executing chapters with papermill and building the HTML book.

Import the submodule you need, e.g. ``from t2lib.laws import EPOCH_2024``. The book's appendix "API
reference" renders every module's documentation.
"""
__version__ = "0.1.0"
