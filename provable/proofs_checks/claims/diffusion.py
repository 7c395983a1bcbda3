r"""Claims on any-order generative models over enumerable token spaces: absorbing
diffusion's concrete score and losses (RADD) and any-subset speculative decoding (ASSD).

``radd.concrete_score`` (the concrete score is the clean-data conditional times
:math:`e^{-\bar\sigma}/(1 - e^{-\bar\sigma})`), ``radd.elbo_ao_arm`` (the diffusion
loss in its time-independent forms equals the expected any-order autoregressive NLL)
and ``assd.exact`` (ASSD samples the joint exactly, with no more network calls than
tokens predicted). The models are :mod:`provable.learners.generative.any_order`; the
planted mistakes are its ``mutation`` arguments.
"""

from __future__ import annotations

import itertools

import numpy as np

from provable.bounds._citation import Citation
from provable.learners.generative.any_order import (
    ao_arm_nll,
    assd_distribution,
    concrete_scores,
    fixed_order_nll,
    joint_conditionals,
    k_dce,
    lambda_dce,
    loglinear_noise,
    radd_scores,
    random_joint,
    t_dse,
    table_conditionals,
)
from provable.proofs_checks._claim import Mutant, claim, residual_verdict
from provable.proofs_checks._stats import judge_all_true
from provable.proofs_checks._verdict import Verdict
from provable.proofs_checks.claims.online import combine

__all__: list[str] = []

S000 = "000_ff426cae8431b65b.txt"
S001 = "001_3c307a0568d472da.txt"
_RADD_TITLE = ("Your Absorbing Discrete Diffusion Secretly Models the Conditional "
               "Distributions of Clean Data")
_RADD_AUTHORS = "Ou, Nie, Xue, Zhu, Sun, Li, Li"
_RADD_SOURCES = (
    "Forward process: each token independently kept with probability e^{-sigma_bar(t)} "
    "and masked otherwise, sigma_bar(t) = int_0^t sigma(s) ds. Theorem 1 of the paper "
    "(arXiv 2406.03736): for x_t^i = [M] and hat x_t^i != [M], p_t(hat x_t)/p_t(x_t) = "
    "e^{-sigma_bar(t)}/(1 - e^{-sigma_bar(t)}) p_0(hat x_t^i | x_t^UM). The schedule is RADD's log-linear one, "
    "sigma_bar(t) = -log(1 - (1 - eps) t), sigma(t) = (1 - eps)/(1 - (1 - eps) t), eps = "
    "1e-3 (LogLinearNoise in noise_lib.py of the authors' code, ML-GSAI/RADD); the scalar "
    "1/(e^{sigma_bar} - 1) is the one its losses.py applies (esigm1).")

_ASSD_TITLE = ("Reviving Any-Subset Autoregressive Models with Principled Parallel Sampling "
               "and Speculative Decoding")


def _rng(seed: int, *salt: int) -> np.random.Generator:
    return np.random.default_rng([seed, *salt])


# ---------------------------------------------------------------------------
# radd.concrete_score

def _score_residuals(p: np.ndarray, ts: list[float], eps: float,
                     mutation: str | None) -> tuple[float, float]:
    """Largest relative |enumerated - analytic| over every (x_t, i, v) and time, and the
    smallest over times of the largest relative miss of the bare conditional (control)."""
    res, ctrl = 0.0, np.inf
    fwd_mut = mutation if mutation == "mask_prob_swapped" else None
    form_mut = None if mutation == "mask_prob_swapped" else mutation
    for t in ts:
        sb, s = (float(v) for v in loglinear_noise(t, eps))
        lhs = concrete_scores(p, sb, fwd_mut)
        rhs = radd_scores(p, sb, s, form_mut)
        bare = radd_scores(p, sb, s, "bare_conditional")
        r = max(float(np.max(np.abs(a - b) / np.abs(b))) for a, b in zip(lhs, rhs, strict=True))
        c = max(float(np.max(np.abs(a - b) / np.abs(b))) for a, b in zip(lhs, bare, strict=True))
        res, ctrl = max(res, r), min(ctrl, c)
    return res, ctrl


@claim(
    id="radd.concrete_score",
    statement="In absorbing discrete diffusion the concrete score is the clean data's "
              "conditional times an analytic scalar: for x_t^i = [M] and hat x_t equal to "
              "x_t except hat x_t^i = v, p_t(hat x_t)/p_t(x_t) = e^{-sigma_bar(t)}/(1 - "
              "e^{-sigma_bar(t)}) p_0(v | x_t^UM), for every joint p_0, noisy sequence, "
              "masked position, token and time.",
    kind="identity",
    citation=Citation(
        title=_RADD_TITLE, authors=_RADD_AUTHORS, year=2024, arxiv="2406.03736",
        seed_file=f"{S000},{S001}",
        seed_text="In this paper, we reveal that the concrete score in absorbing diffusion "
                  "can be expressed as conditional probabilities of clean data, multiplied "
                  "by a time-dependent scalar in an analytic form.",
        note=_RADD_SOURCES + " Left side: the noised marginal p_t over (V+1)^d computed by "
             "summing the forward kernel over every clean sequence (a tensor product per "
             "position), and the ratio read off it. Right side: the scalar in closed form "
             "times p_0(v | x_t^UM) computed from p_0 by marginalising, context by context."),
    budgets={"quick": {"shapes": [[2, 3], [3, 4], [4, 3], [2, 6]], "joints": 2,
                       "concentration": 0.3, "eps": 1e-3,
                       "ts": [0.001, 0.05, 0.2, 0.45, 0.7, 0.9, 0.999]},
             "full": {"shapes": [[2, 3], [3, 4], [4, 3], [2, 6], [3, 5], [4, 4], [3, 6]],
                      "joints": 6, "concentration": 0.3, "eps": 1e-3,
                      "ts": [1e-4, 0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.7, 0.8,
                             0.9, 0.99, 0.999, 1.0]}},
    design="Random Dirichlet(0.3) joints on V^d for (V, d) in {(2,3), (3,4), (4,3), (2,6)}, "
           "two per shape; times t in {0.001 ... 0.999} on the log-linear schedule "
           "(sigma_bar from 1e-3 to 6.9). Statistic: the largest relative difference between "
           "the enumerated ratio p_t(hat x_t)/p_t(x_t) and e^{-sigma_bar}/(1 - e^{-sigma_bar}) "
           "p_0(v | x_t^UM) over every noisy sequence, masked position, token and time, "
           "<= 1e-12. Control: the bare conditional p_0(v | x_t^UM) (the time-independent "
           "network's output without the scalar), which must miss by more than 1e-12 at "
           "every time (the grid avoids sigma_bar = ln 2, where the scalar is 1).",
    expected_seconds={"quick": 2.5, "full": 110.0},
    mutants=(
        Mutant("scalar_rate", "the scalar evaluated at the rate sigma(t) instead of the total "
               "noise sigma_bar(t) = int_0^t sigma: the two differ except at isolated t",
               {"radd_mutation": "scalar_rate"}),
        Mutant("scalar_no_numerator", "the scalar 1/(1 - e^{-sigma_bar}) (the keep "
               "probability e^{-sigma_bar} of the unmasked token dropped)",
               {"radd_mutation": "scalar_no_numerator"}),
        Mutant("noised_conditional", "the conditional of the noised data p_t(v | x_t^{-i}) "
               "(normalised over the vocabulary and the mask) in place of the clean data's "
               "p_0(v | x_t^UM)", {"radd_mutation": "noised_conditional"}),
        Mutant("mask_prob_swapped", "the forward kernel masks with probability "
               "e^{-sigma_bar} and keeps with 1 - e^{-sigma_bar} (the two swapped)",
               {"radd_mutation": "mask_prob_swapped"}),
    ),
)
def _radd_concrete_score(params: dict, seed: int) -> Verdict:
    mut = params.get("radd_mutation")
    res, ctrl, rows = 0.0, np.inf, []
    for a, (V, d) in enumerate(params["shapes"]):
        for b in range(int(params["joints"])):
            p = random_joint(V, d, _rng(seed, 0x5ad, a, b), params["concentration"])
            r, c = _score_residuals(p, params["ts"], params["eps"], mut)
            res, ctrl = max(res, r), min(ctrl, c)
            rows.append({"V": V, "d": d, "joint": b, "max_rel_error": r,
                         "control_min_rel_miss": c})
    return residual_verdict(
        res, tol=1e-12, control_residual=ctrl,
        what="max relative |p_t(hat x_t)/p_t(x_t) - e^{-sigma_bar}/(1-e^{-sigma_bar}) "
             "p_0(v | x_t^UM)| over sequences, positions, tokens and times",
        control_what="the bare conditional as the concrete score: min over joints and "
                     "times of the max relative miss",
        data={"instances": rows})


# ---------------------------------------------------------------------------
# radd.elbo_ao_arm

def _loss_residuals(V: int, d: int, model_seed: int, p: np.ndarray, nodes: int,
                    mutation: str | None) -> dict:
    """Max over x_0 of |form - E_pi AO-ARM NLL| / max(1, NLL) for the lambda-, k- and
    t-forms under an arbitrary conditional table, and for the exact conditionals of p
    also |E_pi NLL - (-log p(x_0))|; the control is the left-to-right NLL."""
    table = table_conditionals(V, d, seed=model_seed)
    exact = joint_conditionals(p)
    res = {"lambda": 0.0, "k": 0.0, "t": 0.0, "exact_tight": 0.0}
    ctrl = 0.0
    for x in itertools.product(range(V), repeat=d):
        for name, c in (("table", table), ("exact", exact)):
            ao = ao_arm_nll(c, x)
            sc = max(1.0, abs(ao))
            res["lambda"] = max(res["lambda"], abs(lambda_dce(c, x, nodes, mutation) - ao) / sc)
            res["k"] = max(res["k"], abs(k_dce(c, x, mutation) - ao) / sc)
            res["t"] = max(res["t"], abs(t_dse(c, x, nodes, mutation) - ao) / sc)
            if name == "exact":
                res["exact_tight"] = max(res["exact_tight"], abs(ao + np.log(p[x])) / sc)
            else:
                lam = lambda_dce(c, x, nodes)
                ctrl = max(ctrl, abs(fixed_order_nll(c, x, range(d)) - lam) / sc)
    return {**res, "control": ctrl}


@claim(
    id="radd.elbo_ao_arm",
    statement="The absorbing-diffusion loss equals the expected any-order autoregressive "
              "NLL: for any model c of the clean conditionals and every x_0, the score "
              "entropy of the reparameterised score c e^{-sigma_bar}/(1 - e^{-sigma_bar}) "
              "(sigma_bar(T) = infinity), the lambda-DCE int_0^1 lambda^{-1} "
              "E_{x_lambda} sum_{masked i} -log c(x_0^i | x_lambda^UM) d lambda and the "
              "k-DCE d E_k (1/k) E_{|M|=k} sum_{i in M} -log c(x_0^i | x_0^{M^c}) all equal "
              "E_{pi uniform} sum_l -log c(x_0^{pi(l)} | x_0^{pi(<l)}); with the exact "
              "conditionals of p_0 they equal -log p_0(x_0).",
    kind="identity",
    citation=Citation(
        title=_RADD_TITLE, authors=_RADD_AUTHORS, year=2024, arxiv="2406.03736",
        seed_file=f"{S000},{S001}",
        seed_text="Built upon the new perspective of conditional distributions, we further "
                  "unify absorbing discrete diffusion and any-order autoregressive models "
                  "(AO-ARMs), showing that the upper bound on the negative log-likelihood "
                  "for the diffusion model can be interpreted as an expected negative "
                  "log-likelihood for AO-ARMs.",
        note="Theorem 2 of the paper (equivalence as the total noise sigma_bar(T) -> "
             "infinity) through its chain DSE -> t-DCE -> lambda-DCE (change of variable "
             "lambda = 1 - e^{-sigma_bar(t)}) -> k-DCE / AO-ARM; the four losses as the "
             "authors' code writes them (losses.py of ML-GSAI/RADD: t_DSE_loss with its "
             "positive, negative and constant terms, lambda_DCE_loss with the 1/lambda "
             "weight, k_DCE_loss with the factor d/k, ar_loss over random orders). The "
             "t-form uses the log-linear schedule with eps = 0, so that sigma_bar(1) = "
             "infinity and lambda = t. Integrals by Gauss-Legendre (16 nodes, exact: the "
             "integrands are polynomials of degree d - 1); expectations over masks and "
             "orders by enumerating all 2^d masks and d! orders. The model is an arbitrary "
             "table of conditionals (a Dirichlet vector per position and context), which "
             "are the conditionals of no joint, so the AO-ARM NLL depends on the order "
             "and the identity is not the chain rule."),
    budgets={"quick": {"shapes": [[2, 3], [3, 3], [2, 5], [3, 4]], "nodes": 16,
                       "concentration": 0.5},
             "full": {"shapes": [[2, 3], [3, 3], [2, 5], [3, 4], [4, 3], [2, 6], [3, 5]],
                      "nodes": 16, "concentration": 0.5}},
    design="Shapes (V, d) in {(2,3), (3,3), (2,5), (3,4)}: one arbitrary conditional table "
           "and the exact conditionals of one Dirichlet(0.5) joint, every x_0 in V^d. "
           "Statistic: the largest |loss form - mean over all d! orders of the AO-ARM NLL| / "
           "max(1, NLL) over the t-DSE, lambda-DCE and k-DCE forms, and |AO-ARM NLL + "
           "log p_0(x_0)| for the exact model, <= 1e-12. Control: the NLL of the single "
           "left-to-right order against the lambda-DCE for the table model, which must "
           "miss by more than 1e-12.",
    expected_seconds={"quick": 4.0, "full": 60.0},
    mutants=(
        Mutant("no_inverse_lambda", "the lambda-DCE without its 1/lambda weight (the "
               "Jacobian of lambda = 1 - e^{-sigma_bar} against the DSE weight dropped)",
               {"loss_mutation": "no_inverse_lambda"}),
        Mutant("mask_prob_complement", "tokens masked with probability 1 - lambda instead "
               "of lambda", {"loss_mutation": "mask_prob_complement"}),
        Mutant("dse_const_dropped", "the score entropy without its constant term K(a) = "
               "a(log a - 1): a loss with the same minimiser but a different value",
               {"loss_mutation": "dse_const_dropped"}),
        Mutant("kdce_missing_d", "the k-DCE normalised by 1/k without the factor d",
               {"loss_mutation": "kdce_missing_d"}),
    ),
)
def _radd_elbo(params: dict, seed: int) -> Verdict:
    mut = params.get("loss_mutation")
    res, ctrl, rows = 0.0, np.inf, []
    for a, (V, d) in enumerate(params["shapes"]):
        rng = _rng(seed, 0xe1b0, a)
        p = random_joint(V, d, rng, params["concentration"])
        r = _loss_residuals(V, d, int(rng.integers(2 ** 31)), p, int(params["nodes"]), mut)
        worst = max(r["lambda"], r["k"], r["t"], r["exact_tight"])
        res, ctrl = max(res, worst), min(ctrl, r["control"])
        rows.append({"V": V, "d": d, **r})
    return residual_verdict(
        res, tol=1e-12, control_residual=ctrl,
        what="max relative |diffusion loss form - E_pi AO-ARM NLL| (t-DSE, lambda-DCE, "
             "k-DCE; and AO-ARM NLL vs -log p_0 for the exact model) over x_0",
        control_what="left-to-right NLL vs lambda-DCE: min over shapes of the max relative "
                     "miss", data={"instances": rows})


# ---------------------------------------------------------------------------
# assd.exact

def _assd_instance(cfg: list, seed: int, a: int) -> tuple:
    V, d, k, start, draft = cfg
    rng = _rng(seed, 0xa55d, a)
    p = random_joint(int(V), int(d), rng, 0.5)
    order = [int(i) for i in rng.permutation(int(d))]
    prompt = None
    if start:
        x = np.unravel_index(int(rng.choice(p.size, p=p.ravel())), p.shape)
        prompt = [-1] * int(d)
        for i in order[:int(start)]:
            prompt[i] = int(x[i])
    return p, order, int(k), prompt, draft


@claim(
    id="assd.exact",
    statement="Any-subset speculative decoding samples the joint exactly: with an exact "
              "any-subset conditional oracle, drafts of k >= 2 tokens and the acceptance "
              "rule min(1, p/q) with residual (p - q)_+ normalised, its output "
              "distribution equals p (given the prompt), and on every path the number of "
              "network calls is at most the number of tokens predicted.",
    kind="property",
    citation=Citation(
        title=_ASSD_TITLE, authors="Guo, Ermon", year=2025, arxiv="2504.20456",
        seed_file=f"{S000},{S001}",
        seed_text="ASSD provably enables generation of tokens from the correct joint "
                  "distribution, with the number of neural network calls upper bounded by "
                  "the number of tokens predicted.",
        note="The algorithm reconstructed from the authors' code (speculative_decoding.py "
             "of gabeguo/any-order-speculative-decoding), not from the paper's full text: "
             "a fixed decoding order; per round k' = min(k, tokens left) "
             "drafts from one network call in which each drafted position sees only the "
             "decoded tokens (the draft is the AS-ARM itself); if one token is left, it is "
             "taken from the draft call and the round ends; otherwise one verification "
             "call returns p(x_{sigma(n+j)} | decoded, drafts before j); draft j accepted "
             "when r < min(1, p/q), r ~ U[0,1]; at the first rejection a token from "
             "max(p - q, 0) normalised, and the round ends (no bonus token after a fully "
             "accepted draft). The first draft is always accepted (p = q), so a round of "
             "two calls yields at least two tokens. Also run with an explicit draft (the "
             "product of the marginals, standing for the paper's n-gram draft), which "
             "costs no network call and has no last-token shortcut, as in that code. The "
             "output distribution is exact: every random choice of a round (drafts, "
             "acceptance coins, residual draws) is enumerated by replaying the sampler's "
             "own round, and rounds are chained by recursion over the decoded tokens. "
             "Outside the statement: with k = 1 every token costs a draft and a "
             "verification call (measured on the quick instances and kept in data)."),
    budgets={"quick": {"configs": [[3, 4, 2, 0, "self"], [2, 5, 2, 0, "self"],
                                   [3, 5, 3, 0, "self"], [3, 4, 3, 1, "self"],
                                   [2, 5, 4, 2, "self"], [3, 4, 3, 0, "marginals"],
                                   [2, 5, 2, 1, "marginals"]]},
             "full": {"configs": [[3, 4, 2, 0, "self"], [2, 5, 2, 0, "self"],
                                  [3, 5, 3, 0, "self"], [3, 4, 3, 1, "self"],
                                  [2, 5, 4, 2, "self"], [3, 4, 3, 0, "marginals"],
                                  [2, 5, 2, 1, "marginals"], [2, 6, 3, 0, "self"],
                                  [4, 4, 2, 0, "self"], [3, 5, 2, 0, "self"],
                                  [2, 6, 5, 1, "self"], [3, 5, 4, 0, "marginals"],
                                  [4, 3, 3, 0, "self"], [3, 6, 3, 0, "self"],
                                  [2, 6, 2, 0, "marginals"], [3, 6, 4, 1, "self"]]}},
    design="Configurations (V, d, k, prompt length, draft): a Dirichlet(0.5) joint on V^d, "
           "a random order, a prompt drawn from p; V in {2, 3}, d in {4, 5}, k in {2, 3, "
           "4}, self-drafting (odd and even numbers of tokens to predict) and the "
           "product-of-marginals draft. Statistic: total variation between the exact "
           "output distribution and p(. | prompt), <= 1e-12, and max over positive-"
           "probability paths of (network calls - tokens predicted) <= 0. Control: the "
           "drafts accepted without verification (the parallel sampler with conditionally "
           "independent tokens), whose TV must exceed 1e-12 on every configuration.",
    expected_seconds={"quick": 0.5, "full": 5.0},
    mutants=(
        Mutant("accept_q_over_p", "acceptance probability min(1, q/p) instead of "
               "min(1, p/q)", {"assd_mutation": "accept_q_over_p"}),
        Mutant("resample_from_target", "after a rejection the token drawn from the target "
               "p instead of the residual (p - q)_+ normalised",
               {"assd_mutation": "resample_from_target"}),
        Mutant("rejected_token_kept", "the rejected draft kept instead of resampled",
               {"assd_mutation": "rejected_token_kept"}),
        Mutant("no_break_after_reject", "verification continues after the first rejection, "
               "judging later drafts against conditionals that assumed the rejected draft",
               {"assd_mutation": "no_break_after_reject"}),
        Mutant("verify_loop_off_by_one", "the verification loop stops one draft early and "
               "the last draft is kept unverified", {"assd_mutation": "verify_loop_off_by_one"}),
        Mutant("verify_last_token", "the last token also goes through a verification call "
               "(the draft call already gives its exact conditional): one call too many "
               "when an odd number of tokens is left", {"assd_mutation": "verify_last_token"}),
    ),
)
def _assd_exact(params: dict, seed: int) -> Verdict:
    mut = params.get("assd_mutation")
    tv, ctrl, flags, rows = 0.0, np.inf, [], []
    for a, cfg in enumerate(params["configs"]):
        p, order, k, prompt, draft = _assd_instance(cfg, seed, a)
        out = assd_distribution(p, order, k, prompt=prompt, draft=draft, mutation=mut)
        cout = assd_distribution(p, order, k, prompt=prompt, draft=draft,
                                 mutation="no_verification")
        tv, ctrl = max(tv, out.tv), min(ctrl, cout.tv)
        flags.append(out.max_excess_calls <= 0)
        rows.append({"config": cfg, "order": order, "prompt": prompt, "tv": out.tv,
                     "max_calls_minus_tokens": out.max_excess_calls,
                     "expected_calls": out.expected_calls, "tokens": out.tokens,
                     "paths": out.n_paths, "control_tv": cout.tv})
    k1 = []
    for a, cfg in enumerate(params["configs"][:2]):
        p, order, _, prompt, draft = _assd_instance(cfg, seed, a)
        o1 = assd_distribution(p, order, 1, prompt=prompt, draft=draft, mutation=mut)
        k1.append({"config": cfg[:2], "tv": o1.tv, "max_calls_minus_tokens":
                   o1.max_excess_calls, "tokens": o1.tokens})
    v = residual_verdict(
        tv, tol=1e-12, control_residual=ctrl,
        what="max TV(ASSD output, p(. | prompt)) over configurations",
        control_what="drafts accepted unverified: min TV over configurations",
        data={"configs": rows, "k_equals_1": k1})
    s, r = judge_all_true(flags, "network calls <= tokens predicted on every path")
    return combine(v, [("calls", s, r)])

