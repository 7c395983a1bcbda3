"""Deterministic finite automata, Moore and Mealy machines.

All three share one representation: a transition table ``delta`` of shape ``(n, k)``
(``delta[q, a]`` is the successor of state ``q`` on the ``a``-th symbol of the
alphabet), a start state and an :class:`Alphabet` of hashable symbols. A DFA adds an
accepting mask, a Moore machine a state output, a Mealy machine a transition output.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np

from provable._validation import as_generator, check_choice, check_int, check_memory, check_real
from provable.automata._alphabet import Alphabet
from provable.errors import InvalidArgument, InvalidModel, InvalidType

__all__ = ["DFA", "MooreMachine", "MealyMachine", "random_dfa"]

_BACKENDS = ("auto", "numba", "numpy", "torch")


def _check_delta(delta: Any, k: int | None = None) -> np.ndarray:
    """Validate a deterministic transition table; return a read-only int64 (n, k) array."""
    if isinstance(delta, np.ndarray):
        arr = delta
    else:
        # walk nested lists to name the first non-deterministic / ragged entry
        if not isinstance(delta, Sequence) or isinstance(delta, (str, bytes)):
            raise InvalidType(f"delta has type {type(delta).__name__}, expected an (n, k) "
                              "integer array")
        width = None
        for q, row in enumerate(delta):
            if isinstance(row, (str, bytes)) or not isinstance(row, (Sequence, np.ndarray)):
                raise InvalidModel(f"delta[{q}]={row!r}, expected a row of k target states")
            if width is None:
                width = len(row)
            elif len(row) != width:
                raise InvalidModel(f"delta[{q}] has {len(row)} entries, expected {width} "
                                   "(one target per symbol, as in delta[0])")
            for a, t in enumerate(row):
                if isinstance(t, (Sequence, set, frozenset, np.ndarray)) and not isinstance(
                        t, (str, bytes)):
                    ts = list(t)
                    if len(ts) != 1:
                        raise InvalidModel(
                            f"delta[{q}][{a}]={t!r} lists {len(ts)} targets: the table is "
                            "non-deterministic, expected exactly one target state per "
                            "(state, symbol)")
                    raise InvalidModel(f"delta[{q}][{a}]={t!r} is a collection, expected a "
                                       "single integer target state")
        arr = np.asarray(delta)
    if arr.ndim == 3:
        raise InvalidModel(f"delta has shape {arr.shape}: a third axis means several targets "
                           "per (state, symbol), i.e. a non-deterministic table; expected a "
                           "deterministic (n, k) table")
    if arr.ndim != 2:
        raise InvalidModel(f"delta has shape {arr.shape}, expected (n, k) with n >= 1 states "
                           "and k >= 1 symbols")
    n, kk = arr.shape
    if n == 0:
        raise InvalidModel("delta has 0 states, expected n >= 1")
    if kk == 0:
        raise InvalidModel("delta has 0 columns: the alphabet is empty, expected k >= 1")
    if k is not None and kk != k:
        raise InvalidModel(f"delta has {kk} columns, expected k={k} (one per alphabet symbol)")
    if arr.dtype == np.bool_ or not (np.issubdtype(arr.dtype, np.integer)
                                     or np.issubdtype(arr.dtype, np.floating)):
        raise InvalidModel(f"delta has dtype {arr.dtype}, expected integer target states")
    if np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            q, a = (int(i) for i in np.argwhere(bad)[0])
            raise InvalidModel(f"delta[{q}, {a}]={arr[q, a]!r} is not an integer state")
    out = arr.astype(np.int64)
    bad = (out < 0) | (out >= n)
    if bad.any():
        q, a = (int(i) for i in np.argwhere(bad)[0])
        raise InvalidModel(f"delta[{q}, {a}]={int(out[q, a])} is out of range, expected a state "
                           f"in [0, {n})")
    out = np.ascontiguousarray(out)
    out.setflags(write=False)
    return out


def _check_start(start: Any, n: int) -> int:
    if isinstance(start, bool) or not isinstance(start, numbers.Integral):
        raise InvalidType(f"start={start!r} has type {type(start).__name__}, expected an "
                          "integer state")
    if not 0 <= int(start) < n:
        raise InvalidModel(f"start={int(start)} is out of range, expected a state in [0, {n})")
    return int(start)


def _make_alphabet(alphabet: Any, k: int) -> Alphabet:
    if alphabet is None:
        return Alphabet(range(k))
    alph = Alphabet(alphabet)
    if len(alph) != k:
        raise InvalidModel(f"alphabet={alph!r} has {len(alph)} symbols but delta has {k} "
                           "columns, expected one column per symbol")
    return alph


class _Machine:
    """Shared part: transition table, start state, alphabet, word runners."""

    __slots__ = ("delta", "start", "alphabet")

    delta: np.ndarray
    start: int
    alphabet: Alphabet

    def _init_common(self, delta: Any, start: Any, alphabet: Any) -> None:
        if alphabet is not None and not isinstance(alphabet, Alphabet):
            alphabet = Alphabet(alphabet)  # empty alphabets are rejected here, by name
        d = _check_delta(delta)
        object.__setattr__(self, "delta", d)
        object.__setattr__(self, "start", _check_start(start, d.shape[0]))
        object.__setattr__(self, "alphabet", _make_alphabet(alphabet, d.shape[1]))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    @property
    def n_states(self) -> int:
        """Number of states ``n``."""
        return int(self.delta.shape[0])

    @property
    def n_symbols(self) -> int:
        """Alphabet size ``k``."""
        return int(self.delta.shape[1])

    def __len__(self) -> int:
        return self.n_states

    def encode(self, word: Iterable[Hashable]) -> tuple[int, ...]:
        """Integer codes of the symbols of ``word``."""
        return self.alphabet.encode(word)

    def run(self, word: Iterable[Hashable], state: int | None = None) -> int:
        """State reached after reading ``word`` from ``state`` (default: the start)."""
        q = self.start if state is None else _check_start(state, self.n_states)
        d = self.delta
        for c in self.alphabet.encode(word):
            q = int(d[q, c])
        return q

    def _batch_states(self, words: Any, lengths: Any, backend: str, device: Any) -> np.ndarray:
        codes, lens = _as_codes(self, words, lengths)
        backend = check_choice("backend", backend, _BACKENDS)
        if backend == "torch" or (backend == "auto" and _is_torch(words)):
            from provable.automata._torch import run_batch_torch
            return run_batch_torch(self.delta, self.start, codes, lens, device=device)
        if backend == "numpy":
            q = np.full(codes.shape[0], self.start, dtype=np.int64)
            for t in range(codes.shape[1]):
                live = t < lens
                q = np.where(live, self.delta[q, codes[:, t]], q)
            return q
        from provable.automata._kernels import _run_batch
        out = np.empty(codes.shape[0], dtype=np.int64)
        return _run_batch(self.delta, self.start, codes, lens, out)

    def run_batch(self, words: Any, lengths: Any = None, *, backend: str = "auto",
                  device: Any = None) -> np.ndarray:
        """Final states of a batch of words.

        Parameters
        ----------
        words : list of words, or array_like(int, ndim=2)
            Either a list of words over the alphabet, or a padded ``(B, L)`` array of
            symbol *codes* (``0..k-1``), read up to ``lengths[b]`` (default ``L``).
        lengths : array_like(int, ndim=1), optional
            Word lengths for a padded code array.
        backend : {"auto", "numba", "numpy", "torch"}
            ``"auto"`` uses numba, or torch when ``words`` is a torch tensor.
        device : str or torch.device, optional
            Torch device (``"cpu"``, ``"cuda"``); default CUDA when available.

        Returns
        -------
        numpy.ndarray(int64, ndim=1)  (or a torch tensor on the torch backend)
        """
        return self._batch_states(words, lengths, backend, device)


def _is_torch(x: Any) -> bool:
    return type(x).__module__.startswith("torch")


def _as_codes(m: _Machine, words: Any, lengths: Any) -> tuple[np.ndarray, np.ndarray]:
    """Padded int64 codes and lengths, validated against the machine's alphabet size."""
    if _is_torch(words):
        words = words.detach().cpu().numpy()
    if isinstance(words, np.ndarray):
        if words.ndim != 2:
            raise InvalidArgument(f"words has shape {words.shape}, expected a padded (B, L) "
                                  "array of symbol codes")
        if not np.issubdtype(words.dtype, np.integer):
            raise InvalidArgument(f"words has dtype {words.dtype}, expected integer codes")
        codes = np.ascontiguousarray(words, dtype=np.int64)
        B, L = codes.shape
        if lengths is None:
            lens = np.full(B, L, dtype=np.int64)
        else:
            if _is_torch(lengths):
                lengths = lengths.detach().cpu().numpy()
            try:
                raw = np.asarray(lengths)
            except (ValueError, TypeError) as e:
                raise InvalidArgument(f"lengths cannot be read as an array ({e})") from None
            if raw.dtype.kind not in "iu":
                raise InvalidType(f"lengths has dtype {raw.dtype}, expected integers "
                                  "(a length such as 1.7 is not silently truncated)")
            lens = np.ascontiguousarray(raw, dtype=np.int64)
            if lens.shape != (B,):
                raise InvalidArgument(f"lengths has shape {lens.shape}, expected ({B},)")
            if B and (lens.min() < 0 or lens.max() > L):
                b = int(np.argmax((lens < 0) | (lens > L)))
                raise InvalidArgument(f"lengths[{b}]={int(lens[b])}, expected 0 <= length "
                                      f"<= {L}")
        if codes.size:
            mask = np.arange(L)[None, :] < lens[:, None]
            bad = mask & ((codes < 0) | (codes >= m.n_symbols))
            if bad.any():
                b, t = (int(i) for i in np.argwhere(bad)[0])
                raise InvalidArgument(f"words[{b}, {t}]={int(codes[b, t])} is not a symbol code, "
                                      f"expected 0 <= code < k={m.n_symbols}")
        return codes, lens
    if isinstance(words, (str, bytes)) or not isinstance(words, Sequence):
        raise InvalidType(f"words has type {type(words).__name__}, expected a list of words or "
                          "a (B, L) code array")
    if lengths is not None:
        raise InvalidArgument("lengths is only meaningful with a padded code array")
    return m.alphabet.encode_batch(words)


class DFA(_Machine):
    """Deterministic finite automaton.

    Parameters
    ----------
    delta : array_like(int, ndim=2)
        Transition table of shape ``(n, k)``; ``delta[q, a]`` is the successor of state
        ``q`` on symbol ``alphabet[a]``. Exactly one target per entry.
    accepting : array_like(bool, ndim=1)
        Accepting mask of length ``n``.
    start : int, default 0
        Start state.
    alphabet : iterable of hashable, optional
        The ``k`` symbols, in column order (a string means its characters). Default
        ``range(k)``.

    Examples
    --------
    >>> from provable import automata as am
    >>> even_a = am.DFA([[1, 0], [0, 1]], [True, False], start=0, alphabet="ab")
    >>> even_a.accepts("abba"), even_a.accepts("ab")
    (True, False)
    >>> even_a.accepts_batch(["", "a", "aa"]).tolist()
    [True, False, True]
    """

    __slots__ = ("accepting",)

    accepting: np.ndarray

    def __init__(self, delta: Any, accepting: Any, start: int = 0,
                 alphabet: Iterable[Hashable] | None = None):
        self._init_common(delta, start, alphabet)
        object.__setattr__(self, "accepting", _check_mask(accepting, self.n_states))

    @classmethod
    def _trusted(cls, delta: np.ndarray, accepting: np.ndarray, start: int,
                 alphabet: Alphabet) -> DFA:
        """Unvalidated constructor for tables the library built itself (the learners'
        hypotheses): ``delta`` an int64 ``(n, k)`` table of states in ``[0, n)``,
        ``accepting`` a bool ``(n,)`` mask, ``alphabet`` an :class:`Alphabet` of ``k``
        symbols. The arrays are taken over (made read-only), not copied."""
        d = np.ascontiguousarray(delta, dtype=np.int64)
        d.setflags(write=False)
        acc = np.ascontiguousarray(accepting, dtype=bool)
        acc.setflags(write=False)
        self = object.__new__(cls)
        object.__setattr__(self, "delta", d)
        object.__setattr__(self, "start", int(start))
        object.__setattr__(self, "alphabet", alphabet)
        object.__setattr__(self, "accepting", acc)
        return self

    @classmethod
    def from_transitions(cls, transitions: Iterable[tuple[Any, Hashable, Any]],
                         accepting: Iterable[Any], start: Any,
                         alphabet: Iterable[Hashable] | None = None, *,
                         complete: bool = False) -> DFA:
        """Build a DFA from ``(source, symbol, target)`` triples with any hashable state names.

        Two triples with the same ``(source, symbol)`` and different targets make the
        table non-deterministic and raise :class:`~provable.errors.InvalidModel`. A
        missing transition raises too, unless ``complete=True`` (then it goes to a new
        rejecting sink state).

        Examples
        --------
        >>> from provable import automata as am
        >>> d = am.DFA.from_transitions([("s", "a", "t"), ("t", "a", "s")],
        ...                             accepting={"t"}, start="s")
        >>> d.accepts("a"), d.accepts("aa")
        (True, False)
        """
        trans = list(transitions)
        names: dict = {start: 0}
        for i, tr in enumerate(trans):
            if not isinstance(tr, tuple) or len(tr) != 3:
                raise InvalidModel(f"transitions[{i}]={tr!r}, expected (source, symbol, target)")
            for s in (tr[0], tr[2]):
                names.setdefault(s, len(names))
        acc_set = set(accepting)
        for s in acc_set:
            names.setdefault(s, len(names))
        if alphabet is None:
            syms: list = []
            for tr in trans:
                if tr[1] not in syms:
                    syms.append(tr[1])
            try:
                syms = sorted(syms)
            except TypeError:
                pass
            alph = Alphabet(syms, name="alphabet (from transitions)")
        else:
            alph = Alphabet(alphabet)
        n, k = len(names), len(alph)
        delta = -np.ones((n, k), dtype=np.int64)
        for i, (s, a, t) in enumerate(trans):
            if a not in alph.index:
                raise InvalidModel(f"transitions[{i}]={(s, a, t)!r}: symbol {a!r} is not in the "
                                   f"alphabet {alph!r}")
            p, c, q = names[s], alph.index[a], names[t]
            if delta[p, c] >= 0 and delta[p, c] != q:
                other = next(x for x, v in names.items() if v == delta[p, c])
                raise InvalidModel(
                    f"transitions[{i}]={(s, a, t)!r} conflicts with an earlier target {other!r} "
                    f"for ({s!r}, {a!r}): the table is non-deterministic")
            delta[p, c] = q
        if (delta < 0).any():
            if not complete:
                p, c = (int(i) for i in np.argwhere(delta < 0)[0])
                state = next(x for x, v in names.items() if v == p)
                raise InvalidModel(f"no transition from {state!r} on {alph.symbols[c]!r}; pass "
                                   "complete=True to send missing transitions to a sink")
            delta = np.vstack([delta, -np.ones((1, k), dtype=np.int64)])
            delta[delta < 0] = n
            n += 1
        acc = np.zeros(n, dtype=bool)
        for s in acc_set:
            acc[names[s]] = True
        return cls(delta, acc, 0, alph)

    def __repr__(self) -> str:
        return (f"DFA(n_states={self.n_states}, alphabet={self.alphabet!r}, start={self.start}, "
                f"n_accepting={int(self.accepting.sum())})")

    def accepts(self, word: Iterable[Hashable]) -> bool:
        """Whether ``word`` (a sequence of alphabet symbols) is accepted.

        Examples
        --------
        >>> from provable import automata as am
        >>> am.DFA([[1], [1]], [False, True], alphabet="a").accepts("a")
        True
        """
        return bool(self.accepting[self.run(word)])

    def accepts_batch(self, words: Any, lengths: Any = None, *, backend: str = "auto",
                      device: Any = None) -> Any:
        """Acceptance of a batch of words (see :meth:`run_batch` for the input forms).

        The numba kernel runs over a padded int array in parallel; ``backend="torch"``
        runs one gather per position on ``device`` (CUDA when available) and returns a
        torch bool tensor.

        Examples
        --------
        >>> import numpy as np
        >>> from provable import automata as am
        >>> d = am.random_dfa(20, 2, seed=0)
        >>> codes = np.random.default_rng(0).integers(0, 2, size=(1000, 50))
        >>> acc = d.accepts_batch(codes)
        >>> bool(acc[0]) == d.accepts(d.alphabet.decode(codes[0]))
        True
        """
        q = self._batch_states(words, lengths, backend, device)
        if _is_torch(q):
            import torch
            return torch.as_tensor(np.array(self.accepting), device=q.device)[q]
        return self.accepting[q]

    def labels(self) -> np.ndarray:
        """Integer state labels used by the kernels (1 accepting, 0 rejecting)."""
        return self.accepting.astype(np.int64)


def _check_mask(accepting: Any, n: int) -> np.ndarray:
    if isinstance(accepting, (set, frozenset)):
        raise InvalidType("accepting is a set; expected a boolean mask of length n (use "
                          "DFA.from_transitions for named accepting states)")
    arr = np.asarray(accepting)
    if arr.shape != (n,):
        raise InvalidModel(f"accepting has shape {arr.shape}, expected ({n},) (one flag per "
                           "state)")
    if arr.dtype != np.bool_:
        if not np.issubdtype(arr.dtype, np.number) or not np.isin(arr, (0, 1)).all():
            i = int(np.argmax(~np.isin(arr, (0, 1)))) if np.issubdtype(arr.dtype,
                                                                       np.number) else 0
            raise InvalidModel(f"accepting[{i}]={arr[i]!r}, expected a boolean flag")
    out = np.ascontiguousarray(arr, dtype=bool)
    out.setflags(write=False)
    return out


def _output_codes(values: Sequence[Any]) -> tuple[np.ndarray, list]:
    """Integer codes for arbitrary hashable outputs (first-seen order)."""
    table: dict = {}
    codes = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        codes[i] = table.setdefault(v, len(table))
    return codes, list(table)


class MooreMachine(_Machine):
    """Moore machine: every state carries an output; a word's output is the final state's.

    Parameters
    ----------
    delta : array_like(int, ndim=2)
        ``(n, k)`` transition table.
    outputs : sequence of hashable, length n
        Output of each state.
    start : int, default 0
    alphabet : iterable of hashable, optional

    Examples
    --------
    >>> from provable import automata as am
    >>> mod3 = am.MooreMachine([[1], [2], [0]], outputs=[0, 1, 2], alphabet="a")
    >>> mod3.output("aaaa"), mod3.trace("aa")
    (1, [0, 1, 2])
    """

    __slots__ = ("outputs",)

    outputs: tuple

    def __init__(self, delta: Any, outputs: Sequence[Hashable], start: int = 0,
                 alphabet: Iterable[Hashable] | None = None):
        self._init_common(delta, start, alphabet)
        outs = tuple(outputs.tolist() if isinstance(outputs, np.ndarray) else outputs)
        if len(outs) != self.n_states:
            raise InvalidModel(f"outputs has {len(outs)} entries, expected {self.n_states} "
                               "(one per state)")
        for i, o in enumerate(outs):
            try:
                hash(o)
            except TypeError as e:
                raise InvalidModel(f"outputs[{i}]={o!r} is not hashable") from e
        object.__setattr__(self, "outputs", outs)

    @classmethod
    def _trusted(cls, delta: np.ndarray, outputs: Sequence[Hashable], start: int,
                 alphabet: Alphabet) -> MooreMachine:
        """Unvalidated constructor for tables the library built itself (the learners'
        hypotheses): ``delta`` int64 ``(n, k)`` with states in ``[0, n)``, ``outputs`` n
        hashable values, ``alphabet`` an :class:`Alphabet` of ``k`` symbols."""
        d = np.ascontiguousarray(delta, dtype=np.int64)
        d.setflags(write=False)
        self = object.__new__(cls)
        object.__setattr__(self, "delta", d)
        object.__setattr__(self, "start", int(start))
        object.__setattr__(self, "alphabet", alphabet)
        object.__setattr__(self, "outputs", tuple(outputs))
        return self

    def __repr__(self) -> str:
        return (f"MooreMachine(n_states={self.n_states}, alphabet={self.alphabet!r}, "
                f"start={self.start})")

    def output(self, word: Iterable[Hashable]) -> Any:
        """Output of the state reached by ``word``."""
        return self.outputs[self.run(word)]

    def trace(self, word: Iterable[Hashable]) -> list:
        """Outputs after every prefix of ``word`` (``len(word) + 1`` values)."""
        q = self.start
        out = [self.outputs[q]]
        for c in self.alphabet.encode(word):
            q = int(self.delta[q, c])
            out.append(self.outputs[q])
        return out

    def labels(self) -> np.ndarray:
        """Integer codes of the state outputs (equal outputs, equal codes)."""
        return _output_codes(self.outputs)[0]


class MealyMachine(_Machine):
    """Mealy machine: every transition carries an output.

    Parameters
    ----------
    delta : array_like(int, ndim=2)
        ``(n, k)`` transition table.
    outputs : array_like, shape (n, k)
        ``outputs[q][a]`` is emitted when reading ``alphabet[a]`` in state ``q``.
    start : int, default 0
    alphabet : iterable of hashable, optional

    Examples
    --------
    >>> from provable import automata as am
    >>> toggle = am.MealyMachine([[1], [0]], outputs=[["on"], ["off"]], alphabet="t")
    >>> toggle.transduce("ttt")
    ['on', 'off', 'on']
    """

    __slots__ = ("outputs",)

    outputs: tuple

    def __init__(self, delta: Any, outputs: Any, start: int = 0,
                 alphabet: Iterable[Hashable] | None = None):
        self._init_common(delta, start, alphabet)
        rows = outputs.tolist() if isinstance(outputs, np.ndarray) else list(outputs)
        if len(rows) != self.n_states:
            raise InvalidModel(f"outputs has {len(rows)} rows, expected {self.n_states}")
        table = []
        for q, row in enumerate(rows):
            row = tuple(row)
            if len(row) != self.n_symbols:
                raise InvalidModel(f"outputs[{q}] has {len(row)} entries, expected "
                                   f"k={self.n_symbols}")
            for a, o in enumerate(row):
                try:
                    hash(o)
                except TypeError as e:
                    raise InvalidModel(f"outputs[{q}][{a}]={o!r} is not hashable") from e
            table.append(row)
        object.__setattr__(self, "outputs", tuple(table))

    @classmethod
    def _trusted(cls, delta: np.ndarray, outputs: Sequence[Sequence[Hashable]], start: int,
                 alphabet: Alphabet) -> MealyMachine:
        """Unvalidated constructor for tables the library built itself (the learners'
        hypotheses): ``outputs`` n rows of k hashable values."""
        d = np.ascontiguousarray(delta, dtype=np.int64)
        d.setflags(write=False)
        self = object.__new__(cls)
        object.__setattr__(self, "delta", d)
        object.__setattr__(self, "start", int(start))
        object.__setattr__(self, "alphabet", alphabet)
        object.__setattr__(self, "outputs", tuple(tuple(r) for r in outputs))
        return self

    def __repr__(self) -> str:
        return (f"MealyMachine(n_states={self.n_states}, alphabet={self.alphabet!r}, "
                f"start={self.start})")

    def transduce(self, word: Iterable[Hashable]) -> list:
        """Outputs emitted while reading ``word``."""
        q = self.start
        out = []
        for c in self.alphabet.encode(word):
            out.append(self.outputs[q][c])
            q = int(self.delta[q, c])
        return out

    def output(self, word: Iterable[Hashable]) -> Any:
        """Last output emitted on ``word`` (``None`` for the empty word)."""
        out = self.transduce(word)
        return out[-1] if out else None

    def edge_labels(self) -> np.ndarray:
        """Integer codes of the transition outputs, shape ``(n, k)``."""
        flat = [o for row in self.outputs for o in row]
        return _output_codes(flat)[0].reshape(self.n_states, self.n_symbols)


def random_dfa(n: int, k: int, seed: Any = None, *, accept_prob: float = 0.5,
               alphabet: Iterable[Hashable] | None = None, max_tries: int = 1000,
               max_bytes: int | None = None) -> DFA:
    """A random *minimal* DFA with exactly ``n`` states, all reachable from the start.

    A random spanning tree rooted at state 0 (each state ``i >= 1`` gets an incoming
    edge from a uniformly chosen free slot of a state ``< i``) guarantees reachability;
    the other transitions are uniform and each state accepts with probability
    ``accept_prob``. Draws that are not minimal (checked with Hopcroft's algorithm) are
    rejected and redrawn, so the result is uniform over these tree-rooted minimal tables.

    Parameters
    ----------
    n, k : int
        Number of states (>= 1) and alphabet size (>= 1).
    seed : int or numpy.random.Generator, optional
    accept_prob : float, default 0.5
    alphabet : iterable of hashable, optional
        Default: ``"ab…"`` (the first ``k`` lowercase letters) when ``k <= 26``, else
        ``range(k)``.
    max_bytes : int, optional
        Cap on the memory of the draw (the transition table and its work arrays, about
        ``24 * n * k`` bytes); default 4 GiB or the environment variable
        ``PROVABLE_MAX_BYTES``. A larger request is refused before anything is allocated.

    Examples
    --------
    >>> from provable import automata as am
    >>> d = am.random_dfa(50, 2, seed=0)
    >>> d.n_states, am.minimize(d).n_states
    (50, 50)
    >>> am.random_dfa(10**10, 2)
    Traceback (most recent call last):
    ...
    provable.errors.InvalidArgument: random_dfa(n=10000000000, k=2) (transition table and work arrays) needs 596 GiB, above max_bytes=4 GiB ...
    """
    n = check_int("n", n, min_value=1)
    k = check_int("k", k, min_value=1)
    check_memory(f"random_dfa(n={n}, k={k}) (transition table and work arrays)",
                 24 * n * k + 16 * n, max_bytes)
    p = check_real("accept_prob", accept_prob, lower=0.0, upper=1.0)
    if n > 1 and p in (0.0, 1.0):
        raise InvalidArgument(f"accept_prob={p!r} with n={n}: every state would have the same "
                              "label and no DFA with n > 1 states is minimal")
    rng = as_generator(seed)
    if alphabet is None:
        alphabet = "abcdefghijklmnopqrstuvwxyz"[:k] if k <= 26 else range(k)
    alph = Alphabet(alphabet)
    if len(alph) != k:
        raise InvalidArgument(f"alphabet={alph!r} has {len(alph)} symbols, expected k={k}")
    from provable.automata._kernels import _hopcroft
    for _ in range(max_tries):
        delta = rng.integers(0, n, size=(n, k)).astype(np.int64)
        if n > 1:
            # tree edges: state i gets a free slot among states < i (slots are p*k + a)
            used = np.zeros(n * k, dtype=bool)
            for i in range(1, n):
                # draw from the i*k slots of states < i, skipping used ones
                free = i * k - (i - 1)
                r = int(rng.integers(0, free))
                # find the r-th unused slot in [0, i*k)
                idx = np.flatnonzero(~used[: i * k])[r]
                used[idx] = True
                delta[idx // k, idx % k] = i
        acc = rng.random(n) < p
        blocks = _hopcroft(delta, acc.astype(np.int64)) if n > 1 else np.zeros(1, np.int64)
        if n == 1 or (acc.any() and (~acc).any() and len(np.unique(blocks)) == n):
            return DFA(delta, acc, 0, alph)
    raise InvalidArgument(f"random_dfa(n={n}, k={k}) found no minimal DFA in max_tries="
                          f"{max_tries} draws; raise max_tries or accept_prob away from 0/1")
