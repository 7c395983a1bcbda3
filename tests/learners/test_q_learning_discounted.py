"""Discounted tabular Q-learning with pymdptoolbox's schedule, checked against V*."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import provable as pv
from provable.errors import InvalidArgument, InvalidType, NotSupported
from provable.learners.tabular_rl import q_learning

P = np.array([[[0.5, 0.5], [0.8, 0.2]], [[0, 1], [0.1, 0.9]]])
R = np.array([[5, 10], [-1, 2]])


def small(gamma):
    if gamma is None:  # the long-run average reward model
        return pv.TabularMDP.from_mdptoolbox(P, R, average=True)
    return pv.TabularMDP.from_mdptoolbox(P, R, gamma=gamma)


def test_error_shrinks_towards_v_star():
    """gamma = 0.5: the mean distance to V* over 4 seeds falls by more than 3x from
    10^3 to 10^4 transitions and ends below 0.15 (V* is about 13)."""
    m = small(0.5)
    V_star = pv.solve(m, "exact").V
    err = {n: np.mean([np.abs(q_learning(m, n, seed=k).V - V_star).max() for k in range(4)])
           for n in (1_000, 10_000)}
    assert err[10_000] < err[1_000] / 3
    assert err[10_000] < 0.15
    assert q_learning(m, 10_000, seed=1).policy.tolist() == pv.solve(m, "pi").policy.tolist()


def test_same_seed_same_bits_and_sparse_equals_dense():
    m = small(0.9)
    ms = pv.TabularMDP(sp.csr_matrix(m.P_at()), m.R, gamma=0.9)
    a, b, c = q_learning(m, 2000, seed=3), q_learning(m, 2000, seed=3), q_learning(ms, 2000, seed=3)
    assert a.Q.tolist() == b.Q.tolist() == c.Q.tolist()
    assert q_learning(m, 2000, seed=4).Q.tolist() != a.Q.tolist()
    assert a.mean_discrepancy.shape == (20,)
    assert a.V_error == pytest.approx(np.abs(a.V - a.V_star).max())


def test_reward_and_discount_enter_the_update():
    """One step from Q = 0 updates Q(s, a) by r(s, a) / sqrt(3), whatever gamma."""
    for gamma in (0.0, 0.9):
        m = pv.TabularMDP(np.ones((1, 1, 1)), [[6.0]], gamma=gamma)
        assert q_learning(m, 1, seed=0).Q[0, 0] == pytest.approx(6.0 / np.sqrt(3))
    # two steps on the one-state chain: Q2 = Q1 + (6 + gamma Q1 - Q1) / 2
    for gamma in (0.0, 0.9):
        m = pv.TabularMDP(np.ones((1, 1, 1)), [[6.0]], gamma=gamma)
        q1 = 6.0 / np.sqrt(3)
        assert q_learning(m, 2, seed=0).Q[0, 0] == pytest.approx(q1 + (6 + gamma * q1 - q1) / 2)


def test_errors():
    with pytest.raises(NotSupported, match="discounted"):
        q_learning(small(None), 10)
    with pytest.raises(InvalidArgument, match="n_iter"):
        q_learning(small(0.9), 0)
    with pytest.raises(InvalidType, match="TabularMDP"):
        q_learning("mdp", 10)
    with pytest.raises(InvalidType, match="seed"):
        q_learning(small(0.9), 10, seed="x")
