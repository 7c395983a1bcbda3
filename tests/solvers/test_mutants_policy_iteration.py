"""Policy iteration and modified policy iteration on instances whose answer is known:
certificates that hold and are tight, optimality against enumeration, the tie rule.

Instances: independent self-loop states with discount 1/2, where every quantity is a
dyadic rational, so the floats are exact and the hand computation is the truth.
"""

import inspect
from fractions import Fraction

import numpy as np
import pytest
from _exact_helpers import optimal_value, policy_value, sup_error

import provable as pv
from provable.solvers.tabular.policy_iteration import _improve


def _self_loops(rewards, gamma=0.5):
    """Each state loops on itself under every action; R[s, a] = rewards[s][a]."""
    R = np.array(rewards, dtype=float)
    S, A = R.shape
    P = np.zeros((S, A, S))
    for s in range(S):
        P[s, :, s] = 1.0
    return pv.TabularMDP(P, R, gamma=gamma)


# -- policy iteration -------------------------------------------------------------

def test_pi_bound_is_tight_when_stopped_after_one_evaluation():
    # state 0: actions pay 0 or 1; state 1: both pay 0. From policy (0, 0), V = 0,
    # V* = (2, 0): the true error is 2 and ||TV - V|| / (1 - gamma) = 1 / (1/2) = 2.
    mdp = _self_loops([[0.0, 1.0], [0.0, 0.0]])
    res = pv.solvers.policy_iteration(mdp, max_iter=1, policy0=np.array([0, 0]))
    assert not res.converged and res.iterations == 1 and "max_iter=1" in res.message
    true_err = sup_error(res.V, [Fraction(2), Fraction(0)])
    assert true_err == 2
    assert res.error_bound >= true_err            # sound
    assert res.error_bound <= 2 + 1e-12           # tight
    # whichever policy is returned, it is worth at least V (policy improvement)
    assert all(vp >= Fraction(float(v)) for vp, v in zip(policy_value(mdp, res.policy), res.V))


def test_pi_converges_from_the_greedy_reward_policy():
    mdp = _self_loops([[0.0, 1.0], [0.0, 0.0]])
    res = pv.solvers.policy_iteration(mdp)
    # greedy on rewards is optimal here: one evaluation, no strict improvement
    assert res.converged and res.iterations == 1 and "stable after 1" in res.message
    np.testing.assert_array_equal(res.policy, [1, 0])
    np.testing.assert_array_equal(res.V, [2.0, 0.0])
    assert 0 < res.error_bound <= 1e-12


def test_pi_two_improvements_then_stable():
    mdp = _self_loops([[0.0, 1.0], [0.0, 0.0]])
    res = pv.solvers.policy_iteration(mdp, max_iter=2, policy0=np.array([0, 0]))
    assert res.converged and res.iterations == 2
    np.testing.assert_array_equal(res.policy, [1, 0])


@pytest.mark.parametrize("seed", range(4))
def test_pi_policy_is_optimal_against_enumeration(seed):
    mdp = pv.mdp.random_mdp(4, 3, gamma=0.9, seed=seed)
    res = pv.solvers.policy_iteration(mdp)
    v_star = optimal_value(mdp)
    assert res.converged
    assert sup_error(res.V, v_star) <= res.error_bound
    loss = max(vs - vp for vs, vp in zip(v_star, policy_value(mdp, res.policy)))
    assert loss <= 1e-12 * max(1, max(v_star))


def test_tied_incumbent_is_kept():
    # both actions are identical: the given policy is optimal and must stay
    mdp = _self_loops([[0.5, 0.5], [1.0, 1.0]])
    res = pv.solvers.policy_iteration(mdp, policy0=np.array([1, 1]))
    assert res.converged and res.iterations == 1
    np.testing.assert_array_equal(res.policy, [1, 1])


@pytest.mark.parametrize("base", [0.0, 0.25, 1.0, -1.0, 1e6, -1e6])
def test_tie_rule_switches_only_beyond_rtol_times_max_one_abs_q(base):
    """The incumbent is kept unless another action beats it by more than
    ``rtol * max(1, |Q_max|)`` (rtol = 1e-12)."""
    tol = 1e-12 * max(1.0, abs(base))
    cur = np.array([0])
    for frac, switch in [(0.6, False), (0.9, False), (1.1, True), (1.6, True), (2.5, True)]:
        Q = np.array([[base, base + frac * tol]])
        d = Q[0, 1] - Q[0, 0]
        if abs(d / tol - frac) > 0.05:   # the float grid is too coarse at this base
            continue
        assert _improve(Q, cur).tolist() == ([1] if switch else [0]), (base, frac)
    # exactly at the threshold the incumbent is kept (another action must be better by
    # more than the tolerance)
    q = 1.0 if base == 0.0 else base
    edge = q - 1e-12 * max(1.0, abs(q))
    assert _improve(np.array([[edge, q]]), cur).tolist() == [0]
    # without an incumbent: the greedy action, lowest index among exact ties
    assert _improve(np.array([[base, base]]), None).tolist() == [0]


def test_pi_refuses_bad_arguments():
    mdp = _self_loops([[0.0, 1.0]])
    with pytest.raises(pv.errors.ProvableError, match="max_iter"):
        pv.solvers.policy_iteration(mdp, max_iter=0)
    avg = pv.TabularMDP(mdp.dense_P(), mdp.R)
    with pytest.raises(pv.errors.NotSupported):
        pv.solvers.policy_iteration(avg)
    with pytest.raises(pv.errors.NotSupported):
        pv.solvers.modified_policy_iteration(avg)
    for kw in ({"tol": 0.0}, {"tol": -1.0}, {"m": 0}, {"max_iter": 0}):
        with pytest.raises(pv.errors.ProvableError):
            pv.solvers.modified_policy_iteration(mdp, **kw)
    # the smallest legal values are accepted
    assert pv.solvers.modified_policy_iteration(mdp, tol=0.5, m=1, max_iter=1).iterations == 1


def test_public_defaults():
    pi = inspect.signature(pv.solvers.policy_iteration).parameters
    mpi = inspect.signature(pv.solvers.modified_policy_iteration).parameters
    assert pi["max_iter"].default == 1000
    assert (mpi["tol"].default, mpi["m"].default, mpi["max_iter"].default) == (1e-8, 20, 100_000)


# -- modified policy iteration ----------------------------------------------------
# Two self-loop states paying 0 and 1 (a second action paying 1 less everywhere), gamma
# 1/2, V* = (0, 2). From any constant V0 the first greedy step has span(TV - V) = 1, so
# the MacQueen-Porteus bound c * span / 2 (c = gamma / (1 - gamma) = 1) is 1/2; after
# the m - 1 sweeps the next one is gamma^(m+1) span(V*) / 2 = 2^-(m+1). For independent
# self-loops the corrected V is off by exactly that bound in every state, and any sound
# a-posteriori bound is exact here (TV - V = (1 - gamma)(V* - V) state by state).

_MPI = [[0.0, -1.0], [1.0, 0.0]]
_V_STAR = [Fraction(0), Fraction(2)]


def test_mpi_stops_at_once_when_the_first_bound_meets_tol():
    res = pv.solvers.modified_policy_iteration(_self_loops(_MPI), tol=0.5, m=3)
    assert res.converged and res.iterations == 1
    err = sup_error(res.V, _V_STAR)
    assert 0 < err <= res.error_bound <= err + 1e-12   # sound and tight
    assert res.error_bound <= 0.5 + 1e-12
    np.testing.assert_array_equal(res.policy, [0, 0])
    np.testing.assert_array_equal(res.Q[:, 0] - res.Q[:, 1], [1.0, 1.0])


@pytest.mark.parametrize("m", [1, 2, 3, 5])
def test_mpi_second_step_bound_is_exact(m):
    expected = Fraction(1, 2 ** (m + 1))
    res = pv.solvers.modified_policy_iteration(_self_loops(_MPI), tol=0.4, m=m)
    assert res.converged and res.iterations == 2
    err = sup_error(res.V, _V_STAR)
    assert err == expected  # the MacQueen-Porteus midpoint, no further sweep
    assert err <= res.error_bound <= err + 1e-12
    np.testing.assert_array_equal(res.policy, [0, 0])


@pytest.mark.parametrize("m", [1, 3])
def test_mpi_truncated_run_is_certified_the_same_way(m):
    expected = Fraction(1, 2 ** (m + 1))
    res = pv.solvers.modified_policy_iteration(_self_loops(_MPI), tol=1e-6, m=m, max_iter=1)
    assert not res.converged and res.iterations == 1 and "max_iter=1" in res.message
    err = sup_error(res.V, _V_STAR)
    assert err == expected
    assert err <= res.error_bound <= err + 1e-12


@pytest.mark.parametrize("seed", range(3))
def test_mpi_within_its_bound_on_random_models(seed):
    mdp = pv.mdp.random_mdp(4, 3, gamma=0.8, seed=seed)
    v_star = optimal_value(mdp)
    for tol, max_iter in [(1e-3, 100_000), (1e-10, 100_000), (1e-12, 2)]:
        res = pv.solvers.modified_policy_iteration(mdp, tol=tol, m=4, max_iter=max_iter)
        assert sup_error(res.V, v_star) <= res.error_bound
        if res.converged:
            assert res.error_bound <= tol


def test_gamma_zero_is_one_greedy_step():
    # gamma = 0: V* = max_a r(s, a); MPI's first span bound is 0 and must stop at once
    mdp = _self_loops([[0.0, 1.0], [3.0, -2.0]], gamma=0.0)
    for res in (pv.solvers.modified_policy_iteration(mdp, tol=1e-9, max_iter=3),
                pv.solvers.policy_iteration(mdp, max_iter=3)):
        assert res.converged and res.iterations == 1, res.method
        np.testing.assert_array_equal(res.V, [1.0, 3.0])
        np.testing.assert_array_equal(res.policy, [1, 0])
        assert res.error_bound <= 1e-12


def test_overflowing_values_are_not_certified():
    mdp = pv.TabularMDP(np.ones((1, 1, 1)), np.array([[1e308]]), gamma=0.9)
    with np.errstate(all="ignore"):
        for res in (pv.solvers.policy_iteration(mdp),
                    pv.solvers.modified_policy_iteration(mdp)):
            assert not res.converged and res.error_bound == np.inf, res.method
            assert "not finite" in res.message


@pytest.mark.parametrize("seed", range(3))
def test_policy_bound_covers_the_true_loss_of_the_returned_policy(seed):
    mdp = pv.mdp.random_mdp(4, 3, gamma=0.9, seed=10 + seed)
    v_star = optimal_value(mdp)
    runs = [pv.solvers.policy_iteration(mdp, max_iter=1, policy0=np.zeros(4, dtype=int)),
            pv.solvers.policy_iteration(mdp),
            pv.solvers.modified_policy_iteration(mdp, tol=1e-12, m=2, max_iter=1),
            pv.solvers.modified_policy_iteration(mdp, tol=1e-3, m=2)]
    for res in runs:
        loss = max(vs - vp for vs, vp in zip(v_star, policy_value(mdp, res.policy)))
        assert loss <= res.policy_error_bound, res.method
        assert sup_error(res.V, v_star) <= res.error_bound, res.method


def test_policy0_is_checked():
    mdp = _self_loops([[0.0, 1.0], [0.0, 0.0]])
    for bad in ([0.5, 0], [2, 0], [-1, 0], [[0, 0]], [0]):
        with pytest.raises(pv.errors.InvalidArgument, match="policy0"):
            pv.solvers.policy_iteration(mdp, policy0=np.array(bad))
