"""Learning-augmented online algorithms."""

from __future__ import annotations

from provable.bounds._rate import Rate
from provable.bounds._registry._common import F1, seed, syms, variable


def rates() -> list[Rate]:
    (ell,) = syms("ell")
    cite = seed("Mixing predictions for online metric algorithms", (F1,),
                "Against the best (in hindsight) unconstrained combination of ell predictors, "
                "we obtain a competitive ratio of O(ell^2), and show that this is best "
                "possible.",
                authors="Antoniadis, Coester, Eliáš, Polak, Simon", year=2023, arxiv="2304.01781")
    preds = variable("ell", "number of predictors combined", lower=1.0, lower_open=False,
                     typical=8.0, latex=r"\ell")
    conv = "metrical task systems; benchmark: best dynamic combination of the predictors"
    return [
        Rate("mixing_predictions.ratio", ell ** 2, kind="upper", quantity="competitive ratio",
             setting="online algorithms", algorithm="combining ell predictors",
             main_var="ell", variables=[preds], monotone=["ell"], citation=cite,
             convention=conv, lower_bound="mixing_predictions.lower"),
        Rate("mixing_predictions.lower", ell ** 2, kind="lower",
             quantity="competitive ratio", setting="online algorithms",
             algorithm="any algorithm", main_var="ell", variables=[preds],
             monotone=["ell"], citation=cite, convention=conv,
             note="'this is best possible'."),
    ]
