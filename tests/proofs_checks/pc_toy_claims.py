"""Toy claims for the engine's own tests (not registered globally).

The experiments are module-level functions so that joblib/Dask workers can unpickle
them by reference. ``TOY_CLAIMS`` are installed into the registry by the
``toy_registry`` fixture only for the duration of a test.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from provable.bounds._citation import Citation
from provable.proofs_checks import (
    Claim,
    Verdict,
    flags_verdict,
    rate_verdict,
    residual_verdict,
)

GRID = np.array([1e2, 1e3, 1e4, 1e5])

# how often each experiment ran in this process (to see the cache work)
CALLS: dict[str, int] = {}

REF = Citation("A Toy Paper on Square Roots", "Tester, Checker", 2024, arxiv="2401.00001",
               seed_file="000_toy.txt", seed_text="the regret is O( T) after T rounds",
               restored="the regret is O(√T) after T rounds",
               note="synthetic noise stands in for an algorithm")
CLASSIC = Citation("Classic Identities", "Euler", 1748, origin="reference")


def _count(name: str) -> None:
    CALLS[name] = CALLS.get(name, 0) + 1
    marker = os.environ.get("PC_TOY_MARKER_DIR")
    if marker:  # visible across processes
        (Path(marker) / f"{name}-{os.getpid()}-{time.time_ns()}").touch()


def sqrt_rate(params: dict, seed: int) -> Verdict:
    """Regret 2√T times log-normal noise: holds for exponent 1/2."""
    _count("sqrt_rate")
    rng = np.random.default_rng(seed)
    ys = 2.0 * np.sqrt(GRID) * np.exp(0.05 * rng.standard_normal((params["seeds"], GRID.size)))
    return rate_verdict(GRID, ys, expected=0.5, kind="upper", tol=0.1,
                        var="T", seed=seed)


def fast_rate(params: dict, seed: int) -> Verdict:
    """Data grows like T^0.8 but the claim says T^0.5: violated."""
    _count("fast_rate")
    rng = np.random.default_rng(seed)
    ys = GRID ** 0.8 * np.exp(0.05 * rng.standard_normal((params["seeds"], GRID.size)))
    return rate_verdict(GRID, ys, expected=0.5, kind="upper", tol=0.1,
                        var="T", seed=seed)


def identity(params: dict, seed: int) -> Verdict:
    """sin² + cos² = 1 on random points; the control drops the cos² term."""
    _count("identity")
    x = np.random.default_rng(seed).uniform(-10, 10, params["n"])
    res = float(np.max(np.abs(np.sin(x) ** 2 + np.cos(x) ** 2 - 1)))
    wrong = float(np.max(np.abs(np.sin(x) ** 2 - 1)))
    return residual_verdict(res, tol=1e-12, control_residual=wrong, what="max |sin²+cos²-1|")


def flags(params: dict, seed: int) -> Verdict:
    """Squares are non-negative; the control claims cubes are."""
    _count("flags")
    x = np.random.default_rng(seed).normal(size=params["n"])
    return flags_verdict(x ** 2 >= 0, what="x² >= 0", control_flags=x ** 3 >= 0,
                         control_what="x³ >= 0")


def broken(params: dict, seed: int) -> Verdict:
    """An experiment with a bug."""
    _count("broken")
    raise ValueError(f"boom at n={params['n']}")


def no_control(params: dict, seed: int) -> Verdict:
    """Holds but attaches no negative control (a harness defect)."""
    _count("no_control")
    return Verdict(claim="", status="holds", measured=0.0, expected=0.0, reason="trivially")


def _c(id: str, fn, kind: str, citation: Citation = CLASSIC, **budgets) -> Claim:
    return Claim(id=id, statement=(fn.__doc__ or "").strip(), kind=kind, citation=citation,
                 experiment=fn, budgets=budgets or {"quick": {"n": 100}, "full": {"n": 10000}},
                 design="toy experiment for the engine tests")


TOY_CLAIMS = [
    _c("toy.sqrt_rate", sqrt_rate, "rate_upper", REF,
       quick={"seeds": 8}, full={"seeds": 32}),
    _c("toy.fast_rate", fast_rate, "rate_upper", quick={"seeds": 8}, full={"seeds": 32}),
    _c("toy.identity", identity, "identity"),
    _c("toy.flags", flags, "property"),
    _c("toy.broken", broken, "property"),
    _c("toy.no_control", no_control, "property"),
]
