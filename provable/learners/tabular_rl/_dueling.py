r"""Dueling RL with known transitions: trajectory-preference feedback, tabular instantiation.

Setting (Pacchiano, Saha & Lee, 2021, "Dueling RL: Reinforcement Learning with Trajectory
Preferences"): each round the learner plays two policies, sees two trajectories
:math:`\tau_1, \tau_2` and one bit :math:`y \sim \mathrm{Bernoulli}(\sigma(w^\top(\phi(\tau_1)
- \phi(\tau_2))))`, with a trajectory embedding :math:`\phi(\tau) \in \mathbb{R}^d` and
unknown :math:`w`. The transitions are known.

This module is a **reconstruction**, not a transcription of the paper's pseudo-code (its
algorithm box and confidence radius were not read): the known-transition learner is built
in the MaxInP style of Saha (2021) for contextual dueling bandits, with policies as arms.

* embedding: visitation counts :math:`\phi(\tau) = \sum_h e_{(s_h, a_h)}`, :math:`d = SA`
  (a special case of the paper's GLM; the utility :math:`w^\top\phi(\tau)` is then the
  return of the reward :math:`r(s,a) = w_{sa}`);
* arms: all deterministic non-stationary Markov policies (:math:`A^{SH}`, enumerated; the
  paper's known-transition algorithm is also not computationally efficient), each
  represented by its exact expected embedding :math:`\phi^\pi = E_\pi[\phi(\tau)]` under
  the known transitions (policies with equal :math:`\phi^\pi` are merged);
* estimate: :math:`\ell_2`-regularised logistic MLE :math:`\hat w` on the realised
  differences :math:`x_i = \phi(\tau_{1,i}) - \phi(\tau_{2,i})`,
  :math:`V = \lambda I + \sum_i x_i x_i^\top`;
* promising set: :math:`C = \{\pi : (\phi^\pi - \phi^{\pi'})^\top \hat w +
  \beta \|\phi^\pi - \phi^{\pi'}\|_{V^{-1}} \ge 0\ \forall \pi'\}` (policies that may be
  optimal);
* pair: :math:`(\pi_1, \pi_2) = \arg\max_{C \times C} \|\phi^{\pi_1} - \phi^{\pi_2}\|_{V^{-1}}`
  (the maximally informative pair among the promising policies);
* radius: :math:`\beta_t = c\,\sqrt{d \log(1 + t L^2/(d\lambda)) + 2\log(1/\delta)}`,
  :math:`L^2 = 2H^2` (OFUL form; the GLM factor :math:`1/\kappa` is absorbed in ``c``);
* rare switching: :math:`\hat w`, :math:`V^{-1}`, :math:`C` and the pair are recomputed
  only when :math:`\det V` has doubled since the last switch (:math:`O(d\log T)` refits).

Regret of round :math:`t`: :math:`V^* - (V^{\pi_{1,t}} + V^{\pi_{2,t}})/2` in the utility
:math:`w^\top \phi^\pi`, computed exactly with the known model.

Examples
--------
>>> import numpy as np, provable as pv
>>> from provable.learners.tabular_rl import dueling_rl
>>> fh = pv.mdp.random_mdp(2, 2, gamma=None, seed=0).with_horizon(2)
>>> res = dueling_rl(fh, np.array([[0.2, 0.9], [0.5, 0.1]]), K=50, seeds=2)
>>> res["regret"].shape
(2, 50)
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from numba import njit

from provable._validation import check_int, check_real
from provable.errors import InvalidArgument
from provable.learners._random import as_seed_list, seed_keys
from provable.learners._random import u01 as _u01
from provable.mdp import TabularMDP

__all__ = ["dueling_rl", "enumerate_policies", "expected_features", "logistic_mle",
           "maxinp_pair", "DUELING_MODES"]

DUELING_MODES = ("maxinp", "uniform")


def enumerate_policies(H: int, S: int, A: int, max_policies: int = 1 << 14) -> np.ndarray:
    """All deterministic non-stationary Markov policies, ``(A**(S*H), H, S)`` ints."""
    n = A ** (S * H)
    if n > max_policies:
        raise InvalidArgument(f"A**(S*H) = {n} policies exceeds max_policies={max_policies}; "
                              "use a smaller instance")
    pols = np.array(list(itertools.product(range(A), repeat=S * H)), dtype=np.int64)
    return pols.reshape(n, H, S)


def expected_features(mdp: TabularMDP, policies: Any, initial_state: int = 0) -> np.ndarray:
    r"""Exact expected visitation counts :math:`\phi^\pi \in \mathbb{R}^{SA}` of
    deterministic policies ``(M, H, S)`` from ``initial_state``: ``(M, S*A)``."""
    from provable.learners.tabular_rl._episodic import episodic_arrays

    P, _, _, _ = episodic_arrays(mdp)
    H, S, A = mdp.horizon, mdp.S, mdp.A
    pols = np.asarray(policies, dtype=np.int64)
    if pols.ndim != 3 or pols.shape[1:] != (H, S):
        raise InvalidArgument(f"policies has shape {pols.shape}, expected (M, H={H}, S={S})")
    M = pols.shape[0]
    out = np.zeros((M, S * A))
    rows = np.arange(S)
    for m in range(M):
        dist = np.zeros(S)
        dist[initial_state] = 1.0
        for h in range(H):
            idx = rows * A + pols[m, h]
            np.add.at(out[m], idx, dist)
            dist = dist @ P[h, idx]
    return out


@njit(cache=True)
def _nll(X, y, n, lam, th):
    d = X.shape[1]
    f = 0.5 * lam * np.sum(th * th)
    for i in range(n):
        z = 0.0
        for k in range(d):
            z += X[i, k] * th[k]
        m = -z if y[i] > 0.5 else z  # -log sigma(+-z) = log(1 + e^m)
        f += m + math.log1p(math.exp(-m)) if m > 0 else math.log1p(math.exp(m))
    return f


@njit(cache=True)
def _mle(X, y, n, lam, theta0):
    """Damped Newton (backtracking on the objective) for the ridge logistic MLE."""
    d = X.shape[1]
    th = theta0.copy()
    f = _nll(X, y, n, lam, th)
    for _ in range(100):
        g = lam * th
        Hm = lam * np.eye(d)
        for i in range(n):
            z = 0.0
            for k in range(d):
                z += X[i, k] * th[k]
            p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
            r = p - y[i]
            wgt = p * (1.0 - p)
            for k in range(d):
                g[k] += r * X[i, k]
                for m in range(d):
                    Hm[k, m] += wgt * X[i, k] * X[i, m]
        step = np.linalg.solve(Hm, g)
        dec = np.sum(g * step)
        if dec < 1e-20:
            break
        a = 1.0
        while True:
            cand = th - a * step
            fc = _nll(X, y, n, lam, cand)
            if fc <= f - 0.25 * a * dec or a < 1e-10:
                break
            a *= 0.5
        th = cand
        f = fc
        if a * np.sqrt(np.sum(step * step)) < 1e-10:
            break
    return th


def logistic_mle(X: Any, y: Any, lam: float = 1.0) -> np.ndarray:
    r"""Regularised logistic MLE :math:`\arg\min_\theta \sum_i -\log
    \sigma((2y_i - 1) x_i^\top\theta) + \tfrac{\lambda}{2}\|\theta\|^2` (Newton's method)."""
    X = np.ascontiguousarray(X, dtype=float)
    y = np.ascontiguousarray(y, dtype=float)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise InvalidArgument(f"X {X.shape}, y {y.shape}: expected (n, d) and (n,)")
    lam = check_real("lam", lam, lower=0.0, lower_open=True)
    return _mle(X, y, X.shape[0], lam, np.zeros(X.shape[1]))


@njit(cache=True)
def _maxinp(Phi, theta, Vinv, beta, promising):
    M = Phi.shape[0]
    d = Phi.shape[1]
    W = np.zeros((M, M))
    diff = np.empty(d)
    for i in range(M):
        for j in range(i + 1, M):
            for k in range(d):
                diff[k] = Phi[i, k] - Phi[j, k]
            q = 0.0
            for k in range(d):
                acc = 0.0
                for m in range(d):
                    acc += Vinv[k, m] * diff[m]
                q += diff[k] * acc
            W[i, j] = math.sqrt(max(q, 0.0))
            W[j, i] = W[i, j]
    for i in range(M):
        ok = True
        for j in range(M):
            if i == j:
                continue
            gap = 0.0
            for k in range(d):
                gap += (Phi[i, k] - Phi[j, k]) * theta[k]
            if gap + beta * W[i, j] < 0.0:
                ok = False
                break
        promising[i] = ok
    best = -1.0
    bi = 0
    bj = 0
    for i in range(M):
        if not promising[i]:
            continue
        for j in range(i, M):
            if promising[j] and W[i, j] > best:
                best = W[i, j]
                bi = i
                bj = j
    return bi, bj, best


def maxinp_pair(Phi: Any, theta: Any, Vinv: Any, beta: float) -> tuple[int, int, np.ndarray]:
    r"""The MaxInP pair: ``(i, j, promising)`` with ``promising`` the mask of
    :math:`C = \{i : (\Phi_i - \Phi_k)^\top\theta + \beta\|\Phi_i - \Phi_k\|_{V^{-1}} \ge 0\
    \forall k\}` and ``(i, j)``, ``i <= j``, the first (lexicographic) maximiser of
    :math:`\|\Phi_i - \Phi_j\|_{V^{-1}}` over :math:`C \times C`."""
    Phi = np.ascontiguousarray(Phi, dtype=float)
    promising = np.zeros(Phi.shape[0], np.bool_)
    i, j, _ = _maxinp(Phi, np.ascontiguousarray(theta, dtype=float),
                      np.ascontiguousarray(Vinv, dtype=float), float(beta), promising)
    return int(i), int(j), promising


@njit(cache=True)
def _rollout(pol, cdf, H, S, A, s0, key, ctr, feat):
    s = s0
    for h in range(H):
        a = pol[h, s]
        feat[s * A + a] += 1.0
        row = s * A + a
        u = _u01(key, ctr + h)
        y = S - 1
        for t in range(S - 1):
            if u < cdf[h, row, t]:
                y = t
                break
        s = y


@njit(cache=True)
def _dueling_kernel(Phi, rep, pol_of, cdf, H, S, A, K, s0, w, ekey, akey, mode, c, lam,
                    log_delta, regret, switches, theta_out):
    M = Phi.shape[0]
    d = Phi.shape[1]
    n_all = pol_of.shape[0]
    vals = Phi @ w
    vstar = vals.max()
    X = np.zeros((K, d))
    y = np.zeros(K)
    Vinv = np.eye(d) / lam
    theta = np.zeros(d)
    logdet = d * math.log(lam)
    logdet_last = -1e300
    promising = np.zeros(M, np.bool_)
    f1 = np.zeros(d)
    f2 = np.zeros(d)
    i1 = 0
    i2 = 0
    L2 = 2.0 * H * H
    nsw = 0
    stride = 2 * H + 1
    for t in range(K):
        if mode == 0:
            if logdet > logdet_last + math.log(2.0):
                if t > 0:
                    theta = _mle(X, y, t, lam, theta)
                beta = c * math.sqrt(d * math.log(1.0 + t * L2 / (d * lam)) + 2.0 * log_delta)
                i1, i2, _ = _maxinp(Phi, theta, Vinv, beta, promising)
                logdet_last = logdet
                nsw += 1
        else:
            i1 = pol_of[min(int(_u01(akey, 2 * t) * n_all), n_all - 1)]
            i2 = pol_of[min(int(_u01(akey, 2 * t + 1) * n_all), n_all - 1)]
        regret[t] = vstar - 0.5 * (vals[i1] + vals[i2])
        f1[:] = 0.0
        f2[:] = 0.0
        _rollout(rep[i1], cdf, H, S, A, s0, ekey, t * stride, f1)
        _rollout(rep[i2], cdf, H, S, A, s0, ekey, t * stride + H, f2)
        z = 0.0
        for k in range(d):
            X[t, k] = f1[k] - f2[k]
            z += w[k] * X[t, k]
        y[t] = 1.0 if _u01(ekey, t * stride + 2 * H) < 1.0 / (1.0 + math.exp(-z)) else 0.0
        # Sherman-Morrison update of V^{-1} and log det V
        v = Vinv @ X[t]
        q = 0.0
        for k in range(d):
            q += X[t, k] * v[k]
        logdet += math.log1p(q)
        for k in range(d):
            for m in range(d):
                Vinv[k, m] -= v[k] * v[m] / (1.0 + q)
    if mode == 0:
        theta = _mle(X, y, K, lam, theta)
    theta_out[:] = theta
    switches[0] = nsw


def dueling_rl(mdp: TabularMDP, w: Any, K: int, seeds: Any = 8, *, mode: str = "maxinp",
               c: float = 0.5, lam: float = 1.0, delta: float = 0.05, initial_state: int = 0,
               max_policies: int = 1 << 14) -> dict:
    r"""Run the known-transition dueling learner for ``K`` rounds on every seed.

    Parameters
    ----------
    mdp : TabularMDP
        Finite horizon; its transitions are used (known), its rewards ignored.
    w : array_like (S, A)
        True preference parameter; :math:`P(\tau_1 \succ \tau_2) =
        \sigma(w^\top(\phi(\tau_1) - \phi(\tau_2)))`, :math:`\phi` = visitation counts.
    K : int
        Rounds (each round: two trajectories, one preference bit).
    seeds : int or sequence of int
        The same seed gives the same bits.
    mode : ``"maxinp"`` or ``"uniform"``
        ``"uniform"`` plays a uniformly random pair of policies (a planted linear-regret
        learner, for negative controls).
    c : float
        Scale of the confidence radius :math:`\beta_t` (module docstring).

    Returns
    -------
    dict
        ``regret`` (n, K) exact expected regret of each round's pair (average of the two
        policies' values), ``cumulative_regret``, ``theta_hat`` (n, d) final MLE,
        ``switches`` (n,), ``V_star``, ``gap`` (best minus second-best distinct policy
        value), ``n_policies``, ``n_distinct``.
    """
    from provable.learners.tabular_rl._episodic import episodic_arrays

    if mode not in DUELING_MODES:
        raise InvalidArgument(f"mode={mode!r}, expected one of {DUELING_MODES}")
    K = check_int("K", K, min_value=1)
    c = check_real("c", c, lower=0.0)
    lam = check_real("lam", lam, lower=0.0, lower_open=True)
    delta = check_real("delta", delta, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    H, S, A = mdp.horizon, mdp.S, mdp.A
    s0 = check_int("initial_state", initial_state, min_value=0, max_value=S - 1)
    w = np.asarray(w, dtype=float)
    if w.shape != (S, A):
        raise InvalidArgument(f"w has shape {w.shape}, expected (S, A) = {(S, A)}")
    _, cdf, _, _ = episodic_arrays(mdp)
    pols = enumerate_policies(H, S, A, max_policies)
    Phi_all = expected_features(mdp, pols, s0)
    _, first, pol_of = np.unique(np.round(Phi_all, 12), axis=0, return_index=True,
                                 return_inverse=True)
    Phi = np.ascontiguousarray(Phi_all[first])
    rep = np.ascontiguousarray(pols[first])
    wf = w.ravel().copy()
    vals = np.unique(np.round(Phi @ wf, 12))
    seeds_arr = as_seed_list(seeds)
    env_keys, alg_keys = seed_keys(seeds_arr, 0x6475656C)
    n = seeds_arr.size
    regret = np.zeros((n, K))
    theta = np.zeros((n, S * A))
    sw = np.zeros((n, 1), np.int64)
    for j in range(n):
        _dueling_kernel(Phi, rep, pol_of.ravel().astype(np.int64), cdf, H, S, A, K, s0, wf,
                        env_keys[j], alg_keys[j], DUELING_MODES.index(mode), c, lam,
                        math.log(1.0 / delta), regret[j], sw[j], theta[j])
    return {"regret": regret, "cumulative_regret": np.cumsum(regret, axis=1),
            "theta_hat": theta, "switches": sw[:, 0], "V_star": float(vals[-1]),
            "gap": float(vals[-1] - vals[-2]) if vals.size > 1 else 0.0,
            "n_policies": int(pols.shape[0]), "n_distinct": int(Phi.shape[0]),
            "seeds": seeds_arr, "mode": mode, "c": c}
