"""Dueling RL learner (known transitions): MLE, MaxInP pair, exact regret, determinism."""

import itertools

import numpy as np
import pytest

import provable as pv
from provable.errors import InvalidArgument
from provable.learners.tabular_rl import (
    dueling_rl,
    enumerate_policies,
    expected_features,
    logistic_mle,
    maxinp_pair,
)
from provable.learners.tabular_rl._episodic import episodic_arrays
from provable.solvers import backward_induction, evaluate_policy


def _instance(S=2, A=2, H=3, seed=1):
    fh = pv.mdp.random_mdp(S, A, gamma=None, seed=seed).with_horizon(H)
    return fh, np.random.default_rng(seed).random((S, A))


def _reward_model(fh, w):
    """The same transitions with reward r_h(s, a) = w[s, a] (utility of the counts)."""
    H, S, A = fh.horizon, fh.S, fh.A
    P, _, _, _ = episodic_arrays(fh)
    return pv.mdp.TabularMDP(P[0].reshape(S, A, S), np.broadcast_to(w, (H, S, A)).copy(),
                             horizon=H)


def test_logistic_mle_recovers_w():
    rng = np.random.default_rng(0)
    w = np.array([1.0, -0.5, 0.25])
    X = rng.normal(size=(40000, 3))
    y = (rng.random(40000) < 1 / (1 + np.exp(-X @ w))).astype(float)
    th = logistic_mle(X, y, lam=1.0)
    assert np.abs(th - w).max() < 0.05


def test_logistic_mle_is_the_stationary_point_even_on_separable_data():
    X = np.array([[1.0, 0.0], [2.0, 1.0], [-1.0, 0.5]])
    y = np.array([1.0, 1.0, 0.0])  # separable: the unregularised MLE does not exist
    lam = 0.3
    th = logistic_mle(X, y, lam=lam)
    p = 1 / (1 + np.exp(-X @ th))
    grad = X.T @ (p - y) + lam * th
    assert np.abs(grad).max() < 1e-8


def test_expected_features_give_exact_policy_values():
    fh, w = _instance(S=3, A=2, H=3, seed=4)
    mdp = _reward_model(fh, w)
    pols = enumerate_policies(3, 3, 2)
    Phi = expected_features(fh, pols)
    assert np.allclose(Phi.sum(axis=1), 3.0)  # H visits per trajectory
    for m in range(0, pols.shape[0], 37):
        assert abs(Phi[m] @ w.ravel() - evaluate_policy(mdp, pols[m])[0, 0]) < 1e-12
    assert abs((Phi @ w.ravel()).max() - backward_induction(mdp).V[0, 0]) < 1e-12


def test_maxinp_pair_is_a_brute_force_maximiser():
    rng = np.random.default_rng(3)
    for _ in range(20):
        Phi = rng.random((7, 3))
        theta = rng.normal(size=3)
        B = rng.normal(size=(3, 3))
        Vinv = np.linalg.inv(B @ B.T + 0.5 * np.eye(3))
        beta = rng.random() * 0.5
        i, j, prom = maxinp_pair(Phi, theta, Vinv, beta)

        def width(a, b, Phi=Phi, Vinv=Vinv):
            dlt = Phi[a] - Phi[b]
            return np.sqrt(dlt @ Vinv @ dlt)

        C = [a for a in range(7)
             if all((Phi[a] - Phi[b]) @ theta + beta * width(a, b) >= 0 for b in range(7))]
        assert list(np.flatnonzero(prom)) == C
        assert i in C and j in C
        best = max(width(a, b) for a, b in itertools.product(C, C))
        assert abs(width(i, j) - best) < 1e-12
        # the empirical best policy always stays in C
        assert int(np.argmax(Phi @ theta)) in C


def test_regret_is_exact_and_same_seed_same_bits():
    fh, w = _instance()
    a = dueling_rl(fh, w, 300, seeds=[5, 9])
    b = dueling_rl(fh, w, 300, seeds=[9])
    assert np.array_equal(a["regret"][1], b["regret"][0])
    assert np.array_equal(a["theta_hat"][1], b["theta_hat"][0])
    assert (a["regret"] >= -1e-12).all()
    assert abs(a["V_star"] - backward_induction(_reward_model(fh, w)).V[0, 0]) < 1e-12


def test_learner_beats_uniform_pairs_and_finds_the_optimum():
    fh, w = _instance()
    r = dueling_rl(fh, w, 5000, seeds=4)
    u = dueling_rl(fh, w, 5000, seeds=4, mode="uniform")
    assert r["cumulative_regret"][:, -1].mean() < 0.1 * u["cumulative_regret"][:, -1].mean()
    assert (r["regret"][:, -500:] < 1e-9).mean() > 0.9  # plays the optimal pair at the end


def test_validation():
    fh, w = _instance()
    with pytest.raises(InvalidArgument):
        dueling_rl(fh, w[:1], 10)
    with pytest.raises(InvalidArgument):
        dueling_rl(fh, w, 10, mode="greedy")
    with pytest.raises(InvalidArgument):
        enumerate_policies(10, 4, 3)
