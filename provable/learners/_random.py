"""Counter-based random numbers and seed handling shared by the numba learners.

Every draw is a pure function of ``(key, counter)`` (the splitmix64 finaliser), so a
seed's stream does not depend on which other seeds run beside it or on the number of
threads. Each learner derives its keys from ``SeedSequence([seed, tag])``.

Counter discipline: :func:`normal` at counter ``c`` reads uniforms ``2c`` and ``2c+1``;
:func:`gamma_draw` advances its own counter once per uniform or normal it takes and
reads uniforms only at even positions ``2c``, so no uniform is ever read twice.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

from provable._validation import check_int
from provable.errors import InvalidArgument, InvalidType

__all__ = ["u01", "u01_numpy", "normal", "gamma_draw", "as_seed_list", "seed_keys"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, inline="always")
def u01(key, ctr):
    """Uniform in [0, 1) from (key, counter): splitmix64 finaliser, 53 bits."""
    z = key + np.uint64(ctr) * _GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    z = z ^ (z >> _S31)
    return float(z >> _S11) * _INV53


def u01_numpy(key: np.uint64, ctr: np.ndarray) -> np.ndarray:
    """The same uniforms as :func:`u01`, computed with numpy (for reference implementations)."""
    with np.errstate(over="ignore"):
        z = np.uint64(key) + np.asarray(ctr, dtype=np.uint64) * _GOLDEN
        z = (z ^ (z >> _S30)) * _M1
        z = (z ^ (z >> _S27)) * _M2
        z = z ^ (z >> _S31)
    return (z >> _S11).astype(np.float64) * _INV53


@njit(cache=True, inline="always")
def normal(key, ctr):
    """Standard normal from the uniforms at ``2*ctr`` and ``2*ctr + 1`` (Box-Muller)."""
    u1 = 1.0 - u01(key, 2 * ctr)
    u2 = u01(key, 2 * ctr + 1)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@njit(cache=True)
def gamma_draw(shape, key, ctr):
    """Gamma(shape, 1) by Marsaglia & Tsang (2000), with the ``U**(1/a)`` boost for
    ``shape < 1``; returns ``(draw, next counter)``."""
    boost = 1.0
    a = shape
    if a < 1.0:
        boost = (1.0 - u01(key, 2 * ctr)) ** (1.0 / a)
        ctr += 1
        a += 1.0
    d = a - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = normal(key, ctr)
        ctr += 1
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = 1.0 - u01(key, 2 * ctr)
        ctr += 1
        if math.log(u) < 0.5 * x * x + d - d * v + d * math.log(v):
            return boost * d * v, ctr


def as_seed_list(seeds: Any) -> np.ndarray:
    """``int n`` -> seeds ``0..n-1``; a sequence of non-negative ints -> itself (1-D int64)."""
    if isinstance(seeds, bool):
        raise InvalidType(f"seeds={seeds!r} has type bool, expected an int or a sequence of ints")
    if isinstance(seeds, (int, np.integer)):
        n = check_int("seeds", seeds, min_value=1)
        return np.arange(n, dtype=np.int64)
    arr = np.asarray(seeds)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise InvalidArgument(f"seeds={seeds!r}, expected an int n >= 1 or a non-empty 1-D "
                              "sequence of non-negative ints")
    if (arr < 0).any():
        i = int(np.argmax(arr < 0))
        raise InvalidArgument(f"seeds[{i}]={int(arr[i])}, expected a non-negative integer")
    return arr.astype(np.int64)


def seed_keys(seeds: np.ndarray, tag: int) -> tuple[np.ndarray, np.ndarray]:
    """(environment key, algorithm key) per seed, from ``SeedSequence([seed, tag])``."""
    env = np.empty(seeds.size, np.uint64)
    alg = np.empty(seeds.size, np.uint64)
    for j, s in enumerate(seeds):
        st = np.random.SeedSequence([int(s), tag]).generate_state(2, dtype=np.uint64)
        env[j], alg[j] = st[0], st[1]
    return env, alg
