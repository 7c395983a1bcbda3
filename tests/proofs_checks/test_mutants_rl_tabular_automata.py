"""Mutant batteries of the RL, tabular and automata claims: the size rule, a fast sample
of mutants killed at the quick budget, and the planted-mistake parameters of the learners
(the defaults are the algorithm bit for bit; each mistake changes what it should)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binom

import provable as pv
from provable import proofs_checks as pc
from provable.errors import InvalidArgument, InvalidType, NotSupported, ProvableError
from provable.learners.generative import diffusion as df
from provable.learners.generative import plug_in, plug_in_policies
from provable.learners.generative.mdvi import mdvi
from provable.learners.policy_gradient import run_policy_gradient
from provable.learners.tabular_rl import actor_critic, hard_bandit_mdp, run_episodes

#: claim id -> kind (rate and bound claims need 4 non-equivalent mutants, the others 2)
CLAIMS = {
    "ucbvi.regret": "rate", "qlearning_ucb_h.regret": "rate",
    "softmax_pg.convergence": "rate", "npg.convergence": "bound",
    "diffusion_lm.kl_rate": "property", "avg_reward.tmix_sample_complexity": "rate",
    "vi.iterations": "rate", "generative.minimax": "rate", "dual_rl.lp_duality": "identity",
    "psm.affine_occupancies": "property", "demo_reg.rate": "rate",
    "actor_critic.regret": "rate", "pg.fisher_nondegenerate": "rate",
    "dpo.implicit_q": "identity", "grpo.unsampled_tokens": "property",
    "mdvi.generative": "rate", "lstar.exact": "rate",
    "lrnn.parity_negative_eigs": "property", "ssm.diagonal_commutative": "property",
    "bounded_context.finite_automaton": "property", "lm.markov_chain": "property",
    "lssl.recurrence_equals_convolution": "identity",
}


@pytest.mark.parametrize("cid", sorted(CLAIMS))
def test_battery_size_and_rationales(cid):
    c = pc.get_claim(cid)
    live = [m for m in c.mutants if not m.equivalent]
    assert len(live) >= (4 if CLAIMS[cid] in ("rate", "bound") else 2), cid
    assert all(len(m.rationale) > 20 for m in c.mutants)
    # a mutant plants a mistake: it must change the parameters the experiment sees
    assert all(m.params for m in c.mutants)
    assert c.kind == {"rate": c.kind if c.kind.startswith("rate") else "rate_*",
                      "bound": "bound_holds"}.get(CLAIMS[cid], CLAIMS[cid])


# claim -> fast mutants that its quick experiment must call violated
KILLED = {
    "npg.convergence": ["sign_flipped", "step_x0.01", "step_decay_t^-1/2",
                        "no_fisher_preconditioning"],
    "lm.markov_chain": ["temperature_after_norm", "eps_at_temperature_1"],
    "bounded_context.finite_automaton": ["bound_without_short_windows", "bound_off_by_one"],
    "psm.affine_occupancies": ["undiscounted_flow", "transition_untransposed",
                               "uniform_offset"],
    "diffusion_lm.kl_rate": ["unconditional_tokens", "one_iteration_short"],
    "lssl.recurrence_equals_convolution": ["kernel_shift", "euler_kernel"],
    "ssm.diagonal_commutative": ["dense_dictionary", "softmax_scale_1"],
    "lstar.exact": ["truncated_table", "complemented_target"],
    "generative.minimax": ["samples_x0.1", "argmin_planner"],
    "avg_reward.tmix_sample_complexity": ["pooled_actions"],
    "demo_reg.rate": ["tenth_of_demos"],
    # through the easiest member of the gap family (regret ~ gap T^0.7 there)
    "qlearning_ucb_h.regret": ["forced_exploration_t^-0.3"],
    # through m up to 1e5 over 40 seeds (error ~ N^-1/4)
    "mdvi.generative": ["samples_sqrt_m"],
    # through the median gap at a fixed budget: ~n^-0.29, slower than n^-1/2.5
    "pg.fisher_nondegenerate": ["no_momentum"],
}


@pytest.mark.parametrize("cid", sorted(KILLED))
def test_representative_mutants_are_killed_at_quick(cid):
    r = pc.run_mutants(cid, names=KILLED[cid])
    assert r.survivors == [], [(m["name"], m["status"], m["reason"][:200]) for m in r.mutants]
    assert r.killed == len(KILLED[cid]) and r.false_alarms == []


def test_equivalent_mutant_is_not_violated():
    r = pc.run_mutants("npg.convergence", names=["no_baseline"])
    assert r.mutants[0]["status"] == "holds" and r.false_alarms == []


def test_tmix_kills_a_tenth_of_the_samples_through_the_bernstein_bound():
    # the claim's sample count comes from running the estimator: a tenth of the samples
    # needs ten times as many, above the Bernstein bound (a slope alone would not see it)
    c = pc.get_claim("avg_reward.tmix_sample_complexity")
    p = {**c.params("quick"), "t_mix": [4, 8, 16], "eps_grid": [0.2, 0.1], "groups": 4,
         "reps": 100, "mc_reps": 2}
    base = c.experiment(p, 0)
    assert max(a / b for a, b in zip(base.data["n_star_mean"], base.data["bernstein_n"])) < 0.6
    tenth = c.experiment({**p, "mutation": {"sample_fraction": 0.1}}, 0)
    assert tenth.status == "violated"


# ---------------------------------------------------------------- planted parameters
def test_episodic_defaults_are_bit_identical_and_mutations_bite():
    fh = hard_bandit_mdp(A=3, H=3, gap=0.2)
    for alg in ("ucbvi_h", "ucbvi_b", "ql_ucb_h", "ql_ucb_b"):
        base = run_episodes(alg, fh, 300, 2, c=0.01)
        same = run_episodes(alg, fh, 300, 2, c=0.01, mutation={
            "bonus_scale": 1.0, "bonus_power": 0.5, "forced_exploration": 0.0})
        assert np.array_equal(base.regret, same.regret) and np.array_equal(base.Q, same.Q)
        assert np.array_equal(base.visits, same.visits), alg
        quarter = run_episodes(alg, fh, 300, 2, c=0.01, mutation={"bonus_power": 0.25})
        assert not np.array_equal(base.Q, quarter.Q), alg
    # the n^-1/4 bonus of UCBVI-CH is the n^-1/2 one times n^(1/4): optimism lasts longer
    u = run_episodes("ucbvi_h", fh, 2000, 2, c=0.05)
    uq = run_episodes("ucbvi_h", fh, 2000, 2, c=0.05, mutation={"bonus_power": 0.25})
    assert uq.cumulative_regret[:, -1].min() > u.cumulative_regret[:, -1].max()
    # forced exploration exponent ~0: every step uniform, so every first action is tried
    # about K/3 times and the regret of each episode is that of the uniform policy
    K = 3000
    f = run_episodes("ucbvi_b", fh, K, 2, mutation={"forced_exploration": 1e-12})
    assert np.all(np.abs(f.visits[:, 0, 0, :] / K - 1 / 3) < 0.03)
    # uniform first action loses (2/3) * gap * (H - 1) per episode
    assert np.allclose(f.regret[:, -1], (2 / 3) * 0.2 * 2, atol=1e-9)
    # a negated bonus is pessimism: Q-learning's values sink below its optimistic ones
    qn = run_episodes("ql_ucb_h", fh, 300, 2, c=0.5, mutation={"bonus_scale": -1.0})
    qb = run_episodes("ql_ucb_h", fh, 300, 2, c=0.5)
    assert qn.Q.max() < qb.Q.max()


def test_episodic_mutation_errors():
    fh = hard_bandit_mdp(A=2, H=2)
    with pytest.raises(InvalidArgument, match="not known"):
        run_episodes("ucbvi_h", fh, 5, 1, mutation={"bonus": 0})
    with pytest.raises(InvalidType):
        run_episodes("ucbvi_h", fh, 5, 1, mutation=[("bonus_scale", 0)])
    with pytest.raises(InvalidArgument, match="bonus_power > 0"):
        run_episodes("ucbvi_h", fh, 5, 1, mutation={"bonus_power": 0.0})
    with pytest.raises(InvalidArgument):
        run_episodes("ucbvi_h", fh, 5, 1, mutation={"forced_exploration": -0.3})
    with pytest.raises(NotSupported):
        run_episodes("psrl", fh, 5, 1, mutation={"bonus_scale": 0.5})
    with pytest.raises(ProvableError):
        actor_critic(fh, 5, 1, mutation={"forced_exploration": -1})


def test_actor_critic_defaults_are_bit_identical_and_mutations_bite():
    fh = hard_bandit_mdp(A=3, H=3, gap=0.2)
    base = actor_critic(fh, 400, 2)
    same = actor_critic(fh, 400, 2, mutation={"bonus_scale": 1.0, "bonus_power": 0.5,
                                              "forced_exploration": 0.0})
    for key in ("regret", "G", "resets"):
        assert np.array_equal(base[key], same[key]), key
    forced = actor_critic(fh, 400, 2, mutation={"forced_exploration": 1e-12})
    # the uniform policy's loss, exactly, once the planted exploration is always on
    assert np.allclose(forced["regret"][:, -1], (2 / 3) * 0.2 * 2, atol=1e-9)
    assert not np.array_equal(actor_critic(fh, 400, 2, mutation={"bonus_power": 0.25})["G"],
                              base["G"])


def test_policy_gradient_defaults_are_bit_identical_and_mutations_bite():
    mdp = pv.mdp.random_mdp(4, 3, gamma=0.7, seed=3, sparse=False)
    for meth in ("softmax_pg", "npg"):
        base = run_policy_gradient(mdp, meth, 200)
        same = run_policy_gradient(mdp, meth, 200, mutation={"sign": 1.0, "step_decay": 0.0,
                                                             "baseline": 1.0})
        assert np.array_equal(base.gaps, same.gaps) and np.array_equal(base.theta, same.theta)
        down = run_policy_gradient(mdp, meth, 200, mutation={"sign": -1.0})
        assert down.gaps[-1] > down.gaps[0] > base.gaps[-1]
    # NPG without the baseline adds V(s)/(1-gamma) to every logit of s: the same policies
    a = run_policy_gradient(mdp, "npg", 50)
    b = run_policy_gradient(mdp, "npg", 50, mutation={"baseline": 0.0})
    assert np.allclose(a.gaps, b.gaps, atol=1e-12) and not np.allclose(a.theta, b.theta)
    # a decaying step makes the first step the paper's and the later ones smaller
    base = run_policy_gradient(mdp, "softmax_pg", 200)
    d = run_policy_gradient(mdp, "softmax_pg", 200, mutation={"step_decay": 1.0})
    assert d.gaps[1] == base.gaps[1] and d.gaps[-1] > base.gaps[-1]
    with pytest.raises(InvalidArgument):
        run_policy_gradient(mdp, "npg", 5, mutation={"baseline": 0.5})


def test_plug_in_defaults_are_bit_identical_and_mutations_bite():
    mdp = pv.mdp.random_mdp(4, 2, gamma=0.8, seed=1, sparse=False)
    base = plug_in(mdp, 500, seed=7)
    same = plug_in(mdp, 500, seed=7, mutation={"sample_fraction": 1.0, "thinning": 1.0,
                                               "pool_actions": 0.0, "argmin": 0.0,
                                               "sample_power": 1.0})
    assert np.array_equal(base.P_hat, same.P_hat) and np.array_equal(base.V_hat, same.V_hat)
    # a tenth of the samples: the empirical model has counts in multiples of 1/50
    tenth = plug_in(mdp, 500, seed=7, mutation={"sample_fraction": 0.1})
    assert np.allclose(tenth.P_hat * 50, np.round(tenth.P_hat * 50))
    assert not np.allclose(base.P_hat * 50, np.round(base.P_hat * 50))
    pooled = plug_in(mdp, 500, seed=7, mutation={"pool_actions": 1.0})
    assert np.array_equal(pooled.P_hat[:, 0], pooled.P_hat[:, 1])
    # argmin plans the worst policy: its value is below every policy's value in P_hat
    worst = plug_in(mdp, 100_000, seed=7, mutation={"argmin": 1.0})
    assert (worst.V_hat <= base.V_star + 0.05).all() and (worst.V_hat < base.V_star - 0.1).any()
    with pytest.raises(InvalidArgument):
        plug_in(mdp, 10, mutation={"sample_fraction": 0.0})
    with pytest.raises(InvalidArgument, match="not known"):
        plug_in(mdp, 10, mutation={"fraction": 0.5})


def test_plug_in_policies_match_the_solver_and_the_binomial_law():
    g = pv.mdp.two_state_gadget(8, 0.1)
    pol, models = plug_in_policies(g, 40, 30, seed=2, return_models=True)
    for i in range(30):
        sol = pv.solvers.average_reward(pv.TabularMDP(models[i], g.R_at(0), layout="sas"),
                                        tol=1e-10)
        if models[i, 1, 0, 0] != models[i, 1, 1, 0]:  # ties: either action is optimal
            assert int(sol.policy[1]) == int(pol[i, 1])
    # P(wrong) of the plug-in on the gadget is exactly a two-binomial probability (ties go
    # to the first maximiser, the right action here): compare with 4000 learners
    t, eps, n = 8.0, 0.1, 60
    p, d = 1 / t, 2 * eps / (t * 0.5 - t * eps)
    k = np.arange(n + 1)
    exact = float(binom.pmf(k, n, p) @ binom.cdf(k - 1, n, p + d))   # X1 < X0
    wrong = float((plug_in_policies(g, n, 4000, seed=3)[:, 1] != 0).mean())
    assert abs(wrong - exact) < 4 * math.sqrt(exact * (1 - exact) / 4000)
    same = plug_in_policies(g, n, 50, seed=5)
    assert np.array_equal(same, plug_in_policies(g, n, 50, seed=5, mutation={"thinning": 1}))
    assert (plug_in_policies(g, n, 200, seed=5, mutation={"argmin": 1})[:, 1] == 1).mean() > 0.5
    with pytest.raises(InvalidType):
        plug_in_policies(g, np.array([1.5, 2.0]), 2)
    with pytest.raises(NotSupported):
        plug_in_policies(pv.mdp.random_mdp(3, 2, gamma=0.9, seed=0), 5, 2)


def test_bernstein_sample_count_bounds_the_exact_error_probability():
    from provable.proofs_checks.claims.tabular import _bernstein_n

    for t in (4, 16, 64):
        eps, level = 0.05, 0.1
        n = int(math.ceil(_bernstein_n(t, eps, level)))
        p, d = 1 / t, 2 * eps / (t * (0.5 - eps))
        k = np.arange(n + 1)
        # wrong (ties counted as wrong): X1 <= X0, X1 ~ Bin(n, p + d) the worse action
        p_wrong = float(binom.pmf(k, n, p) @ binom.cdf(k, n, p + d))
        assert p_wrong <= level
        # and it is within a small factor of the least such n
        assert float(binom.pmf(np.arange(n // 4 + 1), n // 4, p)
                     @ binom.cdf(np.arange(n // 4 + 1), n // 4, p + d)) > level


def test_mdvi_and_sampler_defaults_are_bit_identical_and_mutations_bite():
    mdp = pv.mdp.random_mdp(4, 2, gamma=0.8, seed=0, sparse=False)
    a = mdvi(mdp, 30, 10, seed=1)
    b = mdvi(mdp, 30, 10, seed=1, mutation={"sample_power": 1.0, "pool_actions": 0.0,
                                             "alpha_sign": 1.0, "kappa_in_beta": 1.0})
    assert np.array_equal(a.v, b.v) and np.array_equal(a.policy, b.policy)
    for key, val in (("alpha_sign", -1.0), ("kappa_in_beta", 0.0), ("pool_actions", 1.0)):
        assert not np.allclose(mdvi(mdp, 30, 10, seed=1, mutation={key: val}).v, a.v), key
    p = df.markov_joint(6, 0.2)
    groups = df.random_partition(6, 3, seed=0)
    assert np.array_equal(df.sampler_distribution(p, groups),
                          df.sampler_distribution(p, groups, {"lag": 0, "unconditional": 0}))
    # unconditional draws give the product of marginals: KL = total correlation
    assert abs(df.sampler_kl(p, groups, {"unconditional": 1}) - df.total_correlation(p)) < 1e-12
    # copy family: T groups give (L/T - 1) log 2; a one-group lag gives more
    cp = df.copy_joint(6)
    g3 = df.random_partition(6, 3, seed=1)
    assert abs(df.sampler_kl(cp, g3) - np.log(2)) < 1e-12
    assert df.sampler_kl(cp, g3, {"lag": 1}) > df.sampler_kl(cp, g3) + 0.1
    with pytest.raises(InvalidArgument):
        df.sampler_kl(cp, g3, {"delay": 1})


def test_lstar_planted_runner_replays_lstar_exact_without_a_mutation():
    from provable.automata._claims import lstar_exact
    from provable.proofs_checks.claims.automata import _lstar_planted

    ref = lstar_exact(ns=(10, 20), k=2, seeds=1, seed=np.random.default_rng([4, 0x15, 0]))
    own = _lstar_planted([10, 20], 2, np.random.default_rng([4, 0x15, 0]), "none")
    assert own["mean_mq"] == ref["mean_mq"] and own["non_isomorphic"] == 0


def test_generative_first_order_constant_on_a_deterministic_chain_is_zero():
    from provable.proofs_checks.claims.tabular import _first_order_constant

    P = np.zeros((2, 2, 2))
    P[0, :, 1] = P[1, :, 0] = 1.0
    mdp = pv.TabularMDP(P, [[1.0, 0.0], [0.0, 0.5]], gamma=0.9, layout="sas")
    assert _first_order_constant(mdp, 1000, np.random.default_rng(0)) == 0.0
    # rewards in [0, 1], gamma = 1/2: sd <= span(V*) / 2 <= 1 and the rows of
    # gamma (I - gamma P)^-1 sum to 1, so the constant is at most E max_i |Z_i| < 2
    r = pv.mdp.random_mdp(3, 2, gamma=0.5, seed=0, sparse=False)
    c = _first_order_constant(r, 20000, np.random.default_rng(0))
    assert 0 < c < 2


# ---------------------------------------------------------------- easiest member
def _curves(expo: float, scale: float = 1.0):
    """Cumulative regrets ``scale * k^expo`` with 5 % lognormal noise per seed."""
    def run(A, H, g, K, seeds):
        rng = np.random.default_rng(int(seeds[0]) + int(1000 * expo))
        k = np.arange(1, K + 1, dtype=float)
        return scale * k ** expo * rng.lognormal(0.0, 0.05, (seeds.size, 1))
    return run


_EASY = {"A": 4, "H": 5, "long_gap": 0.5, "long_K": 20000, "long_K_min": 200, "long_points": 6,
         "long_seeds": 8}


def test_easy_member_check_violates_a_t07_member_and_keeps_a_sqrt_member():
    from provable.proofs_checks._verdict import Verdict
    from provable.proofs_checks.claims.rl import _easy_member_check

    def stub():
        return Verdict(claim="", status="holds", reason="envelope below 0.6")

    linear = _curves(1.0, 0.5)
    bad = _easy_member_check(stub(), _EASY, 0, _curves(0.7), linear)
    assert bad.status == "violated" and "easiest member (gap 0.5" in bad.reason
    assert bad.data["easy_member"]["status"] == "violated"
    assert abs(bad.data["easy_member"]["measured"] - 0.7) < 0.02
    good = _easy_member_check(stub(), _EASY, 0, _curves(0.5, 3.0), linear)
    assert good.status == "holds" and good.data["easy_member"]["status"] == "holds"
    assert good.data["easy_member"]["K"][-1] == 20000
    # a violated envelope stays violated whatever the easy member says
    v = Verdict(claim="", status="violated", reason="envelope above 0.6")
    assert _easy_member_check(v, _EASY, 0, _curves(0.5, 3.0), linear).status == "violated"
    # without the long-run parameters the verdict is returned untouched
    assert _easy_member_check(stub(), {"A": 4, "H": 5}, 0, _curves(0.7), linear).reason == \
        "envelope below 0.6"
    # long_A / long_H choose the member (and T = K H uses its horizon)
    seen = []
    _easy_member_check(stub(), {**_EASY, "long_A": 2, "long_H": 2}, 0,
                       lambda *a: seen.append(a[:2]) or _curves(0.5, 3.0)(*a), linear)
    assert seen == [(2, 2)]


def test_episodic_claims_register_the_easy_member_in_both_budgets():
    for cid in ("ucbvi.regret", "qlearning_ucb_h.regret", "actor_critic.regret"):
        c = pc.get_claim(cid)
        for b in ("quick", "full"):
            p = c.params(b)
            # the easy member is a member of the family (base + gap <= 1) and is run
            # longer than the family
            assert p["long_gap"] >= max(p["gaps"]) and 0.5 + p["long_gap"] <= 1.0
            assert p["long_K"] >= 6 * p["K"] and p["long_seeds"] >= 8
        assert "easiest member" in c.design


def test_pg_fisher_gap_at_fixed_budget_kills_a_step_that_never_travels():
    c = pc.get_claim("pg.fisher_nondegenerate")
    p = {**c.params("quick"), "iters": 3000, "seeds": 16, "groups": 4}
    v = c.experiment({**p, "step_scale": 0.01}, 0)
    # the gap stays near J* - J(k_0) ~ 1.4: exponent ~ 0, far above -1/2.5 + 0.036
    assert v.status == "violated"
    parts = {d["label"].split(" ")[0]: d["status"] for d in v.data["parts"]}
    assert parts == {"N-PG-IGT": "violated", "N-HARPG": "violated"}
    base = c.experiment(p, 0)
    gap_parts = [d for d in base.data["parts"] if "exact gap" in d["label"]]
    # the paper's schedule is not refuted by the same statistic at the same budget
    assert len(gap_parts) == 2 and all(d["status"] != "violated" for d in gap_parts)


def test_mdvi_isqrt_mutant_uses_floor_sqrt_m_samples():
    # with sample_power 0.5 and m = 100, MDVI draws exactly 10 samples per pair: the
    # same bits as the unmutated run with m = 10 from the same generator state
    mdp = pv.mdp.random_mdp(3, 2, gamma=0.8, seed=2, sparse=False)
    a = mdvi(mdp, 20, 100, seed=4, mutation={"sample_power": 0.5})
    b = mdvi(mdp, 20, 10, seed=4)
    assert np.array_equal(a.v, b.v)
    assert not np.array_equal(a.v, mdvi(mdp, 20, 100, seed=4).v)
