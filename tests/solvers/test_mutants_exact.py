"""The exact rational solver on instances whose rational answer is known by hand."""

import inspect
from fractions import Fraction

import numpy as np
import pytest
from _exact_helpers import optimal_value, rational_model

import provable as pv
from provable.solvers.tabular.exact import rational_solve

F = Fraction


@pytest.mark.parametrize("n,seed", [(1, 0), (2, 1), (3, 2), (5, 3)])
def test_rational_solve_is_exact(n, seed):
    rng = np.random.default_rng(seed)
    M = [[F(int(v), 7) for v in row] for row in rng.integers(-5, 6, (n, n))]
    for i in range(n):
        M[i][i] += 40  # diagonally dominant: non-singular
    x = [F(int(v), int(d)) for v, d in zip(rng.integers(-9, 10, n), rng.integers(1, 9, n))]
    b = [sum(M[i][j] * x[j] for j in range(n)) for i in range(n)]
    M0 = [row[:] for row in M]
    assert rational_solve(M, b) == x
    assert M == M0  # inputs untouched


def test_rational_solve_pivots_past_zeros():
    # zero on the diagonal at every step: needs row exchanges
    M = [[F(0), F(2), F(0)], [F(0), F(0), F(3)], [F(1), F(0), F(0)]]
    assert rational_solve(M, [F(4), F(9), F(5)]) == [F(5), F(2), F(3)]
    M = [[F(0), F(1)], [F(1), F(1)]]
    assert rational_solve(M, [F(1), F(3)]) == [F(2), F(1)]


def test_rational_solve_refuses_singular_systems():
    with pytest.raises(ZeroDivisionError):
        rational_solve([[F(1), F(2)], [F(2), F(4)]], [F(1), F(2)])
    with pytest.raises(ZeroDivisionError):
        rational_solve([[F(0), F(0)], [F(0), F(1)]], [F(0), F(1)])


def _near_tie_mdp():
    """State 0: stay (reward 1) or move to state 1 (reward 1e-14); state 1 loops with
    reward 2. gamma 1/2: V(1) = 4, staying is worth 2, moving 1e-14 + 2 (in the exact
    rational model: Fraction(1e-14) + 2). The float solver may keep 'stay' (within its
    1e-12 tie tolerance); the exact solver must move."""
    P = np.zeros((2, 2, 2))
    P[0, 0, 0] = 1.0
    P[0, 1, 1] = 1.0
    P[1, :, 1] = 1.0
    R = np.array([[1.0, 1e-14], [2.0, 2.0]])
    return pv.TabularMDP(P, R, gamma=0.5)


def test_exact_breaks_float_near_ties_correctly():
    res = pv.solvers.exact_solve(_near_tie_mdp())
    assert list(res.V_exact) == [F(1e-14) + 2, F(4)]
    assert res.policy.tolist()[0] == 1
    assert res.converged and "no action improves strictly" in res.message
    Q = res.Q_exact
    assert Q[0, 0] == 1 + F(1, 2) * res.V_exact[0] and Q[0, 1] == F(1e-14) + 2
    assert Q[1, 0] == Q[1, 1] == F(4)


def test_exact_keeps_exact_ties_and_stops():
    # two identical actions everywhere: nothing improves strictly, one evaluation
    P = np.zeros((2, 2, 2))
    P[0, :, 1] = 1.0
    P[1, :, 0] = 1.0
    R = np.array([[1.0, 1.0], [0.5, 0.5]])
    res = pv.solvers.exact_solve(pv.TabularMDP(P, R, gamma=0.5))
    assert res.converged and res.iterations == 1
    # V0 = 1 + V1 / 2, V1 = 1/2 + V0 / 2  =>  V0 = 5/3, V1 = 4/3
    assert list(res.V_exact) == [F(5, 3), F(4, 3)]


@pytest.mark.parametrize("seed", range(3))
def test_exact_matches_enumeration(seed):
    mdp = pv.mdp.random_mdp(3, 3, gamma=0.7, seed=seed, density=0.7)
    res = pv.solvers.exact_solve(mdp)
    v_star = optimal_value(mdp)
    assert list(res.V_exact) == v_star
    Pf, Rf, g = rational_model(mdp)
    for s in range(mdp.S):
        for a in range(mdp.A):
            q = Rf[s][a] + g * sum(Pf[s][a][t] * v_star[t] for t in range(mdp.S))
            assert res.Q_exact[s, a] == q
        assert res.Q_exact[s, res.policy[s]] == v_star[s]
    np.testing.assert_array_equal(res.V, [float(v) for v in v_star])
    np.testing.assert_array_equal(res.Q, res.Q_exact.astype(float))


def test_error_bound_is_half_an_ulp_and_sound():
    # r = 0.1 read as 1/10 (max_denominator): V* = (1/10) / (1 - 1/2) = 1/5, not a float
    mdp = pv.TabularMDP(np.ones((1, 1, 1)), np.array([[0.1]]), gamma=0.5)
    res = pv.solvers.exact_solve(mdp, max_denominator=10)
    assert res.V_exact[0] == F(1, 5)
    err = abs(F(float(res.V[0])) - F(1, 5))
    assert 0 < err <= res.error_bound
    assert res.error_bound == float(np.spacing(1.0)) / 2  # half an ulp of max(1, |V|)
    big = pv.TabularMDP(np.ones((1, 1, 1)), np.array([[3.0]]), gamma=0.5)
    assert pv.solvers.exact_solve(big).error_bound == float(np.spacing(6.0)) / 2
    neg = pv.TabularMDP(np.ones((1, 1, 1)), np.array([[-3.0]]), gamma=0.5)
    assert pv.solvers.exact_solve(neg).error_bound == float(np.spacing(6.0)) / 2


def test_max_denominator_reads_decimals():
    mdp = pv.TabularMDP(np.ones((1, 1, 1)), np.array([[1.0]]), gamma=0.9)
    assert pv.solvers.exact_solve(mdp, max_denominator=10).V_exact[0] == 10
    exact = pv.solvers.exact_solve(mdp).V_exact[0]
    assert exact == 1 / (1 - F(0.9)) and exact != 10
    with pytest.raises(pv.errors.ProvableError, match="max_denominator"):
        pv.solvers.exact_solve(mdp, max_denominator=0)


def test_exact_arguments_and_defaults():
    mdp = pv.TabularMDP(np.ones((1, 1, 1)), np.array([[1.0]]), gamma=0.5)
    with pytest.raises(pv.errors.ProvableError, match="max_iter"):
        pv.solvers.exact_solve(mdp, max_iter=0)
    with pytest.raises(pv.errors.ProvableError, match="max_states=0, expected"):
        pv.solvers.exact_solve(mdp, max_states=0)
    two = pv.TabularMDP(np.ones((2, 1, 2)) / 2, np.array([[1.0], [0.0]]), gamma=0.5)
    with pytest.raises(pv.errors.InvalidArgument, match="S=2 states, more than max_states=1"):
        pv.solvers.exact_solve(two, max_states=1)
    assert pv.solvers.exact_solve(two, max_states=2).V_exact.tolist() == [F(3, 2), F(1, 2)]
    # gamma = 0 and integer entries: denominators up to 1 read every float exactly
    zero = pv.TabularMDP(np.ones((1, 1, 1)), np.array([[3.0]]), gamma=0.0)
    assert pv.solvers.exact_solve(zero, max_denominator=1).V_exact[0] == 3
    assert pv.solvers.exact_solve(mdp, max_iter=1, max_states=1).converged
    with pytest.raises(pv.errors.NotSupported):
        pv.solvers.exact_solve(pv.TabularMDP(np.ones((1, 1, 1)), np.array([[1.0]])))
    p = inspect.signature(pv.solvers.exact_solve).parameters
    # max_states: None means 1000 with FLINT, 100 with Fractions (test_exact_flint.py)
    assert (p["max_denominator"].default, p["max_iter"].default, p["max_states"].default,
            p["backend"].default) == (None, 1000, None, "auto")


def test_exact_reports_an_iteration_cap():
    # from the float policy (suboptimal in the rational model) one evaluation is not
    # enough: with max_iter=1 the exact solver says it has not verified optimality
    res = pv.solvers.exact_solve(_near_tie_mdp(), max_iter=1)
    assert not res.converged and res.iterations == 1


def test_max_denominator_may_not_change_a_stored_float():
    # 0.15 read with denominators up to 3 would be 0 or 1/3, not the stored float
    mdp = pv.TabularMDP(np.ones((1, 1, 1)), np.array([[0.15]]), gamma=0.5)
    with pytest.raises(pv.errors.InvalidArgument, match="max_denominator=3 would change R"):
        pv.solvers.exact_solve(mdp, max_denominator=3)
    assert pv.solvers.exact_solve(mdp, max_denominator=20).V_exact[0] == F(3, 10)


def test_non_contracting_models_are_refused():
    # rows may sum to 1 + 9e-10 (within the model's tolerance); with gamma this close
    # to 1 the Bellman operator is not a contraction
    P = np.array([[[1.0, 0.0]], [[0.0, 1 + 9e-10]]])  # the second row is the longer
    mdp = pv.TabularMDP(P, np.array([[1.0], [1.0]]), gamma=1 - 2.0 ** -40)
    # refused by exact_solve's own rational test, naming the row (before any float
    # solver runs)
    with pytest.raises(pv.errors.InvalidModel, match=r"row P\[1, 0, :\] \(1.0000000009\) is >= 1"):
        pv.solvers.exact_solve(mdp)


def test_bound_with_max_denominator_covers_the_stored_float_model_too():
    # gamma = 0.9 read as 9/10: V_exact = 10, but the stored float model (gamma the
    # float nearest 0.9) has V* = 1 / (1 - Fraction(0.9)) = 10 + 2.2e-15, more than
    # half an ulp of 10 away from the returned V
    mdp = pv.TabularMDP(np.ones((1, 1, 1)), np.array([[1.0]]), gamma=0.9)
    res = pv.solvers.exact_solve(mdp, max_denominator=10)
    assert res.V_exact[0] == 10 and res.V[0] == 10.0
    v_float_model = 1 / (1 - F(0.9))
    assert abs(F(float(res.V[0])) - v_float_model) > np.spacing(10.0) / 2
    assert abs(F(float(res.V[0])) - v_float_model) <= res.error_bound
    assert abs(F(float(res.V[0])) - res.V_exact[0]) <= res.error_bound
