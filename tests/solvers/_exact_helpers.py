"""Exact rational references for the solver tests: every float of an MDP is the rational
number it represents, and values are solved by Fraction Gaussian elimination written
here (independently of provable's own rational solver)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
from _fraction_solve import fsolve


def rational_model(mdp) -> tuple[list, list, Fraction]:
    P = mdp.dense_P()
    S, A = mdp.S, mdp.A
    Pf = [[[Fraction(float(P[s, a, t])) for t in range(S)] for a in range(A)] for s in range(S)]
    Rf = [[Fraction(float(mdp.R[s, a])) for a in range(A)] for s in range(S)]
    return Pf, Rf, Fraction(float(mdp.gamma))


def policy_value(mdp, policy) -> list[Fraction]:
    """Exact discounted value of a deterministic policy."""
    Pf, Rf, g = rational_model(mdp)
    S = mdp.S
    M = [[(1 if s == t else 0) - g * Pf[s][int(policy[s])][t] for t in range(S)]
         for s in range(S)]
    return fsolve(M, [Rf[s][int(policy[s])] for s in range(S)])


def optimal_value(mdp) -> list[Fraction]:
    """Exact V* by enumerating every deterministic policy (small models only)."""
    best = None
    for pol in itertools.product(range(mdp.A), repeat=mdp.S):
        v = policy_value(mdp, pol)
        best = v if best is None else [max(x, y) for x, y in zip(best, v)]
    return best


def sup_error(V: np.ndarray, exact: list[Fraction]) -> Fraction:
    """``max_s |V[s] - exact[s]|`` computed exactly."""
    return max(abs(Fraction(float(v)) - e) for v, e in zip(np.ravel(V), exact))
