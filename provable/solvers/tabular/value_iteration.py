r"""Value iteration with certified stopping rules.

For any :math:`V`, with :math:`c = \gamma / (1-\gamma)` and :math:`D = TV - V`
(Puterman 1994, Thm 6.6.3; MacQueen 1966; Porteus 1971):

.. math::

    TV + c \min_s D(s) \;\le\; V^* \;\le\; TV + c \max_s D(s).

``stop="span"`` returns the midpoint :math:`TV + c(\max D + \min D)/2` with bound
:math:`c(\max D - \min D)/2`; ``stop="sup"`` returns :math:`TV` with bound
:math:`c \max_s |D(s)|`. pymdptoolbox's span-stopped VI returns :math:`TV` without the
correction, which is off by a constant on dense problems.

These bounds assume rows of P that sum to exactly 1. The model accepts rows summing to
``1 +- tol`` (and float32 inputs promoted to float64), and on those the span rule can
be fooled by many times its bound. So the stopping rule only decides when to stop
sweeping; ``error_bound`` is a separate a-posteriori certificate of the returned V,
:math:`\|V - V^*\| \le \|TV - V\| / (1 - \kappa)` with
:math:`\kappa \ge \gamma \max_{s,a} \sum_j P(j|s,a)` and the float64 rounding of
that backup bounded explicitly (:func:`~provable.solvers._common.bellman_certificate`;
cf. Hartmanns, *Correct Probabilistic Model Checking with Floating-Point Arithmetic*,
TACAS 2022). It costs one sweep, the one that also gives ``Q``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from provable._validation import check_choice, check_int, check_real
from provable.backends import resolve, value_iteration_loop
from provable.errors import NotSupported
from provable.mdp._tabular import TabularMDP
from provable.solvers._common import (
    BellmanCertificate,
    bellman_certificate,
    check_flag,
    check_start_vector,
    contraction_modulus,
    greedy,
)
from provable.solvers._result import SolveResult

__all__ = ["value_iteration", "default_max_iter", "certify_and_refine"]

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


def certify_and_refine(mdp: TabularMDP, V: np.ndarray, tol: float, sweeps_left: int,
                       backend: str) -> tuple[np.ndarray, BellmanCertificate, int, str]:
    r"""Certify ``V`` a posteriori (:func:`~provable.solvers._common.bellman_certificate`)
    and, while the certified bound exceeds ``tol``, continue with plain value iteration
    (no action elimination) stopped by the sup-norm rule of the certified modulus
    :math:`\kappa \ge \gamma \max_{s,a} \sum_j P(j|s,a)`: :math:`\|V_{k+1} - V^*\| \le
    \kappa/(1-\kappa)\, \|V_{k+1} - V_k\|`, then certify again.

    A method's own stopping rule is a fast heuristic here; the answer is the
    certificate. The MacQueen–Porteus bounds and the elimination test assume rows that
    sum to exactly 1; with rows summing to ``1 +- tol`` they can be fooled, and this is
    where that is caught and repaired. Returns ``(V, certificate, sweeps, note)``.
    """
    cert = bellman_certificate(mdp, V)
    sweeps = 0
    note = ""
    if not cert.finite:
        return V, cert, sweeps, note
    gamma = mdp.gamma
    c = gamma / (1 - gamma)
    kappa = cert.modulus
    c_k = kappa / (1 - kappa)
    P2, r = mdp.P_at(), mdp.R.ravel()
    # a certification step, whatever back end did the first sweeps: the fastest
    # float64 CPU loop (numba, or numpy's BLAS matvec for a large dense P)
    backend = resolve("auto", P2=P2)
    rounds = 0
    # below about 4x the rounding term float64 cannot certify more: aim for that instead
    while (cert.bound > max(tol, 4 * cert.floor) and sweeps < sweeps_left and rounds < 4):
        rounds += 1
        goal = max(tol, 4 * cert.floor)
        target = (goal - cert.floor) / 2 / 4 ** (rounds - 1)
        inner = target * c / c_k
        if inner <= 0:
            inner = np.finfo(float).tiny
        V, _, more, _, _, _ = value_iteration_loop(P2, r, gamma, V, inner, sweeps_left - sweeps,
                                                   False, backend, None)
        sweeps += int(more)
        cert = bellman_certificate(mdp, V)
    if sweeps:
        note = (f"; the first stopping rule was not certified, {sweeps} more {backend} sweeps "
                f"with the sup-norm rule of the certified modulus {kappa:.17g}")
    return V, cert, sweeps, note


def certified_message(cert: BellmanCertificate, tol: float, head: str, limit: str,
                      exhausted: bool = False) -> str:
    """How a certified solve ended, in words (shared by VI and MPI)."""
    if not cert.finite:
        return ("values are not finite (float64 overflow: max|r|/(1-gamma) is beyond "
                "the float64 range, or the start vector was extreme); nothing is certified")
    if cert.bound <= tol:
        return f"{head}: certified bound {cert.bound:.3g} <= tol {tol:g}"
    if exhausted:
        return f"{limit}; certified bound is {cert.bound:.3g} > tol {tol:g}"
    if cert.floor >= tol / 2:
        return (f"certified bound {cert.bound:.3g} > tol {tol:g}: tol is below what float64 "
                f"can certify for this model (rounding term {cert.floor:.3g})")
    return f"{limit}; certified bound is {cert.bound:.3g} > tol {tol:g}"


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
        Stopping rule of the sweeps (see module docstring). ``"span"`` stops earlier.
    max_iter : int, optional
        Default from :func:`default_max_iter`.
    V0 : array_like (S,), optional
        Starting values (default 0); finite.
    gauss_seidel : bool
        In-place sweeps (sup-norm rule, numba, dense or sparse; no action elimination).
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
        ``error_bound`` certifies ``max|V - V*|`` a posteriori, whatever the stopping
        rule and back end: one float64 Bellman backup of the returned V with its
        rounding bounded (:func:`certify_and_refine`), valid for any accepted P
        (rows summing to ``1 +- tol``). ``converged`` is True exactly when that bound
        is at most ``tol``. ``policy_error_bound`` certifies the greedy policy's
        suboptimality :math:`\\max_s V^*(s) - V^\\pi(s)`. ``eliminated`` counts the
        state-action pairs dropped as suboptimal; ``Q`` is computed afresh over all
        actions.

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
    gauss_seidel = check_flag("gauss_seidel", gauss_seidel)
    if eliminate is not None and not isinstance(eliminate, (bool, np.bool_)):
        from provable.errors import InvalidType

        raise InvalidType(f"eliminate has type {type(eliminate).__name__}, expected bool or None")
    V = np.zeros(mdp.S) if V0 is None else check_start_vector("V0", V0, mdp.S)
    max_iter = default_max_iter(mdp, tol, V) if max_iter is None else check_int(
        "max_iter", max_iter, min_value=1)
    t0 = time.perf_counter()
    gamma = mdp.gamma
    if gamma >= 0.99:  # slow sweeps: refuse a non-contraction before running them
        _, kappa, row = contraction_modulus(mdp)
        if not kappa < 1.0:
            bellman_certificate(mdp, V)  # raises, naming the row
    c = gamma / (1 - gamma)
    r = mdp.R.ravel()
    P2 = mdp.P_at()
    if gauss_seidel:
        from provable.backends import _numba_kernels as k

        pi = np.zeros(mdp.S, dtype=np.int64)
        if mdp.sparse:
            it, delta, conv = k.vi_gauss_seidel_csr(P2.data, P2.indices, P2.indptr, r, gamma,
                                                   V, pi, tol, max_iter)
        else:
            it, delta, conv = k.vi_gauss_seidel_dense(np.ascontiguousarray(P2), r, gamma, V,
                                                     pi, tol, max_iter)
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
        if stop == "span" and np.isfinite(lo) and np.isfinite(hi):
            V = V + c * (lo + hi) / 2
        stop_used = stop
    V_first = V
    V, cert, more, note = certify_and_refine(mdp, V, tol, max_iter - int(it), used)
    it = int(it) + more
    eliminated = 0 if gauss_seidel or not eliminate else int(active.size - active.sum())
    Q = cert.Q
    # greedy among the actions still live (the eliminated ones are suboptimal) unless
    # the certificate had to refine the sweeps' answer
    if eliminated and V is V_first:
        policy = greedy(np.where(active.reshape(Q.shape), Q, -np.inf))
    else:
        policy = greedy(Q)
    bound = cert.bound
    conv = bool(bound <= tol)
    msg = certified_message(cert, tol, f"{stop_used}-norm rule met after {it} sweeps",
                            f"max_iter={max_iter} reached", it >= max_iter) + note
    if eliminated:
        msg += f"; {eliminated} of {active.size} state-action pairs eliminated as suboptimal"
    return SolveResult(V=V, Q=Q, policy=policy, iterations=int(it), error_bound=float(bound),
                       converged=conv, method="value_iteration", backend=used,
                       seconds=time.perf_counter() - t0, message=msg,
                       policy_error_bound=float(cert.policy_bound(policy)),
                       eliminated=eliminated)
