"""Graphviz DOT files of automata: the AALpy / LearnLib / automata-wiki conventions.

The files of the automata wiki (https://automata.cs.ru.nl/Syntax/Overview), AALpy's
``DotModels`` and LearnLib's test resources share one layout:

* one node statement per state (``s0 [label="s0"]``); a DFA marks accepting states
  with ``shape=doublecircle``; a Moore machine writes the state output in a record
  label, ``label="s0|out"`` (or ``"{ s0 | out }"``);
* one edge statement per transition: ``s0 -> s1 [label="a"]`` (DFA, Moore) or
  ``label="a/x"`` (Mealy: input ``a``, output ``x``; spaces around ``/`` are allowed,
  as in LearnLib's ``"KEXINIT / KEXINIT"``); several edges may join the same pair;
* the start state is the target of the edge from the invisible node ``__start0``;
* the automata wiki's compact Mealy layout is read too: an HTML label
  ``label=<in1 | in2<br />out>`` stands for one transition per input, all with the
  output ``out`` (HTML entities such as ``&amp;`` decoded).

:func:`read_dot` parses the DOT grammar itself (quoted strings with ``\\"`` escapes and
``\\`` line continuations, ``//``, ``#`` and ``/* */`` comments, optional ``;``,
attribute lists, ``a -> b -> c`` chains, HTML strings) and reports a bad file by file
name, line and token. :func:`write_dot` / :func:`~provable.automata.to_dot` write one
edge per transition, in the format above, so both :func:`read_dot` and AALpy's
``load_automaton_from_file`` read the file back. A symbol that the plain label cannot
carry unambiguously (a Mealy input containing ``/``, a Moore output containing ``|``,
blanks at either end, an empty string) is written in extra ``input`` / ``output``
attributes, which :func:`read_dot` prefers and Graphviz ignores.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from provable.automata._alphabet import Alphabet
from provable.automata._models import DFA, MealyMachine, MooreMachine, _Machine
from provable.errors import InvalidArgument, InvalidModel, InvalidType

__all__ = ["DotError", "read_dot", "write_dot", "dot_text"]

_KINDS = ("auto", "dfa", "moore", "mealy")


class DotError(InvalidModel):
    """A DOT file that cannot be read as an automaton; names the file, line and token.

    Attributes
    ----------
    source : str
        The file name (``"<text>"`` for a string).
    line : int
        1-based line of the offending token (0 when the problem is the whole file).
    token : str or None
        The offending token, when there is one.
    """

    def __init__(self, source: str, line: int, token: str | None, message: str):
        self.source, self.line, self.token = source, line, token
        where = f"{source}:{line}" if line else source
        tok = f" at token {token!r}" if token is not None else ""
        super().__init__(f"{where}{tok}: {message}")


# --------------------------------------------------------------------------- tokenizer
_PUNCT = {"{", "}", "[", "]", "=", ";", ",", ":"}


def _tokenize(text: str, source: str) -> list[tuple[str, str, int]]:
    """Tokens ``(kind, value, line)``: kind is 'id', 'str' (quoted or HTML), 'edge' or a
    punctuation character."""
    toks: list[tuple[str, str, int]] = []
    i, n, line = 0, len(text), 1
    at_line_start = True
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            at_line_start = True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if c == "#" and at_line_start:  # C preprocessor output line
            while i < n and text[i] != "\n":
                i += 1
            continue
        at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                raise DotError(source, line, "/*", "comment is not closed (missing '*/')")
            line += text.count("\n", i, j)
            i = j + 2
            continue
        if text.startswith("->", i) or text.startswith("--", i):
            toks.append(("edge", text[i:i + 2], line))
            i += 2
            continue
        if c in _PUNCT:
            toks.append((c, c, line))
            i += 1
            continue
        if c == '"':
            start_line = line
            j = i + 1
            buf: list[str] = []
            while True:
                if j >= n:
                    raise DotError(source, start_line, text[i:i + 20],
                                   "quoted string is not closed (missing '\"')")
                d = text[j]
                if d == "\\" and j + 1 < n:
                    e = text[j + 1]
                    if e == '"' or e == "\\":
                        buf.append(e)
                        j += 2
                        continue
                    if e == "\n":  # line continuation
                        line += 1
                        j += 2
                        continue
                    buf.append(d)
                    j += 1
                    continue
                if d == '"':
                    break
                if d == "\n":
                    line += 1
                buf.append(d)
                j += 1
            toks.append(("str", "".join(buf), start_line))
            i = j + 1
            continue
        if c == "<":  # HTML string: balanced <...>
            depth, j, start_line = 0, i, line
            while j < n:
                if text[j] == "<":
                    depth += 1
                elif text[j] == ">":
                    depth -= 1
                    if depth == 0:
                        break
                elif text[j] == "\n":
                    line += 1
                j += 1
            if j >= n:
                raise DotError(source, start_line, text[i:i + 20],
                               "HTML string is not closed (missing '>')")
            toks.append(("html", text[i + 1:j], start_line))
            i = j + 1
            continue
        if c == "+":  # string concatenation "a" + "b"
            toks.append(("+", "+", line))
            i += 1
            continue
        j = i
        if c.isalnum() or c in "_.-" or ord(c) > 127:
            while j < n and (text[j].isalnum() or text[j] in "_." or ord(text[j]) > 127
                             or (text[j] == "-" and j == i)):
                j += 1
            toks.append(("id", text[i:j], line))
            i = j
            continue
        raise DotError(source, line, c, "unexpected character")
    return toks


# --------------------------------------------------------------------------- parser
class _Graph:
    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, str]] = {}
        self.node_line: dict[str, int] = {}
        self.edges: list[tuple[str, str, dict[str, str], int]] = []


def _parse(text: str, source: str) -> _Graph:
    toks = _tokenize(text, source)
    pos = [0]
    g = _Graph()

    def peek(off: int = 0) -> tuple[str, str, int] | None:
        j = pos[0] + off
        return toks[j] if j < len(toks) else None

    def last_line() -> int:
        return toks[-1][2] if toks else 1

    def take(kind: str | None = None, what: str = "") -> tuple[str, str, int]:
        t = peek()
        if t is None:
            raise DotError(source, last_line(), None, f"file ends early, expected {what or kind}")
        if kind is not None and t[0] != kind:
            raise DotError(source, t[2], t[1], f"expected {what or kind}")
        pos[0] += 1
        return t

    def ident(what: str) -> tuple[str, int]:
        t = peek()
        if t is None or t[0] not in ("id", "str", "html"):
            if t is None:
                raise DotError(source, last_line(), None, f"file ends early, expected {what}")
            raise DotError(source, t[2], t[1], f"expected {what}")
        pos[0] += 1
        val = t[1]
        while peek() is not None and peek()[0] == "+":
            pos[0] += 1
            val += take("str", "a quoted string after '+'")[1]
        return val, t[2]

    def attr_list() -> dict[str, str]:
        attrs: dict[str, str] = {}
        while peek() is not None and peek()[0] == "[":
            pos[0] += 1
            while True:
                t = peek()
                if t is None:
                    raise DotError(source, last_line(), None, "file ends inside '[...]'")
                if t[0] == "]":
                    pos[0] += 1
                    break
                if t[0] in (",", ";"):
                    pos[0] += 1
                    continue
                key, _ = ident("an attribute name")
                take("=", "'=' after the attribute name")
                is_html = peek() is not None and peek()[0] == "html"
                val, _ = ident(f"a value for attribute {key!r}")
                attrs[key] = val
                if is_html:
                    attrs[_HTML + key] = "1"
        return attrs

    def node_id() -> tuple[str, int]:
        name, line = ident("a node name")
        t = peek()
        if t is not None and t[0] == ":":
            raise DotError(source, t[2], ":", "node ports (name:port) are not supported in "
                           "automaton files")
        return name, line

    def add_node(name: str, line: int, attrs: dict[str, str] | None = None) -> None:
        if name not in g.nodes:
            g.nodes[name] = {}
            g.node_line[name] = line
        if attrs:
            g.nodes[name].update(attrs)

    t = peek()
    if t is not None and t[0] == "id" and t[1].lower() == "strict":
        pos[0] += 1
    t = take("id", "'digraph'")
    if t[1].lower() != "digraph":
        if t[1].lower() == "graph":
            raise DotError(source, t[2], t[1], "an undirected graph is not an automaton; "
                           "expected 'digraph'")
        raise DotError(source, t[2], t[1], "expected 'digraph'")
    if peek() is not None and peek()[0] in ("id", "str", "html"):
        ident("the graph name")
    take("{", "'{'")
    while True:
        t = peek()
        if t is None:
            raise DotError(source, last_line(), None, "file ends early, expected '}'")
        if t[0] == "}":
            pos[0] += 1
            break
        if t[0] == ";":
            pos[0] += 1
            continue
        if t[0] == "id" and t[1].lower() in ("graph", "node", "edge"):
            pos[0] += 1
            attr_list()
            continue
        if t[0] == "id" and t[1].lower() == "subgraph" or t[0] == "{":
            raise DotError(source, t[2], t[1], "subgraphs are not supported in automaton files")
        if t[0] not in ("id", "str", "html"):
            raise DotError(source, t[2], t[1], "expected a node, edge or attribute statement")
        name, line = node_id()
        nt = peek()
        if nt is not None and nt[0] == "=":
            pos[0] += 1
            ident(f"a value for graph attribute {name!r}")
            continue
        chain = [(name, line)]
        while peek() is not None and peek()[0] == "edge":
            e = take()
            if e[1] != "->":
                raise DotError(source, e[2], e[1], "undirected edge in a digraph, expected '->'")
            chain.append(node_id())
        attrs = attr_list()
        if len(chain) == 1:
            add_node(name, line, attrs)
        else:
            for j, (nm, ln) in enumerate(chain):
                if not (j == 1 and _is_start(chain[0][0])):  # the start edge numbers nothing
                    add_node(nm, ln)
            for (a, _), (b, ln) in zip(chain, chain[1:]):
                g.edges.append((a, b, attrs, ln))
    t = peek()
    if t is not None:
        raise DotError(source, t[2], t[1], "text after the closing '}' of the graph")
    return g


# --------------------------------------------------------------------------- reader
_HTML = "\0html:"  # marks an attribute whose value was an HTML string <...>
_BR = re.compile(r"<br\s*/?>", re.I)


def _html_mealy(label: str) -> tuple[list[str], str] | None:
    """Inputs and output of an HTML Mealy label ``in1 | in2<br />out`` (the compact
    layout of the automata wiki's TLS models), or None without a line break."""
    parts = _BR.split(label, maxsplit=1)
    if len(parts) != 2:
        return None
    ins = [html.unescape(x).strip() for x in parts[0].split("|")]
    return ins, html.unescape(parts[1]).strip()


def _is_start(name: str) -> bool:
    return name.startswith("__start")


def _record_output(label: str) -> tuple[str, str] | None:
    """(state name, output) of a Moore record label ``s|o`` / ``{ s | o }``, else None."""
    s = label.strip()
    if s.startswith("{") and s.endswith("}"):
        s = s[1:-1]
    if "|" not in s:
        return None
    name, out = s.split("|", 1)
    return name.strip(), out.strip()


def read_dot(source: str | os.PathLike, *, kind: str = "auto",
             alphabet: Iterable[Hashable] | None = None, complete: bool = False,
             fill_output: Any = None) -> DFA | MooreMachine | MealyMachine:
    r"""Read a DFA, Moore or Mealy machine from a DOT file (or DOT text).

    Parameters
    ----------
    source : str or path
        A path to a ``.dot`` file, or the DOT text itself (a string that contains
        ``"{"``).
    kind : {"auto", "dfa", "moore", "mealy"}
        ``"auto"``: a Moore machine when a state label holds ``name|output`` (or a node
        has ``shape=record`` or an ``output`` attribute), else a Mealy machine when an
        edge label holds ``input/output``, otherwise a DFA (accepting =
        ``shape=doublecircle``).
    alphabet : iterable of str, optional
        Column order of the input symbols. Default: the order in which the symbols
        first appear on the edges (which is the alphabet order of a file written by
        :func:`write_dot`). A symbol on an edge that is not listed raises.
    complete : bool, default False
        An input-incomplete machine (a state without a transition on some symbol)
        raises :class:`DotError` naming the state and symbol, unless ``complete=True``:
        then missing transitions go to a new sink state that loops on every symbol,
        rejecting (DFA) or emitting ``fill_output`` (Mealy; Moore: the sink's output).
    fill_output : hashable, default None
        Output of the completed transitions / sink state.

    Returns
    -------
    DFA, MooreMachine or MealyMachine
        States are numbered in the order they first appear in the file; the start state
        is the target of the ``__start0`` edge. Symbols and outputs are the label
        strings (blanks around ``/`` and ``|`` removed).

    Raises
    ------
    DotError
        (an :class:`~provable.errors.InvalidModel`) naming the file, line and token:
        bad syntax, no or several start edges, two transitions on one (state, symbol)
        that disagree, a missing transition (without ``complete``), a Mealy edge without
        ``/``, a Moore state without an output.

    Examples
    --------
    >>> from provable import automata as am
    >>> m = am.read_dot('''digraph coffee {
    ...   s0 [label="s0"]; s1 [label="s1"];
    ...   s0 -> s1 [label="coin / beep"];   s0 -> s0 [label="button / init"];
    ...   s1 -> s1 [label="coin / beep"];   s1 -> s0 [label="button / coffee"];
    ...   __start0 [label="", shape=none];  __start0 -> s0;
    ... }''')
    >>> m, m.transduce(["coin", "button"])
    (MealyMachine(n_states=2, alphabet=('coin', 'button'), start=0), ['beep', 'coffee'])
    >>> am.read_dot('digraph { s0 -> s0 [label="a/x"]; __start0 -> s1 }')
    Traceback (most recent call last):
    ...
    provable.automata._dot.DotError: <text>:1 at token 's1': the start edge '__start0 -> s1' points to a node with no transitions and no node statement
    """
    kind_ = _check_kind(kind)
    if isinstance(source, (str, os.PathLike)) and not (isinstance(source, str)
                                                       and "{" in source):
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise InvalidArgument(f"cannot read DOT file {str(path)!r}: {e.strerror}") from None
        name = str(path)
    elif isinstance(source, str):
        text, name = source, "<text>"
    else:
        raise InvalidType(f"source has type {type(source).__name__}, expected a path or DOT "
                          "text")
    g = _parse(text, name)
    return _build(g, name, kind_, alphabet, bool(complete), fill_output)


def _check_kind(kind: Any) -> str:
    from provable._validation import check_choice
    return check_choice("kind", kind, _KINDS)


def _build(g: _Graph, name: str, kind: str, alphabet: Any, complete: bool,
           fill_output: Any) -> _Machine:
    starts = [(b, ln) for a, b, _, ln in g.edges if _is_start(a)]
    if not starts:
        raise DotError(name, 0, None, "no start state: expected an edge '__start0 -> s' from "
                       "the invisible start node")
    if len(starts) > 1:
        raise DotError(name, starts[1][1], starts[1][0],
                       f"a second start edge (the first points to {starts[0][0]!r})")
    start_name, start_line = starts[0]
    edges = [e for e in g.edges if not _is_start(e[0])]
    for a, b, _, ln in edges:
        if _is_start(b):
            raise DotError(name, ln, b, "an edge into the start marker node")
    states = [s for s in g.nodes if not _is_start(s)]
    index = {s: i for i, s in enumerate(states)}
    if start_name not in index or (not g.nodes[start_name] and not any(
            a == start_name for a, _, _, _ in edges)):
        raise DotError(name, start_line, start_name, f"the start edge '__start0 -> "
                       f"{start_name}' points to a node with no transitions and no node "
                       "statement")
    if kind == "auto":
        moore = any("output" in g.nodes[s] or g.nodes[s].get("shape", "") in
                    ("record", "Mrecord") or _record_output(g.nodes[s].get("label", ""))
                    is not None for s in states)
        explicit = any("output" in at or (_HTML + "label" in at and _html_mealy(
            at.get("label", "")) is not None) for _, _, at, _ in edges)
        mealy = explicit or (not moore and any("input" not in at and "/" in at.get("label", "")
                                               for _, _, at, _ in edges))
        if mealy and moore:
            raise DotError(name, 0, None, "edges carry 'input/output' labels and states "
                           "carry 'name|output' labels: pass kind='mealy' or kind='moore'")
        kind = "mealy" if mealy else "moore" if moore else "dfa"
    # transitions
    trans: list[tuple[int, str, int, Any, int]] = []  # (src, symbol, dst, output, line)
    for a, b, at, ln in edges:
        if "input" in at:
            sym = at["input"]
            out = at.get("output")
            if kind == "mealy" and out is None:
                raise DotError(name, ln, sym, "edge has an 'input' attribute but no 'output'")
        else:
            if "label" not in at:
                raise DotError(name, ln, f"{a} -> {b}", "edge has no label, expected the "
                               "input symbol" + ("/output" if kind == "mealy" else ""))
            lab = at["label"]
            hm = _html_mealy(lab) if _HTML + "label" in at and kind == "mealy" else None
            if hm is not None:  # several inputs with one output
                for sym in hm[0][:-1]:
                    trans.append((index[a], sym, index[b], hm[1], ln))
                sym, out = hm[0][-1], hm[1]
            elif kind == "mealy":
                if "/" not in lab:
                    raise DotError(name, ln, lab, "Mealy edge label has no '/', expected "
                                   "'input/output'")
                sym, out = (p.strip() for p in lab.split("/", 1))
            else:
                sym, out = lab.strip(), None
        trans.append((index[a], sym, index[b], out, ln))
    if alphabet is None:
        syms: list = []
        seen: set = set()
        for _, s, _, _, _ in trans:
            if s not in seen:
                seen.add(s)
                syms.append(s)
        if not syms:
            raise DotError(name, 0, None, "no transitions: the alphabet would be empty")
        alph = Alphabet(syms)
    else:
        alph = Alphabet(alphabet)
    n, k = len(states), len(alph)
    delta = -np.ones((n, k), dtype=np.int64)
    outs: list[list[Any]] = [[None] * k for _ in range(n)]
    where = np.zeros((n, k), dtype=np.int64)
    for p, s, q, o, ln in trans:
        c = alph.index.get(s)
        if c is None:
            raise DotError(name, ln, s, f"symbol is not in alphabet={alph!r}")
        if delta[p, c] >= 0 and (delta[p, c] != q or outs[p][c] != o):
            old = states[int(delta[p, c])]
            raise DotError(name, ln, s, f"state {states[p]!r} already has a transition on this "
                           f"symbol (line {int(where[p, c])}, to {old!r}"
                           + (f" with output {outs[p][c]!r}" if kind == "mealy" else "")
                           + "): the machine would be non-deterministic")
        delta[p, c], outs[p][c], where[p, c] = q, o, ln
    state_out: list[Any] = []
    if kind == "moore":
        for s in states:
            at = g.nodes[s]
            if "output" in at:
                state_out.append(at["output"])
                continue
            rec = _record_output(at.get("label", ""))
            if rec is None:
                raise DotError(name, g.node_line[s], s, "Moore state has no output, expected "
                               "label=\"name|output\"")
            state_out.append(rec[1])
    accepting = [g.nodes[s].get("shape", "") == "doublecircle" for s in states]
    if (delta < 0).any():
        if not complete:
            p, c = (int(i) for i in np.argwhere(delta < 0)[0])
            raise DotError(name, g.node_line[states[p]], states[p], f"state has no transition "
                           f"on {alph.symbols[c]!r}: the machine is input-incomplete; pass "
                           "complete=True to send missing transitions to a sink state")
        delta = np.vstack([delta, -np.ones((1, k), dtype=np.int64)])
        outs.append([None] * k)
        for p, c in np.argwhere(delta < 0):
            delta[p, c] = n
            outs[p][c] = fill_output
        accepting.append(False)
        state_out.append(fill_output)
        n += 1
    start = index[start_name]
    if kind == "dfa":
        return DFA(delta, accepting, start, alph)
    if kind == "moore":
        return MooreMachine(delta, state_out, start, alph)
    return MealyMachine(delta, outs, start, alph)


# --------------------------------------------------------------------------- writer
def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text_symbols(m: _Machine) -> list[str]:
    syms = [str(s) for s in m.alphabet.symbols]
    seen: dict[str, int] = {}
    for i, s in enumerate(syms):
        if s in seen:
            raise InvalidArgument(f"alphabet symbols {m.alphabet.symbols[seen[s]]!r} and "
                                  f"{m.alphabet.symbols[i]!r} are both written {s!r}: a DOT "
                                  "file could not tell them apart")
        seen[s] = i
    return syms


def _plain(s: str, forbid: str) -> bool:
    """Whether the plain label carries ``s`` exactly (non-empty, no blanks at the ends,
    no ``forbid`` separator)."""
    if s == "" or s != s.strip():
        return False
    return not (forbid and forbid in s)


def dot_text(m: _Machine, *, name: str = "automaton") -> str:
    """The DOT text written by :func:`write_dot` (see there)."""
    if not isinstance(m, (DFA, MooreMachine, MealyMachine)):
        raise InvalidType(f"m has type {type(m).__name__}, expected DFA, MooreMachine or "
                          "MealyMachine")
    syms = _text_symbols(m)
    lines = [f"digraph {_q(str(name))} {{"]
    for q in range(m.n_states):
        if isinstance(m, DFA):
            shape = ", shape=doublecircle" if m.accepting[q] else ""
            lines.append(f's{q} [label="s{q}"{shape}];')
        elif isinstance(m, MooreMachine):
            o = str(m.outputs[q])
            extra = "" if _plain(o, "") else f", output={_q(o)}"
            lines.append(f"s{q} [label={_q(f's{q}|{o}')}, shape=record, style=rounded{extra}];")
        else:
            lines.append(f's{q} [label="s{q}"];')
    for q in range(m.n_states):
        for a in range(m.n_symbols):
            t = int(m.delta[q, a])
            s = syms[a]
            if isinstance(m, MealyMachine):
                o = str(m.outputs[q][a])
                lab = f"{s}/{o}"
                extra = ("" if _plain(s, "/") and _plain(o, "") else
                         f", input={_q(s)}, output={_q(o)}")
            else:
                lab, extra = s, ("" if _plain(s, "/") else f", input={_q(s)}")
            lines.append(f"s{q} -> s{t} [label={_q(lab)}{extra}];")
    lines.append('__start0 [label="", shape=none];')
    lines.append(f'__start0 -> s{m.start} [label=""];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_dot(m: _Machine, path: str | os.PathLike, *, name: str | None = None) -> Path:
    """Write a DFA, Moore or Mealy machine to a DOT file that :func:`read_dot` and
    AALpy's ``load_automaton_from_file`` read back.

    States are written ``s0 … s{n-1}`` in index order, one edge per transition
    (``label="a"`` for a DFA or Moore machine, ``label="a/x"`` for a Mealy machine),
    state 0's edges first in alphabet order, so ``read_dot(write_dot(m, p))`` has the
    same table, start state, outputs and alphabet order as ``m`` (symbols and outputs
    as their ``str``). Labels are quoted with ``"`` and ``\\`` escaped; a symbol that
    the plain label cannot carry (see the module notes) also goes into ``input`` /
    ``output`` attributes.

    Parameters
    ----------
    m : DFA, MooreMachine or MealyMachine
    path : str or path
    name : str, optional
        Graph name; default the file stem.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    InvalidArgument
        When two symbols have the same ``str`` (the file could not tell them apart).

    Examples
    --------
    >>> import tempfile, os
    >>> from provable import automata as am
    >>> d = am.from_regex("(a|b)*abb", "ab")
    >>> p = am.write_dot(d, os.path.join(tempfile.mkdtemp(), "abb.dot"))
    >>> am.isomorphic(am.read_dot(p), d)
    True
    """
    text = dot_text(m, name=Path(path).stem if name is None else name)
    p = Path(path)
    try:
        p.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InvalidArgument(f"cannot write DOT file {str(p)!r}: {e.strerror}") from None
    return p
