"""Tests of the extensive-form games module: Kuhn poker against its rules, exact best
responses against brute force over pure strategies, the sequence-form LP against the
normal-form LP and the known value -1/18, and LocalOMD's bookkeeping."""

import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

from provable.errors import InvalidArgument
from provable.learners.games import (
    KUHN_VALUE,
    balanced_policy,
    best_response_value,
    exploitability,
    kuhn_poker,
    local_omd,
    plan_to_policy,
    realization_plan,
    sequence_form_lp,
    uniform_policy,
)

CARDS = "JQK"
P0_HISTORIES = ("", "pb")          # histories where player 0 acts
P1_HISTORIES = ("p", "b")


def _rules_value(bet):
    """Expected payoff to player 0 from the rules of Kuhn poker, written out by hand.

    ``bet[(player, card, history)]`` is the probability of action "b" (bet / call)."""
    total = 0.0
    for c0, c1 in itertools.permutations(range(3), 2):
        win = 1.0 if c0 > c1 else -1.0
        b0 = bet[(0, CARDS[c0], "")]
        b1p = bet[(1, CARDS[c1], "p")]
        b1b = bet[(1, CARDS[c1], "b")]
        b0pb = bet[(0, CARDS[c0], "pb")]
        v = b0 * (b1b * 2 * win + (1 - b1b) * 1.0)                       # bet: call / fold
        v += (1 - b0) * ((1 - b1p) * win                                  # check, check
                         + b1p * (b0pb * 2 * win + (1 - b0pb) * -1.0))    # check, bet
        total += v / 6.0
    return total


def _to_policy(game, bet):
    pol = np.zeros((game.n_infosets, 2))
    for x, lab in enumerate(game.labels):
        head, rest = lab.split(" ")
        card, hist = rest.split(":")
        p = bet[(int(head[1]), card, hist)]
        pol[x] = [1 - p, p]
    return pol


def _keys(player):
    hs = P0_HISTORIES if player == 0 else P1_HISTORIES
    return [(player, c, h) for c in CARDS for h in hs]


def _random_bet(rng):
    return {k: float(rng.random()) for p in (0, 1) for k in _keys(p)}


def _pure_strategies(player):
    keys = _keys(player)
    for bits in itertools.product((0.0, 1.0), repeat=len(keys)):
        yield dict(zip(keys, bits))


# Kuhn's equilibrium family at alpha = 1/6 (player 0: J bets alpha, K bets 3 alpha, Q
# calls with alpha + 1/3; player 1: J bets 1/3 after a check, Q calls 1/3)
ALPHA = 1.0 / 6.0
EQ = {(0, "J", ""): ALPHA, (0, "Q", ""): 0.0, (0, "K", ""): 3 * ALPHA,
      (0, "J", "pb"): 0.0, (0, "Q", "pb"): ALPHA + 1 / 3, (0, "K", "pb"): 1.0,
      (1, "J", "p"): 1 / 3, (1, "Q", "p"): 0.0, (1, "K", "p"): 1.0,
      (1, "J", "b"): 0.0, (1, "Q", "b"): 1 / 3, (1, "K", "b"): 1.0}


def test_kuhn_structure():
    g = kuhn_poker()
    assert g.n_infosets == 12 and g.n_sequences == (13, 13)
    assert (g.kind == 2).sum() == 30                      # 6 deals x 5 betting sequences
    assert np.isclose(g.chance[0, :6].sum(), 1.0)
    assert sorted(g.labels) == sorted(f"P{p} {c}:{h}" for p, c, h in _keys(0) + _keys(1))


def test_payoff_matrix_matches_rules():
    g = kuhn_poker()
    A = g.payoff_matrix()
    rng = np.random.default_rng(3)
    for _ in range(20):
        bet = _random_bet(rng)
        pol = _to_policy(g, bet)
        v = realization_plan(g, pol, 0) @ A @ realization_plan(g, pol, 1)
        assert v == pytest.approx(_rules_value(bet), abs=1e-13)


def test_known_equilibrium_has_zero_exploitability_and_value_minus_one_eighteenth():
    g = kuhn_poker()
    pol = _to_policy(g, EQ)
    assert _rules_value(EQ) == pytest.approx(-1 / 18, abs=1e-14)
    assert abs(exploitability(g, pol)) < 1e-12
    assert best_response_value(g, pol, 0) == pytest.approx(-1 / 18, abs=1e-12)
    assert best_response_value(g, pol, 1) == pytest.approx(-1 / 18, abs=1e-12)
    assert KUHN_VALUE == pytest.approx(-1 / 18, abs=0)


def test_best_response_equals_brute_force_over_pure_strategies():
    g = kuhn_poker()
    rng = np.random.default_rng(7)
    pure0, pure1 = list(_pure_strategies(0)), list(_pure_strategies(1))
    assert len(pure0) == len(pure1) == 64
    for _ in range(5):
        bet = _random_bet(rng)
        pol = _to_policy(g, bet)
        own1 = {k: bet[k] for k in _keys(1)}
        own0 = {k: bet[k] for k in _keys(0)}
        br0 = max(_rules_value({**s, **own1}) for s in pure0)
        br1 = min(_rules_value({**own0, **s}) for s in pure1)
        assert best_response_value(g, pol, 0) == pytest.approx(br0, abs=1e-12)
        assert best_response_value(g, pol, 1) == pytest.approx(br1, abs=1e-12)
        assert exploitability(g, pol) == pytest.approx(br0 - br1, abs=1e-12)


def test_uniform_exploitability_by_brute_force():
    g = kuhn_poker()
    half = {k: 0.5 for p in (0, 1) for k in _keys(p)}
    br0 = max(_rules_value({**s, **{k: 0.5 for k in _keys(1)}}) for s in _pure_strategies(0))
    br1 = min(_rules_value({**{k: 0.5 for k in _keys(0)}, **s}) for s in _pure_strategies(1))
    assert exploitability(g, _to_policy(g, half)) == pytest.approx(br0 - br1, abs=1e-12)
    assert exploitability(g, uniform_policy(g)) == pytest.approx(br0 - br1, abs=1e-12)


def test_sequence_form_lp_equals_normal_form_lp_and_known_value():
    g = kuhn_poker()
    v, q0 = sequence_form_lp(g)
    assert v == pytest.approx(-1 / 18, abs=1e-9)
    # normal form: 64 x 64 pure strategies, payoffs from the rules; max_x min_y x^T M y
    pure0, pure1 = list(_pure_strategies(0)), list(_pure_strategies(1))
    M = np.array([[_rules_value({**s0, **s1}) for s1 in pure1] for s0 in pure0])
    m, n = M.shape
    res = linprog(np.r_[np.zeros(m), -1.0], A_ub=np.c_[-M.T, np.ones(n)], b_ub=np.zeros(n),
                  A_eq=np.r_[np.ones(m), 0.0][None], b_eq=[1.0],
                  bounds=[(0, None)] * m + [(None, None)], method="highs")
    assert -res.fun == pytest.approx(v, abs=1e-9)
    # the LP's plan guarantees the value against every best response of player 1
    pol = plan_to_policy(g, q0, realization_plan(g, uniform_policy(g), 1))
    assert best_response_value(g, pol, 1) == pytest.approx(v, abs=1e-9)


def test_balanced_policy_by_hand():
    g = kuhn_poker()
    mu = balanced_policy(g)
    for x, lab in enumerate(g.labels):
        # a root set of player 0 has 4 pairs below it, 3 of them under "pass"
        want = [0.75, 0.25] if lab.startswith("P0") and lab.endswith(":") else [0.5, 0.5]
        assert mu[x].tolist() == want


def test_plan_round_trip():
    g = kuhn_poker()
    pol = _to_policy(g, _random_bet(np.random.default_rng(11)))
    back = plan_to_policy(g, realization_plan(g, pol, 0), realization_plan(g, pol, 1))
    assert np.allclose(back, pol, atol=1e-14)


def test_local_omd_reported_exploitability_matches_behavioural_recomputation():
    g = kuhn_poker()
    r = local_omd(g, 3000, checkpoints=[10, 300, 3000], seed=4)
    for i in range(3):
        q0, q1 = r.plans[0][i], r.plans[1][i]
        assert q0[0] == pytest.approx(1.0) and q1[0] == pytest.approx(1.0)
        pol = plan_to_policy(g, q0, q1)
        # average plans of a perfect-recall player are realization-equivalent to their
        # behavioural policy
        assert np.allclose(realization_plan(g, pol, 0), q0, atol=1e-12)
        assert exploitability(g, pol) == pytest.approx(r.exploitability[i], abs=1e-12)
        last = plan_to_policy(g, r.last_plans[0][i], r.last_plans[1][i])
        assert exploitability(g, last) == pytest.approx(r.last_exploitability[i], abs=1e-12)
    assert np.allclose(plan_to_policy(g, r.last_plans[0][-1], r.last_plans[1][-1]), r.policy)


def test_local_omd_first_episode_average_is_the_initial_balanced_policy():
    g = kuhn_poker()
    r = local_omd(g, 5, checkpoints=[1], seed=0)
    mu = balanced_policy(g)
    assert np.allclose(r.plans[0][0], realization_plan(g, mu, 0))
    assert r.exploitability[0] == pytest.approx(exploitability(g, mu), abs=1e-12)


def test_local_omd_is_seeded_and_learns():
    g = kuhn_poker()
    a = local_omd(g, 20000, checkpoints=[500, 20000], seed=1)
    b = local_omd(g, 20000, checkpoints=[500, 20000], seed=1)
    assert np.array_equal(a.exploitability, b.exploitability)
    assert a.exploitability[-1] < 0.5 * exploitability(g, balanced_policy(g))


def test_local_omd_tiny_rate_stays_at_the_balanced_policy():
    g = kuhn_poker()
    r = local_omd(g, 2000, seed=2, eta=1e-12)
    assert np.allclose(r.policy, balanced_policy(g), atol=1e-9)
    assert r.last_exploitability[0] == pytest.approx(exploitability(g, balanced_policy(g)),
                                                     abs=1e-6)


@pytest.mark.parametrize("kwargs", [{"T": 0}, {"T": 10, "checkpoints": [11]},
                                    {"T": 10, "eta": 0.0}, {"T": 10, "lr_power": -1.0}])
def test_local_omd_rejects_bad_arguments(kwargs):
    with pytest.raises(InvalidArgument):
        local_omd(kuhn_poker(), **kwargs)


def test_policy_shape_checked():
    with pytest.raises(InvalidArgument, match="shape"):
        exploitability(kuhn_poker(), np.ones((3, 2)) / 2)
