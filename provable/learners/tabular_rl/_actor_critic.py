r"""A tabular optimistic actor-critic with rare-switching policy resets.

Tabular instantiation of the scheme of Tan, Fan & Wei (2025), "Actor-Critics Can Achieve
Optimal Sample Efficiency": the three ingredients named in the abstract (optimism,
off-policy critic estimation targeting :math:`Q^*`, rare-switching policy resets), with
tabular choices where the general-function-approximation algorithm leaves them open:

* **critic** (off-policy, targets :math:`Q^*`): optimistic backward induction on the
  empirical model with a Hoeffding bonus (UCBVI-CH style),
  :math:`Q^k_h(s,a) = \min(H-h,\ r_h(s,a) + \hat P_k V^k_{h+1}(s,a) + c H\sqrt{L/N_k(s,a)})`,
  :math:`V^k_{h+1} = \max_a Q^k_{h+1}`; unvisited pairs at :math:`H-h`;
* **actor** (mirror descent / exponential weights on the critic):
  :math:`\pi^k_h(\cdot|s) \propto \exp(\eta \sum_{j=k_0}^{k} Q^j_h(s,\cdot))`, the sum running
  over episodes since the last reset :math:`k_0` (the closed form of the KL mirror step
  :math:`\pi^{k} \propto \pi^{k-1} e^{\eta Q^k}` started at the uniform policy);
* **rare switching**: the actor is reset to uniform (sum cleared) when some pair's visit
  count doubles since its last switch, :math:`O(SA\log K)` resets.

The played policy is stochastic; each episode's regret
:math:`V^*_0(s_0) - V^{\pi^k}_0(s_0)` is computed exactly.

Examples
--------
>>> from provable.learners.tabular_rl import actor_critic, hard_bandit_mdp
>>> res = actor_critic(hard_bandit_mdp(A=2, H=3), K=100, seeds=2)
>>> res["regret"].shape
(2, 100)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit, prange

from provable._validation import check_int, check_real
from provable.errors import NotSupported
from provable.learners._random import as_seed_list, seed_keys
from provable.learners._random import u01 as _u01
from provable.mdp import TabularMDP

__all__ = ["actor_critic"]


@njit(cache=True, parallel=True)
def _ac_kernel(P, cdf, R, H, S, A, K, s0, env_keys, alg_keys, c, L, eta, vstar0, regret,
               G_out, resets, hist, Qhist, Rflag, power, forced):
    n = env_keys.shape[0]
    for j in prange(n):
        ekey = env_keys[j]
        akey = alg_keys[j]
        nsa = np.zeros((S, A))
        nsas = np.zeros((S, A, S))
        nref = np.ones((S, A))
        G = np.zeros((H, S, A))
        Q = np.zeros((H, S, A))
        V = np.zeros((H + 1, S))
        pi = np.zeros((H, S, A))
        Vp = np.zeros(S)
        Vn = np.zeros(S)
        nres = 0
        for k in range(K):
            # critic: optimistic Q* estimate
            for s in range(S):
                V[H, s] = 0.0
            for h in range(H - 1, -1, -1):
                cap = float(H - h)
                for s in range(S):
                    best = -1.0
                    for a in range(A):
                        if nsa[s, a] == 0:
                            q = cap
                        else:
                            acc = 0.0
                            for y in range(S):
                                acc += nsas[s, a, y] * V[h + 1, y]
                            b = c * H * math.sqrt(L / nsa[s, a])
                            if power != 0.5:
                                b *= nsa[s, a] ** (0.5 - power)
                            q = R[h, s, a] + acc / nsa[s, a] + b
                            if q > cap:
                                q = cap
                        Q[h, s, a] = q
                        if q > best:
                            best = q
                    V[h, s] = best
            # actor: exponential weights on the accumulated critic
            for h in range(H):
                for s in range(S):
                    m = -1e300
                    for a in range(A):
                        G[h, s, a] += Q[h, s, a]
                        z = eta * G[h, s, a]
                        if z > m:
                            m = z
                    tot = 0.0
                    for a in range(A):
                        e = math.exp(eta * G[h, s, a] - m)
                        pi[h, s, a] = e
                        tot += e
                    for a in range(A):
                        pi[h, s, a] /= tot
            if hist:
                Qhist[j, k] = Q
            # exact value of the played (stochastic) policy
            for s in range(S):
                Vp[s] = 0.0
            eps_k = (k + 1.0) ** -forced if forced > 0.0 else 0.0
            for h in range(H - 1, -1, -1):
                for s in range(S):
                    acc = 0.0
                    mean = 0.0
                    for a in range(A):
                        q = R[h, s, a]
                        row = s * A + a
                        for y in range(S):
                            q += P[h, row, y] * Vp[y]
                        acc += pi[h, s, a] * q
                        mean += q / A
                    if eps_k > 0.0:
                        acc = (1.0 - eps_k) * acc + eps_k * mean
                    Vn[s] = acc
                for s in range(S):
                    Vp[s] = Vn[s]
            regret[j, k] = vstar0 - Vp[s0]
            # play the episode
            s = s0
            switch = False
            for h in range(H):
                u = _u01(akey, k * H + h)
                a = A - 1
                cum = 0.0
                for b in range(A - 1):
                    cum += pi[h, s, b]
                    if u < cum:
                        a = b
                        break
                if eps_k > 0.0 and _u01(akey, (1 << 40) + 2 * (k * H + h)) < eps_k:
                    # planted forced exploration: its own counter range of the actor key
                    a = min(int(_u01(akey, (1 << 40) + 2 * (k * H + h) + 1) * A), A - 1)
                ue = _u01(ekey, k * H + h)
                row = s * A + a
                y = S - 1
                for t in range(S - 1):
                    if ue < cdf[h, row, t]:
                        y = t
                        break
                nsa[s, a] += 1.0
                nsas[s, a, y] += 1.0
                if nsa[s, a] >= 2.0 * nref[s, a]:
                    nref[s, a] = nsa[s, a]
                    switch = True
                s = y
            if hist:
                Rflag[j, k] = switch
            if switch:
                nres += 1
                for h in range(H):
                    for s2 in range(S):
                        for a in range(A):
                            G[h, s2, a] = 0.0
        G_out[j] = G
        resets[j] = nres


def actor_critic(mdp: TabularMDP, K: int, seeds: Any = 8, *, c: float = 0.1,
                 eta: float | None = None, delta: float = 0.1, initial_state: int = 0,
                 history: bool = False, mutation: dict[str, float] | None = None) -> dict:
    r"""Run the tabular optimistic actor-critic for ``K`` episodes on every seed.

    Parameters
    ----------
    mdp : TabularMDP
        Finite horizon, stationary transitions, rewards in [0, 1] (known).
    K : int
        Episodes.
    seeds : int or sequence of int
        The same seed gives the same bits.
    c : float
        Bonus scale (``c = 1``: :math:`H\sqrt{L/N}` Hoeffding bonus, :math:`L = \ln(5SAT/\delta)`).
    eta : float, optional
        Actor step; default ``1/H`` (a constant, not tuned to ``K``).
    history : bool
        Also return the critic of every episode (``Q_hist``, (n, K, H, S, A)) and the
        reset flags (``reset_after``, (n, K)); for small runs and tests.
    mutation : dict, optional
        A planted implementation mistake, as for
        :func:`~provable.learners.tabular_rl.run_episodes` (``bonus_scale``,
        ``bonus_power``, ``forced_exploration``); the defaults give the same bits.

    Returns
    -------
    dict
        ``regret`` (n, K) exact expected regret of each episode's policy,
        ``cumulative_regret``, ``G`` (n, H, S, A) accumulated critic since the last
        reset, ``resets`` (n,), ``V_star``, ``eta``, ``c``.
    """
    from provable.learners.tabular_rl._episodic import _episodic_mutation, episodic_arrays
    from provable.solvers import backward_induction

    K = check_int("K", K, min_value=1)
    c = check_real("c", c, lower=0.0)
    scale, power, forced = _episodic_mutation(mutation, "actor_critic")
    P, cdf, R, stationary = episodic_arrays(mdp)
    if not stationary:
        raise NotSupported("actor_critic pools transitions over steps and needs stationary P")
    H, S, A = mdp.horizon, mdp.S, mdp.A
    eta = 1.0 / H if eta is None else check_real("eta", eta, lower=0.0, lower_open=True)
    delta = check_real("delta", delta, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    s0 = check_int("initial_state", initial_state, min_value=0, max_value=S - 1)
    seeds_arr = as_seed_list(seeds)
    env_keys, alg_keys = seed_keys(seeds_arr, 0x61637472)
    n = seeds_arr.size
    L = math.log(5 * S * A * K * H / delta)
    vstar0 = float(backward_induction(mdp).V[0, s0])
    regret = np.zeros((n, K))
    G = np.zeros((n, H, S, A))
    resets = np.zeros(n, np.int64)
    Qhist = np.zeros((n, K, H, S, A) if history else (1, 1, H, S, A))
    Rflag = np.zeros((n, K) if history else (1, 1), np.bool_)
    _ac_kernel(P, cdf, R, H, S, A, K, s0, env_keys, alg_keys, c * scale, L, float(eta),
               vstar0, regret, G, resets, bool(history), Qhist, Rflag, power, forced)
    out = {"regret": regret, "cumulative_regret": np.cumsum(regret, axis=1), "G": G,
           "resets": resets, "V_star": vstar0, "eta": float(eta), "c": c, "seeds": seeds_arr}
    if history:
        out["Q_hist"] = Qhist
        out["reset_after"] = Rflag
    return out
