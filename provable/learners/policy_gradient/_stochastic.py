r"""Stochastic policy gradient on the scalar LQR (:class:`ScalarLQR`): GPOMDP gradient and
Hessian-vector estimates from simulated trajectories, and three single-loop methods.

Estimators (one trajectory :math:`\tau` of length :math:`H`, score
:math:`s_t = \partial_k\log\pi(u_t\mid x_t) = -\xi_t x_t/\sigma`, baseline
:math:`b_t` for :math:`\gamma^t r_t` that does not depend on :math:`\tau`):

* gradient (GPOMDP): :math:`g = \sum_t (\gamma^t r_t - b_t)\sum_{h\le t} s_h`;
* Hessian (Fatkhullin et al. 2023, after Shen et al. 2019):
  :math:`B = \nabla\Phi\,\nabla\log p(\tau)^\top + \nabla^2\Phi` with
  :math:`\nabla\Phi = g`, :math:`\nabla\log p(\tau) = \sum_t s_t`,
  :math:`\nabla^2\Phi = \sum_t(\gamma^t r_t - b_t)\sum_{h\le t}\partial_k^2\log\pi_h`,
  :math:`\partial_k^2\log\pi = -x^2/\sigma^2`. Both are unbiased.

Methods (``theta`` is the scalar gain ``k``; normalised steps are sign steps in 1-D):

* ``"normalized_pg"``: :math:`k_{t+1} = k_t + \gamma_t\,g_t/|g_t|`, one trajectory per
  iteration, :math:`\gamma_t = \gamma_0 (t+1)^{-3/4}` (comparator for the prior bound);
* ``"n_pg_igt"`` (N-PG-IGT): gradient at the extrapolated point
  :math:`\tilde k_t = k_t + \frac{1-\eta_t}{\eta_t}(k_t - k_{t-1})`,
  :math:`d_t = (1-\eta_t)d_{t-1} + \eta_t g(\tilde k_t)`,
  :math:`k_{t+1} = k_t + \gamma_t d_t/|d_t|`; one trajectory per iteration;
  :math:`\eta_t = (2/(t+2))^{4/5}`, :math:`\gamma_t = 2\gamma_0/(t+2)`;
* ``"n_harpg"`` (N-HARPG): :math:`q_t\sim U[0,1]`,
  :math:`\hat k_t = q_t k_t + (1-q_t)k_{t-1}`,
  :math:`d_t = (1-\eta_t)(d_{t-1} + B(\hat\tau_t,\hat k_t)(k_t-k_{t-1})) + \eta_t g(\tau_t, k_t)`,
  :math:`k_{t+1} = k_t + \gamma_t d_t/|d_t|`; two trajectories per iteration;
  :math:`\eta_t = 2/(t+2)`, :math:`\gamma_t = 2\gamma_0/(t+2)`.

Baselines: ``"running"`` (per-step exponential average of past observed
:math:`\gamma^t r_t`, weight 0.1; independent of the current trajectory) or ``"none"``.

Examples
--------
>>> from provable.learners.policy_gradient import ScalarLQR, run_stochastic_pg
>>> res = run_stochastic_pg(ScalarLQR(), "n_pg_igt", iters=2000, seeds=4, k0=0.0)
>>> bool(res.gaps[:, -1].mean() < res.gaps[:, 0].mean())
True
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from numba import njit

from provable._result import RichResult
from provable._validation import check_choice, check_int, check_real
from provable.errors import InvalidArgument
from provable.learners._random import as_seed_list, normal, seed_keys, u01
from provable.learners.policy_gradient._lqr import ScalarLQR, _derivs

__all__ = ["STOCHASTIC_METHODS", "StochasticPGResult", "run_stochastic_pg", "gpomdp_estimates",
           "TRAJECTORIES_PER_ITERATION"]

STOCHASTIC_METHODS = {"normalized_pg": 0, "n_pg_igt": 1, "n_harpg": 2}
TRAJECTORIES_PER_ITERATION = {"normalized_pg": 1, "n_pg_igt": 1, "n_harpg": 2}
_TAG = 0x4C5152  # "LQR"


@njit(cache=True)
def _trajectory(k, v, a, b, q, r, sig, w, m0, H, gamma, base, rew, key, ctr):
    """One trajectory at gain k: (g, B*v, next counter); writes gamma^t r_t into rew."""
    x = math.sqrt(m0) * normal(key, ctr)
    ctr += 1
    S = 0.0
    C2 = 0.0
    g = 0.0
    h2 = 0.0
    disc = 1.0
    for t in range(H):
        xi = normal(key, ctr)
        ctr += 1
        u = -k * x + sig * xi
        rt = disc * (-(q * x * x + r * u * u))
        rew[t] = rt
        S += -xi * x / sig
        C2 += -x * x / (sig * sig)
        adv = rt - base[t]
        g += adv * S
        h2 += adv * C2
        x = a * x + b * u + w * normal(key, ctr)
        ctr += 1
        disc *= gamma
    return g, (g * S + h2) * v, ctr


@njit(cache=True)
def _estimates(k, v, a, b, q, r, sig, w, m0, H, gamma, base, n, key):
    g = np.empty(n)
    hv = np.empty(n)
    rew = np.empty(H)
    ctr = 0
    for i in range(n):
        g[i], hv[i], ctr = _trajectory(k, v, a, b, q, r, sig, w, m0, H, gamma, base, rew, key,
                                       ctr)
    return g, hv


@njit(cache=True)
def _sign(x):
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


@njit(cache=True)
def _run(method, k0, T, g0, a, b, q, r, sig, w, m0, H, gamma, jstar, checkpoints, running,
         key, gaps, ks):
    base = np.zeros(H)
    rew = np.empty(H)
    k = k0
    k_prev = k0
    d = 0.0
    ctr = 0
    ci = 0
    nc = checkpoints.size
    for t in range(T + 1):
        while ci < nc and checkpoints[ci] == t:
            J = _derivs(k, a, b, q, r, sig, w, m0, H, gamma)[0]
            gaps[ci] = jstar - J
            ks[ci] = k
            ci += 1
        if t == T:
            break
        if method == 0:
            gt, _, ctr = _trajectory(k, 0.0, a, b, q, r, sig, w, m0, H, gamma, base, rew, key,
                                     ctr)
            d = gt
            step = g0 * (t + 1.0) ** -0.75
        elif method == 1:
            eta = (2.0 / (t + 2.0)) ** 0.8
            kt = k + (1.0 - eta) / eta * (k - k_prev)
            gt, _, ctr = _trajectory(kt, 0.0, a, b, q, r, sig, w, m0, H, gamma, base, rew,
                                     key, ctr)
            d = (1.0 - eta) * d + eta * gt
            step = 2.0 * g0 / (t + 2.0)
        else:
            eta = 2.0 / (t + 2.0)
            qq = u01(key, 2 * ctr)
            ctr += 1
            kh = qq * k + (1.0 - qq) * k_prev
            _, hv, ctr = _trajectory(kh, k - k_prev, a, b, q, r, sig, w, m0, H, gamma, base,
                                     rew, key, ctr)
            if running:
                for h in range(H):
                    base[h] = 0.9 * base[h] + 0.1 * rew[h]
            gt, _, ctr = _trajectory(k, 0.0, a, b, q, r, sig, w, m0, H, gamma, base, rew, key,
                                     ctr)
            d = (1.0 - eta) * (d + hv) + eta * gt
            step = 2.0 * g0 / (t + 2.0)
        if running:
            for h in range(H):
                base[h] = 0.9 * base[h] + 0.1 * rew[h]
        k_prev = k
        k = k + step * _sign(d)


class StochasticPGResult(RichResult):
    """Result of :func:`run_stochastic_pg`.

    Attributes
    ----------
    method : str
    checkpoints : ndarray(int)
        Iteration counts at which the gap was recorded.
    samples : ndarray(int)
        Trajectories sampled by each checkpoint (``checkpoints * trajectories per iteration``).
    gaps : ndarray(float, shape=(n_seeds, n_checkpoints))
        Exact ``J(k*) - J(k_t)``.
    ks : ndarray(float, shape=(n_seeds, n_checkpoints))
        The iterates.
    k_star, J_star : float
    seconds : float
    """

    _fields = ("method", "k_star", "J_star", "seconds", "checkpoints", "samples", "gaps", "ks")


def run_stochastic_pg(lqr: ScalarLQR, method: str = "n_pg_igt", iters: int = 10000, *,
                      seeds: Any = 8, k0: float = 0.0, step0: float = 0.5,
                      checkpoints: Any = None, baseline: str = "running") -> StochasticPGResult:
    """Run a stochastic policy-gradient method on ``lqr`` for every seed.

    Parameters
    ----------
    lqr : ScalarLQR
    method : {"normalized_pg", "n_pg_igt", "n_harpg"}
        See the module docstring for the updates and step-size schedules.
    iters : int
        Iterations (one or two trajectories each).
    seeds : int or sequence of int
    k0 : float
        Initial gain.
    step0 : float
        ``gamma_0`` of the step-size schedule.
    checkpoints : array_like of int, optional
        Iterations at which to record the exact gap (default: 200 log-spaced in
        ``[1, iters]`` plus 0).
    baseline : {"running", "none"}

    Returns
    -------
    StochasticPGResult
    """
    check_choice("method", method, STOCHASTIC_METHODS)
    check_choice("baseline", baseline, ("running", "none"))
    T = check_int("iters", iters, min_value=1)
    check_real("k0", k0)
    check_real("step0", step0, lower=0.0, lower_open=True)
    sl = as_seed_list(seeds)
    if checkpoints is None:
        cp = np.unique(np.concatenate([[0], np.geomspace(1, T, 200).astype(np.int64)]))
    else:
        cp = np.unique(np.asarray(checkpoints, dtype=np.int64))
        if cp.size == 0 or cp[0] < 0 or cp[-1] > T:
            raise InvalidArgument(f"checkpoints span [{cp.min() if cp.size else None}, "
                                  f"{cp.max() if cp.size else None}], expected a non-empty "
                                  f"set of iterations in [0, iters={T}]")
    k_star, j_star = lqr.optimum()
    _, keys = seed_keys(sl, _TAG)
    gaps = np.empty((sl.size, cp.size))
    ks = np.empty((sl.size, cp.size))
    t0 = time.perf_counter()
    for i in range(sl.size):
        _run(STOCHASTIC_METHODS[method], float(k0), T, float(step0), *lqr._params(), j_star,
             cp, baseline == "running", keys[i], gaps[i], ks[i])
    return StochasticPGResult(method=method, k_star=k_star, J_star=j_star,
                              seconds=time.perf_counter() - t0, checkpoints=cp,
                              samples=cp * TRAJECTORIES_PER_ITERATION[method], gaps=gaps, ks=ks)


def gpomdp_estimates(lqr: ScalarLQR, k: float, n: int, *, v: float = 1.0, seed: int = 0,
                     baseline: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """``n`` independent GPOMDP gradient estimates and Hessian-vector estimates ``B v`` at ``k``.

    ``baseline`` is ``None`` (zero), ``"exact"`` (the exact ``E[gamma^t r_t]`` at ``k``) or
    an array of length ``H``. Both estimates are unbiased for ``J'(k)`` and ``J''(k) v``.

    Examples
    --------
    >>> from provable.learners.policy_gradient import ScalarLQR, gpomdp_estimates
    >>> g, hv = gpomdp_estimates(ScalarLQR(), 0.0, 1000, seed=0)
    >>> g.shape, hv.shape
    ((1000,), (1000,))
    """
    check_real("k", k)
    check_real("v", v)
    n = check_int("n", n, min_value=1)
    H = lqr.horizon
    if baseline is None:
        base = np.zeros(H)
    elif isinstance(baseline, str):
        check_choice("baseline", baseline, ("exact",))
        base = lqr.mean_rewards(k)
    else:
        base = np.asarray(baseline, float)
        if base.shape != (H,):
            raise InvalidArgument(f"baseline has shape {base.shape}, expected ({H},)")
    _, keys = seed_keys(as_seed_list([int(seed)]), _TAG + 1)
    return _estimates(float(k), float(v), *lqr._params(), base, n, keys[0])
