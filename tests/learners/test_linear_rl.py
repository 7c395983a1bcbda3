"""LSVI-UCB and OFUL/LinUCB: ridge statistics, optimism, determinism, regret sanity."""

from __future__ import annotations

import numpy as np
import pytest

from provable.errors import InvalidArgument, InvalidType
from provable.learners.linear_rl import (
    linucb,
    lsvi_ucb,
    lsvi_ucb_beta,
    oful,
    random_linear_bandit,
)
from provable.mdp._linear_generators import combination_lock, random_linear_mdp
from provable.solvers.linear.lsvi import lsvi


@pytest.fixture(scope="module")
def lin():
    return random_linear_mdp(S=8, A=3, d=4, horizon=3, seed=1, alpha_phi=0.3, alpha_mu=0.3)


@pytest.fixture(scope="module")
def run(lin):
    return lsvi_ucb(lin, K=300, seeds=[4, 9], c_beta=1.0, checkpoints=[100, 300])


def test_sherman_morrison_matches_direct_solve(lin, run) -> None:
    Phi = lin.features
    H, S, A, lam = lin.horizon, lin.S, lin.A, run.options["lam"]
    st = run.state
    for i in range(2):
        Vnext = np.zeros(S)
        for h in range(H - 1, -1, -1):
            n = st["visits"][i, h]
            assert n.sum() == 300                       # one visit per episode and step
            Lam = lam * np.eye(lin.d) + Phi.T @ (n[:, None] * Phi)
            np.testing.assert_allclose(st["Lambda_inv"][i, h], np.linalg.inv(Lam),
                                       rtol=1e-9, atol=1e-12)
            target = n * lin.R_at(h).ravel() + st["counts"][i, h] @ Vnext
            w = np.linalg.solve(Lam, Phi.T @ target)
            np.testing.assert_allclose(st["w"][i, h], w, rtol=1e-8, atol=1e-10)
            bonus = np.sqrt(np.einsum("kd,de,ke->k", Phi, np.linalg.inv(Lam), Phi))
            Q = np.minimum(Phi @ w + run.options["beta"] * bonus, H).reshape(S, A)
            np.testing.assert_allclose(st["Q"][i, h], Q, rtol=1e-9, atol=1e-10)
            Vnext = Q.max(axis=1)
        np.testing.assert_array_equal(st["counts"][i].sum(-1), st["visits"][i])


def test_optimism_on_visited_pairs(lin, run) -> None:
    Qstar = lsvi(lin).Q
    for i in range(2):
        visited = run.state["visits"][i].reshape(lin.horizon, lin.S, lin.A) > 0
        gap = run.state["Q"][i] - Qstar
        assert visited.any() and (gap[visited] >= -1e-9).all()


def test_seeded_and_regret_monotone(lin, run) -> None:
    again = lsvi_ucb(lin, K=300, seeds=[4, 9], c_beta=1.0, checkpoints=[100, 300])
    np.testing.assert_array_equal(again.regret, run.regret)
    assert (run.regret >= -1e-12).all() and (run.regret[:, 1] >= run.regret[:, 0] - 1e-12).all()
    assert run.regret.shape == (2, 2) and run.optimum == pytest.approx(lsvi(lin).V[0, 0])
    other = lsvi_ucb(lin, K=300, seeds=[5], c_beta=1.0, checkpoints=[300])
    assert other.regret[0, 0] != run.regret[0, 1]


def test_lsvi_ucb_opens_the_combination_lock() -> None:
    lock = combination_lock(horizon=5, A=3, seed=0)
    ucb = lsvi_ucb(lock, K=400, seeds=2, c_beta=0.02, checkpoints=[200, 400])
    greedy = lsvi_ucb(lock, K=400, seeds=2, beta=0.0, checkpoints=[200, 400])
    # greedy (no bonus) never finds the reward: regret 1 per episode
    np.testing.assert_allclose(greedy.regret[:, 1], 400.0)
    # optimism opens the lock (uniform play would need ~3^5 episodes per success) and
    # the per-episode regret falls: second 200 episodes cost less than the first 200
    assert (ucb.regret[:, 1] < 0.5 * 400).all()
    assert (ucb.regret[:, 1] - ucb.regret[:, 0] < 0.5 * ucb.regret[:, 0]).all()


def test_lsvi_ucb_argument_errors(lin) -> None:
    with pytest.raises(InvalidType):
        lsvi_ucb(lin.to_tabular(), K=10)
    with pytest.raises(InvalidArgument, match=r"checkpoints=.*expected increasing values in \[1, K=10\]"):
        lsvi_ucb(lin, K=10, checkpoints=[5, 20])
    with pytest.raises(InvalidArgument, match="seeds="):
        lsvi_ucb(lin, K=10, seeds=[-1])
    assert lsvi_ucb_beta(4, 5, 1000) == pytest.approx(4 * 5 * np.sqrt(np.log(2 * 4 * 5000 / 0.05)))


def test_oful_ridge_statistics_and_regret() -> None:
    X, th = random_linear_bandit(d=4, n_arms=30, seed=2)
    res = oful(X, th, T=2000, seeds=[1, 2], checkpoints=[200, 2000])
    again = oful(X, th, T=2000, seeds=[1, 2], checkpoints=[200, 2000])
    np.testing.assert_array_equal(res.regret, again.regret)
    # V_T^{-1} = (I + sum x x^T)^{-1}: the trace of V_T grows by |x|^2 = 1 per round
    Vinv = res.state["V_inv"][0]
    assert np.trace(np.linalg.inv(Vinv)) == pytest.approx(4 + 2000, rel=1e-9)
    gaps = (X @ th).max() - X @ th
    assert (res.regret[:, 1] < 0.25 * 2000 * gaps.mean()).all()      # far below uniform play
    lu = linucb(X, th, T=2000, seeds=[1], alpha=0.5, checkpoints=[2000])
    assert lu.algorithm == "linucb" and lu.regret.shape == (1, 1)
    with pytest.raises(InvalidArgument, match=r"theta has shape \(3,\), expected \(4,\)"):
        oful(X, th[:3], T=10)
