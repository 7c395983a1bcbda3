"""Regular expressions to minimal DFAs (Thompson construction + subset construction).

Syntax (symbols are single characters):

=========  ===================================================
``x``      the symbol ``x`` (any character but the operators)
``\\x``     the character ``x`` taken literally (``\\*``, ``\\(`` …)
``.``      any symbol of the alphabet
``ε``      the empty word (so is ``()``)
``∅``      the empty language
``RS``     concatenation
``R|S``    union
``R*``     Kleene star; ``R+`` one or more; ``R?`` zero or one
``(R)``    grouping
=========  ===================================================

Precedence: postfix operators, then concatenation, then ``|``. Whitespace is a symbol
like any other character.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from provable.automata._alphabet import Alphabet
from provable.automata._models import DFA
from provable.errors import InvalidArgument, InvalidType

__all__ = ["from_regex"]

_SPECIAL = set("|*+?().\\ε∅")
#: deepest nesting of parentheses accepted (the parser recurses once per level)
MAX_NESTING = 100


class _NFA:
    def __init__(self) -> None:
        self.eps: list[list[int]] = []
        self.sym: list[list[tuple[Any, int]]] = []  # (symbol or None for ".", target)

    def new(self) -> int:
        self.eps.append([])
        self.sym.append([])
        return len(self.eps) - 1


class _Parser:
    def __init__(self, text: str, nfa: _NFA):
        self.s = text
        self.i = 0
        self.nfa = nfa
        self.literals: set[str] = set()
        self.depth = 0

    def error(self, msg: str) -> InvalidArgument:
        shown = self.s if len(self.s) <= 80 else self.s[:77] + "..."
        return InvalidArgument(f"regex={shown!r} at position {self.i}: {msg}")

    def peek(self) -> str | None:
        return self.s[self.i] if self.i < len(self.s) else None

    def parse(self) -> tuple[int, int]:
        frag = self.union()
        if self.i != len(self.s):
            raise self.error(f"unexpected {self.s[self.i]!r}")
        return frag

    def union(self) -> tuple[int, int]:
        frags = [self.concat()]
        while self.peek() == "|":
            self.i += 1
            frags.append(self.concat())
        if len(frags) == 1:
            return frags[0]
        s, t = self.nfa.new(), self.nfa.new()
        for a, b in frags:
            self.nfa.eps[s].append(a)
            self.nfa.eps[b].append(t)
        return s, t

    def concat(self) -> tuple[int, int]:
        frags = []
        while self.peek() is not None and self.peek() not in "|)":
            frags.append(self.postfix())
        if not frags:  # empty word
            s = self.nfa.new()
            return s, s
        s, t = frags[0]
        for a, b in frags[1:]:
            self.nfa.eps[t].append(a)
            t = b
        return s, t

    def postfix(self) -> tuple[int, int]:
        s, t = self.atom()
        while self.peek() in ("*", "+", "?"):
            op = self.s[self.i]
            self.i += 1
            ns, nt = self.nfa.new(), self.nfa.new()
            self.nfa.eps[ns].append(s)
            self.nfa.eps[t].append(nt)
            if op in "*?":
                self.nfa.eps[ns].append(nt)
            if op in "*+":
                self.nfa.eps[t].append(s)
            s, t = ns, nt
        return s, t

    def atom(self) -> tuple[int, int]:
        c = self.peek()
        if c == "(":
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise self.error(f"parentheses nested more than {MAX_NESTING} deep")
            self.i += 1
            frag = self.union()
            self.depth -= 1
            if self.peek() != ")":
                raise self.error("missing ')'")
            self.i += 1
            return frag
        if c in ("*", "+", "?"):
            raise self.error(f"{c!r} has nothing to repeat")
        self.i += 1
        s, t = self.nfa.new(), self.nfa.new()
        if c == "ε":
            self.nfa.eps[s].append(t)
        elif c == "∅":
            pass
        elif c == ".":
            self.nfa.sym[s].append((None, t))
        else:
            if c == "\\":
                if self.i >= len(self.s):
                    raise self.error("dangling '\\'")
                c = self.s[self.i]
                self.i += 1
            self.literals.add(c)
            self.nfa.sym[s].append((c, t))
        return s, t


def from_regex(regex: str, alphabet: Iterable[str] | None = None) -> DFA:
    """Minimal DFA of a regular expression (syntax in the module docstring).

    Parameters
    ----------
    regex : str
        The expression: ``|`` union, juxtaposition concatenation, postfix ``* + ?``,
        parentheses, ``.`` any symbol, ``ε`` or ``()`` the empty word, ``∅`` the empty
        language, ``\\`` escapes an operator. Parentheses may nest at most
        ``MAX_NESTING`` (100) deep.
    alphabet : str or iterable of single characters, optional
        Default: the literal symbols of ``regex``, sorted. Must contain every literal.

    Returns
    -------
    DFA
        Minimal and canonical.

    Examples
    --------
    >>> from provable import automata as am
    >>> d = am.from_regex("(a|b)*abb", alphabet="ab")
    >>> d.n_states, d.accepts("babb"), d.accepts("abab")
    (4, True, False)
    """
    if not isinstance(regex, str):
        raise InvalidType(f"regex={regex!r} has type {type(regex).__name__}, expected str")
    nfa = _NFA()
    parser = _Parser(regex, nfa)
    try:
        s0, acc = parser.parse()
    except RecursionError:  # pragma: no cover - MAX_NESTING stops it first
        raise parser.error("the expression is nested too deeply to parse") from None
    if alphabet is None:
        if not parser.literals:
            raise InvalidArgument(f"regex={regex!r} has no literal symbols, so the alphabet is "
                                  "empty; pass alphabet=... explicitly")
        alph = Alphabet(sorted(parser.literals))
    else:
        alph = Alphabet(alphabet)
        for i, sym in enumerate(alph.symbols):
            if not (isinstance(sym, str) and len(sym) == 1):
                raise InvalidArgument(f"alphabet[{i}]={sym!r}, expected single characters")
        missing = sorted(parser.literals - set(alph.symbols))
        if missing:
            raise InvalidArgument(f"regex={regex!r} uses symbol {missing[0]!r}, which is not in "
                                  f"the alphabet {alph!r}")
    k = len(alph)

    def closure(states: Iterable[int]) -> frozenset[int]:
        stack = list(states)
        seen = set(stack)
        while stack:
            q = stack.pop()
            for r in nfa.eps[q]:
                if r not in seen:
                    seen.add(r)
                    stack.append(r)
        return frozenset(seen)

    start = closure([s0])
    ids = {start: 0}
    order = [start]
    rows: list[list[int]] = []
    i = 0
    while i < len(order):
        cur = order[i]
        i += 1
        row = []
        for a, sym in enumerate(alph.symbols):
            nxt = [t for q in cur for (c, t) in nfa.sym[q] if c is None or c == sym]
            tgt = closure(nxt)
            if tgt not in ids:
                ids[tgt] = len(order)
                order.append(tgt)
            row.append(ids[tgt])
        rows.append(row)
    acc_mask = np.array([acc in st for st in order], dtype=bool)
    from provable.automata._algorithms import minimize
    return minimize(DFA(np.array(rows, dtype=np.int64).reshape(len(order), k), acc_mask, 0,
                        alph))
