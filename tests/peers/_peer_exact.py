"""Exact rational references for the ported peer suites, computed here from the peer's
own arrays (pymdptoolbox layout ``P[a][s, t]``, ``R[s, a]``), never from a provable model:
every float is the rational number it represents; values by Fraction Gaussian
elimination, optimality by Howard's policy iteration in rationals (which terminates and
ends with the Bellman optimality equation holding exactly)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import scipy.sparse as sp
from _fraction_solve import fsolve


def rational(P, R, gamma=None):
    """Fractions ``Pf[s][a][t]``, ``Rf[s][a]`` from pymdptoolbox's P (A, S, S) (dense or a
    sequence of dense/sparse matrices) and R (S, A); ``gamma`` as a Fraction."""
    mats = [np.asarray(m.toarray() if sp.issparse(m) else m, dtype=float) for m in P]
    A, S = len(mats), mats[0].shape[0]
    R = np.asarray(R, dtype=float)
    Pf = [[[Fraction(float(mats[a][s, t])) for t in range(S)] for a in range(A)]
          for s in range(S)]
    Rf = [[Fraction(float(R[s, a])) for a in range(A)] for s in range(S)]
    return Pf, Rf, None if gamma is None else Fraction(float(gamma))




def policy_value(model, policy):
    Pf, Rf, g = model
    S = len(Pf)
    M = [[(1 if s == t else 0) - g * Pf[s][policy[s]][t] for t in range(S)] for s in range(S)]
    return fsolve(M, [Rf[s][policy[s]] for s in range(S)])


def q_values(model, V, gamma=None):
    Pf, Rf, g = model
    g = g if gamma is None else gamma
    S, A = len(Pf), len(Pf[0])
    return [[Rf[s][a] + g * sum(Pf[s][a][t] * V[t] for t in range(S)) for a in range(A)]
            for s in range(S)]


def optimal(model, policy0=None):
    """(V*, optimal policy) by rational policy iteration (strict improvement only)."""
    Pf, Rf, g = model
    S, A = len(Pf), len(Pf[0])
    pi = [0] * S if policy0 is None else [int(a) for a in policy0]
    while True:
        V = policy_value(model, pi)
        Q = q_values(model, V)
        new = [pi[s] if Q[s][pi[s]] == max(Q[s]) else max(range(A), key=lambda a: Q[s][a])
               for s in range(S)]
        if new == pi:
            assert all(V[s] == max(Q[s]) for s in range(S))   # Bellman optimality, exactly
            return V, pi
        pi = new


def optimal_policies(model, V):
    """For each state, the set of actions attaining the max at V* (exact)."""
    Q = q_values(model, V)
    return [{a for a, q in enumerate(row) if q == max(row)} for row in Q]


def macqueen_interval(model, V, policy=None):
    """MacQueen–Porteus bounds from any vector V: with D = TV - V and c = g / (1 - g),
    V* lies in [TV + c min D, TV + c max D] (T the Bellman operator, or T_pi when a
    policy is given)."""
    _, _, g = model
    Vf = [Fraction(float(v)) for v in V]
    Q = q_values(model, Vf)
    TV = [max(row) if policy is None else row[policy[s]] for s, row in enumerate(Q)]
    D = [a - b for a, b in zip(TV, Vf)]
    c = g / (1 - g)
    return [t + c * min(D) for t in TV], [t + c * max(D) for t in TV]


def unichain_gain(model, policy):
    """Exact gain and bias (h[0] = 0) of a unichain policy: g + h = r + P h."""
    Pf, Rf, _ = model
    S = len(Pf)
    # unknowns: g, h[1..S-1]
    M, b = [], []
    for s in range(S):
        row = [Fraction(1)] + [(1 if s == t else 0) - Pf[s][policy[s]][t] for t in range(1, S)]
        M.append(row)
        b.append(Rf[s][policy[s]])
    x = fsolve(M, b)
    return x[0], [Fraction(0)] + x[1:]


def average_optimal(model, policy):
    """Exact optimal gain, checked by the average-reward optimality equation
    g + h(s) = max_a r(s, a) + P h (exactly) for the given unichain policy."""
    Pf, Rf, _ = model
    g, h = unichain_gain(model, policy)
    Q = q_values(model, h, gamma=Fraction(1))
    assert all(max(Q[s]) - h[s] == g for s in range(len(Pf))), "policy is not gain-optimal"
    return g


def to_float(xs):
    return np.array([float(x) for x in xs])
