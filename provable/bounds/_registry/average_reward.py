"""Average-reward MDPs with a generative model."""

from __future__ import annotations

from provable.bounds._rate import Rate
from provable.bounds._registry._common import F1, seed, syms


def rates() -> list[Rate]:
    S, A, t_mix, eps = syms("S A t_mix epsilon")
    cite = dict(title="Optimal Sample Complexity for Average Reward Markov Decision Processes",
                files=(F1,), authors="Wang, Blanchet, Glynn", year=2024, arxiv="2310.08833")
    conv = ("uniformly ergodic MDP, generative model; total samples for an epsilon-optimal "
            "policy (gain within epsilon); t_mix bounds all total-variation mixing times")
    return [
        Rate("avg_reward.tmix", S * A * t_mix / eps ** 2, notation="Otilde", kind="upper",
             measure="generative-model samples",
             quantity="sample complexity", setting="average-reward MDP",
             algorithm="Wang-Blanchet-Glynn estimator", main_var="t_mix",
             monotone=["t_mix", "S", "A"], lower_bound="avg_reward.tmix_lower",
             citation=seed(text="Our primary contribution is the development of an estimator "
                                "for the optimal policy of average reward MDPs with a sample "
                                "complexity of widetilde O(|S||A|t_{mix}epsilon^{-2})", **cite),
             convention=conv, note="Log factors not specified in the abstract."),
        Rate("avg_reward.tmix_prior", S * A * t_mix ** 2 / eps ** 2, notation="Otilde",
             kind="upper", quantity="sample complexity", setting="average-reward MDP",
             algorithm="previous best (Jin & Sidford 2020)", main_var="t_mix",
             monotone=["t_mix", "S", "A"], lower_bound="avg_reward.tmix_lower",
             citation=seed(text="the existing literature provides a sample complexity upper "
                                "bound of widetilde O(|S||A|t_{mix}^2 epsilon^{-2})", **cite),
             convention=conv,
             note="Prior result quoted in the seed abstract: Jin & Sidford, 'Efficiently "
                  "Solving MDPs with Stochastic Mirror Descent' (ICML 2020, arXiv 2008.12776), "
                  "Õ(t_mix^2 A_tot epsilon^-2) samples with A_tot = |S||A|."),
        Rate("avg_reward.tmix_lower", S * A * t_mix / eps ** 2, kind="lower",
             quantity="sample complexity", setting="average-reward MDP",
             algorithm="any algorithm (minimax)", main_var="t_mix",
             monotone=["t_mix", "S", "A"],
             citation=seed(text="and a lower bound of Omega(|S||A|t_{mix} epsilon^{-2})",
                           **cite),
             convention=conv,
             note="Lower bound quoted in the seed abstract: Jin & Sidford, 'Towards Tight "
                  "Bounds on the Sample Complexity of Average-reward MDPs' (ICML 2021, arXiv "
                  "2106.07046), a linear dependence on t_mix is necessary."),
    ]
