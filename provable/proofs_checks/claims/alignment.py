"""Claims on RLHF / alignment closed forms: best-of-N, KL-regularised RL, GDC's EBM,
coverage of DPO vs online RL, entropy dynamics."""

from __future__ import annotations

import numpy as np

from provable.bounds._citation import Citation
from provable.learners.alignment import (
    best_of_n_kl,
    best_of_n_kl_bound,
    bon_vs_klrl_memoryless,
    dpo_minimizers,
    dpo_population_loss,
    ebm_moment_match,
    entropy_change,
    kl_regularized_objective,
    kl_tilt,
    min_kl_cvxpy,
)
from provable.proofs_checks._claim import (
    Mutant,
    claim,
    flags_verdict,
    rate_verdict,
    residual_verdict,
)
from provable.proofs_checks._verdict import Verdict

__all__: list[str] = []

S000 = "000_ff426cae8431b65b.txt"
S001 = "001_3c307a0568d472da.txt"
S002 = "002_22a27e65939dd0f4.txt"
S003 = "003_a27811acbdfa868d.txt"
S004 = "004_2412af209b8e3d12.txt"
ASYMPTOTICS = "Asymptotics of Language Model Alignment"


@claim(
    id="bon.kl_bound",
    statement="KL(best-of-N || p) <= log N - (N-1)/N, with equality in the limit of "
              "continuous (all-distinct) rewards.",
    kind="bound_holds",
    rate_id="bon.kl",
    citation=Citation(
        title="Theoretical guarantees on the best-of-n alignment policy",
        authors="Beirami, Agarwal, Berant, D'Amour, Eisenstein, Nagpal, Suresh", year=2024,
        arxiv="2401.01879", origin="reference", seed_file=f"{S000},{S001},{S004}",
        seed_text="Another simple alignment method is best-of-N, where N samples are drawn from "
                  "p and one with highest reward is selected.",
        note="The formula log N - (N-1)/N is from Stiennon et al. (2020); Beirami et al. (2024) "
             "prove it is an upper bound for discrete rewards. The seed text is the use in "
             "'Asymptotics of Language Model Alignment'."),
    budgets={"quick": {"Ns": [2, 4, 16, 64], "instances": 200, "supports": [10, 100, 1000, 10000],
                       "search_examples": 50},
             "full": {"Ns": [2, 3, 4, 8, 16, 64, 256, 1024], "instances": 3000,
                      "supports": [10, 100, 1000, 10000, 100000], "search_examples": 500}},
    design="Exact BoN law on random discrete reward distributions (with ties): KL never above "
           "the bound; on M equal atoms with distinct rewards the gap to the bound decreases "
           "to 0 as M grows (< 1e-2 at the largest M). Control: the wrong bound "
           "log N - 1 (too small by 1/N), which the continuous limit exceeds. Search: "
           "hypothesis over (p, integer rewards in [0, 5], N in [2, 64]) on up to 12 atoms, "
           "KL - bound <= 1e-12; the planted bound log N - 1 must be found and shrunk.",
    expected_seconds={"quick": 1.5, "full": 30.0},
    mutants=(
        Mutant("one_draw_too_many", "N + 1 draws instead of N (off by one): in the "
               "continuous limit KL tends to log(N+1) - N/(N+1), above the bound",
               {"bon": {"draws_offset": 1}}),
        Mutant("one_draw_too_few", "N - 1 draws: the KL stays below the bound but its gap "
               "to it no longer vanishes as the support grows", {"bon": {"draws_offset": -1}}),
        Mutant("ties_to_first", "a tied reward level given wholly to its first response "
               "instead of split in proportion to p: a more concentrated law whose KL can "
               "exceed the bound", {"bon": {"ties": "first"}}),
        Mutant("ties_split_by_count", "a tied level split equally among its responses "
               "instead of in proportion to p: not the best-of-N law",
               {"bon": {"ties": "count"}}),
    ),
)
def _bon_kl(params: dict, seed: int) -> Verdict:
    rng = np.random.default_rng(seed)
    mk = dict(params.get("bon", {}))
    flags, ctrl, worst = [], [], -np.inf
    for _ in range(params["instances"]):
        M = int(rng.integers(2, 40))
        p = rng.dirichlet(np.full(M, rng.choice([0.2, 1.0, 5.0])))
        r = rng.integers(0, max(2, M // 2), size=M).astype(float)   # ties on purpose
        for N in params["Ns"]:
            k, b = best_of_n_kl(p, r, N, **mk), best_of_n_kl_bound(N)
            worst = max(worst, k - b)
            flags.append(k <= b + 1e-12)
    gaps = {}
    for N in params["Ns"]:
        g = [best_of_n_kl_bound(N) - best_of_n_kl(np.full(M, 1.0 / M), np.arange(M, dtype=float),
                                                  N, **mk) for M in params["supports"]]
        gaps[N] = g
        flags.append(bool(np.all(np.diff(g) < 0) and g[-1] < 1e-2))
        kl_cont = best_of_n_kl(np.full(params["supports"][-1], 1.0 / params["supports"][-1]),
                               np.arange(params["supports"][-1], dtype=float), N)
        ctrl.append(kl_cont <= np.log(N) - 1.0 + 1e-12)
    from provable.proofs_checks.claims.searches import with_claim_search

    v = flags_verdict(
        flags, what="KL(BoN || p) <= log N - (N-1)/N on random discrete instances, and the gap "
                    "shrinks to < 1e-2 as the support grows",
        control_flags=ctrl, control_what="wrong bound KL <= log N - 1 on many distinct atoms",
        data={"max_excess_over_bound": worst, "gap_to_bound_by_support":
              {str(k): v for k, v in gaps.items()}, "supports": params["supports"]})
    return with_claim_search(v, "bon.kl_bound", params, seed)


@claim(
    id="alignment.bon_equals_klrl",
    statement="Best-of-N with N = exp(n Delta) is asymptotically equivalent to the "
              "KL-constrained RL solution: their per-token expected rewards agree as n grows.",
    kind="rate_upper",
    citation=Citation(
        title=ASYMPTOTICS, authors="Yang, Salamatian, Sun, Suresh, Beirami", year=2024,
        arxiv="2404.01730", seed_file=f"{S000},{S001},{S004}",
        seed_text="Finally, we show that best-of-N is asymptotically equivalent to KL-constrained "
                  "RL solution by proving that their expected rewards are asymptotically equal, "
                  "and concluding that the two distributions must be close in KL divergence.",
        note="Memoryless LM over 4 tokens, linear reward with integer weights (0, 1, 2, 3), "
             "per-token KL budget Delta = 0.1. The per-token gap is fitted as a power of n after "
             "dividing out one log n (the ln n / n of the large-deviation correction)."),
    budgets={"quick": {"ns": [10, 20, 40, 80, 160, 320, 640], "instances": 8, "delta": 0.1},
             "full": {"ns": [10, 20, 40, 80, 160, 320, 640, 1280, 2560], "instances": 16,
                      "delta": 0.1}},
    design="Exact per-token reward of BoN (log-space convolution of the reward law, "
           "N = e^{n Delta}) vs the per-token tilt of KL-RL; gap/ln n has slope <= -1 + 0.15 in "
           "n. Control: a planted mismatched best-of-N with N = e^{n Delta / 2}, whose gap does "
           "not vanish.",
    expected_seconds={"quick": 1.5, "full": 30.0},
    mutants=(
        Mutant("N_too_small", "N = e^{n Delta / 2}: best-of-N spends half the KL budget, its "
               "per-token reward stays below KL-RL's", {"match": {"log_n_scale": 0.5}}),
        Mutant("N_too_large", "N = e^{2 n Delta}: best-of-N spends twice the budget",
               {"match": {"log_n_scale": 2.0}}),
        Mutant("klrl_budget_x2", "KL-RL solved with budget 2 Delta instead of Delta",
               {"match": {"budget_scale": 2.0}}),
        Mutant("klrl_budget_x0.5", "KL-RL solved with budget Delta / 2",
               {"match": {"budget_scale": 0.5}}),
    ),
)
def _bon_klrl(params: dict, seed: int) -> Verdict:
    rng = np.random.default_rng(seed)
    mk = dict(params.get("match", {}))
    ns, w = params["ns"], np.array([0, 1, 2, 3])
    gaps, ctl = [], []
    for _ in range(params["instances"]):
        p = rng.dirichlet(np.full(4, 2.0))
        gaps.append(np.abs(bon_vs_klrl_memoryless(p, w, ns, params["delta"], **mk)["gap"]))
        ctl.append(np.abs(bon_vs_klrl_memoryless(p, w, ns, params["delta"],
                                                 log_n_scale=0.5)["gap"]))
    return rate_verdict(ns, gaps, expected=-1.0, kind="upper", tol=0.15, var="n", polylog=1.0,
                        seed=seed, control_ys=ctl)


@claim(
    id="kl_rl.bayes_posterior",
    statement="For every policy pi, J_beta(pi) = E_pi r - beta KL(pi || pi0) = beta log Z - "
              "beta KL(pi || pi*) with pi* = pi0 e^{r/beta} / Z: KL-regularised RL is "
              "variational inference of the posterior pi*.",
    kind="identity",
    citation=Citation(
        title="RL with KL penalties is better viewed as Bayesian inference",
        authors="Korbak, Perez, Buckley", year=2022, arxiv="2205.11275", seed_file=S004,
        seed_text="We show that KL-regularised RL is equivalent to variational inference: "
                  "approximating a Bayesian posterior which specifies how to update a prior LM "
                  "to conform with evidence provided by the reward function."),
    budgets={"quick": {"cases": 300, "search_examples": 50},
             "full": {"cases": 20000, "search_examples": 500}},
    design="Random (pi0, pi, r, beta), supports 2..50, beta in [0.05, 20] away from 1: "
           "max |J_beta(pi) - (beta log Z - beta KL(pi||pi*))| <= 1e-9 (relative to 1 + |J|). "
           "Control: the wrong identity without the factor beta on the KL term. Search: "
           "hypothesis over full-support (pi0, pi) on up to 12 atoms, r in [-10, 10], beta in "
           "[0.05, 20]; the planted identity without beta must be found and shrunk.",
    expected_seconds={"quick": 1.5, "full": 45.0},
    mutants=(
        Mutant("tilt_without_beta", "pi* = pi0 e^r / Z (the temperature beta dropped): "
               "log Z and pi* are those of beta = 1", {"tilt": {"beta_power": 0.0}}),
        Mutant("tilt_sign", "pi* = pi0 e^{-r/beta} / Z (a sign error in the tilt)",
               {"tilt": {"reward_sign": -1.0}}),
        Mutant("reverse_kl_objective", "J computed with KL(pi0 || pi) instead of "
               "KL(pi || pi0)", {"objective": {"kl_direction": "reverse"}}),
    ),
)
def _kl_rl(params: dict, seed: int) -> Verdict:
    rng = np.random.default_rng(seed)
    mt, mo = dict(params.get("tilt", {})), dict(params.get("objective", {}))
    res, cres = 0.0, np.inf
    for _ in range(params["cases"]):
        n = int(rng.integers(2, 51))
        p0 = rng.dirichlet(np.ones(n))
        pi = rng.dirichlet(np.full(n, rng.choice([0.3, 1.0, 10.0])))
        r = rng.standard_normal(n) * rng.choice([0.1, 1.0, 10.0])
        beta = float(np.exp(rng.uniform(np.log(0.05), np.log(20))))
        if abs(beta - 1) < 0.2:
            beta += 0.5
        star, logZ = kl_tilt(p0, r, beta, **mt)
        if mt:                                            # the planted tilt's own pi*
            with np.errstate(divide="ignore"):
                log_star = np.log(star)
        else:
            log_star = np.log(p0) + r / beta - logZ      # log pi*, kept in log space
        kl_star = float(pi @ (np.log(pi) - log_star))
        J = kl_regularized_objective(pi, p0, r, beta, **mo)
        scale = 1.0 + abs(J)
        res = max(res, abs(J - (beta * logZ - beta * kl_star)) / scale)
        cres = min(cres, abs(J - (beta * logZ - kl_star)) / scale)
    from provable.proofs_checks.claims.searches import with_claim_search

    v = residual_verdict(res, tol=1e-9, control_residual=cres,
                         what="max relative |J - (beta log Z - beta KL(pi||pi*))|",
                         control_what="wrong identity J = beta log Z - KL(pi||pi*): min "
                                      "relative residual")
    return with_claim_search(v, "kl_rl.bayes_posterior", params, seed)


@claim(
    id="gdc.ebm",
    statement="The distribution of minimal KL to the initial model a under moment constraints "
              "E_q[phi] = mu is the explicit EBM q = a exp(lambda . phi) / Z.",
    kind="identity",
    citation=Citation(
        title="A Distributional Approach to Controlled Text Generation",
        authors="Khalifa, Elsahar, Dymetman", year=2021, arxiv="2012.11635", seed_file=S001,
        seed_text="The optimal target distribution is then uniquely determined as an explicit "
                  "EBM (Energy-Based Model) representation.",
        note="cvxpy (SCS, eps 1e-12) solves min KL(q||a) s.t. moments; lambda is "
             "found by Newton on the convex dual. Compared in max |q_cvx - q_ebm|."),
    budgets={"quick": {"cases": 6, "n": 12, "k": 2}, "full": {"cases": 60, "n": 40, "k": 4}},
    design="Random base distributions a, features phi and feasible moments mu (the moments of "
           "a random full-support q): the cvxpy optimum equals a exp(lambda.phi)/Z to 1e-8. "
           "Control: the wrong identity of a linear tilt a (1 + lambda.phi)/Z matched to the "
           "same moments.",
    expected_seconds={"quick": 1.0, "full": 20.0},
    mutants=(
        Mutant("uniform_base", "the EBM tilts the uniform distribution instead of a: it "
               "matches the moments but is not the minimiser of KL(q || a)",
               {"ebm": {"use_base": False}}),
        Mutant("loose_newton_tolerance", "Newton stopped at a dual gradient of 1e-4: "
               "lambda is not the root, q misses the moments by ~1e-4",
               {"ebm": {"tol": 1e-4}}),
        Mutant("one_newton_step", "a single Newton step from lambda = 0",
               {"ebm": {"max_iter": 1}}),
    ),
)
def _gdc(params: dict, seed: int) -> Verdict:
    rng = np.random.default_rng(seed)
    me = dict(params.get("ebm", {}))
    res, cres = 0.0, np.inf
    n, k = params["n"], params["k"]
    for _ in range(params["cases"]):
        a = rng.dirichlet(np.ones(n))
        phi = rng.standard_normal((n, k))
        mu = rng.dirichlet(np.ones(n)) @ phi
        q_ebm, lam = ebm_moment_match(a, phi, mu, **me)
        q_cvx = min_kl_cvxpy(a, phi, mu)
        res = max(res, float(np.abs(q_cvx - q_ebm).max()))
        # linear tilt a (1 + c . phi_centred) matching the moments (least squares), clipped >= 0
        pc = phi - a @ phi
        Cm = (pc * a[:, None]).T @ phi
        c = np.linalg.lstsq(Cm, mu - a @ phi, rcond=None)[0]
        q_lin = np.maximum(a * (1 + pc @ c), 0)
        q_lin /= q_lin.sum()
        cres = min(cres, float(np.abs(q_cvx - q_lin).max()))
    return residual_verdict(res, tol=1e-8, control_residual=cres,
                            what="max |q_cvxpy - a exp(lambda.phi)/Z|",
                            control_what="wrong identity q = a (1 + lambda.phi)/Z: min max-abs "
                                         "difference")


@claim(
    id="coverage.dpo_vs_online",
    statement="Without global coverage the offline contrastive (DPO) objective has non-unique "
              "minimisers, including ones with large mass on an uncovered bad response; the "
              "KL-regularised online RL optimum is unique and needs only partial coverage.",
    kind="property",
    citation=Citation(
        title="The Importance of Online Data: Understanding Preference Fine-tuning via Coverage",
        authors="Song, Swamy, Singh, Bagnell, Sun", year=2024, arxiv="2406.01462",
        seed_file=f"{S000},{S001},{S002}",
        seed_text="We prove that a global coverage condition is both necessary and sufficient "
                  "for offline contrastive methods to converge to the optimal policy, but a "
                  "weaker partial coverage condition suffices for online RL methods.",
        note="K-armed (single-prompt) population version: preference pairs only among covered "
             "responses with Bradley-Terry labels; the bad response has reward -5 and no data."),
    budgets={"quick": {"cases": 20, "K": 6, "beta": 0.5}, "full": {"cases": 500, "K": 20,
                                                                     "beta": 0.5}},
    design="For random instances: the DPO loss is equal (1e-12) on minimisers with bad-arm mass "
           "0, 0.5 and 0.9 and its gradient in the covered log-ratios vanishes there; the "
           "KL-regularised objective E r - beta KL(pi||pi_ref) is maximised uniquely (it "
           "strictly decreases along the same family) at pi_ref e^{r/beta}/Z whose bad-arm mass "
           "is below pi_ref's. Control: the wrong property that the online objective is also "
           "flat along the DPO minimiser family.",
    expected_seconds={"quick": 0.5, "full": 10.0},
    mutants=(
        Mutant("dpo_temperature_x2", "the DPO minimiser family built with e^{r/(2 beta)}: "
               "the loss is still flat along it, but it is not stationary (not minimisers)",
               {"dpo": {"temperature_scale": 2.0}}),
        Mutant("online_tilt_sign", "the online optimum computed as pi_ref e^{-r/beta} / Z "
               "(sign error): it moves mass onto the bad response",
               {"tilt": {"reward_sign": -1.0}}),
    ),
)
def _coverage(params: dict, seed: int) -> Verdict:
    rng = np.random.default_rng(seed)
    md, mt = dict(params.get("dpo", {})), dict(params.get("tilt", {}))
    K, beta = params["K"], params["beta"]
    flags, ctrl = [], []
    masses = [0.0, 0.5, 0.9]
    for _ in range(params["cases"]):
        ref = rng.dirichlet(np.full(K, 3.0))
        r = rng.uniform(0, 1, K)
        bad = K - 1
        r[bad] = -5.0
        covered = list(range(K - 1))
        pairs = [(i, j) for i in covered for j in covered if i < j]
        wts = rng.dirichlet(np.ones(len(pairs)))
        fam = dpo_minimizers(ref, r, covered, beta, masses, **md)
        losses = [dpo_population_loss(pi, ref, r, pairs, wts, beta) for pi in fam]
        # gradient of the loss in the covered log-ratios h_i at each member (numerical-free)
        gmax = 0.0
        for pi in fam:
            h = beta * (np.log(pi[:-1]) - np.log(ref[:-1]))
            g = np.zeros(K - 1)
            for (i, j), w_ in zip(pairs, wts):
                pr = 1 / (1 + np.exp(-(r[i] - r[j])))
                s = 1 / (1 + np.exp(-(h[i] - h[j])))
                g[i] += w_ * (s - pr)
                g[j] -= w_ * (s - pr)
            gmax = max(gmax, float(np.abs(g).max()))
        star, _ = kl_tilt(ref, r, beta, **mt)
        J = [kl_regularized_objective(pi, ref, r, beta) for pi in fam]
        Jstar = kl_regularized_objective(star, ref, r, beta)
        flags += [max(losses) - min(losses) <= 1e-12, gmax <= 1e-12, fam[-1][bad] >= 0.9 - 1e-12,
                  bool(np.all(np.diff(J) < 0)) and Jstar >= max(J) - 1e-12,
                  star[bad] < ref[bad]]
        ctrl.append(max(J) - min(J) <= 1e-12)
    return flags_verdict(
        flags, what="DPO loss flat (1e-12) and stationary on minimisers with bad-arm mass "
                    "0/0.5/0.9; online KL-regularised optimum unique and safe",
        control_flags=ctrl, control_what="wrong property: the online objective is flat along "
                                         "the DPO minimiser family",
        data={"bad_arm_masses": masses})


@claim(
    id="entropy.covariance",
    statement="Under a logit update z -> z + eta dz of a softmax policy, the entropy change is "
              "-eta Cov_{a~pi}(log pi(a), dz(a)) + O(eta^2).",
    kind="rate_tight",
    citation=Citation(
        title="The Entropy Mechanism of Reinforcement Learning for Reasoning Language Models",
        authors="Cui et al.", year=2025, arxiv="2505.22617", seed_file=f"{S003},{S004}",
        seed_text="Our derivation highlights that, the change in policy entropy is driven by "
                  "the covariance between action probability and the change in logits, which "
                  "is proportional to its advantage when using Policy Gradient-like algorithms.",
        note="Exact softmax bandit; dz is either random or the natural-PG step dz = A (the "
             "advantage), both covered."),
    budgets={"quick": {"etas": list(np.geomspace(1e-4, 1e-1, 7)), "instances": 8, "n": 10},
             "full": {"etas": list(np.geomspace(1e-5, 1e-1, 13)), "instances": 64, "n": 50}},
    design="Random logits z and updates dz (half of them advantages r - E_pi r): residual "
           "|dH + eta Cov(log pi, dz)| has log-log slope 2 +/- 0.1 in eta. Control: the wrong "
           "sign, |dH - eta Cov|, whose slope is 1.",
    expected_seconds={"quick": 0.2, "full": 2.0},
    mutants=(
        Mutant("wrong_sign", "+eta Cov instead of -eta Cov: the residual is 2 eta |Cov|, "
               "slope 1", {"mutation": {"sign": 1.0}}),
        Mutant("uncentred", "E[log pi dz] without subtracting E[log pi] E[dz]: an O(eta) "
               "residual", {"mutation": {"centred": False}}),
        Mutant("half_covariance", "the covariance halved: an O(eta) residual",
               {"mutation": {"scale": 0.5}}),
        Mutant("probability_not_log", "Cov(pi, dz) instead of Cov(log pi, dz): an O(eta) "
               "residual", {"mutation": {"log_prob": False}}),
        Mutant("covariance_at_new_logits", "the covariance taken at z + eta dz instead of z: "
               "it differs by O(eta), so the prediction still has an O(eta^2) residual",
               {"mutation": {"at_new_logits": True}}, equivalent=True),
    ),
)
def _entropy(params: dict, seed: int) -> Verdict:
    rng = np.random.default_rng(seed)
    etas = np.asarray(params["etas"], float)
    ys, cs = [], []
    for i in range(params["instances"]):
        z = rng.standard_normal(params["n"]) * 1.5
        if i % 2:
            rew = rng.standard_normal(params["n"])
            p = np.exp(z - z.max())
            p /= p.sum()
            dz = rew - p @ rew
        else:
            dz = rng.standard_normal(params["n"])
        row, crow = [], []
        for e in etas:
            dH, pred = entropy_change(z, dz, float(e), mutation=params.get("mutation"))
            row.append(abs(dH - pred))
            crow.append(abs(dH + pred))
        ys.append(row)
        cs.append(crow)
    return rate_verdict(etas, ys, expected=2.0, kind="tight", tol=0.1, var="eta", seed=seed,
                        control_ys=cs)
