r"""Average-reward MDPs: relative value iteration and the linear program.

Both compute the optimal gain :math:`g^*` and a bias :math:`h` with
:math:`g^* + h(s) = \max_a r(s,a) + P_{s,a} h` for weakly communicating (e.g.
unichain) MDPs.

*Relative value iteration* runs on the aperiodicity transform
:math:`P_\tau = \tau P + (1-\tau) I`, :math:`r_\tau = \tau r` (Puterman 1994, §8.5.4),
which has the same bias and gain :math:`\tau g`. For any :math:`h`,
:math:`\min_s (T h - h) \le g^*(s) \le \max_s (T h - h)` (Odoni 1969), so the returned
gain is certified by that interval. *The LP* is the unichain dual pair of Puterman
§8.8; its policy is checked a posteriori: if the policy's gain is not constant across
states, the problem is not one the unichain LP can solve and
:class:`~provable.errors.NotSupported` is raised.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from provable._validation import check_choice, check_int, check_real
from provable.errors import NotSupported
from provable.mdp._tabular import TabularMDP
from provable.solvers._common import _solve, policy_gain, policy_matrix, q_from_v
from provable.solvers._result import SolveResult

__all__ = ["average_reward", "default_rvi_max_iter", "odoni_slack"]

_U = float(np.finfo(float).eps)


def _width(mdp: TabularMDP, P2: Any) -> int:
    """Terms in the widest dot product ``P_{s,a} h``."""
    return int(np.diff(P2.indptr).max()) if mdp.sparse else mdp.S


def _check_gain_constant(mdp: TabularMDP, policy: np.ndarray, g: float, tol: float,
                         method: str) -> None:
    P_pi, r_pi = policy_matrix(mdp, policy)
    gains = policy_gain(P_pi, r_pi)
    bad = np.abs(gains - g) > tol
    if bad.any():
        s = int(np.argmax(bad))
        raise NotSupported(
            f"average_reward(method={method!r}) needs a weakly communicating (e.g. unichain) "
            f"MDP: the policy found has gain {gains[s]:.6g} at state {s} but {g:.6g} elsewhere; "
            "this MDP is multichain with a non-constant optimal gain")


class _GainBounds:
    r"""Per-state bounds on the optimal gain from any ``D = T h - h``.

    For a set of states closed under every action, the Odoni bounds of the MDP
    restricted to it hold: :math:`\min_{R} D \le g^*(s) \le \max_{R} D` for every
    :math:`s \in R`. The states reachable from ``t`` (by any action) form such a set
    :math:`R(t)`, so :math:`L(t) = \min_{R(t)} D \le g^*(t) \le \max_{R(t)} D = U(t)`;
    both are propagated over the condensation of the transition graph (its strongly
    connected components in topological order). Together with :math:`g^* \ge g^\pi`
    for any policy, ``max LB > min U`` proves that the optimal gain is not constant.
    """

    def __init__(self, P2: Any, S: int, A: int) -> None:
        from provable.backends import _numba_kernels as k

        G = sp.csr_matrix(P2)
        G.data = np.ones_like(G.data)
        rows = np.repeat(np.arange(S), A)
        G = (sp.csr_matrix((np.ones(S * A), (np.arange(S * A), rows)), shape=(S * A, S)).T @ G)
        n, labels = connected_components(G, directed=True, connection="strong")
        coo = G.tocoo()
        cross = labels[coo.row] != labels[coo.col]
        C = sp.csr_matrix((np.ones(int(cross.sum())), (labels[coo.row[cross]],
                                                         labels[coo.col[cross]])), shape=(n, n))
        self.n, self.labels = n, labels
        self.indptr = C.indptr.astype(np.int64)
        self.indices = C.indices.astype(np.int64)
        self.order = k.topological_order(n, self.indptr, self.indices)
        self.k = k

    def bounds(self, D: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        vmax = np.full(self.n, -np.inf)
        vmin = np.full(self.n, np.inf)
        np.maximum.at(vmax, self.labels, D)
        np.minimum.at(vmin, self.labels, D)
        out_max, out_min = vmax.copy(), vmin.copy()
        self.k.reach_extrema(self.order, self.indptr, self.indices, vmax, vmin, out_max,
                             out_min)
        return out_min[self.labels], out_max[self.labels]


def _multichain_proof(bounds: _GainBounds, D: np.ndarray, tau: float, avg: TabularMDP,
                      policy: np.ndarray | None, margin: float) -> str | None:
    """A message proving that the optimal gain differs between two states, or None."""
    L, U = bounds.bounds(D)
    LB = L
    if policy is not None:
        P_pi, r_pi = policy_matrix(avg, policy)
        LB = np.maximum(L, tau * policy_gain(P_pi, r_pi) - margin)
    s, t = int(np.argmax(LB)), int(np.argmin(U))
    if LB[s] > U[t] + margin:
        return (f"the optimal gain is not constant: g*({s}) >= {LB[s] / tau:.6g} but "
                f"g*({t}) <= {U[t] / tau:.6g} (state {t} cannot reach a better gain); this "
                "MDP is multichain and not weakly communicating, which relative value "
                "iteration and the unichain LP cannot solve (solve each closed class "
                "separately, or use a discounted model)")
    return None


def _policy_bias(mdp: TabularMDP, policy: np.ndarray, gain: float, ref: int
                 ) -> np.ndarray | None:
    """Bias of a constant-gain policy, ``g + h = r_pi + P_pi h`` with ``h[ref] = 0``
    (None where that system is singular: several recurrent classes)."""
    P_pi, r_pi = policy_matrix(mdp, policy)
    S = mdp.S
    M = (sp.identity(S, format="lil") - sp.lil_matrix(P_pi)) if mdp.sparse else \
        np.eye(S) - P_pi
    M[ref, :] = 0.0
    M[ref, ref] = 1.0
    b = r_pi - gain
    b[ref] = 0.0
    try:
        with np.errstate(all="ignore"):
            x = (_solve(sp.csr_matrix(M), b) if mdp.sparse else np.linalg.solve(M, b))
    except (np.linalg.LinAlgError, RuntimeError, ValueError):
        return None
    return x if np.all(np.isfinite(x)) else None


def odoni_slack(width: int, h: np.ndarray, rmax: float, lo: float, hi: float) -> float:
    r"""Rounding allowance of a float Odoni interval :math:`[\min D, \max D]`,
    :math:`D = \max_a (r + P h) - h`, and of its midpoint:
    :math:`(w + 4) u (\|h\|_\infty + \max|r| + |lo| + |hi|) + 4 u (|lo| + |hi|)`,
    with ``w`` the widest row of P (Higham's dot-product bound) and ``u = 2^-52``."""
    return ((width + 4) * _U * (float(np.abs(h).max(initial=0.0)) + rmax + abs(hi) + abs(lo))
            + 4 * _U * (abs(lo) + abs(hi)))


def default_rvi_max_iter(S: int) -> int:
    """Default sweep budget of RVI: ``10 S``, at least 10 000 and at most 1 000 000."""
    return int(min(1_000_000, max(10_000, 10 * S)))


def average_reward(mdp: TabularMDP, method: str = "rvi", tol: float = 1e-9, *,
                   max_iter: int | None = None, tau: float = 0.5, ref_state: int = 0
                   ) -> SolveResult:
    """Optimal gain, bias and policy of an average-reward MDP.

    Parameters
    ----------
    mdp : TabularMDP
        A stationary model; its discount, if any, is ignored.
    method : {"rvi", "lp"}
    tol : float
        RVI stops when the Odoni interval of the gain is shorter than ``2 * tol``.
    max_iter : int, optional
        RVI's sweep budget; default :func:`default_rvi_max_iter` (``10 S``, at least
        10 000, at most 10^6). Reaching it is reported (``converged=False``).
    tau : float in (0, 1]
        Aperiodicity transform of RVI.
    ref_state : int
        The bias is normalised to ``h[ref_state] = 0``.

    Returns
    -------
    SolveResult
        ``gain`` (float), ``bias`` (S,) (also in ``V``), ``Q`` (S, A) with
        ``Q = r + P h - g``; ``error_bound`` certifies ``|gain - g*|``.

    Raises
    ------
    NotSupported
        When the optimal gain is proven to differ between states (a multichain MDP that
        is not weakly communicating). RVI checks this at sweeps 10, 20, 40, ... from
        per-state Odoni bounds over the states each one can reach and the exact gain
        of the greedy policy, so it is found within a few dozen sweeps on such models.

    Examples
    --------
    >>> import provable as pv
    >>> mdp = pv.mdp.two_state_gadget(t_mix=10, epsilon=0.1)
    >>> a, b = pv.solvers.average_reward(mdp), pv.solvers.average_reward(mdp, "lp")
    >>> abs(a.gain - b.gain) < 1e-8
    True
    """
    if mdp.criterion == "finite_horizon" or mdp.time_varying:
        raise NotSupported("average_reward needs a stationary infinite-horizon model")
    check_choice("method", method, ("rvi", "lp"))
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    max_iter = (default_rvi_max_iter(mdp.S) if max_iter is None else
                check_int("max_iter", max_iter, min_value=1))
    tau = check_real("tau", tau, lower=0.0, upper=1.0, lower_open=True)
    ref_state = check_int("ref_state", ref_state, min_value=0, max_value=mdp.S - 1)
    t0 = time.perf_counter()
    S, A = mdp.S, mdp.A
    avg = mdp.with_gamma(None) if mdp.gamma is not None else mdp
    P2 = avg.P_at()
    r = avg.R.ravel()
    if method == "rvi":
        from provable.backends import bellman

        rows = np.arange(S * A)
        E = sp.csr_matrix((np.ones(S * A), (rows, np.repeat(np.arange(S), A))), shape=(S * A, S))
        Pt = (tau * sp.csr_matrix(P2) + (1 - tau) * E).tocsr() if mdp.sparse else \
            tau * np.asarray(P2) + (1 - tau) * E.toarray()
        rt = tau * r
        h = np.zeros(S)
        conv = False
        lo = hi = 0.0
        gb = None
        check_at = 10
        rmax = float(np.abs(rt).max(initial=0.0))
        for it in range(1, max_iter + 1):
            W, pi_k = bellman(Pt, rt, 1.0, h, "numpy" if S * A < 2000 else "auto")
            D = W - h
            lo, hi = float(D.min()), float(D.max())
            if (hi - lo) / tau <= 2 * tol * (1 - 1e-6):
                h = W - W[ref_state]
                conv = True
                break
            if not (np.isfinite(lo) and np.isfinite(hi)):
                break
            if it == check_at or it == max_iter:
                check_at *= 2
                if gb is None:
                    gb = _GainBounds(P2, S, A)
                scale = float(np.abs(W).max()) + rmax
                margin = 1e-9 * max(rmax, abs(lo), abs(hi)) + 64 * S * _U * scale
                proof = _multichain_proof(gb, D, tau, avg,
                                          pi_k if it >= 40 or it == max_iter else None, margin)
                if proof:
                    raise NotSupported(f"average_reward(method='rvi'): {proof} [after {it} "
                                       "sweeps]")
            h = W - W[ref_state]
        gain = (lo + hi) / 2 / tau
        # rounding of the last sweep's D (Higham's dot-product bound, widest row w)
        # and of the midpoint
        bound = (hi - lo) / 2 / tau + odoni_slack(_width(mdp, P2), h, rmax, lo, hi) / tau
        Q = q_from_v(avg, h) - gain
        policy = Q.argmax(axis=1)
        msg = (f"Odoni interval of the gain has half-width {bound:.3g} after {it} sweeps"
               if conv else f"max_iter={max_iter} reached; gain interval half-width {bound:.3g}"
               " (the chain mixes slowly, or the MDP is multichain in a way not yet proven; "
               "pass a larger max_iter to go on)")
        if not (np.isfinite(lo) and np.isfinite(hi)):
            msg = f"the bias overflowed after {it} sweeps; nothing is certified"
            bound, conv = np.inf, False
        elif conv and not bound <= tol:
            # the interval met the rule, its rounding allowance does not fit in tol
            msg = (f"Odoni interval met the stopping rule after {it} sweeps, but with its "
                   f"float64 rounding the certified half-width is {bound:.3g} > tol {tol:g}: "
                   "tol is below what float64 can certify for this model")
            conv = False
        return SolveResult(V=h, Q=Q, policy=policy, iterations=it, error_bound=float(bound),
                           converged=conv, method="average_reward/rvi", backend="numpy",
                           seconds=time.perf_counter() - t0, message=msg, gain=float(gain),
                           bias=h)
    # unichain LP: min g s.t. g + h(s) - P_{sa} h >= r(s, a); variables (g, h)
    from scipy.optimize import linprog

    E = sp.csr_matrix((np.ones(S * A), (np.arange(S * A), np.repeat(np.arange(S), A))),
                      shape=(S * A, S))
    M = (E - sp.csr_matrix(P2)).tocsr()
    A_ub = -sp.hstack([sp.csr_matrix(np.ones((S * A, 1))), M]).tocsr()
    c = np.zeros(S + 1)
    c[0] = 1.0
    A_eq = sp.csr_matrix(([1.0], ([0], [1 + ref_state])), shape=(1, S + 1))
    res = linprog(c, A_ub=A_ub, b_ub=-r, A_eq=A_eq, b_eq=[0.0], bounds=(None, None),
                  method="highs")
    if res.status != 0:
        return SolveResult(V=np.full(S, np.nan), Q=np.full((S, A), np.nan),
                           policy=np.zeros(S, dtype=np.int64), iterations=int(res.nit),
                           error_bound=np.inf, converged=False, method="average_reward/lp",
                           backend="highs", seconds=time.perf_counter() - t0,
                           message=str(res.message), gain=np.nan, bias=np.full(S, np.nan))
    gain, h = float(res.x[0]), np.asarray(res.x[1:])
    x = -np.asarray(res.ineqlin.marginals).reshape(S, A)
    Qh = q_from_v(avg, h)
    # on the states the stationary LP solution visits, its action; elsewhere, layer by
    # layer, the Bellman-greedy action among those that reach the states already set (a
    # greedy action that avoids them can be a trap of lower gain in a communicating MDP);
    # states that reach none keep the Bellman-greedy action
    policy = Qh.argmax(axis=1)
    visited = x.sum(axis=1) > 1e-10
    policy[visited] = x[visited].argmax(axis=1)
    reached = visited.copy()
    while reached.any() and not reached.all():
        into = (np.asarray(P2 @ reached.astype(float)).reshape(S, A) > 0) & ~reached[:, None]
        new = into.any(axis=1)
        if not new.any():
            break
        policy[new] = np.where(into, Qh, -np.inf)[new].argmax(axis=1)
        reached |= new
    _check_gain_constant(avg, policy, gain, 1e-7, method)
    D = Qh.max(axis=1) - h
    lo, hi = float(D.min()), float(D.max())
    # the LP pins h only where the occupancy goes; the bias of the policy found often
    # gives a shorter Odoni interval: keep whichever of the two is shorter
    hp = _policy_bias(avg, policy, gain, ref_state)
    if hp is not None:
        Qp = q_from_v(avg, hp)
        Dp = Qp.max(axis=1) - hp
        if np.all(np.isfinite(Dp)) and float(Dp.max() - Dp.min()) < hi - lo:
            h, Qh, lo, hi = hp, Qp, float(Dp.min()), float(Dp.max())
    bound = (max(hi - gain, gain - lo, 0.0)
             + odoni_slack(_width(mdp, P2), h, float(np.abs(r).max(initial=0.0)), lo, hi)
             + 4 * _U * abs(gain))
    return SolveResult(V=h, Q=Qh - gain, policy=policy, iterations=int(res.nit),
                       error_bound=float(bound), converged=True,
                       method="average_reward/lp", backend="highs",
                       seconds=time.perf_counter() - t0, message=str(res.message),
                       gain=gain, bias=h, occupancy=x)
