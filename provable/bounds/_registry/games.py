"""Learning in games: duality gaps and exploitability."""

from __future__ import annotations

import sympy as sp

from provable.bounds._rate import Rate
from provable.bounds._registry._common import F2, seed, syms, variable


def rates() -> list[Rate]:
    (T,) = syms("T")
    iters = variable("T", "number of iterations")
    onpo = dict(title="Improving LLM General Preference Alignment via Optimistic Online "
                      "Mirror Descent", files=(F2,),
                authors="Zhang, Yu, Ge, Song, Zeng, Mi, Jiang, Yu", year=2025,
                arxiv="2502.16852",
                text="Theoretically, we demonstrate that our approach achieves an O(T^{-1}) "
                     "bound on the duality gap, improving upon the previous O(T^{-1/2}) "
                     "result.")
    return [
        Rate("optimistic_omd.gap", 1 / T, kind="upper", quantity="convergence",
             measure="duality gap",
             setting="game", algorithm="optimistic OMD self-play (ONPO)", main_var="T",
             variables=[iters], citation=seed(**onpo),
             convention="duality gap of the averaged policy in the preference game after T "
                        "iterations", lower_bound=None,
             note="Constants hidden."),
        Rate("hedge_selfplay.gap", 1 / sp.sqrt(T), kind="upper", quantity="convergence",
             measure="duality gap",
             setting="game", algorithm="OMD / Hedge self-play (previous result)",
             main_var="T", variables=[iters], citation=seed(**onpo),
             convention="duality gap of the averaged policy after T iterations",
             note="The 'previous O(T^{-1/2}) result' quoted in the same abstract "
                  "(non-optimistic mirror descent / Hedge self-play); constants hidden."),
        Rate("efg_local_omd.gap", 1 / sp.sqrt(T), notation="Otilde", kind="upper",
             quantity="convergence",
             setting="game", algorithm="local adaptive OMD (fixed sampling)", main_var="T",
             variables=[variable("T", "number of episodes")],
             citation=seed("Local and adaptive mirror descents in extensive-form games",
                           (F2,),
                           "We show that this approach guarantees a convergence rate of "
                           "mathcal{O}(T^{-1/2}) with high probability",
                           authors="Fiegel, Ménard, Kozuno, Munos, Perchet, Valko", year=2023,
                           arxiv="2309.00656",
                           restored="a convergence rate of Õ(T^{-1/2}) with high probability"),
             convention="exploitability after T episodes of trajectory feedback, zero-sum "
                        "imperfect-information game",
             note="High probability; game-size dependence hidden."),
    ]
