"""RL with general utilities: exact occupancy, exact utility gradient, Frank-Wolfe optimum
and the N-VR-PG estimators, checked against independent computations."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from provable.errors import InvalidArgument
from provable.learners.policy_gradient import general_utility as gu


def _mdp(S=3, A=2, gamma=0.7, seed=0):
    P, rho, u, th = gu.random_utility_instance(S, A, gamma, seed=seed)
    return P, rho, gamma, u, th


def test_occupancy_matches_rollout_sum():
    # lambda(s, a) = sum_t gamma^t Pr(s_t = s, a_t = a), by propagating the state law
    P, rho, gamma, _, th = _mdp()
    pi = gu.softmax_policy(th)
    law = rho.copy()
    lam = np.zeros_like(pi)
    for t in range(400):
        lam += gamma ** t * law[:, None] * pi
        law = np.einsum("s,sa,sat->t", law, pi, P)
    assert np.allclose(gu.occupancy(P, rho, gamma, pi), lam, atol=1e-12)
    assert np.isclose(lam.sum(), 1 / (1 - gamma))


def test_occupancy_by_hand_two_state_chain():
    # state 0 -> state 1 (absorbing) whatever the action: nu = (1, gamma / (1 - gamma))
    P = np.zeros((2, 2, 2))
    P[:, :, 1] = 1.0
    lam = gu.occupancy(P, [1.0, 0.0], 0.5, [[0.5, 0.5], [1.0, 0.0]])
    assert np.allclose(lam, [[0.5, 0.5], [1.0, 0.0]])


@pytest.mark.parametrize("kind", ["quadratic", "entropy"])
def test_utility_gradient_matches_finite_differences(kind):
    P, rho, gamma, u, _ = _mdp(seed=3)
    util = u if kind == "quadratic" else gu.EntropyUtility(gamma)
    th = np.random.default_rng(1).standard_normal(u.target.shape)

    def F(t):
        return util.value(gu.occupancy(P, rho, gamma, gu.softmax_policy(t)))

    g = gu.utility_gradient(P, rho, gamma, th, util)
    fd = np.zeros_like(th)
    h = 1e-6
    for i, j in itertools.product(*map(range, th.shape)):
        e = np.zeros_like(th)
        e[i, j] = h
        fd[i, j] = (F(th + e) - F(th - e)) / (2 * h)
    assert np.allclose(g, fd, atol=1e-7)


def test_best_response_is_the_lp_optimum():
    # the Frank-Wolfe oracle: an optimal deterministic policy's occupancy maximises <r, lam>
    # over the occupancy polytope; compare with scipy's LP on the flow constraints
    from scipy.optimize import linprog

    P, rho, gamma, _, _ = _mdp(S=4, A=3, seed=5)
    r = np.random.default_rng(2).standard_normal((4, 3))
    S, A = r.shape
    Aeq = np.zeros((S, S * A))
    for s, a in itertools.product(range(S), range(A)):
        Aeq[s, s * A + a] += 1.0
        Aeq[:, s * A + a] -= gamma * P[s, a]
    lp = linprog(-r.ravel(), A_eq=Aeq, b_eq=rho, bounds=(0, None), method="highs")
    lam = gu._best_response(P, rho, gamma, r)
    assert np.isclose(np.sum(r * lam), -lp.fun, atol=1e-9)


def test_frank_wolfe_reaches_zero_on_an_attainable_target():
    P, rho, gamma, u, _ = _mdp(S=3, A=2, seed=7)
    res = gu.frank_wolfe(P, rho, gamma, u, iters=3000)
    assert -1e-4 <= res.value <= 0.0          # F <= 0 everywhere and F* = 0
    assert res.value + res.gap >= -1e-12      # the certificate brackets F* = 0


def test_frank_wolfe_entropy_matches_exact_gradient_ascent():
    # two independent routes to max-entropy exploration: Frank-Wolfe over occupancies and
    # exact softmax gradient ascent in parameter space
    P, rho, gamma, _, _ = _mdp(S=3, A=2, gamma=0.6, seed=11)
    util = gu.EntropyUtility(gamma)
    fw = gu.frank_wolfe(P, rho, gamma, util, iters=3000)
    th = np.zeros((3, 2))
    for _ in range(20000):
        th += 2.0 * gu.utility_gradient(P, rho, gamma, th, util)
    F_pg = util.value(gu.occupancy(P, rho, gamma, gu.softmax_policy(th)))
    assert F_pg <= fw.value + fw.gap + 1e-9   # no policy beats the certified optimum
    assert abs(F_pg - fw.value) < 1e-4
    assert util.value(np.full((3, 2), 1 / (6 * (1 - gamma)))) >= fw.value - 1e-9  # <= log 3


def test_gpomdp_kernel_matches_direct_formula():
    rng = np.random.default_rng(4)
    S, A, H, gamma = 3, 2, 7, 0.8
    pi = gu.softmax_policy(rng.standard_normal((S, A)))
    r = rng.standard_normal((S, A))
    states = rng.integers(0, S, H)
    actions = rng.integers(0, A, H)
    out = np.empty((S, A))
    gu._gpomdp(states, actions, pi, r, gamma, out)
    direct = np.zeros((S, A))
    for h in range(H):
        score = np.zeros((S, A))
        for k in range(h + 1):
            score[states[k]] -= pi[states[k]]
            score[states[k], actions[k]] += 1.0
        direct += gamma ** h * r[states[h], actions[h]] * score
    assert np.allclose(out, direct, atol=1e-12)


def test_gpomdp_is_unbiased_for_the_truncated_gradient():
    # E[g(tau, theta, r)] over all trajectories of length H (brute-force enumeration) equals
    # the exact policy gradient of sum_{h<H} gamma^h r, computed by finite differences of the
    # exact truncated value
    rng = np.random.default_rng(8)
    S, A, H, gamma = 2, 2, 3, 0.9
    P = rng.dirichlet(np.ones(S), size=(S, A))
    rho = rng.dirichlet(np.ones(S))
    r = rng.standard_normal((S, A))
    th = rng.standard_normal((S, A))

    def trunc_value(t):
        pi = gu.softmax_policy(t)
        law, val = rho.copy(), 0.0
        for h in range(H):
            val += gamma ** h * np.sum(law[:, None] * pi * r)
            law = np.einsum("s,sa,sat->t", law, pi, P)
        return val

    pi = gu.softmax_policy(th)
    mean = np.zeros((S, A))
    out = np.empty((S, A))
    for traj in itertools.product(range(S), range(A), repeat=H):
        st = np.array(traj[0::2])
        ac = np.array(traj[1::2])
        p = rho[st[0]]
        for h in range(H):
            p *= pi[st[h], ac[h]]
            if h + 1 < H:
                p *= P[st[h], ac[h], st[h + 1]]
        gu._gpomdp(st, ac, pi, r, gamma, out)
        mean += p * out
    fd = np.zeros((S, A))
    for i, j in itertools.product(range(S), range(A)):
        e = np.zeros((S, A))
        e[i, j] = 1e-6
        fd[i, j] = (trunc_value(th + e) - trunc_value(th - e)) / 2e-6
    assert np.allclose(mean, fd, atol=1e-7)


def test_nvrpg_exact_checkpoints_agree_with_python_evaluation():
    # with zero iterations the recorded objective and gradient norm are those of theta0
    P, rho, gamma, u, _ = _mdp(S=3, A=2, seed=2)
    th0 = np.random.default_rng(0).standard_normal((3, 2))
    res = gu.run_nvrpg(P, rho, gamma, u, 5, seeds=2, theta0=th0, checkpoints=[0])
    F0 = u.value(gu.occupancy(P, rho, gamma, gu.softmax_policy(th0)))
    g0 = np.linalg.norm(gu.utility_gradient(P, rho, gamma, th0, u))
    assert np.allclose(res.objective[:, 0], F0, atol=1e-12)
    assert np.allclose(res.grad_norms[:, 0], g0, atol=1e-12)


def test_nvrpg_seeded_and_improving():
    P, rho, gamma, u, _ = _mdp(S=3, A=2, seed=1)
    a = gu.run_nvrpg(P, rho, gamma, u, 3000, seeds=[5, 6], alpha0=0.5)
    b = gu.run_nvrpg(P, rho, gamma, u, 3000, seeds=[5, 6], alpha0=0.5)
    assert np.array_equal(a.objective, b.objective)
    assert (a.objective <= 1e-15).all()                      # F <= F* = 0
    assert a.objective[:, -1].mean() > a.objective[:, 0].mean()
    d = gu.run_nvrpg(P, rho, gamma, u, 3000, seeds=[5, 6], alpha0=0.5, mutation="descent")
    assert d.objective[:, -1].mean() < a.objective[:, -1].mean()


def test_invalid_arguments():
    P, rho, gamma, u, _ = _mdp()
    with pytest.raises(InvalidArgument):
        gu.occupancy(P[:, :, :2], rho, gamma, np.full((3, 2), 0.5))
    with pytest.raises(InvalidArgument):
        gu.run_nvrpg(P, rho, gamma, gu.EntropyUtility(gamma), 10)
    with pytest.raises(ValueError):
        gu.run_nvrpg(P, rho, gamma, u, 10, mutation="bogus")
