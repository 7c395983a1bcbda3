"""``solve(method="auto")`` on discounted models: a short value-iteration probe, then
value iteration or policy iteration by predicted work; certified either way."""

from fractions import Fraction

import numpy as np
import pytest
from _exact_helpers import optimal_value, sup_error

import provable as pv
from provable.solvers import _solve


def test_auto_is_certified_against_exact():
    rng = np.random.default_rng(1)
    m = pv.TabularMDP(rng.dirichlet(np.ones(4), size=(4, 2)), rng.uniform(-1, 1, (4, 2)),
                      gamma=0.9)
    res = pv.solve(m, tol=1e-9)
    assert res.converged and res.method == "value_iteration"
    assert sup_error(res.V, optimal_value(m)) <= Fraction(res.error_bound) <= 1e-9
    assert res.auto.startswith("value_iteration: ")


def test_slowly_mixing_chain_near_one_switches_to_policy_iteration():
    # river swim at gamma = 0.9999: value iteration needs ~8000 sweeps, PI a few steps
    m = pv.mdp.river_swim(60).with_gamma(0.9999)
    res = pv.solve(m, tol=1e-6)
    assert res.method == "policy_iteration" and res.converged and res.error_bound <= 1e-6
    assert res.auto.startswith("policy_iteration: the 32-sweep probe")
    vi = pv.solvers.value_iteration(m, 1e-6)
    assert vi.iterations > 1000
    np.testing.assert_allclose(res.V, vi.V, atol=2e-6)
    np.testing.assert_array_equal(res.policy, vi.policy)
    # the choice counts operations, not seconds: the same every time
    assert pv.solve(m, tol=1e-6).auto == res.auto


def test_fast_mixing_dense_model_stays_with_value_iteration():
    m = pv.mdp.random_mdp(200, 5, gamma=0.999, seed=0)
    res = pv.solve(m, tol=1e-6)
    assert res.method == "value_iteration" and res.converged
    assert "probe" in res.auto


def test_continuing_value_iteration_counts_every_sweep():
    # a probe that is not done but whose predicted remaining work is small: VI goes on
    m = pv.mdp.river_swim(20).with_gamma(0.99)
    res = pv.solve(m, tol=1e-10)
    vi = pv.solvers.value_iteration(m, 1e-10)
    assert res.method == "value_iteration" and res.converged and res.error_bound <= 1e-10
    assert "more sweeps (" in res.auto
    # probe and continuation together: as many sweeps as one uninterrupted run (316 or
    # 317), up to one: the continuation starts from the probe's span-corrected values,
    # and either run's certificate may take one refinement sweep the other does not
    assert vi.iterations > _solve.PROBE_SWEEPS + 200
    assert abs(res.iterations - vi.iterations) <= 1
    np.testing.assert_allclose(res.V, vi.V, atol=2e-10)


def test_options_or_other_criteria_skip_the_probe():
    m = pv.mdp.river_swim(6)
    assert "auto" not in pv.solve(m, stop="sup")
    assert pv.solve(m.with_gamma(None)).method.startswith("average_reward")
    assert pv.solve(m.with_horizon(5)).method == "backward_induction"


@pytest.mark.parametrize("name", ["vi", "pi", "mpi"])
def test_explicit_methods_are_untouched(name):
    res = pv.solve(pv.mdp.river_swim(6), method=name)
    assert "auto" not in res and res.converged
