"""RLHF and alignment closed forms."""

from __future__ import annotations

import sympy as sp

from provable.bounds._rate import Rate
from provable.bounds._registry._common import F0, F1, F2, F3, ref, seed, syms, variable


def rates() -> list[Rate]:
    N, beta = syms("N beta")
    return [
        Rate("nash_mp.kl", (1 + 2 * beta) ** (-N / 2), kind="upper",
             measure="KL to the regularised Nash equilibrium",
             quantity="convergence", setting="RLHF", algorithm="Nash Mirror Prox (Nash-MP)",
             main_var="N", typical={"N": 20},
             variables=[variable("N", "number of preference queries"),
                                      variable("beta", "KL-regularisation strength beta")],
             citation=seed("Accelerating Nash Learning from Human Feedback via Mirror Prox",
                           (F0, F1, F2, F3),
                           "we prove that the KL-divergence to the optimal policy decreases "
                           "at a rate of order (1+2beta)^{-N/2}, where N is a number of "
                           "preference queries",
                           authors="Tiapkin, Calandriello, Belomestny, Moulines, Naumov, "
                                   "Rasul, Valko, Ménard", year=2025, arxiv="2505.19731"),
             convention="KL to the beta-regularised Nash equilibrium; last iterate",
             assumptions=["exact proximal steps"],
             note="Linear (exponential) convergence: exponent('N') is -oo, use "
                  "decay_rate('N') = -log(1 + 2 beta)/2. The multiplicative constant C "
                  "(initial KL) is hidden; the rate is independent of |A|."),
        Rate("bon.kl", sp.log(N) - (N - 1) / N, notation="<=", constants="explicit",
             kind="upper", quantity="divergence", setting="RLHF",
             algorithm="best-of-N sampling", main_var="N", monotone=["N"],
             variables=[variable("N", "number of samples drawn (best of N)")],
             citation=ref("Learning to summarize from human feedback",
                          "Stiennon, Ouyang, Wu, Ziegler, Lowe, Voss, Radford, Amodei, "
                          "Christiano", 2020, "2009.01325",
                          note="Beirami et al. (2024, arXiv 2401.01879) show the formula is "
                               "an upper bound on KL(pi_BoN || pi_ref), with equality for "
                               "continuous rewards (no ties)."),
             convention="KL(pi_BoN || pi_ref) in nats"),
    ]
