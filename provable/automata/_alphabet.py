"""Alphabets and word encoding (symbols <-> integer codes)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np

from provable.errors import InvalidArgument, InvalidType

__all__ = ["Alphabet"]


class Alphabet:
    """An ordered tuple of distinct hashable symbols with an index map.

    A string is read as its characters: ``Alphabet("ab")`` has symbols ``'a', 'b'``.
    """

    __slots__ = ("symbols", "index", "_chars", "_lut")

    def __init__(self, symbols: Iterable[Hashable] | Alphabet, *, name: str = "alphabet"):
        if isinstance(symbols, Alphabet):
            syms: tuple = symbols.symbols
        else:
            try:
                syms = tuple(symbols)
            except TypeError as e:
                raise InvalidType(
                    f"{name}={symbols!r} has type {type(symbols).__name__}, "
                    "expected an iterable of hashable symbols") from e
        if len(syms) == 0:
            raise InvalidArgument(f"{name}={symbols!r} is empty, expected at least one symbol")
        index: dict = {}
        for i, s in enumerate(syms):
            try:
                hash(s)
            except TypeError as e:
                raise InvalidType(f"{name}[{i}]={s!r} is not hashable, expected a hashable "
                                  "symbol") from e
            if s in index:
                raise InvalidArgument(f"{name}[{i}]={s!r} repeats {name}[{index[s]}], "
                                      "expected distinct symbols")
            index[s] = i
        self.symbols = syms
        self.index = index
        self._chars = all(isinstance(s, str) and len(s) == 1 for s in syms)
        self._lut = None

    def __len__(self) -> int:
        return len(self.symbols)

    def __iter__(self):
        return iter(self.symbols)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Alphabet) and self.symbols == other.symbols

    def __hash__(self) -> int:
        return hash(self.symbols)

    def __repr__(self) -> str:
        if self._chars:
            return repr("".join(self.symbols))
        return repr(self.symbols)

    def encode(self, word: Iterable[Hashable], *, name: str = "word") -> tuple[int, ...]:
        """Codes of the symbols of ``word``; raises naming the first unknown symbol."""
        idx = self.index
        try:
            return tuple(idx[s] for s in word)
        except (KeyError, TypeError):
            pass
        for i, s in enumerate(word):
            try:
                ok = s in idx
            except TypeError:
                ok = False
            if not ok:
                raise InvalidArgument(
                    f"{name}[{i}]={s!r} is not in the alphabet {self!r}") from None
        raise InvalidArgument(f"{name}={word!r} cannot be encoded")  # pragma: no cover

    def decode(self, codes: Iterable[int]) -> Any:
        """Symbols of ``codes``: a ``str`` when every symbol is a character, else a tuple."""
        syms = self.symbols
        if self._chars:
            return "".join(syms[int(c)] for c in codes)
        return tuple(syms[int(c)] for c in codes)

    def encode_batch(self, words: Sequence[Any], *, name: str = "words"
                     ) -> tuple[np.ndarray, np.ndarray]:
        """Padded ``(B, L)`` int64 code array and ``(B,)`` lengths for a list of words."""
        B = len(words)
        if B == 0:
            return np.zeros((0, 0), dtype=np.int64), np.zeros(0, dtype=np.int64)
        if self._chars and all(isinstance(w, str) for w in words):
            if self._lut is None:
                lut = -np.ones(max(ord(s) for s in self.symbols) + 1, dtype=np.int64)
                for s, i in self.index.items():
                    lut[ord(s)] = i
                self._lut = lut
            lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=B)
            L = int(lengths.max())
            flat = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
            lut = self._lut
            bad = flat >= lut.shape[0]
            codes = np.where(bad, -1, lut[np.minimum(flat, lut.shape[0] - 1)])
            if (codes < 0).any():
                j = int(np.argmax(codes < 0))
                b = int(np.searchsorted(np.cumsum(lengths), j, side="right"))
                off = j - int(lengths[:b].sum())
                raise InvalidArgument(f"{name}[{b}][{off}]={words[b][off]!r} is not in the "
                                      f"alphabet {self!r}")
            out = np.zeros((B, L), dtype=np.int64)
            mask = np.arange(L)[None, :] < lengths[:, None]
            out[mask] = codes
            return out, lengths
        enc = [self.encode(w, name=f"{name}[{b}]") for b, w in enumerate(words)]
        lengths = np.fromiter((len(w) for w in enc), dtype=np.int64, count=B)
        L = int(lengths.max())
        out = np.zeros((B, L), dtype=np.int64)
        for b, w in enumerate(enc):
            out[b, : len(w)] = w
        return out, lengths
