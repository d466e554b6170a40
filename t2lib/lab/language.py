r"""A synthetic language whose exact per-token log-probabilities are known (numpy only, no JAX).

Every sequence has ``seq_len`` tokens: ``BOS``, one *statement*, then *filler*. The statement is one of three
kinds, drawn with probabilities ``mix``:

- **fact** ``BOS FACT e1 e2 r v1 v2 v3``: an entity (two letters; ``n_entities`` of them, drawn with Zipf
  popularity :math:`P(\text{rank } j) \propto j^{-s}`), a relation (uniform over ``n_relations``), and its value,
  three digits fixed by the seed. Popular entities are seen often and learnt first; rare ones late or never.
- **add** ``BOS ADD a1 a2 b1 b2 = c1 c2 c3``: two uniform two-digit numbers and their three-digit sum.
- **copy** ``BOS COPY x1 .. xm SEP x1 .. xm``: ``m`` uniform on ``{2, .., max_copy}`` uniform letters, repeated.

The filler that pads the sequence to ``seq_len`` is a Markov chain on ``n_filler`` symbols, started afresh after
the statement from its uniform distribution, with Dirichlet-drawn transition rows. The log-probability
:math:`\log p(x_t \mid x_{<t})` of every token is known in closed form, so the entropy rate per predicted token
(positions :math:`1, \dots, T-1`; the ``BOS`` at position 0 is not predicted),

.. math::

    H = \frac{1}{T-1}\,\mathbb E\Big[-\sum_{t=1}^{T-1}\log p(x_t\mid x_{<t})\Big]
      = \frac{1}{T-1}\Big(H_{\text{kind}} + \sum_{\text{kind}} \pi_{\text{kind}}\,
        \big(H_{\text{statement}\mid\text{kind}} + \mathbb E\,h_{\text{filler}}(T - \ell)\big)\Big),

is exact: it is the irreducible loss :math:`E` of a model that sees the whole sequence. The *questions* are the
statement prefixes (up to the answer) with the answer as gold: every (entity, relation) pair, a fixed sample of
additions and a fixed sample of copies, each with several answer tokens so that guessing is rare.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import _validate as v

__all__ = ["SyntheticLanguage", "Questions", "TOKENS"]

_SPECIAL = ("BOS", "FACT", "ADD", "COPY", "=", "SEP")
_LETTERS = tuple("abcdefgh")
_DIGITS = tuple("0123456789")
TOKENS: tuple[str, ...] = (_SPECIAL + _LETTERS + _DIGITS + tuple(f"r{i}" for i in range(8))
                           + tuple(f"~{i}" for i in range(16)))
"""The vocabulary (48 names; filler symbols ``~0``..``~15`` and relations ``r0``..``r7`` at most)."""

_IDX = {t: i for i, t in enumerate(TOKENS)}
BOS, FACT, ADD, COPY, EQ, SEP = (_IDX[t] for t in _SPECIAL)
LETTER0, DIGIT0, REL0, FILL0 = _IDX["a"], _IDX["0"], _IDX["r0"], _IDX["~0"]
KINDS = ("fact", "add", "copy")


def _int_in(name: str, x, lo: int, hi: int) -> int:
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or not lo <= x <= hi:
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}]; got {x!r}")
    return int(x)


@dataclass(frozen=True)
class Questions:
    """Questions with gold answers: ``prompt`` (n, seq_len) token arrays padded with filler after the answer.

    Attributes
    ----------
    tokens : ndarray of int, shape (n, seq_len)
        Prompt followed by the gold answer (then filler ``~0`` to the sequence length).
    answer_start, answer_len : ndarray of int, shape (n,)
        Position of the first answer token and the number of answer tokens.
    kind : ndarray of str, shape (n,)
        ``"fact"``, ``"add"`` or ``"copy"``.
    difficulty : ndarray of float, shape (n,)
        A graded difficulty within the kind: the entity's popularity rank for facts, the number of carries for
        additions, the copy length for copies.
    """

    tokens: np.ndarray
    answer_start: np.ndarray
    answer_len: np.ndarray
    kind: np.ndarray
    difficulty: np.ndarray

    def __len__(self) -> int:
        return int(self.tokens.shape[0])


@dataclass(frozen=True)
class SyntheticLanguage:
    r"""The seeded synthetic language (see the module docstring).

    Parameters
    ----------
    seed : int
        Seed of the language itself (entity names, fact values, filler transitions, question samples).
    n_entities : int
        Entities in the fact kind, 1 to 64 (two letters each).
    n_relations : int
        Relations per entity, 1 to 8.
    zipf : float
        Zipf exponent :math:`s \ge 0` of the entity popularity (0 = uniform).
    mix : tuple of 3 floats
        Probabilities of the kinds (fact, add, copy), non-negative, summing to 1.
    max_copy : int
        Longest copy, 2 to 5.
    n_filler : int
        Filler symbols, 1 to 16.
    filler_concentration : float
        Dirichlet concentration of the filler transition rows (small = nearly deterministic chain), > 0.
    seq_len : int
        Tokens per sequence, 16 to 64 (room for the longest statement).
    n_add_questions, n_copy_questions : int
        Addition and copy questions in :meth:`questions` (every fact pair is a question).
    """

    seed: int = 0
    n_entities: int = 48
    n_relations: int = 4
    zipf: float = 1.0
    mix: tuple = (0.5, 0.25, 0.25)
    max_copy: int = 5
    n_filler: int = 16
    filler_concentration: float = 0.3
    seq_len: int = 16
    n_add_questions: int = 64
    n_copy_questions: int = 64
    _tables: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _int_in("seed", self.seed, 0, 2**32 - 1)
        _int_in("n_entities", self.n_entities, 1, len(_LETTERS) ** 2)
        _int_in("n_relations", self.n_relations, 1, 8)
        _int_in("max_copy", self.max_copy, 2, 5)
        _int_in("n_filler", self.n_filler, 1, 16)
        _int_in("seq_len", self.seq_len, 16, 64)
        _int_in("n_add_questions", self.n_add_questions, 1, 10_000)
        _int_in("n_copy_questions", self.n_copy_questions, 1, 10_000)
        v.nonnegative("zipf", self.zipf)
        v.positive("filler_concentration", self.filler_concentration)
        mix = v.nonnegative("mix", self.mix)
        if mix.shape != (3,) or abs(mix.sum() - 1.0) > 1e-9:
            raise ValueError(f"mix must be 3 non-negative probabilities (fact, add, copy) summing to 1; got {self.mix!r}")
        object.__setattr__(self, "mix", tuple(float(m) for m in mix))
        rng = np.random.default_rng([self.seed, 0x1A6])
        names = rng.permutation(len(_LETTERS) ** 2)[: self.n_entities]  # entity by popularity rank -> letter pair
        pop = np.arange(1, self.n_entities + 1, dtype=float) ** -float(self.zipf)
        pop /= pop.sum()
        values = rng.integers(0, 1000, size=(self.n_entities, self.n_relations))
        trans = rng.dirichlet(np.full(self.n_filler, float(self.filler_concentration)), size=self.n_filler)
        first, second = names // len(_LETTERS), names % len(_LETTERS)
        p_first = np.bincount(first, weights=pop, minlength=len(_LETTERS))
        object.__setattr__(self, "_tables", dict(first=first, second=second, pop=pop, values=values, trans=trans,
                                                 p_first=p_first, rng_q=int(rng.integers(2**32))))

    # ------------------------------------------------------------------ structure
    @property
    def vocab_size(self) -> int:
        """Number of token ids (the model's vocabulary), ``len(TOKENS)``."""
        return len(TOKENS)

    def _filler_entropies(self) -> np.ndarray:
        r"""Cumulative filler entropy :math:`h(n)` of the first ``n`` filler tokens, ``n = 0..seq_len``."""
        P = self._tables["trans"]
        row_h = -np.sum(np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0), axis=1)
        pis = [np.full(self.n_filler, 1.0 / self.n_filler)]
        for _ in range(self.seq_len - 1):  # distribution of the t-th filler symbol (seq_len steps at most)
            pis.append(pis[-1] @ P)
        step = np.concatenate([[np.log(self.n_filler)], np.stack(pis[:-1]) @ row_h])
        return np.concatenate([[0.0], np.cumsum(step)])

    def entropy(self) -> float:
        r"""Exact entropy per predicted token (nats), the irreducible loss :math:`E` of the Chinchilla law.

        The expectation over positions :math:`1..T-1` of :math:`-\log p(x_t \mid x_{<t})` (module docstring).
        """
        t, T = self._tables, self.seq_len
        mix = np.asarray(self.mix)
        h_fill = self._filler_entropies()
        h_kind = -np.sum(np.where(mix > 0, mix * np.log(np.where(mix > 0, mix, 1.0)), 0.0))
        pop = t["pop"]
        h_fact = -np.sum(pop * np.log(pop)) + np.log(self.n_relations) + h_fill[T - 8]
        h_add = 4 * np.log(10.0) + h_fill[T - 10]
        ms = np.arange(2, self.max_copy + 1)
        h_copy = (np.log(len(ms)) + ms.mean() * np.log(len(_LETTERS)) + np.mean(h_fill[T - (2 * ms + 3)]))
        total = h_kind + mix @ np.array([h_fact, h_add, h_copy])
        return float(total / (T - 1))

    # ------------------------------------------------------------------ sampling
    def sample(self, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        r"""Draw ``n`` sequences and the exact :math:`\log p(x_t \mid x_{<t})` of every token.

        Parameters
        ----------
        n : int
            Number of sequences, >= 1.
        seed : int
            Seed of this draw (independent of the language's own ``seed``).

        Returns
        -------
        tokens : ndarray of uint8, shape (n, seq_len)
        logp : ndarray of float, shape (n, seq_len)
            Log-probability of each token given its prefix (0 for the ``BOS``).
        """
        n = _int_in("n", n, 1, 10**9)
        seed = _int_in("seed", seed, 0, 2**63 - 1)
        return self._draw(n, np.random.default_rng([self.seed, seed, 0x5A3]))

    def stream(self, seed: int = 0, block: int = 8192):
        """An endless training stream: blocks of ``block`` token sequences (uint8), block ``b`` seeded by
        ``(language seed, seed, b)``, so that a run of any length reads the same prefix of the stream."""
        seed = _int_in("seed", seed, 0, 2**63 - 1)
        block = _int_in("block", block, 1, 10**7)
        b = 0
        while True:
            yield self._draw(block, np.random.default_rng([self.seed, seed, b, 0x57E]))[0]
            b += 1

    def _draw(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        t, T, L = self._tables, self.seq_len, len(_LETTERS)
        tok = np.zeros((n, T), dtype=np.int64)
        lp = np.zeros((n, T))
        rows = np.arange(n)
        mix = np.asarray(self.mix)
        kind = rng.choice(3, size=n, p=mix)
        tok[:, 1] = np.array([FACT, ADD, COPY])[kind]
        lp[:, 1] = np.log(mix[kind])
        end = np.empty(n, dtype=np.int64)
        # facts
        f = kind == 0
        nf = int(f.sum())
        ent = rng.choice(self.n_entities, size=nf, p=t["pop"])
        rel = rng.integers(0, self.n_relations, size=nf)
        val = t["values"][ent, rel]
        e1, e2 = t["first"][ent], t["second"][ent]
        tok[f, 2:8] = np.stack([LETTER0 + e1, LETTER0 + e2, REL0 + rel, DIGIT0 + val // 100, DIGIT0 + val // 10 % 10,
                                DIGIT0 + val % 10], axis=1)
        lp[f, 2] = np.log(t["p_first"][e1])
        lp[f, 3] = np.log(t["pop"][ent] / t["p_first"][e1])
        lp[f, 4] = -np.log(self.n_relations)
        end[f] = 8
        # additions
        a_ = kind == 1
        na = int(a_.sum())
        ab = rng.integers(0, 100, size=(na, 2))
        c = ab.sum(axis=1)
        tok[a_, 2:10] = np.stack([DIGIT0 + ab[:, 0] // 10, DIGIT0 + ab[:, 0] % 10, DIGIT0 + ab[:, 1] // 10,
                                  DIGIT0 + ab[:, 1] % 10, np.full(na, EQ), DIGIT0 + c // 100, DIGIT0 + c // 10 % 10,
                                  DIGIT0 + c % 10], axis=1)
        lp[a_, 2:6] = -np.log(10.0)
        end[a_] = 10
        # copies: m uniform on {2..max_copy}; after j letters the SEP comes with prob P(m = j | m >= j)
        cp = np.flatnonzero(kind == 2)
        m = rng.integers(2, self.max_copy + 1, size=cp.size)
        let = rng.integers(0, L, size=(cp.size, self.max_copy))
        j = np.arange(1, self.max_copy + 1)
        p_sep = np.where(j >= 2, 1.0 / np.maximum(self.max_copy - j + 1, 1), 0.0)  # P(m = j | m >= j)
        for jj in range(self.max_copy):  # positions 2..max_copy+1: letters while jj < m (<= 5 iterations)
            is_let = jj < m
            r = cp[is_let]
            tok[r, 2 + jj] = LETTER0 + let[is_let, jj]
            lp[r, 2 + jj] = np.log((1.0 - (p_sep[jj - 1] if jj >= 1 else 0.0)) / L)
        tok[cp, 2 + m] = SEP
        lp[cp, 2 + m] = np.log(p_sep[m - 1])
        cols = np.arange(self.max_copy)[None, :]
        pos = 3 + m[:, None] + cols
        keep = cols < m[:, None]
        tok[np.repeat(cp, self.max_copy)[keep.ravel()], pos[keep]] = (LETTER0 + let)[keep]
        end[cp] = 3 + 2 * m
        # filler: a fresh Markov chain from the uniform start after the statement
        fill = self._markov(rng, n, T)
        P = t["trans"]
        idx = np.arange(T)[None, :] - end[:, None]  # index within the filler
        in_fill = idx >= 0
        fsym = np.take_along_axis(fill, np.clip(idx, 0, T - 1), axis=1)
        prev = np.take_along_axis(fill, np.clip(idx - 1, 0, T - 1), axis=1)
        flp = np.where(idx == 0, -np.log(self.n_filler), np.log(P[prev, fsym]))
        tok = np.where(in_fill, FILL0 + fsym, tok)
        lp = np.where(in_fill, flp, lp)
        tok[rows, 0] = BOS
        lp[:, 0] = 0.0
        return tok.astype(np.uint8), lp

    def _markov(self, rng: np.random.Generator, n: int, T: int) -> np.ndarray:
        """``n`` filler chains of length ``T`` (uniform start), vectorised over chains."""
        cum = np.cumsum(self._tables["trans"], axis=1)
        cum[:, -1] = 1.0
        u = rng.random((n, T))
        out = np.empty((n, T), dtype=np.int64)
        out[:, 0] = np.minimum((u[:, 0] * self.n_filler).astype(np.int64), self.n_filler - 1)
        for s in range(1, T):  # a Markov chain is sequential in time (T <= 64 steps, vectorised over chains)
            out[:, s] = np.minimum((cum[out[:, s - 1]] < u[:, s, None]).sum(axis=1), self.n_filler - 1)
        return out

    # ------------------------------------------------------------------ questions
    def questions(self) -> Questions:
        """The evaluation questions with gold answers (every fact pair, then additions, then copies).

        Facts are graded by popularity rank (rank 1 = most frequent entity), additions by the number of carries,
        copies by their length. Fixed by the language's ``seed``.
        """
        t, T = self._tables, self.seq_len
        rng = np.random.default_rng([self.seed, t["rng_q"]])
        ent, rel = np.meshgrid(np.arange(self.n_entities), np.arange(self.n_relations), indexing="ij")
        ent, rel = ent.ravel(), rel.ravel()
        val = t["values"][ent, rel]
        nf = ent.size
        fact = np.full((nf, T), FILL0, dtype=np.int64)
        fact[:, :8] = np.stack([np.full(nf, BOS), np.full(nf, FACT), LETTER0 + t["first"][ent],
                                LETTER0 + t["second"][ent], REL0 + rel, DIGIT0 + val // 100,
                                DIGIT0 + val // 10 % 10, DIGIT0 + val % 10], axis=1)
        na = self.n_add_questions
        ab = rng.integers(0, 100, size=(na, 2))
        c = ab.sum(axis=1)
        add = np.full((na, T), FILL0, dtype=np.int64)
        add[:, :10] = np.stack([np.full(na, BOS), np.full(na, ADD), DIGIT0 + ab[:, 0] // 10, DIGIT0 + ab[:, 0] % 10,
                                DIGIT0 + ab[:, 1] // 10, DIGIT0 + ab[:, 1] % 10, np.full(na, EQ),
                                DIGIT0 + c // 100, DIGIT0 + c // 10 % 10, DIGIT0 + c % 10], axis=1)
        carries = ((ab[:, 0] % 10 + ab[:, 1] % 10) >= 10).astype(float) + (c >= 100)
        nc = self.n_copy_questions
        m = rng.integers(2, self.max_copy + 1, size=nc)
        let = rng.integers(0, len(_LETTERS), size=(nc, self.max_copy))
        cols = np.arange(T)[None, :]
        mm = m[:, None]
        src = np.take_along_axis(let, np.clip(np.where(cols < 2 + mm, cols - 2, cols - 3 - mm), 0,
                                              self.max_copy - 1), axis=1)
        copy = np.where((cols >= 2) & (cols < 2 + mm), LETTER0 + src, FILL0)
        copy = np.where(cols == 2 + mm, SEP, copy)
        copy = np.where((cols >= 3 + mm) & (cols < 3 + 2 * mm), LETTER0 + src, copy)
        copy[:, 0], copy[:, 1] = BOS, COPY
        tokens = np.concatenate([fact, add, copy]).astype(np.uint8)
        start = np.concatenate([np.full(nf, 5), np.full(na, 7), 3 + m])
        length = np.concatenate([np.full(nf, 3), np.full(na, 3), m])
        kind = np.array(["fact"] * nf + ["add"] * na + ["copy"] * nc)
        difficulty = np.concatenate([ent + 1.0, carries, m.astype(float)])
        return Questions(tokens=tokens, answer_start=start, answer_len=length, kind=kind, difficulty=difficulty)

    def describe(self, tokens: np.ndarray) -> list[str]:
        """Token ids of each row of ``tokens`` as readable strings (for the chapter's examples)."""
        arr = np.atleast_2d(np.asarray(tokens))
        return [" ".join(TOKENS[int(i)] for i in row) for row in arr]
