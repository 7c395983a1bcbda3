"""Conformance-testing equivalence oracles: W-method, Wp-method, random W-method.

A conformance test suite checks a black-box system against a hypothesis with ``n``
states. With a *characterisation set* ``W`` (words that tell every two hypothesis
states apart) and the transition cover ``P`` (the access word of every state and its
one-symbol extensions), the W-method suite ``P · Σ^{≤d} · W`` finds a difference
whenever the system is not equivalent to the hypothesis and has at most ``n + d``
states (Chow 1978, *Testing software design modeled by finite-state machines*; Vasilevskii
1973). The Wp-method (Fujiwara et al. 1991, *Test selection based on finite state
models*) keeps that guarantee with a smaller suite: ``Q · Σ^{≤d} · W`` for the state
cover ``Q``, then ``(P \\ Q) · Σ^{≤d}`` followed only by the identification set ``W_q``
of the state ``q`` reached. Every test compares the outputs after every prefix (one
run of the system per test word).
"""

from __future__ import annotations

from collections import deque
from itertools import product
from typing import Any

import numpy as np

from provable._validation import check_int
from provable.automata._models import DFA, MealyMachine, MooreMachine
from provable.automata._oracles import MembershipOracle, _check_kind, _pack, _TestingOracle

__all__ = ["WMethodOracle", "WpMethodOracle", "RandomWMethodOracle", "separating_words",
           "characterization_set"]

Word = tuple[int, ...]


def _access_words(m: Any) -> list[Word | None]:
    """Shortlex-least access word of every state (None: unreachable)."""
    acc: list[Word | None] = [None] * m.n_states
    acc[m.start] = ()
    queue = deque([m.start])
    d = m.delta
    while queue:
        p = queue.popleft()
        for a in range(m.n_symbols):
            q = int(d[p, a])
            if acc[q] is None:
                acc[q] = acc[p] + (a,)
                queue.append(q)
    return acc


def _separation_tables(m: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shortest separating words of all state pairs as a pointer structure:
    ``letter[p, q]`` (-1: equivalent, -2: the empty word), successors ``nxt_p``, ``nxt_q``,
    and ``term`` (the pair differs on this letter's output / on its own label)."""
    n, k = m.delta.shape
    if isinstance(m, MealyMachine):
        table: dict = {}
        E = np.array([[table.setdefault(o, len(table)) for o in row] for row in m.outputs],
                     dtype=np.int64)
        neq = E[:, None, :] != E[None, :, :]
        term = neq.any(axis=2)
        letter = np.where(term, np.argmax(neq, axis=2), -1)
    else:
        if isinstance(m, DFA):
            lab = m.accepting.astype(np.int64)
        else:
            table = {}
            lab = np.array([table.setdefault(o, len(table)) for o in m.outputs], dtype=np.int64)
        term = lab[:, None] != lab[None, :]
        letter = np.where(term, -2, -1)
    known = term.copy()
    nxt_p = np.zeros((n, n), dtype=np.int64)
    nxt_q = np.zeros((n, n), dtype=np.int64)
    while True:
        new = np.zeros((n, n), dtype=bool)
        for a in range(k):
            da = m.delta[:, a]
            cand = known[da[:, None], da[None, :]] & ~known & ~new
            if cand.any():
                letter[cand] = a
                pp, qq = np.nonzero(cand)
                nxt_p[pp, qq] = da[pp]
                nxt_q[pp, qq] = da[qq]
                new |= cand
        if not new.any():
            break
        known |= new
    return letter, nxt_p, nxt_q, term


def _word(tables: tuple, p: int, q: int) -> Word | None:
    letter, nxt_p, nxt_q, term = tables
    if letter[p, q] == -1:
        return None
    w: list[int] = []
    while True:
        a = int(letter[p, q])
        if term[p, q]:
            if a >= 0:
                w.append(a)
            return tuple(w)
        w.append(a)
        p, q = int(nxt_p[p, q]), int(nxt_q[p, q])


def separating_words(m: DFA | MooreMachine | MealyMachine) -> dict[tuple[int, int], Any]:
    """A shortest separating word for every pair of distinguishable states ``p < q``.

    Breadth-first over word length on the pair graph, O(k n^2) per length. For a Mealy
    machine a word separates when the outputs along it differ; for a DFA / Moore machine
    when the label after it differs.

    Examples
    --------
    >>> from provable import automata as am
    >>> d = am.DFA([[1], [2], [0]], [True, False, False], alphabet="a")
    >>> am.separating_words(d)
    {(0, 1): '', (0, 2): '', (1, 2): 'a'}
    """
    t = _separation_tables(m)
    out: dict[tuple[int, int], Any] = {}
    for p in range(m.n_states):
        for q in range(p + 1, m.n_states):
            w = _word(t, p, q)
            if w is not None:
                out[(p, q)] = m.alphabet.decode(w)
    return out


def _char_set(m: Any, tables: tuple | None = None) -> list[Word]:
    t = _separation_tables(m) if tables is None else tables
    seen: dict[Word, None] = {}
    for p in range(m.n_states):
        for q in range(p + 1, m.n_states):
            w = _word(t, p, q)
            if w is not None:
                seen.setdefault(w, None)
    ws = sorted(seen, key=lambda w: (len(w), w))
    return ws if ws else [()]


def characterization_set(m: DFA | MooreMachine | MealyMachine) -> list:
    """A characterisation set ``W``: the distinct shortest separating words of all state
    pairs (shortest first), so two distinguishable states differ on some ``w`` in ``W``.
    ``[""]`` (the empty word) when no two states differ.

    Examples
    --------
    >>> from provable import automata as am
    >>> am.characterization_set(am.from_regex("(a|b)*abb", "ab"))
    ['', 'b', 'bb']
    """
    return [m.alphabet.decode(w) for w in _char_set(m)]


class _SuiteOracle(_TestingOracle):
    """Runs a generated test suite in batches; stops at the first batch with a failure."""

    def _suite(self, hyp: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _find(self, hypothesis: Any, membership: MembershipOracle) -> Any:
        _check_kind(hypothesis, membership)
        buf: list[Word] = []
        for w in self._suite(hypothesis):
            buf.append(w)
            if len(buf) >= self.batch:
                cex = self._first_failure(hypothesis, membership, *_pack(buf))
                if cex is not None:
                    return cex
                buf = []
        if buf:
            return self._first_failure(hypothesis, membership, *_pack(buf))
        return None


def _middles(k: int, depth: int) -> list[Word]:
    return [m for d in range(depth + 1) for m in product(range(k), repeat=d)]


class WMethodOracle(_SuiteOracle):
    """W-method conformance testing (Chow 1978; Vasilevskii 1973).

    Tests ``P · Σ^{≤d} · W`` (``P`` the transition cover, ``W`` a characterisation set
    of the hypothesis, ``d = extra_states``), shortest middle part first. If the system
    has at most ``n + extra_states`` states (``n`` those of the hypothesis) and is not
    equivalent to it, some test fails: the oracle is then exact. Per equivalence query
    it runs at most ``n(k+1) · (k^{d+1}-1)/(k-1) · |W|`` tests (``|W| ≤ n(n-1)/2``).

    Parameters
    ----------
    extra_states : int, default 1
        ``d``: how many more states than the hypothesis the system may have.
    batch : int, default 4096
        Tests run per batch (the search stops after the first batch with a failure).

    Examples
    --------
    >>> from provable import automata as am
    >>> target = am.random_dfa(12, 2, seed=1)
    >>> res = am.lstar(am.Teacher.from_model(target, "w", extra_states=1))
    >>> am.equivalent(res.model, target)[0], res.eq_tests > 0
    (True, True)
    """

    def __init__(self, extra_states: int = 1, *, seed: Any = None, batch: int = 4096):
        super().__init__(seed, batch)
        self.extra_states = check_int("extra_states", extra_states, min_value=0)

    def _suite(self, hyp: Any) -> Any:
        acc = [a for a in _access_words(hyp) if a is not None]
        cover = list(dict.fromkeys(acc + [u + (a,) for u in acc for a in range(hyp.n_symbols)]))
        W = _char_set(hyp)
        for mid in _middles(hyp.n_symbols, self.extra_states):
            for p in cover:
                pm = p + mid
                for w in W:
                    yield pm + w


class WpMethodOracle(_SuiteOracle):
    """Wp-method conformance testing (Fujiwara, Bochmann, Khendek, Amalou, Ghedamsi 1991).

    Phase 1 tests ``Q · Σ^{≤d} · W`` (``Q`` the state cover); phase 2 tests every
    ``u = r · m`` with ``r`` in the transition cover but not in ``Q`` and ``m`` in
    ``Σ^{≤d}``, followed by the identification set ``W_q`` of the hypothesis state ``q``
    that ``u`` reaches (the separating words of ``q`` from every other state). The same
    guarantee as :class:`WMethodOracle` (exact for systems with at most ``n + d`` states)
    with fewer tests.

    Parameters
    ----------
    extra_states : int, default 1
    batch : int, default 4096

    Examples
    --------
    >>> from provable import automata as am
    >>> target = am.random_dfa(12, 2, seed=1)
    >>> res = am.lstar(am.Teacher.from_model(target, "wp", extra_states=1))
    >>> am.equivalent(res.model, target)[0]
    True
    """

    def __init__(self, extra_states: int = 1, *, seed: Any = None, batch: int = 4096):
        super().__init__(seed, batch)
        self.extra_states = check_int("extra_states", extra_states, min_value=0)

    def _suite(self, hyp: Any) -> Any:
        k = hyp.n_symbols
        tables = _separation_tables(hyp)
        acc = [a for a in _access_words(hyp) if a is not None]
        acc_set = set(acc)
        W = _char_set(hyp, tables)
        n = hyp.n_states
        ident: dict[int, list[Word]] = {}
        for q in range(n):
            ws = {w for p in range(n) if p != q for w in [_word(tables, q, p)] if w is not None}
            ident[q] = sorted(ws, key=lambda w: (len(w), w)) or [()]
        mids = _middles(k, self.extra_states)
        for mid in mids:
            for p in acc:
                pm = p + mid
                for w in W:
                    yield pm + w
        rest = [u + (a,) for u in acc for a in range(k) if u + (a,) not in acc_set]
        d = hyp.delta
        for mid in mids:
            for r in rest:
                u = r + mid
                q = hyp.start
                for c in u:
                    q = int(d[q, c])
                for w in ident[q]:
                    yield u + w


class RandomWMethodOracle(_TestingOracle):
    """Random W-method (as AALpy's ``RandomWMethodEqOracle``): per equivalence query,
    ``walks_per_state · n`` tests, each the access word of a uniformly chosen hypothesis
    state, a uniform random word of length uniform in ``[0, walk_len]``, and a uniformly
    chosen element of a characterisation set ``W``.

    Examples
    --------
    >>> from provable import automata as am
    >>> target = am.random_dfa(12, 2, seed=1)
    >>> t = am.Teacher.from_model(target, "random_w", walks_per_state=50, seed=0)
    >>> am.equivalent(am.lstar(t).model, target)[0]
    True
    """

    def __init__(self, walks_per_state: int = 20, walk_len: int = 10, *, seed: Any = None,
                 batch: int = 4096):
        super().__init__(seed, batch)
        self.walks_per_state = check_int("walks_per_state", walks_per_state, min_value=1)
        self.walk_len = check_int("walk_len", walk_len, min_value=0)

    def _find(self, hypothesis: Any, membership: MembershipOracle) -> Any:
        _check_kind(hypothesis, membership)
        acc = [a for a in _access_words(hypothesis) if a is not None]
        W = _char_set(hypothesis)
        k = hypothesis.n_symbols
        left = self.walks_per_state * len(acc)
        while left > 0:
            m = min(left, self.batch)
            left -= m
            st = self.rng.integers(0, len(acc), size=m)
            ln = self.rng.integers(0, self.walk_len + 1, size=m)
            wi = self.rng.integers(0, len(W), size=m)
            mids = self.rng.integers(0, k, size=(m, max(self.walk_len, 1)))
            words = [acc[st[i]] + tuple(mids[i, : ln[i]].tolist()) + W[wi[i]] for i in range(m)]
            cex = self._first_failure(hypothesis, membership, *_pack(words))
            if cex is not None:
                return cex
        return None
