r"""Plug-in (certainty-equivalence) planning with a generative model.

A generative model answers a query :math:`(s, a)` with a next state
:math:`s' \sim P(\cdot\mid s, a)`. The plug-in learner draws ``n`` samples per pair,
forms the empirical model :math:`\hat P` (rewards known) and plans in it exactly;
it returns the planned policy and its *true* value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from provable._result import RichResult
from provable._validation import as_generator, check_int, check_real
from provable.errors import InvalidArgument, InvalidType, NotSupported
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


def plug_in(mdp: TabularMDP, n: int, seed: Any = 0, *, tol: float = 1e-10,
            mutation: dict[str, float] | None = None) -> PlugInResult:
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
    mutation : dict, optional
        A planted implementation mistake (see :data:`PLUG_IN_MUTATIONS`); the defaults
        are the learner itself (same bits as no mutation).

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

    mut = _plug_in_mutation(mutation)
    n = check_int("n", n, min_value=1)
    used = n
    if mut["sample_power"] != 1.0:
        used = max(1, int(np.floor(used ** mut["sample_power"])))
    if mut["sample_fraction"] != 1.0:
        used = max(1, int(used * mut["sample_fraction"]))
    if mut["thinning"] != 1.0:
        used = max(1, int(used // mut["thinning"]))
    P_hat = sample_model(mdp, used, seed)
    if mut["pool_actions"]:
        P_hat = np.broadcast_to(P_hat.mean(axis=1, keepdims=True), P_hat.shape).copy()
    crit = mdp.criterion
    if crit == "finite_horizon":
        raise NotSupported("plug_in plans discounted or average-reward models; this one has a "
                           "finite horizon")
    sign = -1.0 if mut["argmin"] else 1.0   # argmin: plan the worst policy (max of -r)
    model = TabularMDP(P_hat, sign * np.asarray(mdp.R_at(0)) if mut["argmin"] else mdp.R_at(0),
                       gamma=mdp.gamma, layout="sas")
    if crit == "discounted":
        res = solve(model, method="pi", tol=tol)
        star = solve(mdp, method="pi", tol=tol)
        V_hat, V_star = sign * np.asarray(res.V), np.asarray(star.V)
        V_pol = evaluate_policy(mdp, res.policy)
    else:
        res = average_reward(model, tol=tol)
        star = average_reward(mdp, tol=tol)
        V_hat = np.full(mdp.S, sign * float(res.gain))
        V_star = np.full(mdp.S, float(star.gain))
        V_pol = evaluate_policy(mdp, res.policy)
    return PlugInResult(n=n, P_hat=P_hat, policy=np.asarray(res.policy), V_hat=V_hat,
                        V_policy=np.asarray(V_pol), V_star=V_star,
                        value_error=float(np.abs(V_hat - V_star).max()),
                        policy_error=float(np.abs(V_star - V_pol).max()))


#: planted implementation mistakes :func:`plug_in_policies` can run (``mutation=``), with
#: the value that is the estimator itself
PLUG_IN_MUTATIONS: dict[str, tuple[float, str]] = {
    "sample_fraction": (1.0, "fraction of the n samples per pair the model is built from "
                             "(the rest are drawn and discarded)"),
    "thinning": (1.0, "keep one sample in every `thinning` (a decorrelation step that a "
                      "generative model does not need)"),
    "sample_power": (1.0, "the model is built from n^sample_power of the n samples drawn"),
    "pool_actions": (0.0, "1: the empirical transitions of a state are pooled over its "
                          "actions"),
    "argmin": (0.0, "1: the planner takes the worst action instead of the best"),
}


def _plug_in_mutation(mutation: Any) -> dict[str, float]:
    vals = {k: v[0] for k, v in PLUG_IN_MUTATIONS.items()}
    if mutation is None:
        return vals
    if not isinstance(mutation, dict):
        raise InvalidType(f"mutation={mutation!r} has type {type(mutation).__name__}, expected "
                          f"a dict with keys among {sorted(PLUG_IN_MUTATIONS)}")
    for k in mutation:
        if k not in PLUG_IN_MUTATIONS:
            raise InvalidArgument(f"mutation key {k!r} is not known, expected one of "
                                  f"{sorted(PLUG_IN_MUTATIONS)}")
        vals[k] = check_real(f"mutation[{k!r}]", mutation[k])
    if (not 0.0 < vals["sample_fraction"] <= 1.0 or vals["thinning"] < 1.0
            or not 0.0 < vals["sample_power"] <= 1.0):
        raise InvalidArgument(f"mutation={mutation!r}: expected 0 < sample_fraction <= 1, "
                              "thinning >= 1 and 0 < sample_power <= 1")
    return vals


def plug_in_policies(mdp: TabularMDP, n: Any, reps: int, seed: Any = 0, *,
                     tol: float = 1e-9, max_sweeps: int = 100_000,
                     mutation: dict[str, float] | None = None,
                     return_models: bool = False) -> Any:
    r"""Policies of ``reps`` independent plug-in learners of an average-reward model.

    Each learner draws ``n`` next states per (s, a) from the generative model, forms
    :math:`\hat P` and plans in it by relative value iteration on the aperiodic
    transform :math:`\tfrac12 (I + \hat P)` (same optimal policies), all learners at once,
    until the span of :math:`V_{k+1} - V_k` is below ``tol`` for every learner. The
    greedy action is the first maximiser.

    Parameters
    ----------
    mdp : TabularMDP
        Average-reward model (``gamma=None``); rewards are taken as known.
    n : int or sequence of int
        Samples per state-action pair: one count for every learner, or one per learner
        (length ``reps``).
    reps : int
        Independent learners.
    seed : int or Generator
    tol : float
        Span stopping tolerance of relative value iteration.
    max_sweeps : int
        Sweeps at most (a learner not converged by then keeps its last greedy policy).
    mutation : dict, optional
        A planted implementation mistake (see :data:`PLUG_IN_MUTATIONS`); the defaults
        are the estimator itself.
    return_models : bool
        Also return the empirical models :math:`\hat P`, shape (reps, S, A, S).

    Returns
    -------
    ndarray(int, shape=(reps, S)), or (policies, models) with ``return_models``

    Examples
    --------
    >>> import provable as pv
    >>> pol = plug_in_policies(pv.mdp.two_state_gadget(8, 0.1), n=2000, reps=50, seed=0)
    >>> pol.shape, float((pol[:, 1] == 0).mean())
    ((50, 2), 1.0)
    """
    if not isinstance(mdp, TabularMDP):
        raise InvalidType(f"mdp has type {type(mdp).__name__}, expected TabularMDP")
    if mdp.criterion != "average":
        raise NotSupported(f"plug_in_policies plans average-reward models; this one is "
                           f"{mdp.criterion}")
    reps = check_int("reps", reps, min_value=1)
    if np.ndim(n) == 0:
        n_arr = np.full(reps, check_int("n", n, min_value=1), dtype=np.int64)
    else:
        n_arr = np.asarray(n)
        if n_arr.shape != (reps,) or n_arr.dtype.kind not in "iu":
            raise InvalidType(f"n has shape {n_arr.shape} and dtype {n_arr.dtype}, expected an "
                              f"int or {reps} integers")
        if n_arr.min() < 1:
            raise InvalidArgument(f"n[{int(n_arr.argmin())}] = {int(n_arr.min())}, expected "
                                  ">= 1")
    max_sweeps = check_int("max_sweeps", max_sweeps, min_value=1)
    mut = _plug_in_mutation(mutation)
    rng = as_generator(seed)
    S, A = mdp.S, mdp.A
    P2 = mdp.P_at(0)
    P2 = P2.toarray() if hasattr(P2, "toarray") else np.asarray(P2)
    P2 = np.clip(P2, 0.0, None)
    P2 = P2 / P2.sum(axis=1, keepdims=True)
    used = n_arr
    if mut["sample_power"] != 1.0:
        used = np.maximum(1, np.floor(used ** mut["sample_power"]).astype(np.int64))
    if mut["sample_fraction"] != 1.0:
        used = np.maximum(1, (used * mut["sample_fraction"]).astype(np.int64))
    if mut["thinning"] != 1.0:
        used = np.maximum(1, (used // mut["thinning"]).astype(np.int64))
    counts = rng.multinomial(np.repeat(used, S * A).reshape(reps, S * A), P2)
    counts = counts.reshape(reps, S, A, S).astype(float)
    if mut["pool_actions"]:
        counts = np.broadcast_to(counts.sum(axis=2, keepdims=True), counts.shape)
    Ph = counts / counts.sum(axis=3, keepdims=True)
    R = np.asarray(mdp.R_at(0), float)
    pol = np.zeros((reps, S), dtype=np.int64)
    _rvi_policies(np.ascontiguousarray(Ph), np.ascontiguousarray(R), float(tol), max_sweeps,
                  -1.0 if mut["argmin"] else 1.0, pol)
    return (pol, Ph) if return_models else pol


@njit(cache=True)
def _rvi_policies(Ph, R, tol, max_sweeps, sign, pol):
    """Relative value iteration on 0.5 (I + P_hat) for every learner; greedy policies.

    ``sign = -1`` is the planted argmin planner."""
    reps, S, A, _ = Ph.shape
    V = np.empty(S)
    Vn = np.empty(S)
    for r in range(reps):
        for s in range(S):
            V[s] = 0.0
        for _ in range(max_sweeps + 1):
            lo, hi = 1e300, -1e300
            for s in range(S):
                best = -1e300
                besta = 0
                for a in range(A):
                    q = R[s, a] + 0.5 * V[s]
                    for y in range(S):
                        q += 0.5 * Ph[r, s, a, y] * V[y]
                    if sign * q > best:
                        best = sign * q
                        besta = a
                Vn[s] = sign * best
                pol[r, s] = besta
                d = Vn[s] - V[s]
                lo = min(lo, d)
                hi = max(hi, d)
            ref = Vn[0]
            for s in range(S):
                V[s] = Vn[s] - ref
            if hi - lo < tol:
                break
