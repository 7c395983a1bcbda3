"""Claims about exact tabular structure, planning and generative-model learning.

``dual_rl.lp_duality``, ``psm.affine_occupancies``, ``avg_reward.tmix_sample_complexity``,
``vi.iterations``, ``generative.minimax``.
"""

from __future__ import annotations

import numpy as np

from provable.bounds._citation import Citation
from provable.proofs_checks._claim import (
    Mutant,
    claim,
    flags_verdict,
    rate_verdict,
    residual_verdict,
)
from provable.proofs_checks._report import figure_spec
from provable.proofs_checks._verdict import Verdict

F0, F1, F2, F4 = ("000_ff426cae8431b65b.txt", "001_3c307a0568d472da.txt",
                  "002_22a27e65939dd0f4.txt", "004_2412af209b8e3d12.txt")


def _random_mdps(n: int, S_max: int, A_max: int, seed: int, gamma: float = 0.9):
    import provable as pv

    rng = np.random.default_rng([seed, 0x7461])
    for _ in range(n):
        S = int(rng.integers(2, S_max + 1))
        A = int(rng.integers(2, A_max + 1))
        g = float(rng.uniform(0.5, gamma))
        dens = float(rng.choice([0.5, 1.0]))
        yield pv.mdp.random_mdp(S, A, gamma=g, density=dens, seed=int(rng.integers(2**31)),
                                sparse=False)


# ---------------------------------------------------------------------------
@claim(
    id="dual_rl.lp_duality",
    statement="RL is a linear program over state-action visitation distributions under "
              "linear (flow) constraints; its dual is the value LP. Both equal the optimum "
              "of VI, PI and the exact rational solve, and greedy(d*) is optimal.",
    kind="identity",
    citation=Citation(
        "Dual RL: Unification and New Methods for Reinforcement and Imitation Learning",
        "Sikchi, Zheng, Zhang, Niekum", 2023, "2302.08560", seed_file=f"{F0},{F1},{F2},{F4}",
        seed_text="It has been shown that this objective can be represented as an optimization "
                  "problem of state-action visitation distribution under linear constraints. The "
                  "dual problem of this formulation, which we refer to as dual RL, is "
                  "unconstrained and easier to optimize.",
        note="Checked on the discounted LP pair (Puterman 1994, section 6.9): the occupancy LP "
             "max r.d s.t. sum_a d(s',a) = (1-g) rho(s') + g sum P(s'|s,a) d(s,a), d >= 0 and "
             "the value LP. The paper's f-divergence-regularised duals are not checked."),
    budgets={"quick": {"n_mdps": 6, "S_max": 5, "A_max": 3, "search_examples": 20},
             "full": {"n_mdps": 60, "S_max": 8, "A_max": 4, "search_examples": 200}},
    design="Random MDPs (S <= S_max, A <= A_max, gamma in [0.5, 0.9], dense or half "
           "density): rho.V from the primal LP, r.d*/(1-gamma) from the dual (occupancy) LP, VI "
           "(tol 1e-11), PI and the exact rational solve agree to rel 1e-8; the policy "
           "greedy in d* has value V*. Control: the occupancy objective without the "
           "1/(1-gamma) factor. Search: hypothesis over dense MDPs (S <= S_max, A <= A_max, "
           "gamma in [0.5, 0.9], rewards in [0, 1]): primal and dual LP values against PI to "
           "rel 1e-8; the dual objective without 1/(1-gamma) must be found and shrunk.",
    expected_seconds={"quick": 3.0, "full": 50.0},
    mutants=(
        Mutant("no_horizon_factor", "the occupancy objective r.d read as the value without "
               "1/(1-gamma) (d is normalised to mass 1)", {"dual_mutation": "no_horizon_factor"}),
        Mutant("greedy_argmin", "the policy read from d* by argmin instead of argmax: an "
               "action the optimal occupancy never takes", {"dual_mutation": "greedy_argmin"}),
        Mutant("policy_as_occupancy", "d*(a|s) = d*(s,a)/sum_a d*(s,a) (the policy, over S) "
               "used as the occupancy: the state weighting of the flow constraints is lost",
               {"dual_mutation": "policy_as_occupancy"}),
        Mutant("vi_tol_1e-4", "value iteration stopped at tolerance 1e-4: it no longer "
               "agrees with the LPs to 1e-8", {"dual_mutation": "vi_tol_1e-4"}),
        Mutant("gamma_next_ulp", "the exact solve run with the discount one ulp higher: V* "
               "moves by about ulp/(1-gamma)^2 < 1e-13, far inside the 1e-8 agreement",
               {"dual_mutation": "gamma_next_ulp"}, equivalent=True),
    ),
)
def _dual_rl(params: dict, seed: int) -> Verdict:
    import provable as pv

    S_ = pv.solvers
    mut = params.get("dual_mutation")   # a planted mistake of the caller of the solvers
    worst, worst_ctrl = 0.0, 0.0
    rows = []
    for mdp in _random_mdps(params["n_mdps"], params["S_max"], params["A_max"], seed):
        rho = np.full(mdp.S, 1.0 / mdp.S)
        ex_mdp = mdp
        if mut == "gamma_next_ulp":
            ex_mdp = pv.TabularMDP(mdp.dense_P(), mdp.R_at(0), layout="sas",
                                   gamma=float(np.nextafter(mdp.gamma, 1.0)))
        ex = np.array([float(v) for v in S_.exact_solve(ex_mdp).V_exact])
        primal = S_.linear_program(mdp, formulation="primal")
        dual = S_.linear_program(mdp, formulation="dual")
        vi = S_.value_iteration(mdp, tol=1e-4 if mut == "vi_tol_1e-4" else 1e-11,
                                backend="numpy")
        pi = S_.policy_iteration(mdp)
        d = np.asarray(dual.occupancy)
        if mut == "policy_as_occupancy":
            d = d / np.maximum(d.sum(axis=1, keepdims=True), 1e-300) / mdp.S
        scale = 1.0 if mut == "no_horizon_factor" else 1 / (1 - mdp.gamma)
        lp_dual_val = float((d * mdp.R_at(0)).sum() * scale)
        ref = float(rho @ ex)
        pick = d.argmin(axis=1) if mut == "greedy_argmin" else d.argmax(axis=1)
        greedy_val = float(rho @ S_.evaluate_policy(mdp, pick))
        vals = {"primal": float(rho @ primal.V), "dual": lp_dual_val, "vi": float(rho @ vi.V),
                "pi": float(rho @ pi.V), "greedy(d*)": greedy_val}
        rel = max(abs(v - ref) for v in vals.values()) / max(abs(ref), 1e-300)
        rel = max(rel, float(np.abs(np.asarray(primal.V) - ex).max()) / max(abs(ex).max(), 1e-300))
        worst = max(worst, rel)
        worst_ctrl = max(worst_ctrl, abs(float((d * mdp.R_at(0)).sum()) - ref) / abs(ref))
        rows.append({"S": mdp.S, "A": mdp.A, "gamma": mdp.gamma, "exact": ref, **vals,
                     "rel_err": rel})
    figure = figure_spec(np.arange(len(rows)), [max(r["rel_err"], 1e-17) for r in rows],
                         xlabel="random MDP", ylabel="max relative |value - exact V*|",
                         logy=True, hline=1e-8, hline_label="tolerance 1e-8",
                         label="primal LP, dual LP, VI, PI, greedy(d*)")
    from provable.proofs_checks.claims.searches import with_claim_search

    v = residual_verdict(worst, tol=1e-8, control_residual=worst_ctrl,
                         what="max relative |value - exact| over primal LP, dual LP, VI, PI, "
                              "greedy(d*)",
                         control_what="occupancy objective without 1/(1-gamma)",
                         data={"mdps": rows, "figure": figure})
    return with_claim_search(v, "dual_rl.lp_duality", params, seed)


# ---------------------------------------------------------------------------
@claim(
    id="psm.affine_occupancies",
    statement="Every policy's occupancy is an affine combination of policy-independent basis "
              "functions; solving for the weights of a new reward gives the optimal policy "
              "without new interaction.",
    kind="property",
    citation=Citation(
        "Proto Successor Measure: Representing the Space of All Possible Solutions of "
        "Reinforcement Learning", "Agarwal, Sikchi, Stone, Zhang", 2024, "2411.19418",
        seed_file=F1,
        seed_text="We provably show that any possible policy can be represented using an affine "
                  "combination of these policy independent basis functions.",
        note="Exact tabular version: the basis is an orthonormal basis of the null space of the "
             "flow constraints (what PSM learns from data), the offset any one occupancy. The "
             "paper's learned neural basis is not reproduced."),
    budgets={"quick": {"n_mdps": 4, "n_policies": 60, "S": 5, "A": 3},
             "full": {"n_mdps": 40, "n_policies": 200, "S": 10, "A": 4}},
    design="Random MDPs: occupancies of n_policies random stochastic policies satisfy the S "
           "flow equalities (1e-9); their affine span has dimension SA - S; the LP over "
           "{d0 + B w >= 0} for a fresh reward reproduces (1-gamma) rho.V* (rel 1e-7). Control: "
           "the claim that the span has dimension SA.",
    expected_seconds={"quick": 1.0, "full": 20.0},
    mutants=(
        Mutant("undiscounted_flow", "the flow constraints written without gamma: the basis "
               "spans the wrong affine set and the LP over it misses V*",
               {"psm_mutation": "undiscounted_flow"}),
        Mutant("transition_untransposed", "P(s'|s,a) indexed as P(s|s',a) in the flow "
               "constraints (a transpose slip): occupancies violate them",
               {"psm_mutation": "transition_untransposed"}),
        Mutant("uniform_offset", "the uniform distribution over pairs used as the offset "
               "d0 instead of an occupancy: d0 + Bw is never an occupancy",
               {"psm_mutation": "uniform_offset"}),
    ),
)
def _psm(params: dict, seed: int) -> Verdict:
    from scipy.optimize import linprog

    import provable as pv

    rng = np.random.default_rng([seed, 0x70736D])
    S, A = params["S"], params["A"]
    flags, ctrl, rows = [], [], []
    for i in range(params["n_mdps"]):
        mdp = pv.mdp.random_mdp(S, A, gamma=0.9, seed=int(rng.integers(2**31)), sparse=False)
        g = mdp.gamma
        rho = rng.dirichlet(np.ones(S))
        P = mdp.dense_P()
        D = []
        for _ in range(params["n_policies"]):
            pol = rng.dirichlet(np.ones(A) * 0.5, size=S)
            D.append(np.asarray(pv.solvers.occupancy(mdp, pol, rho)).ravel())
        D = np.array(D)
        # flow: sum_a d(s',a) - g sum_{s,a} P(s'|s,a) d(s,a) = (1-g) rho(s')
        E = np.kron(np.eye(S), np.ones((1, A)))
        mut = params.get("psm_mutation")   # a planted mistake in the basis construction
        g_flow = 1.0 if mut == "undiscounted_flow" else g
        Pm = P.reshape(S * A, S)
        M = E - g_flow * (Pm.reshape(S, A, S).transpose(2, 1, 0).reshape(S, S * A)
                          if mut == "transition_untransposed" else Pm.T)
        flow = float(np.abs(D @ M.T - (1 - g) * rho).max())
        X = D - D.mean(axis=0)
        sv = np.linalg.svd(X, compute_uv=False)
        rank = int((sv > 1e-9 * sv[0]).sum())
        # policy-independent basis: null space of M
        _, s_m, vt = np.linalg.svd(M)
        B = vt[S:].T
        d0 = np.full(S * A, 1.0 / (S * A)) if mut == "uniform_offset" else D[0]
        r_new = rng.uniform(0, 1, size=(S, A))
        res = linprog(-(r_new.ravel() @ B), A_ub=-B, b_ub=d0, bounds=[(None, None)] * B.shape[1],
                      method="highs")
        val = float(r_new.ravel() @ (d0 + B @ res.x)) if res.status == 0 else float("nan")
        vstar = float(rho @ pv.solve(pv.TabularMDP(P, r_new, gamma=g), method="pi").V)
        rel = abs(val - (1 - g) * vstar) / ((1 - g) * vstar) if res.status == 0 else np.inf
        ok = flow <= 1e-9 and rank == S * A - S and res.status == 0 and rel <= 1e-7
        flags.append(ok)
        ctrl.append(rank == S * A)
        rows.append({"flow_residual": flow, "rank": rank, "SA-S": S * A - S, "lp_rel_err": rel})
    figure = figure_spec(np.arange(len(rows)),
                         [[max(r["flow_residual"], 1e-18) for r in rows],
                          [max(r["lp_rel_err"], 1e-18) for r in rows]],
                         xlabel="random MDP (top row: flow residual; bottom: LP-over-span error)",
                         ylabel="residual", logy=True, hline=1e-9,
                         hline_label="flow tolerance 1e-9", label="residuals per MDP")
    return flags_verdict(flags, what="flow equalities, affine dimension SA-S, LP over the span "
                                     "= V*", control_flags=ctrl,
                         control_what="affine span of dimension SA",
                         data={"mdps": rows, "figure": figure})


# ---------------------------------------------------------------------------
def _bernstein_n(t_mix: float, eps: float, level: float) -> float:
    """Samples per pair after which the plug-in is wrong with probability <= level on the
    two-state gadget, by Bernstein's inequality.

    With Z_i = X1_i - X0_i (leave indicators of the worse and the better action), the
    plug-in is wrong (ties counted as wrong) iff sum Z_i <= 0; E Z = delta, Var Z =
    sigma^2, |Z - delta| <= 1 + delta, so P(wrong) <= exp(-n delta^2 / (2 sigma^2 +
    2 (1 + delta) delta / 3)). The bound is O(t_mix eps^-2 log(1/level))."""
    p = 1.0 / t_mix
    delta = 2 * eps / (t_mix * (0.5 - eps))
    var = p * (1 - p) + (p + delta) * (1 - p - delta)
    return float(np.log(1 / level) * (2 * var + 2 * (1 + delta) * delta / 3) / delta ** 2)


def _gadget_best_last(t_mix: float, eps: float):
    """two_state_gadget with its actions swapped, so that the optimal action at state 1 is
    the last one and a tie (broken towards the first maximiser) is a wrong decision."""
    import provable as pv

    g = pv.mdp.two_state_gadget(t_mix, eps)
    return pv.TabularMDP(g.dense_P()[:, ::-1, :].copy(), np.asarray(g.R_at(0))[:, ::-1].copy(),
                         layout="sas")


def _measured_n_star(t_mix: float, eps: float, level: float, groups: int, reps: int,
                     cap: float, rng: np.random.Generator, mutation: dict | None,
                     thin_by_t_mix: bool) -> np.ndarray:
    """Per group of ``reps`` plug-in learners: the least n (to 2 %) with an empirical
    P(wrong action at state 1) <= level, found by doubling then bisection in log n; inf
    where the level is not reached by ``cap`` samples per pair."""
    from provable.learners.generative import plug_in_policies

    mdp = _gadget_best_last(t_mix, eps)
    mut = dict(mutation or {})
    if thin_by_t_mix:
        mut["thinning"] = float(t_mix)

    def p_wrong(n: np.ndarray) -> np.ndarray:
        pol = plug_in_policies(mdp, np.repeat(n.astype(np.int64), reps), groups * reps,
                               seed=rng, mutation=mut or None, max_sweeps=int(50 * t_mix))
        return (pol[:, 1] != 1).reshape(groups, reps).mean(axis=1)

    # bracket [lo, hi] in log2 n: P(wrong) > level at 2^lo (lo = 0: n = 1), <= level at
    # 2^hi; the search starts at cap / 128 (cap = 4 n_B) and moves up or down
    j0 = max(0.0, float(np.floor(np.log2(cap / 128))))
    pw = p_wrong(np.full(groups, int(2 ** j0)))
    hi = np.where(pw <= level, j0, np.nan)
    lo = np.where(pw <= level, np.nan, j0)
    j = j0
    while np.isnan(lo).any() and j > 0:          # downwards for groups already at level
        j -= 1
        pw = p_wrong(np.full(groups, int(2 ** j)))
        down = np.isnan(lo)
        hi[down & (pw <= level)] = j
        lo[down & (pw > level)] = j
    lo[np.isnan(lo)] = 0.0
    j = j0
    while np.isnan(hi).any() and 2 ** j <= 2 * cap:
        j += 1
        pw = p_wrong(np.full(groups, int(2 ** j)))
        up = np.isnan(hi)
        hi[up & (pw <= level)] = j
        lo[up & (pw > level)] = j
    found = ~np.isnan(hi)
    hi[~found] = lo[~found] + 1
    while (hi - lo).max() > np.log2(1.02):
        mid = (lo + hi) / 2
        pw = p_wrong(np.round(2 ** mid))
        ok = pw <= level
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    out = np.round(2 ** hi)
    out[~found] = np.inf
    return out


def _tmix_mutants() -> tuple[Mutant, ...]:
    return (
        Mutant("samples_x0.1", "the model is built from a tenth of the samples drawn (the "
               "rest discarded): ten times the samples the estimator needs, above the "
               "Bernstein bound", {"mutation": {"sample_fraction": 0.1}}),
        Mutant("thinned_by_t_mix", "one sample in t_mix kept (a decorrelation step a "
               "generative model does not need): sample complexity t_mix^2 eps^-2, the "
               "prior bound", {"thin_by_t_mix": True}),
        Mutant("pooled_actions", "the empirical transitions of a state are pooled over "
               "its actions: the two actions look alike and the decision never improves",
               {"mutation": {"pool_actions": 1.0}}),
        Mutant("argmin_planner", "the planner takes the worst action (argmin in place of "
               "argmax): wrong with probability -> 1", {"mutation": {"argmin": 1.0}}),
    )


@claim(
    id="avg_reward.tmix_sample_complexity",
    statement="Optimal policies of average-reward MDPs are learned from a generative model with "
              "O~(|S||A| t_mix eps^-2) samples (matching the lower bound), not t_mix^2.",
    kind="rate_tight",
    citation=Citation(
        "Optimal Sample Complexity for Average Reward Markov Decision Processes",
        "Wang, Blanchet, Glynn", 2024, "2310.08833", seed_file=F1,
        seed_text="Our primary contribution is the development of an estimator for the optimal "
                  "policy of average reward MDPs with a sample complexity of widetilde "
                  "O(|S||A|t_{mix}epsilon^{-2})",
        restored="Õ(|S||A| t_mix ε⁻²)",
        note="The estimator is the plug-in (certainty-equivalence) model + relative value "
             "iteration (provable.learners.generative.plug_in_policies, cross-checked "
             "against pv.solvers.average_reward on sampled models), not the paper's "
             "reduction-based estimator; the instance is the two-state lower-bound gadget "
             "of the paper (leave probabilities p = 1/t_mix and p + delta, delta = "
             "2 eps/(t_mix (1/2 - eps)), actions relabelled so that a tie is a wrong "
             "decision). The sample count n* is measured by running the estimator "
             "(groups of learners, doubling and bisection in n). Constants: the explicit "
             "bound checked is Bernstein's n_B = ln(1/0.1)(2 sigma^2 + 2(1 + delta) "
             "delta/3)/delta^2 = O(t_mix eps^-2) samples per pair for the plug-in on this "
             "gadget (derived here; the paper's constants are not in the abstract). This "
             "tests the t_mix exponent and an explicit constant on the lower-bound family, "
             "not the paper's algorithm on general MDPs."),
    rate_id="avg_reward.tmix",
    budgets={"quick": {"t_mix": [4, 8, 16, 32, 64, 128], "epsilon": 0.05,
                       "eps_grid": [0.2, 0.1, 0.05, 0.025, 0.0125], "level": 0.1,
                       "groups": 8, "reps": 200, "mc_reps": 10},
             "full": {"t_mix": [4, 8, 16, 32, 64, 128, 256, 512], "epsilon": 0.05,
                      "eps_grid": [0.2, 0.1, 0.05, 0.025, 0.0125, 0.00625], "level": 0.1,
                      "groups": 16, "reps": 1000, "mc_reps": 200}},
    design="two_state_gadget(t_mix, eps = 0.05) (the lower-bound family of Wang, Blanchet, "
           "Glynn, arXiv 2310.08833): n* = least "
           "samples per (s,a) with an empirical P(wrong action) <= 0.1, measured by running "
           "the plug-in + relative VI estimator (8 groups of 200 learners, bisection to 2 %; relative VI to span 1e-9, at most "
           "50 t_mix sweeps); "
           "fit log |S||A| n* vs log t_mix: slope 1 +- 0.15 (control: a false exponent 0.25 "
           "beyond the measured one); and the explicit bound: mean n* + 3 s.e. <= Bernstein's "
           "n_B(t_mix, eps) at every t_mix (violated when mean n* - 3 s.e. > n_B). The eps "
           "slope (-2) is reported. mc_reps sampled models check the estimator's planner "
           "against pv.solvers.average_reward.",
    expected_seconds={"quick": 5.0, "full": 60.0},
    mutants=_tmix_mutants(),
)
def _tmix(params: dict, seed: int) -> Verdict:
    import provable as pv
    from provable.learners.generative import plug_in_policies

    ts = np.array(params["t_mix"], float)
    eps = params["epsilon"]
    level = params["level"]
    G, R = params["groups"], params["reps"]
    mut, thin = params.get("mutation"), bool(params.get("thin_by_t_mix", False))
    rng = np.random.default_rng([seed, 0x746D])
    nb = np.array([_bernstein_n(t, eps, level) for t in ts])
    ns = np.array([_measured_n_star(t, eps, level, G, R, 4 * b, rng, mut, thin)
                   for t, b in zip(ts, nb)]).T                       # (group, t_mix)
    # cross-check the estimator's planner against the solver on sampled models
    agree = []
    for t in ts[:3]:
        mdp = _gadget_best_last(t, eps)
        pol, models = plug_in_policies(mdp, int(_bernstein_n(t, eps, level) / 4),
                                       params["mc_reps"], seed=rng, return_models=True,
                                       max_sweeps=int(50 * t))
        for i in range(params["mc_reps"]):
            if models[i, 1, 0, 0] == models[i, 1, 1, 0]:
                continue  # a tie: the solver may break it the other way
            sol = pv.solvers.average_reward(pv.TabularMDP(models[i], mdp.R_at(0), layout="sas"),
                                            tol=1e-10)
            agree.append(bool(int(sol.policy[1]) == int(pol[i, 1])))
    if not np.isfinite(ns).all():
        bad = [float(t) for t, ok in zip(ts, np.isfinite(ns).all(axis=0)) if not ok]
        return Verdict(claim="", status="violated", measured=None, expected=1.0,
                       reason=f"the estimator's P(wrong) stayed above {level} at 4 x the "
                              f"Bernstein sample count for t_mix = {bad} (some groups)",
                       data={"t_mix": ts.tolist(), "bernstein_n": nb.tolist()},
                       control=Verdict(claim="", status="inconclusive", reason="no fit"))
    mean = ns.mean(axis=0)
    se = ns.std(axis=0, ddof=1) / np.sqrt(G)
    mid_t = float(np.median(ts))
    eps_grid = np.array(params["eps_grid"], float)
    n_eps = np.array([_measured_n_star(mid_t, e, level, G, R, 4 * _bernstein_n(mid_t, e, level),
                                       rng, mut, thin).mean() for e in eps_grid])
    eps_slope = float(np.polyfit(np.log(eps_grid), np.log(n_eps), 1)[0]) \
        if np.isfinite(n_eps).all() else float("nan")
    v = rate_verdict(ts, 4 * ns, expected=1.0, kind="tight", tol=0.15, var="t_mix",
                     seed=seed,
                     extra={"n_star_mean": mean.tolist(), "n_star_se": se.tolist(),
                            "bernstein_n": nb.tolist(), "eps": eps,
                            "eps_grid": eps_grid.tolist(), "n_star_eps": n_eps.tolist(),
                            "eps_slope": eps_slope,
                            "planner_agreement": float(np.mean(agree)) if agree else None})
    ratio = (mean / nb).max()
    bound = f"max mean n*/n_B = {ratio:.2f} (Bernstein bound n_B, ratio <= 1 required)"
    if ((mean - 3 * se) > nb).any():
        v["status"] = "violated"
        v["reason"] = f"mean n* - 3 s.e. exceeds the Bernstein bound: {bound}; " + v["reason"]
    elif ((mean + 3 * se) > nb).any() and v["status"] == "holds":
        v["status"] = "inconclusive"
        v["reason"] = f"mean n* + 3 s.e. reaches the Bernstein bound: {bound}; " + v["reason"]
    else:
        v["reason"] = f"{bound}; " + v["reason"]
    if agree and not all(agree):
        v["status"] = "inconclusive"
        v["reason"] = ("the estimator's planner disagreed with pv.solvers.average_reward on "
                       f"{int(np.sum(~np.array(agree)))} sampled models; " + v["reason"])
    v["reason"] += f"; eps slope {eps_slope:.2f} (expected -2)"
    return v


# ---------------------------------------------------------------------------
@claim(
    id="vi.iterations",
    statement="Value iteration from V_0 = 0 reaches ||V_k - V*|| <= eps within "
              "log(1/((1-gamma) eps))/(1-gamma) iterations, and needs that order on a periodic "
              "chain.",
    kind="rate_tight",
    citation=Citation("Markov Decision Processes: Discrete Stochastic Dynamic Programming",
                      "Puterman", 1994, origin="reference",
                      note="Iterations of pv.solvers.value_iteration (span stopping with its "
                           "certified error bound, numpy backend) on the 2-state deterministic "
                           "swap chain with rewards (1, 0), whose span contracts at rate gamma "
                           "exactly."),
    rate_id="vi.iterations",
    budgets={"quick": {"gammas": [0.9, 0.95, 0.98, 0.99, 0.995, 0.998], "tol": 1e-6,
                       "search_examples": 20},
             "full": {"gammas": [0.9, 0.95, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995],
                      "tol": 1e-6, "search_examples": 200}},
    design="Swap chain, gamma grid: iterations / log(1/((1-gamma) eps)) against 1/(1-gamma); "
           "slope 1 +- 0.1; every count <= the explicit bound; the returned values certified "
           "(error_bound <= eps) and within error_bound and eps of the exact values "
           "(1, gamma)/(1 - gamma^2). Control: a false exponent 0.25 "
           "beyond the measured one, which the data must reject. Search: hypothesis over dense "
           "MDPs (S <= 5, A <= 3, rewards in [0, 1], gamma in [0.5, 0.999]): the first k with "
           "||V_k - V*|| <= eps is at most ceil(ln(1/((1-gamma) eps))/(1-gamma)); the planted "
           "bound with log10 must be found and shrunk. Certificate search: MDPs with gamma in "
           "[0.5, 0.999], rewards up to 1e6 and near-ties (offsets 1e-9): the error of "
           "pv.solvers.value_iteration against the exact rational V* is at most its "
           "error_bound; the bound times (1 - gamma) must be found too.",
    expected_seconds={"quick": 7.0, "full": 30.0},
    mutants=(
        Mutant("stopped_one_early", "value iteration stopped one sweep before its "
               "certificate reaches eps: the returned error bound exceeds eps",
               {"vi_mutation": "stopped_one_early"}),
        Mutant("tol_x100", "the solver asked for 100 eps (a units slip): the values are "
               "off by more than eps", {"vi_mutation": "tol_x100"}),
        Mutant("gamma_squared", "the discount applied twice (gamma^2 in the backup): fewer "
               "sweeps, towards the wrong fixed point", {"vi_mutation": "gamma_squared"}),
        Mutant("default_tol", "eps not passed (the solver's default 1e-8 used): more sweeps "
               "than log(1/((1-gamma) eps))/(1-gamma)", {"vi_mutation": "default_tol"}),
        Mutant("gamma_next_ulp", "the discount one ulp higher: V* moves by at most "
               "ulp / (1-gamma)^2 < 1e-10 and the sweep counts by at most one, so the "
               "statement still holds", {"vi_mutation": "gamma_next_ulp"}, equivalent=True),
    ),
)
def _vi_iterations(params: dict, seed: int) -> Verdict:
    import provable as pv

    P = np.zeros((2, 1, 2))
    P[0, 0, 1] = P[1, 0, 0] = 1.0
    eps = params["tol"]
    mut = params.get("vi_mutation")   # a planted mistake of the caller of the solver
    gs = np.array(params["gammas"], float)
    its, bounds, certs, errs = [], [], [], []
    for g in gs:
        g_run = float(g)
        if mut == "gamma_squared":
            g_run = g_run * g_run
        elif mut == "gamma_next_ulp":
            g_run = float(np.nextafter(g_run, 1.0))
        mdp = pv.TabularMDP(P, [[1.0], [0.0]], gamma=g_run)
        tol = {"tol_x100": 100 * eps, "default_tol": 1e-8}.get(mut, eps)
        res = pv.solvers.value_iteration(mdp, tol=tol, backend="numpy")
        if mut == "stopped_one_early":
            res = pv.solvers.value_iteration(mdp, tol=tol, backend="numpy",
                                             max_iter=res.iterations - 1)
        v_star = np.array([1.0, g]) / (1 - g * g)      # the swap chain's exact values
        its.append(res.iterations)
        bounds.append(np.log(1 / ((1 - g) * eps)) / (1 - g))
        certs.append(float(res.error_bound))
        errs.append(float(np.abs(np.asarray(res.V) - v_star).max()))
    its, bounds = np.array(its, float), np.array(bounds)
    certs, errs = np.array(certs), np.array(errs)
    x = 1 / (1 - gs)
    y = its / np.log(1 / ((1 - gs) * eps))
    v = rate_verdict(x, y, expected=1.0, kind="tight", tol=0.1, var="1/(1-gamma)", seed=seed,
                     deterministic=True,
                     extra={"iterations": its.tolist(), "bound": bounds.tolist(),
                            "error_bound": certs.tolist(), "error_vs_exact": errs.tolist()})
    if (its > bounds).any():
        v["status"] = "violated"
        v["reason"] = "an iteration count exceeds log(1/((1-g)eps))/(1-g); " + v["reason"]
    if (certs > eps).any() or (errs > certs).any() or (errs > eps).any():
        v["status"] = "violated"
        v["reason"] = (f"the returned values are not certified to eps = {eps:g}: max "
                       f"error_bound {certs.max():.3g}, max |V - V*| {errs.max():.3g} against "
                       f"the exact swap-chain values; " + v["reason"])
    from provable.proofs_checks.claims.searches import with_claim_search

    return with_claim_search(v, "vi.iterations", params, seed)


# ---------------------------------------------------------------------------
def _first_order_constant(mdp, draws: int, rng: np.random.Generator) -> float:
    """lim sqrt(n) E||V_hat - V*||_inf of the plug-in (delta method, unique optimal
    policy pi*): V_hat - V* ~ gamma (I - gamma P_pi*)^-1 xi, xi_s ~ N(0, Var_{P(s,pi*)}(V*)
    / n) independent over states."""
    import provable as pv

    star = pv.solve(mdp, method="pi", tol=1e-12)
    V, pol, g = np.asarray(star.V), np.asarray(star.policy), mdp.gamma
    P = mdp.dense_P()
    Ppi = P[np.arange(mdp.S), pol]
    sd = np.sqrt(np.maximum(Ppi @ V ** 2 - (Ppi @ V) ** 2, 0.0))
    M = g * np.linalg.inv(np.eye(mdp.S) - g * Ppi) * sd[None, :]
    return float(np.abs(rng.standard_normal((draws, mdp.S)) @ M.T).max(axis=1).mean())


@claim(
    id="generative.minimax",
    statement="With a generative model, plug-in planning reaches eps accuracy with "
              "O~(SA/((1-gamma)^3 eps^2)) samples: the value error decays as n^-1/2 in the "
              "samples per pair.",
    kind="rate_tight",
    citation=Citation("Minimax PAC Bounds on the Sample Complexity of Reinforcement Learning "
                      "with a Generative Model", "Azar, Munos, Kappen", 2013, origin="reference",
                      note="Only the eps (sample-size) exponent is checked, on a fixed random "
                           "MDP; the (1-gamma)^-3 factor needs the worst-case family and is "
                           "not checked."),
    rate_id="generative.minimax",
    budgets={"quick": {"ns": [100, 300, 1000, 3000, 10000, 30000], "seeds": 12, "S": 6, "A": 2,
                       "gamma": 0.8},
             "full": {"ns": [30, 100, 300, 1000, 3000, 10000, 30000, 100000], "seeds": 32,
                      "S": 10, "A": 3, "gamma": 0.9}},
    design="Random MDP, n samples per (s,a): ||V_hat - V*||_inf of the plug-in model against "
           "n; slope -0.5 +- 0.1 (eps ~ n^-1/2, i.e. n ~ eps^-2); and the constant: sqrt(n) "
           "times the mean error over the top 3 n against its first-order (delta-method) "
           "limit E||gamma (I - gamma P_pi*)^-1 xi||_inf, xi_s ~ N(0, Var_P(s,pi*)(V*)), within "
           "[2/3, 3/2] (3 s.e.; violated when the whole interval is outside). Control: a "
           "false exponent 0.25 beyond the measured one, which the data must reject.",
    expected_seconds={"quick": 2.0, "full": 30.0},
    mutants=(
        Mutant("samples_x0.1", "the model built from a tenth of the samples drawn: the "
               "error is sqrt(10) times the first-order constant",
               {"mutation": {"sample_fraction": 0.1}}),
        Mutant("samples_sqrt_n", "sqrt(n) of the n samples used (an isqrt slip): error "
               "~ n^-1/4", {"mutation": {"sample_power": 0.5}}),
        Mutant("pooled_actions", "transitions pooled over the actions of a state: a biased "
               "model whose error does not decay", {"mutation": {"pool_actions": 1.0}}),
        Mutant("argmin_planner", "the planner returns the worst policy's value of the "
               "empirical model", {"mutation": {"argmin": 1.0}}),
    ),
)
def _generative(params: dict, seed: int) -> Verdict:
    import provable as pv
    from provable.learners.generative import plug_in

    mdp = pv.mdp.random_mdp(params["S"], params["A"], gamma=params["gamma"], seed=seed,
                            sparse=False)
    ns = np.array(params["ns"], float)
    ys = np.empty((params["seeds"], ns.size))
    mut = params.get("mutation")
    for i in range(params["seeds"]):
        rng = np.random.default_rng([seed, i, 0x67656E])
        for j, n in enumerate(ns):
            ys[i, j] = plug_in(mdp, int(n), seed=rng, mutation=mut).value_error
    c_inf = _first_order_constant(mdp, 200_000, np.random.default_rng([seed, 0x636F]))
    top = (np.sqrt(ns[-3:]) * ys[:, -3:]).mean(axis=1) / c_inf     # per seed
    ratio, se = float(top.mean()), float(top.std(ddof=1) / np.sqrt(top.size))
    v = rate_verdict(ns, ys, expected=-0.5, kind="tight", tol=0.1, var="n", seed=seed,
                     extra={"first_order_constant": c_inf, "constant_ratio": ratio,
                            "constant_ratio_se": se})
    lo, hi = ratio - 3 * se, ratio + 3 * se
    what = (f"sqrt(n) E||V_hat - V*|| over the top 3 n / its first-order limit {c_inf:.3g} "
            f"= {ratio:.2f} +- {3 * se:.2f} (3 s.e.; [2/3, 3/2] required)")
    if lo > 1.5 or hi < 2 / 3:
        v["status"] = "violated"
        v["reason"] = f"{what}; " + v["reason"]
    elif (lo < 2 / 3 or hi > 1.5) and v["status"] == "holds":
        v["status"] = "inconclusive"
        v["reason"] = f"{what}; " + v["reason"]
    else:
        v["reason"] = f"{what}; " + v["reason"]
    return v
