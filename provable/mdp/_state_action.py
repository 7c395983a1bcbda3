r"""The state-action-pair formulation (QuantEcon's ``DiscreteDP(R, Q, beta, s_indices,
a_indices)``) and its conversion to and from a :class:`~provable.mdp.TabularMDP`.

A model is given by L feasible pairs :math:`(s_k, a_k)`, their rewards ``R[k]`` and
transition rows ``Q[k, :]`` (dense ``(L, S)`` or scipy.sparse). Action sets may be
ragged: state s may have actions {0, 2} and state t only {1}. A pair whose reward is
:math:`-\infty` is infeasible and is treated as absent, as in QuantEcon's product form.

A :class:`TabularMDP` is rectangular (S, A). An absent pair (s, a) is filled with a
*dominated stand-in*: the transition row of the lowest feasible action a' of s and the
reward :math:`r(s, a') - c` with :math:`c = 1 + 2 \max |r|`. For every value vector V,
:math:`Q_V(s, a) = Q_V(s, a') - c < Q_V(s, a')`, so no greedy step of any method (value,
policy or modified policy iteration, LP, exact, finite horizon, average reward) ever
picks it, and :math:`V^*`, the optimal policies and every certificate are those of the
ragged model. ``mdp.feasible`` marks the real pairs; ``Q`` reported at the others is the
stand-in's.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import scipy.sparse as sp

from provable._validation import as_real_array, check_memory, check_real
from provable.errors import InvalidModel, InvalidType, NotSupported

__all__ = ["from_state_action", "from_quantecon", "to_state_action", "to_quantecon"]


def _indices(name: str, x: Any, L: int) -> np.ndarray:
    if x is None or isinstance(x, (str, bytes, dict, set)):
        raise InvalidType(f"{name} has type {type(x).__name__}, expected {L} integers")
    arr = np.asarray(x)
    if arr.size == 0 and L == 0:
        arr = arr.astype(np.int64)
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and arr.size and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise InvalidType(f"{name} has dtype {arr.dtype}, expected integers")
    if arr.ndim != 1 or arr.size != L:
        raise InvalidModel(f"{name} has shape {arr.shape}, expected ({L},): one entry per "
                           "state-action pair (the rows of Q and entries of R)")
    return arr.astype(np.int64)


def _check_Q_rows(Q: Any, keep: np.ndarray, s_idx: np.ndarray, a_idx: np.ndarray,
                  tol: float) -> None:
    """Rows of the feasible pairs: finite, non-negative, summing to 1."""
    if sp.issparse(Q):
        data, ptr, ind = Q.data, Q.indptr, Q.indices
        row_of = np.repeat(np.arange(Q.shape[0]), np.diff(ptr))
        bad = (~np.isfinite(data) | (data < 0)) & keep[row_of]
        if bad.any():
            k = int(np.argmax(bad))
            i, j = int(row_of[k]), int(ind[k])
            what = "is negative, expected a probability" if np.isfinite(data[k]) else \
                "expected a finite probability"
            raise InvalidModel(f"Q[{i}, {j}] = {float(data[k])!r} (pair s={int(s_idx[i])}, "
                               f"a={int(a_idx[i])}) {what}")
        sums = np.asarray(Q.sum(axis=1)).ravel()
    else:
        bad = (~np.isfinite(Q) | (Q < 0)) & keep[:, None]
        if bad.any():
            i, j = (int(v) for v in np.argwhere(bad)[0])
            what = "is negative, expected a probability" if np.isfinite(Q[i, j]) else \
                "expected a finite probability"
            raise InvalidModel(f"Q[{i}, {j}] = {float(Q[i, j])!r} (pair s={int(s_idx[i])}, "
                               f"a={int(a_idx[i])}) {what}")
        sums = Q.sum(axis=1)
    off = (np.abs(sums - 1.0) > tol) & keep
    if off.any():
        i = int(np.argmax(off))
        raise InvalidModel(f"Q[{i}, :] (pair s={int(s_idx[i])}, a={int(a_idx[i])}) sums to "
                           f"{sums[i]:.10g}, expected 1 (tol {tol:g})")


def from_state_action(cls: Any, R: Any, Q: Any, gamma: float | None, s_indices: Any,
                      a_indices: Any, *, num_actions: int | None = None,
                      horizon: int | None = None, tol: float = 1e-9) -> Any:
    """See :meth:`TabularMDP.from_state_action`."""
    from provable.mdp._tabular import _own_csr

    tol = check_real("tol", tol, lower=0.0)
    if sp.issparse(Q):
        Q = _own_csr(Q, name="Q")
        Q.sum_duplicates()
        Q.sort_indices()
    else:
        Q = as_real_array("Q", Q)
        if Q.ndim != 2:
            raise InvalidModel(f"Q has shape {Q.shape}, expected (L, S): one transition row "
                               "per state-action pair")
    L, S = (int(x) for x in Q.shape)
    if S == 0 or L == 0:
        raise InvalidModel(f"Q has shape {(L, S)}, expected at least one state and one pair")
    r = as_real_array("R", R)
    if r.shape != (L,):
        raise InvalidModel(f"R has shape {r.shape}, expected ({L},): one reward per "
                           f"state-action pair (Q has {L} rows)")
    bad = np.isnan(r) | (r == np.inf)
    if bad.any():
        k = int(np.argmax(bad))
        raise InvalidModel(f"R[{k}] = {float(r[k])!r}, expected a finite reward (or -inf for "
                           "an infeasible pair)")
    s_idx = _indices("s_indices", s_indices, L)
    a_idx = _indices("a_indices", a_indices, L)
    for name, idx, hi in (("s_indices", s_idx, S), ("a_indices", a_idx, None)):
        out = (idx < 0) if hi is None else (idx < 0) | (idx >= hi)
        if out.any():
            k = int(np.argmax(out))
            rng = "a non-negative action" if hi is None else f"a state in [0, {hi})"
            raise InvalidModel(f"{name}[{k}] = {int(idx[k])}, expected {rng}")
    A = int(a_idx.max()) + 1
    if num_actions is not None:
        if isinstance(num_actions, bool) or not isinstance(num_actions, numbers.Integral):
            raise InvalidType(f"num_actions={num_actions!r}, expected an integer")
        if num_actions < A:
            raise InvalidModel(f"num_actions={num_actions}, but a_indices holds action {A - 1}")
        A = int(num_actions)
    key = s_idx * A + a_idx
    order = np.argsort(key, kind="stable")
    ks = key[order]
    dup = np.flatnonzero(ks[1:] == ks[:-1])
    if dup.size:
        i, j = sorted((int(order[dup[0]]), int(order[dup[0] + 1])))
        raise InvalidModel(f"state-action pair (s={int(s_idx[i])}, a={int(a_idx[i])}) appears "
                           f"twice, at positions {i} and {j} of s_indices/a_indices; expected "
                           "each pair once")
    keep = r > -np.inf
    _check_Q_rows(Q, keep, s_idx, a_idx, tol)
    has = np.zeros(S, dtype=bool)
    has[s_idx] = True
    if not has.all():
        s = int(np.argmin(has))
        raise InvalidModel(f"state {s} has no action (no pair with s_indices == {s}), "
                           "expected at least one feasible action in every state")
    feas_state = np.zeros(S, dtype=bool)
    feas_state[s_idx[keep]] = True
    if not feas_state.all():
        s = int(np.argmin(feas_state))
        raise InvalidModel(f"every action of state {s} has reward -inf, expected at least one "
                           "feasible action in every state")
    sk, ak, rows = s_idx[keep], a_idx[keep], np.flatnonzero(keep)
    feasible = np.zeros((S, A), dtype=bool)
    feasible[sk, ak] = True
    src = np.full((S, A), -1, dtype=np.int64)      # the row of Q each (s, a) reads
    src[sk, ak] = rows
    r_full = np.zeros((S, A))
    r_full[sk, ak] = r[rows]
    if not feasible.all():
        first_a = np.argmax(feasible, axis=1)      # lowest feasible action of each state
        c = 1.0 + 2.0 * float(np.max(np.abs(r[rows])))
        s_miss, a_miss = np.nonzero(~feasible)
        src[s_miss, a_miss] = src[s_miss, first_a[s_miss]]
        with np.errstate(over="ignore"):
            r_full[s_miss, a_miss] = r_full[s_miss, first_a[s_miss]] - c
        if not np.isfinite(r_full).all():
            raise InvalidModel(f"rewards up to |r| = {float(np.max(np.abs(r[rows]))):.3g} "
                               "leave no finite reward for a dominated stand-in at the "
                               "absent pairs, expected |r| below 1e307")
    flat = src.ravel()
    if sp.issparse(Q):
        P = Q[flat].tocsr()
    else:
        check_memory(f"the (S, A, S) = ({S}, {A}, {S}) transition array", 8 * S * A * S)
        P = Q[flat].reshape(S, A, S)
    mdp = cls(P, r_full, gamma=gamma, horizon=horizon, tol=tol)
    if not feasible.all():
        feasible.flags.writeable = False
        mdp._feasible = feasible
    return mdp


def _ddp_attr(ddp: Any, name: str) -> Any:
    try:
        return getattr(ddp, name)
    except AttributeError:
        raise InvalidType(f"ddp of type {type(ddp).__name__} has no attribute {name!r}, "
                          "expected a quantecon.markov.DiscreteDP") from None


def from_quantecon(cls: Any, ddp: Any, horizon: int | None = None, tol: float = 1e-9) -> Any:
    """See :meth:`TabularMDP.from_quantecon`."""
    R, Q, beta = _ddp_attr(ddp, "R"), _ddp_attr(ddp, "Q"), _ddp_attr(ddp, "beta")
    beta = check_real("ddp.beta", beta, lower=0.0, upper=1.0)
    if horizon is None and beta >= 1.0:
        raise NotSupported("ddp.beta = 1 has no discounted solution; pass horizon=T for "
                           "the T-period problem (QuantEcon's backward_induction(ddp, T))")
    s_ind = getattr(ddp, "s_indices", None)
    if s_ind is not None:
        return from_state_action(cls, R, Q, beta, s_ind, _ddp_attr(ddp, "a_indices"),
                                 horizon=horizon, tol=tol)
    R = as_real_array("ddp.R", R)
    Q = as_real_array("ddp.Q", Q)
    if R.ndim != 2 or Q.shape != (R.shape[0], R.shape[1], R.shape[0]):
        raise InvalidModel(f"ddp.R has shape {R.shape} and ddp.Q {Q.shape}, expected (n, m) "
                           "and (n, m, n)")
    n, m = R.shape
    s_i, a_i = np.divmod(np.arange(n * m), m)
    return from_state_action(cls, R.ravel(), Q.reshape(n * m, n), beta, s_i, a_i,
                             num_actions=m, horizon=horizon, tol=tol)


def to_state_action(mdp: Any) -> tuple[np.ndarray, Any, float | None, np.ndarray, np.ndarray]:
    """See :meth:`TabularMDP.to_state_action`."""
    if mdp.time_varying or mdp.R.ndim == 3:
        raise NotSupported("a time-inhomogeneous model has no state-action-pair layout")
    A = mdp.A
    feasible = mdp.feasible
    keep = np.flatnonzero(feasible.ravel())        # product order: sorted by (s, a)
    s_idx, a_idx = np.divmod(keep, A)
    P2 = mdp.P_at()
    Q = P2[keep].tocsr() if mdp.sparse else np.array(P2[keep])
    return mdp.R.ravel()[keep].copy(), Q, mdp.gamma, s_idx, a_idx


def to_quantecon(mdp: Any) -> Any:
    """See :meth:`TabularMDP.to_quantecon`."""
    if mdp.criterion == "average":
        raise NotSupported("an average-reward model has no DiscreteDP equivalent (DiscreteDP "
                           "needs a discount beta in [0, 1])")
    try:
        from quantecon.markov import DiscreteDP
    except ImportError:
        raise NotSupported("to_quantecon needs the quantecon package (pip install "
                           "quantecon); to_state_action() gives the same arrays") from None
    R, Q, beta, s_idx, a_idx = to_state_action(mdp)
    if not mdp.sparse and mdp.feasible.all():
        return DiscreteDP(np.array(mdp.R), np.array(mdp.P), beta)
    return DiscreteDP(R, Q, beta, s_idx, a_idx)
