"""Value iteration's defaults and boundaries, on instances computed by hand: the sweep
budget from the a-priori bound, where action elimination switches on, the span
rule's midpoint, and the refusals."""

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
from _exact_helpers import optimal_value, sup_error

import provable as pv
from provable.solvers.tabular.value_iteration import (
    ELIMINATE_MIN_ROW,
    ELIMINATE_MIN_SIZE,
    default_max_iter,
)


def _one_state(R, gamma):
    R = np.asarray(R, dtype=float).reshape(1, -1)
    P = np.ones((1, R.shape[1], 1))
    return pv.TabularMDP(P, R, gamma=gamma)


# -- the default sweep budget ---------------------------------------------------------

def test_default_budget_from_the_a_priori_bound():
    # gamma^k (max|r| + max|V0|) / (1 - gamma) <= tol  <=>  k >= log(tol (1-g) / span) / log g
    m = _one_state([-1.0, 0.5], 0.5)  # max |r| = 1 (not max r = 0.5)
    assert default_max_iter(m, 2.0 ** -10) == 2 * 11 + 100
    # the start vector's size counts too: max |V0| = 3 (not max V0 = 1)
    assert default_max_iter(m, 2.0 ** -10, np.array([-3.0])) == 2 * 13 + 100
    assert default_max_iter(m, 2.0 ** -10, np.array([1.0])) == 2 * 12 + 100


def test_default_budget_uses_the_largest_start_value():
    P = np.zeros((2, 1, 2))
    P[0, 0, 0] = P[1, 0, 1] = 1.0
    m = pv.TabularMDP(P, np.array([[1.0], [0.5]]), gamma=0.5)
    # max |V0| = 3 (not min |V0| = 1): span 1 + 3 = 4 -> k = 13
    assert default_max_iter(m, 2.0 ** -10, np.array([-3.0, 1.0])) == 2 * 13 + 100


def test_default_budget_at_gamma_zero_is_quiet():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no log(0) on the way
        assert default_max_iter(_one_state([1.0], 0.0), 1e-12) == 100


def test_refinement_stops_near_its_target():
    # rows summing to 1 + d: the span rule's answer is not certified, and certified
    # sweeps continue until the bound is about half of tol (not far below it)
    for d, g, tol in ((9e-10, 0.99, 1e-8), (5e-10, 0.999, 1e-6), (9e-10, 0.9, 1e-8)):
        m = pv.TabularMDP(np.array([[[1 + d]]]), np.array([[1.0]]), gamma=g)
        res = pv.solvers.value_iteration(m, tol)
        assert "more numba sweeps" in res.message or "more numpy sweeps" in res.message
        assert res.converged and tol / 4 <= res.error_bound <= tol, (d, g, res.error_bound)


def test_default_budget_floor_zero_and_cap():
    # a tol above the a-priori bound needs no sweep: 2 * max(k, 0) + 100 = 100
    assert default_max_iter(_one_state([1.0], 0.5), 100.0) == 100
    assert default_max_iter(_one_state([1.0], 0.0), 1e-12) == 100
    # gamma near 1: capped at 10^7
    assert default_max_iter(_one_state([1.0], 1 - 2.0 ** -30), 1e-12) == 10_000_000
    # all-zero rewards: span 1e-300 guards the logarithm
    k = np.log(1e-305 * 0.5 / 1e-300) / np.log(0.5)
    assert default_max_iter(_one_state([0.0], 0.5), 1e-305) == int(2 * k + 100)


def test_value_iteration_uses_the_default_budget():
    # rewards 1 and gamma 0.9: with a start far away the budget binds
    m = _one_state([1.0], 0.9)
    res = pv.solvers.value_iteration(m, tol=1e-12, stop="sup", V0=[1e300])
    budget = default_max_iter(m, 1e-12, np.array([1e300]))
    assert res.iterations <= budget
    res = pv.solvers.value_iteration(m, tol=1e-12, max_iter=3, stop="sup", V0=[1e300])
    assert not res.converged and res.iterations == 3 and "max_iter=3" in res.message


# -- where action elimination switches on ------------------------------------------------

def _rows_of(S, A, width, seed=0):
    """A sparse (S*A, S) model with exactly `width` entries a row; action 0 pays a
    reward in [0, 1], the others -10 (eliminated after a few sweeps)."""
    rng = np.random.default_rng(seed)
    rows = S * A
    cols = np.stack([rng.choice(S, width, replace=False) for _ in range(rows)])
    data = np.full(rows * width, 1.0 / width)
    P = sp.csr_matrix((data, cols.ravel(), np.arange(0, rows * width + 1, width)),
                      shape=(rows, S))
    R = np.full((S, A), -10.0)
    R[:, 0] = rng.uniform(0, 1, S)
    return pv.TabularMDP(P, R, gamma=0.9)


def test_elimination_default_at_its_thresholds():
    # 625 * 5 rows of 32 entries: exactly ELIMINATE_MIN_SIZE stored entries and
    # ELIMINATE_MIN_ROW a row, so elimination is on by default
    assert (ELIMINATE_MIN_SIZE, ELIMINATE_MIN_ROW) == (100_000, 32)
    on = _rows_of(625, 5, 32)
    assert on.P.nnz == ELIMINATE_MIN_SIZE
    res = pv.solvers.value_iteration(on, tol=1e-8)
    assert res.converged and res.eliminated > 0 and "eliminated" in res.message
    # one entry a row fewer (and so fewer stored entries): off
    off = _rows_of(625, 5, 31)
    res_off = pv.solvers.value_iteration(off, tol=1e-8)
    assert res_off.converged and res_off.eliminated == 0
    # enough stored entries but short rows: off
    short = _rows_of(2000, 5, 10)
    assert short.P.nnz >= ELIMINATE_MIN_SIZE
    assert pv.solvers.value_iteration(short, tol=1e-8).eliminated == 0
    # the same V* either way
    forced = pv.solvers.value_iteration(on, tol=1e-8, eliminate=False)
    np.testing.assert_allclose(res.V, forced.V, atol=2e-8)
    np.testing.assert_array_equal(res.policy, np.zeros(625, dtype=int))


# -- the span rule's midpoint and the sup rule -------------------------------------------

def test_span_midpoint_is_exact_on_a_constant_offset():
    # one state, reward 1, gamma 1/2, V* = 2. From V0 = 0 one sweep gives TV = 1,
    # D = 1: the span rule's midpoint TV + c (max D + min D)/2 = 1 + 1 = 2 = V*
    m = _one_state([1.0], 0.5)
    res = pv.solvers.value_iteration(m, tol=1e-9, stop="span")
    assert res.V[0] == 2.0 and res.iterations == 1 and res.converged
    # the sup rule needs ~log2(1/tol) sweeps and returns TV, within its bound
    res = pv.solvers.value_iteration(m, tol=1e-9, stop="sup")
    assert res.iterations > 20 and abs(res.V[0] - 2.0) <= res.error_bound <= 1e-9


@pytest.mark.parametrize("stop, gauss_seidel", [("span", False), ("sup", False), ("sup", True)])
def test_bound_and_policy_against_exact(stop, gauss_seidel):
    rng = np.random.default_rng(4)
    P = rng.dirichlet(np.ones(3), size=(3, 2))
    m = pv.TabularMDP(P, rng.uniform(-1, 1, (3, 2)), gamma=0.75)
    res = pv.solvers.value_iteration(m, tol=1e-10, stop=stop, gauss_seidel=gauss_seidel)
    V_star = optimal_value(m)
    assert res.converged and sup_error(res.V, V_star) <= Fraction(res.error_bound) <= 1e-10
    best = [max(range(2), key=lambda a, s=s: float(m.R[s, a] + m.gamma * P[s, a] @ np.array(
        [float(v) for v in V_star]))) for s in range(3)]
    np.testing.assert_array_equal(res.policy, best)
    assert 0 <= res.policy_error_bound <= 1e-8


def test_refusals():
    m = _one_state([1.0], 0.5)
    with pytest.raises(pv.errors.InvalidType, match="expected TabularMDP"):
        pv.solvers.value_iteration("not a model")
    with pytest.raises(pv.errors.NotSupported, match="discounted"):
        pv.solvers.value_iteration(m.with_gamma(None))
    with pytest.raises(pv.errors.InvalidType, match="eliminate"):
        pv.solvers.value_iteration(m, eliminate="yes")
    for kw in ({"tol": 0.0}, {"stop": "span2"}, {"max_iter": 0}, {"V0": [np.nan]},
               {"gauss_seidel": 1}):
        with pytest.raises(pv.errors.ProvableError):
            pv.solvers.value_iteration(m, **kw)


def test_non_contraction_near_one_is_refused_before_sweeping():
    # gamma * row sum >= 1 with gamma >= 0.99: refused at once, naming the row
    P = np.ones((1, 1, 1)) * (1 + 5e-10)
    m = pv.TabularMDP(P, np.ones((1, 1)), gamma=0.999999999999)
    with pytest.raises(pv.errors.InvalidModel, match="not a contraction"):
        pv.solvers.value_iteration(m, tol=1e-6)


def test_certified_message_branches():
    from provable.solvers._common import BellmanCertificate
    from provable.solvers.tabular.value_iteration import certified_message

    def cert(bound, rounding, finite=True):
        return BellmanCertificate(bound, 0.0, rounding, 0.5, np.zeros((1, 1)), np.zeros(1),
                                  finite)

    assert "not finite" in certified_message(cert(np.inf, np.inf, False), 1e-6, "H", "L")
    # bound exactly tol: certified
    assert certified_message(cert(1e-6, 0.0), 1e-6, "H", "L") == \
        "H: certified bound 1e-06 <= tol 1e-06"
    # bound above tol, budget exhausted: the limit is named
    assert certified_message(cert(2e-6, 0.0), 1e-6, "H", "L", True) == \
        "L; certified bound is 2e-06 > tol 1e-06"
    # not exhausted, and the rounding floor (rounding / (1 - kappa)) at exactly tol / 2:
    # tol is below what float64 can certify
    msg = certified_message(cert(2e-6, 0.25e-6), 1e-6, "H", "L")
    assert "below what float64 can certify" in msg and "rounding term 5e-07" in msg
    # a floor below tol / 2: the limit again
    assert certified_message(cert(2e-6, 0.2e-6), 1e-6, "H", "L") == \
        "L; certified bound is 2e-06 > tol 1e-06"


def test_default_tol_and_counts():
    import re

    m = pv.mdp.river_swim(6)
    assert "tol 1e-08" in pv.solvers.value_iteration(m).message
    # refinement sweeps are counted in iterations
    d = pv.TabularMDP(np.array([[[1 + 9e-10]]]), np.array([[1.0]]), gamma=0.99)
    res = pv.solvers.value_iteration(d, 1e-8)
    more = int(re.search(r"not certified, (\d+) more", res.message).group(1))
    assert more > 0 and res.iterations == 1 + more   # one sweep met the span rule
    # a budget of that many sweeps in all is enough; a budget of 1 stops after the first
    assert pv.solvers.value_iteration(d, 1e-8, max_iter=res.iterations).converged
    short = pv.solvers.value_iteration(d, 1e-8, max_iter=1)
    assert short.iterations == 1 and not short.converged


def test_eliminated_counts_only_dropped_pairs():
    on = _rows_of(625, 5, 32)
    res = pv.solvers.value_iteration(on, tol=1e-8)
    # at least one action a state survives: at most S (A - 1) pairs dropped
    assert 0 < res.eliminated <= 625 * 4
    assert f"{res.eliminated} of 3125 state-action pairs eliminated" in res.message


def test_sparse_gauss_seidel_matches_dense():
    m = pv.mdp.random_mdp(60, 3, gamma=0.9, nnz_per_row=5, seed=2)
    dense = pv.TabularMDP(m.dense_P(), m.R, gamma=0.9)
    a = pv.solvers.value_iteration(m, 1e-10, gauss_seidel=True)
    b = pv.solvers.value_iteration(dense, 1e-10, gauss_seidel=True)
    assert a.converged and b.converged and a.backend == "numba"
    np.testing.assert_allclose(a.V, b.V, atol=3e-10)
    np.testing.assert_array_equal(a.policy, b.policy)
