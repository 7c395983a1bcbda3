"""Shared argument checkers. Messages follow ``name=value …, expected …``.

These never use ``assert`` (which vanishes under ``python -O``).
"""

from __future__ import annotations

import difflib
import numbers
import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from provable.errors import InvalidArgument, InvalidModel, InvalidType, UnknownName

__all__ = [
    "DEFAULT_MAX_BYTES",
    "as_real_array",
    "check_choice",
    "check_csr",
    "check_memory",
    "check_finite_array",
    "check_int",
    "check_probability",
    "check_real",
    "check_stochastic",
    "check_valid_interval",
    "as_generator",
    "format_bytes",
    "max_bytes_default",
    "suggest",
]

#: default cap, in bytes, on what one call may allocate for a model: loading a file
#: (the uncompressed arrays it declares) and generating a model (the arrays it would
#: build). Override per call with ``max_bytes=`` or for the process with the
#: environment variable ``PROVABLE_MAX_BYTES``.
DEFAULT_MAX_BYTES: int = 4 * 2**30


def suggest(name: str, valid: Iterable[str], n: int = 3) -> list[str]:
    """Closest valid names to ``name`` (for "did you mean" messages)."""
    return difflib.get_close_matches(str(name), list(valid), n=n, cutoff=0.4)


def check_choice(name: str, value: Any, valid: Iterable[str]) -> str:
    """Check that ``value`` is one of ``valid``; raise :class:`UnknownName` listing them."""
    valid = list(valid)
    if value in valid:
        return value
    near = suggest(value, valid)
    hint = f" Did you mean {', '.join(repr(v) for v in near)}?" if near else ""
    raise UnknownName(f"{name}={value!r} is not known, expected one of {sorted(valid)}.{hint}")


def check_int(name: str, value: Any, *, min_value: int | None = None,
              max_value: int | None = None) -> int:
    """Check that ``value`` is an integer (not a bool) within the bounds; return it as ``int``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidType(f"{name}={value!r} has type {type(value).__name__}, expected an integer")
    value = int(value)
    if min_value is not None and value < min_value:
        raise InvalidArgument(f"{name}={value!r}, expected {name} >= {min_value}")
    if max_value is not None and value > max_value:
        raise InvalidArgument(f"{name}={value!r}, expected {name} <= {max_value}")
    return value


def check_real(name: str, value: Any, *, lower: float | None = None, upper: float | None = None,
               lower_open: bool = False, upper_open: bool = False) -> float:
    """Check that ``value`` is a finite real within an interval; return it as ``float``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidType(f"{name}={value!r} has type {type(value).__name__}, expected a real number")
    try:
        value = float(value)
    except (OverflowError, ValueError):
        raise InvalidArgument(f"{name}={_short(value)}, expected a finite number "
                              "(it does not fit a float)") from None
    if not np.isfinite(value):
        raise InvalidArgument(f"{name}={value!r}, expected a finite number")
    lo_bad = lower is not None and (value <= lower if lower_open else value < lower)
    hi_bad = upper is not None and (value >= upper if upper_open else value > upper)
    if lo_bad or hi_bad:
        lb = "(" if lower_open else "["
        ub = ")" if upper_open else "]"
        lo = "-inf" if lower is None else f"{lower:g}"
        hi = "inf" if upper is None else f"{upper:g}"
        raise InvalidArgument(f"{name}={value!r}, expected {name} in {lb}{lo}, {hi}{ub}")
    return value


def _short(value: Any, n: int = 60) -> str:
    """``repr(value)`` cut to ``n`` characters (a 5000-digit integer is named, not printed)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return f"<integer with {len(str(abs(value))) if value.bit_length() < 14000 else 'over 4000'} digits>"
    r = repr(value)
    return r if len(r) <= n else r[: n - 3] + "..."


def check_probability(name: str, value: Any) -> float:
    """Check that ``value`` is a probability in [0, 1]."""
    return check_real(name, value, lower=0.0, upper=1.0)


def check_valid_interval(lower: float, upper: float, lower_name: str, upper_name: str) -> None:
    """Raise when ``upper < lower``."""
    if upper < lower:
        raise InvalidArgument(f"Cannot have {upper_name}={upper!r} < {lower_name}={lower!r}")


def check_finite_array(name: str, arr: np.ndarray) -> None:
    """Raise :class:`InvalidModel` naming the first NaN/inf entry of ``arr``."""
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidModel(f"{name}[{', '.join(map(str, idx))}] = {float(arr[idx])!r}, expected a finite number")


def check_stochastic(name: str, P: np.ndarray, *, tol: float = 1e-9, axis: int = -1) -> None:
    """Check that ``P`` is non-negative and sums to 1 along ``axis`` (within ``tol``).

    The message names the first offending row and its sum, e.g.
    ``P[3, 1, :] sums to 0.93, expected 1 (tol 1e-09)``.
    """
    check_finite_array(name, P)
    neg = P < 0
    if neg.any():
        idx = tuple(int(i) for i in np.argwhere(neg)[0])
        raise InvalidModel(
            f"{name}[{', '.join(map(str, idx))}] = {float(P[idx])!r} is negative, expected a probability")
    sums = P.sum(axis=axis)
    bad = np.abs(sums - 1.0) > tol
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        ax = axis % P.ndim
        parts = [str(i) for i in idx]
        parts.insert(ax, ":")
        raise InvalidModel(
            f"{name}[{', '.join(parts)}] sums to {sums[idx]:.10g}, expected 1 (tol {tol:g})")


def as_generator(seed: Any) -> np.random.Generator:
    """Turn ``seed`` (None, int, SeedSequence or Generator) into a ``numpy.random.Generator``."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise InvalidType(f"seed={seed!r} has type {type(seed).__name__}, expected int or numpy Generator")
    if seed < 0:
        raise InvalidArgument(f"seed={seed!r}, expected a non-negative integer")
    return np.random.default_rng(int(seed))


# ---------------------------------------------------------------------------- arrays

def format_bytes(n: int) -> str:
    """``n`` bytes in binary units, e.g. ``format_bytes(3 * 2**30) == '3 GiB'``.

    Examples
    --------
    >>> format_bytes(3 * 2**30), format_bytes(1536), format_bytes(10)
    ('3 GiB', '1.5 KiB', '10 B')
    """
    if abs(n) < 1024:
        return f"{int(n)} B"
    x = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        x /= 1024
        if abs(x) < 1024:
            return f"{x:.3g} {unit}"
    return f"{x / 1024:.3g} PiB"


def max_bytes_default() -> int:
    """The cap in force: ``PROVABLE_MAX_BYTES`` when set, else :data:`DEFAULT_MAX_BYTES`.

    Examples
    --------
    >>> max_bytes_default() > 0
    True
    """
    env = os.environ.get("PROVABLE_MAX_BYTES")
    if env is None or not env.strip():
        return DEFAULT_MAX_BYTES
    try:
        value = int(float(env))
    except (ValueError, OverflowError):
        raise InvalidArgument(f"PROVABLE_MAX_BYTES={env!r}, expected a number of bytes") from None
    if value <= 0:
        raise InvalidArgument(f"PROVABLE_MAX_BYTES={env!r}, expected a positive number of bytes")
    return value


def check_memory(what: str, nbytes: int, max_bytes: Any = None, hint: str = "") -> int:
    """Refuse before allocating: raise :class:`InvalidArgument` when ``nbytes`` exceeds
    ``max_bytes`` (default :func:`max_bytes_default`). Returns the cap used.

    Examples
    --------
    >>> check_memory("P", 8 * 10**6, max_bytes=10**9)
    1000000000
    >>> check_memory("random_mdp(S=100000, A=4): dense P", 8 * 4 * 10**10, max_bytes=2**32)
    Traceback (most recent call last):
    ...
    provable.errors.InvalidArgument: random_mdp(S=100000, A=4): dense P needs 298 GiB, above max_bytes=4 GiB ...
    """
    cap = max_bytes_default() if max_bytes is None else check_int("max_bytes", max_bytes,
                                                                   min_value=1)
    if nbytes > cap:
        raise InvalidArgument(f"{what} needs {format_bytes(nbytes)}, above max_bytes="
                              f"{format_bytes(cap)} (pass max_bytes=... or set "
                              f"PROVABLE_MAX_BYTES to allow it){hint}")
    return cap


_REAL_KINDS = "biuf"
_KIND_NAMES = {"c": "complex numbers (the imaginary part would be lost)",
               "M": "datetimes", "m": "time differences", "U": "strings", "S": "bytes",
               "V": "structured records", "O": "Python objects"}


def as_real_array(name: str, value: Any, *, ndim: int | Sequence[int] | None = None) -> np.ndarray:
    """``value`` as a new float64 array the caller owns, or a :class:`ProvableError`.

    Accepts array-likes of real numbers (bool, integer or float dtypes; torch tensors;
    nested lists, also of :class:`fractions.Fraction`). Refuses, naming ``name``: complex
    values (their imaginary part would be dropped), masked arrays (the mask would be
    dropped), datetimes, strings, records, objects that are not real numbers, integers
    too large for a float, ragged nested lists, and dicts/sets/None.

    Examples
    --------
    >>> as_real_array("R", [[1, 2], [3, 4]]).dtype
    dtype('float64')
    >>> as_real_array("R", [[1.0, 2.0], [3.0]])
    Traceback (most recent call last):
    ...
    provable.errors.InvalidModel: R is a ragged nested list (rows of different lengths), expected a rectangular array of real numbers
    >>> as_real_array("P", [1 + 2j])
    Traceback (most recent call last):
    ...
    provable.errors.InvalidType: P holds complex numbers (the imaginary part would be lost), expected real numbers
    """
    if value is None or isinstance(value, (str, bytes, dict, set, frozenset)):
        raise InvalidType(f"{name} has type {type(value).__name__}, expected an array of real numbers")
    if isinstance(value, np.ma.MaskedArray):
        raise InvalidType(f"{name} is a masked array (the mask would be ignored), expected a "
                          "plain array: pass value.filled(...) or the values explicitly")
    if type(value).__module__.split(".")[0] == "torch" and hasattr(value, "detach"):
        try:
            value = value.detach().cpu().numpy()
        except Exception as e:  # noqa: BLE001 - anything torch refuses is a type error here
            raise InvalidType(f"{name}: cannot read this torch tensor as an array ({e})") from None
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError, RecursionError, OverflowError) as e:
        msg = str(e)
        if "inhomogeneous" in msg or "sequence" in msg:
            raise InvalidModel(f"{name} is a ragged nested list (rows of different lengths), "
                               "expected a rectangular array of real numbers") from None
        raise InvalidModel(f"{name} cannot be read as an array of real numbers "
                           f"({type(e).__name__}: {msg[:120]})") from None
    kind = arr.dtype.kind
    if kind == "O":
        flat = arr.ravel()
        for i, x in enumerate(flat):
            if isinstance(x, bool) or not isinstance(x, numbers.Real):
                idx = np.unravel_index(i, arr.shape)
                where = f"{name}[{', '.join(str(int(j)) for j in idx)}]"
                if isinstance(x, (list, tuple)):
                    raise InvalidModel(f"{name} is a ragged nested list (rows of different "
                                       "lengths), expected a rectangular array of real numbers")
                raise InvalidType(f"{where} = {_short(x)} has type {type(x).__name__}, "
                                  "expected a real number")
        out = np.empty(flat.size, dtype=np.float64)
        for i, x in enumerate(flat):
            try:
                out[i] = float(x)
            except (OverflowError, ValueError):
                idx = np.unravel_index(i, arr.shape)
                raise InvalidModel(f"{name}[{', '.join(str(int(j)) for j in idx)}] = "
                                   f"{_short(x)} does not fit a float64, expected a "
                                   "finite real number") from None
        return out.reshape(arr.shape)
    if kind not in _REAL_KINDS:
        what = _KIND_NAMES.get(kind, f"values of dtype {arr.dtype}")
        raise InvalidType(f"{name} holds {what}, expected real numbers")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            raise InvalidModel(f"{name} has shape {arr.shape} ({arr.ndim}-D), expected "
                               f"{' or '.join(f'{d}-D' for d in allowed)}")
    fresh = isinstance(value, (list, tuple)) and arr.dtype == np.float64  # already a new array
    with np.errstate(over="ignore"):
        return arr if fresh else np.array(arr, dtype=np.float64, copy=True)


def _int_array(name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu":
        raise InvalidType(f"{name} has dtype {arr.dtype}, expected integers")
    if arr.ndim != 1:
        raise InvalidModel(f"{name} has shape {arr.shape}, expected a 1-D array")
    return arr


def check_csr(name: str, data: Any, indices: Any, indptr: Any,
              shape: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int]]:
    """Fully check the arrays of a CSR matrix and return owned copies
    ``(data float64, indices int64, indptr int64, (rows, cols))``.

    Checks: ``shape`` two non-negative integers; ``indptr`` integers of length rows+1,
    starting at 0, non-decreasing, ending at ``len(indices) == len(data)``; every
    column index in ``[0, cols)``; ``data`` real numbers (finiteness and row sums are
    the caller's business). Duplicate column indices within a row are allowed here
    (the caller decides whether to sum them).

    Examples
    --------
    >>> d, i, p, s = check_csr("P", [1.0, 1.0], [0, 1], [0, 1, 2], (2, 2))
    >>> s
    (2, 2)
    >>> check_csr("P", [1.0, 1.0], [0, 25], [0, 1, 2], (2, 20))[1].tolist()
    Traceback (most recent call last):
    ...
    provable.errors.InvalidModel: P.indices[1] = 25 (row 1), expected a column index in [0, 20)
    """
    shp = np.asarray(shape) if not isinstance(shape, tuple) else shape
    if isinstance(shp, np.ndarray):
        if shp.dtype.kind not in "iu" or shp.ndim != 1:
            raise InvalidType(f"{name}.shape = {_short(shp.tolist())} has dtype {shp.dtype}, "
                              "expected two integers")
        shp = tuple(shp.tolist())
    if len(shp) != 2 or any(isinstance(x, bool) or not isinstance(x, numbers.Integral)
                            for x in shp):
        raise InvalidModel(f"{name}.shape = {_short(shp)}, expected two integers (rows, cols)")
    n_rows, n_cols = (int(x) for x in shp)
    if n_rows < 0 or n_cols < 0:
        raise InvalidModel(f"{name}.shape = {(n_rows, n_cols)}, expected non-negative sizes")
    indptr = _int_array(f"{name}.indptr", indptr)
    indices = _int_array(f"{name}.indices", indices)
    if np.asarray(data).ndim != 1:
        raise InvalidModel(f"{name}.data has shape {np.asarray(data).shape}, expected a 1-D array")
    data = as_real_array(f"{name}.data", data)
    if indptr.size != n_rows + 1:
        raise InvalidModel(f"{name}.indptr has length {indptr.size}, expected rows + 1 = "
                           f"{n_rows + 1} for shape {(n_rows, n_cols)}")
    if indices.size != data.size:
        raise InvalidModel(f"{name}.indices has length {indices.size} but {name}.data has "
                           f"length {data.size}, expected equal lengths")
    if indptr[0] != 0:
        raise InvalidModel(f"{name}.indptr[0] = {int(indptr[0])}, expected 0")
    if indptr.dtype.kind == "u" and indptr.size and int(indptr.max()) > np.iinfo(np.int64).max:
        raise InvalidModel(f"{name}.indptr holds {int(indptr.max())}, beyond int64")
    ptr = indptr.astype(np.int64)
    steps = np.diff(ptr)
    if steps.size and (steps < 0).any():
        k = int(np.argmax(steps < 0))
        raise InvalidModel(f"{name}.indptr decreases at row {k}: indptr[{k}] = {int(ptr[k])} > "
                           f"indptr[{k + 1}] = {int(ptr[k + 1])}, expected non-decreasing")
    if int(ptr[-1]) != indices.size:
        raise InvalidModel(f"{name}.indptr[-1] = {int(ptr[-1])}, expected the number of stored "
                           f"entries len({name}.indices) = {indices.size}")
    if indices.size:
        bad = (indices < 0) | (indices >= n_cols)
        if bad.any():
            k = int(np.argmax(bad))
            row = int(np.searchsorted(ptr, k, side="right") - 1)
            raise InvalidModel(f"{name}.indices[{k}] = {int(indices[k])} (row {row}), expected a "
                               f"column index in [0, {n_cols})")
    return data, indices.astype(np.int64), ptr, (n_rows, n_cols)
