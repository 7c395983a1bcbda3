"""Back end of ``provable solve FILE``."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["solve_command"]


def solve_command(path: str, method: str = "auto", tol: float = 1e-8) -> dict[str, Any]:
    """Load a model (.npz or .json), solve it, and return a JSON-ready dict with keys
    ``V``, ``policy``, ``error_bound``, ``iterations``, ``method``, ``seconds``,
    ``converged`` (plus ``gain`` for average-reward models, and ``V_exact`` and
    ``Q_exact`` for ``method="exact"``: the rational values as ``"p/q"`` strings)."""
    from fractions import Fraction

    from provable.mdp._io import load
    from provable.solvers._solve import solve

    mdp = load(path)
    res = solve(mdp, method=method, tol=tol)
    out = {k: res[k] for k in ("V", "policy", "error_bound", "iterations", "method", "seconds",
                               "converged", "message")}
    if "gain" in res:
        out["gain"] = res["gain"]
    for k in ("V_exact", "Q_exact"):
        if k in res:
            out[k] = np.vectorize(lambda f: f"{Fraction(f).numerator}/{Fraction(f).denominator}",
                                  otypes=[object])(np.asarray(res[k], dtype=object))
    out["model"] = repr(mdp)
    return {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in out.items()}
