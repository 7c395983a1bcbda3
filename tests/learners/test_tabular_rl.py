"""Episodic tabular RL learners: optimism, Jin et al.'s schedule, determinism, agreement
with a direct Python implementation."""

from __future__ import annotations

import math

import numpy as np
import pytest

import provable as pv
from provable.errors import InvalidArgument, NotSupported
from provable.learners.tabular_rl import ALGORITHMS, hard_bandit_mdp, run_episodes
from provable.learners.tabular_rl._episodic import seed_keys
from provable.learners.tabular_rl._kernels import u01_numpy


@pytest.fixture(scope="module")
def small():
    return pv.mdp.random_mdp(4, 2, gamma=None, seed=3).with_horizon(4)


@pytest.mark.parametrize("alg", ["ucbvi_h", "ucbvi_b"])
def test_ucbvi_optimism(small, alg):
    res = run_episodes(alg, small, K=300, seeds=4)
    Qstar = pv.solvers.backward_induction(small).Q
    visited = res.visits > 0
    assert visited.any()
    assert (res.Q[visited] >= np.broadcast_to(Qstar, res.Q.shape)[visited] - 1e-9).all()


def test_ql_optimism(small):
    res = run_episodes("ql_ucb_h", small, K=300, seeds=4)
    Qstar = pv.solvers.backward_induction(small).Q
    assert (res.Q >= Qstar - 1e-9).all()


def _ql_reference(mdp, K, seed, c, p, bernstein=False):
    """Direct transcription of Jin et al. (2018) Algorithms 1/2 with the kernel's uniforms."""
    H, S, A = mdp.horizon, mdp.S, mdp.A
    P = np.stack([np.asarray(mdp.P_at(h)) for h in range(H)])
    cdf = np.cumsum(P, axis=2)
    cdf[:, :, -1] = 1.0
    R = np.stack([mdp.R_at(h) for h in range(H)])
    iota = math.log(S * A * K * H / p)
    Q = np.full((H, S, A), float(H))
    V = np.zeros((H + 1, S))
    V[:H] = H
    N = np.zeros((H, S, A))
    mu = np.zeros((H, S, A))
    sig = np.zeros((H, S, A))
    bprev = np.zeros((H, S, A))
    alphas = []
    env_key = seed_keys(np.array([seed]))[0][0]
    for k in range(K):
        s = 0
        u = u01_numpy(env_key, np.arange(k * H, k * H + H))
        for h in range(H):
            a = int(np.argmax(Q[h, s]))
            y = min(int(np.searchsorted(cdf[h, s * A + a], u[h], side="right")), S - 1)
            N[h, s, a] += 1
            t = N[h, s, a]
            alpha = (H + 1) / (H + t)
            alphas.append((t, alpha))
            if bernstein:
                mu[h, s, a] += V[h + 1, y]
                sig[h, s, a] += V[h + 1, y] ** 2
                w = max(sig[h, s, a] / t - (mu[h, s, a] / t) ** 2, 0.0)
                beta = min(c * (math.sqrt(H / t * (w + H) * iota) + math.sqrt(H ** 7 * S * A) * iota / t),
                           c * math.sqrt(H ** 3 * iota / t))
                b = (beta - (1 - alpha) * bprev[h, s, a]) / (2 * alpha)
                bprev[h, s, a] = beta
            else:
                b = c * math.sqrt(H ** 3 * iota / t)
            Q[h, s, a] = (1 - alpha) * Q[h, s, a] + alpha * (R[h, s, a] + V[h + 1, y] + b)
            V[h, s] = min(H, Q[h, s].max())
            s = y
    return Q, N, alphas


@pytest.mark.parametrize("alg,bern", [("ql_ucb_h", False), ("ql_ucb_b", True)])
def test_qlearning_follows_jin_schedule(small, alg, bern):
    res = run_episodes(alg, small, K=150, seeds=[5], c=0.3, p=0.1)
    Q, N, alphas = _ql_reference(small, 150, 5, 0.3, 0.1, bernstein=bern)
    np.testing.assert_array_equal(res.visits[0], N)
    np.testing.assert_allclose(res.Q[0], Q, rtol=1e-12, atol=1e-12)
    t, al = np.array(alphas).T
    np.testing.assert_allclose(al, (small.horizon + 1) / (small.horizon + t))
    assert al[t == 1].min() == 1.0


@pytest.mark.parametrize("alg", sorted(ALGORITHMS))
def test_same_seed_same_bits(small, alg):
    a = run_episodes(alg, small, K=60, seeds=[3, 9])
    b = run_episodes(alg, small, K=60, seeds=[9])
    np.testing.assert_array_equal(a.regret[1], b.regret[0])
    np.testing.assert_array_equal(a.Q[1], b.Q[0])
    assert (a.regret >= -1e-12).all()


def test_regret_is_exact_policy_gap():
    fh = hard_bandit_mdp(A=2, H=3, gap=0.2)
    res = run_episodes("eps_greedy_q", fh, K=5, seeds=1, epsilon=0.0)
    # greedy with Q = 0 plays action 0 (suboptimal): loses (H-1) * gap every episode
    np.testing.assert_allclose(res.regret[0, 0], 2 * 0.2)


def test_optimism_learns_and_control_does_not():
    fh = hard_bandit_mdp(A=3, H=4, gap=0.3)
    good = run_episodes("ucbvi_b", fh, K=4000, seeds=4, c=0.1)
    bad = run_episodes("eps_greedy_q", fh, K=4000, seeds=4, epsilon=0.3)
    assert good.regret[:, -500:].mean() < 0.2 * bad.regret[:, -500:].mean()


def test_validation(small):
    with pytest.raises(InvalidArgument, match="algorithm"):
        run_episodes("ucbvii", small, K=2)
    with pytest.raises(InvalidArgument, match="option"):
        run_episodes("psrl", small, K=2, c=1.0)
    with pytest.raises(NotSupported):
        run_episodes("ucbvi_h", pv.mdp.river_swim(3), K=2)
    P = np.stack([np.asarray(small.dense_P())] * 4)
    P[1] = P[1][::-1]
    inhom = pv.TabularMDP(P, small.R_at(0), horizon=4)
    with pytest.raises(NotSupported, match="stationary"):
        run_episodes("ucbvi_h", inhom, K=2)
    assert run_episodes("ql_ucb_h", inhom, K=2).regret.shape == (8, 2)
