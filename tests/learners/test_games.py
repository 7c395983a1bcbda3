"""Tests of the game learners."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst
from scipy.optimize import linprog

from provable.errors import InvalidArgument, InvalidModel, UnknownName
from provable.learners.games import (
    duality_gap,
    matrix_game_selfplay,
    nash_mp,
    preference_gap,
    random_preference_matrix,
    regularized_nash,
    spo_selfplay,
)


def _game_value(A):
    """Value of min_x max_y x^T A y by linear programming."""
    m, n = A.shape
    c = np.r_[np.zeros(m), 1.0]
    res = linprog(c, A_ub=np.c_[A.T, -np.ones(n)], b_ub=np.zeros(n),
                  A_eq=np.r_[np.ones(m), 0.0][None], b_eq=[1.0],
                  bounds=[(0, None)] * m + [(None, None)])
    return res.fun


def test_optimistic_hedge_reaches_lp_value():
    A = np.random.default_rng(0).random((5, 4))
    r = matrix_game_selfplay(A, 3000, method="optimistic_hedge", eta=0.5)
    v = _game_value(A)
    assert r.gap[-1] < 5e-3
    assert (A.T @ r.x_avg).max() >= v - 1e-9 and (A @ r.y_avg).min() <= v + 1e-9


def test_gap_equals_sum_of_regrets():
    A = np.random.default_rng(1).random((4, 4))
    r = matrix_game_selfplay(A, 500, method="hedge", eta=0.1)
    reg_x = np.sum(r.x * (r.y @ A.T)) - (A @ r.y.sum(0)).min()
    reg_y = (A.T @ r.x.sum(0)).max() - np.sum(r.y * (r.x @ A))
    assert r.gap[-1] == pytest.approx((reg_x + reg_y) / 500, abs=1e-10)
    assert duality_gap(A, r.x_avg, r.y_avg) == pytest.approx(r.gap[-1], abs=1e-12)


@settings(derandomize=True, max_examples=8, deadline=None)
@given(hst.integers(2, 12), hst.sampled_from([0.1, 0.5, 2.0]), hst.integers(0, 10**6))
def test_nash_mp_fixed_point_is_regularized_nash(n, beta, seed):
    P = random_preference_matrix(n, seed=seed)
    star = regularized_nash(P, beta)
    # independent characterisation: star is the best response to itself in the regularised game
    z = np.log(np.full(n, 1 / n)) + P @ star / beta
    br = np.exp(z - z.max())
    np.testing.assert_allclose(star, br / br.sum(), atol=1e-13)
    r = nash_mp(P, beta, 200, target=star)
    np.testing.assert_allclose(np.exp(r.log_policies[-1]), star, atol=1e-10)
    assert r.kl[-1] <= r.kl[0] * (1 + 2 * beta) ** (-r.queries[-1] / 2) + 1e-14


def test_spo_equals_two_player_and_rps():
    P = random_preference_matrix(7, seed=3)
    a = spo_selfplay(P, 500, eta=1.0)
    b = matrix_game_selfplay(-P, 500, method="hedge", eta=1.0, schedule="anytime")
    np.testing.assert_allclose(a.x, b.x, atol=1e-12)
    np.testing.assert_allclose(a.x, b.y, atol=1e-12)
    rps = np.array([[0.5, 1, 0], [0, 0.5, 1], [1, 0, 0.5]])
    assert preference_gap(rps, np.ones(3) / 3) == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("call, exc", [
    (lambda: matrix_game_selfplay(np.ones(3), 10), InvalidArgument),
    (lambda: matrix_game_selfplay(np.ones((2, 2)), 10, method="fp"), UnknownName),
    (lambda: duality_gap(np.ones((2, 2)), [0.5, 0.6], [0.5, 0.5]), InvalidArgument),
    (lambda: nash_mp([[0.5, 0.9], [0.2, 0.5]], 0.1, 5), InvalidModel),
    (lambda: nash_mp([[0.5, 1.2], [-0.2, 0.5]], 0.1, 5), InvalidModel),
    (lambda: nash_mp(np.full((2, 2), 0.5), 0.0, 5), InvalidArgument),
    (lambda: regularized_nash(np.full((2, 2), 0.5), 1.0, mu=[1.0, 0.0]), InvalidArgument),
    (lambda: spo_selfplay(np.full((2, 2), 0.5), 0), InvalidArgument),
])
def test_bad_input(call, exc):
    with pytest.raises(exc):
        call()
