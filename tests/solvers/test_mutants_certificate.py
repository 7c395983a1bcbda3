"""The a-posteriori certificate of one Bellman backup (provable/backends/_certificate.py)
against its specification, in exact rational arithmetic.

Every float is the dyadic rational it represents; ``u = 2**-53`` and the smallest
subnormal ``eta = 2**-1074`` are written here, independently of the module. Each
quantity the module returns is an upper bound of a documented real-number formula,
rounded up: so it must lie in ``[F, F * (1 + 64 u)]`` where ``F`` is that formula
evaluated exactly. The instances make each term of a formula dominate in turn (a wide
row for Higham's dot-product term, a zero model for the underflow terms), so dropping
a term, flipping its sign or rounding it the wrong way fails.
"""

from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp

import provable as pv
from provable.backends._certificate import certify_backup, gamma_n, modulus_from_sums
from provable.errors import InvalidModel

U = Fraction(1, 2**53)
ETA = Fraction(1, 2**1074)
SLACK = 1 + 64 * U


def _in(x: float, F: Fraction) -> bool:
    """``x`` is ``F`` rounded up by a relative at most ``64 u``."""
    return F <= Fraction(x) <= F * SLACK


def _gamma_exact(n: int) -> Fraction:
    return n * U / (1 - n * U)


# -- Higham's constant ---------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 64, 1000, 2**40, 2**51, 2**52 - 1])
def test_gamma_n_is_nu_over_one_minus_nu_rounded_up(n):
    assert _in(gamma_n(n), _gamma_exact(n))


@pytest.mark.parametrize("n", [2**52, 2**52 + 1, 3 * 2**51, 2**53])
def test_gamma_n_is_infinite_once_nu_reaches_one_half(n):
    assert gamma_n(n) == np.inf


# -- the contraction modulus ---------------------------------------------------------

@pytest.mark.parametrize("top, width, gamma", [
    (1.0, 1, 0.5), (1.0, 3, 0.9), (1.0 + 2**-40, 1000, 0.99), (0.75, 7, 0.125),
    (1.0, 2**20, 0.999999),
])
def test_modulus_bounds_the_row_sum_of_width_terms(top, width, gamma):
    rho, kappa = modulus_from_sums(top, width, gamma)
    # a float sum of `width` non-negative terms is at least (1 - gamma_width) * exact
    rho_exact = Fraction(top) / (1 - _gamma_exact(width))
    assert _in(rho, rho_exact)
    assert _in(kappa, Fraction(gamma) * Fraction(rho))


# -- the backup's rounding term E and the bound ----------------------------------------

def _exact_backup(P2: np.ndarray, r: np.ndarray, gamma: float, V: np.ndarray, A: int):
    """Exact TV, the exact largest row sum and max |gamma P V| of the float model."""
    S = V.shape[0]
    g = Fraction(gamma)
    Vf = [Fraction(float(v)) for v in V]
    q = []
    top = Fraction(0)
    tmax = Fraction(0)
    for row in range(S * A):
        p = [Fraction(float(x)) for x in P2[row]]
        acc = sum(pi * vi for pi, vi in zip(p, Vf))
        top = max(top, sum(p))
        tmax = max(tmax, abs(g * acc))
        q.append(Fraction(float(r[row])) + g * acc)
    TV = [max(q[s * A:(s + 1) * A]) for s in range(S)]
    return TV, top, tmax


def _rounding_formula(width: int, gamma: float, top: Fraction, vmax: Fraction,
                      tmax: Fraction, rmax: Fraction) -> Fraction:
    r"""E = gamma (gamma_w rho |V| + w eta) + u tmax + eta + u (|r| + tmax), with
    rho = top / (1 - gamma_w): the error of a float backup of V (Higham's bound)."""
    gw = _gamma_exact(width)
    rho = top / (1 - gw)
    g = Fraction(gamma)
    return g * (gw * rho * vmax + width * ETA) + U * tmax + ETA + U * (rmax + tmax)


def _check(P2: np.ndarray, r: np.ndarray, gamma: float, V: np.ndarray, A: int,
           sparse: bool = False) -> tuple[float, float, float, float]:
    S = V.shape[0]
    width = int(np.max(np.count_nonzero(P2, axis=1))) if sparse else S
    M = sp.csr_matrix(P2) if sparse else P2
    bound, res, E, kappa, Q, finite = certify_backup(M, r, gamma, V, width, A)
    assert finite
    TV, top, tmax = _exact_backup(P2, r, gamma, V, A)
    Vf = [Fraction(float(v)) for v in V]
    vmax = max(abs(v) for v in Vf)
    rmax = max(abs(Fraction(float(x))) for x in r)
    # E: the documented formula, rounded up
    assert _in(E, _rounding_formula(width, gamma, top, vmax, tmax, rmax))
    # kappa: gamma times a rigorous bound of the largest row sum
    rho_exact = top / (1 - _gamma_exact(width))
    assert Fraction(kappa) >= Fraction(gamma) * rho_exact
    assert Fraction(kappa) <= Fraction(gamma) * rho_exact * SLACK ** 2
    # the residual: max |TV - V| of the float backup, rounded up; Q is that backup
    res_float = max(abs(Fraction(float(t)) - v) for t, v in zip(Q.max(axis=1), Vf))
    assert _in(res, res_float)
    # the exact residual lies within E of the float one
    res_exact = max(abs(t - v) for t, v in zip(TV, Vf))
    assert abs(res_exact - res_float) <= Fraction(E)
    # bound = (res + E) / (1 - kappa), rounded up
    assert _in(bound, (Fraction(res) + Fraction(E)) / (1 - Fraction(kappa)))
    return bound, res, E, kappa


def test_wide_row_makes_higham_term_dominate():
    # S = 64 dense: gamma_64 rho |V| is ~64x the other terms
    S, A = 64, 2
    rng = np.random.default_rng(0)
    P2 = rng.dirichlet(np.ones(S), size=S * A)
    r = rng.uniform(-1, 1, S * A)
    V = rng.uniform(5, 10, S)
    _check(P2, r, 0.9, V, A)
    _check(P2, r, 0.9, V, A, sparse=True)


def test_large_rewards_make_the_reward_term_count():
    # |r| >> |gamma P V|: the u |r| term dominates
    S, A = 3, 2
    P2 = np.full((S * A, S), 1 / 3)
    r = np.array([1e6, -3e6, 2e6, 5e5, 0.0, -1e6])
    V = np.array([1.0, 2.0, 3.0])
    _check(P2, r, 0.5, V, A)


def test_one_term_rows_and_negative_values():
    # a permutation: one term a row, |gamma P V| = gamma |V|; V of both signs
    S, A = 4, 1
    P2 = np.eye(S)[[1, 2, 3, 0]]
    r = np.array([0.5, -0.25, 1.0, 0.0])
    V = np.array([-8.0, 3.0, -0.5, 2.0])
    _check(P2, r, 0.75, V, A)
    _check(P2, r, 0.75, V, A, sparse=True)


def test_zero_model_leaves_only_the_underflow_terms():
    # r = 0, V = 0: E = gamma * w * eta + eta, a few subnormals; still an upper bound
    S, A = 3, 2
    P2 = np.full((S * A, S), 1 / 3)
    bound, res, E, kappa, Q, finite = certify_backup(P2, np.zeros(S * A), 0.5, np.zeros(S), S, A)
    assert finite and res == 0.0
    F = Fraction(1, 2) * 3 * ETA + ETA  # 2.5 eta
    assert F <= Fraction(E) <= 4 * ETA
    assert Fraction(bound) >= F / (1 - Fraction(kappa))


def test_bound_is_tight_on_self_loops():
    # independent self-loops, gamma = 1/2: V* = 2 r, every float exact, E tiny
    S, A = 3, 2
    P2 = np.zeros((S * A, S))
    for s in range(S):
        P2[s * A:(s + 1) * A, s] = 1.0
    r = np.array([1.0, 0.5, -2.0, -4.0, 0.0, 0.25])
    V = np.array([0.0, 0.0, 0.0])
    V_star = [Fraction(2), Fraction(-4), Fraction(1, 2)]
    bound, res, E, kappa = _check(P2, r, 0.5, V, A)
    true_err = max(abs(Fraction(float(v)) - w) for v, w in zip(V, V_star))
    assert true_err == 4
    assert Fraction(bound) >= true_err
    assert Fraction(bound) <= true_err * SLACK ** 4  # any sound bound equals 4 here


def test_huge_values_are_certified_or_reported_not_finite():
    # |V| near the float64 range: the residual is computed without overflow where it
    # exists, and an overflowing backup is reported (finite=False), never a bound
    S, A = 2, 1
    P2 = np.eye(S)
    V = np.array([1.5e307, 0.75e307])
    bound, res, E, kappa, Q, finite = certify_backup(P2, np.zeros(S), 0.5, V, S, A)
    assert finite
    # TV = V / 2, V* = 0: the residual is max |V / 2| and the bound 2 * that = |V|max
    assert Fraction(res) >= Fraction(0.75e307)
    assert Fraction(bound) >= Fraction(1.5e307)       # the true error
    assert Fraction(bound) <= Fraction(1.5e307) * SLACK ** 4
    P2 = np.eye(S)[[1, 0]]  # a swap: TV - V overflows
    bound, res, E, kappa, Q, finite = certify_backup(
        P2, np.zeros(S), 0.99, np.array([1.7e308, -1.7e308]), S, A)
    assert not finite and bound == np.inf


def test_non_contraction_names_the_row():
    P2 = np.array([[1.0, 0.0], [0.5, 0.5 + 2**-30]])
    with pytest.raises(InvalidModel, match=r"P\[1, a, :\]"):
        certify_backup(P2, np.zeros(2), 1 - 2**-40, np.zeros(2), 2, 1)


def test_solvers_report_what_the_certificate_says():
    # the certificate a solver reports is the module's, for the returned V
    m = pv.mdp.river_swim(5)
    res = pv.solvers.value_iteration(m, tol=1e-6)
    b = certify_backup(m.P_at(), m.R.ravel(), m.gamma, res.V, m.S, m.A)
    assert res.error_bound == b[0]


def test_a_modulus_that_rounds_up_to_exactly_one_is_refused():
    # gamma = 1 - 9 u with a one-term row summing to 1: kappa rounds up to exactly 1.0,
    # the operator is not certified a contraction, so the backup is refused
    gamma = 1 - 9 * 2.0 ** -53
    assert modulus_from_sums(1.0, 1, gamma)[1] == 1.0
    assert modulus_from_sums(1.0, 1, 1 - 16 * 2.0 ** -53)[1] < 1.0
    with pytest.raises(InvalidModel, match="not a contraction"):
        certify_backup(np.eye(1), np.zeros(1), gamma, np.zeros(1), 1, 1)
    b = certify_backup(np.eye(1), np.zeros(1), 1 - 16 * 2.0 ** -53, np.zeros(1), 1, 1)
    assert b[5] and 0 < b[0] < 1e-290  # certified: V = V* = 0 up to the underflow terms
