"""Policy gradient, natural policy gradient and actor-critic."""

from __future__ import annotations

import sympy as sp

from provable.bounds._rate import Rate
from provable.bounds._registry._common import F0, F1, F2, F3, ref, seed, syms, variable


def rates() -> list[Rate]:
    t, T, S, A, gamma, eps, c, C, d, H = syms("t T S A gamma epsilon c C d H")
    F, c_off = syms("F c_off")
    agarwal = ref("On the Theory of Policy Gradient Methods: Optimality, Approximation, and "
                  "Distribution Shift", "Agarwal, Kakade, Lee, Mahajan", 2021, "1908.00261")
    fat = dict(title="Stochastic Policy Gradient Methods: Improved Sample Complexity for "
                     "Fisher-non-degenerate Policies", files=(F3,),
               authors="Fatkhullin, Barakat, Kireeva, He", year=2023, arxiv="2302.01734")
    pg_conv = ("Fisher-non-degenerate parameterised policies; samples (trajectories) for a "
               "global epsilon-optimal policy")
    pg_note = "Dependence on 1/(1-gamma) and on the Fisher non-degeneracy constant hidden."
    apg = dict(title="Adaptive Policy Learning to Additional Tasks", files=(F1,),
               authors="Hao, Lu, Liang, Zhou, Mou", year=2023, arxiv="2305.15193")
    apg_text = ("This paper provides theoretical analysis which guarantees the "
                    "convergence rate and sample complexity of O(1/T) and O(1/epsilon), "
                    "respectively, where T denotes the number of iterations and epsilon "
                    "denotes the accuracy of the resulting stationary policy.")
    gu = dict(title="Reinforcement Learning with General Utilities: Simpler Variance "
                    "Reduction and Large State-Action Space", files=(F2,),
              authors="Barakat, Fatkhullin, He", year=2023, arxiv="2306.01854")
    gu_text = ("our algorithm achieves mathcal{O}(epsilon^{-3}) and mathcal{O}(epsilon^{-2}) "
               "sample complexities for epsilon-first-order stationarity and epsilon-global "
               "optimality respectively")
    gu_restored = ("our algorithm achieves Õ(ε^{-3}) and Õ(ε^{-2}) sample complexities for "
                   "ε-first-order stationarity and ε-global optimality respectively")
    ac = dict(title="Actor-Critics Can Achieve Optimal Sample Efficiency", files=(F0, F1, F3),
              authors="Tan, Fan, Wei", year=2025, arxiv="2505.03710")
    be = variable("d", "Bellman eluder dimension")
    fcls = variable("F", "size of the critic function class |F|", lower=2.0,
                    lower_open=False, typical=1e6, latex=r"|\mathcal{F}|")

    def sc(id: str, expr: sp.Expr, algorithm: str, cite: dict, text: str, conv: str,
           note: str | None = None, setting: str = "policy gradient",
           restored: str | None = None) -> Rate:
        # Õ where the paper writes it (restored); plain O otherwise
        return Rate(id, expr, kind="upper", quantity="sample complexity", setting=setting,
                    algorithm=algorithm, main_var="epsilon",
                    notation="Otilde" if restored else None,
                    citation=seed(text=text, restored=restored, **cite), convention=conv,
                    note=note)

    return [
        Rate("softmax_pg.convergence", S * C / (c ** 2 * (1 - gamma) ** 6 * t),
             measure="suboptimality V*(ρ) − V^πt(ρ)",
             explicit=16 * S * C / (c ** 2 * (1 - gamma) ** 6 * t), constants="explicit",
             kind="upper", quantity="convergence", setting="policy gradient",
             algorithm="softmax policy gradient (exact gradients)", main_var="t",
             variables=[variable("C", "distribution mismatch ||d_mu^{pi*}/mu||_inf^2 "
                                      "||1/mu||_inf")],
             citation=ref("On the Global Convergence Rates of Softmax Policy Gradient "
                          "Methods", "Mei, Xiao, Szepesvári, Schuurmans", 2020, "2005.06392"),
             convention="V*(rho) - V^{pi_t}(rho) after t iterations, step size "
                        "(1-gamma)^3/8, rewards in [0, 1]",
             note="Theorem 4; c = inf_t min_s pi_t(a*(s)|s) > 0 is instance dependent."),
        Rate("npg.convergence", 1 / ((1 - gamma) ** 2 * T),
             explicit=2 / ((1 - gamma) ** 2 * T), constants="explicit", kind="upper",
             quantity="convergence", setting="policy gradient",
             algorithm="natural policy gradient (softmax, exact)", main_var="T",
             variables=[variable("T", "number of NPG iterations")], citation=agarwal,
             convention="V*(rho) - V^{(T)}(rho), eta = (1-gamma)^2 log|A|, theta_0 = 0, "
                        "rewards in [0, 1]",
             note="Theorem 16: gap <= log|A|/(eta T) + 1/((1-gamma)^2 T); explicit form "
                  "at eta = (1-gamma)^2 log|A|."),
        sc("pg.n_pg_igt", eps ** sp.Rational(-5, 2), "N-PG-IGT", fat,
           "we propose a Normalized Policy Gradient method with Implicit Gradient Transport "
           "(N-PG-IGT) and derive a mathcal{O}(varepsilon^{-2.5}) sample complexity",
           pg_conv, pg_note, restored="derive a Õ(ε^{-2.5}) sample complexity"),
        sc("pg.harpg", eps ** -2, "(N)-HARPG", fat,
           "we further improve this complexity to mathcal{mathcal{O} }(varepsilon^{-2}) by "
           "considering a Hessian-Aided Recursive Policy Gradient ((N)-HARPG) algorithm",
           pg_conv, pg_note, restored="we further improve this complexity to Õ(ε^{-2})"),
        sc("pg.prior", eps ** -3, "previous best stochastic PG (quoted)", fat,
           "Improving over the previously known mathcal{O}(varepsilon^{-3}) complexity",
           pg_conv, "Prior result quoted in the abstract. " + pg_note,
           restored="Improving over the previously known Õ(ε^{-3}) complexity"),
        Rate("apg.convergence", 1 / T, kind="upper", quantity="convergence",
             measure="distance to stationarity",
             setting="policy gradient", algorithm="Adaptive Policy Gradient (APG)",
             main_var="T", variables=[variable("T", "number of iterations")],
             citation=seed(text=apg_text, **apg), convention="convergence to a stationary policy",
             note="Constants hidden."),
        sc("apg.sample_complexity", 1 / eps, "Adaptive Policy Gradient (APG)", apg, apg_text,
           "samples for an epsilon-accurate stationary policy"),
        sc("general_utility.global", eps ** -2, "normalised PG with recursive momentum", gu,
           gu_text, "RL with general utilities (concave utility of the occupancy measure); "
           "epsilon-global optimality", restored=gu_restored),
        sc("general_utility.stationary", eps ** -3, "normalised PG with recursive momentum",
           gu, gu_text, "RL with general utilities; epsilon-first-order stationarity",
           restored=gu_restored),
        sc("general_utility.linear", eps ** -4, "PG with linear-regression occupancy "
           "estimates", gu, "show a mathcal{O}(epsilon^{-4}) sample complexity for a simple "
           "policy gradient method with a linear regression subroutine",
           "large state-action spaces, linear approximation of the occupancy measure",
           restored="show a Õ(ε^{-4}) sample complexity for a simple policy gradient method "
                    "with a linear regression subroutine"),
        Rate("actor_critic.regret", sp.sqrt(T), notation="Otilde", kind="upper",
             quantity="regret", setting="function approximation",
             algorithm="optimistic actor-critic", main_var="T", monotone=["T"],
             citation=seed(text="and accompanying T regret when the Bellman eluder dimension "
                                "d does not increase with T at more than a log T rate",
                           restored="and accompanying √T regret when the Bellman eluder "
                                    "dimension d does not increase with T at more than a "
                                    "log T rate", **ac),
             variables=[variable("T", "number of episodes (trajectories)")],
             convention="finite-horizon MDP of horizon H, general function approximation; T "
                        "is the number of episodes (trajectories); at fixed H the exponent "
                        "is the same in the number of steps TH",
             note="Dependence on d, H hidden; log factors unspecified."),
        Rate("actor_critic.sample_complexity",
             d * H ** 5 * sp.log(A) / eps ** 2 + d * H ** 4 * sp.log(F) / eps ** 2,
             notation="O", kind="upper", quantity="sample complexity",
             setting="function approximation", algorithm="optimistic actor-critic",
             main_var="epsilon", variables=[be, fcls], monotone=["H", "d"],
             citation=seed(text="attains a sample-complexity of O(dH^5 log|A|/epsilon^2 + d "
                                "H^4 log|F|/ epsilon^2) trajectories", **ac),
             convention="trajectories for an epsilon-optimal policy; finite horizon H"),
        Rate("actor_critic.offline_requirement", c_off * d * H ** 4 / eps ** 2,
             notation=">=", kind="requirement", quantity="sample complexity",
             setting="function approximation",
             algorithm="non-optimistic actor-critic with offline data", main_var="epsilon",
             variables=[be, variable("c_off", "single-policy concentrability coefficient",
                                     lower=1.0, lower_open=False, typical=2.0,
                                     latex=r"c^{*}_{\mathrm{off}}")],
             citation=seed(text="only additionally requires N_{off} geq c_{off}^*dH^4/"
                                "epsilon^2 in exchange for omitting optimism", **ac),
             convention="N_off offline samples needed (up to the constant c)",
             note="The abstract writes N_off >= c*_off d H^4 / epsilon^2 with no hidden "
                  "constant shown."),
    ]
