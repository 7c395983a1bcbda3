"""Value iteration's defaults and boundaries, on instances computed by hand: the sweep
budget from the a-priori bound, where action elimination switches on, the span
rule's midpoint, the refusals, and the certified refinement (its modulus, per-round
targets, rounds, budget, back end and policy) on planted models whose error shrinks by
a known factor a sweep."""

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


# -- the certified refinement: its per-round target, modulus and boundaries ------------------

def _half_rows(rho=0.5, g=0.9, S=1):
    """S identical states, one action, reward 1, each row summing to ``rho`` (spread
    evenly): accepted with tol = 1 - rho, and the certified modulus is kappa = g rho,
    well below g, so stopping rules written for gamma are off by c / c_kappa."""
    P = np.full((S, 1, S), rho / S)
    return pv.TabularMDP(P, np.ones((S, 1)), gamma=g, tol=1 - rho)


def test_refinement_spends_the_fewest_sweeps_of_the_certified_modulus():
    # one state, rows summing to 1/2, gamma 9/10: kappa = 9/20, V* = 1/(1 - 9/20) = 20/11.
    # One span sweep from 0 gives TV = 1, D = 1 and the midpoint 1 + 9 = 10 (it assumes
    # rows summing to 1): not certified. Each refinement sweep multiplies the error by
    # 9/20 exactly, and for one state the certified bound is the error itself, so the
    # refinement must stop at the first iterate within half of tol (its first target),
    # not before (the bound would exceed tol / 2) and not later (gamma's rule instead of
    # kappa's would sweep ~3 more times).
    m = _half_rows()
    kappa, V_star = Fraction(9, 20), Fraction(20, 11)
    for tol in (1e-3, 1e-6, 1e-9):
        n = 0
        while kappa ** n * (10 - V_star) > Fraction(tol) / 2:
            n += 1
        assert kappa ** n * (10 - V_star) < Fraction(tol) / 2 * Fraction(9, 10)  # no near tie
        res = pv.solvers.value_iteration(m, tol)
        err = sup_error(res.V, [V_star])
        assert res.converged and res.iterations == 1 + n, (tol, res.iterations, n)
        assert f"not certified, {n} more numba sweeps" in res.message
        assert "certified modulus 0.45" in res.message
        assert err <= Fraction(res.error_bound) <= err + Fraction(1e-14)  # sound and tight
        assert float(kappa) * tol / 2 < res.error_bound <= tol / 2


def test_refinement_lands_at_half_of_tol_on_rows_above_one():
    # rows summing to 1 + d: kappa = gamma (1 + d); the first round aims at half of tol
    # (tol - floor) / 2 and one state's bound shrinks by kappa a sweep, so the answer's
    # bound lies in (kappa tol / 2, tol / 2] (a floor of ~1e-15 aside), and V* is known:
    # 1 / (1 - gamma (1 + d)) exactly in rationals
    for d, g, tol in ((9e-10, 0.99, 1e-8), (5e-10, 0.999, 1e-6), (9e-10, 0.9, 1e-8)):
        m = pv.TabularMDP(np.array([[[1 + d]]]), np.array([[1.0]]), gamma=g)
        res = pv.solvers.value_iteration(m, tol)
        V_star = 1 / (1 - Fraction(g) * Fraction(1 + d))
        err = sup_error(res.V, [V_star])
        assert res.converged and err <= Fraction(res.error_bound)
        assert g * tol / 2 < res.error_bound <= tol / 2 + 1e-12, (d, g, res.error_bound)


def test_a_bound_exactly_at_tol_is_not_refined():
    # one state: the span rule stops after one sweep whatever tol (the span of a single
    # difference is 0), so the first answer does not depend on tol. Its certified bound b
    # (rows summing to 1 + d: well above the rounding floor) taken as tol is met exactly:
    # certified, no refinement sweep
    m = pv.TabularMDP(np.array([[[1 + 9e-10]]]), np.array([[1.0]]), gamma=0.99)
    b = pv.solvers.value_iteration(m, 1.0).error_bound
    assert pv.solvers.value_iteration(m, 1.0).iterations == 1 and b > 1e-9
    res = pv.solvers.value_iteration(m, b)
    assert res.converged and res.iterations == 1 and res.error_bound == b
    assert "more" not in res.message and res.message.endswith(f"<= tol {b:g}")
    # just below b: refined
    below = pv.solvers.value_iteration(m, float(np.nextafter(b, 0)))
    assert below.converged and below.iterations > 1


def test_refinement_runs_on_the_fastest_float64_loop_whatever_the_first_back_end():
    # the first sweeps on numpy; the certified sweeps on numba (named in the message)
    m = pv.TabularMDP(np.array([[[1 + 9e-10]]]), np.array([[1.0]]), gamma=0.99)
    res = pv.solvers.value_iteration(m, 1e-8, backend="numpy")
    assert res.backend == "numpy" and res.converged
    assert "more numba sweeps" in res.message


def test_refinement_below_the_rounding_floor_aims_halfway_to_four_floors():
    # tol far below what float64 can certify: the goal is 4 rounding floors f, the first
    # target half-way from the floor to it (1.5 f above f). 64 identical states with rows
    # of 64 entries 2^-7 (sum 1/2, gamma 9/10): all states move together, the error
    # shrinks by kappa = 9/20 a sweep, and the floor (Higham's bound for 64-term dot
    # products, ~30 times the actual rounding) dwarfs the rounding of the iterates, so
    # the bound is f + the error to within a few ulps. Planted starts: bound b0 in
    # (4f, 5f] must be refined, and every refined answer is within 2.5 f (up to an ulp
    # or two of the iterates: f / 30 each), not beyond the first sweep that gets there
    from provable.solvers._common import bellman_certificate
    from provable.solvers.tabular.value_iteration import certify_and_refine

    S = 64
    m = _half_rows(S=S)
    V_star = 1 / (1 - Fraction(0.9) / 2)
    f = bellman_certificate(m, np.full(S, float(V_star))).floor
    for beta in (3.5, 4.4, 4.7, 5.0, 9.5):
        V = np.full(S, float(V_star) + (beta - 1) * f)
        b0 = bellman_certificate(m, V).bound
        V2, cert, sweeps, note = certify_and_refine(m, V, 1e-300, 1000, "numba")
        assert sup_error(V2, [V_star] * S) <= Fraction(cert.bound)
        if b0 <= 4 * f:  # already as good as float64 certifies
            assert sweeps == 0 and V2 is V and beta == 3.5
            continue
        assert 4 * f < b0 <= 10 * f and sweeps > 0 and "more numba sweeps" in note
        assert 1.6 * cert.floor < cert.bound <= 2.55 * cert.floor, (beta, cert.bound / f)


def test_refinement_without_sweeps_returns_the_given_values():
    # no budget left, or nothing to refine: the very array given comes back (value
    # iteration tells a refined answer from the sweeps' own by identity: only the
    # latter may take its policy among the actions elimination left)
    from provable.solvers.tabular.value_iteration import certify_and_refine

    m = pv.TabularMDP(np.array([[[1 + 9e-10]]]), np.array([[1.0]]), gamma=0.99)
    V = np.array([50.0])  # V* ~ 100: bound |TV - V| / (1 - kappa) ~ 0.5 / 0.01 = 50
    for tol, left in ((1e-8, 0), (1e-8, -3), (1e9, 100)):
        V2, cert, sweeps, note = certify_and_refine(m, V, tol, left, "numba")
        assert V2 is V and sweeps == 0 and note == ""
        assert 49 < cert.bound < 51 and (cert.bound <= tol) == (tol > 51)
    V2, cert, sweeps, note = certify_and_refine(m, V, 1e-8, 5, "numba")
    assert sweeps == 5 and V2 is not V and cert.bound > 1e-8 and note.startswith(
        "; the first stopping rule was not certified, 5 more numba sweeps")


def test_eliminating_auto_on_a_large_dense_model_takes_the_numba_loop():
    # 500 states, 4 actions, dense: P is (2000, 500), 10^6 entries, where "auto" picks
    # numpy's BLAS matvec; with elimination (on by default here: rows of 500 entries)
    # value iteration takes numba's loop instead (the same matvec while most actions
    # live, then only the live rows) and says so. Asked for numpy, or without
    # elimination, it stays on numpy. The certified answers agree.
    from provable.backends._dispatch import DENSE_BLAS_MIN_SIZE

    m = pv.mdp.random_mdp(500, 4, gamma=0.9, seed=0)
    assert m.P_at().size == DENSE_BLAS_MIN_SIZE and not m.sparse
    auto = pv.solvers.value_iteration(m, 1e-8)
    assert auto.backend == "numba" and auto.eliminated > 0 and auto.converged
    for kw in ({"eliminate": False}, {"backend": "numpy"}):
        res = pv.solvers.value_iteration(m, 1e-8, **kw)
        assert res.backend == "numpy" and res.converged, kw
        assert np.abs(res.V - auto.V).max() <= res.error_bound + auto.error_bound
        np.testing.assert_array_equal(res.policy, auto.policy)


def test_refinement_in_the_subnormal_range_floors_its_tolerance_and_gives_up_after_4_rounds():
    # reward 0, gamma 1/100, V = 1e-310 (subnormal): V* = 0, the rounding floor is the
    # smallest subnormal eta and each round aims at ~1.5 eta, which times c / c_k
    # underflows to 0. A sweep tolerance of 0 would demand an exact fixed point; it is
    # floored at the smallest normal number instead, so every round stops after its first
    # sweep (|d| ~ 1e-312), the bound is still far above 4 eta, and after 4 rounds the
    # refinement gives up: exactly 4 sweeps, V multiplied by gamma 4 times in float64
    from provable.solvers.tabular.value_iteration import certify_and_refine

    m = pv.TabularMDP(np.array([[[1.0]]]), np.array([[0.0]]), gamma=0.01)
    V = np.array([1e-310])
    V2, cert, sweeps, note = certify_and_refine(m, V, 5e-324, 1000, "numba")
    assert cert.floor == 5e-324 and sweeps == 4 and "4 more numba sweeps" in note
    assert V2[0] == 1e-310 * 0.01 * 0.01 * 0.01 * 0.01
    assert abs(Fraction(V2[0])) <= Fraction(cert.bound) and cert.bound > 4 * cert.floor


def test_refinement_re_aims_when_the_floor_shrinks():
    # 256 identical states (rows of 256 entries 2^-9, sum 1/2, gamma 9/10: kappa 9/20) and
    # a start 10 to 300 times V*: the start's rounding floor is that many times the
    # floor f at V*, so the first round (aimed at 4 of the start's floors) ends far
    # above 4 f; the second re-aims at 4 f with a target 4 times tighter,
    # (4 f - f) / 2 / 4 = 0.375 f above the floor, and stops at the first sweep within
    # it: the bound ends in (f + kappa 0.375 f, f + 0.375 f] (up to two ulps of the
    # iterates, f / 100 each, either way)
    from provable.solvers._common import bellman_certificate
    from provable.solvers.tabular.value_iteration import certify_and_refine

    S = 256
    m = _half_rows(S=S)
    V_star = 1 / (1 - Fraction(0.9) / 2)
    f = bellman_certificate(m, np.full(S, float(V_star))).floor
    for mult in (10, 30, 100, 300):
        V = np.full(S, float(V_star) * mult)
        assert bellman_certificate(m, V).floor > 8 * f
        V2, cert, sweeps, note = certify_and_refine(m, V, 1e-300, 1000, "numba")
        x = (cert.bound - cert.floor) / cert.floor
        assert sweeps > 0 and 0.45 * 0.375 - 0.02 < x <= 0.375 + 0.02, (mult, x)
        assert abs(cert.floor - f) <= 0.01 * f
    assert sup_error(V2, [V_star] * S) <= Fraction(cert.bound)


def test_sup_rule_returns_the_last_iterate_itself():
    # one state, reward 1, gamma 1/2, from 0: V_k = 2 - 2^(1-k) exactly, and the sup rule
    # c |V_k - V_(k-1)| = 2^(1-k) <= tol = 1.5 * 2^-30 first holds at k = 31. Its answer
    # is that iterate, uncorrected (the midpoint correction is the span rule's alone),
    # and it is certified as it is: |TV - V| / (1 - 1/2) = 2^-30 plus the rounding term
    m = _one_state([1.0], 0.5)
    res = pv.solvers.value_iteration(m, tol=1.5 * 2.0 ** -30, stop="sup")
    assert res.iterations == 31 and res.V[0] == 2 - 2.0 ** -30
    assert res.converged and "more" not in res.message
    err = Fraction(2) - Fraction(res.V[0])
    assert err <= Fraction(res.error_bound) <= err + Fraction(1e-15)


def test_a_refined_answer_takes_its_policy_among_all_actions():
    # one state, two actions: a0 pays 1 on a row summing to 1, a1 pays 3/2 on a row
    # summing to 1/2 (gamma 9/10): V^a0 = 10, V^a1 = 1.5 / 0.55 = 30/11, so a0 is optimal
    # (brute force over the two policies, exactly). MacQueen's test assumes rows summing
    # to 1 and drops a0 after the first sweep (1 < 3/2 and one state has span 0); the
    # sweeps then settle at V^a1, whose certificate fails, and the refinement (over all
    # actions) reaches V* = 10. The policy of that refined answer is greedy over all
    # actions, a0, not among those elimination left
    from _exact_helpers import policy_value

    P = np.zeros((1, 2, 1))
    P[0, 0, 0], P[0, 1, 0] = 1.0, 0.5
    m = pv.TabularMDP(P, np.array([[1.0, 1.5]]), gamma=0.9, tol=0.5)
    values = [policy_value(m, [a])[0] for a in (0, 1)]
    assert values == [1 / (1 - Fraction(0.9)), Fraction(1.5) / (1 - Fraction(0.9) / 2)]
    res = pv.solvers.value_iteration(m, 1e-8, stop="sup", eliminate=True)
    assert res.eliminated == 1 and "more numba sweeps" in res.message
    assert res.converged and sup_error(res.V, [values[0]]) <= Fraction(res.error_bound)
    assert res.policy.tolist() == [0] and 0 <= res.policy_error_bound <= 2e-8


def test_refinement_never_sweeps_past_its_budget():
    # the two-round refinement of a start 30 times V* (see above), under every budget
    # from 1 sweep to more than it needs: it spends the whole budget while that is short
    # of what it needs, never more, and with enough it ends within 4 floors
    from provable.solvers.tabular.value_iteration import certify_and_refine

    S = 256
    m = _half_rows(S=S)
    V = np.full(S, 30 * 20 / 11)
    _, cert, need, _ = certify_and_refine(m, V, 1e-300, 1000, "numba")
    assert 20 < need < 1000 and cert.bound <= 4 * cert.floor
    for left in range(1, need + 3):
        _, cert, sweeps, _ = certify_and_refine(m, V, 1e-300, left, "numba")
        assert sweeps == min(left, need), (left, sweeps)
        assert left < need or cert.bound <= 4 * cert.floor
