"""Passive learning: RPNI (red-blue state merging) and characteristic samples."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np

from provable.automata._alphabet import Alphabet
from provable.automata._models import DFA
from provable.automata._result import LearnResult
from provable.errors import InvalidArgument, InvalidType

__all__ = ["rpni", "characteristic_sample"]


def _as_words(name: str, words: Any) -> list:
    if isinstance(words, (str, bytes)) or not isinstance(words, Iterable):
        raise InvalidType(f"{name} has type {type(words).__name__}, expected an iterable of "
                          "words")
    return list(words)


def rpni(positive: Iterable[Any], negative: Iterable[Any],
         alphabet: Iterable[Hashable] | None = None) -> LearnResult:
    """RPNI (Oncina & García 1992): merge states of the prefix-tree acceptor in red-blue order.

    The blue state with the shortlex-least access word is merged with the first red state
    (shortlex order) for which the merge-and-fold keeps every positive word accepted and
    every negative word rejected; if none works it is promoted to red. Transitions that
    the sample never uses go to a rejecting sink, and the result is minimised. The
    output is always consistent with the sample; given a characteristic sample of a
    minimal DFA (see :func:`characteristic_sample`) it is that DFA up to isomorphism
    (Oncina & García, *Identifying regular languages in polynomial time*, 1992).

    Parameters
    ----------
    positive, negative : iterables of words
        Words over the alphabet (strings for character alphabets). A word in both is an
        error.
    alphabet : iterable of hashable, optional
        Default: the symbols that occur in the sample, sorted.

    Returns
    -------
    LearnResult
        Query counts are zero; ``rounds`` is the number of merge attempts.

    Examples
    --------
    >>> from provable import automata as am
    >>> res = am.rpni(["", "aa", "aaaa", "b", "aab"], ["a", "aaa", "ab"], alphabet="ab")
    >>> res.model.accepts("aaaaaa"), res.model.accepts("aaaaa")
    (True, False)
    """
    t0 = time.perf_counter()
    pos = _as_words("positive", positive)
    neg = _as_words("negative", negative)
    if alphabet is None:
        syms: set = set()
        for w in pos + neg:
            syms.update(w)
        try:
            alph = Alphabet(sorted(syms), name="alphabet (from the sample)")
        except TypeError:
            alph = Alphabet(list(syms), name="alphabet (from the sample)")
    else:
        alph = Alphabet(alphabet)
    k = len(alph)
    enc_pos = [alph.encode(w, name=f"positive[{i}]") for i, w in enumerate(pos)]
    enc_neg = [alph.encode(w, name=f"negative[{i}]") for i, w in enumerate(neg)]
    both = set(enc_pos) & set(enc_neg)
    if both:
        w = min(both, key=lambda x: (len(x), x))
        raise InvalidArgument(f"word {alph.decode(w)!r} is in both positive and negative, "
                              "expected a consistent sample")
    # prefix-tree acceptor, nodes numbered in shortlex order of their access words
    prefixes = {()}
    for w in enc_pos + enc_neg:
        for j in range(1, len(w) + 1):
            prefixes.add(w[:j])
    order = sorted(prefixes, key=lambda x: (len(x), x))
    node = {u: i for i, u in enumerate(order)}
    N = len(order)
    child = np.full((N, k), -1, dtype=np.int64)
    for u, i in node.items():
        if u:
            child[node[u[:-1]], u[-1]] = i
    label = np.full(N, -1, dtype=np.int64)
    for w in enc_pos:
        label[node[w]] = 1
    for w in enc_neg:
        label[node[w]] = 0
    # blocks of PTA nodes in a union-find; each root keeps a label and a child map.
    # A merge is tried on copy-on-write overlays and committed only when consistent.
    uf = list(range(N))
    lab = label.tolist()
    kids: list[dict[int, int]] = [{a: int(c) for a, c in enumerate(row) if c >= 0}
                                  for row in child.tolist()]
    red_set = {0}

    def try_merge(r: int, b: int) -> bool:
        uf_o: dict[int, int] = {}
        lab_o: dict[int, int] = {}
        kids_o: dict[int, dict[int, int]] = {}

        def find(x: int) -> int:
            while True:
                p = uf_o.get(x, uf[x])
                if p == x:
                    return x
                x = p

        stack = [(r, b)]
        while stack:
            x, y = stack.pop()
            x, y = find(x), find(y)
            if x == y:
                continue
            if y in red_set and x not in red_set:
                x, y = y, x
            lx, ly = lab_o.get(x, lab[x]), lab_o.get(y, lab[y])
            if lx >= 0 and ly >= 0 and lx != ly:
                return False
            uf_o[y] = x
            if lx < 0 and ly >= 0:
                lab_o[x] = ly
            kx = dict(kids_o.get(x, kids[x]))
            for c, t in kids_o.get(y, kids[y]).items():
                if c in kx:
                    stack.append((kx[c], t))
                else:
                    kx[c] = t
            kids_o[x] = kx
        for x, p in uf_o.items():
            uf[x] = p
        for x, v in lab_o.items():
            lab[x] = v
        for x, kd in kids_o.items():
            kids[x] = kd
        return True

    def find(x: int) -> int:
        while uf[x] != x:
            uf[x] = uf[uf[x]]
            x = uf[x]
        return x

    red = [0]
    attempts = 0
    while True:
        blue = sorted({find(t) for r in red for t in kids[r].values()} - red_set)
        if not blue:
            break
        b = blue[0]
        for r in red:
            attempts += 1
            if try_merge(r, b):
                break
        else:
            red.append(b)
            red_set.add(b)
            red.sort()
    idx = {r: i for i, r in enumerate(red)}
    n = len(red)
    delta = np.full((n + 1, k), n, dtype=np.int64)
    for r in red:
        for a, t in kids[r].items():
            delta[idx[r], a] = idx[find(t)]
    acc = np.array([lab[r] == 1 for r in red] + [False])
    from provable.automata._algorithms import minimize
    model = minimize(DFA(delta, acc, 0, alph))
    return LearnResult(model=model, algorithm="rpni", converged=True,
                       message=f"merged the prefix tree ({N} nodes) into {model.n_states} "
                       "states", membership_queries=0, equivalence_queries=0,
                       symbols_queried=0, rounds=attempts, cache_hits=0, eq_tests=0,
                       eq_test_symbols=0, hypothesis_sizes=[model.n_states], steps=0, resets=0,
                       seconds=time.perf_counter() - t0)


def _shortlex_access(dfa: DFA) -> list[tuple[int, ...]]:
    """Shortlex-least access word of every state (None if unreachable)."""
    acc: list[Any] = [None] * dfa.n_states
    acc[dfa.start] = ()
    dq = deque([dfa.start])
    while dq:
        p = dq.popleft()
        for a in range(dfa.n_symbols):
            q = int(dfa.delta[p, a])
            if acc[q] is None:
                acc[q] = acc[p] + (a,)
                dq.append(q)
    return acc


def _shortest_to_accepting(dfa: DFA) -> list[Any]:
    """Shortlex-least word from each state to an accepting state (None if none)."""
    n, k = dfa.n_states, dfa.n_symbols
    out: list[Any] = [() if dfa.accepting[q] else None for q in range(n)]
    # backward BFS by length, then fix shortlex by forward DP over lengths
    changed = True
    while changed:
        changed = False
        for q in range(n):
            best = out[q]
            for a in range(k):
                r = out[int(dfa.delta[q, a])]
                if r is not None:
                    cand = (a,) + r
                    if best is None or (len(cand), cand) < (len(best), best):
                        best = cand
            if best != out[q]:
                out[q] = best
                changed = True
    return out


def characteristic_sample(dfa: DFA) -> tuple[list, list]:
    """A characteristic sample for RPNI of the language of ``dfa``.

    With ``Sp`` the shortlex-least access words of the minimal DFA's states and the
    kernel ``K = {ε} ∪ Sp·A``: for each ``x`` in ``K`` that can still reach acceptance,
    ``x·w`` is positive (``w`` shortest accepting continuation); for each ``u`` in ``Sp``
    and ``x`` in ``K`` reaching different states, ``u·v`` and ``x·v`` are labelled, ``v``
    a shortest separating suffix (de la Higuera, *Grammatical Inference*, 2010, §12.4).

    Returns
    -------
    (positive, negative) : lists of words

    Examples
    --------
    >>> from provable import automata as am
    >>> target = am.random_dfa(8, 2, seed=0)
    >>> pos, neg = am.characteristic_sample(target)
    >>> am.equivalent(am.rpni(pos, neg, alphabet="ab").model, target)
    (True, None)
    """
    if not isinstance(dfa, DFA):
        raise InvalidType(f"dfa has type {type(dfa).__name__}, expected DFA")
    from provable.automata._algorithms import _equivalent_codes, minimize
    m = minimize(dfa)
    n, k = m.n_states, m.n_symbols
    access = _shortlex_access(m)
    kernel = sorted({()} | {u + (a,) for u in access for a in range(k)},
                    key=lambda x: (len(x), x))
    to_acc = _shortest_to_accepting(m)

    def state(w: Sequence[int]) -> int:
        q = m.start
        for c in w:
            q = int(m.delta[q, c])
        return q

    sep: dict[tuple[int, int], tuple[int, ...]] = {}

    def separator(p: int, q: int) -> tuple[int, ...]:
        key = (min(p, q), max(p, q))
        if key not in sep:
            a = DFA(m.delta, m.accepting, p, m.alphabet)
            b = DFA(m.delta, m.accepting, q, m.alphabet)
            _, w = _equivalent_codes(a, b)
            sep[key] = tuple(int(c) for c in w)
        return sep[key]

    pos: set = set()
    neg: set = set()

    def add(w: tuple[int, ...]) -> None:
        (pos if m.accepting[state(w)] else neg).add(w)

    for x in kernel:
        tail = to_acc[state(x)]
        if tail is not None:
            pos.add(x + tail)
        else:
            neg.add(x)
    for u in access:
        pu = state(u)
        for x in kernel:
            px = state(x)
            if pu != px:
                v = separator(pu, px)
                add(u + v)
                add(x + v)
    key = lambda w: (len(w), w)  # noqa: E731
    dec = m.alphabet.decode
    _ = n
    return [dec(w) for w in sorted(pos, key=key)], [dec(w) for w in sorted(neg, key=key)]
