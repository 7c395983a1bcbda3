r"""Value iteration with certified stopping rules.

For any :math:`V`, with :math:`c = \gamma / (1-\gamma)` and :math:`D = TV - V`
(Puterman 1994, Thm 6.6.3; MacQueen 1966; Porteus 1971):

.. math::

    TV + c \min_s D(s) \;\le\; V^* \;\le\; TV + c \max_s D(s).

``stop="span"`` returns the midpoint :math:`TV + c(\max D + \min D)/2` with bound
:math:`c(\max D - \min D)/2`; ``stop="sup"`` returns :math:`TV` with bound
:math:`c \max_s |D(s)|`. Either way the returned V is within ``error_bound`` of V*
in sup norm (floating-point rounding included). pymdptoolbox's span-stopped VI returns
:math:`TV` without the correction, which is off by a constant on dense problems.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from provable._validation import check_choice, check_int, check_real
from provable.backends import resolve, value_iteration_loop
from provable.errors import NotSupported
from provable.mdp._tabular import TabularMDP
from provable.solvers._common import greedy, q_from_v, rounding_slack
from provable.solvers._result import SolveResult

__all__ = ["value_iteration", "default_max_iter"]

# default action elimination: P large enough that sweeps dominate the bookkeeping, and
# rows long enough (in stored entries) that skipping one skips whole cache lines
ELIMINATE_MIN_SIZE = 100_000
ELIMINATE_MIN_ROW = 32


def default_max_iter(mdp: TabularMDP, tol: float, V0: np.ndarray | None = None) -> int:
    """Iterations after which the a-priori bound
    :math:`\\gamma^k (\\|r\\|_\\infty + \\|V_0\\|_\\infty)/(1-\\gamma)` is below ``tol``
    (times 2, plus 100): VI that is not done by then is reported as not converged."""
    g = mdp.gamma
    span_r = float(np.abs(mdp.R).max()) + (0.0 if V0 is None else float(np.abs(V0).max()))
    span_r = span_r + 1e-300
    if g == 0:
        return 100
    k = np.log(tol * (1 - g) / span_r) / np.log(g)
    return int(min(max(2 * k, 0) + 100, 10_000_000))


def _check_discounted(mdp: TabularMDP, name: str) -> None:
    if not isinstance(mdp, TabularMDP):
        from provable.errors import InvalidType

        raise InvalidType(f"mdp has type {type(mdp).__name__}, expected TabularMDP")
    if mdp.criterion != "discounted":
        raise NotSupported(f"{name} solves discounted problems; this MDP is {mdp.criterion} "
                           "(use backward_induction or average_reward)")


def value_iteration(mdp: TabularMDP, tol: float = 1e-8, *, stop: str = "span",
                    max_iter: int | None = None, V0: Any = None, gauss_seidel: bool = False,
                    eliminate: bool | None = None, backend: str = "auto") -> SolveResult:
    """Value iteration until the certified bound on ``max|V - V*|`` is at most ``tol``.

    Parameters
    ----------
    mdp : TabularMDP
        A discounted MDP.
    tol : float, default 1e-8
        Target certified sup-norm error of the returned V.
    stop : {"span", "sup"}
        Stopping rule (see module docstring). ``"span"`` stops earlier.
    max_iter : int, optional
        Default from :func:`default_max_iter`.
    V0 : array_like (S,), optional
        Starting values (default 0).
    gauss_seidel : bool
        In-place sweeps (sup-norm rule, numba, dense only; no action elimination).
    eliminate : bool, optional
        Drop actions once they are certified suboptimal (MacQueen's test, see
        :func:`provable.backends.value_iteration_loop`), so later sweeps read only the
        rows of P that can still be optimal. V* is unchanged, so is the certificate.
        Default: on where skipping a row saves memory traffic, i.e. P has at least
        ``ELIMINATE_MIN_SIZE`` stored entries and rows of at least
        ``ELIMINATE_MIN_ROW`` of them on average (a short sparse row shares its cache
        lines with its neighbours, so skipping it saves little and the bookkeeping
        costs more: 40% slower at S=1e5 with 10 entries a row). The numpy and numba
        back ends eliminate; torch does not.
    backend : {"auto", "numpy", "numba", "torch"}

    Returns
    -------
    SolveResult
        ``error_bound`` certifies ``max|V - V*|``; ``policy_error_bound`` certifies the
        greedy policy's suboptimality (``2 * error_bound * gamma / (1 - gamma)`` at most,
        Singh & Yee 1994). ``eliminated`` counts the state-action pairs dropped as
        certified suboptimal; ``Q`` is computed afresh over all actions.

    Examples
    --------
    >>> import provable as pv
    >>> res = pv.solvers.value_iteration(pv.mdp.river_swim(6), tol=1e-6)
    >>> res.converged, res.error_bound <= 1e-6
    (True, True)
    """
    _check_discounted(mdp, "value_iteration")
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    check_choice("stop", stop, ("span", "sup"))
    if eliminate is not None and not isinstance(eliminate, (bool, np.bool_)):
        from provable.errors import InvalidType

        raise InvalidType(f"eliminate has type {type(eliminate).__name__}, expected bool or None")
    V = np.zeros(mdp.S) if V0 is None else np.array(V0, dtype=float)
    if V.shape != (mdp.S,):
        from provable.errors import InvalidArgument

        raise InvalidArgument(f"V0 has shape {V.shape}, expected ({mdp.S},)")
    max_iter = default_max_iter(mdp, tol, V) if max_iter is None else check_int(
        "max_iter", max_iter, min_value=1)
    t0 = time.perf_counter()
    gamma = mdp.gamma
    c = gamma / (1 - gamma)
    r = mdp.R.ravel()
    P2 = mdp.P_at()
    if gauss_seidel:
        if mdp.sparse:
            raise NotSupported("gauss_seidel=True is implemented for dense P only")
        from provable.backends import _numba_kernels as k

        pi = np.zeros(mdp.S, dtype=np.int64)
        it, delta, conv = k.vi_gauss_seidel_dense(np.ascontiguousarray(P2), r, gamma, V, pi,
                                                 tol, max_iter)
        bound = c * float(delta)
        used, stop_used = "numba", "sup"
    else:
        used = resolve(backend, P2=P2)
        if eliminate is None:
            stored = P2.nnz if mdp.sparse else P2.size
            eliminate = stored >= ELIMINATE_MIN_SIZE and stored >= ELIMINATE_MIN_ROW * P2.shape[0]
        if backend == "auto" and eliminate and used == "numpy":
            used = "numba"  # its loop sweeps with the same BLAS matvec, then only live rows
        active = np.ones(r.shape[0], dtype=bool) if eliminate else None
        V, pi, it, lo, hi, conv = value_iteration_loop(P2, r, gamma, V, tol, max_iter,
                                                       stop == "span", used, active)
        if stop == "span":
            V = V + c * (lo + hi) / 2
            bound = c * (hi - lo) / 2
        else:
            bound = c * max(abs(lo), abs(hi))
        stop_used = stop
    bound += rounding_slack(mdp, V, gamma)
    eliminated = 0 if gauss_seidel or not eliminate else int(active.size - active.sum())
    Q = q_from_v(mdp, V)
    # greedy among the actions still live: the eliminated ones are certified suboptimal
    policy = greedy(Q if not eliminated else np.where(active.reshape(Q.shape), Q, -np.inf))
    msg = (f"{stop_used}-norm bound {bound:.3g} <= tol {tol:g} after {it} sweeps" if conv else
           f"max_iter={max_iter} reached; certified bound is {bound:.3g} > tol {tol:g}")
    if eliminated:
        msg += f"; {eliminated} of {active.size} state-action pairs eliminated as suboptimal"
    return SolveResult(V=V, Q=Q, policy=policy, iterations=int(it), error_bound=float(bound),
                       converged=bool(conv), method="value_iteration", backend=used,
                       seconds=time.perf_counter() - t0, message=msg,
                       policy_error_bound=float(2 * bound / (1 - gamma)) if gamma < 1 else np.inf,
                       eliminated=eliminated)
