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

import numpy as np
import scipy.sparse as sp

from provable._validation import check_choice, check_int, check_real
from provable.errors import NotSupported
from provable.mdp._tabular import TabularMDP
from provable.solvers._common import policy_gain, policy_matrix, q_from_v
from provable.solvers._result import SolveResult

__all__ = ["average_reward"]


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


def average_reward(mdp: TabularMDP, method: str = "rvi", tol: float = 1e-9, *,
                   max_iter: int = 1_000_000, tau: float = 0.5, ref_state: int = 0
                   ) -> SolveResult:
    """Optimal gain, bias and policy of an average-reward MDP.

    Parameters
    ----------
    mdp : TabularMDP
        A stationary model; its discount, if any, is ignored.
    method : {"rvi", "lp"}
    tol : float
        RVI stops when the Odoni interval of the gain is shorter than ``2 * tol``.
    max_iter : int
    tau : float in (0, 1]
        Aperiodicity transform of RVI.
    ref_state : int
        The bias is normalised to ``h[ref_state] = 0``.

    Returns
    -------
    SolveResult
        ``gain`` (float), ``bias`` (S,) (also in ``V``), ``Q`` (S, A) with
        ``Q = r + P h - g``; ``error_bound`` certifies ``|gain - g*|``.

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
    max_iter = check_int("max_iter", max_iter, min_value=1)
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
        for it in range(1, max_iter + 1):
            W, _ = bellman(Pt, rt, 1.0, h, "numpy" if S * A < 2000 else "auto")
            D = W - h
            lo, hi = float(D.min()), float(D.max())
            h = W - W[ref_state]
            if (hi - lo) / tau <= 2 * tol:
                conv = True
                break
        gain = (lo + hi) / 2 / tau
        bound = (hi - lo) / 2 / tau
        Q = q_from_v(avg, h) - gain
        policy = Q.argmax(axis=1)
        msg = (f"Odoni interval of the gain has half-width {bound:.3g} after {it} sweeps"
               if conv else f"max_iter={max_iter} reached; gain interval half-width {bound:.3g}"
               " (the MDP may be multichain or the chain slowly mixing)")
        if not conv:
            _check_gain_constant(avg, policy, gain, max(10 * bound, 1e-6), method)
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
    # greedy on the states the stationary LP solution visits; Bellman-greedy elsewhere
    policy = Qh.argmax(axis=1)
    visited = x.sum(axis=1) > 1e-10
    policy[visited] = x[visited].argmax(axis=1)
    _check_gain_constant(avg, policy, gain, 1e-7, method)
    D = Qh.max(axis=1) - h
    bound = max(float(D.max()) - gain, gain - float(D.min()), 0.0)
    return SolveResult(V=h, Q=Qh - gain, policy=policy, iterations=int(res.nit),
                       error_bound=float(bound) + 1e-12, converged=True,
                       method="average_reward/lp", backend="highs",
                       seconds=time.perf_counter() - t0, message=str(res.message),
                       gain=gain, bias=h, occupancy=x)
