"""Conversion to and from AALpy's ``Dfa``, ``MooreMachine`` and ``MealyMachine`` (AALpy
is imported lazily)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np

from provable.automata._models import DFA, MealyMachine, MooreMachine
from provable.errors import InvalidArgument, InvalidModel, InvalidType, NotSupported

__all__ = ["to_aalpy", "from_aalpy"]


def _aalpy() -> Any:
    try:
        import aalpy.automata as aa
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise NotSupported("AALpy is not installed; install it with `pip install aalpy` "
                           "(or `pip install provable[aalpy]`) to use to_aalpy/from_aalpy") from e
    return aa


def to_aalpy(model: DFA | MooreMachine | MealyMachine) -> Any:
    """Convert a :class:`DFA`, :class:`MooreMachine` or :class:`MealyMachine` to the
    AALpy automaton of the same kind (state ids ``"s0"``, ``"s1"``, …; symbols and
    outputs as they are).

    Examples
    --------
    >>> from provable import automata as am
    >>> a = am.to_aalpy(am.from_regex("a*b", "ab"))
    >>> a.execute_sequence(a.initial_state, ["a", "b"])[-1]
    True
    >>> m = am.to_aalpy(am.MealyMachine([[1], [0]], [["on"], ["off"]], alphabet="t"))
    >>> m.execute_sequence(m.initial_state, ["t", "t", "t"])
    ['on', 'off', 'on']
    """
    aa = _aalpy()
    syms = getattr(model, "alphabet", None)
    if isinstance(model, DFA):
        states = [aa.DfaState(f"s{q}", bool(model.accepting[q])) for q in range(model.n_states)]
        cls = aa.Dfa
    elif isinstance(model, MooreMachine):
        states = [aa.MooreState(f"s{q}", model.outputs[q]) for q in range(model.n_states)]
        cls = aa.MooreMachine
    elif isinstance(model, MealyMachine):
        states = [aa.MealyState(f"s{q}") for q in range(model.n_states)]
        cls = aa.MealyMachine
    else:
        raise InvalidType(f"model has type {type(model).__name__}, expected DFA, MooreMachine "
                          "or MealyMachine")
    syms = model.alphabet.symbols
    for q, st in enumerate(states):
        for a, sym in enumerate(syms):
            st.transitions[sym] = states[int(model.delta[q, a])]
            if isinstance(model, MealyMachine):
                st.output_fun[sym] = model.outputs[q][a]
    return cls(states[model.start], states)


def from_aalpy(automaton: Any, alphabet: Iterable[Hashable] | None = None, *,
               complete: bool = False, fill_output: Any = None
               ) -> DFA | MooreMachine | MealyMachine:
    """Convert an AALpy ``Dfa``, ``MooreMachine`` or ``MealyMachine`` to provable's.

    Parameters
    ----------
    automaton : aalpy.automata.Dfa, MooreMachine or MealyMachine
    alphabet : iterable of hashable, optional
        Column order; default: AALpy's input alphabet, sorted when the symbols allow it.
        It must contain every symbol the automaton uses (a symbol left out raises
        :class:`~provable.errors.InvalidArgument` instead of being dropped); extra
        symbols are transitions the automaton lacks.
    complete : bool, default False
        A state without a transition on some symbol raises
        :class:`~provable.errors.InvalidModel`, unless ``complete=True``: then missing
        transitions go to a new sink state that loops on every symbol, rejecting (DFA)
        or emitting ``fill_output`` (Mealy; Moore: the sink's output), as
        :meth:`DFA.from_transitions` and :func:`read_dot`.
    fill_output : hashable, default None

    Examples
    --------
    >>> from provable import automata as am
    >>> d = am.random_dfa(10, 2, seed=3)
    >>> am.isomorphic(am.from_aalpy(am.to_aalpy(d)), d)
    True
    >>> am.from_aalpy(am.to_aalpy(d), alphabet="a")
    Traceback (most recent call last):
    ...
    provable.errors.InvalidArgument: alphabet='a' leaves out the symbol 'b', which the automaton uses on state 's0'; expected every input symbol (they are not dropped silently)
    """
    aa = _aalpy()
    if isinstance(automaton, aa.Dfa):
        kind = "dfa"
    elif isinstance(automaton, aa.MooreMachine):
        kind = "moore"
    elif isinstance(automaton, aa.MealyMachine):
        kind = "mealy"
    else:
        raise InvalidType(f"automaton has type {type(automaton).__name__}, expected "
                          "aalpy.automata.Dfa, MooreMachine or MealyMachine")
    states = list(automaton.states)
    if alphabet is None:
        syms: list = []
        for st in states:
            for s in st.transitions:
                if s not in syms:
                    syms.append(s)
        try:
            syms = sorted(syms)
        except TypeError:
            pass
    else:
        from provable.automata._alphabet import Alphabet
        alph = Alphabet(alphabet)
        syms = list(alph.symbols)
        for st in states:
            for s in st.transitions:
                if s not in alph.index:
                    raise InvalidArgument(
                        f"alphabet={alph!r} leaves out the symbol {s!r}, which the automaton "
                        f"uses on state {st.state_id!r}; expected every input symbol (they "
                        "are not dropped silently)")
    if not syms:
        raise InvalidModel("the AALpy automaton has no transitions: its alphabet is empty")
    index = {id(s): i for i, s in enumerate(states)}
    n, k = len(states), len(syms)
    delta = -np.ones((n, k), dtype=np.int64)
    outs: list[list[Any]] = [[fill_output] * k for _ in range(n)]
    for q, st in enumerate(states):
        for a, sym in enumerate(syms):
            t = st.transitions.get(sym)
            if t is None:
                continue
            if id(t) not in index:
                raise InvalidModel(f"AALpy state {st.state_id!r} moves on {sym!r} to a state "
                                   "that is not in automaton.states")
            delta[q, a] = index[id(t)]
            if kind == "mealy":
                if sym not in st.output_fun:
                    raise InvalidModel(f"AALpy Mealy state {st.state_id!r} has a transition on "
                                       f"{sym!r} but no output for it")
                outs[q][a] = st.output_fun[sym]
    if (delta < 0).any():
        if not complete:
            q, a = (int(i) for i in np.argwhere(delta < 0)[0])
            raise InvalidModel(f"AALpy state {states[q].state_id!r} has no transition on "
                               f"{syms[a]!r}: the automaton is input-incomplete; pass "
                               "complete=True to send missing transitions to a sink state")
        delta = np.vstack([delta, np.full((1, k), n, dtype=np.int64)])
        delta[delta < 0] = n
        outs.append([fill_output] * k)
        n += 1
    start = index[id(automaton.initial_state)]
    if kind == "dfa":
        acc = [bool(s.is_accepting) for s in states] + [False] * (n - len(states))
        return DFA(delta, acc, start, syms)
    if kind == "moore":
        return MooreMachine(delta, [s.output for s in states] + [fill_output] *
                            (n - len(states)), start, syms)
    return MealyMachine(delta, outs, start, syms)
