"""Stochastic, adversarial, linear and delayed bandits."""

from __future__ import annotations

import sympy as sp

from provable.bounds._rate import Rate
from provable.bounds._registry._common import F2, ref, seed, syms, variable

_ARMS = variable("K", "number of arms", lower=2.0, typical=10.0)
_SYM_GAPS = ("K arms, T rounds, rewards in [0, 1]; the sum over suboptimal arms is "
             "specialised to K - 1 arms with the same gap Delta")


def _kl(p: sp.Expr, q: sp.Expr) -> sp.Expr:
    """Bernoulli relative entropy kl(p, q)."""
    return p * sp.log(p / q) + (1 - p) * sp.log((1 - p) / (1 - q))


def rates() -> list[Rate]:
    T, K, Delta, mu, mu_star, d, L, D = syms("T K Delta mu mu_star d L D")
    c_auer = 1 + sp.pi ** 2 / 3
    auer = ref("Finite-time Analysis of the Multiarmed Bandit Problem",
               "Auer, Cesa-Bianchi, Fischer", 2002,
               note="Theorem 1: E[R_n] <= 8 sum_{i: Delta_i > 0} ln(n)/Delta_i "
                    "+ (1 + pi^2/3) sum_j Delta_j.")
    acfs = ref("The Nonstochastic Multiarmed Bandit Problem",
               "Auer, Cesa-Bianchi, Freund, Schapire", 2002)
    kl = _kl(mu, mu_star)
    banker = dict(title="Banker Online Mirror Descent: A Universal Approach for Delayed "
                        "Online Bandit Learning", files=(F2,),
                  authors="Huang, Dai, Huang", year=2023, arxiv="2301.10500")
    delay = variable("D", "total feedback delay sum_t d_t", lower=0.0, lower_open=False,
                     typical=1e4)
    scale = variable("L", "loss scale (losses in [-L, L], L unknown to the learner)")
    return [
        Rate("ucb1.regret", K / Delta, polylog=sp.log(T), notation="O", kind="upper",
             quantity="regret", setting="bandit", algorithm="UCB1", citation=auer,
             main_var="T", variables=[_ARMS], monotone=["T"],
             explicit=8 * (K - 1) * sp.log(T) / Delta + c_auer * (K - 1) * Delta,
             forms={"gap_free": 2 * sp.sqrt(8 * K * T * sp.log(T)) + c_auer * K},
             constants="explicit", convention=_SYM_GAPS,
             assumptions=["rewards i.i.d. in [0, 1]", "index mean + sqrt(2 ln t / n_i)"],
             lower_bound="lai_robbins.lower",
             note="explicit = Auer et al. Theorem 1 with K - 1 arms at gap Delta. The "
                  "gap_free form 2 sqrt(8 K T ln T) + (1 + pi^2/3) K is derived here from "
                  "Theorem 1 by the usual threshold argument (arms with Delta_i below "
                  "sqrt(8 K ln T / T) cost at most T Delta each); it is not stated in the "
                  "paper."),
        Rate("ucb1.regret_gap_free", sp.sqrt(K * T), polylog=sp.sqrt(sp.log(T)),
             notation="O", kind="upper", quantity="regret", setting="bandit",
             algorithm="UCB1 (gap-free)", citation=auer, main_var="T", variables=[_ARMS],
             explicit=2 * sp.sqrt(8 * K * T * sp.log(T)) + c_auer * K, constants="explicit",
             monotone=["T", "K"], convention="K arms, T rounds, rewards in [0, 1]",
             lower_bound="bandit.minimax_lower",
             note="Derived from Auer et al. Theorem 1 (see ucb1.regret); worst case over "
                  "gaps."),
        Rate("moss.regret", sp.sqrt(K * T), kind="upper", quantity="regret",
             setting="bandit", algorithm="MOSS", main_var="T", variables=[_ARMS],
             explicit=49 * sp.sqrt(K * T), constants="explicit", monotone=["T", "K"],
             citation=ref("Minimax Policies for Adversarial and Stochastic Bandits",
                          "Audibert, Bubeck", 2009,
                          note="COLT 2009: sup over instances of E[R_n] <= 49 sqrt(nK)."),
             convention="K arms, T rounds (T >= K), rewards in [0, 1]",
             lower_bound="bandit.minimax_lower"),
        Rate("klucb.regret", (K - 1) * (mu_star - mu) / kl, polylog=sp.log(T),
             notation="O", kind="upper", quantity="regret", setting="bandit",
             algorithm="KL-UCB", main_var="T", variables=[_ARMS], monotone=["T"],
             constraints=[mu < mu_star],
             citation=ref("The KL-UCB Algorithm for Bounded Stochastic Bandits and Beyond",
                          "Garivier, Cappé", 2011, "1102.2490"),
             convention=_SYM_GAPS + "; Bernoulli arms with means mu (suboptimal) and "
                        "mu_star (optimal)",
             lower_bound="lai_robbins.lower",
             note="Leading term: E[N_a(T)] <= (1 + eps) log T / kl(mu_a, mu*) + "
                  "O(log log T); the leading constant is 1 (asymptotically optimal), the "
                  "lower-order constants are hidden."),
        Rate("lai_robbins.lower", (K - 1) * (mu_star - mu) / kl, polylog=sp.log(T),
             notation=">=", kind="lower", quantity="regret", setting="bandit",
             algorithm="any uniformly good policy", main_var="T", variables=[_ARMS],
             monotone=["T"], constraints=[mu < mu_star], constants="explicit",
             citation=ref("Asymptotically Efficient Adaptive Allocation Rules",
                          "Lai, Robbins", 1985),
             convention=_SYM_GAPS + "; Bernoulli arms",
             note="Asymptotic: liminf_T E[R_T] / log T >= sum_a Delta_a / kl(mu_a, mu*)."),
        Rate("exp3.regret", sp.sqrt(K * T * sp.log(K)), kind="upper", quantity="regret",
             setting="bandit", algorithm="EXP3", main_var="T", variables=[_ARMS],
             explicit=2 * sp.sqrt(sp.E - 1) * sp.sqrt(K * T * sp.log(K)),
             constants="explicit", monotone=["T"], citation=acfs,
             convention="K arms, T rounds, adversarial rewards in [0, 1]; g = T",
             assumptions=["gamma tuned with an upper bound g >= G_max (here g = T)"],
             lower_bound="bandit.minimax_lower",
             note="Corollary 3.2: G_max - E[G_Exp3] <= 2 sqrt(e - 1) sqrt(g K ln K)."),
        Rate("bandit.minimax_lower", sp.sqrt(K * T), kind="lower", quantity="regret",
             setting="bandit", algorithm="any algorithm (minimax)", main_var="T",
             variables=[_ARMS], explicit=sp.sqrt(K * T) / 20, constants="explicit",
             monotone=["T", "K"], citation=acfs,
             convention="K >= 2 arms, T rounds, rewards in [0, 1]",
             note="Theorem 5.1: expected regret >= (1/20) min(sqrt(KT), T); the sqrt(KT) "
                  "branch is stored (T >= K)."),
        Rate("oful.regret", d * sp.sqrt(T), polylog=sp.log(T), kind="upper",
             quantity="regret", setting="linear bandit", algorithm="OFUL",
             main_var="T", monotone=["T"],
             citation=ref("Improved Algorithms for Linear Stochastic Bandits",
                          "Abbasi-Yadkori, Pál, Szepesvári", 2011,
                          note="Theorem 3: R_T <= 4 sqrt(T d log(lambda + T L/d)) (lambda^{1/2} S "
                               "+ R sqrt(2 log(1/delta) + d log(1 + T L/(lambda d))))."),
             convention="d-dimensional actions, T rounds, R-sub-Gaussian noise",
             lower_bound="linear_bandit.lower",
             note="Order form; the log(1/delta) and norm bounds S, L, R are hidden."),
        Rate("linear_bandit.lower", d * sp.sqrt(T), kind="lower", quantity="regret",
             setting="linear bandit", algorithm="any algorithm (minimax)", main_var="T",
             monotone=["T"],
             citation=ref("Stochastic Linear Optimization under Bandit Feedback",
                          "Dani, Hayes, Kakade", 2008),
             convention="d-dimensional action set, T rounds"),
        Rate("banker_omd.regret", sp.sqrt(K) * L * (sp.sqrt(T) + sp.sqrt(D)),
             notation="Otilde", kind="upper", quantity="regret", setting="delayed bandit",
             algorithm="Banker-OMD (delayed scale-free MAB)", main_var="T",
             variables=[_ARMS, delay, scale], monotone=["T", "D", "L"],
             citation=seed(text="Banker-OMD leads to the first delayed scale-free "
                                "adversarial MAB algorithm achieving mathcal O(KL(sqrt "
                                "T+sqrt D)) regret",
                           restored="Õ(√K·L(√T+√D)) regret", **banker),
             convention="K arms, T rounds, total delay D, unknown loss scale L",
             note="Log factors are not specified in the abstract."),
        Rate("banker_omd.regret_nodelay", sp.sqrt(K * T) * L, notation="Otilde",
             kind="upper", quantity="regret", setting="bandit",
             algorithm="Banker-OMD (scale-free MAB, no delay)", main_var="T",
             variables=[_ARMS, scale], monotone=["T", "L"],
             citation=seed(text="the first application also implies mathcal O(KTL) regret "
                                "for non-delayed scale-free adversarial MABs",
                           restored="Õ(√(KT)·L)", **banker),
             convention="K arms, T rounds, unknown loss scale L",
             lower_bound="banker_omd.lower"),
        Rate("banker_omd.lower", sp.sqrt(K * T) * L, kind="lower", quantity="regret",
             setting="bandit", algorithm="scale-free adversarial MAB (any algorithm)",
             main_var="T", variables=[_ARMS, scale], monotone=["T", "L"],
             citation=seed(text="which is the first to match the Omega(KTL) lower bound up "
                                "to logarithmic factors",
                           restored="Ω(√(KT)·L)", **banker),
             convention="K arms, T rounds, loss scale L"),
    ]
