"""simulate_policy: a user's own bandit policy on provable's instances, in plain Python
or numba-compiled, cross-checked against the built-in simulators on the same reward
table and against regrets known in closed form."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from numba import njit

from provable.errors import InvalidArgument, InvalidType
from provable.learners.bandits import (
    BernoulliBandit,
    GaussianBandit,
    NumbaPolicy,
    Policy,
    SwitchingBandit,
    simulate,
    simulate_policy,
)


class UCB1:
    def __init__(self, K, T, seed):
        self.n = [0] * K
        self.s = [0.0] * K

    def select(self, t):
        for a, n in enumerate(self.n):
            if n == 0:
                return a
        bonus = math.sqrt(2 * math.log(t))
        idx = [s / n + bonus / math.sqrt(n) for s, n in zip(self.s, self.n)]
        return idx.index(max(idx))

    def update(self, arm, reward):
        self.n[arm] += 1
        self.s[arm] += reward


class RoundRobin:
    def __init__(self, K, T, seed):
        self.K = K
        self.rewards = []

    def select(self, t):
        return t % self.K

    def update(self, arm, reward):
        self.rewards.append(reward)


def test_a_users_ucb1_matches_the_built_in_run_by_run():
    bandit = BernoulliBandit([0.7, 0.5, 0.45, 0.2])
    mine = simulate_policy(UCB1, bandit, T=3000, seeds=[0, 3, 7])
    ref = simulate("ucb1", bandit, T=3000, seeds=[0, 3, 7])
    np.testing.assert_array_equal(mine.regret, ref.regret)
    np.testing.assert_array_equal(mine.pulls, ref.pulls)
    np.testing.assert_array_equal(mine.checkpoints, ref.checkpoints)
    assert mine.algorithm == "UCB1" and isinstance(UCB1(2, 1, 0), Policy)


@pytest.mark.parametrize("instance", [
    BernoulliBandit([0.6, 0.3, 0.1]),
    GaussianBandit([0.2, -0.1, 0.4], sigma=0.5),
    SwitchingBandit([0.9, 0.1, 0.5], [0.1, 0.9, 0.5], switch=0.4),
])
def test_the_policy_sees_the_built_in_environment_and_its_pseudo_regret(instance):
    # ETC with m >= T/K pulls round-robin for the whole horizon: the same arms, so the
    # same rewards (record=True) and the same pseudo-regret
    T, K = 300, instance.K
    seen = []

    def make(K_, T_, seed):
        p = RoundRobin(K_, T_, seed)
        seen.append(p)
        return p

    mine = simulate_policy(make, instance, T=T, seeds=[2, 5], checkpoints=[1, 10, 299, 300])
    ref = simulate("etc", instance, T=T, seeds=[2, 5], m=T, record=True,
                   checkpoints=[1, 10, 299, 300])
    assert (ref.arms == np.arange(T) % K).all()
    for p, rewards in zip(seen, ref.rewards):
        np.testing.assert_array_equal(p.rewards, rewards)
    np.testing.assert_allclose(mine.regret, ref.regret, rtol=0, atol=1e-12)
    # and in closed form: round-robin pays every gap once per K rounds
    if not isinstance(instance, SwitchingBandit):
        gaps = [Fraction(float(g)) for g in instance.gaps]
        exact = sum(gaps[t % K] for t in range(T))
        assert mine.regret[0, -1] == pytest.approx(float(exact), abs=1e-12)


def _ucb_init(K, T, seed):
    return np.zeros(2 * K)           # counts, then sums


@njit
def _ucb_select(state, t):
    K = state.shape[0] // 2
    for a in range(K):
        if state[a] == 0.0:
            return a
    bonus = math.sqrt(2.0 * math.log(t))
    best, arm = -np.inf, 0
    for a in range(K):
        v = state[K + a] / state[a] + bonus / math.sqrt(state[a])
        if v > best:
            best, arm = v, a
    return arm


@njit
def _ucb_update(state, arm, reward):
    K = state.shape[0] // 2
    state[arm] += 1.0
    state[K + arm] += reward


def test_a_numba_policy_runs_compiled_and_matches_the_built_in():
    bandit = BernoulliBandit([0.7, 0.5, 0.45, 0.2])
    pol = NumbaPolicy(_ucb_init, _ucb_select, _ucb_update, name="my numba UCB1")
    mine = simulate_policy(pol, bandit, T=20000, seeds=4)
    ref = simulate("ucb1", bandit, T=20000, seeds=4)
    np.testing.assert_array_equal(mine.regret, ref.regret)
    assert mine.algorithm == "my numba UCB1"


@njit
def _bad_select(state, t):
    return 5 if t == 7 else 0


def test_bad_policies_are_refused_naming_the_seed_and_the_round():
    b = BernoulliBandit([0.5, 0.4])

    class OffByOne(RoundRobin):
        def select(self, t):
            return 2 if t == 3 else 0

    with pytest.raises(InvalidArgument, match=r"select\(t=3\) returned arm 2 for seed=1, "
                                              r"expected an arm in 0..1"):
        simulate_policy(OffByOne, b, T=10, seeds=[1])

    class Floaty(RoundRobin):
        def select(self, t):
            return 0.0

    with pytest.raises(InvalidType, match=r"returned 0.0 \(type float\)"):
        simulate_policy(Floaty, b, T=10, seeds=1)
    with pytest.raises(InvalidType, match="without a update\\(\\) method"):
        simulate_policy(lambda K, T, s: type("P", (), {"select": lambda self, t: 0})(), b, 5)
    with pytest.raises(InvalidType, match="expected a factory"):
        simulate_policy(RoundRobin(2, 5, 0), b, 5)
    with pytest.raises(InvalidArgument, match=r"select\(t=7\) returned arm 5 for seed=0"):
        simulate_policy(NumbaPolicy(_ucb_init, _bad_select, _ucb_update), b, T=20, seeds=1)
    with pytest.raises(InvalidType, match="must be numba.njit functions"):
        simulate_policy(NumbaPolicy(_ucb_init, lambda s, t: 0, _ucb_update), b, T=5)
    with pytest.raises(InvalidType, match="expected a 1-D float64 array"):
        simulate_policy(NumbaPolicy(lambda K, T, s: [0.0] * 4, _ucb_select, _ucb_update),
                        b, T=5)
    with pytest.raises(InvalidType, match="instance="):
        simulate_policy(RoundRobin, [0.5, 0.4], T=5)


def test_simulate_takes_a_users_policy_in_place_of_a_name():
    from provable.errors import NotSupported

    b = BernoulliBandit([0.6, 0.5])
    a = simulate(UCB1, b, T=400, seeds=3)
    c = simulate_policy(UCB1, b, T=400, seeds=3)
    np.testing.assert_array_equal(a.regret, c.regret)
    with pytest.raises(NotSupported, match="delay is for the built-in algorithms"):
        simulate(UCB1, b, T=400, delay=2)
    with pytest.raises(NotSupported, match="horizon"):
        simulate(UCB1, b, T=400, horizon=10)
