"""Linear MDPs: stochastic (LSVI-UCB) and adversarial with bandit feedback."""

from __future__ import annotations

import sympy as sp

from provable.bounds._rate import Rate
from provable.bounds._registry._common import F0, F1, F2, F3, F4, ref, seed, syms, variable


def rates() -> list[Rate]:
    T, K, d, H, delta, eps, N_E = syms("T K d H delta epsilon N_E")
    episodes = variable("K", "number of episodes")
    liu = dict(title="Towards Optimal Regret in Adversarial Linear MDPs with Bandit Feedback",
               files=(F2,), authors="Liu, Wei, Zimmert", year=2024, arxiv="2310.11550")
    sherman = dict(title="Improved Regret for Efficient Online Reinforcement Learning with "
                         "Linear Function Approximation", files=(F2,),
                   authors="Sherman, Koren, Mansour", year=2023, arxiv="2301.13087")
    adv = ("adversarial losses, bandit feedback, unknown transitions; K episodes; "
           "d and H dependence hidden")

    def adv_rate(id: str, expr: sp.Expr, algorithm: str, cite: dict, text: str,
                 restored: str | None = None, note: str | None = None) -> Rate:
        return Rate(id, expr, notation="Otilde", kind="upper", quantity="regret",
                    setting="adversarial linear MDP", algorithm=algorithm, main_var="K",
                    variables=[episodes], monotone=["K"],
                    citation=seed(text=text, restored=restored, **cite), convention=adv,
                    note=note)

    return [
        Rate("lsvi_ucb.regret", sp.sqrt(d ** 3 * H ** 3 * T), polylog=sp.log(d * T / delta),
             kind="upper", quantity="regret", setting="linear MDP", algorithm="LSVI-UCB",
             main_var="T", monotone=["T", "d", "H"],
             citation=ref("Provably Efficient Reinforcement Learning with Linear Function "
                          "Approximation", "Jin, Yang, Wang, Jordan", 2020, "1907.05388"),
             convention="T = KH steps; d-dimensional linear MDP; rewards in [0, 1] per step",
             note="Theorem 3.1: O(sqrt(d^3 H^3 T iota^2)), iota = log(2dT/delta); "
                  "constants hidden."),
        adv_rate("adv_linear_mdp.regret", K ** sp.Rational(3, 4),
                 "policy optimisation (computationally efficient)", liu,
                 "The second algorithm, which is based on the policy optimization framework, "
                 "guarantees a regret of mathcal{O}left(K^{3{4}} right) and is "
                 "computationally efficient.", restored="Õ(K^{3/4})"),
        adv_rate("adv_linear_mdp.regret_inefficient", sp.sqrt(K),
                 "computationally inefficient algorithm", liu,
                 "The first algorithm, although computationally inefficient, ensures a regret "
                 "of mathcal{O}left(Kright), where K is the number of episodes.",
                 restored="Õ(√K)"),
        adv_rate("adv_linear_mdp.sherman", K ** sp.Rational(6, 7),
                 "policy optimisation with exploration bonuses", sherman,
                 "Our algorithm obtains an widetilde O(K^{6/7}) regret bound, improving "
                 "significantly over previous state-of-the-art of widetilde O (K^{14/15}) in "
                 "this setting."),
        adv_rate("adv_linear_mdp.prior", K ** sp.Rational(14, 15),
                 "previous state of the art (quoted)", sherman,
                 "Our algorithm obtains an widetilde O(K^{6/7}) regret bound, improving "
                 "significantly over previous state-of-the-art of widetilde O (K^{14/15}) in "
                 "this setting.", note="Prior result quoted in the abstract."),
        adv_rate("adv_linear_mdp.simulator", K ** sp.Rational(2, 3),
                 "policy optimisation with a simulator", sherman,
                 "prove it obtains state-of-the-art regret of widetilde O (K^{2/3})",
                 note="With access to a simulator of the environment."),
        Rate("demo_reg.linear", 1 / (eps ** 2 * N_E), notation="Otilde", kind="upper",
             quantity="sample complexity", setting="linear MDP",
             algorithm="demonstration-regularised RL", main_var="epsilon",
             variables=[variable("N_E", "number of expert demonstrations", lower=1.0,
                                 lower_open=False, typical=100.0, latex="N^{E}")],
             citation=seed("Demonstration-Regularized RL", (F0, F1, F3, F4),
                           "mathcal{O}(Poly(d,H)/(varepsilon^2 N^{E})) in linear Markov "
                           "decision processes",
                           authors="Tiapkin, Belomestny, Calandriello, Moulines, Naumov, "
                                   "Perrault, Valko, Ménard", year=2023, arxiv="2310.17303",
                           restored="Õ(Poly(d,H)/(ε² N^E)) in linear Markov decision "
                                    "processes"),
             convention="linear MDP of dimension d, horizon H",
             note="The Poly(d, H) factor is not specified in the abstract and is omitted."),
    ]
