"""Backward induction on instances whose values are known by hand, and its slack."""

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp

import provable as pv


def _one_state(rewards, H, gamma=0.5):
    return pv.TabularMDP(np.ones((1, len(rewards), 1)), np.array([rewards], dtype=float),
                         horizon=H, gamma=gamma)


def test_values_policy_and_terminal_by_hand():
    # one state, actions pay 1 or 2, gamma 1/2, terminal value 10:
    # V_h = 2 (1 + 1/2 + ... ) over H - h steps + 10 / 2^(H-h)
    H = 3
    res = pv.solvers.backward_induction(_one_state([1.0, 2.0], H), terminal=[10.0])
    expected = [2 * sum(Fraction(1, 2 ** k) for k in range(H - h)) + Fraction(10, 2 ** (H - h))
                for h in range(H + 1)]
    assert [Fraction(float(v)) for v in res.V[:, 0]] == expected  # dyadic: exact in float
    np.testing.assert_array_equal(res.policy, np.ones((H, 1), dtype=int))
    for h in range(H):
        np.testing.assert_array_equal(res.Q[h, 0], [1 + float(expected[h + 1]) / 2,
                                                    2 + float(expected[h + 1]) / 2])
    assert res.iterations == H and res.converged and res.message == f"{H} backward steps"
    assert res.V.shape == (H + 1, 1) and res.Q.shape == (H, 1, 2) and res.policy.shape == (H, 1)


def test_default_terminal_is_zero_and_undiscounted_horizon_sums():
    res = pv.solvers.backward_induction(_one_state([1.0, 3.0], 4, gamma=1.0))
    np.testing.assert_array_equal(res.V[:, 0], [12.0, 9.0, 6.0, 3.0, 0.0])


def test_negative_rewards_pick_the_least_bad_action():
    res = pv.solvers.backward_induction(_one_state([-3.0, -1.0, -2.0], 2))
    np.testing.assert_array_equal(res.policy[:, 0], [1, 1])
    np.testing.assert_array_equal(res.V[:, 0], [-1.5, -1.0, 0.0])
    # the slack scales with max|V| + max|r| = 1.5 + 3 (magnitudes, not signed maxima)
    assert res.error_bound == pytest.approx(2 * (1 + 4) * np.finfo(float).eps * 4.5,
                                            rel=1e-12, abs=0)


def test_bad_inputs_are_refused():
    fh = _one_state([1.0], 2)
    with pytest.raises(pv.errors.InvalidArgument, match=r"terminal has shape \(2,\)"):
        pv.solvers.backward_induction(fh, terminal=[1.0, 2.0])
    disc = pv.TabularMDP(np.ones((1, 1, 1)), np.array([[1.0]]), gamma=0.5)
    with pytest.raises(pv.errors.NotSupported, match="finite horizon"):
        pv.solvers.backward_induction(disc)


def _exact_backward(mdp, terminal):
    P = mdp.dense_P() if mdp.P.ndim != 4 else mdp.P
    S, A, H = mdp.S, mdp.A, mdp.horizon
    g = Fraction(float(mdp.gamma))
    V = [Fraction(float(t)) for t in terminal]
    for _h in range(H):
        V = [max(Fraction(float(mdp.R[s, a])) + g * sum(
            Fraction(float(P[s, a, t])) * V[t] for t in range(S)) for a in range(A))
            for s in range(S)]
    return V


@pytest.mark.parametrize("sparse", [False, True])
def test_slack_is_sound_and_is_the_documented_bound(sparse):
    """error_bound = H (w + 4) u (max|V| + max|r|), w the widest row of P (Higham's
    dot-product bound per step); it must cover the float error of V_0."""
    H = 6
    mdp = pv.mdp.random_mdp(5, 2, gamma=0.9, seed=4, reward_range=(-1.0, 1.0),
                            horizon=H, sparse=sparse, nnz_per_row=3 if sparse else None)
    term = np.linspace(-0.3, 0.7, 5)
    res = pv.solvers.backward_induction(mdp, terminal=term)
    exact = _exact_backward(mdp, term)
    err = max(abs(Fraction(float(v)) - e) for v, e in zip(res.V[0], exact))
    assert err <= res.error_bound
    w = int(np.diff(mdp.P.indptr).max()) if sparse else mdp.S
    scale = float(np.abs(res.V).max() + np.abs(mdp.R).max())
    assert res.error_bound == pytest.approx(H * (w + 4) * np.finfo(float).eps * scale,
                                            rel=1e-12, abs=0)


def test_sparse_width_is_the_longest_row():
    # rows with 1 and 3 stored entries: the slack uses 3
    P = sp.csr_matrix(np.array([[1.0, 0, 0], [0.2, 0.3, 0.5], [0, 1.0, 0],
                                [0, 0, 1.0], [0, 0, 1.0], [0, 0, 1.0]]))
    mdp = pv.TabularMDP(P, np.ones((3, 2)), horizon=2, gamma=1.0)
    res = pv.solvers.backward_induction(mdp)
    assert res.error_bound == pytest.approx(2 * (3 + 4) * np.finfo(float).eps * (2 + 1),
                                            rel=1e-12, abs=0)


def test_slack_grows_with_row_sums_above_one():
    """Rows may sum to 1 + tol; the slack then carries each step's rounding through up to
    H backups of modulus gamma * rho, rho the largest stored row sum over all steps:
    H (w + 4) u max(1, gamma rho (1 + (w + 2) u))^H (max|V| + max|r|)."""
    H, S = 4, 2
    P = np.zeros((H, S, 1, S))
    P[:, :, 0, :] = 0.5
    P[2, 1, 0, :] = [0.5, 0.5 + 4e-10]   # only step 2 has a long row
    R = np.ones((H, S, 1))
    mdp = pv.TabularMDP(P, R, horizon=H, gamma=1.0)
    res = pv.solvers.backward_induction(mdp)
    u = np.finfo(float).eps
    rho = 1 + 4e-10
    growth = (rho * (1 + (S + 2) * u)) ** H
    expected = H * (S + 4) * u * growth * (np.abs(res.V).max() + 1.0)
    assert res.error_bound == pytest.approx(expected, rel=1e-12, abs=0)
    assert res.error_bound > H * (S + 4) * u * (np.abs(res.V).max() + 1.0) * (1 + 1e-9)
    # the same with discount: gamma rho < 1 means no growth
    disc = pv.TabularMDP(P, R, horizon=H, gamma=0.5)
    res = pv.solvers.backward_induction(disc)
    assert res.error_bound == pytest.approx(H * (S + 4) * u * (np.abs(res.V).max() + 1.0),
                                            rel=1e-12, abs=0)


def test_never_converged_without_a_finite_bound():
    # V = 1.7e308 is finite, but max|V| + max|r| overflows: the slack is not finite,
    # so nothing is certified
    with np.errstate(over="ignore"):
        res = pv.solvers.backward_induction(_one_state([1.7e308], 1, gamma=1.0))
    assert np.isfinite(res.V).all()
    assert res.error_bound == np.inf and not res.converged
    ok = pv.solvers.backward_induction(_one_state([1e300], 1, gamma=1.0))
    assert ok.converged and np.isfinite(ok.error_bound)
