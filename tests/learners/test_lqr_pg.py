"""Scalar Gaussian-policy LQR: exact J, J', J'' against finite differences and Monte Carlo;
GPOMDP gradient and Hessian-vector estimates unbiased; the stochastic methods converge."""

import math

import numpy as np
import pytest

from provable.errors import ProvableError
from provable.learners.policy_gradient import ScalarLQR, gpomdp_estimates, run_stochastic_pg

LQR = ScalarLQR()


@pytest.mark.parametrize("k", [-0.3, 0.0, 0.4, 0.621, 1.2])
def test_exact_derivatives_match_finite_differences(k):
    h = 1e-5
    fd = (LQR.objective(k + h) - LQR.objective(k - h)) / (2 * h)
    fdd = (LQR.gradient(k + h) - LQR.gradient(k - h)) / (2 * h)
    assert LQR.gradient(k) == pytest.approx(fd, rel=1e-7, abs=1e-7)
    assert LQR.hessian(k) == pytest.approx(fdd, rel=1e-6, abs=1e-6)


def test_optimum_is_stationary_and_concave():
    k, j = LQR.optimum()
    assert abs(LQR.gradient(k)) < 1e-9
    assert LQR.hessian(k) < 0
    assert all(LQR.objective(k + d) < j for d in (-0.05, 0.05))
    assert LQR.fisher(k) >= LQR.x0_std ** 2 / LQR.sigma ** 2


def _mc_returns(lqr, k, n, rng):
    x = lqr.x0_std * rng.standard_normal(n)
    ret = np.zeros(n)
    for t in range(lqr.horizon):
        u = -k * x + lqr.sigma * rng.standard_normal(n)
        ret += lqr.gamma ** t * -(lqr.q * x * x + lqr.r * u * u)
        x = lqr.a * x + lqr.b * u + lqr.w * rng.standard_normal(n)
    return ret


@pytest.mark.parametrize("k", [0.0, 0.5])
def test_exact_objective_matches_monte_carlo(k):
    ret = _mc_returns(LQR, k, 200_000, np.random.default_rng(1))
    se = ret.std() / math.sqrt(ret.size)
    assert abs(ret.mean() - LQR.objective(k)) < 4 * se


def test_mean_rewards_sum_to_objective():
    assert LQR.mean_rewards(0.3).sum() == pytest.approx(LQR.objective(0.3), rel=1e-12)


@pytest.mark.parametrize("baseline", [None, "exact"])
@pytest.mark.parametrize("k", [0.0, 0.621])
def test_gpomdp_gradient_and_hvp_are_unbiased(k, baseline):
    n = 200_000
    g, hv = gpomdp_estimates(LQR, k, n, v=0.7, seed=3, baseline=baseline)
    for est, exact in ((g, LQR.gradient(k)), (hv, 0.7 * LQR.hessian(k))):
        se = est.std() / math.sqrt(n)
        assert abs(est.mean() - exact) < 4 * se, (est.mean(), exact, se)


def test_baseline_reduces_variance():
    g0, _ = gpomdp_estimates(LQR, 0.3, 20_000, seed=0)
    g1, _ = gpomdp_estimates(LQR, 0.3, 20_000, seed=0, baseline="exact")
    assert g1.var() < g0.var()


@pytest.mark.parametrize("method", ["n_pg_igt", "n_harpg", "normalized_pg"])
def test_methods_reduce_the_gap_and_are_deterministic(method):
    a = run_stochastic_pg(LQR, method, 5000, seeds=4, k0=0.2, step0=0.1)
    b = run_stochastic_pg(LQR, method, 5000, seeds=4, k0=0.2, step0=0.1)
    assert np.array_equal(a.gaps, b.gaps)
    assert (a.gaps >= -1e-12).all()
    assert a.gaps[:, -1].mean() < 0.2 * a.gaps[:, 0].mean()
    assert a.samples[-1] == 5000 * (2 if method == "n_harpg" else 1)


def test_seed_streams_do_not_depend_on_neighbours():
    a = run_stochastic_pg(LQR, "n_pg_igt", 500, seeds=[5, 6], k0=0.2)
    b = run_stochastic_pg(LQR, "n_pg_igt", 500, seeds=[6], k0=0.2)
    assert np.array_equal(a.gaps[1], b.gaps[0])


def test_bad_inputs_raise():
    with pytest.raises(ProvableError):
        ScalarLQR(sigma=0.0)
    with pytest.raises(ProvableError):
        run_stochastic_pg(LQR, "adam", 10)
    with pytest.raises(ProvableError):
        run_stochastic_pg(LQR, "n_pg_igt", 10, checkpoints=[20])
