r"""A small decoder-only transformer in JAX: parameters, forward pass, parameter and FLOP counts.

Pre-LayerNorm GPT blocks: token and learned position embeddings of width :math:`d`; ``depth`` blocks of causal
multi-head attention (heads of width 16, one head below :math:`d = 32`; no biases) and a GELU MLP of width
:math:`4d`; a final LayerNorm and an untied output layer with bias. The parameter count :math:`N` includes the
embeddings and the output layer (everything that is trained):

.. math::

    N = \underbrace{(V + T)\,d}_{\text{embeddings}} + \text{depth}\,(12 d^2 + 9 d) + 2d + (d + 1)\,V .

Training FLOPs are counted as :math:`C = 6ND` (forward :math:`2N`, backward :math:`4N` per token). This leaves out
the attention scores: per token and block the forward pass also spends :math:`2\,T_{\text{ctx}}\,d` FLOPs on
:math:`QK^\top` and as many on :math:`AV`, with the causal mean context :math:`T_{\text{ctx}} = T/2`, i.e. a fraction

.. math::

    \frac{\text{depth}\cdot 4\,(T/2)\,d}{2N} = \frac{\text{depth}\;T\,d}{N}

on top of :math:`2N` (:func:`attention_flop_fraction`; a few per cent here). It also counts the embedding lookups,
which cost no multiply-adds, as if they were matrix products.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

__all__ = ["param_count", "attention_flop_fraction"]


def n_heads(width: int) -> int:
    """Number of attention heads: ``max(1, width // 16)`` (heads of width 16)."""
    return max(1, width // 16)


def check_shape(width, depth) -> tuple[int, int]:
    """Validate a model shape: ``width`` an integer >= 4 divisible by its head count, ``depth`` an integer >= 1."""
    for name, x, lo in (("width", width, 4), ("depth", depth, 1)):
        if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < lo:
            raise ValueError(f"{name} must be an integer >= {lo}; got {x!r}")
    width, depth = int(width), int(depth)
    if width > 4096 or depth > 64:
        raise ValueError(f"width must be <= 4096 and depth <= 64; got width={width}, depth={depth}")
    if width % n_heads(width):
        raise ValueError(f"width must be divisible by its number of heads {n_heads(width)}; got {width}")
    return width, depth


def param_count(width: int, depth: int, vocab: int, seq_len: int) -> int:
    """Trained parameters :math:`N`, embeddings included (the module's equation)."""
    width, depth = check_shape(width, depth)
    for name, x in (("vocab", vocab), ("seq_len", seq_len)):
        if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or not 1 <= x <= 10**7:
            raise ValueError(f"{name} must be an integer in [1, 10**7]; got {x!r}")
    d = width
    return (vocab + seq_len) * d + depth * (12 * d * d + 9 * d) + 2 * d + (d + 1) * vocab


def attention_flop_fraction(width: int, depth: int, vocab: int, seq_len: int) -> float:
    r"""Attention-score FLOPs left out of :math:`6ND`, as a fraction of it: :math:`\text{depth}\;T\,d / N`."""
    N = param_count(width, depth, vocab, seq_len)
    return float(depth * seq_len * width / N)


def init_params(seed: int, width: int, depth: int, vocab: int, seq_len: int) -> dict:
    """Initial parameters (float32): normal weights with variance 1/fan-in (output projections also divided by
    sqrt(2 depth)), unit-variance embeddings, zero biases, unit LayerNorm gains; seeded numpy draws."""
    d = width
    rng = np.random.default_rng([seed, 0x1417])

    def normal(shape, std):
        return jnp.asarray((std * rng.standard_normal(shape)).astype(np.float32))

    def ones(n):
        return jnp.ones(n, dtype=jnp.float32)

    def zeros(n):
        return jnp.zeros(n, dtype=jnp.float32)

    out_scale = 1.0 / math.sqrt(2 * depth)
    tok, pos = normal((vocab, d), 1.0), normal((seq_len, d), 1.0)
    blocks = [dict(ln1_g=ones(d), ln1_b=zeros(d), wqkv=normal((d, 3 * d), 1 / math.sqrt(d)),
                   wo=normal((d, d), out_scale / math.sqrt(d)), ln2_g=ones(d), ln2_b=zeros(d),
                   w1=normal((d, 4 * d), 1 / math.sqrt(d)), b1=zeros(4 * d),
                   w2=normal((4 * d, d), out_scale / math.sqrt(4 * d)), b2=zeros(d))
              for _ in range(depth)]
    return dict(tok=tok, pos=pos, blocks=blocks, lnf_g=ones(d), lnf_b=zeros(d),
                w_out=normal((d, vocab), 1 / math.sqrt(d)), b_out=zeros(vocab))


def _layer_norm(x, g, b):
    mu = jnp.mean(x, axis=-1, keepdims=True)
    var = jnp.mean(jnp.square(x - mu), axis=-1, keepdims=True)
    return (x - mu) * jax.lax.rsqrt(var + 1e-5) * g + b


def forward(params: dict, tokens) -> jnp.ndarray:
    """Logits of shape ``(batch, t, vocab)`` for integer ``tokens`` of shape ``(batch, t)`` (causal)."""
    B, t = tokens.shape
    d = params["tok"].shape[1]
    h = n_heads(d)
    hd = d // h
    x = params["tok"][tokens] + params["pos"][:t][None]
    mask = jnp.tril(jnp.ones((t, t), dtype=bool))
    for blk in params["blocks"]:
        y = _layer_norm(x, blk["ln1_g"], blk["ln1_b"])
        q, k, v = jnp.split(y @ blk["wqkv"], 3, axis=-1)
        q, k, v = (z.reshape(B, t, h, hd) for z in (q, k, v))
        s = jnp.einsum("bqhc,bkhc->bhqk", q, k) / math.sqrt(hd)
        s = jnp.where(mask, s, -1e30)
        a = jax.nn.softmax(s, axis=-1)
        o = jnp.einsum("bhqk,bkhc->bqhc", a, v).reshape(B, t, d)
        x = x + o @ blk["wo"]
        y = _layer_norm(x, blk["ln2_g"], blk["ln2_b"])
        x = x + jax.nn.gelu(y @ blk["w1"] + blk["b1"]) @ blk["w2"] + blk["b2"]
    x = _layer_norm(x, params["lnf_g"], params["lnf_b"])
    return x @ params["w_out"] + params["b_out"]
