"""Shared argument checkers. Messages follow ``name=value …, expected …``.

These never use ``assert`` (which vanishes under ``python -O``).
"""

from __future__ import annotations

import difflib
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from provable.errors import InvalidArgument, InvalidModel, InvalidType, UnknownName

__all__ = [
    "check_choice",
    "check_finite_array",
    "check_int",
    "check_probability",
    "check_real",
    "check_stochastic",
    "check_valid_interval",
    "as_generator",
    "suggest",
]


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
    value = float(value)
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
