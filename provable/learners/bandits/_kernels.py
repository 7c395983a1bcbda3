"""numba kernels of the bandit simulators (private).

Everything here works on preallocated arrays; validation and objects live in
``_simulate.py``. Kernels compile lazily on first call (``cache=True`` keeps the
machine code on disk), never at import.

Randomness is counter based (splitmix64 of ``key + counter * golden``), so that

* a run is a pure function of its seed: the same seed gives the same bits, whichever
  other seeds run beside it and however many threads ``prange`` uses;
* the environment is a *reward table*: the reward of arm ``i`` at round ``t`` depends
  only on (environment key, ``t // block``, ``i``), so every algorithm run with the same
  seed faces the same rewards (common random numbers).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from provable.learners._random import gamma_draw as _gamma
from provable.learners._random import gamma_mt as _gamma_mt
from provable.learners._random import normal as _normal
from provable.learners._random import u01 as _u01

# algorithm codes of the generic stochastic kernel
UCB1, KLUCB, MOSS, THOMPSON, EXP3, ETC, EPS_GREEDY = 0, 1, 2, 3, 4, 5, 6

@njit(cache=True)
def _reward(gauss, means, sigma, scale, block, key, t, arm, K):
    """Reward of ``arm`` at round ``t`` (the environment's reward table)."""
    c = (t // block) * K + arm
    if gauss:
        return means[arm] + sigma * _normal(key, c)
    return scale if _u01(key, c) < means[arm] else 0.0


@njit(cache=True)
def kl_bernoulli(p, q):
    """Bernoulli KL divergence KL(p, q) with the conventions 0 log 0 = 0."""
    eps = 1e-15
    q = min(max(q, eps), 1.0 - eps)
    r = 0.0
    if p > 0.0:
        r += p * math.log(p / q)
    if p < 1.0:
        r += (1.0 - p) * math.log((1.0 - p) / (1.0 - q))
    return r


@njit(cache=True)
def klucb_root(p, n, level, tol):
    """Largest q in [p, 1] with n * KL(p, q) <= level (safeguarded Newton from above)."""
    if level <= 0.0:
        return p
    if p >= 1.0:
        return 1.0
    target = level / n
    # the root lies below p + sqrt(target / 2) by Pinsker, and below 1
    hi = min(1.0, p + math.sqrt(0.5 * target))
    if hi >= 1.0:
        # KL(p, 1) = inf unless p = 1; check whether the root is extremely close to 1
        hi = 1.0
        if kl_bernoulli(p, 1.0 - 1e-15) <= target:
            return 1.0
    lo = p
    q = hi
    for _ in range(100):
        f = kl_bernoulli(p, q) - target
        if f > 0.0:
            hi = q
        else:
            lo = q
        if hi - lo <= tol:
            break
        # Newton step on the convex increasing f; fall back to bisection outside (lo, hi)
        qq = min(max(q, 1e-300), 1.0 - 1e-16)
        df = (qq - p) / (qq * (1.0 - qq))
        nq = q - f / df if df > 0.0 else 0.5 * (lo + hi)
        if not (lo < nq < hi):
            nq = 0.5 * (lo + hi)
        q = nq
    return lo


@njit(cache=True)
def exp3_probs(logw, gamma, out):
    """EXP3 distribution (1 - gamma) * softmax(logw) + gamma / K, written into ``out``."""
    K = logw.shape[0]
    m = logw[0]
    for i in range(1, K):
        if logw[i] > m:
            m = logw[i]
    tot = 0.0
    for i in range(K):
        out[i] = math.exp(logw[i] - m)
        tot += out[i]
    for i in range(K):
        out[i] = (1.0 - gamma) * out[i] / tot + gamma / K


@njit(cache=True)
def _draw(p, u):
    """Index drawn from distribution ``p`` with uniform ``u`` (inverse CDF)."""
    K = p.shape[0]
    c = 0.0
    for i in range(K - 1):
        c += p[i]
        if u < c:
            return i
    return K - 1


@njit(cache=True)
def _first_argmax(x):
    K = x.shape[0]
    b = 0
    for i in range(1, K):
        if x[i] > x[b]:
            b = i
    return b


@njit(cache=True, parallel=True)
def simulate_stochastic(alg, prm, mut, means, gaps, means2, gaps2, switch, gauss, sigma,
                        scale, block, T, ckpt,
                        arr_order, arr_start, delayed, ring, env_keys, alg_keys,
                        regret_out, pulls_out, sums_out, obs_out, rec_arms, rec_rewards,
                        record):
    """Run algorithm ``alg`` for every seed (rows of the outputs), in parallel over seeds.

    ``prm``: algorithm parameters (klucb: [c, tol]; moss: [horizon]; exp3: [gamma];
    etc: [m]; eps_greedy: [epsilon]; ucb1: [bonus scale]).
    ``mut``: planted implementation mistakes, [bonus multiplier (1), power of the count
    in the bonus (0.5), forced-exploration exponent a (0: off; else a uniform arm with
    probability t^-a), importance weighting in EXP3 (1: on, 0: off)]; the defaults are
    the algorithm itself.
    From round ``switch`` on, rewards have means ``means2`` and each pull costs
    ``gaps2`` (a switching sequence; ``switch = T`` for a stationary bandit).
    Delayed feedback: the observation of round s is applied at the start of round
    ``arr`` (s + d_s + 1) — ``arr_order[arr_start[t]:arr_start[t+1]]`` lists the rounds
    whose feedback arrives at round t; pending observations wait in a ring buffer of
    size ``ring`` (> max delay).
    """
    n = env_keys.shape[0]
    K = means.shape[0]
    C = ckpt.shape[0]
    for s in prange(n):
        ekey = env_keys[s]
        akey = alg_keys[s]
        actr = 0
        cnt = np.zeros(K, np.int64)       # observations arrived per arm
        sm = np.zeros(K, np.float64)      # sum of arrived rewards per arm
        mean = np.zeros(K, np.float64)
        isq = np.zeros(K, np.float64)     # 1 / sqrt(cnt)
        idx = np.empty(K, np.float64)
        p = np.empty(K, np.float64)
        logw = np.zeros(K, np.float64)
        buf_arm = np.zeros(ring, np.int64)
        buf_r = np.zeros(ring, np.float64)
        buf_p = np.zeros(ring, np.float64)
        n_unobs = K
        commit = -1
        reg = 0.0
        c_i = 0
        for t in range(T):
            # ---- arrivals (delayed mode)
            if delayed:
                for j in range(arr_start[t], arr_start[t + 1]):
                    r0 = arr_order[j]
                    slot = r0 % ring
                    a0 = buf_arm[slot]
                    x0 = buf_r[slot]
                    if cnt[a0] == 0:
                        n_unobs -= 1
                    cnt[a0] += 1
                    sm[a0] += x0
                    mean[a0] = sm[a0] / cnt[a0]
                    isq[a0] = (1.0 / math.sqrt(cnt[a0]) if mut[1] == 0.5
                               else cnt[a0] ** -mut[1])
                    if alg == EXP3:
                        w0 = buf_p[slot] if mut[3] > 0.5 else 1.0
                        logw[a0] += prm[0] * (x0 / scale) / w0 / K
            # ---- choose
            arm = 0
            pa = 1.0
            # planted forced exploration: a uniform arm with probability t^-a, from its own
            # counter range so that the algorithm's stream is unchanged
            forced = mut[2] > 0.0 and _u01(akey, (1 << 40) + t) < (t + 1.0) ** -mut[2]
            if alg == EXP3:
                exp3_probs(logw, prm[0], p)
                arm = _draw(p, _u01(akey, actr))
                actr += 1
                if forced:
                    arm = min(int(_u01(akey, (1 << 41) + t) * K), K - 1)
                pa = p[arm]
            elif forced:
                arm = min(int(_u01(akey, (1 << 41) + t) * K), K - 1)
                if alg == EPS_GREEDY:
                    actr += 1
            elif alg == ETC:
                m = int(prm[0])
                if t < m * K:
                    arm = t % K
                else:
                    if commit < 0:
                        for i in range(K):
                            idx[i] = mean[i] if cnt[i] > 0 else np.inf
                        commit = _first_argmax(idx)
                    arm = commit
            elif n_unobs > 0 and alg != THOMPSON:
                for i in range(K):
                    if cnt[i] == 0:
                        arm = i
                        break
                if alg == EPS_GREEDY:
                    actr += 1  # keep the stream aligned whatever the branch
            elif alg == UCB1:
                bonus = mut[0] * prm[0] * math.sqrt(2.0 * math.log(t))
                best = -np.inf
                for i in range(K):
                    v = mean[i] + bonus * isq[i]
                    if v > best:
                        best = v
                        arm = i
            elif alg == KLUCB:
                lt = math.log(t)
                lvl = lt + prm[0] * math.log(lt) if lt > 1.0 else lt
                lvl *= mut[0]
                best = -np.inf
                for i in range(K):
                    if gauss:
                        v = mean[i] + sigma * math.sqrt(2.0 * lvl / cnt[i])
                    else:
                        v = klucb_root(mean[i] / scale, cnt[i], lvl, prm[1])
                    if v > best:
                        best = v
                        arm = i
            elif alg == MOSS:
                best = -np.inf
                for i in range(K):
                    lg = max(math.log(prm[0] / (K * cnt[i])), 0.0)
                    if mut[1] == 0.5:
                        v = mean[i] + mut[0] * prm[1] * math.sqrt(lg / cnt[i])
                    else:
                        v = mean[i] + mut[0] * prm[1] * math.sqrt(lg) * isq[i]
                    if v > best:
                        best = v
                        arm = i
            elif alg == THOMPSON:
                best = -np.inf
                for i in range(K):
                    if gauss:
                        v = (sm[i] / (cnt[i] + 1.0)
                             + sigma / math.sqrt(cnt[i] + 1.0) * _normal(akey, actr))
                        actr += 1
                    else:
                        # Beta(1 + S, 1 + F) = Ga / (Ga + Gb) (gamma_draw's draws). For
                        # shapes >= 1 the Marsaglia-Tsang constants d = shape - 1/3 and
                        # c = 1/sqrt(9 d) change only when the arm's count does: cached per
                        # arm in arrays THOMPSON does not otherwise use (idx: c of Ga, p: c
                        # of Gb, logw: the count they were computed at, plus one).
                        succ = sm[i] / scale
                        sa = 1.0 + succ
                        sb = 1.0 + cnt[i] - succ
                        if sa < 1.0 or sb < 1.0:  # S / scale rounded above the count
                            ga, actr = _gamma(sa, akey, actr)
                            gb, actr = _gamma(sb, akey, actr)
                        else:
                            if logw[i] != cnt[i] + 1.0:
                                logw[i] = cnt[i] + 1.0
                                idx[i] = 1.0 / math.sqrt(9.0 * (sa - 1.0 / 3.0))
                                p[i] = 1.0 / math.sqrt(9.0 * (sb - 1.0 / 3.0))
                            ga, actr = _gamma_mt(sa - 1.0 / 3.0, idx[i], akey, actr)
                            gb, actr = _gamma_mt(sb - 1.0 / 3.0, p[i], akey, actr)
                        v = ga / (ga + gb)
                    if v > best:
                        best = v
                        arm = i
            else:  # EPS_GREEDY
                u = _u01(akey, actr)
                actr += 1
                if u < prm[0]:
                    arm = min(int(u / prm[0] * K), K - 1)
                else:
                    arm = _first_argmax(mean)
            # ---- play
            if t < switch:
                r = _reward(gauss, means, sigma, scale, block, ekey, t, arm, K)
                reg += gaps[arm]
            else:
                r = _reward(gauss, means2, sigma, scale, block, ekey, t, arm, K)
                reg += gaps2[arm]
            pulls_out[s, arm] += 1
            if record:
                rec_arms[s, t] = arm
                rec_rewards[s, t] = r
            if delayed:
                slot = t % ring
                buf_arm[slot] = arm
                buf_r[slot] = r
                buf_p[slot] = pa
            else:
                if cnt[arm] == 0:
                    n_unobs -= 1
                cnt[arm] += 1
                sm[arm] += r
                mean[arm] = sm[arm] / cnt[arm]
                isq[arm] = (1.0 / math.sqrt(cnt[arm]) if mut[1] == 0.5
                            else cnt[arm] ** -mut[1])
                if alg == EXP3:
                    w1 = pa if mut[3] > 0.5 else 1.0
                    logw[arm] += prm[0] * (r / scale) / w1 / K
            while c_i < C and ckpt[c_i] == t + 1:
                regret_out[s, c_i] = reg
                c_i += 1
        for i in range(K):
            sums_out[s, i] = sm[i]
            obs_out[s, i] = cnt[i]


@njit(cache=True)
def _logbarrier_primal(w, out):
    """x_i = 1 / (w_i + lam) with lam such that sum x = 1 (log-barrier mirror map).

    ``w`` is a dual point in "loss" coordinates (-grad Psi(x) = 1/x up to a constant).
    Newton on lam from the left end, where the sum exceeds 1 (monotone convergence).
    """
    K = w.shape[0]
    wmin = w[0]
    for i in range(1, K):
        if w[i] < wmin:
            wmin = w[i]
    lam = 1.0 - wmin  # every term <= 1, sum >= 1
    for _ in range(100):
        f = -1.0
        df = 0.0
        for i in range(K):
            v = 1.0 / (w[i] + lam)
            f += v
            df += v * v
        step = f / df
        lam += step
        if step <= 1e-15 * (abs(lam) + 1.0):
            break
    tot = 0.0
    for i in range(K):
        out[i] = 1.0 / (w[i] + lam)
        tot += out[i]
    for i in range(K):
        out[i] /= tot


@njit(cache=True, parallel=True)
def simulate_banker(means, gaps, scale, block, T, ckpt, arr_order, arr_start, ring,
                    eta_scale, delay_adaptive, scale_free, env_keys, alg_keys, regret_out,
                    pulls_out, loss_out, real_out, rec_arms, record, mut, loss_power,
                    delay_m2, strength_power):
    """Delayed log-barrier FTRL with a scale-free, delay-adaptive strength (the stand-in
    for Banker-OMD; see the module ``_simulate`` and the claim's citation note).

    Losses are ``scale - reward`` of a Bernoulli reward table (so in {0, scale}).
    Round t: strength sigma_t = eta_scale * sqrt((Q_t + M_t^2 * Dcum_t) / (K ln(t + 2)))
    where Q is the sum of squared arrived losses, M their max and Dcum the number of
    outstanding observations summed over the rounds so far (the delay accrued).
    x_t = argmin <Lhat, x> / sigma_t - sum_i ln x_i over the simplex, Lhat the sum of the
    arrived importance-weighted losses. Without delay this is what Banker-OMD's loan
    from the previous round reduces to when sigma_t is non-decreasing.

    Planted mistakes: ``mut`` is the shared mutation vector (``mut[2]`` forced
    exploration exponent, ``mut[3]`` < 0.5 drops the importance weights; the bonus
    entries do not apply), ``loss_power`` replaces the square in Q (|l|^p), and
    ``delay_m2=False`` drops the factor M^2 on the accrued delay, and
    ``strength_power`` replaces the square root in sigma_t (0: a constant strength).
    """
    n = env_keys.shape[0]
    K = means.shape[0]
    C = ckpt.shape[0]
    for s in prange(n):
        ekey = env_keys[s]
        akey = alg_keys[s]
        w = np.zeros(K, np.float64)
        x = np.empty(K, np.float64)
        lhat = np.zeros(K, np.float64)
        buf_arm = np.zeros(ring, np.int64)
        buf_l = np.zeros(ring, np.float64)
        buf_x = np.zeros(ring, np.float64)
        cum_loss = np.zeros(K, np.float64)
        Q = 0.0
        M = 0.0
        narr = 0.0
        dcum = 0.0
        outstanding = 0
        reg = 0.0
        played = 0.0
        c_i = 0
        for t in range(T):
            for j in range(arr_start[t], arr_start[t + 1]):
                slot = arr_order[j] % ring
                outstanding -= 1
                narr += 1.0
                l0 = buf_l[slot]
                if loss_power == 2.0:
                    Q += l0 * l0
                else:
                    Q += abs(l0) ** loss_power
                if abs(l0) > M:
                    M = abs(l0)
                if mut[3] > 0.5:
                    lhat[buf_arm[slot]] += l0 / buf_x[slot]
                else:
                    lhat[buf_arm[slot]] += l0
            dcum += outstanding
            dd = dcum if delay_adaptive else 0.0
            if scale_free:
                m2 = M * M if delay_m2 else 1.0
                base = (Q + m2 * dd) / (K * math.log(t + 2.0))
            else:
                base = (narr + dd) / (K * math.log(t + 2.0))
            if strength_power == 0.5:
                sig = eta_scale * math.sqrt(base)
            elif strength_power == 0.0:
                sig = eta_scale
            else:
                sig = eta_scale * base ** strength_power
            for i in range(K):
                w[i] = lhat[i] / sig if sig > 0.0 else 0.0
            _logbarrier_primal(w, x)
            arm = _draw(x, _u01(akey, t))
            if mut[2] > 0.0 and _u01(akey, (1 << 40) + t) < (t + 1.0) ** -mut[2]:
                arm = min(int(_u01(akey, (1 << 41) + t) * K), K - 1)
            r = _reward(False, means, 0.0, scale, block, ekey, t, arm, K)
            loss = scale - r
            reg += gaps[arm]
            pulls_out[s, arm] += 1
            played += loss
            for i in range(K):
                cum_loss[i] += scale - _reward(False, means, 0.0, scale, block, ekey, t, i, K)
            if record:
                rec_arms[s, t] = arm
            slot = t % ring
            buf_arm[slot] = arm
            buf_l[slot] = loss
            buf_x[slot] = x[arm]
            outstanding += 1
            while c_i < C and ckpt[c_i] == t + 1:
                regret_out[s, c_i] = reg
                best = cum_loss[0]
                for i in range(1, K):
                    if cum_loss[i] < best:
                        best = cum_loss[i]
                real_out[s, c_i] = played - best
                c_i += 1
        for i in range(K):
            loss_out[s, i] = cum_loss[i]
