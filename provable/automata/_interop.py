"""Conversion to and from AALpy's ``Dfa`` (AALpy is imported lazily)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np

from provable.automata._models import DFA
from provable.errors import InvalidModel, InvalidType, NotSupported

__all__ = ["to_aalpy", "from_aalpy"]


def _aalpy() -> Any:
    try:
        import aalpy.automata as aa
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise NotSupported("AALpy is not installed; install it with `pip install aalpy` "
                           "(or `pip install provable[aalpy]`) to use to_aalpy/from_aalpy") from e
    return aa


def to_aalpy(dfa: DFA) -> Any:
    """Convert a :class:`DFA` to an ``aalpy.automata.Dfa`` (state ids ``"s0"``, ``"s1"``, …).

    Examples
    --------
    >>> from provable import automata as am
    >>> a = am.to_aalpy(am.from_regex("a*b", "ab"))
    >>> a.execute_sequence(a.initial_state, ["a", "b"])[-1]
    True
    """
    if not isinstance(dfa, DFA):
        raise InvalidType(f"dfa has type {type(dfa).__name__}, expected DFA")
    aa = _aalpy()
    states = [aa.DfaState(f"s{q}", bool(dfa.accepting[q])) for q in range(dfa.n_states)]
    syms = dfa.alphabet.symbols
    for q, st in enumerate(states):
        for a, sym in enumerate(syms):
            st.transitions[sym] = states[int(dfa.delta[q, a])]
    return aa.Dfa(states[dfa.start], states)


def from_aalpy(automaton: Any, alphabet: Iterable[Hashable] | None = None) -> DFA:
    """Convert an ``aalpy.automata.Dfa`` to a :class:`DFA`.

    Parameters
    ----------
    automaton : aalpy.automata.Dfa
    alphabet : iterable of hashable, optional
        Column order; default: AALpy's input alphabet, sorted when the symbols allow it.
        A state missing a transition raises :class:`~provable.errors.InvalidModel`.

    Examples
    --------
    >>> from provable import automata as am
    >>> d = am.random_dfa(10, 2, seed=3)
    >>> am.isomorphic(am.from_aalpy(am.to_aalpy(d)), d)
    True
    """
    aa = _aalpy()
    if not isinstance(automaton, aa.Dfa):
        raise InvalidType(f"automaton has type {type(automaton).__name__}, expected "
                          "aalpy.automata.Dfa")
    if alphabet is None:
        syms = automaton.get_input_alphabet()
        try:
            syms = sorted(syms)
        except TypeError:
            pass
    else:
        syms = list(alphabet)
    states = list(automaton.states)
    index = {id(s): i for i, s in enumerate(states)}
    delta = np.empty((len(states), len(syms)), dtype=np.int64)
    for q, st in enumerate(states):
        for a, sym in enumerate(syms):
            t = st.transitions.get(sym)
            if t is None:
                raise InvalidModel(f"AALpy state {st.state_id!r} has no transition on {sym!r}; "
                                   "expected a complete DFA")
            if id(t) not in index:
                raise InvalidModel(f"AALpy state {st.state_id!r} moves on {sym!r} to a state "
                                   "that is not in automaton.states")
            delta[q, a] = index[id(t)]
    acc = np.array([bool(s.is_accepting) for s in states])
    return DFA(delta, acc, index[id(automaton.initial_state)], syms)
