"""Provenance of the rate registry and of the claims' citations, entry by entry.

The tables below are taken from the papers: the order notation each paper states for the
bound (``Otilde`` where it writes Õ, ``O`` where it writes O, ...) and the paper's arXiv
identifier (``None`` where the paper has no arXiv version: journal papers, books and
conference papers of the 1980s-2000s, or where no arXiv version could be matched to the
title). A new rate or claim must be added here with its source's notation and id.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from provable import bounds
from provable import proofs_checks as pc

SEEDS = Path(os.environ.get("PROVABLE_SEEDS",
                            Path(__file__).resolve().parents[3] / "shared" / "seeds"))

# rate id -> (notation, arXiv id)
RATES: dict[str, tuple[str, str | None]] = {
    # Auer, Cesa-Bianchi, Fischer 2002 (Machine Learning); Audibert, Bubeck 2009 (COLT)
    "ucb1.regret": ("O", None),
    "ucb1.regret_gap_free": ("O", None),
    "moss.regret": ("O", None),
    "klucb.regret": ("O", "1102.2490"),                      # Garivier, Cappé 2011
    "lai_robbins.lower": (">=", None),                        # Lai, Robbins 1985
    # Auer, Cesa-Bianchi, Freund, Schapire 2002 (SIAM J. Comput.)
    "exp3.regret": ("O", None),
    "bandit.minimax_lower": ("Omega", None),
    "oful.regret": ("Otilde", None),                          # Abbasi-Yadkori et al. 2011
    "linear_bandit.lower": ("Omega", None),                   # Dani, Hayes, Kakade 2008
    # Huang, Dai, Huang 2023
    "banker_omd.regret": ("Otilde", "2301.10500"),
    "banker_omd.regret_nodelay": ("Otilde", "2301.10500"),
    "banker_omd.lower": ("Omega", "2301.10500"),
    "ogd.regret": ("O", None),                                # Zinkevich 2003
    "oco.lower": ("Omega", None),                             # Abernethy et al. 2008
    "hedge.regret": ("O", None),                              # Cesa-Bianchi, Lugosi 2006
    "sea.regret": ("O", "2302.04552"),                        # Chen, Tu, Zhao, Zhang 2023
    "unbounded_oco.regret": ("Otilde", "2306.04923"),         # Jacobsen, Cutkosky 2023
    # Zhang, Yu, Ge, Song, Zeng, Mi, Jiang, Yu 2025 (ONPO)
    "optimistic_omd.gap": ("O", "2502.16852"),
    "hedge_selfplay.gap": ("O", "2502.16852"),
    # Fiegel, Ménard, Kozuno, Munos, Perchet, Valko 2023: Õ(T^{-1/2})
    "efg_local_omd.gap": ("Otilde", "2309.00656"),
    "nash_mp.kl": ("O", "2505.19731"),                        # Tiapkin et al. 2025
    "bon.kl": ("<=", "2009.01325"),                           # Stiennon et al. 2020
    # Azar, Osband, Munos 2017
    "ucbvi.regret": ("Otilde", "1703.05449"),
    "ucbvi_ch.regret": ("Otilde", "1703.05449"),
    "ucbvi.lower": ("Omega", "1703.05449"),
    # Jin, Allen-Zhu, Bubeck, Jordan 2018
    "qlearning_ucb_h.regret": ("Otilde", "1807.03765"),
    "qlearning_ucb_b.regret": ("Otilde", "1807.03765"),
    "qlearning.lower": ("Omega", "1807.03765"),
    # Azar, Munos, Kappen 2013 (Machine Learning 91(3)): O(N log(N/delta)/((1-g)^3 eps^2))
    "generative.minimax": ("Otilde", None),
    "generative.lower": ("Omega", None),
    "mdvi.sample_complexity": ("Otilde", "2205.14211"),       # Kozuno et al. 2022
    "vi.iterations": ("O", None),                             # Puterman 1994
    "pi.iterations": ("O", "1306.0386"),                      # Scherrer 2016
    # Pacchiano, Saha, Lee 2021: Õ for both
    "dueling_rl.regret": ("Otilde", "2111.04850"),
    "dueling_rl.regret_unknown": ("Otilde", "2111.04850"),
    # Tiapkin, Belomestny, Calandriello, Moulines, Naumov, Perrault, Valko, Ménard 2023
    "demo_reg.sample_complexity": ("Otilde", "2310.17303"),
    "demo_reg.linear": ("Otilde", "2310.17303"),
    # Chen, Tirinzoni, Lazaric, Pirotta 2023
    "layered.sample_complexity": ("Otilde", "2302.03789"),
    "layered.minimax": ("Otilde", "2302.03789"),
    # Wang, Blanchet, Glynn 2024 (the prior t_mix^2 bound quoted: Jin & Sidford 2020)
    "avg_reward.tmix": ("Otilde", "2310.08833"),
    "avg_reward.tmix_prior": ("Otilde", "2310.08833"),
    "avg_reward.tmix_lower": ("Omega", "2310.08833"),
    "lsvi_ucb.regret": ("Otilde", "1907.05388"),              # Jin, Yang, Wang, Jordan 2020
    # Liu, Wei, Zimmert 2024
    "adv_linear_mdp.regret": ("Otilde", "2310.11550"),
    "adv_linear_mdp.regret_inefficient": ("Otilde", "2310.11550"),
    # Sherman, Koren, Mansour 2023
    "adv_linear_mdp.sherman": ("Otilde", "2301.13087"),
    "adv_linear_mdp.prior": ("Otilde", "2301.13087"),
    "adv_linear_mdp.simulator": ("Otilde", "2301.13087"),
    "softmax_pg.convergence": ("O", "2005.06392"),            # Mei et al. 2020
    "npg.convergence": ("O", "1908.00261"),                   # Agarwal et al. 2021
    # Fatkhullin, Barakat, Kireeva, He 2023: Õ for all three
    "pg.n_pg_igt": ("Otilde", "2302.01734"),
    "pg.harpg": ("Otilde", "2302.01734"),
    "pg.prior": ("Otilde", "2302.01734"),
    # Hao, Lu, Liang, Zhou, Mou 2023: O(1/T), O(1/epsilon)
    "apg.convergence": ("O", "2305.15193"),
    "apg.sample_complexity": ("O", "2305.15193"),
    # Barakat, Fatkhullin, He 2023: Õ for all three
    "general_utility.global": ("Otilde", "2306.01854"),
    "general_utility.stationary": ("Otilde", "2306.01854"),
    "general_utility.linear": ("Otilde", "2306.01854"),
    # Tan, Fan, Wei 2025
    "actor_critic.regret": ("Otilde", "2505.03710"),
    "actor_critic.sample_complexity": ("O", "2505.03710"),
    "actor_critic.offline_requirement": (">=", "2505.03710"),
    # Angluin 1987 (Inf. Comput.); Kearns, Vazirani 1994 (book)
    "lstar.equivalence_queries": ("O", None),
    "lstar.membership_queries": ("O", None),
    "kv.queries": ("O", None),
    "kv.equivalence_queries": ("O", None),
    # Li, Cai 2025
    "diffusion_lm.kl": ("O", "2505.21400"),
    "diffusion_lm.lower": ("Omega", "2505.21400"),
    # Banihashem et al. 2023 (ICML): no arXiv version matched to the title
    "dynamic_submodular.ratio": (">=", None),
    # Antoniadis, Coester, Eliáš, Polak, Simon 2023
    "mixing_predictions.ratio": ("O", "2304.01781"),
    "mixing_predictions.lower": ("Omega", "2304.01781"),
    # Katsch 2023
    "gateloop.recurrent": ("O", "2311.01927"),
    "gateloop.parallel": ("O", "2311.01927"),
    "gateloop.attention": ("O", "2311.01927"),
}

# claim id -> arXiv id of the paper its citation names
CLAIMS: dict[str, str | None] = {
    "actor_critic.regret": "2505.03710",
    "alignment.bon_equals_klrl": "2404.01730",         # Yang et al. 2024
    "apg.rate": "2305.15193",
    "assd.exact": "2504.20456",                        # Guo, Ermon 2025
    "avg_reward.tmix_sample_complexity": "2310.08833",
    "banker_omd.delayed": "2301.10500",
    "banker_omd.regret": "2301.10500",
    "banker_omd.scale_invariance": "2301.10500",
    "bon.kl_bound": "2401.01879",                      # Beirami et al. 2024
    "bounded_context.finite_automaton": "2301.04589",  # Schuurmans 2023
    "coverage.dpo_vs_online": "2406.01462",            # Song et al. 2024
    "demo_reg.rate": "2310.17303",
    "diffusion_lm.kl_rate": "2505.21400",
    "efg.local_omd": "2309.00656",                     # Fiegel et al. 2023
    "dpo.implicit_q": "2405.21046",                    # Xie et al. 2024
    "dual_rl.lp_duality": "2302.08560",                # Sikchi et al. 2023
    "dueling_rl.regret": "2111.04850",
    "entropy.covariance": "2505.22617",                # Cui et al. 2025
    "exp3.minimax": None,
    "gdc.ebm": "2012.11635",                           # Khalifa et al. 2021
    "general_utility.pg": "2306.01854",
    "generative.minimax": None,
    "grpo.unsampled_tokens": "2602.05548",             # Yu et al. 2026
    "implicit_ftrl.recovers": "2306.00201",            # Chen, Orabona 2023
    "kl_rl.bayes_posterior": "2205.11275",             # Korbak et al. 2022
    "klucb.lai_robbins": "1102.2490",
    "lm.markov_chain": "2410.02724",                   # Zekri et al. 2024
    "lrnn.parity_negative_eigs": "2411.12537",         # Grazzi et al. 2025
    "gateloop.mode_costs": "2311.01927",               # Katsch 2023
    "gateloop.modes": "2311.01927",
    "lssl.recurrence_equals_convolution": "2110.13985",  # Gu et al. 2021
    "lstar.exact": None,                               # Angluin 1987
    "lsvi_ucb.regret": "1907.05388",
    "mdvi.generative": "2205.14211",
    "moss.minimax": None,
    "nash_mp.last_iterate": "2505.19731",
    "npg.convergence": "1908.00261",
    "oful.regret": None,
    "optimistic_omd.duality_gap": "2502.16852",
    "pg.fisher_nondegenerate": "2302.01734",
    "psm.affine_occupancies": "2411.19418",            # Agarwal et al. 2024
    "qlearning_ucb_h.regret": "1807.03765",
    "radd.concrete_score": "2406.03736",               # Ou et al. 2024
    "radd.elbo_ao_arm": "2406.03736",
    "sea.optimistic_omd": "2302.04552",
    "self_play.minimax_winner": "2401.04056",          # Swamy et al. 2024
    "softmax_pg.convergence": "2005.06392",
    "ssm.diagonal_commutative": "2412.19350",          # Terzić et al. 2025
    "ucb1.explicit_bound": None,
    "ucb1.log_regret": None,
    "ucbvi.regret": "1703.05449",
    "unbounded_oco.regret": "2306.04923",
    "vi.iterations": None,
}

# Claims whose rate is stated in another paper than the one the claim checks; the reason
# says which (every other claim cites exactly its rate's paper).
OTHER_PAPER = {
    "bon.kl_bound": "the formula (bon.kl) is Stiennon et al. 2020; the upper bound it checks "
                    "is Beirami et al. 2024, named in the rate's note",
    "self_play.minimax_winner": "hedge_selfplay.gap is the previous O(T^-1/2) result quoted "
                                "by Zhang et al. 2025; the self-play reduction it checks is "
                                "Swamy et al. 2024",
}

ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}")


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def _claims() -> dict[str, pc.Claim]:
    return {c.id: c for c in pc.catalogue()}


def _seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8", errors="replace")
            for p in SEEDS.glob("*.txt")}


def test_the_tables_cover_the_registry_and_the_catalogue():
    assert sorted(RATES) == sorted(r.id for r in bounds.all())
    assert sorted(CLAIMS) == sorted(_claims())


@pytest.mark.parametrize("rid", sorted(RATES))
def test_rate_notation_and_arxiv_match_the_paper(rid):
    r = bounds.get(rid)
    notation, arxiv = RATES[rid]
    assert r.notation == notation, (rid, r.notation)
    assert r.citation.arxiv == arxiv, (rid, r.citation.arxiv)


@pytest.mark.parametrize("cid", sorted(CLAIMS))
def test_claim_arxiv_matches_the_paper(cid):
    assert _claims()[cid].citation.arxiv == CLAIMS[cid]


def test_arxiv_ids_are_well_formed():
    cits = [r.citation for r in bounds.all()] + [c.citation for c in pc.catalogue()]
    for c in cits:
        assert c.arxiv is None or ARXIV_ID.fullmatch(c.arxiv), (c.title, c.arxiv)


@pytest.mark.parametrize("rid", sorted(RATES))
def test_tilde_in_the_source_is_kept(rid):
    """A seed string that shows a tilde, or a restoration that writes Õ, goes with an
    Õ/Ω̃ rate; a restoration never shows a plain O where the notation is Õ."""
    r = bounds.get(rid)
    c = r.citation
    tilde = "Otilde" if r.kind != "lower" else "Omegatilde"
    if c.seed_text and re.search(r"tilde ?\{?O", c.seed_text):
        assert r.notation == tilde, rid
    if c.restored and "Õ" in c.restored:
        assert r.notation == tilde, rid


def test_a_paper_is_cited_the_same_way_everywhere():
    seen: dict[str, tuple] = {}
    cits = [(r.id, r.citation) for r in bounds.all()] + \
           [(c.id, c.citation) for c in pc.catalogue()]
    for ident, c in cits:
        key = _norm(c.title)
        val = (c.authors, c.year, c.arxiv)
        first = seen.setdefault(key, (ident, val))
        assert first[1] == val, (c.title, first, (ident, val))
        assert c.authors, (ident, "no authors")
        assert c.year, (ident, "no year")


@pytest.mark.parametrize("cid", sorted(c.id for c in pc.catalogue() if c.rate_id))
def test_claim_citation_agrees_with_its_rate(cid):
    c = _claims()[cid]
    rc, cc = bounds.get(c.rate_id).citation, c.citation
    same = (_norm(rc.title), rc.authors, rc.year, rc.arxiv) == \
           (_norm(cc.title), cc.authors, cc.year, cc.arxiv)
    if cid in OTHER_PAPER:
        assert not same, f"{cid} now cites its rate's paper: drop it from OTHER_PAPER"
    else:
        assert same, (cid, (rc.authors, rc.year, rc.arxiv), (cc.authors, cc.year, cc.arxiv))


def _seeded():
    out = [("rate", r.id, r.citation) for r in bounds.all() if r.citation.seed_file]
    out += [("claim", c.id, c.citation) for c in pc.catalogue() if c.citation.seed_file]
    return out


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed documents are not at {SEEDS}")
@pytest.mark.parametrize("kind,ident,cit", _seeded(), ids=[f"{k}:{i}" for k, i, _ in _seeded()])
def test_seed_files_named_are_the_files_with_the_paper(kind, ident, cit):
    """A seed paper's title occurs (case and whitespace aside) in every seed file it names,
    and every seed file that holds its title and seed string is named. A reference result
    quoted from a seed paper (origin 'reference') needs only its seed string there."""
    texts = _seed_texts()
    named = [f.strip() for f in cit.seed_file.split(",")]
    for f in named:
        assert f in texts, (ident, f)
        text = _norm(texts[f])
        assert _norm(cit.seed_text) in text, (ident, f, "seed string")
        if cit.origin == "seed":
            assert _norm(cit.title) in text, (ident, f, "title")
    if cit.origin == "seed":
        holding = sorted(f for f, t in texts.items()
                         if _norm(cit.title) in _norm(t) and _norm(cit.seed_text) in _norm(t))
        assert holding == sorted(named), (ident, named, holding)
