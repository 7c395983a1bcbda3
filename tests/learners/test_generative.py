"""Generative-model learners and the diffusion LM sampler."""

from __future__ import annotations

import numpy as np
import pytest

import provable as pv
from provable.learners.generative import diffusion as df
from provable.learners.generative import plug_in, sample_model


def test_plug_in_converges_to_v_star():
    mdp = pv.mdp.random_mdp(5, 2, gamma=0.9, seed=1)
    errs = [plug_in(mdp, n, seed=0).value_error for n in (10, 1000, 100000)]
    assert errs[2] < 0.02 and errs[2] < errs[1] < errs[0]
    assert plug_in(mdp, 100000, seed=0).policy_error < 1e-9


def test_plug_in_average_reward_gadget():
    mdp = pv.mdp.two_state_gadget(8, 0.1)
    res = plug_in(mdp, 20000, seed=0)
    assert res.policy[1] == 0 and abs(res.V_hat[0] - 0.5) < 0.05


def test_same_seed_same_bits():
    mdp = pv.mdp.random_mdp(4, 3, gamma=0.9, seed=0)
    np.testing.assert_array_equal(sample_model(mdp, 50, 7), sample_model(mdp, 50, 7))


def test_diffusion_identities():
    L = 8
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.full(2 ** L, 0.2))
    assert abs(df.sampler_kl(p, [list(range(L))]) - df.total_correlation(p)) < 1e-10
    assert df.sampler_kl(p, [[i] for i in range(L)]) < 1e-10  # one token per step is exact
    for T in (1, 2, 4, 8):
        kl = df.sampler_kl(df.copy_joint(L), df.random_partition(L, T, T))
        assert abs(kl - (L / T - 1) * np.log(2)) < 1e-10
    q = df.sampler_distribution(p, df.random_partition(L, 3, 1))
    assert abs(q.sum() - 1) < 1e-12


def test_diffusion_validation():
    with pytest.raises(ValueError):
        df.sampler_kl(np.ones(6) / 6, [[0]])
    with pytest.raises(ValueError):
        df.sampler_distribution(df.copy_joint(3), [[0, 1]])
