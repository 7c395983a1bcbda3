"""Mutant batteries of the linear-RL, games, online-learning, Banker-OMD and alignment
claims: the size rule, a few fast kills at the quick budget, and the planted-mistake
options of the learners (defaults are the algorithm bit for bit; each option changes
what it should, checked against an exact construction where one exists)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from provable import proofs_checks as pc
from provable.errors import InvalidArgument
from provable.learners.alignment import (
    best_of_n_distribution,
    bon_vs_klrl_memoryless,
    dpo_minimizers,
    ebm_moment_match,
    entropy_change,
    kl_regularized_objective,
    kl_tilt,
)
from provable.learners.bandits import BernoulliBandit, simulate
from provable.learners.games import nash_mp, random_preference_matrix, spo_selfplay
from provable.learners.linear_rl import lsvi_ucb, oful
from provable.learners.oco import LinearModelLosses, generalized_implicit_ftrl, unbounded_ftrl
from provable.proofs_checks.claims.games import regular_tournament
from provable.proofs_checks.claims.linear import hard_linear_mdp

CLAIMS = ("lsvi_ucb.regret", "oful.regret", "nash_mp.last_iterate", "self_play.minimax_winner",
          "optimistic_omd.duality_gap", "banker_omd.scale_invariance", "banker_omd.regret",
          "banker_omd.delayed", "sea.optimistic_omd", "unbounded_oco.regret",
          "implicit_ftrl.recovers", "bon.kl_bound", "alignment.bon_equals_klrl",
          "kl_rl.bayes_posterior", "gdc.ebm", "coverage.dpo_vs_online", "entropy.covariance")


@pytest.mark.parametrize("cid", CLAIMS)
def test_battery_size(cid):
    c = pc.get_claim(cid)
    live = [m for m in c.mutants if not m.equivalent]
    need = 2 if c.kind in ("identity", "property") else 4
    assert len(live) >= need, (cid, [m.name for m in live])
    for m in c.mutants:
        assert m.rationale and m.params, (cid, m.name)
        if m.equivalent:  # an equivalent mutant says why it keeps the theorem
            assert len(m.rationale) > 40, (cid, m.name)


KILLS = [("entropy.covariance", ["wrong_sign", "uncentred", "probability_not_log"]),
         ("coverage.dpo_vs_online", ["dpo_temperature_x2", "online_tilt_sign"]),
         ("implicit_ftrl.recovers", ["prox_step_off_by_one", "dual_sign"]),
         ("banker_omd.scale_invariance", ["abs_losses_in_Q", "delay_term_unscaled"]),
         ("sea.optimistic_omd", ["negated_hint", "constant_step"]),
         ("bon.kl_bound", ["ties_to_first"])]


@pytest.mark.parametrize("cid, names", KILLS)
def test_fast_mutants_are_killed_at_the_quick_budget(cid, names):
    r = pc.run_mutants(cid, names=names)
    assert r.killed == len(names) and r.survivors == [], [(m["name"], m["status"],
                                                           m["reason"][:200]) for m in r.mutants]


@pytest.mark.parametrize("cid, name", [("entropy.covariance", "covariance_at_new_logits"),
                                       ("banker_omd.scale_invariance",
                                        "no_importance_weighting")])
def test_equivalent_mutants_are_not_called_violated(cid, name):
    r = pc.run_mutants(cid, names=[name])
    assert r.false_alarms == [] and r.mutants[0]["status"] == "holds"


# ---------------------------------------------------------------------------
# linear RL


def test_hard_linear_mdp_hides_a_bernoulli_bandit():
    lin = hard_linear_mdp(3, 0.2, 4)
    P0 = lin.P_at(0)
    assert P0[0, :, 1].tolist() == pytest.approx([0.4, 0.4, 0.6])
    assert lin.R[0, 1].tolist() == [1.0] * 3 and lin.R[0, 2].tolist() == [0.0] * 3
    # V* = (H - 1)(1/2 + gap/2): the best action reaches the rewarding state w.p. 0.6
    from provable.solvers.linear.lsvi import lsvi

    assert float(lsvi(lin).V[0, 0]) == pytest.approx(3 * 0.6, abs=1e-12)


def test_linear_learners_mutation_defaults_are_bit_identical_and_mistakes_change_regret():
    lin = hard_linear_mdp(2, 0.4, 3)
    base = lsvi_ucb(lin, 200, 3, c_beta=0.1)
    same = lsvi_ucb(lin, 200, 3, c_beta=0.1, mutation={"bonus_scale": 1.0, "bonus_power": 0.5,
                                                       "forced_exploration": 0.0})
    assert np.array_equal(base.regret, same.regret)
    greedy = lsvi_ucb(lin, 200, 3, c_beta=0.1, mutation={"bonus_scale": 0.0})
    # greedy keeps action 0 (ties go to the first index; its Q never drops below 0), which
    # loses (H - 1) * gap = 0.8 per episode
    assert greedy.regret[:, -1] == pytest.approx(np.full(3, 0.8 * 200))
    same_as_beta0 = lsvi_ucb(lin, 200, 3, beta=0.0)
    assert np.array_equal(greedy.regret, same_as_beta0.regret)
    X = np.eye(3)
    th = np.array([-0.2, -0.2, 0.2])
    a = oful(X, th, 500, 2)
    b = oful(X, th, 500, 2, mutation={"bonus_scale": 1.0, "bonus_power": 0.5})
    assert np.array_equal(a.regret, b.regret)
    c = oful(X, th, 500, 2, mutation={"forced_exploration": 1e-9})  # uniform play
    assert c.regret[:, -1] == pytest.approx([500 * 0.4 * 2 / 3] * 2, rel=0.1)
    with pytest.raises(InvalidArgument, match="not known"):
        oful(X, th, 10, 1, mutation={"bonus": 0.0})
    with pytest.raises(InvalidArgument):
        lsvi_ucb(lin, 10, 1, mutation={"forced_exploration": -1.0})


# ---------------------------------------------------------------------------
# games


def test_nash_mp_planted_mistakes():
    P = random_preference_matrix(5, seed=3)
    K = 6
    mp = nash_mp(P, 0.3, K)
    assert mp.queries.tolist() == list(range(0, 2 * K + 1, 2))
    md = nash_mp(P, 0.3, 2 * K, extragradient=False)
    assert md.queries.tolist() == list(range(2 * K + 1))
    # anchoring the second step at the half step is two mirror-descent steps
    half = nash_mp(P, 0.3, K, anchor="half")
    assert np.allclose(half.log_policies, md.log_policies[::2], atol=1e-13, rtol=0)
    # without the 1 + eta beta damping the (uniform-reference) update ignores beta
    a = nash_mp(P, 0.1, K, damping=False).log_policies
    b = nash_mp(P, 2.0, K, damping=False).log_policies
    assert np.allclose(a, b, atol=1e-12, rtol=0)
    assert not np.allclose(mp.log_policies, nash_mp(P, 2.0, K).log_policies, atol=1e-6)
    with pytest.raises(InvalidArgument):
        nash_mp(P, 0.3, K, anchor="middle")


def test_regular_tournament_is_balanced():
    for n in (3, 7, 31):
        P = regular_tournament(n)
        assert np.array_equal(P + P.T, np.ones((n, n)))
        assert np.allclose(P @ np.ones(n) / n, 0.5)  # uniform is the equilibrium


def test_spo_selfplay_planted_mistakes():
    P = random_preference_matrix(6, seed=1)
    base = spo_selfplay(P, 300)
    # a negated reward is self-play on the transposed game (P^T = 1 - P; softmax ignores
    # the constant)
    neg = spo_selfplay(P, 300, reward_sign=-1.0)
    assert np.allclose(neg.x, spo_selfplay(P.T, 300).x, atol=1e-12, rtol=0)
    # against the initial (uniform) policy the reward is fixed: Hedge on r = P 1/n
    init = spo_selfplay(P, 300, opponent="initial")
    r = P @ np.full(6, 1 / 6)
    t = 299
    z = (1 / math.sqrt(t + 1)) * t * r
    assert np.allclose(init.x[t], np.exp(z - z.max()) / np.exp(z - z.max()).sum(), atol=1e-12)
    lag = spo_selfplay(P, 300, opponent="previous")
    assert np.array_equal(lag.x[:2], base.x[:2]) and not np.allclose(lag.x, base.x, atol=1e-6)


# ---------------------------------------------------------------------------
# Banker-OMD stand-in


def test_banker_options_defaults_and_exact_equivalences():
    inst = BernoulliBandit([0.6, 0.5, 0.3])
    base = simulate("banker_omd", inst, 2000, 3)
    same = simulate("banker_omd", inst, 2000, 3, loss_power=2.0, delay_m2=True,
                    strength_power=0.5, mutation={"importance_weighting": 1.0,
                                                  "forced_exploration": 0.0})
    assert np.array_equal(base.regret, same.regret)
    # losses in {0, 1}: |l| = l^2, so loss_power 1 changes nothing; without delay the
    # delay term is 0 with or without M^2; with delay and M = 1 it is D either way
    assert np.array_equal(simulate("banker_omd", inst, 2000, 3, loss_power=1.0).regret,
                          base.regret)
    assert np.array_equal(simulate("banker_omd", inst, 2000, 3, delay_m2=False).regret,
                          base.regret)
    big = BernoulliBandit([0.6, 0.5, 0.3], scale=8.0)
    # with losses in {0, 1} the max loss M is 1 and M^2 D = D; at scale 8 it is 64 D
    d = simulate("banker_omd", big, 2000, 3, delay=5)
    assert not np.array_equal(simulate("banker_omd", big, 2000, 3, delay=5,
                                       delay_m2=False).regret, d.regret)
    assert not np.array_equal(simulate("banker_omd", big, 2000, 3, loss_power=1.0).regret,
                              simulate("banker_omd", big, 2000, 3).regret)
    forced = simulate("banker_omd", inst, 4000, 2, mutation={"forced_exploration": 1e-9})
    assert np.all(np.abs(forced.pulls / 4000 - 1 / 3) < 0.05)


# ---------------------------------------------------------------------------
# online learning


def test_unbounded_ftrl_penalty_power():
    def grad(t, w):
        return np.sign(w - 2.0) + 0.5 * (w - 2.0)

    a = unbounded_ftrl(grad, 300, G=3.0, L=0.5)
    b = unbounded_ftrl(grad, 300, G=3.0, L=0.5, penalty_power=0.5)
    assert np.array_equal(a.iterates, b.iterates)
    c = unbounded_ftrl(grad, 300, G=3.0, L=0.5, penalty_power=1.0)
    assert abs(c.iterates[-1, 0]) < abs(a.iterates[-1, 0])  # stronger penalty: nearer 0


def test_generalized_implicit_ftrl_mutations():
    rng = np.random.default_rng(0)
    L = LinearModelLosses("abs", rng.standard_normal((60, 3)), rng.standard_normal(60))
    base = generalized_implicit_ftrl(L, eta=0.5, update="implicit", schedule="anytime")
    same = generalized_implicit_ftrl(L, eta=0.5, update="implicit", schedule="anytime",
                                     mutation={"prox_step": "next", "dual_sign": 1.0,
                                               "conjugate": True})
    assert np.array_equal(base.iterates, same.iterates)
    # with a constant step eta_t = eta_{t+1}: the off-by-one is invisible
    c1 = generalized_implicit_ftrl(L, eta=0.5, update="implicit")
    c2 = generalized_implicit_ftrl(L, eta=0.5, update="implicit",
                                   mutation={"prox_step": "current"})
    assert np.array_equal(c1.iterates, c2.iterates)
    off = generalized_implicit_ftrl(L, eta=0.5, update="implicit", schedule="anytime",
                                    mutation={"prox_step": "current"})
    assert not np.allclose(off.iterates, base.iterates, atol=1e-9)
    neg = generalized_implicit_ftrl(L, eta=0.5, update="linearized",
                                    mutation={"dual_sign": -1.0})
    assert np.allclose(neg.iterates[1], 0.5 * neg.gradients[0], atol=1e-15)  # x_2 = +eta g_1
    with pytest.raises(InvalidArgument):
        generalized_implicit_ftrl(L, mutation={"step": 1})


# ---------------------------------------------------------------------------
# alignment closed forms


def test_best_of_n_planted_mistakes():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    r = np.array([0.0, 1.0, 1.0, 2.0])
    assert np.array_equal(best_of_n_distribution(p, r, 4, draws_offset=1),
                          best_of_n_distribution(p, r, 5))
    # F = (0.1, 0.6, 1) at the levels: level 1 gets 0.6^2 - 0.1^2 = 0.35
    first = best_of_n_distribution(p, r, 2, ties="first")
    assert first.tolist() == pytest.approx([0.01, 0.35, 0.0, 0.64])
    count = best_of_n_distribution(p, r, 2, ties="count")
    assert count.tolist() == pytest.approx([0.01, 0.175, 0.175, 0.64])
    prop = best_of_n_distribution(p, r, 2)
    assert prop.tolist() == pytest.approx([0.01, 0.35 * 0.4, 0.35 * 0.6, 0.64])


def test_tilt_objective_and_dpo_options():
    p = np.array([0.2, 0.3, 0.5])
    r = np.array([1.0, -2.0, 0.5])
    assert np.array_equal(kl_tilt(p, r, 0.7)[0], kl_tilt(p, r, 0.7, reward_sign=1.0)[0])
    assert np.allclose(kl_tilt(p, r, 0.7, beta_power=0.0)[0], kl_tilt(p, r, 1.0)[0],
                       atol=1e-15)
    assert np.allclose(kl_tilt(p, r, 0.7, reward_sign=-1.0)[0], kl_tilt(p, -r, 0.7)[0],
                       atol=1e-15)
    pi = np.array([0.5, 0.25, 0.25])
    beta = 2.0
    rev = beta * (0.2 * math.log(0.2 / 0.5) + 0.3 * math.log(0.3 / 0.25)
                  + 0.5 * math.log(0.5 / 0.25))
    J = kl_regularized_objective(pi, p, r, beta, kl_direction="reverse")
    assert J == pytest.approx(float(pi @ r) - rev, abs=1e-14)
    fam = dpo_minimizers(p, r, [0, 1], 0.5, [0.0, 0.5], temperature_scale=2.0)
    assert np.array_equal(fam, dpo_minimizers(p, r, [0, 1], 1.0, [0.0, 0.5]))
    q1, _ = ebm_moment_match(np.full(3, 1 / 3), np.arange(3.0)[:, None], [1.2])
    q2, _ = ebm_moment_match(p, np.arange(3.0)[:, None], [1.2], use_base=False)
    assert np.allclose(q1, q2, atol=1e-14)
    a = bon_vs_klrl_memoryless([0.4, 0.3, 0.2, 0.1], [0, 1, 2, 3], [10, 20], 0.2,
                               budget_scale=0.5)
    b = bon_vs_klrl_memoryless([0.4, 0.3, 0.2, 0.1], [0, 1, 2, 3], [10, 20], 0.1)
    assert a["klrl"][0] == pytest.approx(b["klrl"][0], abs=1e-13)


def test_entropy_prediction_mutations():
    z = np.array([0.3, -1.0, 2.0, 0.0])
    dz = np.array([1.0, 0.5, -0.5, 2.0])
    dH, pred = entropy_change(z, dz, 1e-3)
    assert entropy_change(z, dz, 1e-3, mutation={"sign": 1.0})[1] == pytest.approx(-pred,
                                                                                  rel=1e-15)
    assert entropy_change(z, dz, 1e-3, mutation={"scale": 0.5})[1] == pytest.approx(pred / 2,
                                                                                   rel=1e-15)
    assert entropy_change(z, dz, 0.0, mutation={"at_new_logits": True}) == (0.0, -0.0)
    p = np.exp(z - z.max())
    p /= p.sum()
    lp = np.log(p)
    unc = entropy_change(z, dz, 1e-3, mutation={"centred": False})[1]
    assert unc == pytest.approx(-1e-3 * float(p @ (lp * dz)), rel=1e-12)
    pr = entropy_change(z, dz, 1e-3, mutation={"log_prob": False})[1]
    assert pr == pytest.approx(-1e-3 * float(p @ (p * dz) - (p @ p) * (p @ dz)), rel=1e-12)
    assert entropy_change(z, dz, 1e-3, mutation={})[1] == pred
    with pytest.raises(InvalidArgument):
        entropy_change(z, dz, 1e-3, mutation={"sgn": 1.0})
