r"""Linear programming for discounted MDPs: the primal over values and the dual over
state-action occupancy measures (Puterman 1994, §6.9; the "Dual RL" view).

Primal: :math:`\min_V \rho^\top V` s.t. :math:`V(s) \ge r(s,a) + \gamma P_{s,a} V`.
Dual:   :math:`\max_{x \ge 0} r^\top x` s.t. :math:`\sum_a x(s',a) - \gamma
\sum_{s,a} P(s'|s,a) x(s,a) = \rho(s')`.

Both are solved with HiGHS (scipy) or through cvxpy; the other side comes from the
solver's multipliers. The returned ``occupancy`` is normalised,
:math:`d = (1-\gamma) x`, a probability over (s, a). The values are certified a
posteriori by one float64 Bellman backup with its rounding bounded
(:func:`~provable.solvers._common.bellman_certificate`), independent of the LP solver's
tolerances and valid for rows summing to ``1 +- tol``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import scipy.sparse as sp

from provable._validation import check_choice, check_int, check_stochastic
from provable.errors import InvalidArgument, NotSupported
from provable.mdp._tabular import TabularMDP
from provable.solvers._common import bellman_certificate
from provable.solvers._result import SolveResult
from provable.solvers.tabular.value_iteration import _check_discounted

__all__ = ["linear_program", "lp_matrices"]


def lp_matrices(mdp: TabularMDP) -> tuple[sp.csr_matrix, np.ndarray]:
    r"""``(M, r)`` with :math:`M = E - \gamma P` of shape (S*A, S) (E[sA+a, s] = 1), so the
    primal constraints read :math:`M V \ge r` and the dual :math:`M^\top x = \rho`."""
    S, A = mdp.S, mdp.A
    E = sp.csr_matrix((np.ones(S * A), (np.arange(S * A), np.repeat(np.arange(S), A))),
                      shape=(S * A, S))
    P2 = sp.csr_matrix(mdp.P_at())
    return (E - mdp.gamma * P2).tocsr(), mdp.R.ravel()


def linear_program(mdp: TabularMDP, *, solver: str = "highs", formulation: str = "primal",
                   initial: Any = None, max_iter: int | None = None) -> SolveResult:
    """Solve a discounted MDP by linear programming.

    For moderate sizes: HiGHS took 2.9 s at S=1000 and 24 s at S=2000 on random sparse
    MDPs (A=4, 8 entries a row, 2 cores), growing about like S^3; use
    ``value_iteration`` or ``policy_iteration`` (certified too) for larger models.

    Parameters
    ----------
    mdp : TabularMDP
    solver : {"highs", "cvxpy"}
    formulation : {"primal", "dual"}
        Which LP is handed to the solver; the other side is read from its multipliers.
    initial : array_like (S,), optional
        The weights rho (default uniform); the occupancy is that of rho.
    max_iter : int, optional
        HiGHS's simplex/IPM iteration limit (``solver="highs"`` only); reaching it is
        reported (``converged=False``).

    Returns
    -------
    SolveResult
        With ``occupancy`` (S, A) (sums to 1), ``objective`` (rho . V*) and
        ``dual_objective`` (r . x).

    Examples
    --------
    >>> import numpy as np, provable as pv
    >>> mdp = pv.mdp.random_mdp(6, 3, gamma=0.9, seed=0)
    >>> lp = pv.solvers.linear_program(mdp)
    >>> bool(np.allclose(lp.V, pv.solvers.policy_iteration(mdp).V, atol=1e-7))
    True
    """
    _check_discounted(mdp, "linear_program")
    check_choice("solver", solver, ("highs", "cvxpy"))
    check_choice("formulation", formulation, ("primal", "dual"))
    if max_iter is not None:
        max_iter = check_int("max_iter", max_iter, min_value=1)
        if solver != "highs":
            raise NotSupported(f"max_iter={max_iter} applies to solver='highs' only, "
                               f"not solver={solver!r}")
    opts = {} if max_iter is None else {"maxiter": max_iter}
    S = mdp.S
    rho = np.full(S, 1.0 / S) if initial is None else np.asarray(initial, dtype=float)
    if rho.shape != (S,):
        raise InvalidArgument(f"initial has shape {rho.shape}, expected ({S},)")
    check_stochastic("initial", rho[None, :])
    t0 = time.perf_counter()
    M, r = lp_matrices(mdp)
    if solver == "highs":
        from scipy.optimize import linprog

        if formulation == "primal":
            res = linprog(rho, A_ub=-M, b_ub=-r, bounds=(None, None), method="highs",
                          options=opts)
            ok = res.status == 0
            V = np.asarray(res.x) if ok else np.full(S, np.nan)
            x = -np.asarray(res.ineqlin.marginals) if ok else np.full(S * mdp.A, np.nan)
        else:
            res = linprog(-r, A_eq=M.T.tocsr(), b_eq=rho, bounds=(0, None), method="highs",
                          options=opts)
            ok = res.status == 0
            x = np.asarray(res.x) if ok else np.full(S * mdp.A, np.nan)
            V = -np.asarray(res.eqlin.marginals) if ok else np.full(S, np.nan)
        iters, msg = int(getattr(res, "nit", 0)), str(res.message)
    else:
        import cvxpy as cp

        if formulation == "primal":
            v = cp.Variable(S)
            cons = [M @ v >= r]
            prob = cp.Problem(cp.Minimize(rho @ v), cons)
            prob.solve()
            ok = prob.status == cp.OPTIMAL
            V = np.asarray(v.value) if ok else np.full(S, np.nan)
            x = np.asarray(cons[0].dual_value) if ok else np.full(S * mdp.A, np.nan)
        else:
            xv = cp.Variable(S * mdp.A, nonneg=True)
            cons = [M.T @ xv == rho]
            prob = cp.Problem(cp.Maximize(r @ xv), cons)
            prob.solve()
            ok = prob.status == cp.OPTIMAL
            x = np.asarray(xv.value) if ok else np.full(S * mdp.A, np.nan)
            V = -np.asarray(cons[0].dual_value) if ok else np.full(S, np.nan)
            if ok and np.dot(rho, V) < 0 < np.dot(r, x):  # sign convention of the solver
                V = -V
        iters, msg = int(prob.solver_stats.num_iters or 0), f"cvxpy status {prob.status}"
    pbound = np.inf
    if ok and np.isfinite(V).all():
        cert = bellman_certificate(mdp, V)
        Q, bound = cert.Q, cert.bound
        policy = Q.argmax(axis=1)
        pbound = cert.policy_bound(policy)
        ok = cert.finite
    else:
        Q, bound, policy = np.full((S, mdp.A), np.nan), np.inf, np.zeros(S, dtype=np.int64)
        ok = False
    return SolveResult(V=V, Q=Q, policy=policy, iterations=iters, error_bound=float(bound),
                       converged=bool(ok), method="linear_program",
                       backend=f"{solver}/{formulation}", seconds=time.perf_counter() - t0,
                       message=msg, policy_error_bound=float(pbound), occupancy=((1 - mdp.gamma) * x).reshape(S, mdp.A),
                       objective=float(rho @ V), dual_objective=float(r @ x))
