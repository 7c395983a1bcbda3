"""provable: learning theory that computes and checks.

Exact and certified solvers (:mod:`provable.solvers`), symbolic rates with provenance
(:mod:`provable.bounds`), fast simulators of the algorithms (:mod:`provable.learners`),
automata learning (:mod:`provable.automata`) and statistical claim checks
(:mod:`provable.proofs_checks`).

Submodules and the top-level names are loaded on first use, so ``import provable``
stays fast (no numba compilation, no sympy/torch import at import time).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_NAMES = {
    "TabularMDP": "provable.mdp",
    "LinearMDP": "provable.mdp",
    "SolveResult": "provable.solvers",
    "solve": "provable.solvers",
}
_SUBMODULES = ("errors", "mdp", "solvers", "backends", "learners", "automata", "bounds",
               "proofs_checks")

__all__ = sorted([*_NAMES, *_SUBMODULES, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        value = getattr(importlib.import_module(_NAMES[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        mod = importlib.import_module(f"provable.{name}")
        globals()[name] = mod
        return mod
    raise AttributeError(f"module 'provable' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
