"""Counter-based random numbers and seed handling shared by the numba learners.

Every draw is a pure function of ``(key, counter)`` (the splitmix64 finaliser), so a
seed's stream does not depend on which other seeds run beside it or on the number of
threads. Each learner derives its keys from ``SeedSequence([seed, tag])``.

Counter discipline: :func:`normal` at counter ``c`` reads uniforms ``2c`` and ``2c+1``;
:func:`zig_normal` and :func:`gamma_draw` advance their counter once per uniform they
take and read uniforms only at even positions ``2c``, so no uniform is ever read twice.
(The 64 bits at position ``2c`` are one uniform: :func:`u01` keeps the top 53 of them,
:func:`zig_normal` splits them into a layer index, a sign and a 52-bit abscissa.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

from provable._validation import check_int
from provable.errors import InvalidArgument, InvalidType

__all__ = ["u01", "u01_numpy", "normal", "zig_normal", "gamma_mt", "gamma_draw", "as_seed_list", "seed_keys"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, inline="always")
def _bits(key, ctr):
    """The 64 random bits at (key, counter): the splitmix64 finaliser of ``key + ctr * golden``."""
    z = key + np.uint64(ctr) * _GOLDEN
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def u01(key, ctr):
    """Uniform in [0, 1) from (key, counter): splitmix64 finaliser, 53 bits."""
    return float(_bits(key, ctr) >> _S11) * _INV53


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


def _ziggurat_tables(n: int = 256) -> tuple[np.ndarray, ...]:
    """Tables of the Marsaglia & Tsang (2000) ziggurat for the standard normal density
    ``f(x) = exp(-x**2 / 2)`` (unnormalised), ``n`` layers of equal area ``v``.

    Layer 0 is the base strip ``[0, x_0] x [0, f(r)]`` with ``x_0 = v / f(r)`` (the
    rectangle below ``f(r)`` up to ``r`` plus, in area, the tail beyond ``r``); layer
    ``i >= 1`` is ``[0, x_i] x [y_{i-1}, y_i]`` with ``x_1 = r``, ``y_0 = f(r)``,
    ``y_i = y_{i-1} + v / x_i`` and ``x_{i+1} = f^{-1}(y_i)``, so each layer contains the
    part of the region under ``f`` at its heights. ``r`` is the largest value (found by
    bisection in floating point) for which the top layer reaches ``y_{n-1} >= 1 = f(0)``;
    the top layer may then stick out above ``f`` by a rounding error, which only costs a
    rejection, never a bias.

    Returns ``(w, k, ylo, yhi, r)``: ``w[i] = x_i / 2**52`` (the abscissa of a 52-bit
    integer ``m`` is ``m * w[i]``), ``k[i] = floor(2**52 x_{i+1} / x_i)`` (``m < k[i]``
    lies inside the next layer's width, hence under ``f``: accepted without a test;
    ``x_n = 0``, ``x_1 = r`` for the base), and the layer's heights ``[ylo, yhi]``.
    """

    def f(x: float) -> float:
        return math.exp(-0.5 * x * x)

    def area(r: float) -> float:
        return r * f(r) + math.sqrt(0.5 * math.pi) * math.erfc(r / math.sqrt(2.0))

    def top(r: float) -> float:
        v = area(r)
        x, y = r, f(r)
        for _ in range(1, n - 1):
            y += v / x
            if y >= 1.0:
                return math.inf  # fewer layers than n reach the top: r is too small
            x = math.sqrt(-2.0 * math.log(y))
        return y + v / x

    lo, hi = 3.0, 4.5  # top(lo) >= 1 > top(hi) for n = 256
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if top(mid) >= 1.0:
            lo = mid
        else:
            hi = mid
    r = lo
    v = area(r)
    xs = np.empty(n + 1)
    ylo = np.zeros(n)
    yhi = np.empty(n)
    xs[0], xs[1] = v / f(r), r
    yhi[0] = f(r)
    for i in range(1, n):
        ylo[i] = yhi[i - 1]
        yhi[i] = ylo[i] + v / xs[i]
        xs[i + 1] = math.sqrt(-2.0 * math.log(yhi[i])) if yhi[i] < 1.0 else 0.0
    two52 = 4503599627370496.0  # 2**52
    w = xs[:n] / two52
    k = np.empty(n, np.uint64)
    for i in range(n):
        k[i] = np.uint64(math.floor(two52 * xs[i + 1] / xs[i]))
    return w, k, ylo, yhi, r


_ZW, _ZK, _ZYLO, _ZYHI, _ZR = _ziggurat_tables()
_ZINVR = 1.0 / _ZR
_M8 = np.uint64(255)
_M1BIT = np.uint64(1)
_S8 = np.uint64(8)
_S12 = np.uint64(12)


@njit(cache=True, inline="always")
def zig_normal(key, ctr):
    """Standard normal by the ziggurat of Marsaglia & Tsang (2000), 256 layers; returns
    ``(draw, next counter)``.

    Each try reads the 64 bits at ``2*ctr`` (bits 0-7: the layer, bit 8: the sign,
    bits 12-63: the abscissa) and advances the counter; a point outside the layer's
    inner rectangle takes one more uniform for its height, the tail beyond ``r`` two per
    try (Marsaglia 1964). About 98.8% of draws take one uniform.
    """
    while True:
        z = _bits(key, 2 * ctr)
        ctr += 1
        i = z & _M8
        m = z >> _S12
        sgn = 1.0 - 2.0 * float((z >> _S8) & _M1BIT)  # branch-free sign: a coin flip
        x = float(m) * _ZW[i]
        if m < _ZK[i]:
            return sgn * x, ctr
        if i == np.uint64(0):
            while True:
                xx = -math.log(1.0 - u01(key, 2 * ctr)) * _ZINVR
                yy = -math.log(1.0 - u01(key, 2 * ctr + 2))
                ctr += 2
                if yy + yy > xx * xx:
                    return sgn * (_ZR + xx), ctr
        y = _ZYLO[i] + u01(key, 2 * ctr) * (_ZYHI[i] - _ZYLO[i])
        ctr += 1
        if y < math.exp(-0.5 * x * x):
            return sgn * x, ctr


@njit(cache=True, inline="always")
def gamma_mt(d, c, key, ctr):
    """Gamma(d + 1/3, 1) for ``d >= 2/3`` by Marsaglia & Tsang (2000), given ``d`` and
    ``c = 1 / sqrt(9 d)`` (callers drawing many times from one shape compute them
    once); returns ``(draw, next counter)``.

    Proposal ``d v`` with ``v = (1 + y)**3``, ``y = c x``, ``x`` from :func:`zig_normal`;
    accepted when ``log u < h = x**2/2 + d - d v + d log v`` with ``u = 1 - w``, ``w``
    the next uniform. Two squeezes decide most proposals without a logarithm; both lie
    inside the acceptance region, so they change no decision:

    * ``h = 3 d R(y)`` with ``R(y) = log(1+y) - y + y**2/2 - y**3/3``, and
      ``R(y) >= -y**4 / (4 min(1, 1+y))`` (for ``y >= 0`` the alternating series, for
      ``-1 < y < 0`` all terms from the fourth on are at most ``|y|**k / 4``). With
      ``log u <= -w`` this gives: accept if ``w min(1, 1+y) > c**2 x**4 / 12``. It fails
      for a fraction of about ``c**2 / 4`` of the proposals (``1/(36 d)``).
    * Marsaglia & Tsang's own squeeze ``u < 1 - 0.0331 x**4`` (better for small ``d``
      and ``y < 0``).
    """
    k = c * c * (1.0 / 12.0)
    while True:
        x, ctr = zig_normal(key, ctr)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        m = min(v, 1.0)
        v = v * v * v
        w = u01(key, 2 * ctr)
        ctr += 1
        x2 = x * x
        x4 = x2 * x2
        if w * m > k * x4:
            return d * v, ctr
        u = 1.0 - w
        if u < 1.0 - 0.0331 * x4:
            return d * v, ctr
        if math.log(u) < 0.5 * x2 + d - d * v + d * math.log(v):
            return d * v, ctr


@njit(cache=True)
def gamma_draw(shape, key, ctr):
    """Gamma(shape, 1) by Marsaglia & Tsang (2000) (:func:`gamma_mt`), with the
    ``U**(1/a)`` boost for ``shape < 1``; returns ``(draw, next counter)``."""
    if shape < 1.0:
        boost = (1.0 - u01(key, 2 * ctr)) ** (1.0 / shape)
        d = (shape + 1.0) - 1.0 / 3.0
        g, ctr = gamma_mt(d, 1.0 / math.sqrt(9.0 * d), key, ctr + 1)
        return boost * g, ctr
    d = shape - 1.0 / 3.0
    return gamma_mt(d, 1.0 / math.sqrt(9.0 * d), key, ctr)


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
