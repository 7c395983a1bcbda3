r"""Preference games (Nash learning from human feedback) on a finite set of responses.

A preference matrix :math:`P` has :math:`P_{ij} = \Pr(i \succ j)` and
:math:`P + P^\top = \mathbf 1\mathbf 1^\top`. The preference game is the symmetric
zero-sum game :math:`\max_\pi\min_{\pi'} \pi^\top P\pi'`; its symmetric equilibrium is the
Minimax (von Neumann) Winner. The :math:`\beta`-regularised game adds
:math:`-\beta\,\mathrm{KL}(\pi\|\mu) + \beta\,\mathrm{KL}(\pi'\|\mu)`; its unique equilibrium
is the fixed point :math:`\pi^*_\beta \propto \mu\exp(P\pi^*_\beta/\beta)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from scipy.special import expit, logsumexp

from provable._result import RichResult
from provable._validation import (
    as_generator,
    check_choice,
    check_finite_array,
    check_int,
    check_real,
)
from provable.errors import InvalidArgument, InvalidModel
from provable.learners.games._matrix import GameResult, _softmax_into

__all__ = ["random_preference_matrix", "check_preference_matrix", "preference_gap",
           "regularized_nash", "nash_mp", "NashMPResult", "spo_selfplay", "kl_divergence"]


def random_preference_matrix(n: int, seed: Any = None, *, scale: float = 1.0) -> np.ndarray:
    r"""A random (generally intransitive) preference matrix, :math:`P_{ij}=\sigma(s S_{ij})`
    with :math:`S` skew-symmetric Gaussian.

    Examples
    --------
    >>> P = random_preference_matrix(4, seed=0)
    >>> bool(np.allclose(P + P.T, 1.0, atol=0))
    True
    """
    n = check_int("n", n, min_value=1)
    scale = check_real("scale", scale, lower=0.0)
    rng = as_generator(seed)
    S = np.triu(rng.standard_normal((n, n)), 1)
    P = np.full((n, n), 0.5)
    iu = np.triu_indices(n, 1)
    P[iu] = expit(scale * S[iu])
    P[(iu[1], iu[0])] = 1.0 - P[iu]
    return P


def check_preference_matrix(P: Any, tol: float = 1e-9) -> np.ndarray:
    """Validate a preference matrix: square, entries in [0, 1], ``P + P.T == 1`` (within tol)."""
    P = np.asarray(P, dtype=float)
    if P.ndim != 2 or P.shape[0] != P.shape[1] or P.shape[0] < 1:
        raise InvalidModel(f"P has shape {P.shape}, expected a square (n, n) matrix")
    check_finite_array("P", P)
    bad = (P < 0) | (P > 1)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise InvalidModel(f"P[{i}, {j}] = {P[i, j]!r}, expected a probability in [0, 1]")
    s = np.abs(P + P.T - 1.0)
    if (s > tol).any():
        i, j = (int(v) for v in np.argwhere(s > tol)[0])
        raise InvalidModel(f"P[{i}, {j}] + P[{j}, {i}] = {P[i, j] + P[j, i]!r}, expected 1 "
                           f"(tol {tol:g})")
    return P


def preference_gap(P: Any, pi: Any) -> float:
    r"""Duality gap of the symmetric profile :math:`(\pi,\pi)`:
    :math:`\max_a (P\pi)_a - \min_b (\pi^\top P)_b = 2\max_a(P\pi)_a - 1`.

    Examples
    --------
    >>> rps = np.array([[0.5, 1, 0], [0, 0.5, 1], [1, 0, 0.5]])
    >>> preference_gap(rps, np.ones(3) / 3)
    0.0
    """
    P = check_preference_matrix(P)
    pi = np.asarray(pi, dtype=float)
    return float((P @ pi).max() - (pi @ P).min())


def kl_divergence(p: Any, q: Any) -> float:
    r""":math:`\mathrm{KL}(p\|q)`, computed as :math:`\sum_i p_i(d_i + e^{-d_i} - 1)` with
    :math:`d = \log p - \log q`, which stays accurate down to :math:`10^{-25}`.

    Examples
    --------
    >>> kl_divergence([0.5, 0.5], [0.5, 0.5])
    0.0
    """
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    m = p > 0
    d = np.log(p[m]) - np.log(q[m])
    return float(np.sum(p[m] * (d + np.expm1(-d))) + np.sum(q[~m]))


def _check_mu(mu: Any, n: int) -> np.ndarray:
    if mu is None:
        return np.full(n, 1.0 / n)
    mu = np.asarray(mu, dtype=float).reshape(-1)
    if mu.shape != (n,):
        raise InvalidArgument(f"mu has shape {mu.shape}, expected ({n},)")
    if np.any(mu <= 0) or abs(mu.sum() - 1) > 1e-9:
        raise InvalidArgument(f"mu={mu!r}, expected a probability vector with full support")
    return mu


def regularized_nash(P: Any, beta: float, mu: Any = None, *, tol: float = 1e-14,
                     max_iter: int = 500) -> np.ndarray:
    r"""The :math:`\beta`-regularised Nash equilibrium, solved by damped Newton on
    :math:`F(\pi) = \pi - \mathrm{softmax}(\log\mu + P\pi/\beta)`.

    Examples
    --------
    >>> P = random_preference_matrix(5, seed=1)
    >>> pi = regularized_nash(P, 0.5)
    >>> from scipy.special import softmax
    >>> bool(np.abs(pi - softmax(np.log(np.ones(5) / 5) + P @ pi / 0.5)).max() < 1e-13)
    True
    """
    P = check_preference_matrix(P)
    beta = check_real("beta", beta, lower=0.0, lower_open=True)
    n = P.shape[0]
    lmu = np.log(_check_mu(mu, n))

    def g(pi: np.ndarray) -> np.ndarray:
        z = lmu + P @ pi / beta
        return np.exp(z - logsumexp(z))

    pi = np.exp(lmu)
    for _ in range(max_iter):
        gp = g(pi)
        F = pi - gp
        nf = np.abs(F).max()
        if nf <= tol:
            break
        J = np.eye(n) - (np.diag(gp) - np.outer(gp, gp)) @ P / beta
        step = np.linalg.solve(J, -F)
        a = 1.0
        while a > 1e-8:
            cand = pi + a * step
            if np.all(cand > 0) and np.abs(cand - g(cand)).max() < nf:
                break
            a *= 0.5
        else:  # no descent along Newton: damped fixed-point step instead
            cand = 0.5 * pi + 0.5 * gp
        pi = cand / cand.sum()
    return pi


def _lse(z: np.ndarray) -> float:
    """log sum exp z for a finite 1-D z (the shift by the max keeps it exact to rounding)."""
    m = z.max()
    return float(m + np.log(np.exp(z - m).sum()))


class NashMPResult(RichResult):
    """Result of :func:`nash_mp`: ``log_policies`` (K+1, n), ``queries`` (K+1,), the number
    of preference queries used to reach each iterate (2 per iteration), ``kl`` to
    ``target`` when given, ``method``, ``params``."""

    _fields = ("method", "log_policies", "queries", "kl", "params")


def nash_mp(P: Any, beta: float, iterations: int, *, eta: float = 2.0, mu: Any = None,
            pi0: Any = None, target: Any = None, extragradient: bool = True,
            anchor: str = "previous", damping: bool = True) -> NashMPResult:
    r"""Nash Mirror Prox on the :math:`\beta`-regularised preference game, exact updates.

    .. math::
        \pi_{k+1/2} &\propto \exp\big((\log\pi_k + \eta P\pi_k + \eta\beta\log\mu)
                     /(1+\eta\beta)\big),\\
        \pi_{k+1}   &\propto \exp\big((\log\pi_k + \eta P\pi_{k+1/2} + \eta\beta\log\mu)
                     /(1+\eta\beta)\big),

    i.e. :math:`\arg\max_\pi \eta\langle\pi, Pq\rangle - \eta\beta\mathrm{KL}(\pi\|\mu)
    - \mathrm{KL}(\pi\|\pi_k)` with :math:`q = \pi_k` then :math:`q=\pi_{k+1/2}`. Each
    iteration costs two preference queries (:math:`P\pi_k`, :math:`P\pi_{k+1/2}`).
    The default :math:`\eta = 2 = 1/L` uses the Lipschitz constant :math:`L = 1/2` of
    :math:`\pi\mapsto P\pi` from :math:`\ell_1` to :math:`\ell_\infty` on the simplex, for
    which the contraction :math:`\mathrm{KL}(\pi^*\|\pi_{k+1}) \le \mathrm{KL}(\pi^*\|\pi_k)/
    (1+\eta\beta)` gives :math:`(1+2\beta)^{-N/2}`.

    Parameters
    ----------
    P : array_like(float, ndim=2)
        Preference matrix.
    beta : float
        Regularisation.
    iterations : int
        Mirror-prox iterations ``K``.
    eta : float
        Step size.
    mu : array_like, optional
        Reference policy (default uniform).
    pi0 : array_like, optional
        Initial policy (default ``mu``).
    target : array_like, optional
        Policy to report ``KL(target || pi_k)`` against.
    extragradient : bool, default True
        False drops the extrapolation: plain (regularised) mirror descent
        :math:`\pi_{k+1} = \pi_{k+1/2}`, one query per iteration.
    anchor : {"previous", "half"}, default "previous"
        Prox centre of the second step: :math:`\pi_k` (mirror prox) or, as a planted
        mistake, :math:`\pi_{k+1/2}` (two mirror-descent steps per iteration).
    damping : bool, default True
        False drops the division by :math:`1 + \eta\beta` (a planted mistake: the
        regularisation no longer contracts, the update ignores :math:`\beta`).

    Returns
    -------
    NashMPResult

    Examples
    --------
    >>> P = random_preference_matrix(6, seed=0)
    >>> star = regularized_nash(P, 0.5)
    >>> r = nash_mp(P, 0.5, 30, target=star)
    >>> bool(r.kl[-1] < 1e-12 and r.kl[-1] < r.kl[0])
    True
    """
    P = check_preference_matrix(P)
    beta = check_real("beta", beta, lower=0.0, lower_open=True)
    iterations = check_int("iterations", iterations, min_value=0)
    eta = check_real("eta", eta, lower=0.0, lower_open=True)
    check_choice("anchor", anchor, ("previous", "half"))
    if not isinstance(extragradient, bool) or not isinstance(damping, bool):
        raise InvalidArgument(f"extragradient={extragradient!r}, damping={damping!r}, "
                              "expected bools")
    n = P.shape[0]
    lmu = np.log(_check_mu(mu, n))
    lp = lmu.copy() if pi0 is None else np.log(_check_mu(pi0, n))
    c = 1.0 + eta * beta if damping else 1.0
    L = np.empty((iterations + 1, n))
    L[0] = lp
    for k in range(iterations):
        z = (lp + eta * (P @ np.exp(lp)) + eta * beta * lmu) / c
        half = z - _lse(z)
        if extragradient:
            base = lp if anchor == "previous" else half
            z = (base + eta * (P @ np.exp(half)) + eta * beta * lmu) / c
            lp = z - _lse(z)
        else:
            lp = half
        L[k + 1] = lp
    per = 2 if extragradient else 1
    out = NashMPResult(method="nash_mp" if extragradient else "mirror_descent", log_policies=L,
                       queries=per * np.arange(iterations + 1),
                       params={"beta": beta, "eta": eta, "extragradient": extragradient,
                               "anchor": anchor, "damping": damping})
    if target is not None:
        tgt = _check_mu(target, n)
        out["kl"] = np.array([kl_divergence(tgt, np.exp(r)) for r in L])
    return out


@njit(cache=True)
def _spo_kernel(P: np.ndarray, lp0: np.ndarray, etas: np.ndarray, opponent: int,
                sign: float, X: np.ndarray, gap: np.ndarray,
                last: np.ndarray) -> None:  # pragma: no cover - jit
    n = P.shape[0]
    R = np.zeros(n)
    s = np.zeros(n)
    pi = np.empty(n)
    q0 = np.exp(lp0 - lp0.max())
    q0 /= q0.sum()
    for t in range(etas.size):
        _softmax_into(lp0 + etas[t] * R, pi)
        X[t] = pi
        r = P @ pi
        if opponent == 0:
            q = r
        elif opponent == 2 or t == 0:
            q = P @ q0
        else:
            q = P @ X[t - 1]
        for i in range(n):
            R[i] += sign * q[i]
            s[i] += pi[i]
        last[t] = 2.0 * r.max() - 1.0
        gap[t] = 2.0 * (P @ (s / (t + 1))).max() - 1.0


def spo_selfplay(P: Any, T: int, *, eta: float = 1.0, schedule: str = "anytime",
                 pi0: Any = None, opponent: str = "current",
                 reward_sign: float = 1.0) -> GameResult:
    r"""Self-Play Preference Optimisation (Swamy et al. 2024) with exact win rates.

    One policy plays against itself: the reward of response :math:`a` at round :math:`t`
    is its win rate :math:`(P\pi_t)_a` against the current policy, and the policy is
    updated by Hedge, :math:`\pi_{t+1}\propto\pi_0\exp(\eta_t\sum_{s\le t}P\pi_s)`. By the
    symmetry :math:`P^\top = 1 - P` this equals two-player Hedge on the preference game
    started from :math:`(\pi_0,\pi_0)`, and the average policy approaches the Minimax Winner.

    Parameters
    ----------
    P : array_like(float, ndim=2)
        Preference matrix.
    T : int
        Rounds.
    eta : float, default 1
        Step size.
    schedule : {"anytime", "constant"}
        ``"anytime"`` uses :math:`\eta_t = \eta/\sqrt t`.
    pi0 : array_like, optional
        Initial policy (default uniform).
    opponent : {"current", "previous", "initial"}, default "current"
        Whose win rate is the reward: the current policy (self-play); as planted
        mistakes, the previous round's policy or the initial one.
    reward_sign : float, default 1
        Multiplies the reward (-1 plants a sign error: rewarded for losing).

    Returns
    -------
    GameResult
        ``x = y`` the self-play iterates; ``gap`` the duality gap of the running average.

    Examples
    --------
    >>> rps = np.array([[0.5, 1, 0], [0, 0.5, 1], [1, 0, 0.5]])
    >>> r = spo_selfplay(rps, 4000, eta=1.0)
    >>> bool(r.gap[-1] < 0.05)
    True
    """
    P = check_preference_matrix(P)
    T = check_int("T", T, min_value=1)
    eta = check_real("eta", eta, lower=0.0, lower_open=True)
    check_choice("schedule", schedule, ("constant", "anytime"))
    check_choice("opponent", opponent, ("current", "previous", "initial"))
    reward_sign = check_real("reward_sign", reward_sign)
    n = P.shape[0]
    lp0 = np.log(_check_mu(pi0, n))
    etas = np.full(T, eta) if schedule == "constant" else eta / np.sqrt(np.arange(1, T + 1))
    X = np.empty((T, n))
    gap = np.empty(T)
    last = np.empty(T)
    code = ("current", "previous", "initial").index(opponent)
    _spo_kernel(np.ascontiguousarray(P), lp0, etas, code, reward_sign, X, gap, last)
    return GameResult(method="spo_selfplay", x=X, y=X, x_avg=X.mean(axis=0),
                      y_avg=X.mean(axis=0), gap=gap, last_gap=last,
                      params={"eta": eta, "schedule": schedule, "opponent": opponent,
                              "reward_sign": reward_sign})
