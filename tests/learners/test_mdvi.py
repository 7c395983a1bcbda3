"""MDVI: the averaged recursion equals the explicit KL-entropy update; exact MDVI reaches the
entropy-regularised optimum; sampled MDVI is consistent."""

from __future__ import annotations

import numpy as np
import pytest

import provable as pv
from provable.errors import ProvableError
from provable.learners.generative.mdvi import mdvi, mdvi_explicit, soft_value_iteration


@pytest.mark.parametrize("tau,kappa", [(0.1, 0.1), (1.0, 0.05), (0.0, 0.3), (0.5, 0.0)])
def test_averaged_form_equals_explicit_kl_entropy_update(tau, kappa):
    mdp = pv.mdp.random_mdp(5, 3, gamma=0.8, seed=3, sparse=False)
    for K in (1, 2, 7, 30):
        v, pol = mdvi_explicit(mdp, K, tau=tau, kappa=kappa)
        res = mdvi(mdp, K, tau=tau, kappa=kappa)
        assert np.abs(v - res.v).max() < 1e-11
        assert np.abs(pol - res.policy).max() < 1e-11


def test_exact_mdvi_converges_to_soft_optimum_and_satisfies_soft_bellman():
    mdp = pv.mdp.random_mdp(6, 3, gamma=0.9, seed=0, sparse=False)
    Q, V = soft_value_iteration(mdp, 0.2)
    P = np.asarray(mdp.P_at(0)).reshape(mdp.S, mdp.A, mdp.S)
    R = np.asarray(mdp.R_at(0)).reshape(mdp.S, mdp.A)
    from scipy.special import logsumexp
    assert np.abs(Q - (R + 0.9 * P @ (0.2 * logsumexp(Q / 0.2, axis=1)))).max() < 1e-11
    res = mdvi(mdp, 600, tau=0.3, kappa=0.2)
    assert np.abs(res.v - V).max() < 1e-9
    assert np.abs(res.policy - np.exp((Q - V[:, None]) / 0.2)).max() < 1e-9


def test_small_kappa_soft_optimum_approaches_v_star():
    mdp = pv.mdp.random_mdp(4, 2, gamma=0.7, seed=2, sparse=False)
    Vs = pv.solve(mdp).V
    _, V = soft_value_iteration(mdp, 1e-4)
    assert np.all(V >= Vs - 1e-9) and np.abs(V - Vs).max() <= 1e-4 * np.log(2) / 0.3 + 1e-9


def test_sampled_mdvi_is_consistent_and_deterministic():
    mdp = pv.mdp.random_mdp(4, 2, gamma=0.8, seed=1, sparse=False)
    _, V = soft_value_iteration(mdp, 0.1)
    a = mdvi(mdp, 100, 10, seed=5)
    b = mdvi(mdp, 100, 10, seed=5)
    assert np.array_equal(a.v, b.v) and a.samples_per_pair == 1000
    big = [np.abs(mdvi(mdp, 100, 3000, seed=i).v - V).max() for i in range(4)]
    small = [np.abs(mdvi(mdp, 100, 3, seed=i).v - V).max() for i in range(4)]
    assert np.mean(big) < np.mean(small) / 10


def test_bad_input():
    mdp = pv.mdp.random_mdp(3, 2, gamma=0.8, seed=0, sparse=False)
    with pytest.raises(ProvableError):
        mdvi(mdp, 10, tau=0.0, kappa=0.0)
    with pytest.raises(ProvableError):
        mdvi(mdp, 0)
    with pytest.raises(ProvableError):
        mdvi(mdp.with_horizon(3), 5)
