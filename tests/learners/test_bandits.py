"""Bandit learners: each algorithm checked against a real property."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from provable.errors import InvalidArgument, InvalidModel, InvalidType, NotSupported, ProvableError
from provable.learners import bandits as bd
from provable.learners.bandits import (
    ALGORITHMS,
    BernoulliBandit,
    GaussianBandit,
    simulate,
)

BERN = BernoulliBandit([0.7, 0.5, 0.45, 0.2])
GAUSS = GaussianBandit([0.0, 0.5, 0.2], sigma=1.0)


def test_exports_match_dir():
    public = {n for n in dir(bd) if not n.startswith("_")} - {"annotations"}
    assert set(bd.__all__) <= public


@pytest.mark.parametrize("alg", sorted(ALGORITHMS))
def test_pulls_sum_to_T_and_seeded(alg):
    a = simulate(alg, BERN, 3000, [3, 5, 9])
    b = simulate(alg, BERN, 3000, [3, 5, 9])
    assert (a.pulls.sum(axis=1) == 3000).all()
    assert np.array_equal(a.regret, b.regret) and np.array_equal(a.pulls, b.pulls)
    # a run depends only on its own seed, not on the other seeds beside it
    c = simulate(alg, BERN, 3000, [5])
    assert np.array_equal(c.regret[0], a.regret[1])
    # pseudo-regret is non-decreasing and the last checkpoint equals sum of gaps * pulls
    assert (np.diff(a.regret, axis=1) >= -1e-12).all()
    np.testing.assert_allclose(a.regret[:, -1], a.pulls @ BERN.gaps, rtol=1e-12)


@pytest.mark.parametrize("alg", ["ucb1", "klucb", "moss", "thompson", "etc", "eps_greedy"])
def test_gaussian_runs(alg):
    r = simulate(alg, GAUSS, 2000, 4)
    assert (r.pulls.sum(axis=1) == 2000).all()


def test_different_seeds_differ():
    r = simulate("thompson", BERN, 2000, 2)
    assert not np.array_equal(r.regret[0], r.regret[1])


def _replay_indices(res, index_fn):
    """Recompute the policy's choice at every round from the recorded history."""
    K = res.pulls.shape[1]
    for s in range(res.arms.shape[0]):
        sums, cnt = np.zeros(K), np.zeros(K)
        for t in range(res.T):
            idx = index_fn(sums, cnt, t)
            assert res.arms[s, t] == int(np.argmax(idx)), (s, t)
            a = res.arms[s, t]
            sums[a] += res.rewards[s, t]
            cnt[a] += 1


def test_ucb1_kernel_equals_python_index():
    res = simulate("ucb1", BERN, 600, 3, record=True)
    _replay_indices(res, lambda s, c, t: bd.ucb1_index(s, c, max(t, 1)))


def test_moss_kernel_equals_python_index():
    res = simulate("moss", BERN, 600, 3, record=True)
    _replay_indices(res, lambda s, c, t: bd.moss_index(s, c, 600))


def test_klucb_kernel_equals_python_index():
    res = simulate("klucb", BERN, 300, 2, record=True, c=3.0)

    def idx(s, c, t):
        out = np.full(c.size, np.inf)
        for i in range(c.size):
            if c[i] > 0:
                out[i] = bd.klucb_index(s[i] / c[i], int(c[i]), t, c=3.0)
        return out

    _replay_indices(res, idx)


@pytest.mark.parametrize("p,n,t", [(0.0, 3, 10), (0.3, 17, 1000), (0.95, 2, 50), (0.5, 1000, 10**6)])
def test_klucb_index_is_root(p, n, t):
    q = bd.klucb_index(p, n, t)
    level = math.log(t)
    f = lambda x: n * bd.kl_bernoulli(p, x) - level  # noqa: E731
    if f(1 - 1e-15) <= 0:  # the KL ball reaches 1: the index is 1
        assert q == 1.0
        return
    root = brentq(f, p, 1 - 1e-15, xtol=1e-15)
    assert abs(q - root) < 1e-9
    assert abs(f(q)) < 1e-6


def test_exp3_probabilities_sum_to_one_and_explore():
    rng = np.random.default_rng(0)
    for _ in range(50):
        lw = rng.normal(scale=30, size=7)
        g = float(rng.uniform(0, 1))
        p = bd.exp3_probabilities(lw, g)
        assert abs(p.sum() - 1) < 1e-12
        assert (p >= g / 7 - 1e-15).all()
    assert bd.exp3_gamma(10**6, 2) < bd.exp3_gamma(100, 2) <= 1


def test_thompson_posterior_counts():
    res = simulate("thompson", BERN, 500, 3, record=True)
    for s in range(3):
        for i in range(BERN.K):
            mask = res.arms[s] == i
            assert res.observations[s, i] == mask.sum() == res.pulls[s, i]
            assert res.reward_sums[s, i] == res.rewards[s][mask].sum()
    # Bernoulli rewards: successes are integers, posterior Beta(1 + S, 1 + n - S)
    assert np.array_equal(res.reward_sums, np.round(res.reward_sums))


def test_thompson_concentrates_on_best_arm():
    res = simulate("thompson", BernoulliBandit([0.9, 0.5]), 5000, 8)
    assert (res.pulls[:, 0] > 4500).all()


def test_etc_explores_then_commits():
    res = simulate("etc", BERN, 400, 2, record=True, m=10)
    assert res.options["m"] == 10
    assert (res.arms[:, :40] == np.tile(np.arange(4), 10)).all()
    assert (res.arms[:, 40:] == res.arms[:, [40]]).all()
    assert bd.etc_default_m(1000, 2) == math.ceil(500 ** (2 / 3))


def test_delay_postpones_observations():
    d = 25
    res = simulate("ucb1", BERN, 1000, 2, delay=d)
    # round s is observed at round s + d + 1: the last d + 1 rounds are still in flight
    assert (res.observations.sum(axis=1) == 1000 - d - 1).all()
    var = np.random.default_rng(1).integers(0, 40, size=1000)
    r2 = simulate("exp3", BERN, 1000, 2, delay=var)
    assert (r2.pulls.sum(axis=1) == 1000).all()
    # a zero delay array is the undelayed bandit
    np.testing.assert_array_equal(simulate("moss", BERN, 800, 2, delay=np.zeros(800, int)).regret,
                                  simulate("moss", BERN, 800, 2).regret)


def test_banker_scale_free_and_realized_regret():
    base = simulate("banker_omd", BERN, 2000, 3, delay=5)
    big = simulate("banker_omd", BernoulliBandit(BERN.means, scale=64.0), 2000, 3, delay=5)
    np.testing.assert_array_equal(big.pulls, base.pulls)
    np.testing.assert_allclose(big.regret / 64, base.regret, rtol=0, atol=1e-9)
    np.testing.assert_allclose(big.realized_regret / 64, base.realized_regret, atol=1e-9)
    assert base.total_delay == 5 * 2000


def test_reference_constants():
    b = BernoulliBandit([0.9, 0.8])
    assert abs(bd.lai_robbins_constant(b) - 0.1 / bd.kl_bernoulli(0.8, 0.9)) < 1e-12
    assert abs(bd.lai_robbins_constant(GaussianBandit([0.0, 1.0], 2.0)) - 8.0) < 1e-12
    assert abs(float(bd.auer_ucb1_bound(b, math.e)) - (80 + 0.1 * (1 + math.pi**2 / 3))) < 1e-9


@pytest.mark.parametrize("make,match", [
    (lambda: BernoulliBandit([0.5, 1.3]), r"means\[1\]=1.3"),
    (lambda: BernoulliBandit([-0.1, 0.3]), r"means\[0\]=-0.1"),
    (lambda: BernoulliBandit([0.5]), "K=1"),
    (lambda: BernoulliBandit([[0.5, 0.4]]), "shape"),
    (lambda: GaussianBandit([0.0, np.nan]), r"means\[1\]=nan"),
    (lambda: GaussianBandit([0.0, 1.0], sigma=0.0), "sigma=0.0"),
    (lambda: BernoulliBandit([0.5, 0.4], scale=-1.0), "scale=-1.0"),
    (lambda: simulate("ucb1", BERN, 0), "T=0"),
    (lambda: simulate("ucb1", BERN, 10, seeds=0), "seeds=0"),
    (lambda: simulate("ucb1", BERN, 10, seeds=[1, -2]), r"seeds\[1\]=-2"),
    (lambda: simulate("ucbone", BERN, 10), "ucbone"),
    (lambda: simulate("ucb1", BERN, 10, c=3), "option c=3"),
    (lambda: simulate("ucb1", BERN, 10, checkpoints=[0, 5]), "checkpoints"),
    (lambda: simulate("ucb1", BERN, 10, delay=-1), "delay=-1"),
    (lambda: simulate("ucb1", BERN, 10, delay=np.array([0] * 9 + [-3])), r"delay\[9\]=-3"),
    (lambda: simulate("exp3", GAUSS, 10), "GaussianBandit"),
    (lambda: simulate("ucb1", [0.5, 0.4], 10), "instance="),
    (lambda: simulate("exp3", BERN, 10, gamma=1.5), "gamma=1.5"),
    (lambda: bd.klucb_index(1.2, 3, 10), "mean=1.2"),
])
def test_bad_input_names_the_value(make, match):
    with pytest.raises(ProvableError, match=match) as e:
        make()
    assert isinstance(e.value, (InvalidArgument, InvalidModel, InvalidType, NotSupported))
