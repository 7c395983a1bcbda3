"""The exact samplers of ``provable.learners._random``: ziggurat normal, Marsaglia-Tsang
gamma, the Beta draws of Thompson sampling.

Every distribution test is seeded (deterministic) and uses a critical value that a
correct sampler exceeds with probability at most ``ALPHA`` per test; each also checks
that the same statistic rejects a slightly wrong distribution (so the test can fail).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from numba import njit
from scipy import integrate, special, stats

from provable.learners import _random as R
from provable.learners.bandits import BernoulliBandit, simulate

ALPHA = 1e-6  # chance that a correct sampler fails any one distribution test
Z_CRIT = float(stats.norm.isf(ALPHA / 2))  # two-sided normal critical value, ~4.9


@njit(cache=True)
def _gammas(shape, key, ctr, n):
    out = np.empty(n)
    for j in range(n):
        out[j], ctr = R.gamma_draw(shape, key, ctr)
    return out, ctr


@njit(cache=True)
def _normals(key, ctr, n):
    out = np.empty(n)
    for j in range(n):
        out[j], ctr = R.zig_normal(key, ctr)
    return out, ctr


@njit(cache=True)
def _betas(a, b, key, n):
    out = np.empty(n)
    ctr = 0
    for j in range(n):
        ga, ctr = R.gamma_draw(a, key, ctr)
        gb, ctr = R.gamma_draw(b, key, ctr)
        out[j] = ga / (ga + gb)
    return out


def _ks_crit(n: int) -> float:
    """KS distance exceeded by a correct sample of size n with probability ALPHA."""
    return float(stats.kstwo.isf(ALPHA, n))


def _ks(x: np.ndarray, cdf) -> float:
    return float(stats.kstest(x, cdf).statistic)


# ---------------------------------------------------------------- ziggurat tables


def test_ziggurat_layers_have_equal_area_and_cover_the_density():
    f = lambda x: math.exp(-0.5 * x * x)  # noqa: E731
    r = R._ZR
    v = r * f(r) + math.sqrt(math.pi / 2) * special.erfc(r / math.sqrt(2))  # scipy, not the table code
    x = R._ZW * 2.0**52
    assert x[0] * f(r) == pytest.approx(v, rel=1e-12)  # base strip: rectangle + tail
    assert x[1] == r
    areas = x[1:] * (R._ZYHI[1:] - R._ZYLO[1:])
    np.testing.assert_allclose(areas, v, rtol=1e-9)
    assert R._ZYHI[-1] >= 1.0  # the top layer reaches f(0)
    np.testing.assert_array_equal(R._ZYLO[1:], R._ZYHI[:-1])  # stacked without gaps
    # each layer is as wide as the density at its lower edge
    np.testing.assert_allclose(x[1:], np.sqrt(-2.0 * np.log(R._ZYLO[1:])), rtol=1e-12)
    # the fast-accept bound lies inside the next layer's width
    nxt = np.append(x[1:], 0.0)
    assert np.all(R._ZK.astype(np.float64) <= 2.0**52 * nxt / x)


# ---------------------------------------------------------------- distributions


def test_zig_normal_is_standard_normal():
    n = 2_000_000
    x, _ = _normals(np.uint64(0xA5A5), 0, n)
    crit = _ks_crit(n)
    assert _ks(x, stats.norm.cdf) < crit
    assert _ks(x, stats.norm(0.0, 1.02).cdf) > crit  # power: a 2% scale error is caught
    for moment, var in ((x.mean(), 1.0 / n), (x.var() - 1.0, 2.0 / n)):
        assert abs(moment) / math.sqrt(var) < Z_CRIT


def test_zig_normal_tail_beyond_r():
    """The base layer's tail branch: its frequency and its conditional distribution."""
    n = 8_000_000
    x, _ = _normals(np.uint64(77), 0, n)
    r = R._ZR
    tail = np.abs(x[np.abs(x) > r])
    p = 2.0 * stats.norm.sf(r)
    assert abs(tail.size - n * p) / math.sqrt(n * p * (1 - p)) < Z_CRIT
    cond = lambda t: 1.0 - stats.norm.sf(t) / stats.norm.sf(r)  # noqa: E731
    assert _ks(tail, cond) < _ks_crit(tail.size)
    # both signs in the tail
    s = np.sign(x[np.abs(x) > r])
    assert abs(s.sum()) / math.sqrt(s.size) < Z_CRIT


@pytest.mark.parametrize("shape", [0.3, 1.0, 1.5, 10.0, 1e4])
def test_gamma_draw_matches_scipy_gamma(shape):
    n = 400_000
    g, _ = _gammas(shape, np.uint64(1234 + int(shape * 10)), 0, n)
    crit = _ks_crit(n)
    assert _ks(g, stats.gamma(shape).cdf) < crit
    # power: the same test rejects a shape error that moves the mean by 5% of the sd
    wrong = stats.gamma(shape * (1.0 + 0.05 / math.sqrt(shape))).cdf
    assert _ks(g, wrong) > crit


@pytest.mark.parametrize("shape", [1e4, 1e6])
def test_gamma_draw_moments_large_shape(shape):
    """Mean, variance and third central moment of Gamma(a): a, a, 2a."""
    n = 1_000_000
    g, _ = _gammas(shape, np.uint64(99), 5, n)
    z = (g - shape) / math.sqrt(shape)  # standardised: mean 0, var 1, skewness 2/sqrt(a)
    assert abs(z.mean()) * math.sqrt(n) < Z_CRIT
    assert abs(z.var() - 1.0) / math.sqrt(2.0 / n) < Z_CRIT
    skew = float((z**3).mean())
    assert abs(skew - 2.0 / math.sqrt(shape)) / math.sqrt(15.0 / n) < Z_CRIT


@pytest.mark.parametrize("a,b", [(1.0, 1.0), (2.0, 5.0), (301.0, 700.0), (30000.0, 70.0)])
def test_beta_from_two_gammas(a, b):
    n = 300_000
    x = _betas(a, b, np.uint64(int(a * 7 + b)), n)
    crit = _ks_crit(n)
    assert _ks(x, stats.beta(a, b).cdf) < crit
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    assert _ks(x, stats.beta(a, b, loc=0.03 * sd).cdf) > crit  # a 3%-of-sd shift is caught


# ---------------------------------------------------------------- determinism


def test_same_key_and_counter_same_draw():
    for shape in (0.5, 1.0, 7.5, 1e5):
        for key, ctr in ((np.uint64(1), 0), (np.uint64(2**63 + 5), 123456)):
            a = R.gamma_draw(shape, key, ctr)
            b = R.gamma_draw(shape, key, ctr)
            assert a == b
            assert a[1] > ctr
    x1, c1 = _gammas(2.5, np.uint64(8), 0, 1000)
    x2, c2 = _gammas(2.5, np.uint64(8), 0, 1000)
    np.testing.assert_array_equal(x1, x2)
    assert c1 == c2
    # the stream is a function of (key, counter) only: restarting at a draw's counter
    # continues the same sequence
    x3, _ = _gammas(2.5, np.uint64(8), int(R.gamma_draw(2.5, np.uint64(8), 0)[1]), 999)
    np.testing.assert_array_equal(x3, x1[1:])
    x4, _ = _gammas(2.5, np.uint64(9), 0, 1000)
    assert not np.any(x4 == x1)


# ---------------------------------------------------------------- counter discipline


class _Recorder:
    """Python-mode copies of the samplers with every uniform position read recorded."""

    def __init__(self, monkeypatch):
        self.reads: list[int] = []
        bits = R._bits.py_func

        def rec_bits(key, pos):
            self.reads.append(int(pos))
            return bits(key, pos)

        monkeypatch.setattr(R, "_bits", rec_bits)
        for name in ("u01", "zig_normal", "gamma_mt"):
            monkeypatch.setattr(R, name, getattr(R, name).py_func)
        self.gamma = R.gamma_draw.py_func
        self.normal = R.zig_normal  # now the py_func

    def check(self, start: int, end: int) -> None:
        """Each counter in [start, end) read exactly once, at the even position 2c."""
        assert sorted(self.reads) == [2 * c for c in range(start, end)]
        self.reads.clear()


def test_counter_discipline_normal(monkeypatch):
    key = np.uint64(31337)
    compiled = R.zig_normal
    # starts whose first try is accepted at once, goes to the wedge test, or to the tail
    starts = {}
    for c in range(200_000):
        z = int(R._bits(key, 2 * c))
        i, m = z & 255, z >> 12
        kind = "fast" if m < int(R._ZK[i]) else ("tail" if i == 0 else "wedge")
        starts.setdefault(kind, []).append(c)
    assert set(starts) == {"fast", "wedge", "tail"}
    cases = [(kind, c, compiled(key, c)) for kind, cs in starts.items() for c in cs[:40]]
    rec = _Recorder(monkeypatch)  # (machine code computed first: nothing compiles patched)
    with np.errstate(over="ignore"):
        for kind, c, want in cases:
            x, e = rec.normal(key, c)
            assert (x, e) == want  # Python mode = machine code
            assert (e == c + 1) == (kind == "fast")
            rec.check(c, e)


def test_counter_discipline_gamma(monkeypatch):
    chains = {}
    for shape in (0.4, 1.0, 3.0, 1e4):
        key, ctr, chain = np.uint64(2024 + int(shape)), 17, []
        for _ in range(400):  # consecutive draws chained through the counter
            g, nxt = R.gamma_draw(shape, key, ctr)
            chain.append((ctr, g, nxt))
            ctr = nxt
        chains[shape, key] = chain
    rec = _Recorder(monkeypatch)
    with np.errstate(over="ignore"):
        for (shape, key), chain in chains.items():
            for ctr, g, nxt in chain:
                g2, nxt2 = rec.gamma(shape, key, ctr)
                # Python mode = machine code (to the last bits: pow may differ by an ulp)
                assert nxt2 == nxt and g2 == pytest.approx(g, rel=1e-14, abs=0.0)
                rec.check(ctr, nxt)


# ---------------------------------------------------------------- the squeezes


def _gamma_no_squeeze(shape, key, ctr):
    """Marsaglia & Tsang with the exact logarithmic test only (the formula before the
    squeezes), on the module's normals and uniforms."""
    boost = 1.0
    a = shape
    if a < 1.0:
        boost = (1.0 - R.u01(key, 2 * ctr)) ** (1.0 / a)
        ctr += 1
        a += 1.0
    d = a - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x, ctr = R.zig_normal(key, ctr)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = 1.0 - R.u01(key, 2 * ctr)
        ctr += 1
        if math.log(u) < 0.5 * x * x + d - d * v + d * math.log(v):
            return boost * d * v, ctr


def test_squeezes_change_no_decision():
    """Same draws and counters as the exact test alone, over many (shape, key, ctr)."""
    rng = np.random.default_rng(5)
    n = 0
    for shape in (0.2, 0.9, 1.0, 1.3, 2.0, 5.0, 40.0, 1e3, 1e5, 1e7):
        for _ in range(1500):
            key = np.uint64(rng.integers(0, 2**63))
            ctr = int(rng.integers(0, 2**40))
            g, nxt = R.gamma_draw(shape, key, ctr)
            g0, nxt0 = _gamma_no_squeeze(shape, key, ctr)
            assert nxt == nxt0  # the same proposals accepted
            if shape >= 1.0:
                assert g == g0  # the same bits
            else:  # the boost U**(1/a): Python's pow and numba's may differ by an ulp
                assert g == pytest.approx(g0, rel=1e-14, abs=0.0)
            n += 1
    assert n == 15_000


# ---------------------------------------------------------------- Thompson sampling


def _argmax_probs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """P(arm i has the largest of independent Beta(a_j, b_j) draws), by quadrature."""
    K = a.size
    out = np.empty(K)
    for i in range(K):
        def f(x, i=i):
            p = stats.beta.pdf(x, a[i], b[i])
            for j in range(K):
                if j != i:
                    p *= stats.beta.cdf(x, a[j], b[j])
            return p
        out[i] = integrate.quad(f, 0.0, 1.0, epsabs=1e-12, epsrel=1e-10, limit=200)[0]
    assert abs(out.sum() - 1.0) < 1e-8
    return out


def test_thompson_choice_probabilities_match_the_posterior():
    """The bandit kernel's Bernoulli TS branch: with the posterior frozen (the first m
    rewards arrive at round m, later ones after the horizon), each later round picks
    arm i with the exact P(argmax = i) of Beta(1 + S_i, 1 + F_i) draws."""
    K, m, T, n_seeds = 3, 24, 2024, 30
    delay = np.full(T, T, np.int64)
    delay[:m] = m - 1 - np.arange(m)
    res = simulate("thompson", BernoulliBandit([0.45, 0.5, 0.6]), T, n_seeds, delay=delay,
                   record=True)
    arms, rewards = res["arms"], res["rewards"]
    n = T - m
    count = np.zeros(K)
    mean = np.zeros(K)
    var = np.zeros(K)
    for s in range(n_seeds):
        S = np.array([rewards[s, :m][arms[s, :m] == i].sum() for i in range(K)])
        N = np.bincount(arms[s, :m], minlength=K)
        p = _argmax_probs(1.0 + S, 1.0 + N - S)
        count += np.bincount(arms[s, m:], minlength=K)
        mean += n * p
        var += n * p * (1 - p)
    z = (count - mean) / np.sqrt(var)
    assert np.all(np.abs(z) < Z_CRIT), z
    # power: a posterior of half the evidence (Beta(1 + S/2, 1 + F/2), too wide by about
    # sqrt 2) predicts visibly different choices
    mean2 = np.zeros(K)
    for s in range(n_seeds):
        S = np.array([rewards[s, :m][arms[s, :m] == i].sum() for i in range(K)])
        N = np.bincount(arms[s, :m], minlength=K)
        mean2 += n * _argmax_probs(1.0 + S / 2, 1.0 + (N - S) / 2)
    assert np.max(np.abs(count - mean2) / np.sqrt(var)) > Z_CRIT
