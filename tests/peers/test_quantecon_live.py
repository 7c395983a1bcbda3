"""Against the real quantecon (skipped without it): a ``DiscreteDP`` read by
``TabularMDP.from_quantecon`` and solved by provable gives QuantEcon's ``sigma`` and
``v``; ``to_quantecon`` gives a ``DiscreteDP`` whose own solvers agree with provable, in
product form and in state-action-pair form (sparse ``Q`` included)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sparse

import provable as pv

qe = pytest.importorskip("quantecon")
from quantecon.markov import DiscreteDP  # noqa: E402

# QuantEcon's doc example (Puterman's two-state MDP) with an infeasible action
R = np.array([[5.0, 10.0], [-1.0, -np.inf]])
Q = np.array([[[0.5, 0.5], [0.0, 1.0]], [[0.0, 1.0], [0.5, 0.5]]])


@pytest.mark.parametrize("method", ["policy_iteration", "value_iteration",
                                    "modified_policy_iteration"])
def test_a_discretedp_solved_by_provable_gives_quantecons_sigma_and_v(method):
    ddp = DiscreteDP(R, Q, 0.95)
    ref = (ddp.solve(method) if method == "policy_iteration" else
           ddp.solve(method, epsilon=1e-10, max_iter=100_000))
    mdp = pv.TabularMDP.from_quantecon(ddp)
    res = pv.solve(mdp, "pi")
    assert res.policy.tolist() == ref.sigma.tolist() == [0, 0]
    # v* = [-8.5714..., -20] exactly: -60/7 and -20 (Puterman 2005, the peer's values)
    np.testing.assert_allclose(res.V, [-60 / 7, -20], rtol=0, atol=1e-9)
    np.testing.assert_allclose(ref.v, res.V, rtol=0, atol=1e-6)
    assert ref.num_iter >= 1 and res.iterations >= 1


@pytest.mark.parametrize("sparse_model", [False, True])
def test_to_quantecon_round_trip_agrees_with_quantecons_solvers(sparse_model):
    mdp = pv.mdp.random_mdp(S=6, A=3, gamma=0.9, seed=4,
                            density=0.5 if sparse_model else 1.0)
    ddp = mdp.to_quantecon()
    assert isinstance(ddp, DiscreteDP) and ddp.beta == 0.9
    if sparse_model:
        assert sparse.issparse(ddp.Q)
    ref = ddp.solve("policy_iteration")
    res = pv.solve(mdp, "pi")
    assert ref.sigma.tolist() == res.policy.tolist()
    np.testing.assert_allclose(ref.v, res.V, rtol=0, atol=1e-8)
    back = pv.TabularMDP.from_quantecon(ddp)
    np.testing.assert_array_equal(back.R, mdp.R)
    np.testing.assert_allclose(pv.solve(back, "pi").V, res.V, rtol=0, atol=1e-12)
