"""Cross-checks: VI, PI, MPI, LP (HiGHS and cvxpy, primal and dual) and the exact
rational solver agree on V*, give optimal policies, and VI's bound is honest."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import provable as pv
from provable.proofs_checks import strategies as pst
from provable.solvers._common import policy_matrix

MDPS = pst.tabular_mdps(min_states=2, max_states=30, max_actions=4, max_reward=1.0)
SMALL = pst.tabular_mdps(min_states=2, max_states=8, max_actions=3)


def _is_optimal(mdp, policy, V_star, tol):
    return np.abs(pv.solvers.evaluate_policy(mdp, policy) - V_star).max() <= tol


@given(mdp=MDPS)
def test_iterative_methods_agree_with_exact(mdp):
    exact = pv.solvers.exact_solve(mdp)
    scale = max(1.0, np.abs(exact.V).max())
    for res in (pv.solvers.value_iteration(mdp, tol=1e-9),
                pv.solvers.value_iteration(mdp, tol=1e-9, stop="sup", backend="numpy"),
                pv.solvers.policy_iteration(mdp),
                pv.solvers.modified_policy_iteration(mdp, tol=1e-9),
                pv.solvers.linear_program(mdp)):
        assert res.converged, res.message
        np.testing.assert_allclose(res.V, exact.V, atol=1e-7 * scale, err_msg=res.method)
        assert _is_optimal(mdp, res.policy, exact.V, 1e-6 * scale), res.method


@settings(max_examples=10)
@given(mdp=pst.tabular_mdps(min_states=2, max_states=10, max_actions=3),
       formulation=st.sampled_from(["primal", "dual"]))
def test_cvxpy_and_dual_lp_agree(mdp, formulation):
    ref = pv.solvers.policy_iteration(mdp)
    for solver in ("highs", "cvxpy"):
        lp = pv.solvers.linear_program(mdp, solver=solver, formulation=formulation)
        assert lp.converged
        np.testing.assert_allclose(lp.V, ref.V, atol=1e-6 * max(1, np.abs(ref.V).max()))
        # the occupancy is a probability over (s, a) satisfying the flow constraints
        d = lp.occupancy
        assert d.min() >= -1e-7 and abs(d.sum() - 1) < 1e-6
        # strong duality: rho . V* = r . x* (x the unnormalised occupancy)
        np.testing.assert_allclose(lp.objective, lp.dual_objective, rtol=1e-5, atol=1e-6)


@given(mdp=MDPS, tol=st.sampled_from([1e-2, 1e-4, 1e-8]), stop=st.sampled_from(["span", "sup"]))
def test_value_iteration_is_within_its_error_bound(mdp, tol, stop):
    """The certified bound is honest: |V - V*| <= error_bound, for loose tolerances too."""
    exact = pv.solvers.exact_solve(mdp)
    res = pv.solvers.value_iteration(mdp, tol=tol, stop=stop)
    assert res.error_bound <= tol
    assert np.abs(res.V - exact.V).max() <= res.error_bound
    gap = np.abs(pv.solvers.evaluate_policy(mdp, res.policy) - exact.V).max()
    assert gap <= res.policy_error_bound + 1e-12


@settings(max_examples=10)
@given(mdp=MDPS, max_iter=st.integers(1, 5))
def test_truncated_vi_still_certifies(mdp, max_iter):
    """Stopped early, VI reports converged=False and a bound that still holds."""
    exact = pv.solvers.exact_solve(mdp)
    res = pv.solvers.value_iteration(mdp, tol=1e-12, max_iter=max_iter)
    assert res.iterations <= max_iter
    if not res.converged:
        assert "max_iter" in res.message
    assert np.abs(res.V - exact.V).max() <= res.error_bound


@given(mdp=MDPS)
def test_backends_agree(mdp):
    a = pv.solvers.value_iteration(mdp, tol=1e-10, backend="numpy")
    b = pv.solvers.value_iteration(mdp, tol=1e-10, backend="numba")
    # numba vectorises the dot products (reassociated sums), so the stopping test may be
    # met one sweep earlier or later; both answers are certified
    assert abs(a.iterations - b.iterations) <= 1
    assert np.abs(a.V - b.V).max() <= a.error_bound + b.error_bound


@settings(max_examples=10)
@given(mdp=pst.tabular_mdps(min_states=2, max_states=15, max_actions=3, sparse=False))
def test_gauss_seidel(mdp):
    exact = pv.solvers.exact_solve(mdp)
    res = pv.solvers.value_iteration(mdp, tol=1e-9, gauss_seidel=True)
    assert res.converged
    assert np.abs(res.V - exact.V).max() <= res.error_bound


def test_span_correction_fixes_the_constant_offset():
    """On a dense MDP, span-stopped VI without the MacQueen correction is off by a
    constant (the pymdptoolbox defect); ours is within its bound."""
    mdp = pv.mdp.random_mdp(200, 4, gamma=0.95, seed=3)
    exact = pv.solvers.policy_iteration(mdp).V
    res = pv.solvers.value_iteration(mdp, tol=1e-6)
    assert np.abs(res.V - exact).max() <= res.error_bound <= 1e-6
    # a few iterations in: uncorrected iterate is far off, corrected one is close
    raw = pv.solvers.value_iteration(mdp, tol=1e-6, max_iter=3)
    assert np.abs(raw.V - exact).max() <= raw.error_bound


def _brute_force_finite_horizon(mdp):
    """Best value over all deterministic Markov policies, by enumeration."""
    S, A, H = mdp.S, mdp.A, mdp.horizon
    best = np.full(S, -np.inf)
    for flat in itertools.product(range(A), repeat=S * H):
        pol = np.array(flat).reshape(H, S)
        V = pv.solvers.evaluate_policy(mdp, pol)[0]
        best = np.maximum(best, V)
    return best


@settings(max_examples=15)
@given(mdp=pst.tabular_mdps(min_states=2, max_states=3, min_actions=1, max_actions=2,
                            horizon=3))
def test_backward_induction_matches_enumeration(mdp):
    res = pv.solvers.backward_induction(mdp)
    np.testing.assert_allclose(res.V[0], _brute_force_finite_horizon(mdp), atol=1e-12)
    np.testing.assert_allclose(pv.solvers.evaluate_policy(mdp, res.policy), res.V, atol=1e-12)
    assert res.V.shape == (4, mdp.S) and res.policy.shape == (3, mdp.S)


def test_time_inhomogeneous_backward_induction():
    rng = np.random.default_rng(0)
    H, S, A = 3, 3, 2
    P = rng.random((H, S, A, S))
    P /= P.sum(-1, keepdims=True)
    R = rng.random((H, S, A))
    mdp = pv.TabularMDP(P, R, horizon=H)
    res = pv.solvers.backward_induction(mdp)
    np.testing.assert_allclose(res.V[0], _brute_force_finite_horizon(mdp), atol=1e-12)


@settings(max_examples=20)
@given(mdp=pst.tabular_mdps(min_states=2, max_states=12, max_actions=3, sparse=False))
def test_average_reward_rvi_matches_lp(mdp):
    # full-support rows make every policy's chain irreducible (unichain)
    P = 0.9 * mdp.dense_P() + 0.1 / mdp.S
    avg = pv.TabularMDP(P, mdp.R)
    rvi = pv.solvers.average_reward(avg, "rvi", tol=1e-10)
    lp = pv.solvers.average_reward(avg, "lp")
    assert rvi.converged and lp.converged
    assert abs(rvi.gain - lp.gain) <= rvi.error_bound + lp.error_bound + 1e-9
    # gain of the returned policies equals the optimal gain
    for res in (rvi, lp):
        g = pv.solvers.evaluate_policy(avg, res.policy)
        np.testing.assert_allclose(g, lp.gain, atol=1e-7)
    # gain is the limit of (1 - gamma) V*_gamma (Blackwell)
    disc = pv.solvers.policy_iteration(avg.with_gamma(0.99999)).V
    np.testing.assert_allclose((1 - 0.99999) * disc, lp.gain, atol=1e-3)


def test_multichain_average_reward_is_refused_clearly():
    # two absorbing states with different rewards, and a start state that picks one
    P = np.zeros((3, 2, 3))
    P[0, 0, 1] = P[0, 1, 2] = 1.0
    P[1, :, 1] = P[2, :, 2] = 1.0
    R = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    mdp = pv.TabularMDP(P, R)
    with pytest.raises(pv.errors.NotSupported, match="multichain"):
        pv.solvers.average_reward(mdp, "lp")


def test_large_sparse_evaluation_matches_sparse_lu():
    """From 1000 sparse states on, policy evaluation runs GMRES with refinement (a
    sparse LU of a random graph fills in); it must match the LU answer to rounding,
    and PI on a 20000-state sparse MDP must agree with VI."""
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    mdp = pv.mdp.random_mdp(1500, 4, gamma=0.95, nnz_per_row=8, seed=5)
    policy = np.random.default_rng(0).integers(0, mdp.A, mdp.S)
    P_pi, r_pi = policy_matrix(mdp, policy)
    lu = spla.spsolve(sp.csc_matrix(sp.identity(mdp.S) - mdp.gamma * P_pi), r_pi)
    np.testing.assert_allclose(pv.solvers.evaluate_policy(mdp, policy), lu, rtol=0, atol=1e-11)
    occ_lu = (1 - mdp.gamma) * spla.spsolve(
        sp.csc_matrix(sp.identity(mdp.S) - mdp.gamma * P_pi.T), np.full(mdp.S, 1 / mdp.S))
    occ = pv.solvers.occupancy(mdp, policy)
    np.testing.assert_allclose(occ.sum(axis=1), occ_lu, rtol=0, atol=1e-13)

    big = pv.mdp.random_mdp(20_000, 4, gamma=0.95, nnz_per_row=8, seed=6)
    pi_res = pv.solvers.policy_iteration(big)
    vi_res = pv.solvers.value_iteration(big, tol=1e-9)
    assert pi_res.converged and pi_res.error_bound < 1e-9
    assert np.abs(pi_res.V - vi_res.V).max() <= pi_res.error_bound + vi_res.error_bound
    np.testing.assert_array_equal(pi_res.policy, vi_res.policy)


def test_large_sparse_average_reward_evaluation():
    """A stationary distribution from 1000 states on is a sparse solve (the dense
    bordered least squares is O(S^3) and S^2 memory); it must match dense least squares
    at S=1500, and at S=20000 the gain of RVI's policy from its stationary distribution
    must lie in RVI's certified gain interval."""
    import scipy.sparse as sp

    from provable.solvers._common import _stationary_distribution

    chain = pv.mdp.random_mdp(1500, 1, gamma=0.9, nnz_per_row=6, seed=2).P
    Pd = chain.toarray()
    M = np.vstack([Pd.T - np.eye(1500), np.ones((1, 1500))])
    ref = np.linalg.lstsq(M, np.r_[np.zeros(1500), 1.0], rcond=None)[0]
    np.testing.assert_allclose(_stationary_distribution(sp.csr_matrix(chain)), ref,
                               rtol=0, atol=1e-13)

    mdp = pv.mdp.random_mdp(20_000, 4, gamma=0.95, nnz_per_row=8, seed=6).with_gamma(None)
    res = pv.solvers.average_reward(mdp, tol=1e-9)
    assert res.converged
    gains = pv.solvers.evaluate_policy(mdp, res.policy)
    assert np.abs(gains - res.gain).max() <= res.error_bound + 1e-12
    d = pv.solvers.occupancy(mdp, res.policy)
    assert abs(d.sum() - 1) < 1e-12 and d.min() >= -1e-15
    assert abs((d * mdp.R).sum() - res.gain) <= res.error_bound + 1e-12


def test_exact_solve_refuses_large_mdps_at_once():
    mdp = pv.mdp.random_mdp(101, 2, gamma=0.9, seed=0)
    with pytest.raises(pv.errors.InvalidArgument, match=r"S=101 .*max_states=100"):
        pv.solvers.exact_solve(mdp, backend="fractions")
    small = pv.mdp.random_mdp(5, 2, gamma=0.9, seed=0)
    with pytest.raises(pv.errors.InvalidArgument, match="max_states"):
        pv.solvers.exact_solve(small, max_states=4)
    assert pv.solvers.exact_solve(small, max_states=5).converged
