"""The shared solver pieces (Q from V, policies, policy matrices, exact evaluation,
gains, stationary distributions, occupancy, rounding slack) on instances whose answer is
known by hand or in exact rational arithmetic."""

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from _exact_helpers import policy_value

import provable as pv
from provable.solvers import _common

F = Fraction


def _two_state():
    # state 0: action 0 stays (r 1), action 1 moves to 1 (r 0); state 1: action 0
    # moves to 0 (r 2), action 1 stays (r -1)
    P = np.zeros((2, 2, 2))
    P[0, 0, 0] = P[0, 1, 1] = P[1, 0, 0] = P[1, 1, 1] = 1.0
    R = np.array([[1.0, 0.0], [2.0, -1.0]])
    return P, R


def test_q_from_v_by_hand():
    P, R = _two_state()
    mdp = pv.TabularMDP(P, R, gamma=0.5)
    V = np.array([4.0, -2.0])
    np.testing.assert_array_equal(_common.q_from_v(mdp, V), [[3.0, -1.0], [4.0, -2.0]])
    np.testing.assert_array_equal(_common.q_from_v(mdp, V, gamma=0.25),
                                  [[2.0, -0.5], [3.0, -1.5]])
    avg = pv.TabularMDP(P, R)  # average reward: undiscounted backup
    np.testing.assert_array_equal(_common.q_from_v(avg, V), [[5.0, -2.0], [6.0, -3.0]])
    with pytest.raises(pv.errors.InvalidArgument, match=r"V has shape \(3,\), expected \(2,\)"):
        _common.q_from_v(mdp, np.zeros(3))


def test_greedy_takes_the_lowest_index_among_ties():
    Q = np.array([[1.0, 3.0, 3.0], [-1.0, -2.0, -1.0], [0.0, 0.0, 0.0]])
    assert _common.greedy(Q).tolist() == [1, 0, 0]


def test_as_stochastic_policy_accepts_and_refuses():
    P, R = _two_state()
    mdp = pv.TabularMDP(P, R, gamma=0.5)
    np.testing.assert_array_equal(_common.as_stochastic_policy(mdp, [1, 0]),
                                  [[0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(_common.as_stochastic_policy(mdp, np.array([0.0, 1.0])),
                                  [[1.0, 0.0], [0.0, 1.0]])
    mix = np.array([[0.25, 0.75], [1.0, 0.0]])
    np.testing.assert_array_equal(_common.as_stochastic_policy(mdp, mix), mix)
    with pytest.raises(pv.errors.InvalidArgument, match="integer actions"):
        _common.as_stochastic_policy(mdp, np.array([0.5, 1.0]))
    with pytest.raises(pv.errors.InvalidArgument, match=r"policy\[1\]=2, expected an action in"
                       r" \[0, 1\]"):
        _common.as_stochastic_policy(mdp, [1, 2])
    with pytest.raises(pv.errors.InvalidArgument, match=r"policy\[0\]=-1"):
        _common.as_stochastic_policy(mdp, [-1, 0])
    with pytest.raises(pv.errors.ProvableError):
        _common.as_stochastic_policy(mdp, np.array([[0.5, 0.6], [1.0, 0.0]]))
    with pytest.raises(pv.errors.InvalidArgument, match="expected"):
        _common.as_stochastic_policy(mdp, np.zeros((3,)))


@pytest.mark.parametrize("sparse", [False, True])
def test_policy_matrix_and_evaluation_by_hand(sparse):
    P, R = _two_state()
    Pm = sp.csr_matrix(P.reshape(4, 2)) if sparse else P
    mdp = pv.TabularMDP(Pm, R, gamma=0.5)
    mix = np.array([[0.5, 0.5], [0.0, 1.0]])
    P_pi, r_pi = _common.policy_matrix(mdp, mix)
    assert sp.issparse(P_pi) == sparse
    np.testing.assert_array_equal(P_pi.toarray() if sparse else P_pi, [[0.5, 0.5], [0.0, 1.0]])
    np.testing.assert_array_equal(r_pi, [0.5, -1.0])
    # V1 = -1 / (1 - 1/2) = -2; V0 = 0.5 + 0.5 (V0 + V1) / 2 => V0 = (0.5 - 0.5) / 0.75 = 0
    np.testing.assert_allclose(pv.solvers.evaluate_policy(mdp, mix), [0.0, -2.0], atol=1e-15)
    V = pv.solvers.evaluate_policy(mdp, [1, 0])  # 0 -> 1 -> 0: V0 = 0 + V1/2, V1 = 2 + V0/2
    np.testing.assert_allclose(V, [4 / 3, 8 / 3], rtol=1e-15)


@pytest.mark.parametrize("seed", range(2))
def test_evaluate_policy_is_exact(seed):
    mdp = pv.mdp.random_mdp(5, 3, gamma=0.95, seed=seed)
    pol = np.random.default_rng(seed).integers(0, 3, 5)
    exact = policy_value(mdp, pol)
    V = pv.solvers.evaluate_policy(mdp, pol)
    assert max(abs(F(float(v)) - e) for v, e in zip(V, exact)) <= 1e-13 * max(map(abs, exact))


def test_finite_horizon_evaluation_and_occupancy():
    P, R = _two_state()
    fh = pv.TabularMDP(P, R, horizon=3, gamma=0.5)
    pols = np.array([[1, 0], [0, 1], [0, 1]])
    # h=2: (r(0,0), r(1,1)) = (1, -1); h=1: (1 + 1/2, -1 - 1/2); h=0: (0 + V1(1)/2,
    # 2 + V1(0)/2)
    np.testing.assert_array_equal(pv.solvers.evaluate_policy(fh, pols),
                                  [[-0.75, 2.75], [1.5, -1.5], [1.0, -1.0], [0.0, 0.0]])
    np.testing.assert_array_equal(pv.solvers.evaluate_policy(fh, [1, 0]),
                                  [[1.0, 2.5], [1.0, 2.0], [0.0, 2.0], [0.0, 0.0]])
    np.testing.assert_array_equal(pv.solvers.evaluate_policy(fh, np.array([[0.0, 1.0],
                                                                           [1.0, 0.0]])),
                                  [[1.0, 2.5], [1.0, 2.0], [0.0, 2.0], [0.0, 0.0]])
    with pytest.raises(pv.errors.InvalidArgument, match="H=3"):
        pv.solvers.evaluate_policy(fh, np.zeros((4, 2), dtype=int))
    d = pv.solvers.occupancy(fh, pols, initial=[1.0, 0.0])
    np.testing.assert_array_equal(d, [[[0.0, 1.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]],
                                      [[0.0, 0.0], [0.0, 1.0]]])
    d = pv.solvers.occupancy(fh, [1, 0])  # uniform start: 0 <-> 1 swaps mass
    np.testing.assert_array_equal(d, [[[0.0, 0.5], [0.5, 0.0]]] * 3)


def test_discounted_occupancy_solves_the_flow_equations():
    mdp = pv.mdp.random_mdp(6, 2, gamma=0.9, seed=3)
    pol = np.array([0, 1, 1, 0, 1, 0])
    rho = np.array([0.5, 0.1, 0.1, 0.1, 0.1, 0.1])
    d = pv.solvers.occupancy(mdp, pol, initial=rho)
    P_pi, _ = _common.policy_matrix(mdp, pol)
    ds = d.sum(axis=1)
    np.testing.assert_allclose(ds, (1 - 0.9) * rho + 0.9 * P_pi.T @ ds, atol=1e-15)
    assert abs(d.sum() - 1) <= 1e-14 and d.min() >= 0
    assert np.all(d[np.arange(6), 1 - pol] == 0)
    # the occupancy integrates rewards: r . d = (1 - gamma) rho . V^pi
    V = pv.solvers.evaluate_policy(mdp, pol)
    assert abs((d * mdp.R).sum() - (1 - 0.9) * rho @ V) <= 1e-14
    with pytest.raises(pv.errors.InvalidArgument, match="initial has shape"):
        pv.solvers.occupancy(mdp, pol, initial=np.ones(5) / 5)
    with pytest.raises(pv.errors.ProvableError):
        pv.solvers.occupancy(mdp, pol, initial=np.full(6, 0.2))


def _gain_chain():
    """0 -> {1, 2} with 1/4, 3/4; 1 absorbing (r 1); 2 <-> 3 periodic (r 1 and 0);
    4 -> 0 (transient). Gains: g1 = 1, g2 = g3 = 1/2, g0 = g4 = 1/4 + 3/8 = 5/8."""
    P = np.zeros((5, 1, 5))
    P[0, 0, 1], P[0, 0, 2] = 0.25, 0.75
    P[1, 0, 1] = 1.0
    P[2, 0, 3] = P[3, 0, 2] = 1.0
    P[4, 0, 0] = 1.0
    R = np.array([[7.0], [1.0], [1.0], [0.0], [-3.0]])
    return pv.TabularMDP(P, R)


def test_gain_of_a_multichain_policy_by_hand():
    g = pv.solvers.evaluate_policy(_gain_chain(), np.zeros(5, dtype=int))
    np.testing.assert_allclose(g, [5 / 8, 1.0, 0.5, 0.5, 5 / 8], rtol=0, atol=1e-15)
    labels, closed = _common._closed_classes(sp.csr_matrix(_gain_chain().dense_P()[:, 0]))
    classes = {frozenset(np.flatnonzero(labels == c)) for c in np.flatnonzero(closed)}
    assert classes == {frozenset({1}), frozenset({2, 3})}


def test_average_occupancy_is_stationary_and_refuses_several_classes():
    P = np.zeros((3, 1, 3))
    P[0, 0, 1] = 1.0           # transient
    P[1, 0, 1], P[1, 0, 2] = 0.75, 0.25
    P[2, 0, 1] = 1.0           # mu(1) = 4/5, mu(2) = 1/5
    mdp = pv.TabularMDP(P, np.array([[0.0], [1.0], [0.0]]))
    d = pv.solvers.occupancy(mdp, np.zeros(3, dtype=int))
    np.testing.assert_allclose(d[:, 0], [0.0, 0.8, 0.2], rtol=0, atol=1e-15)
    np.testing.assert_allclose(pv.solvers.evaluate_policy(mdp, [0, 0, 0]), [0.8] * 3,
                               rtol=0, atol=1e-15)
    with pytest.raises(pv.errors.InvalidModel, match="several recurrent classes"):
        pv.solvers.occupancy(_gain_chain(), np.zeros(5, dtype=int))


def _doubly_stochastic(m, seed=0):
    """P = (I + three random permutations) / 4 on m states: doubly stochastic (so mu is
    uniform), and an expander-like chain that mixes fast (so the sparse solve is quick)."""
    rng = np.random.default_rng(seed)
    perms = [np.arange(m)] + [rng.permutation(m) for _ in range(3)]
    rows = np.concatenate([np.arange(m)] * 4)
    P = sp.csr_matrix((np.full(4 * m, 0.25), (rows, np.concatenate(perms))), shape=(m, m))
    r = rng.random(m)
    return pv.TabularMDP(P, r[:, None]), r


@pytest.mark.parametrize("m", [50, 1000])
def test_stationary_distribution_is_uniform_on_a_doubly_stochastic_chain(m):
    mdp, r = _doubly_stochastic(m)
    d = pv.solvers.occupancy(mdp, np.zeros(m, dtype=int))[:, 0]
    assert np.abs(d - 1 / m).max() <= 1e-13
    assert np.abs(d @ mdp.P - d).max() <= 1e-12
    exact_gain = float(sum(F(float(x)) for x in r) / m)
    g = pv.solvers.evaluate_policy(mdp, np.zeros(m, dtype=int))
    assert np.abs(g - exact_gain).max() <= 1e-14


def test_large_sparse_solve_is_accurate_without_the_lu_fallback(monkeypatch):
    """From 1000 sparse unknowns, GMRES with refinement must reach LU's backward error
    ``64 u (|M| |x| + |b|)`` on a well-conditioned system by itself."""
    mdp = pv.mdp.random_mdp(1200, 2, gamma=0.9, nnz_per_row=4, seed=1)
    pol = np.random.default_rng(1).integers(0, 2, 1200)
    P_pi, r_pi = _common.policy_matrix(mdp, pol)
    M = sp.csr_matrix(sp.identity(1200) - 0.9 * P_pi)
    ref = spla.spsolve(sp.csc_matrix(M), r_pi)

    def no_lu(*a, **k):
        raise AssertionError("fell back to sparse LU")

    monkeypatch.setattr(spla, "spsolve", no_lu)
    x = pv.solvers.evaluate_policy(mdp, pol)
    assert np.all(np.abs(r_pi - M @ x) <= 64 * np.finfo(float).eps * (abs(M) @ np.abs(x)
                                                                       + np.abs(r_pi)))
    assert np.abs(x - ref).max() <= 1e-12


def test_small_and_dense_solves():
    M = np.array([[2.0, 1.0], [1.0, 3.0]])
    np.testing.assert_allclose(_common._solve(M, np.array([3.0, 5.0])), [0.8, 1.4], rtol=1e-15)
    np.testing.assert_allclose(_common._solve(sp.csr_matrix(M), np.array([3.0, 5.0])),
                               [0.8, 1.4], rtol=1e-15)


def test_rounding_slack_formula():
    rs = getattr(_common, "rounding_slack", None)
    if rs is None:
        pytest.skip("rounding_slack replaced by the Bellman certificate")
    eps = np.finfo(float).eps
    P, R = _two_state()
    dense = pv.TabularMDP(P, R, gamma=0.75)
    # (w + 4) u (max|V| + max|r|) / (1 - gamma), w = S for dense models
    assert rs(dense, np.array([-3.0, 1.0]), 0.75) == pytest.approx(
        (2 + 4) * eps * (3 + 2) / 0.25, rel=1e-12, abs=0)
    Ps = sp.csr_matrix(np.array([[1.0, 0, 0], [0.2, 0.3, 0.5], [0, 1, 0],
                                 [0, 0, 1], [0, 0, 1], [0, 0, 1]]))
    sparse = pv.TabularMDP(Ps, np.array([[0.5, -4.0], [0, 0], [0, 0]]), gamma=0.5)
    assert rs(sparse, np.zeros(3), 0.5) == pytest.approx((3 + 4) * eps * 4 / 0.5, rel=1e-12, abs=0)
    assert rs(dense, np.zeros(2), 1.0) == pytest.approx((2 + 4) * eps * 2 / 1e-300, rel=1e-12, abs=0)


def test_time_varying_models_use_step_zero_by_default():
    Ph = np.stack([np.eye(2)[:, None, :], np.eye(2)[::-1][:, None, :]])  # (H, S, A, S)
    Rh = np.array([[[1.0], [2.0]], [[10.0], [20.0]]])                    # (H, S, A)
    fh = pv.TabularMDP(Ph, Rh, horizon=2, gamma=1.0)
    V = np.array([100.0, 200.0])
    np.testing.assert_array_equal(_common.q_from_v(fh, V)[:, 0], [101.0, 202.0])
    np.testing.assert_array_equal(_common.q_from_v(fh, V, h=1)[:, 0], [210.0, 120.0])
    P0, r0 = _common.policy_matrix(fh, [0, 0])
    np.testing.assert_array_equal(P0, np.eye(2))
    np.testing.assert_array_equal(r0, [1.0, 2.0])


def test_stochastic_policy_rows_are_checked_to_1e_9():
    P, R = _two_state()
    mdp = pv.TabularMDP(P, R, gamma=0.5)
    ok = np.array([[0.5, 0.5 + 0.7e-9], [1.0, 0.0]])
    np.testing.assert_array_equal(_common.as_stochastic_policy(mdp, ok), ok)
    with pytest.raises(pv.errors.ProvableError, match="sums to"):
        _common.as_stochastic_policy(mdp, np.array([[0.5, 0.5 + 1.5e-9], [1.0, 0.0]]))


def test_stored_zeros_do_not_join_classes():
    # 0 <-> 1 closed (rewards 1, 0), 2 closed (reward 3); a stored zero from 0 to 2 is
    # not a transition
    P = sp.csr_matrix((np.array([1.0, 0.0, 1.0, 1.0]), (np.array([0, 0, 1, 2]),
                                                       np.array([1, 2, 0, 2]))), shape=(3, 3))
    assert P.nnz == 4
    g = _common.policy_gain(P, np.array([1.0, 0.0, 3.0]))
    np.testing.assert_allclose(g, [0.5, 0.5, 3.0], rtol=0, atol=1e-15)


@pytest.mark.parametrize("defect,refused", [(0.7e-12, False), (1.5e-12, True)])
def test_large_stationary_solve_checks_the_dropped_balance_equation(defect, refused):
    """From 1000 states the first balance equation is replaced by the normalisation and
    checked afterwards, to 1e-12. Rows summing to 1 - defect (allowed by the model's
    tolerance) leave exactly ``defect`` in that equation (the balance equations sum to
    ``defect * sum(mu)``), so the check decides at 1e-12."""
    mdp, r = _doubly_stochastic(1000, seed=3)
    scaled = pv.TabularMDP(mdp.P * (1 - defect), r[:, None])
    pol = np.zeros(1000, dtype=int)
    if refused:
        with pytest.raises(pv.errors.InvalidModel, match="not found to 1e-12"):
            pv.solvers.evaluate_policy(scaled, pol)
    else:
        g = pv.solvers.evaluate_policy(scaled, pol)
        assert np.abs(g - r.mean()).max() <= 1e-12


def test_large_stationary_solve_refuses_a_nan_answer(monkeypatch):
    """A NaN from the linear solve must fail the balance check (``nan > tol`` is False)."""
    mdp, r = _doubly_stochastic(1000, seed=3)
    monkeypatch.setattr(_common, "_solve", lambda M, b: np.full(b.shape, np.nan))
    with pytest.raises(pv.errors.InvalidModel, match="not found to 1e-12"):
        _common._stationary_distribution(mdp.P)
