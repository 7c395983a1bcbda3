"""Dynamic submodular maximisation."""

from __future__ import annotations

import sympy as sp

from provable.bounds._rate import Rate
from provable.bounds._registry._common import F4, seed, syms, variable


def rates() -> list[Rate]:
    (eps,) = syms("epsilon")
    return [
        Rate("dynamic_submodular.ratio", sp.Rational(1, 2) - eps, notation=">=",
             constants="explicit", kind="lower", quantity="approximation ratio",
             setting="submodular", algorithm="dynamic algorithm, polylog amortised update",
             main_var="epsilon",
             variables=[variable("epsilon", "approximation slack", upper=0.5,
                                 upper_open=True, typical=0.1)],
             citation=seed("Dynamic Constrained Submodular Optimization with Polylogarithmic "
                           "Update Time", (F4,),
                           "In this paper, we develop a simpler algorithm for the problem "
                           "that maintains a (1{2}-epsilon)-approximate solution for "
                           "submodular maximization under cardinality constraint k using a "
                           "polylogarithmic amortized update time.",
                           authors="Banihashem, Biabani, Goudarzi, Hajiaghayi, Jabbarzade, "
                                   "Monemizadeh", year=2023,
                           restored="(1/2 − ε)-approximate solution"),
             convention="monotone submodular f, cardinality constraint k, fully dynamic "
                        "insertions/deletions",
             note="A guarantee: f(solution) >= (1/2 - epsilon) OPT. 1/2 + epsilon needs "
                  "poly(n) amortised queries (Chen & Peng, STOC'22)."),
    ]
