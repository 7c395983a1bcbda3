"""Tabular-RL claims: learning from demonstrations and an optimistic actor-critic.

``demo_reg.rate`` and ``actor_critic.regret`` (``dueling_rl.regret`` is in ``rl_dueling.py``).
"""

from __future__ import annotations

import numpy as np

from provable.bounds._citation import Citation
from provable.proofs_checks._claim import claim, rate_verdict
from provable.proofs_checks._verdict import Verdict

F0, F1, F3, F4 = ("000_ff426cae8431b65b.txt", "001_3c307a0568d472da.txt",
                  "003_a27811acbdfa868d.txt", "004_2412af209b8e3d12.txt")


# ---------------------------------------------------------------------------
# demo_reg.rate

def _softmax_expert(Q: np.ndarray, tau: float) -> np.ndarray:
    z = (Q - Q.max(axis=2, keepdims=True)) / tau
    e = np.exp(z)
    return e / e.sum(axis=2, keepdims=True)


@claim(
    id="demo_reg.rate",
    statement="Demonstration-regularised RL: with N^E expert demonstrations the sample "
              "complexity is O(Poly(S,A,H)/(eps^2 N^E)). Checked here: the factor 1/N^E, "
              "which enters through the behaviour-cloning error KL(expert || pi_BC) = "
              "O~(SAH/N^E) (trajectory-level KL) that fixes the admissible regularisation "
              "lambda ~ eps N^E / Poly; the BC error's exponent in N^E is -1.",
    kind="rate_tight",
    citation=Citation(
        "Demonstration-Regularized RL",
        "Tiapkin, Belomestny, Calandriello, Moulines, Naumov, Perrault, Valko, Ménard", 2023,
        "2310.17303", seed_file=f"{F0},{F1},{F3},{F4}",
        seed_text="using N^{E} expert demonstrations enables the identification of an optimal "
                  "policy at a sample complexity of order mathcal{O}(Poly(S,A,H)/(varepsilon^2 "
                  "N^{E})) in finite",
        restored="using N^E expert demonstrations enables the identification of an optimal "
                 "policy at a sample complexity of order Õ(Poly(S,A,H)/(ε² N^E)) in finite",
        note="INTERMEDIATE RESULT ONLY: the full sample-complexity experiment (UCBVI-Ent+ on "
             "the KL-regularised problem, episodes to reach eps-optimality as N^E varies) is "
             "not run; the eps^-2 exponent is not checked. What is checked is the 1/N^E law of "
             "the behaviour-cloning step, the paper's by-product 'tight convergence "
             "guarantees for the behaviour cloning procedure', computed exactly: "
             "E_D KL(q^{pi_E} || q^{pi_BC}) over the trajectory distributions (transitions "
             "cancel), averaged over independent demonstration sets D. BC is the tabular MLE "
             "with add-kappa smoothing, kappa = 1 (the paper's log-regularised MLE keeps every "
             "action's probability bounded below; its exact regularisation constant is not "
             "given in the abstract). Expert: softmax of Q*_h with temperature 0.2 (stochastic, "
             "near-optimal; the paper allows an eps_E-optimal expert). Also reported (not "
             "judged): the suboptimality of the exact KL-regularised optimum towards pi_BC at "
             "lambda = 0.05, the planning step the paper solves with samples."),
    rate_id="demo_reg.sample_complexity",
    budgets={"quick": {"S": 4, "A": 3, "H": 3, "tau": 0.2, "n_min": 100, "n_max": 10000,
                       "points": 7, "seeds": 24, "lam": 0.05},
             "full": {"S": 8, "A": 4, "H": 5, "tau": 0.2, "n_min": 300, "n_max": 100000,
                      "points": 10, "seeds": 64, "lam": 0.05}},
    design="Random finite-horizon MDP (S = 4, A = 3, H = 3), softmax-of-Q* expert; N^E "
           "expert episodes, N^E in [100, 10000] (2 decades, 7 points), 24 independent "
           "demonstration sets; exact trajectory KL(expert || BC); log-log slope -1 +- 0.1. "
           "Control: a planted wrong learner, stationary BC pooled over steps h (misspecified "
           "class for a non-stationary expert: its KL stalls at a bias).",
    expected_seconds={"quick": 0.3, "full": 20.0},
)
def _demo_reg(params: dict, seed: int) -> Verdict:
    import provable as pv
    from provable.learners.tabular_rl._demo_reg import (
        behaviour_cloning,
        kl_regularised_plan,
        policy_value,
        sample_trajectories,
        trajectory_kl,
    )
    from provable.solvers import backward_induction

    S, A, H = params["S"], params["A"], params["H"]
    fh = pv.mdp.random_mdp(S, A, gamma=None, seed=seed).with_horizon(H)
    bi = backward_induction(fh)
    piE = _softmax_expert(bi.Q, params["tau"])
    vstar = float(bi.V[0, 0])
    Ns = np.unique(np.geomspace(params["n_min"], params["n_max"], params["points"]).astype(int))
    ys = np.empty((params["seeds"], Ns.size))
    cys = np.empty_like(ys)
    gaps = np.empty_like(ys)
    for i in range(params["seeds"]):
        st, ac = sample_trajectories(fh, piE, int(Ns[-1]), seed=[seed, i, 0x64656D6F])
        for j, n in enumerate(Ns):
            bc = behaviour_cloning(st[:n], ac[:n], S, A, kappa=1.0)
            ys[i, j] = trajectory_kl(fh, piE, bc)
            pooled = behaviour_cloning(st[:n].reshape(-1, 1), ac[:n].reshape(-1, 1), S, A)[0]
            cys[i, j] = trajectory_kl(fh, piE, np.broadcast_to(pooled, (H, S, A)).copy())
            pol, _ = kl_regularised_plan(fh, bc, params["lam"])
            gaps[i, j] = vstar - policy_value(fh, pol)
    return rate_verdict(Ns, ys, expected=-1.0, kind="tight", tol=0.1, var="N_E", seed=seed,
                        control_ys=cys,
                        extra={"tested": "behaviour-cloning KL(expert || pi_BC) vs N^E",
                               "mean_kl": ys.mean(axis=0).tolist(),
                               "expert_gap": vstar - policy_value(fh, piE),
                               "reg_plan_gap_mean": gaps.mean(axis=0).tolist(),
                               "lam": params["lam"]})


# ---------------------------------------------------------------------------
# actor_critic.regret

@claim(
    id="actor_critic.regret",
    statement="An optimistic actor-critic (optimism, off-policy critic targeting Q*, "
              "rare-switching policy resets) has sqrt(T) regret: on a finite-horizon tabular "
              "instance the regret exponent in T = KH is at most 1/2.",
    kind="rate_upper",
    citation=Citation(
        "Actor-Critics Can Achieve Optimal Sample Efficiency", "Tan, Fan, Wei", 2025,
        "2505.03710", seed_file=f"{F0},{F1},{F3}",
        seed_text="and accompanying T regret when the Bellman eluder dimension d does not "
                  "increase with T at more than a log T rate",
        restored="and accompanying √T regret when the Bellman eluder dimension d does not "
                 "increase with T at more than a log T rate",
        note="TABULAR INSTANTIATION, not the paper's general-function-approximation "
             "algorithm (its confidence sets, step size and switching rule are not "
             "given in the abstract): critic = optimistic backward induction on the empirical model "
             "with Hoeffding bonus c H sqrt(L/N), c = 0.1, L = ln(5SAT/delta), targeting Q* "
             "(max backup, off-policy); actor = exponential weights pi ∝ exp(eta sum of "
             "critics since the last reset), eta = 1/H constant (NOT tuned to T); reset of the "
             "actor to uniform whenever a pair's visit count doubles (O(SA log K) resets). "
             "Tabular Bellman eluder dimension is O(SA), constant in T. Fixed instance "
             "(bandit-in-an-MDP, A = 4, H = 5, gap 0.2): an upper-bound check only; on a fixed "
             "instance the asymptotic regret is smaller than sqrt(T)."),
    rate_id="actor_critic.regret",
    budgets={"quick": {"A": 4, "H": 5, "gap": 0.2, "K": 20000, "K_min": 200, "points": 6,
                       "seeds": 16, "c": 0.1, "control_epsilon": 0.2},
             "full": {"A": 4, "H": 5, "gap": 0.2, "K": 300000, "K_min": 300, "points": 10,
                      "seeds": 64, "c": 0.1, "control_epsilon": 0.2}},
    design="hard_bandit_mdp(A=4, H=5, gap=0.2); exact expected regret of each episode's "
           "stochastic actor policy; cumulative regret at 6 checkpoints K in [200, 20000], 16 "
           "seeds; log-log slope in T = KH <= 0.5 + 0.1. Control: a planted wrong algorithm "
           "(epsilon-greedy Q-learning, epsilon = 0.2, linear regret) judged against 0.5.",
    expected_seconds={"quick": 1.0, "full": 30.0},
)
def _actor_critic(params: dict, seed: int) -> Verdict:
    from provable.learners.tabular_rl import hard_bandit_mdp, run_episodes
    from provable.learners.tabular_rl._actor_critic import actor_critic

    fh = hard_bandit_mdp(A=params["A"], H=params["H"], gap=params["gap"])
    K = params["K"]
    seeds = np.arange(params["seeds"]) + 1000 * seed
    ks = np.unique(np.geomspace(params["K_min"], K, params["points"]).astype(int))
    res = actor_critic(fh, K, seeds, c=params["c"])
    ys = res["cumulative_regret"][:, ks - 1]
    ctrl = run_episodes("eps_greedy_q", fh, K, seeds, epsilon=params["control_epsilon"])
    cys = ctrl.cumulative_regret[:, ks - 1]
    return rate_verdict(ks * fh.horizon, np.maximum(ys, 1e-12), expected=0.5, kind="upper",
                        tol=0.1, var="T", seed=seed, control_ys=cys,
                        extra={"c": params["c"], "eta": res["eta"], "K": K,
                               "mean_resets": float(res["resets"].mean()),
                               "mean_regret": ys.mean(axis=0).tolist()})
