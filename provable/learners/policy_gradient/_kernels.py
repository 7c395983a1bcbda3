"""numba kernels of exact tabular policy gradient (private; compiled lazily)."""

from __future__ import annotations

import numpy as np
from numba import njit

SOFTMAX_PG, NPG = 0, 1


@njit(cache=True)
def softmax_rows(theta, out):
    S, A = theta.shape
    for s in range(S):
        m = theta[s, 0]
        for a in range(1, A):
            if theta[s, a] > m:
                m = theta[s, a]
        tot = 0.0
        for a in range(A):
            out[s, a] = np.exp(theta[s, a] - m)
            tot += out[s, a]
        for a in range(A):
            out[s, a] /= tot


@njit(cache=True)
def evaluate(P, R, gamma, rho, pi, V, Q, d):
    """Exact V (S,), Q (S, A) and discounted state visitation d_rho (S,) of ``pi``;
    returns J = rho . V. ``P`` is (S*A, S)."""
    S, A = pi.shape
    M = np.eye(S)
    r = np.zeros(S)
    for s in range(S):
        for a in range(A):
            w = pi[s, a]
            r[s] += w * R[s, a]
            for y in range(S):
                M[s, y] -= gamma * w * P[s * A + a, y]
    V[:] = np.linalg.solve(M, r)
    d[:] = (1.0 - gamma) * np.linalg.solve(M.T.copy(), rho)
    for s in range(S):
        for a in range(A):
            q = R[s, a]
            for y in range(S):
                q += gamma * P[s * A + a, y] * V[y]
            Q[s, a] = q
    J = 0.0
    for s in range(S):
        J += rho[s] * V[s]
    return J


@njit(cache=True)
def run_pg(code, P, R, gamma, rho, theta, eta, growth, iters, vstar_rho, gaps, sign=1.0,
           decay=0.0, baseline=1.0):
    """``iters`` exact updates from ``theta`` (modified in place); ``gaps[t]`` is
    ``V*(rho) - V^{pi_t}(rho)`` before update t (``gaps`` has iters + 1 entries).

    Planted mistakes (defaults: the algorithm): ``sign`` multiplies the update (-1:
    descent), ``decay`` > 0 multiplies step t by (t + 1)^-decay, ``baseline`` = 0 uses
    Q in place of the advantage Q - V."""
    S, A = theta.shape
    pi = np.empty((S, A))
    V = np.empty(S)
    Q = np.empty((S, A))
    d = np.empty(S)
    step = eta
    for t in range(iters + 1):
        softmax_rows(theta, pi)
        J = evaluate(P, R, gamma, rho, pi, V, Q, d)
        gaps[t] = vstar_rho - J
        if t == iters:
            break
        st = step
        if decay != 0.0:
            st = step * (t + 1.0) ** -decay
        if sign != 1.0:
            st = sign * st
        for s in range(S):
            for a in range(A):
                adv = Q[s, a] - V[s] if baseline == 1.0 else Q[s, a]
                if code == SOFTMAX_PG:
                    theta[s, a] += st * d[s] * pi[s, a] * adv / (1.0 - gamma)
                else:
                    theta[s, a] += st * adv / (1.0 - gamma)
        step *= growth
