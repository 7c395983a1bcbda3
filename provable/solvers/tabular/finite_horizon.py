r"""Backward induction for finite-horizon MDPs:
:math:`V_H = 0`, :math:`Q_h = r_h + \gamma P_h V_{h+1}`, :math:`V_h = \max_a Q_h`."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from provable.errors import NotSupported
from provable.mdp._tabular import TabularMDP
from provable.solvers._result import SolveResult

__all__ = ["backward_induction"]


def backward_induction(mdp: TabularMDP, *, terminal: Any = None) -> SolveResult:
    """Exact optimal values of a finite-horizon MDP (time-inhomogeneous allowed).

    Parameters
    ----------
    mdp : TabularMDP
        With ``horizon=H``.
    terminal : array_like (S,), optional
        Terminal values V_H (default 0).

    Returns
    -------
    SolveResult
        ``V`` (H+1, S), ``Q`` (H, S, A), ``policy`` (H, S). ``error_bound`` is the
        floating-point slack only (the recursion is exact).

    Examples
    --------
    >>> import provable as pv
    >>> fh = pv.mdp.river_swim(4, gamma=None).with_horizon(3)
    >>> pv.solvers.backward_induction(fh).V.shape
    (4, 4)
    """
    if mdp.criterion != "finite_horizon":
        raise NotSupported(f"backward_induction needs a finite horizon; this MDP is "
                           f"{mdp.criterion} (build it with horizon=H or mdp.with_horizon(H))")
    t0 = time.perf_counter()
    H, S, A = mdp.horizon, mdp.S, mdp.A
    V = np.zeros((H + 1, S))
    if terminal is not None:
        from provable.solvers._common import check_start_vector

        V[H] = check_start_vector("terminal", terminal, S)
    Q = np.zeros((H, S, A))
    pi = np.zeros((H, S), dtype=np.int64)
    for h in range(H - 1, -1, -1):
        Q[h] = (mdp.R_at(h).ravel() + mdp.gamma * (mdp.P_at(h) @ V[h + 1])).reshape(S, A)
        pi[h] = Q[h].argmax(axis=1)
        V[h] = Q[h][np.arange(S), pi[h]]
    width = S if not mdp.sparse else int(np.diff(mdp.P.indptr).max())
    # each step's rounding (Higham's bound) is carried to step 0 through at most H
    # backups, each of modulus gamma * rho <= max(1, gamma * rho)^H; rows may sum
    # to 1 +- tol, so rho is bounded from the stored rows, never assumed 1
    top = max(float(np.asarray(mdp.P_at(h).sum(axis=1)).max()) for h in
              range(H if mdp.time_varying else 1))
    growth = max(1.0, mdp.gamma * top * (1 + (width + 2) * np.finfo(float).eps)) ** H
    slack = (H * (width + 4) * np.finfo(float).eps * growth
             * float(np.abs(V).max() + np.abs(mdp.R).max()))
    finite = bool(np.isfinite(V).all() and np.isfinite(slack))
    return SolveResult(V=V, Q=Q, policy=pi, iterations=H,
                       error_bound=float(slack) if finite else np.inf,
                       converged=finite, method="backward_induction", backend="numpy",
                       seconds=time.perf_counter() - t0,
                       message=f"{H} backward steps" if finite else
                       f"values are not finite after {H} backward steps (float64 overflow)")
