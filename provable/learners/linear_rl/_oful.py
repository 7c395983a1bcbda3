r"""OFUL (Abbasi-Yadkori, Pál & Szepesvári 2011) and LinUCB for stochastic linear bandits.

Round t: :math:`\hat\theta_t = V_t^{-1} b_t` with :math:`V_t = \lambda I + \sum_{s<t} x_s
x_s^\top` (kept by Sherman–Morrison) and :math:`b_t = \sum_{s<t} y_s x_s`; play
:math:`\arg\max_x x^\top\hat\theta_t + \beta_t \|x\|_{V_t^{-1}}`. OFUL uses the
confidence radius of their Theorem 2,

.. math::

    \beta_t = \sigma \sqrt{d \log\frac{1 + t L^2/\lambda}{\delta}} + \sqrt\lambda\, S,

(L ≥ max ‖x‖, S ≥ ‖θ*‖); LinUCB (Li, Chu, Langford & Schapire 2010) uses a constant
:math:`\alpha`. Regret: :math:`\sum_t \max_x x^\top\theta^* - x_t^\top\theta^*`.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from provable._validation import as_generator, check_int, check_real
from provable.errors import InvalidArgument
from provable.learners.linear_rl._lsvi_ucb import (
    LinearRLResult,
    bonus_mutation,
    checkpoint_grid,
    seed_list,
)

__all__ = ["random_linear_bandit", "oful", "linucb"]


def random_linear_bandit(d: int, n_arms: int, seed: Any = 0) -> tuple[np.ndarray, np.ndarray]:
    """Arms uniform on the unit sphere of R^d and :math:`\\theta^*` uniform on it too.

    Returns ``(arms (n_arms, d), theta (d,))``; every mean lies in [-1, 1].

    Examples
    --------
    >>> from provable.learners.linear_rl import random_linear_bandit
    >>> X, th = random_linear_bandit(d=3, n_arms=10, seed=0)
    >>> X.shape, th.shape
    ((10, 3), (3,))
    """
    d = check_int("d", d, min_value=1)
    n_arms = check_int("n_arms", n_arms, min_value=1)
    rng = as_generator(seed)
    X = rng.standard_normal((n_arms, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    th = rng.standard_normal(d)
    return X, th / np.linalg.norm(th)


def _run(arms: Any, theta: Any, T: int, seeds: Any, *, theory: bool, alpha: float,
         sigma: float, lam: float, delta: float, eps: float, checkpoints: Any,
         name: str, mutation: dict | None = None) -> LinearRLResult:
    from provable.learners.linear_rl import _kernels as _k

    X = np.ascontiguousarray(np.asarray(arms, dtype=float))
    th = np.ascontiguousarray(np.asarray(theta, dtype=float))
    if X.ndim != 2 or X.shape[0] < 1:
        raise InvalidArgument(f"arms has shape {X.shape}, expected (n_arms, d)")
    if th.shape != (X.shape[1],):
        raise InvalidArgument(f"theta has shape {th.shape}, expected ({X.shape[1]},)")
    if not (np.isfinite(X).all() and np.isfinite(th).all()):
        raise InvalidArgument("arms and theta must be finite")
    T = check_int("T", T, min_value=1)
    sigma = check_real("sigma", sigma, lower=0.0)
    lam = check_real("lam", lam, lower=0.0, lower_open=True)
    delta = check_real("delta", delta, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    eps = check_real("eps", eps, lower=0.0, upper=1.0)
    scale, power, forced = bonus_mutation(mutation)
    seeds = seed_list(seeds)
    cps = checkpoint_grid(T, checkpoints, "T")
    d = X.shape[1]
    L = float(np.linalg.norm(X, axis=1).max())
    S_norm = float(np.linalg.norm(th))
    regret = np.zeros((seeds.size, cps.size))
    Vinv = np.zeros((seeds.size, d, d))
    bvec = np.zeros((seeds.size, d))
    t0 = time.perf_counter()
    for i, sd in enumerate(seeds):
        rng = as_generator(int(sd))
        noise = sigma * rng.standard_normal(T)
        U = rng.random((2, T))
        _k.linear_bandit_run(X, th, noise, alpha, theory, sigma, lam, S_norm, L, delta, eps,
                             U[0], U[1], cps, regret[i], Vinv[i], bvec[i], scale, power,
                             forced)
    return LinearRLResult(algorithm=name,
                          options={"alpha": alpha if not theory else None, "sigma": sigma,
                                   "lam": lam, "delta": delta, "eps": eps, "T": T,
                                   **({"mutation": dict(mutation)} if mutation else {})},
                          seeds=seeds, checkpoints=cps, regret=regret,
                          optimum=float((X @ th).max()), seconds=time.perf_counter() - t0,
                          state={"V_inv": Vinv, "b": bvec})


def oful(arms: Any, theta: Any, T: int, seeds: Any = 8, *, sigma: float = 0.5,
         lam: float = 1.0, delta: float = 0.05, eps: float = 0.0,
         checkpoints: Any = None, mutation: dict | None = None) -> LinearRLResult:
    r"""OFUL with the Theorem-2 confidence radius on a finite arm set, Gaussian noise.

    Parameters
    ----------
    arms : array_like (n_arms, d)
    theta : array_like (d,)
    T : int
        Rounds per run.
    seeds : int or sequence of int, default 8
    sigma : float, default 0.5
        Noise standard deviation (the sub-Gaussian constant R of the paper).
    lam : float, default 1
    delta : float, default 0.05
    eps : float, default 0
        Forced uniform exploration probability (a planted wrong algorithm when > 0).
    checkpoints : array_like(int), optional
        Rounds at which the regret is read (default: T only).
    mutation : dict, optional
        A planted implementation mistake (keys of
        :func:`~provable.learners.linear_rl._lsvi_ucb.bonus_mutation`); the default is
        the algorithm.

    Returns
    -------
    LinearRLResult

    Examples
    --------
    >>> from provable.learners.linear_rl import oful, random_linear_bandit
    >>> X, th = random_linear_bandit(d=3, n_arms=20, seed=0)
    >>> res = oful(X, th, T=500, seeds=2, checkpoints=[250, 500])
    >>> res.regret.shape, bool((res.regret[:, 1] < 500 * 2).all())
    ((2, 2), True)
    """
    return _run(arms, theta, T, seeds, theory=True, alpha=0.0, sigma=sigma, lam=lam,
                delta=delta, eps=eps, checkpoints=checkpoints, name="oful",
                mutation=mutation)


def linucb(arms: Any, theta: Any, T: int, seeds: Any = 8, *, alpha: float = 1.0,
           sigma: float = 0.5, lam: float = 1.0, eps: float = 0.0,
           checkpoints: Any = None) -> LinearRLResult:
    r"""LinUCB: OFUL's rule with a constant exploration scale :math:`\alpha`.

    Examples
    --------
    >>> from provable.learners.linear_rl import linucb, random_linear_bandit
    >>> X, th = random_linear_bandit(d=3, n_arms=20, seed=0)
    >>> linucb(X, th, T=300, seeds=1, alpha=0.5).regret.shape
    (1, 1)
    """
    alpha = check_real("alpha", alpha, lower=0.0)
    return _run(arms, theta, T, seeds, theory=False, alpha=alpha, sigma=sigma, lam=lam,
                delta=0.05, eps=eps, checkpoints=checkpoints, name="linucb")
