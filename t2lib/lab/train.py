r"""Training one model to completion on its own schedule, and measuring it exactly.

The fixed recipe: Adam (:math:`\beta_1 = 0.9`, :math:`\beta_2 = 0.95`), gradient clipping at global norm 1,
a linear warm-up over the first ``warmup`` fraction of the steps, then a cosine decay to ``final_lr`` times the peak
at the run's *own* last step,

.. math::

    \eta(s) = \eta_{\max}\Big(f + (1 - f)\,\tfrac12\big(1 + \cos\pi\tfrac{s - s_w}{S - s_w}\big)\Big),
    \quad s_w \le s < S,

so every run, short or long, finishes its schedule (as in the T² paper; unlike intermediate checkpoints of one long
run). Each step sees a fresh batch from the language's stream (seeded; no token is repeated). Steps are executed in
compiled chunks (``lax.scan``); the steps past :math:`S` in the last chunk are masked out.

Measurement, both exact given the model:

- ``val_loss``: the mean cross-entropy per predicted token on held-out sequences (nats), to set beside the exact
  entropy :meth:`~t2lib.lab.language.SyntheticLanguage.entropy`;
- ``answer_logprob``: for each question, :math:`\log p_i = \sum_{t \in \text{answer}} \log q(x_t \mid x_{<t})` in one
  teacher-forced pass: the log-probability that one temperature-1 sample reproduces the gold answer, so
  :math:`\text{pass@}k_i = 1 - (1 - p_i)^k` for any real :math:`k`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache

import jax
import jax.numpy as jnp
import numpy as np
import optax

from .. import _validate as v
from .language import SyntheticLanguage
from .model import check_shape, forward, init_params, param_count

__all__ = ["TrainResult", "RECIPE", "train", "answer_logprob", "sample_answers"]

RECIPE = dict(batch_size=64, lr=1e-2, warmup=0.05, final_lr=0.1, n_val=2048, chunk=16)
"""Default training recipe: sequences per batch, peak learning rate, warm-up fraction, final / peak learning rate,
held-out sequences for the validation loss, steps per compiled chunk."""

_VAL_SEED = 2**40 + 17  # the held-out stream never overlaps the training streams (their seeds are < 2**32)


@dataclass(frozen=True)
class TrainResult:
    """One trained run.

    Attributes
    ----------
    width, depth : int
        The model shape.
    N : int
        Parameters (embeddings included).
    D : int
        Training tokens actually seen (``steps * batch_size * seq_len``).
    steps : int
        Optimiser steps.
    val_loss : float
        Held-out cross-entropy per predicted token (nats).
    answer_logprob : ndarray, shape (n_questions,)
        :math:`\\log p_i` of every question of the language.
    curve_tokens, curve_loss : ndarray
        Training curve: tokens seen and the mean training loss over each of up to 64 segments.
    seconds : float
        Wall time of the training (compile included).
    cpu_seconds : float
        CPU time of this process over the same span (close to the wall time on an idle, pinned core).
    params : dict
        The trained parameters (numpy arrays).
    config : dict
        Everything the run depended on (shape, tokens asked for, seed, recipe, language).
    """

    width: int
    depth: int
    N: int
    D: int
    steps: int
    val_loss: float
    answer_logprob: np.ndarray
    curve_tokens: np.ndarray
    curve_loss: np.ndarray
    seconds: float
    cpu_seconds: float
    params: dict = field(repr=False)
    config: dict = field(repr=False)


def _lang_config(lang: SyntheticLanguage) -> dict:
    return dict(seed=lang.seed, n_entities=lang.n_entities, n_relations=lang.n_relations, zipf=float(lang.zipf),
                mix=list(lang.mix), max_copy=lang.max_copy, n_filler=lang.n_filler,
                filler_concentration=float(lang.filler_concentration), seq_len=lang.seq_len,
                n_add_questions=lang.n_add_questions, n_copy_questions=lang.n_copy_questions)


def steps_for_tokens(tokens, batch_size: int, seq_len: int) -> int:
    """Optimiser steps for a token budget: ``max(1, round(tokens / (batch_size * seq_len)))``."""
    t = v.positive_scalar("tokens", tokens)
    return max(1, int(round(t / (batch_size * seq_len))))


def _schedule(s, total, lr, warmup, final_lr):
    s = s.astype(jnp.float32)
    total = total.astype(jnp.float32)
    sw = jnp.maximum(1.0, jnp.round(warmup * total))
    warm = lr * (s + 1.0) / sw
    frac = jnp.clip((s - sw) / jnp.maximum(total - sw, 1.0), 0.0, 1.0)
    cos = lr * (final_lr + (1.0 - final_lr) * 0.5 * (1.0 + jnp.cos(jnp.pi * frac)))
    return jnp.where(s < sw, warm, cos)


def _loss(params, batch):
    batch = batch.astype(jnp.int32)
    logits = forward(params, batch[:, :-1])
    lp = jax.nn.log_softmax(logits, axis=-1)
    return -jnp.mean(jnp.take_along_axis(lp, batch[:, 1:, None], axis=-1))


def _optimizer():
    return optax.chain(optax.clip_by_global_norm(1.0), optax.scale_by_adam(b1=0.9, b2=0.95, eps=1e-8))


@lru_cache(maxsize=None)
def _compiled_chunk(warmup: float, final_lr: float):
    opt = _optimizer()

    def chunk(params, opt_state, data, step0, total, lr):
        def body(carry, batch):
            params, opt_state, s = carry
            loss, grads = jax.value_and_grad(_loss)(params, batch)
            updates, new_state = opt.update(grads, opt_state, params)
            eta = _schedule(s, total, lr, warmup, final_lr)
            new_params = jax.tree_util.tree_map(lambda p, u: p - eta * u, params, updates)
            active = s < total
            params = jax.tree_util.tree_map(lambda a, b: jnp.where(active, a, b), new_params, params)
            opt_state = jax.tree_util.tree_map(lambda a, b: jnp.where(active, a, b), new_state, opt_state)
            return (params, opt_state, s + 1), loss

        (params, opt_state, s), losses = jax.lax.scan(body, (params, opt_state, step0), data)
        return params, opt_state, losses

    return jax.jit(chunk)


@jax.jit
def _last_logits(params, tokens):
    return forward(params, tokens)[:, -1]


@jax.jit
def _token_logprobs(params, tokens):
    """log q(x_t | x_<t) for t = 1..T-1, shape (n, T-1)."""
    tokens = tokens.astype(jnp.int32)
    lp = jax.nn.log_softmax(forward(params, tokens[:, :-1]), axis=-1)
    return jnp.take_along_axis(lp, tokens[:, 1:, None], axis=-1)[..., 0]


def _check_int(name: str, x, lo: int) -> int:
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < lo:
        raise ValueError(f"{name} must be an integer >= {lo}; got {x!r}")
    return int(x)


def train(width: int, depth: int, tokens: float, seed: int = 0, *, language: SyntheticLanguage | None = None,
          batch_size: int = RECIPE["batch_size"], lr: float = RECIPE["lr"], warmup: float = RECIPE["warmup"],
          final_lr: float = RECIPE["final_lr"], n_val: int = RECIPE["n_val"],
          chunk: int = RECIPE["chunk"]) -> TrainResult:
    r"""Train one model of shape ``(width, depth)`` on ``tokens`` training tokens and measure it.

    Parameters
    ----------
    width, depth : int
        Model width (>= 4, divisible by its head count) and number of blocks (>= 1).
    tokens : float
        Training tokens :math:`D` asked for, > 0; the run takes ``round(tokens / (batch_size * seq_len))`` steps
        (at least one), so the tokens seen differ from ``tokens`` by less than half a batch.
    seed : int
        Seed of the initialisation and of the training stream (the language has its own seed).
    language : SyntheticLanguage, optional
        The language (default ``SyntheticLanguage()``).
    batch_size, lr, warmup, final_lr, n_val, chunk
        The recipe (:data:`RECIPE`): sequences per step, peak learning rate, warm-up fraction in [0, 1), final
        over peak learning rate in [0, 1], held-out sequences, steps per compiled chunk.

    Returns
    -------
    TrainResult

    Notes
    -----
    Bitwise reproducible for a given process configuration. XLA splits some work by the number of cores the
    process saw when it started, so the same call in a process that sees two cores and in one pinned to a single
    core differs in the last digits; :func:`~t2lib.lab.grid.run_grid` always trains in single-core processes.
    """
    width, depth = check_shape(width, depth)
    if v.positive_scalar("tokens", tokens) > 1e13:
        raise ValueError(f"tokens must be at most 1e13 (allowed range: 0 < tokens <= 1e13); got {tokens!r}")
    seed = _check_int("seed", seed, 0)
    if seed >= 2**32:
        raise ValueError(f"seed must be an integer in [0, 2**32); got {seed!r}")
    lang = SyntheticLanguage() if language is None else language
    if not isinstance(lang, SyntheticLanguage):
        raise ValueError(f"language must be a SyntheticLanguage; got {type(lang).__name__}")
    batch_size = _check_int("batch_size", batch_size, 1)
    n_val = _check_int("n_val", n_val, 1)
    chunk = _check_int("chunk", chunk, 1)
    lr = v.positive_scalar("lr", lr)
    warmup = float(v.finite("warmup", warmup)) if np.ndim(warmup) == 0 else warmup
    final_lr = float(v.finite("final_lr", final_lr)) if np.ndim(final_lr) == 0 else final_lr
    if not isinstance(warmup, float) or not 0 <= warmup < 1:
        raise ValueError(f"warmup must lie in [0, 1); got {warmup!r}")
    if not isinstance(final_lr, float) or not 0 <= final_lr <= 1:
        raise ValueError(f"final_lr must lie in [0, 1]; got {final_lr!r}")
    T, V = lang.seq_len, lang.vocab_size
    steps = steps_for_tokens(tokens, batch_size, T)
    n_chunks = -(-steps // chunk)
    t0, c0 = time.perf_counter(), time.process_time()
    per_chunk = chunk * batch_size
    stream = lang.stream(seed, block=per_chunk * max(1, 8192 // per_chunk))
    params = init_params(seed, width, depth, V, T)
    opt_state = _optimizer().init(params)
    fn = _compiled_chunk(float(warmup), float(final_lr))
    total, lr_ = jnp.asarray(steps, jnp.int32), jnp.asarray(lr, jnp.float32)
    losses, buf = [], np.empty((0, T), dtype=np.uint8)
    for c in range(n_chunks):
        if buf.shape[0] < per_chunk:
            buf = next(stream)
        data, buf = buf[:per_chunk].reshape(chunk, batch_size, T), buf[per_chunk:]
        params, opt_state, l_c = fn(params, opt_state, data, jnp.asarray(c * chunk, jnp.int32), total, lr_)
        losses.append(l_c)
    losses = np.asarray(jnp.concatenate(losses))[:steps]
    val_tok, _ = lang.sample(n_val, seed=_VAL_SEED)
    val_loss = float(-np.mean(np.asarray(_token_logprobs(params, val_tok)), dtype=np.float64))
    alp = answer_logprob(params, lang)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    if not np.isfinite(val_loss) or not np.all(np.isfinite(alp)):
        raise ValueError(f"training diverged (non-finite loss) for width={width}, depth={depth}, lr={lr}; "
                         f"allowed: a smaller lr")
    seg = np.array_split(np.arange(steps), min(64, steps))
    tok_per_step = batch_size * T
    curve_tokens = np.array([(s[-1] + 1) * tok_per_step for s in seg], dtype=float)
    curve_loss = np.array([losses[s].mean(dtype=np.float64) for s in seg])
    config = dict(width=width, depth=depth, tokens=float(tokens), seed=seed, batch_size=batch_size, lr=lr,
                  warmup=float(warmup), final_lr=float(final_lr), n_val=n_val, chunk=chunk,
                  language=_lang_config(lang))
    return TrainResult(width=width, depth=depth, N=param_count(width, depth, V, T), D=steps * tok_per_step,
                       steps=steps, val_loss=val_loss, answer_logprob=alp, curve_tokens=curve_tokens,
                       curve_loss=curve_loss, seconds=seconds, cpu_seconds=cpu_seconds,
                       params=jax.tree_util.tree_map(np.asarray, params), config=config)


def _check_model(params, language) -> None:
    if not isinstance(params, dict) or "tok" not in params or "blocks" not in params:
        raise ValueError("params must be a model's parameter dict (TrainResult.params or model.init_params)")
    if not isinstance(language, SyntheticLanguage):
        raise ValueError(f"language must be a SyntheticLanguage; got {type(language).__name__}")
    if params["tok"].shape[0] != language.vocab_size or params["pos"].shape[0] < language.seq_len:
        raise ValueError("params and language must agree on the vocabulary and the sequence length")


def answer_logprob(params: dict, language: SyntheticLanguage) -> np.ndarray:
    r"""Exact :math:`\log p_i` of every question's gold answer under the model, from one teacher-forced pass."""
    _check_model(params, language)
    q = language.questions()
    lp = np.asarray(_token_logprobs(params, q.tokens), dtype=np.float64)  # lp[:, t-1] is log q(x_t | x_<t)
    t = np.arange(1, language.seq_len)[None, :]
    mask = (t >= q.answer_start[:, None]) & (t < (q.answer_start + q.answer_len)[:, None])
    return np.sum(np.where(mask, lp, 0.0), axis=1)


def sample_answers(params: dict, language: SyntheticLanguage, index, n_samples: int, seed: int = 0) -> np.ndarray:
    """Fraction of ``n_samples`` temperature-1 samples that reproduce the gold answer, per question in ``index``.

    The answer tokens are drawn one at a time from the model given the prompt and the tokens drawn so far: the
    sampling that :func:`answer_logprob` computes exactly (checked against it in the tests).
    """
    n_samples = _check_int("n_samples", n_samples, 1)
    _check_model(params, language)
    q = language.questions()
    idx = np.atleast_1d(np.asarray(index))
    if idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer) or idx.min() < 0 or idx.max() >= len(q):
        raise ValueError(f"index must hold question indices in [0, {len(q)}); got {index!r}")
    key = jax.random.PRNGKey(_check_int("seed", seed, 0))
    out = []
    for i in idx:  # a handful of questions, each with n_samples draws in one batch
        seq = np.repeat(q.tokens[i][None], n_samples, axis=0).astype(np.int32)
        s0, ln = int(q.answer_start[i]), int(q.answer_len[i])
        for t in range(s0, s0 + ln):  # autoregressive: one answer token per step
            key, sub = jax.random.split(key)
            logits = _last_logits(params, jnp.asarray(seq[:, :t]))
            seq[:, t] = np.asarray(jax.random.categorical(sub, logits))
        out.append(np.mean(np.all(seq[:, s0:s0 + ln] == q.tokens[i, s0:s0 + ln], axis=1)))
    return np.array(out)
