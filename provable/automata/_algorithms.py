"""Algorithms on automata: trimming, minimisation, canonical form, equivalence, products.

Complexities: :func:`trim` O(nk); :func:`minimize` O(k n log n) (Hopcroft 1971, with
the "smaller half" worklist rule); :func:`equivalent` O(k n_a n_b) (BFS on the reachable
product, which yields the shortlex-least separating word).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from provable.automata._models import DFA, MealyMachine, MooreMachine, _Machine
from provable.errors import InvalidArgument, InvalidType

__all__ = [
    "trim",
    "minimize",
    "canonical",
    "isomorphic",
    "equivalent",
    "complement",
    "intersection",
    "union",
    "difference",
    "symmetric_difference",
    "product",
    "to_dot",
]

M = TypeVar("M", DFA, MooreMachine, MealyMachine)


def _check_machine(name: str, m: Any) -> None:
    if not isinstance(m, (DFA, MooreMachine, MealyMachine)):
        raise InvalidType(f"{name} has type {type(m).__name__}, expected DFA, MooreMachine or "
                          "MealyMachine")


def _rebuild(m: M, keep: np.ndarray, new_of_old: np.ndarray, start: int) -> M:
    """Machine restricted to states ``keep`` (old ids, new order) with relabelled targets."""
    delta = new_of_old[m.delta[keep]]
    if isinstance(m, DFA):
        return DFA(delta, m.accepting[keep], start, m.alphabet)
    if isinstance(m, MooreMachine):
        return MooreMachine(delta, [m.outputs[i] for i in keep], start, m.alphabet)
    return MealyMachine(delta, [m.outputs[i] for i in keep], start, m.alphabet)


def trim(m: M) -> M:
    """Remove the states not reachable from the start; states keep their relative order.

    Examples
    --------
    >>> from provable import automata as am
    >>> d = am.DFA([[0], [0]], [True, False], alphabet="a")   # state 1 is unreachable
    >>> am.trim(d).n_states
    1
    """
    _check_machine("m", m)
    from provable.automata._kernels import _reachable
    seen = _reachable(m.delta, m.start)
    if seen.all():
        return m
    keep = np.flatnonzero(seen)
    new_of_old = -np.ones(m.n_states, dtype=np.int64)
    new_of_old[keep] = np.arange(keep.size)
    return _rebuild(m, keep, new_of_old, int(new_of_old[m.start]))


def canonical(m: M) -> M:
    """Relabel the reachable states in BFS order (start = 0, symbols in alphabet order).

    Two *trimmed* machines are isomorphic iff their canonical forms have equal tables and
    labels, so :func:`canonical` of a minimised machine is a normal form of its language.

    Examples
    --------
    >>> from provable import automata as am
    >>> d = am.DFA([[1, 0], [1, 1]], [False, True], start=1, alphabet="ab")
    >>> am.canonical(d).start, am.canonical(d).n_states
    (0, 1)
    """
    _check_machine("m", m)
    from provable.automata._kernels import _bfs_order
    order, rank = _bfs_order(m.delta, m.start)
    return _rebuild(m, order, rank, 0)


def _labels(m: _Machine) -> tuple[np.ndarray, np.ndarray]:
    """(state labels, edge labels) as integer arrays for the kernels."""
    n, k = m.delta.shape
    if isinstance(m, DFA):
        return m.accepting.astype(np.int64), np.zeros((n, k), dtype=np.int64)
    if isinstance(m, MooreMachine):
        return m.labels(), np.zeros((n, k), dtype=np.int64)
    return np.zeros(n, dtype=np.int64), m.edge_labels()


def minimize(m: M) -> M:
    """Minimal machine for the same language / transduction, in canonical (BFS) order.

    Trims unreachable states, then merges equivalent states with Hopcroft's partition
    refinement, O(k n log n) [Hopcroft, *An n log n algorithm for minimizing states in a
    finite automaton*, 1971]. The initial partition is acceptance (DFA), state output
    (Moore) or the row of transition outputs (Mealy). The result is canonical, so two
    machines are equivalent iff their minimisations are identical.

    Parameters
    ----------
    m : DFA, MooreMachine or MealyMachine

    Returns
    -------
    Same type as ``m``.

    Examples
    --------
    >>> from provable import automata as am
    >>> d = am.DFA([[1, 2], [1, 2], [1, 2]], [False, True, True], alphabet="ab")
    >>> am.minimize(d).n_states
    2
    """
    _check_machine("m", m)
    from provable.automata._kernels import _hopcroft
    t = trim(m)
    n = t.n_states
    lab, elab = _labels(t)
    if isinstance(t, MealyMachine):
        _, init = np.unique(elab, axis=0, return_inverse=True)
    else:
        _, init = np.unique(lab, return_inverse=True)
    init = np.ascontiguousarray(init.reshape(-1), dtype=np.int64)
    blocks = _hopcroft(t.delta, init) if n > 1 else np.zeros(1, dtype=np.int64)
    # quotient: one representative per block, then canonical BFS relabelling
    _, rep_idx, block_id = np.unique(blocks, return_index=True, return_inverse=True)
    block_id = block_id.reshape(-1)
    qdelta = block_id[t.delta[rep_idx]]
    qstart = int(block_id[t.start])
    if isinstance(t, DFA):
        q = DFA(qdelta, t.accepting[rep_idx], qstart, t.alphabet)
    elif isinstance(t, MooreMachine):
        q = MooreMachine(qdelta, [t.outputs[i] for i in rep_idx], qstart, t.alphabet)
    else:
        q = MealyMachine(qdelta, [t.outputs[i] for i in rep_idx], qstart, t.alphabet)
    return canonical(q)


def _same_alphabet(a: _Machine, b: _Machine) -> None:
    if a.alphabet != b.alphabet:
        raise InvalidArgument(f"a.alphabet={a.alphabet!r} differs from b.alphabet="
                              f"{b.alphabet!r}, expected the same symbols in the same order")


def isomorphic(a: M, b: M) -> bool:
    """Whether the reachable parts of ``a`` and ``b`` are isomorphic (same labels).

    Examples
    --------
    >>> from provable import automata as am
    >>> d = am.random_dfa(30, 2, seed=1)
    >>> am.isomorphic(d, am.minimize(d))
    True
    """
    _check_machine("a", a)
    _check_machine("b", b)
    if type(a) is not type(b):
        return False
    _same_alphabet(a, b)
    ca, cb = canonical(a), canonical(b)
    if ca.n_states != cb.n_states or not np.array_equal(ca.delta, cb.delta):
        return False
    if isinstance(ca, DFA):
        return bool(np.array_equal(ca.accepting, cb.accepting))
    return ca.outputs == cb.outputs


def equivalent(a: M, b: M) -> tuple[bool, Any]:
    """Language (or transduction) equivalence with a shortest counterexample.

    Breadth-first search over the reachable part of the product, visiting symbols in
    alphabet order; the first pair of states with different labels gives the
    *shortlex-least* separating word (shortest, then lexicographically first by symbol
    index). O(k · n_a · n_b) time and memory.

    Parameters
    ----------
    a, b : DFA, MooreMachine or MealyMachine (both the same type, same alphabet)

    Returns
    -------
    (bool, word or None)
        ``(True, None)`` when equivalent, else ``(False, w)`` with ``w`` a ``str`` when
        every symbol is a character and a tuple of symbols otherwise.

    Examples
    --------
    >>> from provable import automata as am
    >>> even = am.DFA([[1], [0]], [True, False], alphabet="a")
    >>> mod3 = am.DFA([[1], [2], [0]], [True, False, False], alphabet="a")
    >>> am.equivalent(even, mod3)
    (False, 'aa')
    """
    _check_machine("a", a)
    _check_machine("b", b)
    if type(a) is not type(b):
        raise InvalidType(f"a is a {type(a).__name__} and b a {type(b).__name__}, expected "
                          "machines of the same type")
    _same_alphabet(a, b)
    found, word = _equivalent_codes(a, b)
    if not found:
        return True, None
    return False, a.alphabet.decode(word)


def _equivalent_codes(a: _Machine, b: _Machine) -> tuple[bool, np.ndarray]:
    from provable.automata._kernels import _product_bfs
    if isinstance(a, DFA):
        la, ea = _labels(a)
        lb, eb = _labels(b)
    elif isinstance(a, MooreMachine):  # joint output codes
        table: dict = {}
        la = np.array([table.setdefault(o, len(table)) for o in a.outputs], dtype=np.int64)
        lb = np.array([table.setdefault(o, len(table)) for o in b.outputs], dtype=np.int64)
        ea = np.zeros(a.delta.shape, dtype=np.int64)
        eb = np.zeros(b.delta.shape, dtype=np.int64)
    else:
        table = {}
        ea = np.array([[table.setdefault(o, len(table)) for o in row] for row in a.outputs],
                      dtype=np.int64)
        eb = np.array([[table.setdefault(o, len(table)) for o in row] for row in b.outputs],
                      dtype=np.int64)
        la = np.zeros(a.n_states, dtype=np.int64)
        lb = np.zeros(b.n_states, dtype=np.int64)
    return _product_bfs(a.delta, a.start, la, ea, b.delta, b.start, lb, eb)


def complement(a: DFA) -> DFA:
    """DFA for the complement language (same states, flipped acceptance).

    Examples
    --------
    >>> from provable import automata as am
    >>> d = am.DFA([[1], [1]], [False, True], alphabet="a")
    >>> am.complement(d).accepts("")
    True
    """
    if not isinstance(a, DFA):
        raise InvalidType(f"a has type {type(a).__name__}, expected DFA")
    return DFA(a.delta, ~a.accepting, a.start, a.alphabet)


def product(a: DFA, b: DFA, accept: Callable[[bool, bool], bool]) -> DFA:
    """Reachable product DFA accepting where ``accept(a_accepts, b_accepts)`` is true.

    Examples
    --------
    >>> from provable import automata as am
    >>> even = am.DFA([[1], [0]], [True, False], alphabet="a")
    >>> mod3 = am.DFA([[1], [2], [0]], [True, False, False], alphabet="a")
    >>> p = am.product(even, mod3, lambda x, y: x and y)
    >>> p.n_states, p.accepts("a" * 6), p.accepts("a" * 4)
    (6, True, False)
    """
    for name, m in (("a", a), ("b", b)):
        if not isinstance(m, DFA):
            raise InvalidType(f"{name} has type {type(m).__name__}, expected DFA")
    if not callable(accept):
        raise InvalidType(f"accept={accept!r} is not callable, expected f(bool, bool) -> bool")
    _same_alphabet(a, b)
    na, nb = a.n_states, b.n_states
    delta = (a.delta[:, None, :] * nb + b.delta[None, :, :]).reshape(na * nb, a.n_symbols)
    table = np.array([[bool(accept(x, y)) for y in (False, True)] for x in (False, True)])
    acc = table[a.accepting.astype(int)[:, None], b.accepting.astype(int)[None, :]].reshape(-1)
    return trim(DFA(delta, acc, a.start * nb + b.start, a.alphabet))


def intersection(a: DFA, b: DFA) -> DFA:
    """DFA for L(a) ∩ L(b) (reachable product).

    Examples
    --------
    >>> from provable import automata as am
    >>> a, b = am.from_regex("a*b", "ab"), am.from_regex("ab*", "ab")
    >>> am.intersection(a, b).accepts("ab"), am.intersection(a, b).accepts("b")
    (True, False)
    """
    return product(a, b, lambda x, y: x and y)


def union(a: DFA, b: DFA) -> DFA:
    """DFA for L(a) ∪ L(b) (reachable product).

    Examples
    --------
    >>> from provable import automata as am
    >>> am.union(am.from_regex("a", "ab"), am.from_regex("b", "ab")).accepts("b")
    True
    """
    return product(a, b, lambda x, y: x or y)


def difference(a: DFA, b: DFA) -> DFA:
    """DFA for L(a) \\ L(b).

    Examples
    --------
    >>> from provable import automata as am
    >>> am.difference(am.from_regex("a*", "a"), am.from_regex("aa", "a")).accepts("aa")
    False
    """
    return product(a, b, lambda x, y: x and not y)


def symmetric_difference(a: DFA, b: DFA) -> DFA:
    """DFA for L(a) △ L(b); empty iff ``a`` and ``b`` are equivalent.

    Examples
    --------
    >>> from provable import automata as am
    >>> d = am.random_dfa(5, 2, seed=0)
    >>> bool(am.symmetric_difference(d, am.minimize(d)).accepting.any())
    False
    """
    return product(a, b, lambda x, y: x != y)


def to_dot(m: _Machine, *, name: str = "automaton") -> str:
    """Graphviz DOT text of a DFA, Moore or Mealy machine, one edge per transition.

    The text :func:`~provable.automata.write_dot` writes (see there): it reads back
    exactly with :func:`~provable.automata.read_dot`, and with AALpy's
    ``load_automaton_from_file``.

    Examples
    --------
    >>> from provable import automata as am
    >>> print(am.to_dot(am.DFA([[1], [0]], [True, False], alphabet="a")))
    digraph "automaton" {
    s0 [label="s0", shape=doublecircle];
    s1 [label="s1"];
    s0 -> s1 [label="a"];
    s1 -> s0 [label="a"];
    __start0 [label="", shape=none];
    __start0 -> s0 [label=""];
    }
    <BLANKLINE>
    """
    from provable.automata._dot import dot_text
    return dot_text(m, name=name)
