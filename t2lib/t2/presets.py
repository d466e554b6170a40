r"""Named T² laws for chapter 8 and ``python -m t2lib plan``: illustrative sets, then the fitted ones.

Roberts et al. (2026) publish the functional forms of the T² law but **no fitted parameter values**. Until
chapter 9 fits real ones (:data:`t2lib.t2.fitted.FITTED`), the book shows the law's behaviour with the
**illustrative** sets below. Each is built the same way, and none is a paper's result:

- the model-size and data terms :math:`A, B, \alpha, \beta` are the rounded Chinchilla constants of Hoffmann et
  al. (2022), Approach 3 (:data:`t2lib.laws.HOFFMANN_2022`, their Eq. 10 as printed), fitted to *pretraining* loss, not to a task's
  negative log pass@k;
- the sampling term :math:`G, \gamma` (Approach 1) or the Beta-regression parameters :math:`\theta_0 \dots
  \theta_4` (Approach 2) are round numbers chosen by us to show a strong and a weak sampling effect;
- for Approach 1, :math:`E = 1.69 - G`, so that the single-sample law (intercept :math:`E + G`) is exactly
  Hoffmann et al.'s law and the k = 1 frontier is their compute-optimal frontier.

:data:`LAWS` maps each name to a :class:`~t2lib.t2.named.NamedLaw`: the illustrative ones, then
:data:`~t2lib.t2.fitted.FITTED` (a fitted law of the same name replaces an illustrative one).
"""
from __future__ import annotations

from ..laws import HOFFMANN_2022
from .accuracy import T2AccuracyLaw
from .fitted import FITTED
from .law import T2Law
from .named import NamedLaw

__all__ = ["ILLUSTRATIVE", "LAWS", "LABELS", "DEFAULT_LAW", "get_law", "illustrative_t2law"]

_HOFFMANN = ("A, B, alpha, beta: Hoffmann et al. (2022), Approach 3, rounded (E' = E + G = 1.69 is their E); "
             "fitted to pretraining loss, not to a task's pass@k")


def illustrative_t2law(G: float, gamma: float) -> T2Law:
    """Hoffmann et al.'s (2022) rounded Chinchilla law with a sampling term ``G / k**gamma`` and ``E = 1.69 - G``.

    Parameters
    ----------
    G : float
        Scale of the sampling term, in ``[0, 1.69]`` (so that ``E >= 0``).
    gamma : float
        Its exponent, ``> 0``.
    """
    h = HOFFMANN_2022
    try:
        g = float(G)
    except (TypeError, ValueError):
        raise ValueError(f"G must be a real number in [0, {h.E}]; got {G!r}") from None
    if not 0 <= g <= h.E:
        raise ValueError(f"G must lie in [0, {h.E}] (so that E = {h.E} - G >= 0); got {G!r}")
    return T2Law(E=h.E - g, A=h.A, B=h.B, alpha=h.alpha, beta=h.beta, G=g, gamma=gamma)



def _illustrative_loss_law(effect: str, G: float, gamma: float) -> NamedLaw:
    """The named Approach-1 set ``illustrative-<effect>-sampling`` of :func:`illustrative_t2law`."""
    return NamedLaw(
        name=f"illustrative-{effect}-sampling",
        law=illustrative_t2law(G=G, gamma=gamma),
        source="ILLUSTRATIVE, not fitted and not from Roberts et al. (2026): " + _HOFFMANN
               + f"; G = {G:g}, gamma = {gamma:g} chosen by us (a {effect} sampling effect)",
        illustrative=True,
    )


ILLUSTRATIVE: dict[str, NamedLaw] = {
    nl.name: nl
    for nl in (
        _illustrative_loss_law("strong", G=0.5, gamma=0.5),
        _illustrative_loss_law("weak", G=0.05, gamma=0.5),
        NamedLaw(
            name="illustrative-beta",
            law=T2AccuracyLaw(HOFFMANN_2022, theta0=2.2, theta1=6.0, theta2=0.8, theta3=-1.0, theta4=0.5),
            source="ILLUSTRATIVE Approach-2 law, not fitted and not from Roberts et al. (2026): loss law = "
                   "Hoffmann et al. (2022), Approach 3, rounded; theta0..theta4 = 2.2, 6, 0.8, -1, 0.5 chosen "
                   "by us (mean accuracy 0.4 at loss 2.2, a wide spread of difficulty)",
            illustrative=True,
        ),
    )
}
"""The illustrative laws (made-up sampling terms on Hoffmann et al.'s constants; never a paper's result)."""

LAWS: dict[str, NamedLaw] = {**ILLUSTRATIVE, **FITTED}
"""Every named law: :data:`ILLUSTRATIVE`, then :data:`t2lib.t2.fitted.FITTED` (chapter 9)."""

LABELS: dict[str, str] = {
    "illustrative-strong-sampling": "illustrative law, strong sampling term",
    "illustrative-weak-sampling": "illustrative law, weak sampling term",
    "illustrative-beta": "illustrative Beta law",
}
"""Names for figure legends (people, not registry keys) of the illustrative laws."""

DEFAULT_LAW = "illustrative-strong-sampling"
"""The law ``plan`` uses without ``--law``."""


def get_law(name: str) -> NamedLaw:
    """The named law ``name`` from :data:`LAWS` (raises ``ValueError`` listing the known names)."""
    if not isinstance(name, str) or name not in LAWS:
        raise ValueError(f"name must be one of the named laws {sorted(LAWS)}; got {name!r}")
    return LAWS[name]
