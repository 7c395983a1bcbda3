r"""Reinforcement learning with general utilities: maximise a function :math:`F` of the
state-action occupancy measure (Barakat, Fatkhullin and He 2023, arXiv 2306.01854).

A discounted tabular MDP :math:`(P, \rho, \gamma)` with ``P`` of shape ``(S, A, S)`` and a
softmax policy :math:`\pi_\theta(a\mid s)\propto e^{\theta_{s,a}}`. The (unnormalised)
occupancy measure is

.. math::
    \lambda^{\pi}(s,a) = \sum_{t\ge 0}\gamma^t\,\Pr(s_t=s, a_t=a\mid\pi, s_0\sim\rho)
    = \pi(a\mid s)\,\nu(s),\qquad \nu = (I-\gamma P_\pi^\top)^{-1}\rho ,

and the objective is :math:`F(\lambda^{\pi_\theta})`. By the chain rule its gradient is the
policy gradient of the cumulative reward :math:`r = \nabla_\lambda F(\lambda^{\pi_\theta})`:
:math:`\partial_{\theta_{s,a}} F = \nu(s)\pi(a\mid s)(Q_r(s,a) - V_r(s))`.

Tools:

* :func:`occupancy`, :func:`utility_gradient`: exact occupancy and exact gradient by linear
  solves;
* :class:`QuadraticUtility` (distance to a target occupancy: learning from demonstrations)
  and :class:`EntropyUtility` (entropy of the normalised state occupancy: maximum-entropy
  exploration), both concave in :math:`\lambda`;
* :func:`frank_wolfe`: the exact optimum :math:`F^\star = \max_\lambda F(\lambda)` over the
  occupancy polytope (a convex program), with the Frank-Wolfe duality gap as a certificate:
  :math:`F(\lambda_k)\le F^\star\le F(\lambda_k) + g_k`;
* :func:`run_nvrpg`: the stochastic normalised policy gradient with recursive-momentum
  variance reduction (N-VR-PG) from sampled trajectories of length ``H``:

  .. math::
      \theta_{t} &= \theta_{t-1} + \alpha_{t-1}\, d_{t-1}/\lVert d_{t-1}\rVert,\qquad
      \tau_t\sim\pi_{\theta_t},\\
      \lambda_t &= \eta_t\hat\lambda(\tau_t) + (1-\eta_t)\bigl(\lambda_{t-1}
          + (1 - w_t)\hat\lambda(\tau_t)\bigr),\\
      d_t &= \eta_t g(\tau_t,\theta_t,r_{t-1}) + (1-\eta_t)\bigl(d_{t-1}
          + g(\tau_t,\theta_t,r_{t-1}) - w_t\, g(\tau_t,\theta_{t-1},r_{t-2})\bigr),

  with :math:`r_t = \nabla F(\lambda_t)`, the truncated occupancy estimate
  :math:`\hat\lambda(\tau) = \sum_{h<H}\gamma^h e_{s_h,a_h}`, the GPOMDP estimate
  :math:`g(\tau,\theta,r) = \sum_{h<H}\gamma^h r(s_h,a_h)\sum_{h'\le h}\nabla\log
  \pi_\theta(a_{h'}\mid s_{h'})` and the importance weight
  :math:`w_t = \prod_{h<H}\pi_{\theta_{t-1}}(a_h\mid s_h)/\pi_{\theta_t}(a_h\mid s_h)`.
  One trajectory per iteration.

Examples
--------
>>> import numpy as np
>>> from provable.learners.policy_gradient import general_utility as gu
>>> P = np.array([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]])
>>> lam = gu.occupancy(P, np.array([1.0, 0.0]), 0.5, np.full((2, 2), 0.5))
>>> lam.round(6).tolist()   # nu_1 = 0.25 (nu_0 + nu_1) = 0.5, nu_0 = 2 - nu_1 = 1.5
[[0.75, 0.75], [0.25, 0.25]]
>>> float(lam.sum())               # total mass 1/(1 - gamma)
2.0
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numba import njit

from provable._result import RichResult
from provable._validation import check_choice, check_int, check_real
from provable.errors import InvalidArgument
from provable.learners._random import as_seed_list, seed_keys, u01

__all__ = ["QuadraticUtility", "EntropyUtility", "occupancy", "softmax_policy",
           "utility_gradient", "frank_wolfe", "FrankWolfeResult", "run_nvrpg", "NVRPGResult",
           "random_utility_instance", "NVRPG_SCHEDULES", "NVRPG_MUTATIONS"]

_TAG = 0x475554  # "GUT"

NVRPG_SCHEDULES = {"global": 0, "stationary": 1, "constant": 2}
# planted mistakes (used by the claim's mutants); "none" is the paper's update
NVRPG_MUTATIONS = {"none": 0, "no_momentum": 1, "no_normalization": 2, "frozen_occupancy": 3,
                   "no_importance_weights": 4, "descent": 5}


# ---------------------------------------------------------------------------
# exact tabular quantities

def _check_mdp(P: Any, rho: Any, gamma: float) -> tuple[np.ndarray, np.ndarray]:
    P = np.asarray(P, float)
    rho = np.asarray(rho, float)
    if P.ndim != 3 or P.shape[0] != P.shape[2]:
        raise InvalidArgument(f"P has shape {P.shape}, expected (S, A, S)")
    if not np.allclose(P.sum(axis=2), 1.0) or (P < 0).any():
        raise InvalidArgument("P rows must be probability vectors (P[s, a] sums to 1)")
    if rho.shape != (P.shape[0],) or (rho < 0).any() or not np.isclose(rho.sum(), 1.0):
        raise InvalidArgument(f"rho={rho!r} must be a distribution over the {P.shape[0]} states")
    check_real("gamma", gamma, lower=0.0, upper=1.0, upper_open=True)
    return P, rho


def softmax_policy(theta: Any) -> np.ndarray:
    """Row-wise softmax :math:`\\pi_\\theta(a\\mid s)` of ``theta`` (S, A).

    Examples
    --------
    >>> softmax_policy([[0.0, 0.0], [0.0, np.log(3.0)]]).tolist()
    [[0.5, 0.5], [0.25, 0.75]]
    """
    th = np.asarray(theta, float)
    z = np.exp(th - th.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def occupancy(P: Any, rho: Any, gamma: float, pi: Any) -> np.ndarray:
    r"""Exact unnormalised occupancy :math:`\lambda^\pi(s,a) = \pi(a\mid s)\nu(s)`,
    :math:`\nu = (I - \gamma P_\pi^\top)^{-1}\rho`; the entries sum to :math:`1/(1-\gamma)`.

    Parameters
    ----------
    P : array_like(float, ndim=3)
        Transitions ``(S, A, S)``.
    rho : array_like(float, ndim=1)
        Initial distribution.
    gamma : float in [0, 1)
    pi : array_like(float, ndim=2)
        Policy ``(S, A)``.

    Returns
    -------
    ndarray(float, ndim=2)

    Examples
    --------
    >>> P = np.ones((1, 2, 1))
    >>> occupancy(P, [1.0], 0.9, [[0.25, 0.75]]).round(12).tolist()
    [[2.5, 7.5]]
    """
    P, rho = _check_mdp(P, rho, gamma)
    pi = np.asarray(pi, float)
    Ppi = np.einsum("sa,sat->st", pi, P)
    nu = np.linalg.solve(np.eye(P.shape[0]) - gamma * Ppi.T, rho)
    return pi * nu[:, None]


@dataclass(frozen=True)
class QuadraticUtility:
    r""":math:`F(\lambda) = -\tfrac12\lVert\lambda - \lambda^\dagger\rVert_2^2`: imitation of
    a target occupancy :math:`\lambda^\dagger` (concave, 1-smooth).

    Examples
    --------
    >>> u = QuadraticUtility(np.array([[1.0, 0.0]]))
    >>> u.value(np.array([[0.0, 0.0]])), u.grad(np.array([[0.0, 0.0]])).tolist()
    (-0.5, [[1.0, 0.0]])
    """

    target: np.ndarray

    def value(self, lam: np.ndarray) -> float:
        """:math:`F(\\lambda)`."""
        return float(-0.5 * np.sum((np.asarray(lam) - self.target) ** 2))

    def grad(self, lam: np.ndarray) -> np.ndarray:
        """:math:`\\nabla F(\\lambda) = \\lambda^\\dagger - \\lambda`."""
        return self.target - np.asarray(lam, float)


@dataclass(frozen=True)
class EntropyUtility:
    r""":math:`F(\lambda) = -\sum_s d_s\log d_s`, :math:`d_s = (1-\gamma)\sum_a\lambda(s,a)`:
    the entropy of the normalised state occupancy (maximum-entropy exploration; concave).

    Examples
    --------
    >>> u = EntropyUtility(gamma=0.5)
    >>> bool(abs(u.value(np.array([[1.0], [1.0]])) - np.log(2.0)) < 1e-12)
    True
    """

    gamma: float

    def value(self, lam: np.ndarray) -> float:
        """:math:`F(\\lambda)` (``0 log 0 = 0``)."""
        d = (1 - self.gamma) * np.asarray(lam, float).sum(axis=1)
        pos = d > 0
        return float(-np.sum(d[pos] * np.log(d[pos])))

    def grad(self, lam: np.ndarray) -> np.ndarray:
        """:math:`\\partial F/\\partial\\lambda(s,a) = -(1-\\gamma)(\\log d_s + 1)` (``-inf``
        where :math:`d_s = 0` is replaced by a large finite value)."""
        lam = np.asarray(lam, float)
        d = np.maximum((1 - self.gamma) * lam.sum(axis=1), 1e-300)
        return np.repeat((-(1 - self.gamma) * (np.log(d) + 1))[:, None], lam.shape[1], axis=1)


def _policy_values(P: np.ndarray, gamma: float, pi: np.ndarray, r: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    S = P.shape[0]
    Ppi = np.einsum("sa,sat->st", pi, P)
    V = np.linalg.solve(np.eye(S) - gamma * Ppi, np.sum(pi * r, axis=1))
    return V, r + gamma * P @ V


def utility_gradient(P: Any, rho: Any, gamma: float, theta: Any, utility: Any) -> np.ndarray:
    r"""Exact :math:`\nabla_\theta F(\lambda^{\pi_\theta})` for the softmax policy: the policy
    gradient of the reward :math:`r = \nabla F(\lambda^{\pi_\theta})`,
    :math:`\nu(s)\pi(a\mid s)(Q_r(s,a) - V_r(s))`.

    Examples
    --------
    >>> P = np.ones((1, 2, 1))                    # one state: F depends on pi only
    >>> u = QuadraticUtility(np.array([[10.0, 0.0]]))
    >>> g = utility_gradient(P, [1.0], 0.9, np.zeros((1, 2)), u)
    >>> bool(g[0, 0] > 0 > g[0, 1]), round(float(g.sum()), 12)
    (True, 0.0)
    """
    P, rho = _check_mdp(P, rho, gamma)
    pi = softmax_policy(theta)
    lam = occupancy(P, rho, gamma, pi)
    r = utility.grad(lam)
    V, Q = _policy_values(P, gamma, pi, r)
    return lam * (Q - V[:, None])


def _best_response(P: np.ndarray, rho: np.ndarray, gamma: float, r: np.ndarray
                   ) -> np.ndarray:
    """Occupancy of an optimal deterministic policy for reward ``r`` (policy iteration)."""
    S, A = r.shape
    act = np.zeros(S, int)
    for _ in range(10 * S * A + 10):
        pi = np.eye(A)[act]
        V, Q = _policy_values(P, gamma, pi, r)
        better = Q.max(axis=1) > Q[np.arange(S), act] + 1e-12 * (1 + np.abs(V))
        if not better.any():
            break
        act = np.where(better, Q.argmax(axis=1), act)
    return occupancy(P, rho, gamma, np.eye(A)[act])


class FrankWolfeResult(RichResult):
    """Result of :func:`frank_wolfe`: ``lam`` (the occupancy), ``value`` (:math:`F`),
    ``gap`` (duality gap: :math:`F^\\star\\le` value + gap), ``num_iter``, ``success``."""

    _fields = ("value", "gap", "num_iter", "success", "lam")


def frank_wolfe(P: Any, rho: Any, gamma: float, utility: Any, *, iters: int = 20000,
                tol: float = 1e-10, line_search: bool = True) -> FrankWolfeResult:
    r"""Maximise a concave :math:`F` over the occupancy polytope by Frank-Wolfe.

    The linear oracle :math:`\arg\max_{\lambda'}\langle\nabla F(\lambda),\lambda'\rangle` is
    the occupancy of an optimal deterministic policy for the reward :math:`\nabla F(\lambda)`
    (policy iteration). The duality gap
    :math:`g = \langle\nabla F(\lambda), \lambda' - \lambda\rangle \ge F^\star - F(\lambda)`
    certifies the optimum. Steps: exact line search on the segment (golden section), or
    :math:`2/(k+2)`.

    Returns
    -------
    FrankWolfeResult

    Examples
    --------
    >>> P = np.ones((1, 3, 1))
    >>> res = frank_wolfe(P, [1.0], 0.5, QuadraticUtility(np.array([[1.0, 0.5, 0.5]])))
    >>> res.success, abs(res.value) < 1e-9            # the target is an occupancy
    (True, True)
    """
    P, rho = _check_mdp(P, rho, gamma)
    check_int("iters", iters, min_value=1)
    S, A = P.shape[:2]
    lam = occupancy(P, rho, gamma, np.full((S, A), 1.0 / A))
    gap = np.inf
    k = 0
    for k in range(1, iters + 1):
        g = utility.grad(lam)
        vert = _best_response(P, rho, gamma, g)
        direction = vert - lam
        gap = float(np.sum(g * direction))
        if gap <= tol:
            break
        if line_search:
            lo, hi = 0.0, 1.0
            phi = (math.sqrt(5) - 1) / 2
            for _ in range(60):
                a = hi - phi * (hi - lo)
                b = lo + phi * (hi - lo)
                if utility.value(lam + a * direction) >= utility.value(lam + b * direction):
                    hi = b
                else:
                    lo = a
            step = 0.5 * (lo + hi)
        else:
            step = 2.0 / (k + 2.0)
        lam = lam + step * direction
    return FrankWolfeResult(lam=lam, value=utility.value(lam), gap=max(gap, 0.0), num_iter=k,
                            success=bool(gap <= tol))


def random_utility_instance(S: int, A: int, gamma: float, seed: int, *,
                            temperature: float = 1.0
                            ) -> tuple[np.ndarray, np.ndarray, QuadraticUtility, np.ndarray]:
    r"""A random dense MDP and a :class:`QuadraticUtility` whose target is the occupancy of a
    random softmax "expert" :math:`\pi_{\theta^\dagger}`, :math:`\theta^\dagger\sim
    N(0, \text{temperature}^2)`: the optimum is :math:`F^\star = 0`, attained in the interior
    of the policy simplex.

    Returns
    -------
    P, rho, utility, theta_expert

    Examples
    --------
    >>> P, rho, u, th = random_utility_instance(3, 2, 0.5, seed=0)
    >>> P.shape, abs(u.value(occupancy(P, rho, 0.5, softmax_policy(th)))) < 1e-12
    ((3, 2, 3), True)
    """
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), _TAG]))
    P = rng.dirichlet(np.ones(S), size=(S, A))
    rho = rng.dirichlet(np.ones(S))
    th = temperature * rng.standard_normal((S, A))
    target = occupancy(P, rho, gamma, softmax_policy(th))
    return P, rho, QuadraticUtility(target), th


# ---------------------------------------------------------------------------
# N-VR-PG (numba)

@njit(cache=True)
def _softmax(theta, out):
    S, A = theta.shape
    for s in range(S):
        m = theta[s].max()
        tot = 0.0
        for a in range(A):
            out[s, a] = math.exp(theta[s, a] - m)
            tot += out[s, a]
        for a in range(A):
            out[s, a] /= tot


@njit(cache=True)
def _sample(cumP, cumrho, pi, H, key, ctr, states, actions):
    S, A = pi.shape
    u = u01(key, ctr)
    ctr += 1
    s = 0
    while s < S - 1 and u >= cumrho[s]:
        s += 1
    for h in range(H):
        u = u01(key, ctr)
        ctr += 1
        a = 0
        c = pi[s, 0]
        while a < A - 1 and u >= c:
            a += 1
            c += pi[s, a]
        states[h] = s
        actions[h] = a
        u = u01(key, ctr)
        ctr += 1
        y = 0
        while y < S - 1 and u >= cumP[s, a, y]:
            y += 1
        s = y
    return ctr


@njit(cache=True)
def _gpomdp(states, actions, pi, r, gamma, out):
    """out <- sum_h gamma^h r(s_h, a_h) sum_{h' <= h} grad log pi(a_h' | s_h')."""
    H = states.size
    A = pi.shape[1]
    out[:] = 0.0
    tail = 0.0
    for h in range(H - 1, -1, -1):
        s = states[h]
        a = actions[h]
        tail += gamma ** h * r[s, a]
        for b in range(A):
            out[s, b] -= tail * pi[s, b]
        out[s, a] += tail


@njit(cache=True)
def _exact(P, rho, gamma, pi, target, lam, grad):
    """Exact occupancy (into lam), exact gradient of the quadratic utility (into grad);
    returns F(lambda)."""
    S, A = pi.shape
    M = np.eye(S)
    for s in range(S):
        for a in range(A):
            for y in range(S):
                M[y, s] -= gamma * pi[s, a] * P[s, a, y]
    nu = np.linalg.solve(M, rho)
    F = 0.0
    for s in range(S):
        for a in range(A):
            lam[s, a] = pi[s, a] * nu[s]
            F -= 0.5 * (lam[s, a] - target[s, a]) ** 2
    r = target - lam
    Mv = np.eye(S)
    rp = np.zeros(S)
    for s in range(S):
        for a in range(A):
            rp[s] += pi[s, a] * r[s, a]
            for y in range(S):
                Mv[s, y] -= gamma * pi[s, a] * P[s, a, y]
    V = np.linalg.solve(Mv, rp)
    for s in range(S):
        for a in range(A):
            q = r[s, a]
            for y in range(S):
                q += gamma * P[s, a, y] * V[y]
            grad[s, a] = lam[s, a] * (q - V[s])
    return F


@njit(cache=True)
def _run(P, rho, gamma, target, theta0, T, H, alpha0, schedule, mutation, checkpoints, key,
         track_mean, values, gnorms, avg_gnorms):
    S, A = theta0.shape
    gsum = 0.0
    cumP = np.empty_like(P)
    for s in range(S):
        for a in range(A):
            c = 0.0
            for y in range(S):
                c += P[s, a, y]
                cumP[s, a, y] = c
    cumrho = np.cumsum(rho)
    theta = theta0.copy()
    theta_prev = theta0.copy()
    pi = np.empty((S, A))
    pi_prev = np.empty((S, A))
    states = np.empty(H, np.int64)
    actions = np.empty(H, np.int64)
    lam = np.zeros((S, A))
    lam_hat = np.zeros((S, A))
    r = np.zeros((S, A))
    r_prev = np.zeros((S, A))
    d = np.zeros((S, A))
    g_new = np.empty((S, A))
    g_old = np.empty((S, A))
    lam_ex = np.empty((S, A))
    grad_ex = np.empty((S, A))
    sign = -1.0 if mutation == 5 else 1.0
    ctr = 0
    ci = 0
    nc = checkpoints.size
    for t in range(T + 1):
        if t > 0:
            # theta_t = theta_{t-1} + alpha_{t-1} d_{t-1} / ||d_{t-1}||
            if schedule == 0:
                alpha = alpha0 * 2.0 / (t + 1.0)
            elif schedule == 1:
                alpha = alpha0 * t ** (-2.0 / 3.0)
            else:
                alpha = alpha0
            nrm = math.sqrt(np.sum(d * d))
            theta_prev[:, :] = theta
            if mutation == 2:
                theta += sign * alpha * d
            elif nrm > 0:
                theta += sign * alpha * d / nrm
        _softmax(theta, pi)
        if ci < nc and (track_mean or checkpoints[ci] == t):
            Fv = _exact(P, rho, gamma, pi, target, lam_ex, grad_ex)
            gn = math.sqrt(np.sum(grad_ex * grad_ex))
            gsum += gn
            while ci < nc and checkpoints[ci] == t:
                values[ci] = Fv
                gnorms[ci] = gn
                avg_gnorms[ci] = gsum / (t + 1.0)
                ci += 1
        if t == T:
            break
        ctr = _sample(cumP, cumrho, pi, H, key, ctr, states, actions)
        lam_hat[:, :] = 0.0
        disc = 1.0
        for h in range(H):
            lam_hat[states[h], actions[h]] += disc
            disc *= gamma
        if t == 0:
            lam[:, :] = lam_hat
            r_prev[:, :] = target - lam        # r_0 = grad F(lambda_0)
            _gpomdp(states, actions, pi, r_prev, gamma, d)
            r[:, :] = r_prev
            continue
        # schedules of the momentum weight
        if mutation == 1:
            eta = 1.0
        elif schedule == 1:
            eta = (t + 1.0) ** (-2.0 / 3.0)
        else:
            eta = 2.0 / (t + 2.0)
        _softmax(theta_prev, pi_prev)
        logw = 0.0
        for h in range(H):
            logw += math.log(pi_prev[states[h], actions[h]]) - math.log(pi[states[h], actions[h]])
        w = 1.0 if mutation == 4 else math.exp(logw)
        # r holds r_{t-1} = grad F(lambda_{t-1}); r_prev holds r_{t-2}
        _gpomdp(states, actions, pi, r, gamma, g_new)
        _gpomdp(states, actions, pi_prev, r_prev, gamma, g_old)
        for s in range(S):
            for a in range(A):
                d[s, a] = eta * g_new[s, a] + (1 - eta) * (d[s, a] + g_new[s, a]
                                                          - w * g_old[s, a])
                if mutation != 3:
                    lam[s, a] = eta * lam_hat[s, a] + (1 - eta) * (lam[s, a]
                                                                  + (1 - w) * lam_hat[s, a])
        r_prev[:, :] = r
        for s in range(S):
            for a in range(A):
                r[s, a] = target[s, a] - lam[s, a]
    return ctr


class NVRPGResult(RichResult):
    r"""Result of :func:`run_nvrpg`.

    Fields: ``objective`` ``(n_seeds, n_checkpoints)`` exact :math:`F(\lambda^{\pi_{\theta_t}})`
    at the checkpoints, ``grad_norms`` the exact :math:`\lVert\nabla_\theta F\rVert`
    there, ``avg_grad_norms`` the mean of :math:`\lVert\nabla_\theta F(\theta_s)\rVert`
    over :math:`s\le t` (the expected norm at an iterate drawn uniformly, the usual
    stationarity output), ``checkpoints`` (iterations t), ``trajectories`` (sampled so far: t),
    ``samples`` (transitions: t H), ``method``, ``schedule``, ``mutation``, ``seconds``.
    """

    _fields = ("method", "schedule", "mutation", "checkpoints", "trajectories", "objective",
               "grad_norms", "avg_grad_norms", "seconds")


def run_nvrpg(P: Any, rho: Any, gamma: float, utility: QuadraticUtility, iters: int, *,
              seeds: Any = 8, H: int | None = None, alpha0: float = 1.0,
              schedule: str = "global", theta0: Any = None, checkpoints: Any = None,
              mutation: str = "none", track_mean: bool = False) -> NVRPGResult:
    r"""N-VR-PG on a tabular MDP with a :class:`QuadraticUtility`, one sampled trajectory
    per iteration (see the module docstring for the update).

    Parameters
    ----------
    P, rho, gamma
        The MDP (``P`` is ``(S, A, S)``).
    utility : QuadraticUtility
    iters : int
        Iterations T (= trajectories).
    seeds : int or sequence of int
        Independent runs (``8`` means seeds 0..7).
    H : int, optional
        Trajectory length; default the smallest H with :math:`\gamma^H\le 10^{-8}`.
    alpha0 : float, default 1
        Step scale: ``"global"`` :math:`\alpha_t = 2\alpha_0/(t+2)`,
        :math:`\eta_t = 2/(t+2)`; ``"stationary"`` :math:`\alpha_t = \alpha_0(t+1)^{-2/3}`,
        :math:`\eta_t = (t+1)^{-2/3}`; ``"constant"`` :math:`\alpha_t=\alpha_0`,
        :math:`\eta_t = 2/(t+2)`.
    theta0 : array_like, optional
        Initial parameters (default zeros: the uniform policy).
    checkpoints : array_like of int, optional
        Iterations at which the exact value is recorded (default ~30 log-spaced).
    mutation : str, default "none"
        A planted mistake (for mutation testing), one of :data:`NVRPG_MUTATIONS`.
    track_mean : bool, default False
        Evaluate the exact gradient norm at every iteration and report its running mean
        (``avg_grad_norms``; NaN otherwise).

    Returns
    -------
    NVRPGResult

    Examples
    --------
    >>> P, rho, u, _ = random_utility_instance(3, 2, 0.5, seed=1)
    >>> res = run_nvrpg(P, rho, 0.5, u, 2000, seeds=4)
    >>> bool(res.objective[:, -1].mean() > res.objective[:, 0].mean())
    True
    """
    P, rho = _check_mdp(P, rho, gamma)
    if not isinstance(utility, QuadraticUtility):
        raise InvalidArgument(f"utility={utility!r}: run_nvrpg takes a QuadraticUtility")
    check_int("iters", iters, min_value=1)
    check_choice("schedule", schedule, NVRPG_SCHEDULES)
    check_choice("mutation", mutation, NVRPG_MUTATIONS)
    check_real("alpha0", alpha0, lower=0.0, lower_open=True)
    if H is None:
        H = max(1, math.ceil(math.log(1e-8) / math.log(gamma))) if gamma > 0 else 1
    check_int("H", H, min_value=1)
    S, A = P.shape[:2]
    th0 = np.zeros((S, A)) if theta0 is None else np.array(theta0, float)
    if th0.shape != (S, A):
        raise InvalidArgument(f"theta0 has shape {th0.shape}, expected {(S, A)}")
    if checkpoints is None:
        checkpoints = np.unique(np.geomspace(1, iters, 30).astype(np.int64))
    cps = np.unique(np.asarray(checkpoints, np.int64))
    if cps.size == 0 or cps[0] < 0 or cps[-1] > iters:
        raise InvalidArgument(f"checkpoints must lie in [0, iters={iters}]")
    sl = as_seed_list(seeds)
    _, keys = seed_keys(sl, _TAG)
    values = np.empty((sl.size, cps.size))
    gnorms = np.empty((sl.size, cps.size))
    avg = np.empty((sl.size, cps.size))
    target = np.ascontiguousarray(utility.target, dtype=float)
    t0 = time.perf_counter()
    for j in range(sl.size):
        _run(np.ascontiguousarray(P), rho, float(gamma), target, th0, int(iters), int(H),
             float(alpha0), NVRPG_SCHEDULES[schedule], NVRPG_MUTATIONS[mutation], cps,
             keys[j], bool(track_mean), values[j], gnorms[j], avg[j])
    if not track_mean:
        avg[:] = np.nan
    return NVRPGResult(method="N-VR-PG", schedule=schedule, mutation=mutation,
                       checkpoints=cps, trajectories=cps.copy(), samples=cps * H, H=H,
                       objective=values, grad_norms=gnorms, avg_grad_norms=avg,
                       seconds=time.perf_counter() - t0)
