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
    small = pv.TabularMDP(P, R / 8, gamma=0.75)  # max |r| = 1/4 and V = 0: scale 1/4
    assert rs(small, np.zeros(2), 0.75) == pytest.approx((2 + 4) * eps * 0.25 / 0.25, rel=1e-12,
                                                         abs=0)


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


# --- the Bellman certificate's fields, its policy bound and the contraction modulus ---

_U = 2.0 ** -53  # unit roundoff of float64


def _self_loops(R, gamma=0.5):
    """Every action of every state loops back to it, so V*(s) = max_a R[s, a] / (1 - gamma)
    and V^pi(s) = R[s, pi(s)] / (1 - gamma) (exact in floats for gamma = 1/2)."""
    S, A = R.shape
    P = np.zeros((S, A, S))
    P[np.arange(S), :, np.arange(S)] = 1.0
    return pv.TabularMDP(P, R, gamma=gamma)


_R3 = np.array([[3.0, 1.0], [2.0, 2.5], [-1.0, 0.0]])  # V* = (6, 5, 0), S != A


def test_certificate_fields_at_a_planted_fixed_point():
    mdp = _self_loops(_R3)
    cert = _common.bellman_certificate(mdp, np.array([6.0, 5.0, 0.0]))
    np.testing.assert_array_equal(cert.Q, [[6.0, 4.0], [4.5, 5.0], [-1.0, 0.0]])
    np.testing.assert_array_equal(cert.TV, [6.0, 5.0, 0.0])
    assert cert.finite and cert.residual == 0.0
    assert 0.5 <= cert.modulus <= 0.5 * (1 + 16 * _U)
    # with no residual the whole bound is rounding: floor = E / (1 - kappa), tight
    assert 0 < cert.floor == cert.rounding / (1 - cert.modulus)
    assert cert.floor <= cert.bound <= cert.floor * (1 + 16 * _U)
    assert cert.floor <= 20 * _U * 6 / 0.5  # E is a few u times the largest |V|, |r|


def test_certificate_fields_off_the_fixed_point():
    mdp = _self_loops(_R3)
    V = np.array([2.0, 5.0, 0.0])           # TV = (4, 5, 0): residual 2 at state 0
    cert = _common.bellman_certificate(mdp, V)
    np.testing.assert_array_equal(cert.TV, [4.0, 5.0, 0.0])
    assert 2.0 <= cert.residual <= 2.0 * (1 + 4 * _U)
    # |V - V*| = 4 = residual / (1 - gamma): the bound is tight up to its rounding
    assert 4.0 <= cert.residual / (1 - cert.modulus) + cert.floor <= cert.bound
    assert cert.bound <= 4.0 * (1 + 1e-14) + 2 * cert.floor
    assert cert.floor < 1e-13


def test_certificate_of_a_non_finite_vector_is_infinite():
    mdp = _self_loops(_R3)
    cert = _common.bellman_certificate(mdp, np.array([np.inf, 0.0, 0.0]))
    assert not cert.finite
    assert cert.bound == cert.floor == cert.policy_bound(np.zeros(3, dtype=int)) == np.inf
    assert cert.TV.shape == (3,) and np.isnan(cert.TV).all()


def _loss(R, policy):
    """max_s V*(s) - V^pi(s) of the self-loop model with gamma = 1/2, exactly."""
    return max((F(max(row)) - F(row[a])) * 2 for row, a in zip(R.tolist(), policy))


@pytest.mark.parametrize("policy", [(a, b, c) for a in (0, 1) for b in (0, 1) for c in (0, 1)])
def test_policy_bound_is_sound_and_tight(policy):
    """At V = V* the loss is all in ||T_pi V - V|| / (1 - gamma); at V = V^pi it is all in
    ||V - V*||. Both ways the policy bound is the true loss up to rounding."""
    mdp = _self_loops(_R3)
    pol = np.array(policy)
    L = _loss(_R3, policy)
    for V in (np.array([6.0, 5.0, 0.0]), 2 * _R3[np.arange(3), pol]):
        cert = _common.bellman_certificate(mdp, V)
        pb = cert.policy_bound(pol)
        assert L <= F(pb) <= L * (1 + F(1, 10**12)) + 3 * F(cert.floor), (V, pb, L)


def test_policy_bound_covers_a_loss_that_only_rounding_sees():
    """V = V* = 2^30 and the policy's action pays 2^-24 less, which the float backup
    cannot see (r + V / 2 rounds to V): the true loss 2^-23 lies in the rounding terms."""
    r0, r1 = 2.0 ** 29, 2.0 ** 29 - 2.0 ** -24
    mdp = pv.TabularMDP(np.ones((1, 2, 1)), np.array([[r0, r1]]), gamma=0.5)
    cert = _common.bellman_certificate(mdp, np.array([2.0 ** 30]))
    assert cert.Q[0, 1] == cert.Q[0, 0] == 2.0 ** 30 and cert.residual == 0.0
    loss = (F(r0) - F(r1)) * 2
    assert loss == F(2) ** -23 <= F(cert.policy_bound(np.array([1])))
    assert cert.policy_bound(np.array([1])) <= 4 * cert.floor * (1 + 1e-12)


def test_contraction_modulus_bounds_the_largest_row_sum():
    P = np.zeros((3, 2, 3))
    P[:, :, :] = [0.5, 0.25, 0.25]
    P[0, 0] = [0.5, 0.25, 0.25 - 5e-10]     # row 0 sums to 1 - 5e-10
    P[2, 1] = [0.5, 0.25, 0.25 + 5e-10]     # row 2 * 2 + 1 = 5 sums to 1 + 5e-10
    top = sum(F(float(p)) for p in P[2, 1])
    assert top == max(sum(F(float(p)) for p in P[s, a]) for s in range(3) for a in range(2))
    R = np.zeros((3, 2))
    rho, grho, row = _common.contraction_modulus(pv.TabularMDP(P, R, gamma=0.5))
    assert row == 5
    assert top <= F(rho) <= top * (1 + 16 * F(_U))
    assert top / 2 <= F(grho) <= F(rho) / 2 * (1 + 4 * F(_U))
    rho_a, grho_a, row_a = _common.contraction_modulus(pv.TabularMDP(P, R))  # average: 1
    assert (rho_a, row_a) == (rho, 5)
    assert top <= F(rho) <= F(grho_a) <= F(rho) * (1 + 4 * F(_U))


def test_contraction_modulus_counts_the_widest_sparse_row():
    """A row of 128 stored entries whose float sum (numpy's pairwise order) is 1.0 while
    its exact sum is 1 + 7.4375 u: 119 terms of u / 16, each lost against a partial sum
    1/16. Only the widest row's gamma_128 covers that; a one-term bound would not."""
    S = 128
    row = np.array([0.5] + [1 / 16] * 8 + [2.0 ** -57] * (S - 9))
    exact = sum(F(float(p)) for p in row)
    assert exact == 1 + F(119, 16) * F(_U)
    P = sp.lil_matrix((S, S))
    P[0, :] = row
    P.setdiag(np.r_[row[0], np.ones(S - 1)])
    mdp = pv.TabularMDP(sp.csr_matrix(P), np.zeros((S, 1)), gamma=0.5)
    assert _common._width(mdp) == S
    assert np.asarray(mdp.P_at().sum(axis=1)).ravel()[0] == 1.0  # the planted loss
    rho, grho, r = _common.contraction_modulus(mdp)
    assert r == 0 and exact <= F(rho) <= 1 + (S + 8) * F(_U)


# --- the argument checks of the solvers: what they accept, and the messages users read ---

def test_check_start_vector():
    V0 = [1, 2.5, -3]
    V = _common.check_start_vector("V0", V0, 3)
    assert V.dtype == np.float64 and V.tolist() == [1.0, 2.5, -3.0]
    arr = np.array([1.0, 2.0, 3.0])
    out = _common.check_start_vector("V0", arr, 3)
    out[0] = 7.0
    assert arr[0] == 1.0                     # a copy
    with pytest.raises(pv.errors.InvalidArgument,
                       match=r"^V0='abc', expected 3 finite numbers \(could not convert"):
        _common.check_start_vector("V0", "abc", 3)
    with pytest.raises(pv.errors.InvalidArgument, match=r"^terminal has shape \(2,\), "
                       r"expected \(3,\)$"):
        _common.check_start_vector("terminal", [1.0, 2.0], 3)
    with pytest.raises(pv.errors.InvalidArgument, match=r"^V0\[1\]=nan, expected a finite"):
        _common.check_start_vector("V0", [0.0, np.nan, np.inf], 3)
    with pytest.raises(pv.errors.InvalidArgument, match=r"^V0\[2\]=-inf, expected a finite"):
        _common.check_start_vector("V0", [0.0, 1.0, -np.inf], 3)


def test_check_flag():
    assert _common.check_flag("gauss_seidel", True) is True
    assert _common.check_flag("gauss_seidel", np.False_) is False
    for bad, name in (("yes", "str"), (1, "int"), (None, "NoneType")):
        with pytest.raises(pv.errors.InvalidType, match=rf"^gauss_seidel={bad!r} has type "
                           rf"{name}, expected True or False$"):
            _common.check_flag("gauss_seidel", bad)


def test_check_policy_vector():
    check = _common.check_policy_vector
    for ok in ([0, 1, 1], np.array([1, 0, 1], dtype=np.int8), [0.0, 1.0, 0.0]):
        out = check("policy0", ok, 3, 2)
        assert out.dtype == np.int64 and out.tolist() == [int(a) for a in ok]
    refusals = [
        ([[1], [1, 2]], r"^policy0=\[\[1\], \[1, 2\]\], expected \(3,\) integer actions \("),
        ([0, 1], r"^policy0=\[0, 1\] has shape \(2,\), expected \(3,\) integer actions "
                 r"in \[0, 1\]$"),
        ([True, False, True], r"^policy0 has dtype bool, expected \(3,\) integer actions "
                              r"in \[0, 1\]$"),
        (["0", "1", "1"], r"^policy0 has dtype <U1, expected"),
        ([0.0, 1.0, 0.5], r"^policy0\[2\]=.*0\.5\)?, expected an integer action in \[0, 1\]$"),
        ([0.0, np.nan, 1.5], r"^policy0\[1\]=.*nan"),
        ([0.0, 1.0, np.inf], r"^policy0\[2\]=.*inf"),
        ([0, 1, 2], r"^policy0\[2\]=.*2\)?, expected an integer action in \[0, 1\]$"),
        ([0, -1, 0], r"^policy0\[1\]=.*-1\)?, expected"),
        ([0.0, 2.0, -1.0], r"^policy0\[1\]=.*2\.0\)?, expected"),
    ]
    for bad, msg in refusals:
        with pytest.raises(pv.errors.InvalidArgument, match=msg):
            check("policy0", bad, 3, 2)


def test_short_cuts_long_reprs_at_60_characters():
    s58, s59 = "x" * 58, "x" * 59           # reprs of 60 and 61 characters
    assert _common._short(s58) == repr(s58)
    assert _common._short(s59) == repr(s59)[:60] + "..."
    assert _common._short(s59, 61) == repr(s59)
    with pytest.raises(pv.errors.InvalidType, match=r"=" + repr(s59)[:60] + r"\.\.\. has type"):
        _common.check_flag("flag", s59)


def test_q_from_v_and_policies_accept_lists_and_return_fresh_float_arrays():
    mdp = _self_loops(_R3)
    np.testing.assert_array_equal(_common.q_from_v(mdp, [6, 5, 0]),
                                  [[6.0, 4.0], [4.5, 5.0], [-1.0, 0.0]])
    probs = np.array([[1, 0], [0, 1], [1, 0]])
    pi = _common.as_stochastic_policy(mdp, probs)
    assert pi.dtype == np.float64 and pi.tolist() == probs.tolist()
    pi[0, 0] = 0.5
    assert probs[0, 0] == 1                  # the caller's array is not touched


def test_bellman_certificate_refuses_other_criteria_and_shapes():
    P = np.zeros((3, 2, 3))
    P[np.arange(3), :, np.arange(3)] = 1.0
    for mdp, crit in ((pv.TabularMDP(P, _R3), "average"),
                      (pv.TabularMDP(P, _R3, horizon=2), "finite_horizon")):
        with pytest.raises(pv.errors.InvalidModel, match=r"^bellman_certificate needs a "
                           rf"discounted MDP; this one is {crit}$"):
            _common.bellman_certificate(mdp, np.zeros(3))
    with pytest.raises(pv.errors.InvalidArgument, match=r"^V has shape \(2,\), expected \(3,\)$"):
        _common.bellman_certificate(_self_loops(_R3), [0.0, 1.0])
    cert = _common.bellman_certificate(_self_loops(_R3), [6, 5, 0])   # a list of ints
    assert cert.V.dtype == np.float64 and cert.residual == 0.0


def test_sparse_models_are_solved_sparse(monkeypatch):
    """evaluate_policy and occupancy of a sparse model use sparse LU (GMRES from 1000
    states), never a dense S x S solve; the answers are the by-hand ones."""
    P, R = _two_state()
    mdp = pv.TabularMDP(sp.csr_matrix(P.reshape(4, 2)), R, gamma=0.5)

    def no_dense(*a, **k):
        raise AssertionError("dense solve of a sparse model")

    monkeypatch.setattr(np.linalg, "solve", no_dense)
    np.testing.assert_allclose(pv.solvers.evaluate_policy(mdp, [1, 0]), [4 / 3, 8 / 3],
                               rtol=1e-15)
    # 0 -> 1 -> 0 from state 0: d = (1 - g) (1, g, g^2, ...) split by parity: (2/3, 1/3)
    d = pv.solvers.occupancy(mdp, [1, 0], initial=[1.0, 0.0])
    np.testing.assert_allclose(d, [[0.0, 2 / 3], [1 / 3, 0.0]], rtol=1e-15, atol=0)


def test_large_sparse_solve_of_negative_rewards(monkeypatch):
    """Constant reward -1 on a row-stochastic chain: V = -1 / (1 - gamma) = -10 in every
    state, by GMRES from exactly 1000 unknowns. Its acceptance test compares |residual|
    (the residual b - M 0 = b is all negative at the start)."""
    mdp, _ = _doubly_stochastic(1000, seed=2)
    neg = pv.TabularMDP(mdp.P, -np.ones((1000, 1)), gamma=0.9)

    def no_lu(*a, **k):
        raise AssertionError("sparse LU at 1000 unknowns")

    monkeypatch.setattr(spla, "spsolve", no_lu)
    V = pv.solvers.evaluate_policy(neg, np.zeros(1000, dtype=int))
    assert np.abs(V + 10).max() <= 1e-13


@pytest.mark.parametrize("neg,refused", [(-0.7e-12, False), (-1.5e-12, True)])
def test_large_stationary_solve_checks_the_sign_of_the_answer(neg, refused):
    """Every row of P equal to mu (so mu P = mu, and the bordered system has mu as its
    only solution) with one entry of mu planted negative: -0.7e-12 passes as rounding
    noise, -1.5e-12 is refused (the rule is min(mu) >= -1e-12)."""
    m = 1000
    mu = np.full(m, 1.0 / m)
    mu[1] = neg
    mu[0] = 1.0 - mu[1:].sum()
    P = sp.csr_matrix(np.tile(mu, (m, 1)))
    if refused:
        with pytest.raises(pv.errors.InvalidModel, match=r"balance residual .*, min -1.5e-12\)"):
            _common._stationary_distribution(P)
    else:
        out = _common._stationary_distribution(P)
        assert np.abs(out - mu).max() <= 1e-13 and out[1] < 0


def test_policy_bound_is_tight_to_a_few_units_of_roundoff():
    """gamma = 1/32, r = (7, -3.5), V the float nearest V* = 224/31, and the policy takes
    the worse action: the true loss is (7 + 3.5) / (1 - 1/32) = 336/31, and the bound's
    whole slack (E, kappa rounded up, the (1 + 2u) and (1 + 4u) factors) is under 8 u of
    it; a bound 8 u smaller would not be sound here."""
    g = 1 / 32
    mdp = pv.TabularMDP(np.ones((1, 2, 1)), np.array([[7.0, -3.5]]), gamma=g)
    cert = _common.bellman_certificate(mdp, np.array([float(F(224, 31))]))
    loss = (F(7) - F(-3.5)) / (1 - F(g))
    assert loss == F(336, 31)
    pb = F(cert.policy_bound(np.array([1])))
    assert loss <= pb <= loss * (1 + 8 * F(_U))


@pytest.mark.parametrize("delta,passes,lu", [(1e-9, 2, False), (1e-6, 3, False),
                                             (1e-4, 3, True)])
def test_gmres_refinement_passes_and_the_lu_fallback(monkeypatch, delta, passes, lu):
    """A stand-in GMRES whose every pass leaves a fraction ``delta`` of the error
    (dx = (1 - delta) M^-1 res, by a sparse LU factorisation): the error after k passes
    is delta^k |V|, and x is accepted only once its residual is at LU's backward-error
    level (about 1e-14 here): after 2 passes (1e-18), after the third (1e-18), or never
    in three passes (1e-12), when sparse LU answers. Rewards -1 make every residual
    negative: V = -1 / (1 - 0.9) = -10 in every state but an unreachable absorbing one
    of reward 0, where V, b, |M| |x| and the residual are all exactly 0 (accepted: the
    test is <=)."""
    mdp, _ = _doubly_stochastic(1000, seed=2)
    P = sp.block_diag([mdp.P, sp.csr_matrix(np.ones((1, 1)))], format="csr")
    neg = pv.TabularMDP(P, np.r_[-np.ones(1000), 0.0][:, None], gamma=0.9)
    calls = {"gmres": 0, "lu": 0}

    def slow_gmres(M, res, **kw):
        calls["gmres"] += 1
        return (1 - delta) * spla.splu(sp.csc_matrix(M)).solve(res), 0

    lu_solve = spla.spsolve

    def counted_lu(*a, **k):
        calls["lu"] += 1
        return lu_solve(*a, **k)

    monkeypatch.setattr(spla, "gmres", slow_gmres)
    monkeypatch.setattr(spla, "spsolve", counted_lu)
    V = pv.solvers.evaluate_policy(neg, np.zeros(1001, dtype=int))
    assert calls == {"gmres": passes, "lu": int(lu)}
    assert np.abs(V[:1000] + 10).max() <= 1e-13 and V[1000] == 0.0


def test_large_sparse_solve_of_zero_rewards_runs_no_gmres(monkeypatch):
    """b = 0: x = 0 has residual 0 <= 64 u (|M| 0 + |b|) = 0, accepted before any GMRES
    pass (the acceptance test is <=, so an exact zero residual always passes)."""
    mdp, _ = _doubly_stochastic(1000, seed=2)
    zero = pv.TabularMDP(mdp.P, np.zeros((1000, 1)), gamma=0.9)

    def no_gmres(*a, **k):
        raise AssertionError("GMRES on a zero right-hand side")

    monkeypatch.setattr(spla, "gmres", no_gmres)
    V = pv.solvers.evaluate_policy(zero, np.zeros(1000, dtype=int))
    assert V.tolist() == [0.0] * 1000


def test_average_occupancy_splits_the_stationary_mass_by_the_policy():
    P = np.zeros((3, 2, 3))
    P[0, :, 1] = 1.0                          # transient
    P[1, :, 1], P[1, :, 2] = 0.75, 0.25
    P[2, :, 1] = 1.0                          # mu = (0, 4/5, 1/5) whatever the actions
    mdp = pv.TabularMDP(P, np.zeros((3, 2)))
    d = pv.solvers.occupancy(mdp, [0, 1, 0])
    np.testing.assert_allclose(d, [[0.0, 0.0], [0.0, 0.8], [0.2, 0.0]], rtol=0, atol=1e-15)
    mix = np.array([[0.5, 0.5], [0.25, 0.75], [1.0, 0.0]])
    d = pv.solvers.occupancy(mdp, mix)
    np.testing.assert_allclose(d, [[0.0, 0.0], [0.2, 0.6], [0.2, 0.0]], rtol=0, atol=1e-15)
