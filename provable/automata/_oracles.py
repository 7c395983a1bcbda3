"""Teachers and oracles for active automata learning (AALpy-like roles).

Three roles, as in AALpy: the *learner* (:func:`~provable.automata.lstar`,
:func:`~provable.automata.kv`) only talks to a :class:`Teacher`, which pairs a
:class:`MembershipOracle` (answers "is ``w`` in the language?") with an
:class:`EquivalenceOracle` (answers "is this hypothesis right?" with ``None`` or a
counterexample). The base classes keep every counter, so all oracles are counted the
same way:

* ``MembershipOracle``: ``queries`` (answers that reached the system), ``symbols``
  (their total length), ``cache_hits`` (answers served from the cache). Answers are
  cached; a system that reports the answer for every prefix of a word in one run
  (``prefix_outputs = True``, e.g. a simulated DFA, as AALpy's step-wise SULs) fills
  the cache for all prefixes, exactly like AALpy's ``CacheSUL``.
* ``EquivalenceOracle``: ``queries`` (equivalence queries), ``tests`` and
  ``test_symbols`` (words and symbols a testing oracle evaluated on the system).

Words inside the learners are tuples of integer symbol codes; the public methods take
and return words over the alphabet.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import chain
from typing import Any

import numpy as np

from provable._validation import as_generator, check_choice, check_int, check_real
from provable.automata._alphabet import Alphabet
from provable.automata._models import DFA, MealyMachine, MooreMachine
from provable.errors import InvalidArgument, InvalidType, OracleInconsistency

__all__ = [
    "MembershipOracle",
    "FunctionMembership",
    "DFAMembership",
    "EquivalenceOracle",
    "ExactOracle",
    "RandomWordOracle",
    "RandomWalkOracle",
    "PACOracle",
    "Teacher",
    "SystemUnderLearning",
    "MachineSUL",
    "OutputOracle",
    "MachineMembership",
    "SULMembership",
]

Word = tuple[int, ...]


_KERNELS: Any = None


def _kernels() -> Any:
    """The numba kernels module, imported on first use (numba stays a lazy import)."""
    global _KERNELS
    if _KERNELS is None:
        from provable.automata import _kernels as mod
        _KERNELS = mod
    return _KERNELS


def _pack(words: Sequence[Word]) -> tuple[np.ndarray, np.ndarray]:
    """Padded int64 codes and lengths for a list of coded words."""
    B = len(words)
    if B == 1:
        w = words[0]
        n = len(w)
        return (np.array(w, dtype=np.int64).reshape(1, n), np.array((n,), dtype=np.int64))
    lens_l = [len(w) for w in words]
    lens = np.array(lens_l, dtype=np.int64)
    L = max(lens_l) if B else 0
    codes = np.zeros((B, L), dtype=np.int64)
    if L:
        flat = np.fromiter(chain.from_iterable(words), dtype=np.int64, count=sum(lens_l))
        _kernels()._unflatten(flat, lens, codes)
    return codes, lens


class MembershipOracle(ABC):
    """Base class of membership oracles: the cache and the counters live here.

    Subclasses implement :meth:`answer` (a word over the alphabet -> bool), or, for
    speed, :meth:`_answer_array` on padded integer codes. Set ``prefix_outputs = True``
    when :meth:`_answer_array` returns the answer after every prefix.

    The cache is a prefix tree stored as a hash of its edges (numpy arrays walked by
    numba kernels): about 4 bytes per table slot (at most 70 % full) and 8 + 1 bytes
    (membership) or 8 + 4 (output codes) per node, whatever the alphabet size, grown by
    half as queries arrive (alphabets of at most 3 symbols use a dense child table, 4k
    bytes per node, instead of the hash). A query is a
    *cache hit* when its answer is already known: it was asked before, or, for a
    ``prefix_outputs`` system, it is a prefix of a word asked before (AALpy's
    ``CacheSUL`` rule). Two answers that disagree raise
    :class:`~provable.errors.OracleInconsistency` naming the word.

    Parameters
    ----------
    alphabet : iterable of hashable
    """

    prefix_outputs: bool = False
    #: "dfa" for membership oracles (bool answers); "mealy" / "moore" for output oracles
    kind: str = "dfa"
    _label_dtype: Any = np.int8

    def __init__(self, alphabet: Iterable[Hashable]):
        self.alphabet = Alphabet(alphabet)
        self.queries = 0
        self.symbols = 0
        self.cache_hits = 0
        self.steps = 0
        self.resets = 0
        self._init_trie()

    def _init_trie(self, cap: int = 64) -> None:
        self._k = len(self.alphabet)
        self._par = np.zeros(cap, dtype=np.int32)
        self._sym = np.zeros(cap, dtype=np.int32)
        self._label = np.full(cap, -1, dtype=self._label_dtype)
        bits = 7
        self._tab = np.full(1 << bits, -1, dtype=np.int32)
        self._shift = 64 - bits
        self._dense = self._k <= _kernels().DENSE_MAX_K
        self._child = np.full((cap, self._k) if self._dense else (0, 0), -1, dtype=np.int32)
        self._size = 1

    def _trie(self) -> tuple:
        """The prefix tree's arrays and parameters, as the kernels take them."""
        return (self._tab, self._par, self._sym, self._child, self._k, self._shift)

    def _node(self, word: np.ndarray, t: int) -> int:
        return int(_kernels()._trie_walk(*self._trie(), np.ascontiguousarray(word,
                                                                           dtype=np.int64), t))

    def _answers(self, out: np.ndarray) -> np.ndarray:
        """Public form of cached labels: bool for membership oracles."""
        return out.astype(bool)

    def _grow(self, extra: int) -> None:
        """Room for ``extra`` more nodes: node arrays (and the dense child table of a
        small alphabet) grow by half (or to the need), the hash table doubles to stay at
        most 70 % full."""
        need = self._size + extra
        cap = self._par.shape[0]
        if need > cap:
            new = max(need, cap + cap // 2)
            for name, fill in (("_par", 0), ("_sym", 0), ("_label", -1)):
                old = getattr(self, name)
                arr = np.full(new, fill, dtype=old.dtype)
                arr[:cap] = old
                setattr(self, name, arr)
            if self._dense:
                child = np.full((new, self._k), -1, dtype=np.int32)
                child[:cap] = self._child
                self._child = child
        if not self._dense and 10 * need > 7 * self._tab.shape[0]:
            bits = max(int(math.ceil(math.log2(need / 0.7))), 7)
            while 10 * need > 7 * (1 << bits):
                bits += 1
            self._tab = np.full(1 << bits, -1, dtype=np.int32)
            self._shift = 64 - bits
            _kernels()._trie_rehash(*self._trie(), self._size)

    # -- to implement --------------------------------------------------------------------
    @abstractmethod
    def answer(self, word: Any) -> bool:
        """Whether ``word`` (a ``str`` or tuple of symbols) is in the target language."""

    def _answer_array(self, codes: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Answers for padded coded words: shape (B,), or (B, L+1) prefix answers when
        ``prefix_outputs``. Default: decode each word and call :meth:`answer`."""
        dec = self.alphabet.decode
        return np.array([bool(self.answer(dec(codes[b, : lens[b]])))
                         for b in range(codes.shape[0])], dtype=bool)

    # -- counted, cached access ------------------------------------------------------------
    def query(self, word: Iterable[Hashable]) -> bool:
        """Cached, counted membership query on a word over the alphabet.

        Examples
        --------
        >>> from provable import automata as am
        >>> mq = am.FunctionMembership("ab", lambda w: w.count("a") % 2 == 0)
        >>> mq.query("aa"), mq.query("aa"), mq.queries, mq.cache_hits
        (True, True, 1, 1)
        """
        return bool(self._mq_batch([self.alphabet.encode(word)])[0])

    def _mq(self, w: Word) -> bool:
        return bool(self._mq_array(*_pack((w,)))[0])

    def _mq_batch(self, words: Sequence[Word]) -> np.ndarray:
        return self._mq_array(*_pack(words))

    def _mq_array(self, codes: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Cached, counted answers for padded coded words (bool array of shape (B,))."""
        from provable.automata._kernels import _trie_fill, _trie_lookup, _trie_mark
        B = codes.shape[0]
        out = np.empty(B, dtype=self._label_dtype)
        _trie_lookup(*self._trie(), self._label, codes, lens, out)
        miss = np.flatnonzero(out < 0)
        if miss.size == 0:
            self.cache_hits += B
            return self._answers(out)
        prefix = self.prefix_outputs
        order = miss[np.argsort(-lens[miss], kind="stable")] if prefix else miss
        self._grow(int(lens[miss].sum()) + 1)
        send = np.zeros(B, dtype=np.bool_)
        self._size = _trie_mark(*self._trie(), self._label, self._size, codes, lens, order,
                                prefix, send)
        sent = np.flatnonzero(send)
        sc, sl = codes[sent], lens[sent]
        if sl.size and sl.max() < sc.shape[1]:
            sc = sc[:, : int(sl.max())]
        try:
            ans = np.asarray(self._answer_array(sc, sl))
        except BaseException:
            self._label[self._label == -2] = -1  # forget the pending marks
            raise
        self.queries += int(sent.size)
        self.symbols += int(sl.sum())
        self.resets += int(sent.size)
        self.steps += int(sl.sum())
        self.cache_hits += B - int(sent.size)
        if prefix:
            if ans.shape != (sent.size, sc.shape[1] + 1):
                raise OracleInconsistency(f"membership oracle returned prefix answers of shape "
                                          f"{ans.shape}, expected {(sent.size, sc.shape[1] + 1)}")
            outs = ans.astype(self._label_dtype)
        else:
            outs = ans.astype(self._label_dtype).reshape(-1, 1)
        b, t = _trie_fill(*self._trie(), self._label, sc, sl, outs, prefix)
        if b >= 0:
            w = self.alphabet.decode(sc[b, :t])
            full = self.alphabet.decode(sc[b, : sl[b]])
            where = "" if t == sl[b] else f" (a prefix of {full!r})"
            v = outs[b, t if prefix else 0]
            old = self._label[self._node(sc[b], t)]
            raise OracleInconsistency(
                f"membership oracle answered {self._show(v)} for word {w!r}{where} after "
                f"answering {self._show(old)} before")
        _trie_lookup(*self._trie(), self._label, codes, lens, out)
        return self._answers(out)

    def _show(self, v: Any) -> Any:
        return bool(v)

    def _raw_array(self, codes: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Uncached final answers (used by testing equivalence oracles; counted in
        ``steps`` and ``resets``, not in ``queries``)."""
        res = np.asarray(self._answer_array(codes, lens))
        self.resets += int(codes.shape[0])
        self.steps += int(lens.sum())
        if self.prefix_outputs:
            return self._answers(res[np.arange(codes.shape[0]), lens])
        return self._answers(res)

    def _raw_prefix_array(self, codes: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Uncached answers after every prefix, shape (B, L+1) (counted as steps/resets)."""
        if self.prefix_outputs:
            res = np.asarray(self._answer_array(codes, lens))
            self.resets += int(codes.shape[0])
            self.steps += int(lens.sum())
            return res
        m, L = codes.shape
        rows = np.repeat(np.arange(m), lens)
        plen = np.concatenate([np.arange(1, x + 1) for x in lens]) if m else np.zeros(0, int)
        ans = self._raw_array(codes[rows], plen)
        out = np.zeros((m, L + 1), dtype=ans.dtype)
        out[rows, plen] = ans
        out[:, 0] = self._raw_array(codes[:, :0], np.zeros(m, dtype=np.int64))
        return out

    def reset(self) -> None:
        """Clear the cache and the counters."""
        self.queries = self.symbols = self.cache_hits = self.steps = self.resets = 0
        self._init_trie()


class FunctionMembership(MembershipOracle):
    """Membership oracle from a Python predicate on words.

    Parameters
    ----------
    alphabet : iterable of hashable
    fn : callable
        ``fn(word) -> bool``; ``word`` is a ``str`` when every symbol is a character,
        otherwise a tuple of symbols.

    Examples
    --------
    >>> from provable import automata as am
    >>> mq = am.FunctionMembership("ab", lambda w: w.endswith("b"))
    >>> mq.query("ab")
    True
    """

    def __init__(self, alphabet: Iterable[Hashable], fn: Callable[[Any], bool]):
        super().__init__(alphabet)
        if not callable(fn):
            raise InvalidType(f"fn={fn!r} is not callable, expected fn(word) -> bool")
        self.fn = fn

    def answer(self, word: Any) -> bool:
        return bool(self.fn(word))


class DFAMembership(MembershipOracle):
    """Membership oracle that simulates a known DFA (answers every prefix in one run).

    Batches go through the numba kernel, so a column of an observation table costs one
    kernel call.

    Examples
    --------
    >>> from provable import automata as am
    >>> mq = am.DFAMembership(am.from_regex("a*b", "ab"))
    >>> mq.query("aab"), mq.query("aa"), mq.queries
    (True, False, 1)
    """

    prefix_outputs = True

    def __init__(self, dfa: DFA):
        if not isinstance(dfa, DFA):
            raise InvalidType(f"dfa has type {type(dfa).__name__}, expected DFA")
        super().__init__(dfa.alphabet)
        self.dfa = dfa

    def answer(self, word: Any) -> bool:
        return self.dfa.accepts(word)

    def _mq_array(self, codes: np.ndarray, lens: np.ndarray) -> np.ndarray:
        # Fast path: lookup, marking, answering and filling the cache in one kernel call;
        # the same answers, counters and cache state as the generic path. Subclasses that
        # override _answer_array take the generic path.
        if type(self)._answer_array is not DFAMembership._answer_array:
            return super()._mq_array(codes, lens)
        query = _kernels()._dfa_cached_query
        B = codes.shape[0]
        out = np.empty(B, dtype=np.int8)
        d = self.dfa
        while True:
            self._size, sent, symbols, b, t = query(
                self._tab, self._par, self._sym, self._child, self._k, self._shift,
                self._label, self._size, codes, lens, d.delta, d.start,
                d.accepting, out)
            if b != -2:
                break
            self._grow(symbols + 1)  # as the generic path: room for the missed words
        self.queries += sent
        self.symbols += symbols
        self.resets += sent
        self.steps += symbols
        self.cache_hits += B - sent
        if b >= 0:
            q = d.start
            for c in codes[b, :t]:
                q = d.delta[q, c]
            v = bool(d.accepting[q])
            w = self.alphabet.decode(codes[b, :t])
            full = self.alphabet.decode(codes[b, : lens[b]])
            where = "" if t == lens[b] else f" (a prefix of {full!r})"
            raise OracleInconsistency(
                f"membership oracle answered {v} for word {w!r}{where} after answering "
                f"{not v} before")
        return out.astype(bool)

    def _answer_array(self, codes: np.ndarray, lens: np.ndarray) -> np.ndarray:
        from provable.automata._kernels import _accept_prefixes, _accept_prefixes_serial
        B = codes.shape[0]
        out = np.empty((B, codes.shape[1] + 1), dtype=np.bool_)
        kern = _accept_prefixes if codes.size > 200_000 else _accept_prefixes_serial
        kern(self.dfa.delta, self.dfa.start, self.dfa.accepting, codes, lens, out)
        return out


class SystemUnderLearning(ABC):
    """A system driven step by step: the adapter AALpy calls a SUL.

    Implement :meth:`reset` (back to the initial state) and :meth:`step` (feed one input
    symbol, return the output). A Moore system's :meth:`reset` returns the output of the
    initial state; a Mealy system's return value is ignored. Wrap it in
    :class:`SULMembership` (or :meth:`Teacher.from_sul`) to learn it: every output
    query is one ``reset()`` followed by one ``step`` per symbol, counted in the
    learner's result as ``resets`` and ``steps``.

    Examples
    --------
    >>> from provable import automata as am
    >>> class Counter(am.SystemUnderLearning):
    ...     def reset(self):
    ...         self.n = 0
    ...     def step(self, symbol):
    ...         self.n = (self.n + (1 if symbol == "inc" else -self.n)) % 3
    ...         return self.n
    >>> t = am.Teacher.from_sul(Counter(), ["inc", "clear"], kind="mealy", oracle="wp")
    >>> res = am.lstar(t)
    >>> res.model.n_states, res.model.transduce(["inc", "inc", "inc", "clear"])
    (3, [1, 2, 0, 0])
    >>> res.resets > 0 and res.steps >= res.symbols_queried
    True
    """

    @abstractmethod
    def reset(self) -> Any:
        """Return to the initial state (a Moore system returns the initial output)."""

    @abstractmethod
    def step(self, symbol: Any) -> Any:
        """Feed one input symbol; return the output."""


class MachineSUL(SystemUnderLearning):
    """A :class:`SystemUnderLearning` that simulates a Mealy or Moore machine step by step.

    Examples
    --------
    >>> from provable import automata as am
    >>> sul = am.MachineSUL(am.MealyMachine([[1], [0]], [["on"], ["off"]], alphabet="t"))
    >>> sul.reset(); sul.step("t"), sul.step("t")
    ('on', 'off')
    """

    def __init__(self, model: MealyMachine | MooreMachine):
        if not isinstance(model, (MealyMachine, MooreMachine)):
            raise InvalidType(f"model has type {type(model).__name__}, expected MealyMachine or "
                              "MooreMachine")
        self.model = model
        self.state = model.start

    def reset(self) -> Any:
        self.state = self.model.start
        if isinstance(self.model, MooreMachine):
            return self.model.outputs[self.state]
        return None

    def step(self, symbol: Any) -> Any:
        m = self.model
        c = m.alphabet.index.get(symbol)
        if c is None:
            raise InvalidArgument(f"symbol={symbol!r} is not in the alphabet {m.alphabet!r}")
        q = self.state
        self.state = int(m.delta[q, c])
        if isinstance(m, MealyMachine):
            return m.outputs[q][c]
        return m.outputs[self.state]


class OutputOracle(MembershipOracle):
    """Base class of output-query oracles for Mealy and Moore machines.

    An output query on a word returns the system's outputs: one per symbol (Mealy) or
    one per prefix, the empty word included (Moore). The oracle answers every prefix in
    one run (``prefix_outputs``), so the cache (the same prefix tree as for membership
    queries, with output codes as labels) answers every prefix of a word asked before,
    as AALpy's ``CacheSUL``. Counters as for :class:`MembershipOracle`, plus ``steps``
    and ``resets`` (every interaction with the system, testing included).

    Subclasses implement :meth:`_outputs_array` on padded integer codes, returning an
    ``(B, L+1)`` array of output *values* codes via :meth:`_code`.
    """

    prefix_outputs = True
    _label_dtype = np.int32

    def __init__(self, alphabet: Iterable[Hashable], kind: str):
        self.kind = check_choice("kind", kind, ("mealy", "moore"))
        self._values: list = []
        self._codes: dict = {}
        super().__init__(alphabet)
        self._none = self._code(None) if self.kind == "mealy" else -1

    def _code(self, v: Any) -> int:
        c = self._codes.get(v)
        if c is None:
            try:
                hash(v)
            except TypeError as e:
                raise OracleInconsistency(f"the system returned the unhashable output {v!r}; "
                                          "expected hashable outputs") from e
            c = len(self._values)
            self._codes[v] = c
            self._values.append(v)
        return c

    def _answers(self, out: np.ndarray) -> np.ndarray:
        return out.astype(np.int64)

    def _mq(self, w: Word) -> int:  # type: ignore[override]
        return int(self._mq_array(*_pack((w,)))[0])

    def _show(self, v: Any) -> Any:
        return repr(self._values[int(v)])

    def answer(self, word: Any) -> Any:
        """Uncached, uncounted last output on ``word`` (Moore: the output after it)."""
        codes, lens = self.alphabet.encode_batch([word]) if len(word) else (
            np.zeros((1, 0), dtype=np.int64), np.zeros(1, dtype=np.int64))
        return self._values[int(np.asarray(self._answer_array(codes, lens))[0, lens[0]])]

    def query(self, word: Iterable[Hashable]) -> list:  # type: ignore[override]
        """Cached, counted output query: the outputs along ``word`` (Mealy: one per
        symbol; Moore: one per prefix, ``len(word) + 1`` values).

        Examples
        --------
        >>> from provable import automata as am
        >>> mq = am.MachineMembership(am.MealyMachine([[1], [0]], [["on"], ["off"]],
        ...                                           alphabet="t"))
        >>> mq.query("ttt"), mq.query("tt"), mq.queries, mq.cache_hits
        (['on', 'off', 'on'], ['on', 'off'], 1, 1)
        """
        w = self.alphabet.encode(word)
        codes, _ = _pack((w,))
        self._mq_array(codes, np.array([len(w)], dtype=np.int64))
        out = [self._values[int(self._label[0])]] if self.kind == "moore" else []
        for t in range(1, len(w) + 1):
            out.append(self._values[int(self._label[self._node(codes[0], t)])])
        return out

    def _outputs_array(self, codes: np.ndarray, lens: np.ndarray) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def _answer_array(self, codes: np.ndarray, lens: np.ndarray) -> np.ndarray:
        return self._outputs_array(codes, lens)


class MachineMembership(OutputOracle):
    """Output oracle that simulates a known Mealy or Moore machine (numba kernels).

    Examples
    --------
    >>> from provable import automata as am
    >>> m = am.MooreMachine([[1], [2], [0]], outputs=["x", "y", "z"], alphabet="a")
    >>> am.MachineMembership(m).query("aaaa")
    ['x', 'y', 'z', 'x', 'y']
    """

    def __init__(self, model: MealyMachine | MooreMachine):
        if not isinstance(model, (MealyMachine, MooreMachine)):
            raise InvalidType(f"model has type {type(model).__name__}, expected MealyMachine or "
                              "MooreMachine (a DFA goes to DFAMembership)")
        super().__init__(model.alphabet, "mealy" if isinstance(model, MealyMachine) else "moore")
        self.model = model
        if self.kind == "mealy":
            self._elab = np.array([[self._code(o) for o in row] for row in model.outputs],
                                  dtype=np.int64)
            slab, elab = self._elab[:, 0].copy(), self._elab
        else:
            self._slab = np.array([self._code(o) for o in model.outputs], dtype=np.int64)
            slab, elab = self._slab, self._slab.reshape(-1, 1)
        # arguments of the fused kernel; None: a subclass answers differently
        plain = (type(self)._answer_array is OutputOracle._answer_array
                 and type(self)._outputs_array is MachineMembership._outputs_array)
        self._fused = ((model.delta, model.start, slab, elab, self.kind == "mealy",
                        self._none) if plain else None)

    def _mq_array(self, codes: np.ndarray, lens: np.ndarray) -> np.ndarray:
        # Fast path as DFAMembership's: lookup, marking, simulation and cache fill in one
        # kernel call, the same answers, counters and cache state as the generic path.
        fused = self._fused
        if fused is None:
            return super()._mq_array(codes, lens)
        query = _kernels()._machine_cached_query
        B = codes.shape[0]
        out = np.empty(B, dtype=self._label_dtype)
        while True:
            self._size, sent, symbols, b, t = query(
                *self._trie(), self._label, self._size, codes, lens, *fused, out)
            if b != -2:
                break
            self._grow(symbols + 1)
        self.queries += sent
        self.symbols += symbols
        self.resets += sent
        self.steps += symbols
        self.cache_hits += B - sent
        if b >= 0:
            w = self.alphabet.decode(codes[b, :t])
            old = self._label[self._node(codes[b], t)]
            raise OracleInconsistency(f"output oracle answered differently for word {w!r} "
                                      f"than before ({self._show(old)})")
        return self._answers(out)

    def _outputs_array(self, codes: np.ndarray, lens: np.ndarray) -> np.ndarray:
        out = np.empty((codes.shape[0], codes.shape[1] + 1), dtype=np.int64)
        m = self.model
        if self.kind == "mealy":
            _kernels()._mealy_prefixes(m.delta, m.start, self._elab, self._none, codes, lens, out)
        else:
            _kernels()._accept_prefixes_serial(m.delta, m.start, self._slab, codes, lens, out)
        return out


class SULMembership(OutputOracle):
    """Output oracle on a step-wise :class:`SystemUnderLearning` (``reset`` / ``step``).

    Parameters
    ----------
    sul : SystemUnderLearning
        Or any object with ``reset()`` and ``step(symbol)`` methods.
    alphabet : iterable of hashable
        The input symbols.
    kind : {"mealy", "moore"}

    Examples
    --------
    >>> from provable import automata as am
    >>> m = am.MealyMachine([[1], [0]], [["on"], ["off"]], alphabet="t")
    >>> mq = am.SULMembership(am.MachineSUL(m), "t", kind="mealy")
    >>> mq.query("tt"), mq.steps, mq.resets
    (['on', 'off'], 2, 1)
    """

    def __init__(self, sul: Any, alphabet: Iterable[Hashable], kind: str = "mealy"):
        for meth in ("reset", "step"):
            if not callable(getattr(sul, meth, None)):
                raise InvalidType(f"sul of type {type(sul).__name__} has no {meth}() method, "
                                  "expected reset() and step(symbol)")
        super().__init__(alphabet, kind)
        self.sul = sul

    def _outputs_array(self, codes: np.ndarray, lens: np.ndarray) -> np.ndarray:
        B = codes.shape[0]
        out = np.empty((B, codes.shape[1] + 1), dtype=np.int64)
        syms = self.alphabet.symbols
        sul, code, moore = self.sul, self._code, self.kind == "moore"
        for b in range(B):
            first = sul.reset()
            out[b, 0] = code(first) if moore else self._none
            row = codes[b]
            for t in range(int(lens[b])):
                out[b, t + 1] = code(sul.step(syms[row[t]]))
        return out


class _SULAcceptance(MembershipOracle):
    """Membership oracle on a step-wise acceptor: ``reset() -> bool`` (is the empty word
    accepted) and ``step(symbol) -> bool`` (is the word read so far accepted)."""

    prefix_outputs = True

    def __init__(self, sul: Any, alphabet: Iterable[Hashable]):
        for meth in ("reset", "step"):
            if not callable(getattr(sul, meth, None)):
                raise InvalidType(f"sul of type {type(sul).__name__} has no {meth}() method, "
                                  "expected reset() and step(symbol)")
        super().__init__(alphabet)
        self.sul = sul

    def answer(self, word: Any) -> bool:
        v = self.sul.reset()
        for s in word:
            v = self.sul.step(s)
        return bool(v)

    def _answer_array(self, codes: np.ndarray, lens: np.ndarray) -> np.ndarray:
        B = codes.shape[0]
        out = np.zeros((B, codes.shape[1] + 1), dtype=bool)
        syms, sul = self.alphabet.symbols, self.sul
        for b in range(B):
            out[b, 0] = bool(sul.reset())
            row = codes[b]
            for t in range(int(lens[b])):
                out[b, t + 1] = bool(sul.step(syms[row[t]]))
        return out


def _hyp_prefix_labels(hyp: Any, mq: MembershipOracle, codes: np.ndarray,
                       lens: np.ndarray) -> np.ndarray:
    """Hypothesis labels after every prefix, (B, L+1), in the oracle's code space."""
    out = np.empty((codes.shape[0], codes.shape[1] + 1), dtype=np.int64)
    k = _kernels()
    if isinstance(hyp, DFA):
        k._accept_prefixes_serial(hyp.delta, hyp.start, hyp.accepting.astype(np.int64), codes,
                                  lens, out)
    elif isinstance(hyp, MooreMachine):
        lab = np.array([mq._code(o) for o in hyp.outputs], dtype=np.int64)
        k._accept_prefixes_serial(hyp.delta, hyp.start, lab, codes, lens, out)
    else:
        elab = np.array([[mq._code(o) for o in row] for row in hyp.outputs], dtype=np.int64)
        k._mealy_prefixes(hyp.delta, hyp.start, elab, mq._none, codes, lens, out)
    return out


def _check_kind(hyp: Any, mq: MembershipOracle) -> None:
    kind = "dfa" if isinstance(hyp, DFA) else "moore" if isinstance(hyp, MooreMachine) else (
        "mealy" if isinstance(hyp, MealyMachine) else None)
    if kind is None:
        raise InvalidType(f"hypothesis has type {type(hyp).__name__}, expected DFA, MooreMachine "
                          "or MealyMachine")
    if kind != mq.kind:
        raise InvalidArgument(f"hypothesis is a {type(hyp).__name__} but the membership oracle "
                              f"answers {mq.kind!r} queries")


class EquivalenceOracle(ABC):
    """Base class of equivalence oracles; keeps ``queries``, ``tests``, ``test_symbols``.

    Subclasses implement :meth:`_find` returning a coded counterexample or ``None``.
    """

    def __init__(self) -> None:
        self.queries = 0
        self.tests = 0
        self.test_symbols = 0

    def find_counterexample(self, hypothesis: DFA, membership: MembershipOracle) -> Any:
        """A word on which ``hypothesis`` and the target differ, or ``None`` (counted).

        Examples
        --------
        >>> from provable import automata as am
        >>> target = am.from_regex("a*b", "ab")
        >>> eq = am.ExactOracle(target)
        >>> eq.find_counterexample(am.from_regex("b", "ab"), am.DFAMembership(target))
        'ab'
        """
        w = self._find_codes(hypothesis, membership)
        return None if w is None else hypothesis.alphabet.decode(w)

    def _find_codes(self, hypothesis: DFA, membership: MembershipOracle) -> Word | None:
        self.queries += 1
        w = self._find(hypothesis, membership)
        return None if w is None else tuple(int(c) for c in w)

    @abstractmethod
    def _find(self, hypothesis: DFA, membership: MembershipOracle) -> Any:
        """Coded counterexample or None."""

    def reset(self) -> None:
        """Zero the counters."""
        self.queries = self.tests = self.test_symbols = 0


class ExactOracle(EquivalenceOracle):
    """Exact equivalence against a known target (DFA, Mealy or Moore machine): BFS on the
    product, shortest (shortlex-least) counterexample.

    Examples
    --------
    >>> from provable import automata as am
    >>> eq = am.ExactOracle(am.from_regex("ab", "ab"))
    >>> eq.find_counterexample(am.from_regex("ab", "ab"), None) is None
    True
    """

    def __init__(self, target: DFA | MealyMachine | MooreMachine):
        super().__init__()
        if not isinstance(target, (DFA, MealyMachine, MooreMachine)):
            raise InvalidType(f"target has type {type(target).__name__}, expected DFA, "
                              "MealyMachine or MooreMachine")
        self.target = target

    def _find(self, hypothesis: Any, membership: MembershipOracle) -> Any:
        from provable.automata._algorithms import _equivalent_codes
        if type(hypothesis) is not type(self.target):
            raise InvalidType(f"hypothesis is a {type(hypothesis).__name__}, the target a "
                              f"{type(self.target).__name__}")
        if hypothesis.alphabet != self.target.alphabet:
            raise InvalidArgument(f"hypothesis.alphabet={hypothesis.alphabet!r} differs from "
                                  f"target.alphabet={self.target.alphabet!r}")
        if isinstance(hypothesis, DFA):
            found, w = _equivalent_codes(hypothesis, self.target)
        else:  # the target's output codes are computed once
            found, w = self._output_product(hypothesis)
        return tuple(w.tolist()) if found else None


    def _output_product(self, hyp: Any) -> tuple[bool, np.ndarray]:
        t = self.target
        if not hasattr(self, "_codes"):
            self._codes: dict = {}
            c = self._codes
            if isinstance(t, MealyMachine):
                self._tlab = np.zeros(t.n_states, dtype=np.int64)
                self._telab = np.array([[c.setdefault(o, len(c)) for o in row]
                                        for row in t.outputs], dtype=np.int64)
            else:
                self._tlab = np.array([c.setdefault(o, len(c)) for o in t.outputs],
                                      dtype=np.int64)
                self._telab = np.zeros(t.delta.shape, dtype=np.int64)
        c = self._codes
        n = len(c)

        def code(o: Any) -> int:
            v = c.get(o)
            return n if v is None else v  # an output the target never emits

        if isinstance(hyp, MealyMachine):
            lab = np.zeros(hyp.n_states, dtype=np.int64)
            elab = np.array([[code(o) for o in row] for row in hyp.outputs], dtype=np.int64)
        else:
            lab = np.array([code(o) for o in hyp.outputs], dtype=np.int64)
            elab = np.zeros(hyp.delta.shape, dtype=np.int64)
        return _kernels()._product_bfs(hyp.delta, hyp.start, lab, elab, t.delta, t.start,
                                       self._tlab, self._telab)


class _TestingOracle(EquivalenceOracle):
    """Shared machinery: evaluate batches of random test words on hypothesis and system."""

    def __init__(self, seed: Any = None, batch: int = 1024):
        super().__init__()
        self.rng = as_generator(seed)
        self.batch = check_int("batch", batch, min_value=1)

    def _first_failure(self, hypothesis: Any, membership: MembershipOracle, codes: np.ndarray,
                       lens: np.ndarray, *, count_prefixes: bool = False) -> Word | None:
        """Shortest prefix of a test word on which hypothesis and system disagree (ties:
        first word), comparing the outputs after every prefix (one run per word), or None.
        Counts one test per word (``count_prefixes``: one per prefix) and its symbols."""
        if codes.shape[0] == 0:
            return None
        hyp = _hyp_prefix_labels(hypothesis, membership, codes, lens)
        sysp = np.asarray(membership._raw_prefix_array(codes, lens)).astype(np.int64)
        self.tests += int(lens.sum()) if count_prefixes else int(codes.shape[0])
        self.test_symbols += int(lens.sum())
        L = codes.shape[1]
        valid = np.arange(L + 1)[None, :] <= lens[:, None]
        if isinstance(hypothesis, MealyMachine):
            valid[:, 0] = False
        bad = (sysp != hyp) & valid
        if not bad.any():
            return None
        first = np.where(bad.any(axis=1), np.argmax(bad, axis=1), L + 2)
        b = int(np.argmin(first))
        return tuple(codes[b, : int(first[b])].tolist())

    def _check_batch(self, hypothesis: Any, membership: MembershipOracle, codes: np.ndarray,
                     lens: np.ndarray) -> Word | None:
        """Shortest failing word of the batch (ties: first), or None."""
        from provable.automata._kernels import _run_batch_serial
        if not isinstance(hypothesis, DFA):
            _check_kind(hypothesis, membership)
            return self._first_failure(hypothesis, membership, codes, lens)
        q = _run_batch_serial(hypothesis.delta, hypothesis.start, codes, lens,
                       np.empty(codes.shape[0], dtype=np.int64))
        hyp = hypothesis.accepting[q]
        sysans = membership._raw_array(codes, lens)
        self.tests += int(codes.shape[0])
        self.test_symbols += int(lens.sum())
        bad = np.flatnonzero(hyp != sysans)
        if bad.size == 0:
            return None
        b = int(bad[np.argmin(lens[bad])])
        return tuple(codes[b, : lens[b]].tolist())


class RandomWordOracle(_TestingOracle):
    """Testing oracle: ``num_tests`` uniform random words with lengths uniform in
    ``[min_length, max_length]`` per equivalence query.

    Examples
    --------
    >>> from provable import automata as am
    >>> target = am.from_regex("(a|b)*abb", "ab")
    >>> eq = am.RandomWordOracle(num_tests=500, max_length=10, seed=0)
    >>> eq.find_counterexample(am.from_regex("∅", "ab"), am.DFAMembership(target)) is not None
    True
    """

    def __init__(self, num_tests: int = 1000, *, min_length: int = 0, max_length: int = 20,
                 seed: Any = None, batch: int = 1024):
        super().__init__(seed, batch)
        self.num_tests = check_int("num_tests", num_tests, min_value=1)
        self.min_length = check_int("min_length", min_length, min_value=0)
        self.max_length = check_int("max_length", max_length, min_value=self.min_length)

    def _sample(self, m: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        lens = self.rng.integers(self.min_length, self.max_length + 1, size=m).astype(np.int64)
        codes = self.rng.integers(0, k, size=(m, max(self.max_length, 1))).astype(np.int64)
        return codes, lens

    def _budget(self) -> int:
        return self.num_tests

    def _find(self, hypothesis: DFA, membership: MembershipOracle) -> Any:
        left = self._budget()
        while left > 0:
            m = min(left, self.batch)
            left -= m
            codes, lens = self._sample(m, hypothesis.n_symbols)
            w = self._check_batch(hypothesis, membership, codes, lens)
            if w is not None:
                return w
        return None


class PACOracle(RandomWordOracle):
    r"""Angluin's PAC equivalence oracle: at equivalence query number ``i`` (1-based) draw

    .. math:: m_i = \left\lceil \tfrac{1}{\varepsilon}\left(\ln\tfrac{1}{\delta}
              + i \ln 2\right) \right\rceil

    words i.i.d. from the test distribution (length uniform in ``[min_length,
    max_length]``, symbols uniform). If every test passes, the hypothesis has error at
    most ``epsilon`` under that distribution with probability at least ``1 - delta``
    over the whole run (union bound: :math:`\sum_i \delta 2^{-i} \le \delta`)
    [Angluin 1987, *Learning regular sets from queries and counterexamples*, §4].

    Examples
    --------
    >>> from provable import automata as am
    >>> am.PACOracle(epsilon=0.1, delta=0.05).tests_for_round(1)
    37
    """

    def __init__(self, epsilon: float = 0.01, delta: float = 0.01, *, min_length: int = 0,
                 max_length: int = 20, seed: Any = None, batch: int = 1024):
        super().__init__(1, min_length=min_length, max_length=max_length, seed=seed,
                         batch=batch)
        self.epsilon = check_real("epsilon", epsilon, lower=0.0, upper=1.0, lower_open=True)
        self.delta = check_real("delta", delta, lower=0.0, upper=1.0, lower_open=True,
                                upper_open=True)

    def tests_for_round(self, i: int) -> int:
        """Number of tests at equivalence query ``i`` (1-based)."""
        i = check_int("i", i, min_value=1)
        return math.ceil((math.log(1.0 / self.delta) + i * math.log(2.0)) / self.epsilon)

    def _budget(self) -> int:
        return self.tests_for_round(self.queries)


class RandomWalkOracle(_TestingOracle):
    """Testing oracle in the style of AALpy's ``RandomWalkEqOracle``: a random walk of
    ``num_steps`` symbols that restarts with probability ``reset_prob`` after each step;
    the output is compared after every step (so every prefix of every episode is a test).

    Examples
    --------
    >>> from provable import automata as am
    >>> target = am.from_regex("(a|b)*abb", "ab")
    >>> eq = am.RandomWalkOracle(num_steps=2000, reset_prob=0.1, seed=0)
    >>> w = eq.find_counterexample(am.from_regex("∅", "ab"), am.DFAMembership(target))
    >>> w.endswith("abb")
    True
    """

    def __init__(self, num_steps: int = 5000, reset_prob: float = 0.09, *, seed: Any = None,
                 batch: int = 1024):
        super().__init__(seed, batch)
        self.num_steps = check_int("num_steps", num_steps, min_value=1)
        self.reset_prob = check_real("reset_prob", reset_prob, lower=0.0, upper=1.0,
                                     lower_open=True)

    def _find(self, hypothesis: DFA, membership: MembershipOracle) -> Any:
        from provable.automata._kernels import _accept_prefixes_serial
        left = self.num_steps
        k = hypothesis.n_symbols
        generic = not isinstance(hypothesis, DFA)
        if generic:
            _check_kind(hypothesis, membership)
        while left > 0:
            lens = self.rng.geometric(self.reset_prob, size=self.batch).astype(np.int64)
            m = min(int(np.searchsorted(np.cumsum(lens), left)) + 1, lens.size)
            lens = lens[:m]
            if lens.sum() > left:
                lens[-1] -= int(lens.sum() - left)
            left -= int(lens.sum())
            L = int(lens.max())
            codes = self.rng.integers(0, k, size=(m, L)).astype(np.int64)
            if generic:
                w = self._first_failure(hypothesis, membership, codes, lens,
                                        count_prefixes=True)
                if w is not None:
                    return w
                continue
            hyp = np.empty((m, L + 1), dtype=np.bool_)
            _accept_prefixes_serial(hypothesis.delta, hypothesis.start, hypothesis.accepting,
                                    codes, lens, hyp)
            self.tests += int(lens.sum())
            self.test_symbols += int(lens.sum())
            if membership.prefix_outputs:
                sysp = np.asarray(membership._answer_array(codes, lens), dtype=bool)
            else:
                # every prefix of every episode is a separate test word
                rows = np.repeat(np.arange(m), lens)
                plen = np.concatenate([np.arange(1, x + 1) for x in lens])
                ans = membership._raw_array(codes[rows], plen)
                sysp = np.zeros((m, L + 1), dtype=bool)
                sysp[rows, plen] = ans
                sysp[:, 0] = hyp[:, 0]
            valid = np.arange(L + 1)[None, :] <= lens[:, None]
            valid[:, 0] = False
            bad = (sysp != hyp) & valid
            if bad.any():
                b, t = (int(i) for i in np.argwhere(bad)[0])
                return tuple(codes[b, :t].tolist())
        return None


_ORACLES = ("exact", "random_word", "random_walk", "pac", "w", "wp", "random_w")


class Teacher:
    """A membership oracle and an equivalence oracle, as seen by a learner.

    Parameters
    ----------
    membership : MembershipOracle
    equivalence : EquivalenceOracle

    Examples
    --------
    >>> from provable import automata as am
    >>> t = am.Teacher.from_dfa(am.random_dfa(20, 2, seed=0))
    >>> t.alphabet
    'ab'
    """

    def __init__(self, membership: MembershipOracle, equivalence: EquivalenceOracle):
        if not isinstance(membership, MembershipOracle):
            raise InvalidType(f"membership has type {type(membership).__name__}, expected a "
                              "MembershipOracle")
        if not isinstance(equivalence, EquivalenceOracle):
            raise InvalidType(f"equivalence has type {type(equivalence).__name__}, expected an "
                              "EquivalenceOracle")
        self.membership = membership
        self.equivalence = equivalence

    @property
    def alphabet(self) -> Alphabet:
        """The alphabet of the membership oracle."""
        return self.membership.alphabet

    @property
    def kind(self) -> str:
        """What is learned: ``"dfa"``, ``"mealy"`` or ``"moore"`` (from the membership
        oracle)."""
        return self.membership.kind

    def __repr__(self) -> str:
        return (f"Teacher(membership={type(self.membership).__name__}, "
                f"equivalence={type(self.equivalence).__name__}, alphabet={self.alphabet!r})")

    @classmethod
    def from_dfa(cls, target: DFA, oracle: str = "exact", *, seed: Any = None,
                 **options: Any) -> Teacher:
        """Teacher that simulates ``target``.

        Parameters
        ----------
        target : DFA
        oracle : {"exact", "random_word", "random_walk", "pac"}
            Equivalence oracle; ``options`` go to its constructor.
        seed : int or Generator, optional
            For the testing oracles.

        Examples
        --------
        >>> from provable import automata as am
        >>> t = am.Teacher.from_dfa(am.from_regex("a*", "ab"), "pac", epsilon=0.05, seed=0)
        >>> type(t.equivalence).__name__
        'PACOracle'
        """
        if not isinstance(target, DFA):
            raise InvalidType(f"target has type {type(target).__name__}, expected DFA")
        oracle = check_choice("oracle", oracle, _ORACLES)
        return cls(DFAMembership(target), _make_eq(oracle, target, seed, options))

    @classmethod
    def from_model(cls, model: DFA | MealyMachine | MooreMachine, oracle: str = "exact", *,
                   seed: Any = None, **options: Any) -> Teacher:
        """Teacher that simulates a DFA, Mealy or Moore machine.

        Parameters
        ----------
        model : DFA, MealyMachine or MooreMachine
        oracle : {"exact", "random_word", "random_walk", "pac", "w", "wp", "random_w"}
            Equivalence oracle: exact product search, random testing, or conformance
            testing (W-method, Wp-method, random W-method; see
            :class:`WMethodOracle`); ``options`` go to its constructor.
        seed : int or Generator, optional

        Examples
        --------
        >>> from provable import automata as am
        >>> coffee = am.MealyMachine([[1, 0], [1, 0]], [["beep", "init"], ["beep", "coffee"]],
        ...                          alphabet=["coin", "button"])
        >>> t = am.Teacher.from_model(coffee)
        >>> t.kind, am.equivalent(am.lstar(t).model, coffee)
        ('mealy', (True, None))
        """
        if isinstance(model, DFA):
            return cls.from_dfa(model, oracle, seed=seed, **options)
        if not isinstance(model, (MealyMachine, MooreMachine)):
            raise InvalidType(f"model has type {type(model).__name__}, expected DFA, "
                              "MealyMachine or MooreMachine")
        oracle = check_choice("oracle", oracle, _ORACLES)
        return cls(MachineMembership(model), _make_eq(oracle, model, seed, options))

    @classmethod
    def from_sul(cls, sul: Any, alphabet: Iterable[Hashable], kind: str = "mealy",
                 oracle: str = "wp", *, target: Any = None, seed: Any = None,
                 **options: Any) -> Teacher:
        """Teacher for a step-wise system (``reset()`` / ``step(symbol) -> output``).

        Parameters
        ----------
        sul : SystemUnderLearning
            Or any object with ``reset`` and ``step`` methods (see
            :class:`SystemUnderLearning`).
        alphabet : iterable of hashable
        kind : {"mealy", "moore", "dfa"}
            ``"dfa"``: ``reset()`` returns whether the empty word is accepted and
            ``step(symbol)`` whether the word read so far is (a membership oracle that
            answers every prefix in one run, learned as a DFA).
        oracle : str, default "wp"
            Equivalence oracle, as in :meth:`from_model`; ``"exact"`` needs ``target``
            (a machine assumed to behave as the system).

        Examples
        --------
        >>> from provable import automata as am
        >>> m = am.MooreMachine([[1, 0], [0, 1]], ["even", "odd"], alphabet="ab")
        >>> t = am.Teacher.from_sul(am.MachineSUL(m), "ab", kind="moore")
        >>> res = am.lstar(t)
        >>> am.equivalent(res.model, m)[0]
        True
        >>> # one reset per query that missed the cache and per test word
        >>> res.resets == res.membership_queries + res.eq_tests
        True
        >>> res.steps == res.symbols_queried + res.eq_test_symbols
        True
        """
        oracle = check_choice("oracle", oracle, _ORACLES)
        if oracle == "exact" and target is None:
            raise InvalidArgument("oracle='exact' needs target=... to compare against")
        kind = check_choice("kind", kind, ("mealy", "moore", "dfa"))
        mq = (_SULAcceptance(sul, alphabet) if kind == "dfa"
              else SULMembership(sul, alphabet, kind))
        return cls(mq, _make_eq(oracle, target, seed, options))

    @classmethod
    def from_function(cls, alphabet: Iterable[Hashable], fn: Callable[[Any], bool],
                      oracle: str = "random_word", *, target: DFA | None = None,
                      seed: Any = None, **options: Any) -> Teacher:
        """Teacher for a black-box predicate ``fn(word) -> bool``.

        ``oracle="exact"`` needs ``target`` (a DFA assumed to accept what ``fn``
        accepts); the testing oracles only need ``fn``.

        Examples
        --------
        >>> from provable import automata as am
        >>> t = am.Teacher.from_function("ab", lambda w: w.count("b") % 3 == 0, seed=0)
        >>> am.lstar(t).model.n_states
        3
        """
        oracle = check_choice("oracle", oracle, _ORACLES)
        if oracle == "exact" and target is None:
            raise InvalidArgument("oracle='exact' needs target=DFA(...) to compare against")
        return cls(FunctionMembership(alphabet, fn), _make_eq(oracle, target, seed, options))


def _make_eq(oracle: str, target: Any, seed: Any, options: dict) -> EquivalenceOracle:
    if oracle == "exact":
        if options:
            raise InvalidArgument(f"oracle='exact' takes no options, got {sorted(options)}")
        return ExactOracle(target)
    from provable.automata import _conformance as cf
    cls = {"random_word": RandomWordOracle, "random_walk": RandomWalkOracle,
           "pac": PACOracle, "w": cf.WMethodOracle, "wp": cf.WpMethodOracle,
           "random_w": cf.RandomWMethodOracle}[oracle]
    try:
        return cls(seed=seed, **options)
    except TypeError as e:
        raise InvalidArgument(f"oracle={oracle!r}: {e}") from e
