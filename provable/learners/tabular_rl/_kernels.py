"""numba kernels of the episodic tabular RL simulators (private).

Everything here works on preallocated arrays; validation and result objects live in
``_episodic.py``. Kernels compile lazily on first call (``cache=True`` keeps the machine
code on disk), never at import.

Randomness is counter based (splitmix64 of ``key + counter * golden``):

* the next state of step ``h`` of episode ``k`` is drawn with the uniform number
  ``u(env_key, k * H + h)``, so every algorithm run with the same seed faces the same
  environment noise (common random numbers) and a run is a pure function of its seed,
  whichever other seeds run beside it and however many threads ``prange`` uses;
* PSRL's posterior draws use a second key and a running counter.

Layout: transitions ``P`` and their row-wise cumulative sums ``cdf`` are
``(H, S*A, S)`` (row ``s*A + a``), rewards ``R`` are ``(H, S, A)``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from provable.learners._random import gamma_draw as _gamma  # ziggurat-normal Marsaglia-Tsang
from provable.learners._random import normal as _normal  # noqa: F401
from provable.learners._random import u01 as _u01
from provable.learners._random import u01_numpy  # noqa: F401

UCBVI_H, UCBVI_B, QL_H, QL_B, PSRL, GREEDY = 0, 1, 2, 3, 4, 5

@njit(cache=True, inline="always")
def _sample_row(cdf_row, u):
    S = cdf_row.shape[0]
    for j in range(S - 1):
        if u < cdf_row[j]:
            return j
    return S - 1


@njit(cache=True)
def _evaluate(P, R, pi, H, S, A, s0, eps):
    """Exact value at (h=0, s0) of the policy playing ``pi`` (H, S) with probability
    ``1 - eps`` and a uniform action with probability ``eps``."""
    V = np.zeros(S)
    Vn = np.zeros(S)
    for h in range(H - 1, -1, -1):
        for s in range(S):
            a = pi[h, s]
            row = s * A + a
            acc = R[h, s, a]
            for y in range(S):
                acc += P[h, row, y] * V[y]
            if eps > 0.0:
                mean = 0.0
                for a2 in range(A):
                    r2 = s * A + a2
                    q2 = R[h, s, a2]
                    for y in range(S):
                        q2 += P[h, r2, y] * V[y]
                    mean += q2
                acc = (1.0 - eps) * acc + eps * mean / A
            Vn[s] = acc
        for s in range(S):
            V[s] = Vn[s]
    return V[s0]


@njit(cache=True)
def _plan_ucbvi(bern, nsas, nsa, nstate, R, H, S, A, c, L, Q, V, pi, power):
    """One UCBVI planning pass (Azar et al. 2017, Algorithm 2 with bonus_1 or bonus_2).

    ``Q`` holds the previous episode's values (min with them keeps Q monotone);
    values are clipped at the remaining horizon ``H - h``. ``power`` is the exponent of
    the visit count in the bonus (0.5 is the paper's; any other value is a planted
    mistake that multiplies the bonus by ``n^(0.5 - power)``).
    """
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        cap = float(H - h)
        for s in range(S):
            best = -1.0
            besta = 0
            for a in range(A):
                row = s * A + a
                n = nsa[row]
                if n == 0:
                    q = cap
                else:
                    inv = 1.0 / n
                    pv = 0.0
                    pv2 = 0.0
                    for y in range(S):
                        c_y = nsas[row, y]
                        if c_y > 0:
                            vy = V[h + 1, y]
                            pv += c_y * vy
                            pv2 += c_y * vy * vy
                    pv *= inv
                    if bern:
                        pv2 *= inv
                        var = pv2 - pv * pv
                        if var < 0.0:
                            var = 0.0
                        third = 0.0
                        if h + 1 < H:
                            big = 1e4 * H * H * H * S * S * A * L * L
                            for y in range(S):
                                c_y = nsas[row, y]
                                if c_y > 0:
                                    ny = nstate[h + 1, y]
                                    t = H * H * 1.0
                                    if ny > 0 and big / ny < t:
                                        t = big / ny
                                    third += c_y * inv * t
                        bonus = c * (math.sqrt(8.0 * L * var * inv) + 14.0 * H * L * inv / 3.0
                                     + math.sqrt(8.0 * third * inv))
                    else:
                        bonus = c * 7.0 * H * L * math.sqrt(inv)
                    if power != 0.5:
                        bonus *= n ** (0.5 - power)
                    q = R[h, s, a] + pv + bonus
                    if q > cap:
                        q = cap
                    if Q[h, s, a] < q:
                        q = Q[h, s, a]
                Q[h, s, a] = q
                if q > best:
                    best = q
                    besta = a
            V[h, s] = best
            pi[h, s] = besta


@njit(cache=True)
def _plan_sampled(Pt, R, H, S, A, Q, V, pi):
    """Backward induction on a sampled stationary model ``Pt`` (S*A, S) (PSRL)."""
    for s in range(S):
        V[H, s] = 0.0
    for h in range(H - 1, -1, -1):
        for s in range(S):
            best = -1e300
            besta = 0
            for a in range(A):
                row = s * A + a
                q = R[h, s, a]
                for y in range(S):
                    q += Pt[row, y] * V[h + 1, y]
                Q[h, s, a] = q
                if q > best:
                    best = q
                    besta = a
            V[h, s] = best
            pi[h, s] = besta


@njit(cache=True)
def _greedy_from_q(Q, H, S, A, pi):
    for h in range(H):
        for s in range(S):
            best = Q[h, s, 0]
            besta = 0
            for a in range(1, A):
                if Q[h, s, a] > best:
                    best = Q[h, s, a]
                    besta = a
            pi[h, s] = besta


@njit(cache=True)
def _run_one(code, P, cdf, R, H, S, A, K, s0, env_key, alg_key, c, log_term, prior,
             eps, vstar0, regret, Q, visits, power, forced):
    """Run ``K`` episodes of one algorithm for one seed; fill ``regret`` (K,), ``Q``
    (H, S, A) (the learner's final action values) and ``visits`` (H, S, A).

    ``power`` (0.5) is the exponent of the visit count in the bonus and ``forced`` (0:
    off) a planted forced exploration: in episode ``k`` every step plays a uniform
    action with probability ``(k + 1)^-forced``."""
    nsas = np.zeros((S * A, S))
    nsa = np.zeros(S * A)
    nstate = np.zeros((H + 1, S))
    V = np.zeros((H + 1, S))
    pi = np.zeros((H, S), dtype=np.int64)
    # Q-learning state (Jin et al. 2018): counts, running sums, previous beta
    Nh = np.zeros((H, S, A))
    mu = np.zeros((H, S, A))
    sig = np.zeros((H, S, A))
    beta_prev = np.zeros((H, S, A))
    Pt = np.zeros((S * A, S))
    actr = 0
    q0 = float(H) if code <= QL_B else 0.0
    for h in range(H):
        for s in range(S):
            for a in range(A):
                Q[h, s, a] = q0
    if code == QL_H or code == QL_B:
        for h in range(H):
            for s in range(S):
                V[h, s] = float(H)
    for k in range(K + 1):
        # --- plan / read the policy of episode k (k == K: final plan only)
        if code == UCBVI_H or code == UCBVI_B:
            _plan_ucbvi(code == UCBVI_B, nsas, nsa, nstate, R, H, S, A, c, log_term, Q, V, pi,
                        power)
        elif code == PSRL:
            for row in range(S * A):
                tot = 0.0
                for y in range(S):
                    g, actr = _gamma(prior + nsas[row, y], alg_key, actr)
                    Pt[row, y] = g
                    tot += g
                for y in range(S):
                    Pt[row, y] /= tot
            _plan_sampled(Pt, R, H, S, A, Q, V, pi)
        else:
            _greedy_from_q(Q, H, S, A, pi)
        if k == K:
            break
        eps_k = eps if code == GREEDY else 0.0
        if forced > 0.0:
            eps_k = (k + 1.0) ** -forced
        regret[k] = vstar0 - _evaluate(P, R, pi, H, S, A, s0, eps_k)
        # --- roll out episode k
        s = s0
        for h in range(H):
            a = pi[h, s]
            if forced > 0.0 and _u01(alg_key, (1 << 40) + 2 * (k * H + h)) < eps_k:
                # planted forced exploration: its own counter range of the algorithm key
                a = int(_u01(alg_key, (1 << 40) + 2 * (k * H + h) + 1) * A)
                if a >= A:
                    a = A - 1
            if code == GREEDY and eps > 0.0:
                # the planted epsilon-greedy control: uniform action w.p. eps
                if _u01(alg_key, actr) < eps:
                    a = int(_u01(alg_key, actr + 1) * A)
                    if a >= A:
                        a = A - 1
                actr += 2
            row = s * A + a
            y = _sample_row(cdf[h, row], _u01(env_key, k * H + h))
            visits[h, s, a] += 1
            if code == QL_H or code == QL_B or code == GREEDY:
                Nh[h, s, a] += 1.0
                t = Nh[h, s, a]
                alpha = (H + 1.0) / (H + t)
                vnext = V[h + 1, y]
                if code == QL_H:
                    b = c * math.sqrt(H * H * H * log_term / t)
                    if power != 0.5:
                        b *= t ** (0.5 - power)
                elif code == QL_B:
                    mu[h, s, a] += vnext
                    sig[h, s, a] += vnext * vnext
                    w = sig[h, s, a] / t - (mu[h, s, a] / t) ** 2
                    if w < 0.0:
                        w = 0.0
                    b1 = c * (math.sqrt(H / t * (w + H) * log_term)
                              + math.sqrt(H ** 7 * S * A) * log_term / t)
                    b2 = c * math.sqrt(H * H * H * log_term / t)
                    if power != 0.5:
                        b1 *= t ** (0.5 - power)
                        b2 *= t ** (0.5 - power)
                    beta = b1 if b1 < b2 else b2
                    b = (beta - (1.0 - alpha) * beta_prev[h, s, a]) / (2.0 * alpha)
                    beta_prev[h, s, a] = beta
                else:
                    b = 0.0
                q = (1.0 - alpha) * Q[h, s, a] + alpha * (R[h, s, a] + vnext + b)
                Q[h, s, a] = q
                best = Q[h, s, 0]
                for a2 in range(1, A):
                    if Q[h, s, a2] > best:
                        best = Q[h, s, a2]
                V[h, s] = best if best < H else float(H)
            else:
                nsas[row, y] += 1.0
                nsa[row] += 1.0
                nstate[h + 1, y] += 1.0
            s = y


@njit(cache=True, parallel=True)
def run_episodic(code, P, cdf, R, H, S, A, K, s0, env_keys, alg_keys, c, log_term, prior,
                 eps, vstar0, regret, Q, visits, power=0.5, forced=0.0):
    """All seeds, in parallel: ``regret`` (n, K), ``Q`` and ``visits`` (n, H, S, A)."""
    n = env_keys.shape[0]
    for i in prange(n):
        _run_one(code, P, cdf, R, H, S, A, K, s0, env_keys[i], alg_keys[i], c, log_term,
                 prior, eps, vstar0, regret[i], Q[i], visits[i], power, forced)
