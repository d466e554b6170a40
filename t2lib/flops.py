r"""Counting the floating-point operations of a decoder-only transformer.

A multiply-accumulate counts as 2 FLOPs. For a model with :math:`N` weights:

.. math::

    C_\mathrm{fwd} \approx 2N,\qquad C_\mathrm{bwd} \approx 4N,\qquad
    C_\mathrm{train} \approx 6ND,\qquad C_\mathrm{inf} \approx 2N D_\mathrm{inf}

per token, so a training token costs three inference tokens. The context-dependent
attention term :math:`2 n_\mathrm{layer} n_\mathrm{ctx} d_\mathrm{attn}` (Kaplan et al. 2020, Table 1) and the exact
per-sequence count of Hoffmann et al. (2022, Appendix F) refine this.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v

__all__ = [
    "FORWARD_FLOPS_PER_PARAM",
    "BACKWARD_FLOPS_PER_PARAM",
    "TRAIN_FLOPS_PER_PARAM",
    "training_flops",
    "inference_flops",
    "inference_to_training_ratio",
    "kaplan_params",
    "kaplan_forward_flops_per_token",
    "attention_to_weight_ratio",
    "HoffmannFlops",
    "hoffmann_flops",
    "hoffmann_ratio_to_6nd",
    "hoffmann_layer_params",
    "attention_parity_width",
    "matmul_flops",
]

FORWARD_FLOPS_PER_PARAM = 2
"""FLOPs per weight per token in the forward pass (one multiply and one add)."""
BACKWARD_FLOPS_PER_PARAM = 4
"""FLOPs per weight per token in the backward pass (gradients w.r.t. activations and weights)."""
TRAIN_FLOPS_PER_PARAM = FORWARD_FLOPS_PER_PARAM + BACKWARD_FLOPS_PER_PARAM
"""FLOPs per weight per training token, :math:`2 + 4 = 6`."""


def matmul_flops(m, n, p=1) -> np.ndarray:
    r"""FLOPs of the product of an :math:`m\times n` and an :math:`n\times p` matrix: :math:`2mnp`.

    Each of the :math:`mp` outputs needs :math:`n` multiplies and :math:`n` adds
    (counting the first add, as the multiply-accumulate convention does).
    """
    m, n, p = v.broadcast(m=v.positive("m", m), n=v.positive("n", n), p=v.positive("p", p))
    return v.finite_result(2.0 * m * n * p, "the FLOP count", m=m, n=n, p=p)


def training_flops(N, D) -> np.ndarray:
    r"""Training compute :math:`C = 6ND` (Kaplan et al. 2020; Hoffmann et al. 2022).

    Parameters
    ----------
    N : array_like
        Parameters (positive, finite).
    D : array_like
        Training tokens (positive, finite).
    """
    N, D = v.broadcast(N=v.positive("N", N), D=v.positive("D", D))
    return v.finite_result(TRAIN_FLOPS_PER_PARAM * N * D, "6ND", N=N, D=D)


def inference_flops(N, tokens) -> np.ndarray:
    r"""Inference compute :math:`C_\mathrm{inf} = 2N\,D_\mathrm{inf}` (forward pass only, KV cache).

    Parameters
    ----------
    N : array_like
        Parameters (positive, finite).
    tokens : array_like
        Tokens processed or generated at inference (non-negative, finite).
    """
    N, tokens = v.broadcast(N=v.positive("N", N), tokens=v.nonnegative("tokens", tokens))
    return v.finite_result(FORWARD_FLOPS_PER_PARAM * N * tokens, "2N tokens", N=N, tokens=tokens)


def inference_to_training_ratio(train_tokens, inference_tokens) -> np.ndarray:
    r"""Lifetime inference FLOPs over training FLOPs for one model: :math:`2N D_\mathrm{inf} / (6 N D) = D_\mathrm{inf}/(3D)`.

    The model size cancels, so only the two token counts matter.
    """
    D, Dinf = v.broadcast(train_tokens=v.positive("train_tokens", train_tokens),
                          inference_tokens=v.nonnegative("inference_tokens", inference_tokens))
    return v.finite_result(FORWARD_FLOPS_PER_PARAM * Dinf / (TRAIN_FLOPS_PER_PARAM * D), "the ratio",
                           train_tokens=D, inference_tokens=Dinf)


def kaplan_params(n_layer, d_model, d_attn=None, d_ff=None) -> np.ndarray:
    r"""Non-embedding parameters :math:`N = 2 d_\mathrm{model} n_\mathrm{layer} (2 d_\mathrm{attn} + d_\mathrm{ff})`.

    With the standard :math:`d_\mathrm{attn} = d_\mathrm{model}`, :math:`d_\mathrm{ff} = 4 d_\mathrm{model}` this is
    :math:`12\, n_\mathrm{layer} d_\mathrm{model}^2` (Kaplan et al. 2020, Eq. 2.1). Biases and layer norms are neglected.
    """
    n_layer, d_model = v.counts("n_layer", n_layer), v.counts("d_model", d_model)
    d_attn = d_model if d_attn is None else v.counts("d_attn", d_attn)
    d_ff = 4 * d_model if d_ff is None else v.counts("d_ff", d_ff)
    n_layer, d_model, d_attn, d_ff = v.broadcast(n_layer=n_layer, d_model=d_model, d_attn=d_attn, d_ff=d_ff)
    return v.finite_result(2.0 * d_model * n_layer * (2.0 * d_attn + d_ff), "the parameter count",
                           n_layer=n_layer, d_model=d_model, d_attn=d_attn, d_ff=d_ff)


def kaplan_forward_flops_per_token(N, n_layer, n_ctx, d_attn) -> np.ndarray:
    r"""Forward FLOPs per token including attention: :math:`2N + 2 n_\mathrm{layer} n_\mathrm{ctx} d_\mathrm{attn}`.

    (Kaplan et al. 2020, Table 1.) The second term is the score computation
    :math:`QK^\top` and the weighted sum over values for one query token against
    :math:`n_\mathrm{ctx}` keys, averaged over the causal mask.
    """
    N = v.positive("N", N)
    n_layer, n_ctx, d_attn = v.counts("n_layer", n_layer), v.counts("n_ctx", n_ctx), v.counts("d_attn", d_attn)
    N, n_layer, n_ctx, d_attn = v.broadcast(N=N, n_layer=n_layer, n_ctx=n_ctx, d_attn=d_attn)
    return v.finite_result(2.0 * N + 2.0 * n_layer * n_ctx * d_attn, "the FLOP count",
                           N=N, n_layer=n_layer, n_ctx=n_ctx, d_attn=d_attn)


def attention_to_weight_ratio(d_model, n_ctx) -> np.ndarray:
    r"""Ratio of the attention term to the weight term per token, :math:`n_\mathrm{ctx} / (12\, d_\mathrm{model})`.

    With :math:`N = 12 n_\mathrm{layer} d_\mathrm{model}^2` and :math:`d_\mathrm{attn} = d_\mathrm{model}`,
    :math:`\dfrac{2 n_\mathrm{layer} n_\mathrm{ctx} d_\mathrm{model}}{2N} = \dfrac{n_\mathrm{ctx}}{12 d_\mathrm{model}}`:
    attention is a small correction when :math:`d_\mathrm{model} \gg n_\mathrm{ctx}/12`.
    """
    d_model, n_ctx = v.broadcast(d_model=v.positive("d_model", d_model), n_ctx=v.positive("n_ctx", n_ctx))
    return n_ctx / (12.0 * d_model)


def attention_parity_width(n_ctx) -> np.ndarray:
    r"""Model width at which attention costs as much as the weights per token: :math:`d_\mathrm{model} = n_\mathrm{ctx}/12`.

    The root of :func:`attention_to_weight_ratio` :math:`= 1`; wider models are dominated by their weights.
    """
    return v.counts("n_ctx", n_ctx) / 12.0


@dataclass(frozen=True)
class HoffmannFlops:
    """Forward-pass FLOPs of one sequence, by component (Hoffmann et al. 2022, Appendix F).

    All fields are arrays broadcast over the inputs. ``train`` is ``3 * forward``
    (the backward pass costs twice the forward pass).
    """

    embeddings: np.ndarray
    attention: np.ndarray  #: all layers
    dense: np.ndarray  #: all layers
    logits: np.ndarray

    @property
    def layers(self) -> np.ndarray:
        """Attention plus dense blocks of all layers (no embeddings, no logits)."""
        return self.attention + self.dense

    @property
    def forward(self) -> np.ndarray:
        """Total forward FLOPs of one sequence."""
        return self.embeddings + self.layers + self.logits

    @property
    def train(self) -> np.ndarray:
        """Forward plus backward, ``3 * forward``."""
        return 3.0 * self.forward


def hoffmann_flops(num_layers, d_model, ffw_size, num_heads, kv_size, seq_len=2048, vocab_size=32_000) -> HoffmannFlops:
    r"""Per-sequence forward FLOPs of Hoffmann et al. (2022), Appendix F.

    With :math:`s` the sequence length, :math:`V` the vocabulary, :math:`h` heads of size :math:`k`:

    .. math::

        \text{embed} &= 2sVd,\\
        \text{attn} &= 2\cdot 3\, s\, d\, (kh) + 2s^2 (kh) + 3 h s^2 + 2 s^2 (kh) + 2 s (kh) d,\\
        \text{dense} &= 2s\,(2 d f),\\
        \text{logits} &= 2 s d V,

    and forward = embed + L (attn + dense) + logits.
    """
    L = v.counts("num_layers", num_layers)
    d = v.counts("d_model", d_model)
    f = v.counts("ffw_size", ffw_size)
    h = v.counts("num_heads", num_heads)
    k = v.counts("kv_size", kv_size)
    s = v.counts("seq_len", seq_len)
    V = v.counts("vocab_size", vocab_size)
    L, d, f, h, k, s, V = v.broadcast(num_layers=L, d_model=d, ffw_size=f, num_heads=h, kv_size=k, seq_len=s,
                                      vocab_size=V)
    kh = k * h
    qkv = 2.0 * 3.0 * s * d * kh
    scores = 2.0 * s * s * kh
    softmax = 3.0 * h * s * s
    reduce = 2.0 * s * s * kh
    out = 2.0 * s * kh * d
    attention = L * (qkv + scores + softmax + reduce + out)
    dense = L * 2.0 * s * (2.0 * d * f)
    out = HoffmannFlops(embeddings=2.0 * s * V * d, attention=attention, dense=dense, logits=2.0 * s * d * V)
    v.finite_result(out.forward, "the FLOP count", num_layers=L, d_model=d, ffw_size=f, num_heads=h, kv_size=k,
                    seq_len=s, vocab_size=V)
    return out


def hoffmann_ratio_to_6nd(N, num_layers, d_model, ffw_size, num_heads, kv_size, seq_len=2048, vocab_size=32_000,
                          include_embeddings: bool = False) -> np.ndarray:
    r"""Ratio of the Appendix-F training count to :math:`6ND` for one sequence (:math:`D = s`).

    .. math:: r = \frac{3\,\mathrm{forward}}{6 N s}

    With ``include_embeddings=False`` (the default) the embedding and logit terms
    are left out of the count, which is the reading under which Table A4 of
    Hoffmann et al. is reproduced for five of its six rows; with ``True`` the full
    Appendix-F forward pass is used.
    """
    N = v.positive("N", N)
    include_embeddings = v.flag("include_embeddings", include_embeddings)
    fl = hoffmann_flops(num_layers, d_model, ffw_size, num_heads, kv_size, seq_len, vocab_size)
    fwd = fl.forward if include_embeddings else fl.layers
    N, fwd = v.broadcast(N=N, num_layers=fwd)
    return v.finite_result(3.0 * fwd / (TRAIN_FLOPS_PER_PARAM * N * np.asarray(seq_len, dtype=float)), "the ratio",
                           N=N, seq_len=seq_len)


def hoffmann_layer_params(num_layers, d_model, ffw_size, num_heads, kv_size) -> np.ndarray:
    r"""Weights in the transformer layers of an Appendix-F architecture (no embeddings, biases or norms).

    .. math:: N_\mathrm{layers} = L\,\big(4\, d\, (kh) + 2\, d f\big)

    (Q, K, V and output projections, and the two feed-forward matrices.)
    """
    L, d, f, h, k = v.broadcast(num_layers=v.counts("num_layers", num_layers), d_model=v.counts("d_model", d_model),
                                ffw_size=v.counts("ffw_size", ffw_size), num_heads=v.counts("num_heads", num_heads),
                                kv_size=v.counts("kv_size", kv_size))
    return v.finite_result(L * (4.0 * d * h * k + 2.0 * d * f), "the parameter count", num_layers=L, d_model=d,
                           ffw_size=f, num_heads=h, kv_size=k)
