"""Average-reward solvers on instances whose answer is known: the optimal gain from
every deterministic policy's exact stationary distribution, Odoni intervals computed
by hand, the stopping rule and the sweep budget at their boundaries.
"""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from _fraction_solve import fsolve

import provable as pv
from provable.solvers.tabular.average_reward import default_rvi_max_iter, odoni_slack

U = float(np.finfo(float).eps)


def _policy_gain(mdp, policy) -> Fraction:
    """Exact gain of a deterministic policy of an irreducible model: pi P = pi, sum 1."""
    P = mdp.dense_P()
    S = mdp.S
    Pp = [[Fraction(float(P[s, policy[s], t])) for t in range(S)] for s in range(S)]
    # (P^T - I) pi = 0 with the last equation replaced by sum(pi) = 1
    M = [[Pp[t][s] - (1 if s == t else 0) for t in range(S)] for s in range(S)]
    M[-1] = [Fraction(1)] * S
    pi = fsolve(M, [Fraction(0)] * (S - 1) + [Fraction(1)])
    return sum(pi[s] * Fraction(float(mdp.R[s, policy[s]])) for s in range(S))


def _optimal_gain(mdp) -> tuple[Fraction, set]:
    gains = {pol: _policy_gain(mdp, pol) for pol in itertools.product(range(mdp.A),
                                                                      repeat=mdp.S)}
    g = max(gains.values())
    return g, {pol for pol, v in gains.items() if v == g}


def _irreducible(seed, S=3, A=2, scale=1.0):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(S), size=(S, A))
    P = 0.5 * P + 0.5 / S  # full support: every policy irreducible
    return pv.TabularMDP(P, scale * rng.uniform(-1, 1, (S, A)))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("method", ["rvi", "lp"])
def test_gain_policy_and_bias_against_exact(seed, method):
    mdp = _irreducible(seed)
    g_star, optimal = _optimal_gain(mdp)
    res = pv.solvers.average_reward(mdp, method, tol=1e-11)
    assert res.converged
    assert abs(Fraction(res.gain) - g_star) <= Fraction(res.error_bound)
    assert res.error_bound <= 1e-9
    assert tuple(int(a) for a in res.policy) in optimal
    # bias: h[ref] = 0 and the optimality equation g + h = max_a r + P h
    assert res.bias[0] == 0.0
    Th = (mdp.R + mdp.dense_P() @ res.bias).max(axis=1)
    np.testing.assert_allclose(res.gain + res.bias, Th, atol=1e-8)
    np.testing.assert_allclose(res.Q.max(axis=1), res.bias, atol=1e-8)


@pytest.mark.parametrize("method", ["rvi", "lp"])
def test_large_rewards_are_still_certified(method):
    # rewards of order 1e8: the rounding of D is ~1e-8, far above any fixed 1e-12
    mdp = _irreducible(7, scale=1e8)
    g_star, _ = _optimal_gain(mdp)
    res = pv.solvers.average_reward(mdp, method, tol=1e-3)
    assert res.converged
    assert abs(Fraction(res.gain) - g_star) <= Fraction(res.error_bound)


def test_ref_state_normalises_the_bias():
    mdp = _irreducible(1)
    a = pv.solvers.average_reward(mdp, tol=1e-11)
    for method in ("rvi", "lp"):
        b = pv.solvers.average_reward(mdp, method, tol=1e-11, ref_state=2)
        assert b.bias[2] == 0.0
        # the same bias up to the constant h[2]
        np.testing.assert_allclose(b.bias, a.bias - a.bias[2], atol=1e-8)


def _flip(tau=0.5):
    """Two states that swap every step: reward 1 in state 0, 0 in state 1; g* = 1/2."""
    P = np.zeros((2, 1, 2))
    P[0, 0, 1] = P[1, 0, 0] = 1.0
    return pv.TabularMDP(P, np.array([[1.0], [0.0]]))


def test_one_sweep_interval_by_hand():
    # tau = 1/2: P_tau = all 1/2, r_tau = (1/2, 0). From h = 0 one sweep gives
    # W = (1/2, 0), D = W - h = (1/2, 0): Odoni interval of tau g is [0, 1/2],
    # so g lies in [0, 1], midpoint 1/2, half-width 1/2, plus the rounding slack
    # (w + 4) u (|h| + max|r_tau| + |lo| + |hi|) + 4 u (|lo| + |hi|), all over tau
    res = pv.solvers.average_reward(_flip(), max_iter=1, tol=1e-3)
    assert res.iterations == 1 and not res.converged and "max_iter=1" in res.message
    assert res.gain == 0.5
    np.testing.assert_array_equal(res.bias, [0.0, -0.5])  # h = W - W[ref_state]
    h_max, rmax, lo, hi = 0.5, 0.5, 0.0, 0.5
    slack = ((2 + 4) * U * (h_max + rmax + lo + hi) + 4 * U * (lo + hi)) / 0.5
    assert res.error_bound == 0.5 + slack
    assert odoni_slack(2, np.array([0.0, -0.5]), rmax, lo, hi) == slack * 0.5
    # the exact gain is inside
    assert abs(Fraction(res.gain) - Fraction(1, 2)) <= Fraction(res.error_bound)


def test_stopping_rule_at_its_boundary():
    # after one sweep (hi - lo) / tau = 1: stops there exactly when 1 <= 2 tol (1 - 1e-6)
    just_enough = 0.5 / (1 - 1e-6) * (1 + 4 * U)
    res = pv.solvers.average_reward(_flip(), tol=just_enough, max_iter=5)
    assert res.converged and res.iterations == 1
    res = pv.solvers.average_reward(_flip(), tol=0.5, max_iter=1)
    assert not res.converged
    res = pv.solvers.average_reward(_flip(), tol=0.5 / (1 - 1e-6) * (1 - 1e-9), max_iter=1)
    assert not res.converged


def test_the_aperiodicity_transform_is_needed_and_tau_one_is_plain_rvi():
    # tau = 1 on the periodic flip: D alternates and the interval never shrinks
    res = pv.solvers.average_reward(_flip(), tau=1.0, max_iter=50, tol=1e-6)
    assert not res.converged and res.iterations == 50
    assert abs(Fraction(res.gain) - Fraction(1, 2)) <= Fraction(res.error_bound)
    res = pv.solvers.average_reward(_flip(), tau=0.25, tol=1e-10)
    assert res.converged and abs(res.gain - 0.5) <= res.error_bound <= 1e-10


def test_default_sweep_budget():
    assert default_rvi_max_iter(1) == 10_000
    assert default_rvi_max_iter(1000) == 10_000
    assert default_rvi_max_iter(1001) == 10_010
    assert default_rvi_max_iter(100_000) == 1_000_000
    assert default_rvi_max_iter(100_001) == 1_000_000
    assert isinstance(default_rvi_max_iter(5), int)


def test_discount_is_ignored_and_bad_arguments_refused():
    mdp = _irreducible(2)
    a = pv.solvers.average_reward(mdp, tol=1e-11)
    b = pv.solvers.average_reward(mdp.with_gamma(0.9), tol=1e-11)
    assert abs(a.gain - b.gain) <= a.error_bound + b.error_bound
    for kw in ({"method": "vi"}, {"tol": 0.0}, {"tau": 0.0}, {"tau": 1.5}, {"ref_state": 3},
               {"ref_state": -1}, {"max_iter": 0}):
        with pytest.raises(pv.errors.ProvableError):
            pv.solvers.average_reward(mdp, **kw)
    fh = pv.TabularMDP(mdp.dense_P(), mdp.R, horizon=3)
    with pytest.raises(pv.errors.NotSupported, match="stationary infinite-horizon"):
        pv.solvers.average_reward(fh)


def test_overflowing_bias_is_reported():
    P = np.zeros((1, 1, 1))
    P[0, 0, 0] = 1.0
    mdp = pv.TabularMDP(P, np.array([[1.7e308]]))
    # the interval is a point, but its rounding allowance overflows: not certified
    res = pv.solvers.average_reward(mdp, tol=1e-3)
    assert not res.converged and res.error_bound == np.inf
    assert "cannot certify" in res.message or "can certify" in res.message
    # a tol below the rounding allowance: the rule is met, the certificate is not
    mdp = pv.TabularMDP(P, np.array([[1e6]]))
    res = pv.solvers.average_reward(mdp, tol=1e-20)
    assert res.iterations == 1 and not res.converged and res.error_bound > 1e-20
    assert "below what float64 can certify" in res.message
    res = pv.solvers.average_reward(mdp, tol=1e-3)
    assert res.converged and res.gain == 1e6 and res.error_bound <= 1e-3
    # a bias that overflows during the sweeps
    P = np.zeros((2, 1, 2))
    P[0, 0, 0] = P[1, 0, 0] = 1.0
    mdp = pv.TabularMDP(P, np.array([[1.7e308], [-1.7e308]]))
    res = pv.solvers.average_reward(mdp, tol=1e-3, max_iter=50)
    assert not res.converged and res.error_bound == np.inf


def test_multichain_is_proven_with_the_states_named():
    # two absorbing states with gains 1 and 0, a transient start that picks one
    P = np.zeros((3, 2, 3))
    P[0, 0, 1] = P[0, 1, 2] = 1.0
    P[1, :, 1] = P[2, :, 2] = 1.0
    R = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(pv.errors.NotSupported, match=r"g\*\(\d\) >= 1 but g\*\(2\) <= 0"):
        pv.solvers.average_reward(pv.TabularMDP(P, R))
    # weakly communicating (state 2 is transient and can reach the better class):
    # solved, not refused
    P2 = P.copy()
    P2[2, 1, 2], P2[2, 1, 1] = 0.0, 1.0
    res = pv.solvers.average_reward(pv.TabularMDP(P2, R), tol=1e-10)
    assert res.converged and abs(res.gain - 1.0) <= res.error_bound


def test_sparse_model_matches_dense():
    mdp = _irreducible(3, S=4)
    sp_mdp = pv.TabularMDP.from_transitions(
        [(s, a, t, float(mdp.dense_P()[s, a, t])) for s in range(4) for a in range(2)
         for t in range(4)], R=mdp.R) if hasattr(pv.TabularMDP, "from_transitions") else None
    if sp_mdp is None:
        import scipy.sparse as sp

        sp_mdp = pv.TabularMDP(sp.csr_matrix(mdp.dense_P().reshape(8, 4)), mdp.R)
    g_star, _ = _optimal_gain(mdp)
    for method in ("rvi", "lp"):
        res = pv.solvers.average_reward(sp_mdp, method, tol=1e-11)
        assert abs(Fraction(res.gain) - g_star) <= Fraction(res.error_bound) <= 1e-9


def test_rounding_allowance_with_negative_ends():
    # |h|, max|r|, |lo|, |hi| enter with their absolute values
    h = np.array([0.0, -0.5])
    got = odoni_slack(2, h, 0.5, -1.0, -0.25)
    assert got == 6 * U * (0.5 + 0.5 + 0.25 + 1.0) + 4 * U * (1.25)


def test_one_sweep_with_negative_rewards_and_a_sparse_model():
    # r = (-1, 0) on the flip: r_tau = (-1/2, 0), D = (-1/2, 0), g in [-1, 0], midpoint -1/2
    import scipy.sparse as sp

    P = np.zeros((2, 1, 2))
    P[0, 0, 1] = P[1, 0, 0] = 1.0
    R = np.array([[-1.0], [0.0]])
    for model, w in ((pv.TabularMDP(P, R), 2),
                     (pv.TabularMDP(sp.csr_matrix(P.reshape(2, 2)), R), 1)):
        res = pv.solvers.average_reward(model, max_iter=1, tol=1e-3)
        assert res.gain == -0.5
        np.testing.assert_array_equal(res.bias, [0.0, 0.5])
        lo, hi = -0.5, 0.0
        slack = odoni_slack(w, np.array([0.0, 0.5]), 0.5, lo, hi) / 0.5
        assert res.error_bound == (hi - lo) / 2 / 0.5 + slack
        assert slack == ((w + 4) * U * (0.5 + 0.5 + 0.0 + 0.5) + 4 * U * 0.5) / 0.5


def test_stopping_exactly_on_the_rule():
    # tol = 0.5 / (1 - 1e-6) makes 2 tol (1 - 1e-6) exactly 1.0, the interval's length
    tol = 0.5 / (1 - 1e-6)
    assert 2 * tol * (1 - 1e-6) == 1.0
    res = pv.solvers.average_reward(_flip(), tol=tol, max_iter=5)
    assert res.converged and res.iterations == 1
    np.testing.assert_array_equal(res.bias, [0.0, -0.5])  # the last sweep's, normalised


def test_overflow_stops_the_sweeps_at_once():
    P = np.zeros((2, 1, 2))
    P[0, 0, 0] = P[1, 0, 0] = 1.0
    mdp = pv.TabularMDP(P, np.array([[1.7e308], [-1.7e308]]))
    with np.errstate(all="ignore"):
        res = pv.solvers.average_reward(mdp, tol=1e-3, max_iter=50)
    assert res.iterations < 10 and "bias overflowed after" in res.message


def test_multichain_checks_at_sweep_ten_and_at_the_budget():
    P = np.zeros((3, 2, 3))
    P[0, 0, 1] = P[0, 1, 2] = 1.0
    P[1, :, 1] = P[2, :, 2] = 1.0
    R = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(pv.errors.NotSupported, match=r"\[after 10 sweeps\]"):
        pv.solvers.average_reward(pv.TabularMDP(P, R))
    with pytest.raises(pv.errors.NotSupported, match=r"\[after 5 sweeps\]"):
        pv.solvers.average_reward(pv.TabularMDP(P, R), max_iter=5)
    with pytest.raises(pv.errors.NotSupported,
                       match=r"gain 0 at state 2 but 1 elsewhere|gain 1 at state 1 but 0"):
        pv.solvers.average_reward(pv.TabularMDP(P, R), "lp")


def test_lp_occupancy_and_greedy_policy_on_transient_states():
    # state 2 is transient under every policy (both actions leave it for good); the LP's
    # stationary solution does not visit it, so its action is greedy for the returned Q
    P = np.zeros((3, 2, 3))
    P[0, 0] = [0.5, 0.5, 0.0]
    P[0, 1] = [0.0, 1.0, 0.0]
    P[1, :] = [1.0, 0.0, 0.0]
    P[2, 0] = [1.0, 0.0, 0.0]
    P[2, 1] = [0.0, 1.0, 0.0]
    R = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 5.0]])
    res = pv.solvers.average_reward(pv.TabularMDP(P, R), "lp")
    x = res.occupancy
    assert (x >= -1e-12).all() and abs(x.sum() - 1.0) <= 1e-9 and x[2].sum() <= 1e-10
    assert res.policy[2] == int(np.argmax(res.Q[2])) == 1
    assert res.policy[0] == 0
