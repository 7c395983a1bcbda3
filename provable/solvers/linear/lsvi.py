r"""Exact least-squares value iteration (planning) in feature space.

With a known linear MDP the Bellman backup stays in the span of the features:

.. math::

    w_h = \theta_h + \mu_h V_{h+1} \in \mathbb{R}^d, \qquad
    Q_h(s, a) = \phi(s, a)^\top w_h, \qquad V_h(s) = \max_a Q_h(s, a),

with :math:`V_H = 0` (Jin, Yang, Wang & Jordan 2020, Prop. 2.3: the action values of
every policy are linear in :math:`\phi`). Cost per step: O(dS) for :math:`w_h` and
O(SAd) for :math:`Q_h` — never forming the (S, A, S) transition tensor.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from provable.errors import InvalidType
from provable.mdp._linear import LinearMDP
from provable.solvers._result import SolveResult

__all__ = ["lsvi"]


def lsvi(lin: LinearMDP, *, terminal: Any = None) -> SolveResult:
    r"""Optimal values of a known linear MDP by backward recursion on :math:`w_h`.

    Parameters
    ----------
    lin : LinearMDP
    terminal : array_like (S,), optional
        Terminal values :math:`V_H` (default 0).

    Returns
    -------
    SolveResult
        ``V`` (H+1, S), ``Q`` (H, S, A), ``policy`` (H, S) (lowest index among ties),
        ``w`` (H, d) with :math:`Q_h = \Phi w_h`. ``error_bound`` is the floating-point
        slack of the recursion (it is exact); the values equal
        :func:`~provable.solvers.backward_induction` on ``lin.to_tabular()``.

    Examples
    --------
    >>> import numpy as np
    >>> from provable.mdp._linear_generators import random_linear_mdp
    >>> from provable.solvers.linear import lsvi
    >>> from provable.solvers import backward_induction
    >>> lin = random_linear_mdp(S=8, A=3, d=4, horizon=6, seed=0)
    >>> res = lsvi(lin)
    >>> res.w.shape, res.V.shape
    ((6, 4), (7, 8))
    >>> bool(np.allclose(res.V, backward_induction(lin.to_tabular()).V, atol=1e-12))
    True
    """
    if not isinstance(lin, LinearMDP):
        raise InvalidType(f"lin has type {type(lin).__name__}, expected LinearMDP")
    t0 = time.perf_counter()
    H, S, A, d = lin.horizon, lin.S, lin.A, lin.d
    V = np.zeros((H + 1, S))
    if terminal is not None:
        from provable.solvers._common import check_start_vector

        V[H] = check_start_vector("terminal", terminal, S)
    Q = np.zeros((H, S, A))
    W = np.zeros((H, d))
    pi = np.zeros((H, S), dtype=np.int64)
    Phi = lin.features
    for h in range(H - 1, -1, -1):
        W[h] = lin.theta_at(h) + lin.mu_at(h) @ V[h + 1]
        Q[h] = (Phi @ W[h]).reshape(S, A)
        pi[h] = Q[h].argmax(axis=1)
        V[h] = Q[h][np.arange(S), pi[h]]
    u = np.finfo(float).eps
    scale = float(np.abs(V).max() + np.abs(lin.R).max())
    gain = float(np.abs(Phi).sum(axis=1).max()) * max(1.0, float(np.abs(lin.mu).sum(axis=-1).max()))
    slack = H * (S + d + 4) * u * scale * gain
    finite = bool(np.isfinite(V).all() and np.isfinite(slack))
    msg = (f"{H} backward steps in feature space (d={d})" if finite else
           f"values are not finite after {H} backward steps (float64 overflow); nothing is "
           "certified")
    return SolveResult(V=V, Q=Q, policy=pi, iterations=H,
                       error_bound=float(slack) if finite else np.inf,
                       converged=finite, method="lsvi", backend="numpy",
                       seconds=time.perf_counter() - t0, message=msg, w=W)
