"""Exact tabular policy gradient."""

from __future__ import annotations

import numpy as np
import pytest

import provable as pv
from provable.errors import InvalidArgument
from provable.learners.policy_gradient import gradient, objective, run_policy_gradient


@pytest.mark.parametrize("seed", [0, 1])
def test_gradient_matches_finite_differences(seed):
    mdp = pv.mdp.random_mdp(5, 3, gamma=0.9, seed=seed)
    rng = np.random.default_rng(seed)
    th = rng.normal(size=(5, 3))
    rho = rng.dirichlet(np.ones(5))
    g = gradient(mdp, th, rho)
    fd = np.zeros_like(th)
    h = 1e-6
    for i in range(5):
        for j in range(3):
            e = np.zeros_like(th)
            e[i, j] = h
            fd[i, j] = (objective(mdp, th + e, rho) - objective(mdp, th - e, rho)) / (2 * h)
    assert np.abs(fd - g).max() < 1e-6


def test_objective_is_policy_value():
    mdp = pv.mdp.random_mdp(4, 2, gamma=0.8, seed=2)
    th = np.random.default_rng(0).normal(size=(4, 2))
    pi = np.exp(th) / np.exp(th).sum(axis=1, keepdims=True)
    V = pv.solvers.evaluate_policy(mdp, pi)
    assert abs(objective(mdp, th) - V.mean()) < 1e-10


@pytest.mark.parametrize("method", ["softmax_pg", "npg"])
def test_monotone_improvement_and_convergence(method):
    mdp = pv.mdp.random_mdp(4, 2, gamma=0.5, seed=0)
    iters = 50000 if method == "softmax_pg" else 300  # the paper's softmax step is small
    res = run_policy_gradient(mdp, method, iters)
    assert (np.diff(res.gaps) <= 1e-12).all()  # exact ascent with a safe step is monotone
    assert res.gaps[-1] < 0.05 * res.gaps[0]
    again = run_policy_gradient(mdp, method, iters)
    np.testing.assert_array_equal(res.gaps, again.gaps)


def test_validation():
    mdp = pv.mdp.random_mdp(3, 2, gamma=0.9, seed=0)
    with pytest.raises(InvalidArgument):
        gradient(mdp, np.zeros((2, 2)))
    with pytest.raises(InvalidArgument):
        run_policy_gradient(mdp, "pg")
    with pytest.raises(InvalidArgument):
        objective(mdp, np.zeros((3, 2)), rho=[1.0, 0.0])
