"""Learners behind the demonstration, actor-critic and dueling tabular-RL claims."""

from __future__ import annotations

import numpy as np
import pytest

import provable as pv
from provable.learners.tabular_rl import (
    behaviour_cloning,
    kl_regularised_plan,
    policy_value,
    sample_trajectories,
    trajectory_kl,
)


def _fh(S=4, A=3, H=3, seed=0):
    return pv.mdp.random_mdp(S, A, gamma=None, seed=seed).with_horizon(H)


def _uniform(fh):
    return np.full((fh.horizon, fh.S, fh.A), 1.0 / fh.A)


def test_bc_equals_smoothed_action_frequencies():
    fh = _fh()
    s, a = sample_trajectories(fh, _uniform(fh), 500, seed=3)
    for kappa in (0.0, 1.0, 0.5):
        bc = behaviour_cloning(s, a, fh.S, fh.A, kappa=kappa)
        for h in range(fh.horizon):
            for st in range(fh.S):
                m = s[:, h] == st
                if not m.any():
                    continue
                cnt = np.bincount(a[m, h], minlength=fh.A)
                want = (cnt + kappa) / (m.sum() + fh.A * kappa)
                np.testing.assert_allclose(bc[h, st], want, rtol=0, atol=1e-14)


def test_sampling_same_seed_same_bits_and_frequencies():
    fh = _fh()
    rng = np.random.default_rng(0)
    pi = rng.dirichlet(np.ones(fh.A), size=(fh.horizon, fh.S))
    s1, a1 = sample_trajectories(fh, pi, 2000, seed=11)
    s2, a2 = sample_trajectories(fh, pi, 2000, seed=11)
    assert np.array_equal(s1, s2) and np.array_equal(a1, a2)
    # first-step action frequencies match the policy at the start state
    f = np.bincount(a1[:, 0], minlength=fh.A) / 2000
    assert np.abs(f - pi[0, 0]).max() < 0.05


def test_trajectory_kl_matches_monte_carlo_and_is_zero_on_itself():
    fh = _fh(S=3, A=2, H=3, seed=1)
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(fh.A), size=(fh.horizon, fh.S))
    q = rng.dirichlet(np.ones(fh.A), size=(fh.horizon, fh.S))
    assert trajectory_kl(fh, p, p) == pytest.approx(0.0, abs=1e-15)
    s, a = sample_trajectories(fh, p, 200000, seed=2)
    h = np.arange(fh.horizon)
    mc = (np.log(p[h, s, a]) - np.log(q[h, s, a])).sum(axis=1).mean()
    assert trajectory_kl(fh, p, q) == pytest.approx(mc, abs=0.01)


def test_kl_regularised_plan_limits_and_objective():
    fh = _fh()
    ref = _uniform(fh)
    vstar = float(pv.solvers.backward_induction(fh).V[0, 0])
    pi_small, V = kl_regularised_plan(fh, ref, 1e-4)
    assert vstar - policy_value(fh, pi_small) < 1e-3
    pi_big, _ = kl_regularised_plan(fh, ref, 1e4)
    assert np.abs(pi_big - ref).max() < 1e-3
    # the soft value is the regularised objective of the returned policy
    lam = 0.3
    pi, V = kl_regularised_plan(fh, ref, lam)
    obj = policy_value(fh, pi) - lam * trajectory_kl(fh, pi, ref)
    assert V[0, 0] == pytest.approx(obj, abs=1e-12)


# ---------------------------------------------------------------------------
# actor-critic

def test_actor_is_softmax_of_critics_accumulated_since_last_reset():
    from scipy.special import softmax

    from provable.learners.tabular_rl import actor_critic, hard_bandit_mdp

    fh = hard_bandit_mdp(A=3, H=3, gap=0.2)
    K, eta = 60, 0.7
    r = actor_critic(fh, K, [5], eta=eta, history=True)
    Qh, flags = r["Q_hist"][0], r["reset_after"][0]
    last = np.nonzero(flags)[0]
    k0 = int(last[-1]) + 1 if last.size else 0
    G = Qh[k0:].sum(axis=0)
    np.testing.assert_allclose(r["G"][0], G, rtol=1e-12, atol=1e-12)
    assert r["resets"][0] == flags.sum() > 0
    # regret of the last episode equals V* minus the exact value of softmax(eta G)
    pi = softmax(eta * G, axis=2)
    assert r["regret"][0, -1] == pytest.approx(r["V_star"] - policy_value(fh, pi), abs=1e-12)


def test_actor_critic_same_seed_same_bits_and_capped_critic():
    from provable.learners.tabular_rl import actor_critic, hard_bandit_mdp

    fh = hard_bandit_mdp(A=3, H=4, gap=0.2)
    a = actor_critic(fh, 300, [1, 2], history=True)
    b = actor_critic(fh, 300, [2, 1])
    assert np.array_equal(a["regret"][0], b["regret"][1])
    assert (a["regret"] >= -1e-12).all()
    # a seed's run does not depend on the seeds beside it; the critic is capped at H - h
    assert a["Q_hist"].max() <= fh.horizon + 1e-12
