"""Online convex optimisation and prediction with expert advice."""

from __future__ import annotations

import sympy as sp

from provable.bounds._rate import Rate
from provable.bounds._registry._common import F1, F2, ref, seed, syms, variable


def rates() -> list[Rate]:
    T, K, G, D, L, u = syms("T K G D L u")
    s2, S2 = syms("sigma2 Sigma2")
    sigma2 = variable("sigma2", "cumulative stochastic variance sigma^2_{1:T}", lower=0.0,
                      lower_open=False, typical=100.0, latex=r"\sigma^2_{1:T}")
    Sigma2 = variable("Sigma2", "cumulative adversarial variation Sigma^2_{1:T}",
                      lower=0.0, lower_open=False, typical=100.0, latex=r"\Sigma^2_{1:T}")
    experts = variable("K", "number of experts", lower=2.0)
    return [
        Rate("ogd.regret", G * D * sp.sqrt(T), explicit=sp.Rational(3, 2) * G * D * sp.sqrt(T),
             constants="explicit", kind="upper", quantity="regret", setting="OCO",
             algorithm="online gradient descent", main_var="T", monotone=["T", "G", "D"],
             citation=ref("Online Convex Programming and Generalized Infinitesimal Gradient "
                          "Ascent", "Zinkevich", 2003,
                          note="Constant 3/2 from Hazan, Introduction to Online Convex "
                               "Optimization (2016, arXiv 1909.05207), Theorem 3.1 with "
                               "eta_t = D/(G sqrt(t))."),
             convention="convex losses with gradients bounded by G on a set of diameter D",
             lower_bound="oco.lower"),
        Rate("oco.lower", G * D * sp.sqrt(T), kind="lower", quantity="regret",
             setting="OCO", algorithm="any algorithm (minimax)", main_var="T",
             monotone=["T"],
             citation=ref("Optimal Strategies and Minimax Lower Bounds for Online Convex "
                          "Games", "Abernethy, Bartlett, Rakhlin, Tewari", 2008,
                          note="Also Hazan (2016), Theorem 3.2."),
             convention="convex G-Lipschitz losses, decision set of diameter D"),
        Rate("hedge.regret", sp.sqrt(T * sp.log(K)), explicit=sp.sqrt(T * sp.log(K) / 2),
             constants="explicit", kind="upper", quantity="regret", setting="OCO",
             algorithm="Hedge (exponential weights)", main_var="T", variables=[experts],
             monotone=["T", "K"],
             citation=ref("Prediction, Learning, and Games", "Cesa-Bianchi, Lugosi", 2006,
                          note="Theorem 2.2 (eta = sqrt(8 ln K / T)); Hedge: Freund & "
                               "Schapire (1997)."),
             convention="K experts, T rounds, losses in [0, 1], horizon known"),
        Rate("sea.regret", sp.sqrt(s2) + sp.sqrt(S2), kind="upper", quantity="regret",
             setting="OCO", algorithm="optimistic OMD (SEA model, convex smooth)",
             main_var="sigma2", variables=[sigma2, Sigma2], monotone=["sigma2", "Sigma2"],
             citation=seed("Optimistic Online Mirror Descent for Bridging Stochastic and "
                           "Adversarial Online Convex Optimization", (F2,),
                           "For convex and smooth functions, we obtain the same "
                           "O(sigma_{1:T^2}+Sigma_{1:T^2}) regret bound",
                           authors="Chen, Tu, Zhao, Zhang", year=2023, arxiv="2302.04552",
                           restored="O(√σ²_{1:T} + √Σ²_{1:T})"),
             convention="expected regret; sigma2 = sum_t sigma_t^2, Sigma2 = sum_t "
                        "sup_x ||grad F_t(x) - grad F_{t-1}(x)||^2",
             note="Constants (domain diameter, smoothness, gradient bound) hidden; flat "
                  "(O(1)) when sigma2 = Sigma2 = 0."),
        Rate("unbounded_oco.regret", G * u * sp.sqrt(T) + L * u ** 2 * sp.sqrt(T),
             notation="Otilde", kind="upper", quantity="regret", setting="OCO",
             algorithm="unconstrained learner for unbounded losses", main_var="T",
             variables=[variable("G", "constant term of the subgradient bound "
                                      "||g_t|| <= G + L ||w_t||"),
                        variable("L", "growth term of the subgradient bound "
                                      "||g_t|| <= G + L ||w_t||")],
             monotone=["T", "u", "G", "L"],
             citation=seed("Unconstrained Online Learning with Unbounded Losses", (F1,),
                           "we provide an algorithm which guarantees R_{T}(u)le tilde "
                           "O(G|u|T+L|u|^{2}T) regret on any problem where the subgradients "
                           "satisfy |g_{t}|le G+L|w_{t}|",
                           authors="Jacobsen, Cutkosky", year=2023, arxiv="2306.04923",
                           restored="R_T(u) ≤ Õ(G‖u‖√T + L‖u‖²√T)"),
             convention="unbounded domain; comparator u; T rounds",
             note="Unimprovable without further assumptions (per the abstract); log factors "
                  "not specified."),
    ]
