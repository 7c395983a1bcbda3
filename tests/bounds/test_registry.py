"""Every registry entry: parses, cites, evaluates, and has the stated exponent."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import sympy as sp

from provable import bounds
from provable.errors import ProvableError, UnknownName

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"  # ../shared beside the repo

# Rate ids other packages rely on (issue 3).
REQUIRED_IDS = [
    "ucb1.regret", "moss.regret", "klucb.regret", "lai_robbins.lower", "exp3.regret",
    "bandit.minimax_lower", "oful.regret", "ucbvi.regret", "ucbvi.lower",
    "qlearning_ucb_h.regret", "qlearning_ucb_b.regret", "lsvi_ucb.regret",
    "generative.minimax", "ogd.regret", "hedge.regret", "softmax_pg.convergence",
    "npg.convergence", "vi.iterations", "pi.iterations", "lstar.equivalence_queries",
    "lstar.membership_queries", "kv.queries", "bon.kl", "avg_reward.tmix",
    "avg_reward.tmix_prior", "avg_reward.tmix_lower", "nash_mp.kl", "optimistic_omd.gap",
    "hedge_selfplay.gap", "sea.regret", "banker_omd.regret", "unbounded_oco.regret",
    "dueling_rl.regret", "actor_critic.regret", "demo_reg.sample_complexity", "pg.n_pg_igt",
    "pg.harpg", "pg.prior", "apg.convergence", "general_utility.global",
    "general_utility.stationary", "adv_linear_mdp.regret", "diffusion_lm.kl",
    "mdvi.sample_complexity",
]

R = sp.Rational
# (variable, exponent, power of the log factor) as stated in the papers, typed by hand.
# For epsilon/delta the regime is x -> 0; for gamma the power is that of 1/(1 - gamma).
STATED = {
    "ucb1.regret": ("T", 0, 1),                      # 8 sum ln T / Delta_i
    "ucb1.regret_gap_free": ("T", R(1, 2), R(1, 2)),  # sqrt(K T ln T)
    "moss.regret": ("T", R(1, 2), 0),                # 49 sqrt(nK)
    "klucb.regret": ("T", 0, 1),
    "lai_robbins.lower": ("T", 0, 1),
    "exp3.regret": ("T", R(1, 2), 0),
    "bandit.minimax_lower": ("T", R(1, 2), 0),
    "oful.regret": ("T", R(1, 2), 1),
    "linear_bandit.lower": ("T", R(1, 2), 0),
    "banker_omd.regret": ("T", R(1, 2), 0),
    "banker_omd.regret_nodelay": ("T", R(1, 2), 0),
    "banker_omd.lower": ("T", R(1, 2), 0),
    "ogd.regret": ("T", R(1, 2), 0),
    "oco.lower": ("T", R(1, 2), 0),
    "hedge.regret": ("T", R(1, 2), 0),
    "sea.regret": ("sigma2", R(1, 2), 0),
    "unbounded_oco.regret": ("T", R(1, 2), 0),
    "optimistic_omd.gap": ("T", -1, 0),
    "hedge_selfplay.gap": ("T", R(-1, 2), 0),
    "efg_local_omd.gap": ("T", R(-1, 2), 0),
    "bon.kl": ("N", 0, 1),                           # log N - (N-1)/N
    "ucbvi.regret": ("T", R(1, 2), 1),
    "ucbvi_ch.regret": ("T", R(1, 2), 1),
    "ucbvi.lower": ("T", R(1, 2), 0),
    "qlearning_ucb_h.regret": ("T", R(1, 2), R(1, 2)),
    "qlearning_ucb_b.regret": ("T", R(1, 2), R(1, 2)),
    "qlearning.lower": ("T", R(1, 2), 0),
    "generative.minimax": ("epsilon", -2, 0),
    "generative.lower": ("epsilon", -2, 0),
    "mdvi.sample_complexity": ("epsilon", -2, 0),
    "vi.iterations": ("gamma", 1, 1),                # log(1/((1-g) eps)) / (1-g)
    "pi.iterations": ("gamma", 1, 1),                # SA/(1-g) log(1/(1-g))
    "dueling_rl.regret": ("T", R(1, 2), 1),
    "dueling_rl.regret_unknown": ("T", R(1, 2), 0),
    "demo_reg.sample_complexity": ("epsilon", -2, 0),
    "layered.sample_complexity": ("epsilon", -2, 0),
    "layered.minimax": ("epsilon", -2, 0),
    "avg_reward.tmix": ("t_mix", 1, 0),
    "avg_reward.tmix_prior": ("t_mix", 2, 0),
    "avg_reward.tmix_lower": ("t_mix", 1, 0),
    "lsvi_ucb.regret": ("T", R(1, 2), 1),
    "adv_linear_mdp.regret": ("K", R(3, 4), 0),
    "adv_linear_mdp.regret_inefficient": ("K", R(1, 2), 0),
    "adv_linear_mdp.sherman": ("K", R(6, 7), 0),
    "adv_linear_mdp.prior": ("K", R(14, 15), 0),
    "adv_linear_mdp.simulator": ("K", R(2, 3), 0),
    "demo_reg.linear": ("epsilon", -2, 0),
    "softmax_pg.convergence": ("t", -1, 0),
    "npg.convergence": ("T", -1, 0),
    "pg.n_pg_igt": ("epsilon", R(-5, 2), 0),
    "pg.harpg": ("epsilon", -2, 0),
    "pg.prior": ("epsilon", -3, 0),
    "apg.convergence": ("T", -1, 0),
    "apg.sample_complexity": ("epsilon", -1, 0),
    "general_utility.global": ("epsilon", -2, 0),
    "general_utility.stationary": ("epsilon", -3, 0),
    "general_utility.linear": ("epsilon", -4, 0),
    "actor_critic.regret": ("T", R(1, 2), 0),
    "actor_critic.sample_complexity": ("epsilon", -2, 0),
    "actor_critic.offline_requirement": ("epsilon", -2, 0),
    "lstar.equivalence_queries": ("n", 1, 0),
    "lstar.membership_queries": ("n", 2, 0),
    "kv.queries": ("n", 2, 0),
    "kv.equivalence_queries": ("n", 1, 0),
    "diffusion_lm.kl": ("T", -1, 0),
    "diffusion_lm.lower": ("T", -1, 0),
    "dynamic_submodular.ratio": ("epsilon", 0, 0),
    "mixing_predictions.ratio": ("ell", 2, 0),
    "mixing_predictions.lower": ("ell", 2, 0),
    "gateloop.recurrent": ("l", 1, 0),
    "gateloop.parallel": ("l", 1, 1),
    "gateloop.attention": ("l", 2, 0),
}
EXPONENTIAL = {"nash_mp.kl": "N"}

ALL = bounds.all()
IDS = [r.id for r in ALL]


def test_registry_size_and_required_ids():
    assert len(ALL) >= 40
    assert len(set(IDS)) == len(IDS)
    missing = [i for i in REQUIRED_IDS if i not in IDS]
    assert missing == []


def test_every_entry_has_a_stated_exponent():
    assert sorted(IDS) == sorted([*STATED, *EXPONENTIAL])


@pytest.mark.parametrize("rate", ALL, ids=IDS)
def test_entry_is_well_formed(rate):
    assert isinstance(rate.expr, sp.Expr)
    assert isinstance(rate.citation, bounds.Citation)
    assert rate.citation.title
    assert rate.citation.origin in ("seed", "reference")
    if rate.citation.origin == "reference":
        assert rate.citation.authors and rate.citation.year
    else:
        assert rate.citation.seed_file and rate.citation.seed_text
    assert rate.main_var in rate.variables
    assert rate.convention
    if rate.constants == "hidden":
        assert rate.explicit is None or rate.forms
    if rate.lower_bound is not None:
        lo = bounds.get(rate.lower_bound)
        assert lo.kind == "lower"
    for form in rate.form_names():
        vals = {n: rate.typical[n] for n in rate._form_vars(form)}
        v = rate.evaluate(form=form, **vals)
        assert isinstance(v, float) and math.isfinite(v) and v > 0, (form, v)


@pytest.mark.parametrize("rid", sorted(STATED))
def test_stated_exponent(rid):
    var, power, log_power = STATED[rid]
    g = bounds.get(rid).growth(var)
    assert g.power == power
    assert g.log_power == log_power


def test_polylog_reported_not_dropped():
    r = bounds.get("ucbvi.regret")
    assert r.exponent("T") == sp.Rational(1, 2)
    assert r.polylog == sp.log(sp.Symbol("T", positive=True))
    assert r.text().startswith("Õ(")


def test_exponential_rate_says_so():
    r = bounds.get("nash_mp.kl")
    assert r.exponent("N") == -sp.oo
    assert r.growth("N").log_power is None
    # (1 + 2 beta)^(-N/2): d log f / dN = -log(1 + 2 beta)/2; beta = 1 gives -log(3)/2
    assert sp.simplify(r.decay_rate("N", beta=1) + sp.log(3) / 2) == 0


def test_seed_entries_quote_the_seed_files_verbatim():
    if not SEEDS.is_dir():
        pytest.skip("seed files not available")
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    seeds = [r for r in ALL if r.citation.origin == "seed"]
    assert len(seeds) >= 25
    for r in seeds:
        for f in r.citation.seed_file.split(","):
            assert f in texts, (r.id, f)
            assert r.citation.seed_text in texts[f], (r.id, f)


# Scrape damage table of CLAIMS.md: the seed string lost a symbol, `restored` puts it back.
RESTORED = {
    "actor_critic.regret": ("accompanying T regret", "√T"),
    "unbounded_oco.regret": ("O(G|u|T+L|u|^{2}T)", "√T"),
    "dueling_rl.regret": ("log (T / delta) T", "√T"),
    "dueling_rl.regret_unknown": ("(d + H^2 + |S|)dT", "√(dT)"),
    "banker_omd.regret": ("O(KL(sqrt T+sqrt D))", "√K·L(√T+√D)"),
    "banker_omd.regret_nodelay": ("O(KTL)", "√(KT)·L"),
    "banker_omd.lower": ("Omega(KTL)", "Ω(√(KT)·L)"),
    "sea.regret": ("O(sigma_{1:T^2}+Sigma_{1:T^2})", "√σ²_{1:T}"),
    "adv_linear_mdp.regret": ("K^{3{4}}", "K^{3/4}"),
    "adv_linear_mdp.regret_inefficient": ("mathcal{O}left(Kright)", "√K"),
    "dynamic_submodular.ratio": ("1{2}-epsilon", "1/2 − ε"),
}


@pytest.mark.parametrize("rid", sorted(RESTORED))
def test_scrape_damage_is_restored(rid):
    c = bounds.get(rid).citation
    damaged, fixed = RESTORED[rid]
    assert damaged in c.seed_text
    assert c.restored and fixed in c.restored


def test_reference_entries_are_marked():
    for rid in ["ucb1.regret", "moss.regret", "ucbvi.regret", "lsvi_ucb.regret", "bon.kl",
                "vi.iterations", "lstar.membership_queries"]:
        assert bounds.get(rid).citation.origin == "reference"
    assert bounds.get("ucbvi.regret").citation.arxiv == "1703.05449"
    assert bounds.get("qlearning_ucb_h.regret").citation.arxiv == "1807.03765"


def test_unknown_id_suggests_nearest():
    with pytest.raises(UnknownName, match="ucbvi.regret") as e:
        bounds.get("ucbvi.regre")
    assert isinstance(e.value, ProvableError) and isinstance(e.value, KeyError)
    with pytest.raises(UnknownName, match="Did you mean"):
        bounds.get("avg_reward.tmx")


def test_search_filters():
    ids = [r.id for r in bounds.search(setting="average-reward MDP")]
    assert ids == ["avg_reward.tmix", "avg_reward.tmix_prior", "avg_reward.tmix_lower"]
    lows = bounds.search(setting="bandit", kind="lower")
    assert {r.id for r in lows} >= {"lai_robbins.lower", "bandit.minimax_lower"}
    assert all(r.kind == "lower" for r in lows)
    assert [r.id for r in bounds.search(text="mirror prox")] == ["nash_mp.kl"]
    assert {r.id for r in bounds.search(quantity="query complexity")} == {
        "lstar.equivalence_queries", "lstar.membership_queries", "kv.queries",
        "kv.equivalence_queries"}
    assert all(r.citation.origin == "seed" for r in bounds.search(origin="seed"))
    with pytest.raises(UnknownName, match="Did you mean 'bandit'"):
        bounds.search(setting="bandits")
    with pytest.raises(UnknownName, match="kind='uper'"):
        bounds.search(kind="uper")
