"""Published numbers, typed in from their sources."""

import numpy as np
import pytest

import provable as pv

# Sutton & Barto, Reinforcement Learning: An Introduction, 2nd ed. (2018).
# Figure 3.2 (right): state-value function of the equiprobable random policy, gamma = 0.9.
SB_FIG_3_2 = np.array([
    [3.3, 8.8, 4.4, 5.3, 1.5],
    [1.5, 3.0, 2.3, 1.9, 0.5],
    [0.1, 0.7, 0.7, 0.4, -0.4],
    [-1.0, -0.4, -0.4, -0.6, -1.2],
    [-1.9, -1.3, -1.2, -1.4, -2.0],
])
# Figure 3.5 (middle): optimal state-value function v*.
SB_FIG_3_5 = np.array([
    [22.0, 24.4, 22.0, 19.4, 17.5],
    [19.8, 22.0, 19.8, 17.8, 16.0],
    [17.8, 19.8, 17.8, 16.0, 14.4],
    [16.0, 17.8, 16.0, 14.4, 13.0],
    [14.4, 16.0, 14.4, 13.0, 11.7],
])


def test_sutton_barto_random_policy_values():
    mdp = pv.mdp.sutton_barto_gridworld()
    uniform = np.full((25, 4), 0.25)
    V = pv.solvers.evaluate_policy(mdp, uniform).reshape(5, 5)
    np.testing.assert_allclose(np.round(V, 1), SB_FIG_3_2, atol=1e-9)


@pytest.mark.parametrize("method", ["vi", "pi", "mpi", "lp", "exact"])
def test_sutton_barto_optimal_values(method):
    res = pv.solve(pv.mdp.sutton_barto_gridworld(), method=method)
    np.testing.assert_allclose(np.round(res.V.reshape(5, 5), 1), SB_FIG_3_5, atol=1e-9)


def test_forest_against_pymdptoolbox():
    """pymdptoolbox's forest() example: policies equal; PI values equal. Its VI stops on
    the span without correcting and returns values off by a constant; ours do not."""
    pytest.importorskip("mdptoolbox")
    import mdptoolbox.example
    import mdptoolbox.mdp

    P, R = mdptoolbox.example.forest()
    mdp = pv.TabularMDP.from_mdptoolbox(P, R, gamma=0.9)
    pi_ref = mdptoolbox.mdp.PolicyIteration(P, R, 0.9)
    pi_ref.run()
    vi_ref = mdptoolbox.mdp.ValueIteration(P, R, 0.9)
    vi_ref.run()
    ours_pi = pv.solvers.policy_iteration(mdp)
    ours_vi = pv.solvers.value_iteration(mdp, tol=1e-8)
    assert tuple(ours_pi.policy) == pi_ref.policy == vi_ref.policy == tuple(ours_vi.policy)
    np.testing.assert_allclose(ours_pi.V, pi_ref.V, rtol=1e-12)
    np.testing.assert_allclose(ours_vi.V, pi_ref.V, atol=ours_vi.error_bound)
    # the uncorrected span stop of pymdptoolbox is off by about 21 on this example
    assert np.abs(np.array(vi_ref.V) - pi_ref.V).max() > 1.0
