r"""Policy iteration (Howard 1960) with exact linear solves, and modified policy
iteration (Puterman & Shin 1978).

Both certify their answer a posteriori, whatever the method did:
:math:`\|V - V^*\|_\infty \le \|TV - V\|_\infty / (1-\kappa)` with
:math:`\kappa \ge \gamma \max_{s,a} \sum_j P(j|s,a)` and the float64 rounding of that
backup bounded (:func:`~provable.solvers._common.bellman_certificate`), which holds for
rows summing to ``1 +- tol``. Modified policy iteration stops its sweeps on the
MacQueen–Porteus span rule (exact only for rows summing to 1) and, if the certificate
then exceeds ``tol``, continues with certified value-iteration sweeps.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import scipy.sparse as sp

from provable._validation import check_int, check_real
from provable.errors import InvalidArgument
from provable.mdp._tabular import TabularMDP
from provable.solvers._common import (
    _solve,
    bellman_certificate,
    check_policy_vector,
    check_start_vector,
    q_from_v,
)
from provable.solvers._result import SolveResult
from provable.solvers.tabular.value_iteration import (
    _check_discounted,
    certified_message,
    certify_and_refine,
)

__all__ = ["policy_iteration", "modified_policy_iteration"]


def _chain(mdp: TabularMDP, pi: np.ndarray) -> tuple[Any, np.ndarray]:
    """``(P_pi, r_pi)`` of a deterministic policy: its rows of P gathered (a dense copy,
    or CSR rows), the same numbers :func:`~provable.solvers._common.policy_matrix`
    computes through a product with the one-hot policy, without the product."""
    rows = np.arange(mdp.S) * mdp.A + pi
    return mdp.P_at()[rows], mdp.R[np.arange(mdp.S), pi]


def _improve(Q: np.ndarray, current: np.ndarray | None, rtol: float = 1e-12) -> np.ndarray:
    """Greedy policy that keeps the current action unless another is strictly better
    (prevents cycling between tied actions)."""
    best = Q.argmax(axis=1)
    if current is None:
        return best
    S = Q.shape[0]
    qmax = Q[np.arange(S), best]
    qcur = Q[np.arange(S), current]
    keep = qcur >= qmax - rtol * np.maximum(1.0, np.abs(qmax))
    return np.where(keep, current, best)


@np.errstate(over="ignore", invalid="ignore")  # overflow is reported by the certificate
def policy_iteration(mdp: TabularMDP, *, max_iter: int = 1000, policy0: np.ndarray | None = None,
                     V0: Any = None) -> SolveResult:
    r"""Howard's policy iteration with exact evaluation (dense LU; sparse LU, or for
    1000+ sparse states GMRES refined to LU's backward-error level, since a sparse LU
    of a random transition graph fills in and costs ~S^3).

    Parameters
    ----------
    mdp : TabularMDP
        A discounted MDP.
    max_iter : int, default 1000
        Improvement steps at most.
    policy0 : array_like (S,) of int, optional
        Starting policy (default: greedy for the values ``max_a r(s, a)``, QuantEcon's
        default start, one Bellman backup beyond greedy in the rewards).
    V0 : array_like (S,), optional
        Starting values: the first policy is greedy for them (QuantEcon's ``v_init``).
        Not together with ``policy0``.

    Returns
    -------
    SolveResult
        ``error_bound`` certifies ``max|V - V*|`` by one float64 Bellman backup of the
        returned V (:func:`~provable.solvers._common.bellman_certificate`);
        ``policy_error_bound`` certifies :math:`\max_s V^*(s) - V^\pi(s)`.
        ``converged`` means the policy is stable and the certificate finite.

    Examples
    --------
    >>> import provable as pv
    >>> res = pv.solvers.policy_iteration(pv.mdp.river_swim(6))
    >>> res.converged, res.policy.tolist()
    (True, [1, 1, 1, 1, 1, 1])
    """
    _check_discounted(mdp, "policy_iteration")
    max_iter = check_int("max_iter", max_iter, min_value=1)
    t0 = time.perf_counter()
    g = mdp.gamma
    I = sp.identity(mdp.S, format="csr") if mdp.sparse else np.eye(mdp.S)
    if V0 is not None and policy0 is not None:
        raise InvalidArgument("policy0 and V0 both given, expected at most one starting point")
    if V0 is not None:
        pi = _improve(q_from_v(mdp, check_start_vector("V0", V0, mdp.S)), None)
    else:
        pi = (_improve(q_from_v(mdp, mdp.R.max(axis=1)), None) if policy0 is None else
              check_policy_vector("policy0", policy0, mdp.S, mdp.A))
    conv = False
    for it in range(1, max_iter + 1):
        P_pi, r_pi = _chain(mdp, pi)
        V = _solve(I - g * P_pi, r_pi)
        Q = q_from_v(mdp, V)
        new = _improve(Q, pi)
        if np.array_equal(new, pi):
            conv = True
            break
        pi = new
    cert = bellman_certificate(mdp, V)
    bound = cert.bound
    msg = (f"policy stable after {it} improvements; certified bound {bound:.3g}" if conv else
           f"max_iter={max_iter} reached before the policy stabilised; certified bound "
           f"{bound:.3g}")
    if not cert.finite:
        msg = certified_message(cert, 0.0, "", "")
        conv = False
    return SolveResult(V=V, Q=cert.Q, policy=pi, iterations=it, error_bound=float(bound),
                       converged=conv, method="policy_iteration", backend="numpy",
                       seconds=time.perf_counter() - t0, message=msg,
                       policy_error_bound=float(cert.policy_bound(pi)))


@np.errstate(over="ignore", invalid="ignore")
def modified_policy_iteration(mdp: TabularMDP, tol: float = 1e-8, *, m: int = 20,
                              max_iter: int = 100_000, V0: Any = None) -> SolveResult:
    """Modified policy iteration: greedy step, then ``m - 1`` partial evaluation sweeps
    of the greedy policy; stops with the MacQueen–Porteus bound like VI.

    Starts from ``V0 = min r / (1 - gamma)`` so that ``T V0 >= V0`` (monotone
    convergence, Puterman 1994 Thm 6.5.7), or from the given ``V0`` (QuantEcon's
    ``v_init``); the answer is certified a posteriori whatever the start.

    Examples
    --------
    >>> import provable as pv
    >>> res = pv.solvers.modified_policy_iteration(pv.mdp.river_swim(6), tol=1e-9)
    >>> res.converged
    True
    """
    _check_discounted(mdp, "modified_policy_iteration")
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    m = check_int("m", m, min_value=1)
    max_iter = check_int("max_iter", max_iter, min_value=1)
    t0 = time.perf_counter()
    g = mdp.gamma
    c = g / (1 - g)
    V = (np.full(mdp.S, mdp.R.min() / (1 - g)) if V0 is None
         else check_start_vector("V0", V0, mdp.S))
    conv = False
    for it in range(1, max_iter + 1):
        Q = q_from_v(mdp, V)
        pi = Q.argmax(axis=1)
        TV = Q[np.arange(mdp.S), pi]
        D = TV - V
        lo, hi = float(D.min()), float(D.max())
        if c * (hi - lo) / 2 <= tol:
            V = TV + c * (lo + hi) / 2
            conv = True
            break
        if not (np.isfinite(lo) and np.isfinite(hi)):
            V = TV
            break
        P_pi, r_pi = _chain(mdp, pi)
        V = TV
        for _ in range(m - 1):
            V = r_pi + g * (P_pi @ V)
    if not conv:  # the span midpoint of the last iterate
        Q = q_from_v(mdp, V)
        TV = Q.max(axis=1)
        D = TV - V
        lo, hi = float(D.min()), float(D.max())
        if np.isfinite(lo) and np.isfinite(hi):
            V = TV + c * (lo + hi) / 2
    from provable.backends import resolve

    left = max_iter * m - it * m if conv else 0
    V, cert, more, note = certify_and_refine(mdp, V, tol, left, resolve("auto", P2=mdp.P_at()))
    policy = cert.Q.argmax(axis=1)
    msg = certified_message(cert, tol, f"span rule met after {it} improvements",
                            f"max_iter={max_iter} reached", not conv) + note
    return SolveResult(V=V, Q=cert.Q, policy=policy, iterations=it,
                       error_bound=float(cert.bound),
                       converged=bool(cert.bound <= tol), method="modified_policy_iteration",
                       backend="numpy", seconds=time.perf_counter() - t0, message=msg,
                       policy_error_bound=float(cert.policy_bound(policy)))
