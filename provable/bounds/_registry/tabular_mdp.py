"""Episodic and discounted tabular MDPs: regret, generative-model sample complexity,
planning iteration counts."""

from __future__ import annotations

import sympy as sp

from provable.bounds._rate import Rate
from provable.bounds._registry._common import F0, F1, F2, F3, F4, ref, seed, syms, variable

_AZAR_CONV = ("T = KH steps (K episodes of horizon H); time-homogeneous transitions; "
              "rewards in [0, 1] per step (returns in [0, H])")
_JIN_CONV = ("T = KH steps (K episodes of horizon H); time-inhomogeneous transitions P_h; "
             "rewards in [0, 1] per step")


def rates() -> list[Rate]:
    T, H, S, A, d, eps, delta, gamma, K = syms("T H S A d epsilon delta gamma K")
    N_E, L, S_L, Gam = syms("N_E L S_L Gamma")
    azar17 = ref("Minimax Regret Bounds for Reinforcement Learning",
                 "Azar, Osband, Munos", 2017, "1703.05449")
    jin18 = ref("Is Q-learning Provably Efficient?", "Jin, Allen-Zhu, Bubeck, Jordan", 2018,
                "1807.03765")
    azar13 = ref("Minimax PAC Bounds on the Sample Complexity of Reinforcement Learning "
                 "with a Generative Model", "Azar, Munos, Kappen", 2013,
                 note="Machine Learning 91(3). Agarwal, Kakade, Yang (2020) and Li, Wei, "
                      "Chi, Gu, Chen (2020) extend the policy bound to the full range of "
                      "epsilon.")
    gen_conv = ("total number of generative-model calls (all state-action pairs); "
                "discounted, rewards in [0, 1]; epsilon-optimal values/policy")
    iota = sp.log(S * A * T / delta)
    dueling = dict(title="Dueling RL: Reinforcement Learning with Trajectory Preferences",
                   files=(F1,), authors="Pacchiano, Saha, Lee", year=2021, arxiv="2111.04850")
    lae = dict(title="Layered State Discovery for Incremental Autonomous Exploration",
               files=(F1,), authors="Chen, Tirinzoni, Lazaric, Pirotta", year=2023,
               arxiv="2302.03789")
    radius = variable("L", "exploration radius L (reach states within L steps)")
    sl = variable("S_L", "number of incrementally L(1+epsilon)-controllable states",
                  typical=50.0, lower=2.0, lower_open=False, latex=r"S^{\rightarrow}_{L}")
    gm = variable("Gamma", "branching factor of the transitions over those states",
                  lower=1.0, lower_open=False, typical=3.0)
    return [
        Rate("ucbvi.regret", sp.sqrt(H * S * A * T) + H ** 2 * S ** 2 * A + H * sp.sqrt(T),
             polylog=sp.log(T), kind="upper", quantity="regret", setting="tabular MDP",
             algorithm="UCBVI-BF", main_var="T", monotone=["T", "H", "S", "A"],
             citation=azar17, convention=_AZAR_CONV, lower_bound="ucbvi.lower",
             note="Theorem 2 (Bernstein bonus), order form with L = log(5HSAT/delta) shown "
                  "as log T; the leading term sqrt(HSAT) dominates for T >= H^3 S^3 A and "
                  "SA >= H. Constants hidden."),
        Rate("ucbvi_ch.regret", H * sp.sqrt(S * A * T), polylog=sp.log(T), kind="upper",
             quantity="regret", setting="tabular MDP", algorithm="UCBVI-CH",
             main_var="T", monotone=["T", "H"], citation=azar17, convention=_AZAR_CONV,
             lower_bound="ucbvi.lower",
             note="Theorem 1 (Hoeffding bonus), for T >= H S^3 A; constants hidden."),
        Rate("ucbvi.lower", sp.sqrt(H * S * A * T), kind="lower", quantity="regret",
             setting="tabular MDP", algorithm="any algorithm (minimax)", main_var="T",
             monotone=["T"], citation=azar17, convention=_AZAR_CONV,
             note="Stated by Azar et al. (2017) from Jaksch et al. (2010) / Osband & Van "
                  "Roy (2016). With time-inhomogeneous transitions the lower bound is "
                  "sqrt(H^2 SAT) instead (qlearning.lower)."),
        Rate("qlearning_ucb_h.regret", sp.sqrt(H ** 4 * S * A * T), polylog=sp.sqrt(iota),
             kind="upper", quantity="regret", setting="tabular MDP",
             algorithm="Q-learning with UCB-Hoeffding", main_var="T", monotone=["T", "H"],
             citation=jin18, convention=_JIN_CONV, lower_bound="qlearning.lower",
             note="Theorem 1: O(sqrt(H^4 S A T iota)), iota = log(SAT/delta), w.p. 1 - delta."),
        Rate("qlearning_ucb_b.regret", sp.sqrt(H ** 3 * S * A * T)
             + sp.sqrt(H ** 9 * S ** 3 * A ** 3), polylog=sp.sqrt(iota), kind="upper",
             quantity="regret", setting="tabular MDP",
             algorithm="Q-learning with UCB-Bernstein", main_var="T", monotone=["T", "H"],
             forms={"stated": sp.sqrt(H ** 3 * S * A * T * iota)
                    + sp.sqrt(H ** 9 * S ** 3 * A ** 3) * iota ** 2},
             citation=jin18, convention=_JIN_CONV, lower_bound="qlearning.lower",
             note="Theorem 2: O(sqrt(H^3 SAT iota) + sqrt(H^9 S^3 A^3) iota^2); the order "
                  "form applies the leading term's sqrt(iota) to both terms, the 'stated' "
                  "form keeps the paper's placement."),
        Rate("qlearning.lower", sp.sqrt(H ** 2 * S * A * T), kind="lower", quantity="regret",
             setting="tabular MDP", algorithm="any algorithm (minimax)", main_var="T",
             monotone=["T"], citation=jin18, convention=_JIN_CONV,
             note="Theorem 3 (time-inhomogeneous transitions)."),
        Rate("generative.minimax", S * A / ((1 - gamma) ** 3 * eps ** 2),
             measure="generative-model samples",
             polylog=sp.log(S * A / delta), kind="upper",
             quantity="sample complexity", setting="tabular MDP",
             algorithm="model-based planning with a generative model", main_var="epsilon",
             citation=azar13, convention=gen_conv, lower_bound="generative.lower",
             monotone=["S", "A"],
             note="O(N log(N/delta)/((1-gamma)^3 epsilon^2)) with N = SA state-action pairs: "
                  "for an epsilon-accurate estimate of Q* for every epsilon, and for an "
                  "epsilon-optimal policy only for small values of epsilon (the paper's policy "
                  "bound; see the citation note for the full range). Constants hidden."),
        Rate("generative.lower", S * A / ((1 - gamma) ** 3 * eps ** 2),
             polylog=sp.log(S * A / delta), notation="Omega", kind="lower",
             quantity="sample complexity", setting="tabular MDP",
             algorithm="any algorithm (minimax)", main_var="epsilon", citation=azar13,
             convention=gen_conv, monotone=["S", "A"],
             note="Omega(N/((1-gamma)^3 epsilon^2) log(N/delta)), N = SA."),
        Rate("mdvi.sample_complexity", S * A / ((1 - gamma) ** 3 * eps ** 2),
             measure="generative-model samples",
             notation="Otilde", kind="upper", quantity="sample complexity",
             setting="tabular MDP", algorithm="MDVI (KL-entropy-regularised VI)",
             main_var="epsilon", monotone=["S", "A"],
             citation=seed("KL-Entropy-Regularized RL with a Generative Model is Minimax "
                           "Optimal", (F2,),
                           "Our analysis shows that it is nearly minimax-optimal for finding "
                           "an varepsilon-optimal policy when varepsilon is sufficiently "
                           "small.",
                           authors="Kozuno, Yang, Vieillard, Kitamura, Tang, Mei, Ménard, "
                                   "Azar, Valko, Munos, Pietquin, Geist, Szepesvári",
                           year=2022, arxiv="2205.14211",
                           note="The formula is not in the abstract: 'nearly minimax-optimal' "
                                "is read as the generative-model minimax rate "
                                "Õ(SA/((1-gamma)^3 epsilon^2)) for sufficiently small "
                                "epsilon (see the paper for the range and the logs)."),
             convention=gen_conv, lower_bound="generative.lower"),
        Rate("vi.iterations", 1 / (1 - gamma), polylog=sp.log(1 / ((1 - gamma) * eps)),
             measure="value-iteration sweeps",
             notation="O", explicit=sp.log(1 / ((1 - gamma) * eps)) / (1 - gamma),
             constants="explicit", kind="requirement", quantity="iteration count",
             setting="tabular MDP", algorithm="value iteration", main_var="gamma",
             constraints=[eps * (1 - gamma) < 1],
             citation=ref("Markov Decision Processes: Discrete Stochastic Dynamic "
                          "Programming", "Puterman", 1994),
             convention="V_0 = 0, rewards in [0, 1]; k iterations give ||V_k - V*||_inf <= "
                        "gamma^k/(1-gamma) <= epsilon",
             note="Sufficient k: log(1/((1-gamma) epsilon)) / (1-gamma), using "
                  "log(1/gamma) >= 1 - gamma."),
        Rate("pi.iterations", S * A / (1 - gamma), polylog=sp.log(1 / (1 - gamma)),
             notation="O", kind="upper", quantity="iteration count", setting="tabular MDP",
             algorithm="Howard's policy iteration", main_var="gamma", monotone=["S", "A"],
             citation=ref("Improved and Generalized Upper Bounds on the Complexity of Policy "
                          "Iteration", "Scherrer", 2016, "1306.0386"),
             convention="S states, A actions per state (SA actions in total); discounted",
             note="O(SA/(1-gamma) log(1/(1-gamma))), improving Hansen, Miltersen, Zwick "
                  "(2013) by log S; constants hidden."),
        Rate("dueling_rl.regret", S * H * d * sp.sqrt(T), polylog=sp.log(T / delta),
             notation="Otilde", kind="upper", quantity="regret", setting="RLHF",
             algorithm="Dueling RL (known transitions)", main_var="T", monotone=["T"],
             variables=[variable("d", "dimension of the preference GLM")],
             citation=seed(text="we then propose an algorithm with almost optimal regret "
                                "guarantee of mathcal{O}left( SH d log (T / delta) T right)",
                           restored="Õ(SHd log(T/δ)√T)", **dueling),
             convention="trajectory-preference feedback (1 bit per pair), T rounds, known "
                        "transitions; non-Markovian rewards via a d-dimensional GLM"),
        Rate("dueling_rl.regret_unknown",
             (sp.sqrt(d) + H ** 2 + S) * sp.sqrt(d * T) + sp.sqrt(S * A * T * H),
             notation="Otilde", kind="upper", quantity="regret", setting="RLHF",
             algorithm="Dueling RL (unknown transitions)", main_var="T", monotone=["T"],
             variables=[variable("d", "dimension of the preference GLM")],
             citation=seed(text="provide an algorithm with near optimal regret guarantee "
                                "mathcal{O}((d + H^2 + |S|)dT +|mathcal{S||A|TH} )",
                           restored="Õ((√d + H² + |S|)√(dT) + √(|S||A|TH))", **dueling),
             convention="trajectory-preference feedback, T rounds, unknown transitions"),
        Rate("demo_reg.sample_complexity", 1 / (eps ** 2 * N_E), notation="Otilde",
             kind="upper",
             quantity="sample complexity", setting="tabular MDP",
             algorithm="demonstration-regularised RL", main_var="epsilon",
             variables=[variable("N_E", "number of expert demonstrations", lower=1.0,
                                 lower_open=False, typical=100.0, latex="N^{E}")],
             citation=seed("Demonstration-Regularized RL", (F0, F1, F3, F4),
                           "using N^{E} expert demonstrations enables the identification of "
                           "an optimal policy at a sample complexity of order "
                           "mathcal{O}(Poly(S,A,H)/(varepsilon^2 N^{E})) in finite",
                           authors="Tiapkin, Belomestny, Calandriello, Moulines, Naumov, "
                                   "Perrault, Valko, Ménard", year=2023, arxiv="2310.17303",
                           restored="a sample complexity of order "
                                    "Õ(Poly(S,A,H)/(ε² N^E)) in finite"),
             convention="finite (tabular) episodic MDP",
             note="The Poly(S, A, H) factor is not specified in the abstract and is omitted "
                  "(hidden constant); only the epsilon and N^E dependence is tracked."),
        Rate("layered.sample_complexity", L * S_L * Gam * A / eps ** 2,
             polylog=sp.log(S_L) ** 12, notation="Otilde", kind="upper",
             quantity="sample complexity", setting="exploration",
             algorithm="Layered Autonomous Exploration (LAE)", main_var="epsilon",
             variables=[radius, sl, gm], monotone=["L", "S_L", "A"],
             citation=seed(text="a novel algorithm for AX that attains a sample complexity "
                                "of mathcal{O}(LS^{rightarrow}_{L(1+epsilon)}Gamma_{L(1+epsilon)}"
                                " A ln^{12}(S^{rightarrow}_{L(1+epsilon)})/epsilon^2)",
                           restored="a sample complexity of Õ(L S→_{L(1+ε)} Γ_{L(1+ε)} A "
                                    "ln^12(S→_{L(1+ε)})/ε²)", **lae),
             convention="autonomous exploration (Lim & Auer 2012); S_L counts incrementally "
                        "L(1+epsilon)-controllable states"),
        Rate("layered.minimax", L * S_L * A / eps ** 2, polylog=sp.log(S_L) ** 12,
             notation="Otilde", kind="upper", quantity="sample complexity",
             setting="exploration",
             algorithm="LAE (under identifiability)", main_var="epsilon",
             variables=[radius, sl], monotone=["L", "S_L", "A"],
             citation=seed(text="LAE achieves minimax-optimal sample complexity of "
                                "mathcal{O}(LS^{rightarrow}_{L}Aln^{12}(S^{rightarrow}_{L})"
                                "/epsilon^2)",
                           restored="minimax-optimal sample complexity of "
                                    "Õ(L S→_L A ln^12(S→_L)/ε²)", **lae),
             convention="autonomous exploration, identifiability assumption; S_L counts "
                        "incrementally L-controllable states",
             note="Matches the lower bound of Cai et al. (2022) up to log factors."),
    ]
