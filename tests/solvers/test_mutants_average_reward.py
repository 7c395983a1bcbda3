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


def test_width_of_a_sparse_model_is_its_widest_row():
    # P's rows hold 2 and 1 stored entries: Higham's w is the widest, 2 (not the
    # narrowest). One sweep from h = 0 with tau = 1/2: W = r_tau = (1/2, 0) = D, the
    # gain 1/2, half-width 1/2, bias (0, -1/2) and the slack with w = 2, all by hand
    import scipy.sparse as sp

    P = sp.csr_matrix(np.array([[0.5, 0.5], [1.0, 0.0]]))
    res = pv.solvers.average_reward(pv.TabularMDP(P, np.array([[1.0], [0.0]])), max_iter=1)
    h_max, rmax, lo, hi = 0.5, 0.5, 0.0, 0.5
    slack = ((2 + 4) * U * (h_max + rmax + lo + hi) + 4 * U * (lo + hi)) / 0.5
    assert res.gain == 0.5 and res.error_bound == 0.5 + slack


def test_default_tol_is_one_billionth():
    # two absorbing states with rewards 0 and c: one sweep gives D = r_tau exactly, an
    # interval of g of length c. c = 1.5e-9 is within 2 tol (1 - 1e-6) of the default
    # tol = 1e-9 and is certified at once (both gains are within the half-width);
    # c = 3e-9 is not, and the two closed classes are then proven different
    P = np.zeros((2, 1, 2))
    P[0, 0, 0] = P[1, 0, 1] = 1.0
    res = pv.solvers.average_reward(pv.TabularMDP(P, np.array([[0.0], [1.5e-9]])))
    assert res.converged and res.iterations == 1 and res.error_bound <= 1e-9
    for g in (Fraction(0), Fraction(1.5e-9)):
        assert abs(Fraction(res.gain) - g) <= Fraction(res.error_bound)
    with pytest.raises(pv.errors.NotSupported, match=r"\[after 10 sweeps\]"):
        pv.solvers.average_reward(pv.TabularMDP(P, np.array([[0.0], [3e-9]])))


@pytest.mark.parametrize("method", ["rvi", "lp"])
def test_discounted_input_gives_the_undiscounted_q_and_policy(method):
    # Q = r + P h - g with the undiscounted P h (the model's gamma is ignored), and the
    # policy is greedy for that Q
    mdp = _irreducible(2)
    g_star, optimal = _optimal_gain(mdp)
    res = pv.solvers.average_reward(mdp.with_gamma(0.9), method, tol=1e-11)
    assert abs(Fraction(res.gain) - g_star) <= Fraction(res.error_bound) <= 1e-9
    np.testing.assert_allclose(res.Q, mdp.R + mdp.dense_P() @ res.bias - res.gain,
                               rtol=0, atol=1e-12)
    assert tuple(int(a) for a in res.policy) in optimal


@pytest.mark.parametrize("r", [1.7e308, -1.7e308])
def test_overflow_of_one_end_of_the_interval_stops_at_that_sweep(r):
    # tau = 1, two absorbing states with rewards 0 and r (ref state 0): sweep 1 gives
    # h = (0, r); sweep 2 gives W = (0, 2r) = (0, +-inf), so D = (0, +-inf): one end of
    # the interval overflows while the other is 0; sweep 3 would make it NaN
    P = np.zeros((2, 1, 2))
    P[0, 0, 0] = P[1, 0, 1] = 1.0
    with np.errstate(all="ignore"):
        res = pv.solvers.average_reward(pv.TabularMDP(P, np.array([[0.0], [r]])), tau=1.0,
                                        max_iter=50)
    assert res.iterations == 2 and not res.converged and res.error_bound == np.inf
    assert res.message == "the bias overflowed after 2 sweeps; nothing is certified"


def _escape(gap=None):
    """State 0 stays with reward 0 (gain 0) or escapes to the absorbing state 1 (gain
    -gap); without ``gap`` the escape is to gain -1 with the rewards (0, -1) only."""
    if gap is None:
        P = np.zeros((2, 2, 2))
        P[0, 0, 0] = P[0, 1, 1] = 1.0
        P[1, :, 1] = 1.0
        return pv.TabularMDP(P, np.array([[0.0, -1.0], [-1.0, -1.0]]))
    # a third state, transient, that leads to state 0 with reward -10: max|r_tau| = 5
    # and, after 40 sweeps, max|W| = |W(2)| = 10 (1 - 2^-40)
    P = np.zeros((3, 2, 3))
    P[0, 0, 0] = P[0, 1, 1] = 1.0
    P[1, :, 1] = 1.0
    P[2, :, 0] = 1.0
    R = np.array([[0.0, -10.0], [-gap, -10.0], [-10.0, -10.0]])
    return pv.TabularMDP(P, R)


def test_multichain_proven_by_the_greedy_policy_at_sweep_forty():
    # every state can reach state 1, so L = min D over the reachable states never
    # exceeds U(1) = D(1): only g*(0) >= g^pi(0) - m/tau = -2m of the greedy policy (used
    # from sweep 40 on, and at the budget) proves g*(0) = 0 > -1 = g*(1); m = 5e-10 + ...
    # Checks run at sweeps 10, 20, 40: the proof comes at 40, not 80 or 90, and not only
    # at the budget
    msg = r"g\*\(0\) >= -1\.00\d*e-09 but g\*\(1\) <= -1 \(state 1 cannot reach"
    with pytest.raises(pv.errors.NotSupported, match=msg + r".*\[after 40 sweeps\]"):
        pv.solvers.average_reward(_escape())
    with pytest.raises(pv.errors.NotSupported, match=msg + r".*\[after 30 sweeps\]"):
        pv.solvers.average_reward(_escape(), max_iter=30)


def test_multichain_margin_at_its_boundary():
    # _escape(gap): after 40 sweeps D(0) = 0, D(1) = -gap/2 = U(1), and the greedy policy
    # stays in 0 (gain 0), so the rule LB(0) = tau * 0 - m > U(1) + m claims a gain gap
    # exactly when gap > 4 m, m = 1e-9 max|r_tau| + 64 S u (max|W| + max|r_tau|)
    # = 1e-9 * 5 + 64 * 3 * u * 15. Below it the run ends unproven at max_iter with an
    # interval that holds both gains; above it the refusal names the two states
    m = 1e-9 * 5 + 64 * 3 * U * (10 + 5)
    for gap in (0.7 * 4 * m, 4 * m - 4e-14, 4 * m - 1.6e-12):
        res = pv.solvers.average_reward(_escape(gap), tol=1e-12, max_iter=40)
        assert not res.converged and res.iterations == 40
        for g in (Fraction(0), -Fraction(gap)):
            assert abs(Fraction(res.gain) - g) <= Fraction(res.error_bound)
    for gap in (4 * m + 1e-14, 1.4 * 4 * m):
        with pytest.raises(pv.errors.NotSupported,
                           match=r"g\*\(0\) >= .* but g\*\(1\) <= .*\[after 40 sweeps\]"):
            pv.solvers.average_reward(_escape(gap), tol=1e-12, max_iter=40)


def test_multichain_rule_is_strict():
    # the rule max LB > min U + margin at equality: planted D on two absorbing states
    # (each its own closed class, so L = U = D), tau = 1, no policy
    from provable.solvers.tabular.average_reward import _GainBounds, _multichain_proof

    P = np.zeros((2, 1, 2))
    P[0, 0, 0] = P[1, 0, 1] = 1.0
    mdp = pv.TabularMDP(P, np.array([[1.0], [0.5]]))
    gb = _GainBounds(mdp.P_at(), 2, 1)
    D = np.array([1.0, 0.5])
    assert _multichain_proof(gb, D, 1.0, mdp, None, 0.5) is None
    msg = _multichain_proof(gb, D, 1.0, mdp, None, 0.25)
    assert msg.startswith("the optimal gain is not constant: g*(0) >= 1 but g*(1) <= 0.5")


def test_lp_gain_tolerance_is_inclusive():
    # two absorbing states with rewards 0 and -c: the LP's gain is max = 0 and its policy
    # has gains (0, -c). A spread c <= 1e-7 is accepted (the bound then covers both
    # gains); above 1e-7 the model is refused as multichain
    P = np.zeros((2, 1, 2))
    P[0, 0, 0] = P[1, 0, 1] = 1.0
    for c in (0.7e-7, 1e-7):
        res = pv.solvers.average_reward(pv.TabularMDP(P, np.array([[0.0], [-c]])), "lp")
        assert res.converged and res.gain == 0.0
        for g in (Fraction(0), -Fraction(c)):
            assert abs(Fraction(res.gain) - g) <= Fraction(res.error_bound)
    for c in (float(np.nextafter(1e-7, 1.0)), 1.4e-7):
        with pytest.raises(pv.errors.NotSupported, match="gain -1.*e-07 at state 1 but -?0 "):
            pv.solvers.average_reward(pv.TabularMDP(P, np.array([[0.0], [-c]])), "lp")


def test_lp_failure_is_reported_not_certified():
    # HiGHS treats bounds beyond 1e20 as infinite and refuses the model: nothing is
    # certified (RVI still solves the flip with reward 1e21: g* = 5e20)
    P = np.zeros((2, 1, 2))
    P[0, 0, 1] = P[1, 0, 0] = 1.0
    mdp = pv.TabularMDP(P, np.array([[1e21], [0.0]]))
    res = pv.solvers.average_reward(mdp, "lp")
    assert not res.converged and res.error_bound == np.inf and np.isnan(res.gain)
    assert np.isnan(res.bias).all() and np.isnan(res.Q).all() and res.Q.shape == (2, 1)
    assert "HiGHS Status 2" in res.message and res.method == "average_reward/lp"
    assert res.policy.tolist() == [0, 0]
    rvi = pv.solvers.average_reward(mdp, tol=1e7)
    assert rvi.converged and abs(Fraction(rvi.gain) - Fraction(5e20)) <= Fraction(rvi.error_bound)


def test_sparse_model_is_left_untouched_and_q_uses_its_probabilities():
    # a slowly mixing sparse model (257 sweeps, past the multichain checks at 10, 20,
    # 40, ...): the solver's graph of P must not overwrite the model's probabilities
    import scipy.sparse as sp

    dense = pv.mdp.two_state_gadget(t_mix=10, epsilon=0.1)
    P = dense.dense_P()
    mdp = pv.TabularMDP(sp.csr_matrix(P.reshape(4, 2)), dense.R)
    before = mdp.P_at().toarray().copy()
    res = pv.solvers.average_reward(mdp, tol=1e-12)
    assert res.converged and res.iterations > 40
    np.testing.assert_array_equal(mdp.P_at().toarray(), before)
    # g* = 1/2 (state 1 returns to 0 w.p. 1/10 under action 0, 3/20 under action 1)
    assert abs(Fraction(res.gain) - Fraction(1, 2)) <= Fraction(res.error_bound)
    np.testing.assert_allclose(res.Q, dense.R + P @ res.bias - res.gain, rtol=0, atol=1e-9)
    assert res.policy[1] == 0


def test_stored_zeros_count_as_transitions_for_the_multichain_proof():
    # state 0 picks the absorbing state 1 (gain 1) or 2 (gain 0). Stored without zeros the
    # model is proven multichain; with a stored 0 from state 2 to state 1 the solver's
    # reachability graph (P's pattern) lets state 2 reach the better gain, so nothing is
    # claimed: the run ends at max_iter with an interval that holds both gains
    import scipy.sparse as sp

    rows, cols = [0, 1, 2, 3, 4, 5], [1, 2, 1, 1, 2, 2]
    R = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    plain = sp.csr_matrix((np.ones(6), (rows, cols)), shape=(6, 3))
    with pytest.raises(pv.errors.NotSupported, match=r"\[after 10 sweeps\]"):
        pv.solvers.average_reward(pv.TabularMDP(plain, R), max_iter=200)
    stored = sp.csr_matrix((np.r_[np.ones(6), 0.0], (rows + [5], cols + [1])), shape=(6, 3))
    assert stored.nnz == 7
    res = pv.solvers.average_reward(pv.TabularMDP(stored, R), max_iter=200)
    assert not res.converged and res.iterations == 200
    for g in (Fraction(0), Fraction(1)):
        assert abs(Fraction(res.gain) - g) <= Fraction(res.error_bound)


def _lp_bound_of(mdp, res) -> float:
    """The LP's certificate recomputed from its returned gain and bias: Odoni's interval
    [min D, max D], D = max_a (r + P h) - h, around the gain, its rounding allowance
    (w = S, dense) and the gain's own rounding 4 u |g|."""
    h, g = res.bias, res.gain
    D = (mdp.R.ravel() + mdp.P_at() @ h).reshape(mdp.S, mdp.A).max(axis=1) - h
    lo, hi = float(D.min()), float(D.max())
    return (max(hi - g, g - lo, 0.0) + odoni_slack(mdp.S, h, float(np.abs(mdp.R).max()), lo, hi)
            + 4 * U * abs(g))


def test_lp_policy_on_a_visited_state_is_the_occupancy_action():
    # state 0 stays (reward -1/4, optimal: g* = -1/4) or moves to state 1 (-1/2), which
    # comes back (-1/4): the cycle's gain is -3/8. The LP's bias h(1) is only bounded,
    # 0 <= h(1) <= 1/4 with h(0) = 0; HiGHS returns h(1) = 1/4, where moving ties with
    # staying in Q (both -1/4 + h(0) = -1/2 + h(1)). The occupancy visits (0, stay) only:
    # the policy follows it there (greedy, lowest index, would pick the cycle), and is
    # Q-greedy on the unvisited state 1
    P = np.zeros((2, 2, 2))
    P[0, 0, 1] = P[0, 1, 0] = 1.0
    P[1, :, 0] = 1.0
    mdp = pv.TabularMDP(P, np.array([[-0.5, -0.25], [-0.25, -0.25]]), layout="sas")
    g_star, optimal = _optimal_gain(mdp)
    assert g_star == Fraction(-1, 4) and optimal == {(1, 0), (1, 1)}
    res = pv.solvers.average_reward(mdp, "lp")
    assert res.converged and res.gain == -0.25 and tuple(res.policy) in optimal
    assert res.occupancy.tolist() == [[0.0, 1.0], [0.0, 0.0]]
    assert abs(Fraction(res.gain) - g_star) <= Fraction(res.error_bound)
    # the certificate is Odoni's interval of the returned bias: with h = (0, 1/4),
    # D = (-1/4, -1/2) and the half-width g - min D = 1/4 (loose: the gain is exact)
    assert res.error_bound == _lp_bound_of(mdp, res)
    if res.bias[1] == 0.25:
        slack = 6 * U * (0.25 + 0.5 + 0.5 + 0.25) + 4 * U * 0.75
        assert res.error_bound == 0.25 + slack + 4 * U * 0.25


@pytest.mark.parametrize("seed", range(6))
def test_lp_certificate_is_the_odoni_interval_of_its_bias(seed):
    # rewards in [-1, 0) and [-1/2, ...): the largest |r| is a negative reward below 1,
    # the gain negative; the certificate holds the exact gain and is Odoni's interval
    mdp = _irreducible(seed, scale=0.5)
    mdp = pv.TabularMDP(mdp.dense_P(), mdp.R - 0.5)
    g_star, _ = _optimal_gain(mdp)
    res = pv.solvers.average_reward(mdp, "lp")
    assert res.converged and res.gain < 0 and abs(Fraction(res.gain) - g_star) <= Fraction(
        res.error_bound) <= 1e-12
    assert res.error_bound == _lp_bound_of(mdp, res)


def test_certified_half_width_may_equal_tol():
    # one absorbing state with reward 1e6: the interval is the point tau * 1e6 after one
    # sweep, so the certified half-width is the rounding allowance alone (w = 1, h = 0,
    # lo = hi = max|r_tau| = 5e5, over tau); a tol equal to it is met, one ulp less not
    P = np.ones((1, 1, 1))
    mdp = pv.TabularMDP(P, np.array([[1e6]]))
    bound = odoni_slack(1, np.zeros(1), 5e5, 5e5, 5e5) / 0.5
    assert bound == (5 * U * (5e5 + 5e5 + 5e5) + 4 * U * 1e6) / 0.5
    res = pv.solvers.average_reward(mdp, tol=bound)
    assert res.converged and res.iterations == 1 and res.error_bound == bound
    assert res.gain == 1e6
    res = pv.solvers.average_reward(mdp, tol=float(np.nextafter(bound, 0.0)))
    assert not res.converged and res.error_bound == bound
    assert "below what float64 can certify" in res.message


def _trap_chain(S):
    """State 0 pays 1 by staying; every other state can stay (reward 0) or step towards 0:
    communicating, optimal gain 1, but staying is Bellman-greedy for many biases."""
    P = np.zeros((S, 2, S))
    R = np.zeros((S, 2))
    P[0, 1, 0] = 1.0
    P[0, 0, 1 % S] = 1.0
    R[0, 1] = 1.0
    for s in range(1, S):
        P[s, 0, s] = 1.0
        P[s, 1, s - 1] = 1.0
    return pv.TabularMDP(P, R, layout="sas")


@pytest.mark.parametrize("S", [2, 3, 6])
def test_lp_policy_reaches_the_optimal_class_from_every_state(S):
    # the LP's occupancy sits on state 0 alone; the other states must be sent towards it
    # layer by layer, not to a Bellman-greedy self-loop of gain 0
    mdp = _trap_chain(S)
    res = pv.solvers.average_reward(mdp, "lp")
    assert res.gain == pytest.approx(1.0, abs=1e-9)
    assert res.policy.tolist() == [1] * S
    P = mdp.dense_P()
    P_pi = P[np.arange(S), res.policy]
    r_pi = mdp.R[np.arange(S), res.policy]
    # exact gain of the policy: every state is absorbed into state 0's loop of reward 1
    assert _policy_gain(mdp, res.policy) == 1
    assert np.allclose(np.linalg.matrix_power(P_pi, S) @ r_pi, 1.0)
    # the certificate holds the exact gain, and the policy's own bias (h = -distance to
    # state 0) makes it tight
    assert abs(Fraction(res.gain) - 1) <= Fraction(res.error_bound)
    assert res.error_bound <= 1e-12
    np.testing.assert_array_equal(res.bias, -np.arange(S, dtype=float))


@pytest.mark.parametrize("S", [3, 6])
def test_lp_on_a_sparse_trap_chain_uses_the_policy_bias(S):
    import scipy.sparse as sp

    dense = _trap_chain(S)
    mdp = pv.TabularMDP(sp.csr_matrix(dense.dense_P().reshape(S * 2, S)), dense.R)
    assert mdp.sparse
    res = pv.solvers.average_reward(mdp, "lp")
    assert res.policy.tolist() == [1] * S
    # the LP's own bias has an Odoni interval of width 1 here; the policy's is exact
    np.testing.assert_array_equal(res.bias, -np.arange(S, dtype=float))
    assert res.error_bound <= 1e-12
    Th = (dense.R + dense.dense_P() @ res.bias).max(axis=1)
    np.testing.assert_array_equal(Th - res.bias, np.ones(S))


def test_lp_keeps_its_own_bias_when_the_policys_is_no_better():
    # an irreducible model: the LP's bias already solves the optimality equation, and
    # the certificate is its Odoni interval, within rounding of the exact gain
    mdp = _irreducible(7)
    g_star, _ = _optimal_gain(mdp)
    res = pv.solvers.average_reward(mdp, "lp")
    Th = (mdp.R + mdp.dense_P() @ res.bias).max(axis=1)
    D = Th - res.bias
    assert D.max() - D.min() <= 1e-12
    assert abs(Fraction(res.gain) - g_star) <= Fraction(res.error_bound) <= 1e-12
    assert res.bias[0] == 0.0
