"""LSVI (exact planning in feature space) equals tabular backward induction."""

from __future__ import annotations

import numpy as np
import pytest

from provable.errors import InvalidArgument, InvalidType
from provable.mdp import random_mdp
from provable.mdp._linear import LinearMDP
from provable.mdp._linear_generators import combination_lock, low_rank_mdp, random_linear_mdp
from provable.solvers import backward_induction
from provable.solvers.linear.lsvi import lsvi

CASES = {
    "random": lambda s: random_linear_mdp(S=15, A=4, d=5, horizon=6, seed=s),
    "random_tv": lambda s: random_linear_mdp(S=9, A=3, d=4, horizon=5, seed=s, time_varying=True),
    "low_rank": lambda s: low_rank_mdp(S=30, A=4, d=3, horizon=7, seed=s),
    "lock": lambda s: combination_lock(horizon=8, A=4, seed=s),
    "tabular": lambda s: LinearMDP.from_tabular(random_mdp(S=6, A=3, gamma=None, seed=s),
                                                horizon=5),
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lsvi_equals_backward_induction(name: str, seed: int) -> None:
    lin = CASES[name](seed)
    res = lsvi(lin)
    ref = backward_induction(lin.to_tabular())
    assert res.V.shape == (lin.horizon + 1, lin.S)
    assert res.Q.shape == (lin.horizon, lin.S, lin.A)
    assert res.policy.shape == (lin.horizon, lin.S) and res.w.shape == (lin.horizon, lin.d)
    np.testing.assert_allclose(res.V, ref.V, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.Q, ref.Q, rtol=0, atol=1e-12)
    assert np.abs(res.V - ref.V).max() <= res.error_bound + ref.error_bound
    # Q_h = Phi w_h
    np.testing.assert_allclose(res.Q, np.einsum("sad,hd->hsa", lin.phi, res.w), atol=1e-12)
    # greedy policies achieve V* (ties may pick different actions)
    Qp = np.take_along_axis(ref.Q, res.policy[..., None], axis=2)[..., 0]
    np.testing.assert_allclose(Qp, ref.V[:-1], atol=1e-12)
    assert res.converged and res.method == "lsvi"


def test_terminal_values() -> None:
    lin = random_linear_mdp(S=5, A=2, d=3, horizon=3, seed=0)
    term = np.arange(5.0)
    np.testing.assert_allclose(lsvi(lin, terminal=term).V,
                               backward_induction(lin.to_tabular(), terminal=term).V, atol=1e-12)
    with pytest.raises(InvalidArgument, match=r"terminal has shape \(2,\), expected \(5,\)"):
        lsvi(lin, terminal=[0.0, 1.0])
    with pytest.raises(InvalidType):
        lsvi(lin.to_tabular())
