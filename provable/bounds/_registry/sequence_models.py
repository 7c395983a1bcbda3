"""Computational modes of sequence models."""

from __future__ import annotations

import sympy as sp

from provable.bounds._rate import Rate
from provable.bounds._registry._common import F1, seed, syms


def rates() -> list[Rate]:
    (l,) = syms("l")  # noqa: E741 - the paper's symbol
    text = ("Our method comes with a low-cost O(l) recurrent mode and an efficient O(l "
            "log_{2} l) parallel mode making use of highly optimized associative scan "
            "implementations. Furthermore, we derive an O(l^2) surrogate attention mode")
    cite = seed("GateLoop: Fully Data-Controlled Linear Recurrence for Sequence Modeling",
                (F1,), text, authors="Katsch", year=2023, arxiv="2311.01927")
    conv = "cost in the sequence length l (all modes compute the same outputs)"
    common = dict(kind="upper", quantity="time complexity", setting="sequence models",
                  main_var="l", monotone=["l"], citation=cite, convention=conv)
    return [
        Rate("gateloop.recurrent", l, algorithm="GateLoop recurrent mode", **common),
        Rate("gateloop.parallel", l, polylog=sp.log(l, 2), notation="O",
             algorithm="GateLoop parallel (associative scan) mode", **common),
        Rate("gateloop.attention", l ** 2, algorithm="GateLoop surrogate attention mode",
             **common),
    ]
