r"""Backward induction for finite-horizon MDPs:
:math:`V_H = 0`, :math:`Q_h = r_h + \gamma P_h V_{h+1}`, :math:`V_h = \max_a Q_h`."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from provable.errors import InvalidArgument, NotSupported
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
        term = np.asarray(terminal, dtype=float)
        if term.shape != (S,):
            raise InvalidArgument(f"terminal has shape {term.shape}, expected ({S},)")
        V[H] = term
    Q = np.zeros((H, S, A))
    pi = np.zeros((H, S), dtype=np.int64)
    for h in range(H - 1, -1, -1):
        Q[h] = (mdp.R_at(h).ravel() + mdp.gamma * (mdp.P_at(h) @ V[h + 1])).reshape(S, A)
        pi[h] = Q[h].argmax(axis=1)
        V[h] = Q[h][np.arange(S), pi[h]]
    width = S if not mdp.sparse else int(np.diff(mdp.P.indptr).max())
    slack = H * (width + 4) * np.finfo(float).eps * float(np.abs(V).max() + np.abs(mdp.R).max())
    return SolveResult(V=V, Q=Q, policy=pi, iterations=H, error_bound=float(slack),
                       converged=True, method="backward_induction", backend="numpy",
                       seconds=time.perf_counter() - t0, message=f"{H} backward steps")
