"""Rates: symbolic bound calculators with provenance, and generated rate tables.

>>> from provable import bounds
>>> r = bounds.get("ucbvi.regret")
>>> r.exponent("T"), r.polylog
(1/2, log(T))
>>> bounds.get("avg_reward.tmix").exponent("t_mix")
1

Only :class:`Citation` is imported eagerly; everything that needs sympy loads on first
use, so ``import provable.proofs_checks`` (which cites papers) stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from provable.bounds._citation import Citation

__all__ = ["Rate", "Citation", "Variable", "Growth", "Comparison", "get", "search", "all",
           "table", "bibtex", "compare"]

_LAZY = {
    "all": "provable.bounds._api",
    "get": "provable.bounds._api",
    "search": "provable.bounds._api",
    "Comparison": "provable.bounds._rate",
    "Growth": "provable.bounds._rate",
    "Rate": "provable.bounds._rate",
    "compare": "provable.bounds._rate",
    "table": "provable.bounds._table",
    "bibtex": "provable.bounds._table",
    "Variable": "provable.bounds._variables",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'provable.bounds' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
