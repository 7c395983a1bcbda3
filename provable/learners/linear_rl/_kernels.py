"""numba kernels of the linear RL learners (private).

Randomness comes in as arrays of uniforms / normals drawn by numpy Generators in the
front end, so a run is a pure function of its seed whatever the back end.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _sherman_morrison(Linv, x, u):
    """Linv <- (Linv^{-1} + x x^T)^{-1} in place (Linv symmetric); ``u`` is scratch (d,)."""
    d = x.shape[0]
    den = 1.0
    for i in range(d):
        acc = 0.0
        for j in range(d):
            acc += Linv[i, j] * x[j]
        u[i] = acc
        den += x[i] * acc
    for i in range(d):
        for j in range(d):
            Linv[i, j] -= u[i] * u[j] / den


@njit(cache=True)
def _quad(M, x):
    """x^T M x."""
    d = x.shape[0]
    tot = 0.0
    for i in range(d):
        acc = 0.0
        for j in range(d):
            acc += M[i, j] * x[j]
        tot += x[i] * acc
    return tot


@njit(cache=True)
def _plan(Phi, R, N, n, Linv, beta, H, S, A, Q, Vh, W, power=0.5):
    """LSVI-UCB planning step from the statistics: fills Q (H, S*A) and W (H, d).

    The bonus is ``beta * (phi^T Linv phi) ** power`` (power 1/2: the paper's
    ``beta ||phi||_{Linv}``; a negative ``beta`` or another power plants a mistake)."""
    SA = S * A
    d = Phi.shape[1]
    Vnext = np.zeros(S)
    b = np.empty(d)
    for h in range(H - 1, -1, -1):
        for i in range(d):
            b[i] = 0.0
        for sa in range(SA):
            if n[h, sa] == 0.0:
                continue
            acc = n[h, sa] * R[h, sa]
            for t in range(S):
                acc += N[h, sa, t] * Vnext[t]
            for i in range(d):
                b[i] += Phi[sa, i] * acc
        for i in range(d):
            acc = 0.0
            for j in range(d):
                acc += Linv[h, i, j] * b[j]
            W[h, i] = acc
        for sa in range(SA):
            x = Phi[sa]
            q = 0.0
            for i in range(d):
                q += x[i] * W[h, i]
            if beta != 0.0:
                if power == 0.5:
                    q += beta * np.sqrt(max(_quad(Linv[h], x), 0.0))
                else:
                    q += beta * max(_quad(Linv[h], x), 0.0) ** power
            Q[h, sa] = min(q, float(H))
        for s in range(S):
            best = -np.inf
            for a in range(A):
                if Q[h, s * A + a] > best:
                    best = Q[h, s * A + a]
            Vh[h, s] = best
            Vnext[s] = best


@njit(cache=True)
def lsvi_ucb_run(Phi, P, R, s0, v_star, beta, lam, eps, U_step, U_eps, U_act,
                 checkpoints, H, S, A, regret_out, Linv, N, n, Q, W, power=0.5, forced=0.0):
    """One LSVI-UCB run of K = U_step.shape[0] episodes.

    P (H, S*A, S), R (H, S*A), Phi (S*A, d). ``U_step`` (K, H) uniforms for the
    transitions, ``U_eps``/``U_act`` (K, H) for epsilon-exploration (eps = 0: none).
    ``forced`` > 0 adds uniform exploration with probability (k+1)^-forced in episode k
    (a planted mistake); ``power`` is the bonus exponent of :func:`_plan`.
    Writes the pseudo-regret sum_k V*_0(s0) - V^{pi_k}_0(s0) at ``checkpoints``.
    """
    K = U_step.shape[0]
    d = Phi.shape[1]
    for h in range(H):
        for i in range(d):
            for j in range(d):
                Linv[h, i, j] = 0.0
            Linv[h, i, i] = 1.0 / lam
    Vh = np.empty((H, S))
    pol = np.empty((H, S), dtype=np.int64)
    Vpi = np.empty(S)
    Vtmp = np.empty(S)
    scratch = np.empty(d)
    total = 0.0
    c = 0
    for k in range(K):
        _plan(Phi, R, N, n, Linv, beta, H, S, A, Q, Vh, W, power)
        ek = eps
        if forced > 0.0:
            ek = min(1.0, eps + (k + 1.0) ** (-forced))
        for h in range(H):
            for s in range(S):
                best = -np.inf
                arg = 0
                for a in range(A):
                    if Q[h, s * A + a] > best:
                        best = Q[h, s * A + a]
                        arg = a
                pol[h, s] = arg
        # exact value of the executed (epsilon-)greedy policy
        for s in range(S):
            Vpi[s] = 0.0
        for h in range(H - 1, -1, -1):
            for s in range(S):
                tot = 0.0
                for a in range(A):
                    pa = ek / A + ((1.0 - ek) if a == pol[h, s] else 0.0)
                    if pa == 0.0:
                        continue
                    row = s * A + a
                    acc = R[h, row]
                    for t in range(S):
                        acc += P[h, row, t] * Vpi[t]
                    tot += pa * acc
                Vtmp[s] = tot
            for s in range(S):
                Vpi[s] = Vtmp[s]
        total += v_star - Vpi[s0]
        while c < checkpoints.shape[0] and checkpoints[c] == k + 1:
            regret_out[c] = total
            c += 1
        # roll out and update the statistics
        s = s0
        for h in range(H):
            a = pol[h, s]
            if ek > 0.0 and U_eps[k, h] < ek:
                a = min(int(U_act[k, h] * A), A - 1)
            row = s * A + a
            u = U_step[k, h]
            cum = 0.0
            nxt = S - 1
            for t in range(S):
                cum += P[h, row, t]
                if u < cum:
                    nxt = t
                    break
            _sherman_morrison(Linv[h], Phi[row], scratch)
            N[h, row, nxt] += 1.0
            n[h, row] += 1.0
            s = nxt
    _plan(Phi, R, N, n, Linv, beta, H, S, A, Q, Vh, W, power)


@njit(cache=True)
def linear_bandit_run(X, theta, noise, beta_const, use_theory, sigma, lam, S_norm, L_norm,
                      delta, eps, U_eps, U_act, checkpoints, regret_out, Vinv, bvec,
                      scale=1.0, power=0.5, forced=0.0):
    """One OFUL / LinUCB run of T = noise.shape[0] rounds on the arm set X (n, d).

    ``use_theory``: beta_t of Abbasi-Yadkori et al. (2011, Thm 2); else the constant
    ``beta_const`` (LinUCB's alpha). ``eps`` > 0 adds uniform exploration (control).
    Planted mistakes: the width is ``scale * beta * (x^T Vinv x) ** power`` (1, 1/2:
    the algorithm), and ``forced`` > 0 explores uniformly with probability
    (t+1)^-forced.
    """
    T = noise.shape[0]
    n_arms, d = X.shape
    means = X @ theta
    best = means.max()
    for i in range(d):
        for j in range(d):
            Vinv[i, j] = 0.0
        Vinv[i, i] = 1.0 / lam
        bvec[i] = 0.0
    total = 0.0
    c = 0
    scratch = np.empty(d)
    th = np.empty(d)
    for t in range(T):
        for i in range(d):
            acc = 0.0
            for j in range(d):
                acc += Vinv[i, j] * bvec[j]
            th[i] = acc
        if use_theory:
            beta = sigma * np.sqrt(d * np.log((1.0 + t * L_norm * L_norm / lam) / delta)) \
                + np.sqrt(lam) * S_norm
        else:
            beta = beta_const
        beta = beta * scale
        arg = 0
        top = -np.inf
        for i in range(n_arms):
            x = X[i]
            if power == 0.5:
                ucb = beta * np.sqrt(max(_quad(Vinv, x), 0.0))
            else:
                ucb = beta * max(_quad(Vinv, x), 0.0) ** power
            for j in range(d):
                ucb += x[j] * th[j]
            if ucb > top:
                top = ucb
                arg = i
        et = eps
        if forced > 0.0:
            et = min(1.0, eps + (t + 1.0) ** (-forced))
        if et > 0.0 and U_eps[t] < et:
            arg = min(int(U_act[t] * n_arms), n_arms - 1)
        x = X[arg]
        y = means[arg] + noise[t]
        _sherman_morrison(Vinv, x, scratch)
        for i in range(d):
            bvec[i] += y * x[i]
        total += best - means[arg]
        while c < checkpoints.shape[0] and checkpoints[c] == t + 1:
            regret_out[c] = total
            c += 1
