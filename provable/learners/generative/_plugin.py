r"""Plug-in (certainty-equivalence) planning with a generative model.

A generative model answers a query :math:`(s, a)` with a next state
:math:`s' \sim P(\cdot\mid s, a)`. The plug-in learner draws ``n`` samples per pair,
forms the empirical model :math:`\hat P` (rewards known) and plans in it exactly;
it returns the planned policy and its *true* value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from provable._result import RichResult
from provable._validation import as_generator, check_int
from provable.errors import InvalidType, NotSupported
from provable.mdp import TabularMDP

__all__ = ["PlugInResult", "sample_model", "plug_in"]


class PlugInResult(RichResult):
    """Result of :func:`plug_in`.

    Attributes
    ----------
    n : int
        Samples per state-action pair (``S * A * n`` generative calls in all).
    P_hat : ndarray(float, shape=(S, A, S))
        Empirical transitions.
    policy : ndarray(int, shape=(S,))
        Optimal policy of the empirical model.
    V_hat : ndarray(float, shape=(S,))
        Empirical optimal values (discounted) or the empirical gain per state (average).
    V_policy : ndarray(float, shape=(S,))
        True value (discounted) or true gain (average) of ``policy``.
    V_star : ndarray(float, shape=(S,))
        True optimal values / gain.
    value_error : float
        :math:`\\|\\hat V - V^*\\|_\\infty`.
    policy_error : float
        :math:`\\|V^* - V^{\\hat\\pi}\\|_\\infty` (suboptimality of the plug-in policy).
    """

    _fields = ("n", "value_error", "policy_error", "policy", "V_hat", "V_policy", "V_star",
               "P_hat")


def sample_model(mdp: TabularMDP, n: int, seed: Any = 0) -> np.ndarray:
    """Empirical transitions from ``n`` generative-model calls per (s, a), shape (S, A, S).

    Examples
    --------
    >>> import provable as pv
    >>> P_hat = sample_model(pv.mdp.river_swim(3), n=10, seed=0)
    >>> P_hat.shape, float(P_hat.sum(axis=2).max())
    ((3, 2, 3), 1.0)
    """
    if not isinstance(mdp, TabularMDP):
        raise InvalidType(f"mdp has type {type(mdp).__name__}, expected TabularMDP")
    n = check_int("n", n, min_value=1)
    rng = as_generator(seed)
    P2 = mdp.P_at(0)
    P2 = P2.toarray() if hasattr(P2, "toarray") else np.asarray(P2)
    P2 = np.clip(P2, 0.0, None)
    P2 = P2 / P2.sum(axis=1, keepdims=True)
    counts = rng.multinomial(n, P2)
    return (counts / n).reshape(mdp.S, mdp.A, mdp.S)


def plug_in(mdp: TabularMDP, n: int, seed: Any = 0, *, tol: float = 1e-10) -> PlugInResult:
    r"""Plug-in planning: sample ``n`` next states per (s, a), plan in :math:`\hat P`.

    Parameters
    ----------
    mdp : TabularMDP
        Discounted or average-reward model (rewards are taken as known).
    n : int
        Samples per state-action pair.
    seed : int or Generator
    tol : float
        Tolerance of the planner (policy iteration for discounted, relative value
        iteration for average reward).

    Returns
    -------
    PlugInResult

    Examples
    --------
    >>> import provable as pv
    >>> mdp = pv.mdp.random_mdp(4, 2, gamma=0.9, seed=0)
    >>> res = plug_in(mdp, n=100_000, seed=1)
    >>> res.value_error < 0.05 and res.policy_error < 1e-9
    True
    """
    from provable.solvers import average_reward, evaluate_policy, solve

    P_hat = sample_model(mdp, n, seed)
    crit = mdp.criterion
    if crit == "finite_horizon":
        raise NotSupported("plug_in plans discounted or average-reward models; this one has a "
                           "finite horizon")
    model = TabularMDP(P_hat, mdp.R_at(0), gamma=mdp.gamma)
    if crit == "discounted":
        res = solve(model, method="pi", tol=tol)
        star = solve(mdp, method="pi", tol=tol)
        V_hat, V_star = np.asarray(res.V), np.asarray(star.V)
        V_pol = evaluate_policy(mdp, res.policy)
    else:
        res = average_reward(model, tol=tol)
        star = average_reward(mdp, tol=tol)
        V_hat = np.full(mdp.S, float(res.gain))
        V_star = np.full(mdp.S, float(star.gain))
        V_pol = evaluate_policy(mdp, res.policy)
    return PlugInResult(n=n, P_hat=P_hat, policy=np.asarray(res.policy), V_hat=V_hat,
                        V_policy=np.asarray(V_pol), V_star=V_star,
                        value_error=float(np.abs(V_hat - V_star).max()),
                        policy_error=float(np.abs(V_star - V_pol).max()))
