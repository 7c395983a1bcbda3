"""Back-end selection and the two operations the solvers need."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from provable._validation import check_choice

__all__ = ["BACKENDS", "resolve", "bellman", "value_iteration_loop", "PARALLEL_MIN_WORK"]

BACKENDS = ("auto", "numpy", "numba", "torch")

# below this many multiply-adds per sweep, thread start-up costs more than it saves
PARALLEL_MIN_WORK = 200_000


# a dense P with at least this many entries is swept fastest by one BLAS matvec
DENSE_BLAS_MIN_SIZE = 1_000_000


def resolve(backend: str, *, torch_input: bool = False, P2: Any = None) -> str:
    """Resolve ``"auto"`` to a concrete back end.

    ``auto`` picks torch only for torch inputs; for a large dense ``P2`` numpy, whose
    BLAS matvec already runs at the memory-bandwidth floor; otherwise numba (a fused
    loop with no Python round trip per sweep, parallel CSR sweeps that beat scipy's
    single-threaded matvec). ``benchmarks/solvers.py`` measures each choice.
    """
    check_choice("backend", backend, BACKENDS)
    if backend != "auto":
        return backend
    if torch_input:
        return "torch"
    if P2 is not None and not sp.issparse(P2) and P2.size >= DENSE_BLAS_MIN_SIZE:
        return "numpy"
    try:
        import numba  # noqa: F401
    except ImportError:  # pragma: no cover - numba is a hard dependency
        return "numpy"
    return "numba"


def _work(P2: Any) -> int:
    return int(P2.nnz) if sp.issparse(P2) else int(P2.size)


def bellman(P2: Any, r: np.ndarray, gamma: float, V: np.ndarray, backend: str = "auto"
            ) -> tuple[np.ndarray, np.ndarray]:
    r"""One Bellman optimality backup :math:`(TV)(s) = \max_a r(s,a) + \gamma P_{s,a} V`.

    Parameters
    ----------
    P2 : ndarray (S*A, S) or CSR
        Transitions, row ``s*A + a``.
    r : ndarray (S*A,)
        Expected rewards.
    gamma : float
    V : ndarray (S,)
    backend : {"auto", "numpy", "numba"}

    Returns
    -------
    TV : ndarray (S,)
    policy : ndarray (S,) int
        Greedy action (lowest index among ties).
    """
    backend = resolve(backend, P2=P2)
    S = V.shape[0]
    if backend == "numba":
        from provable.backends import _numba_kernels as k

        outV = np.empty(S)
        pi = np.empty(S, dtype=np.int64)
        par = _work(P2) >= PARALLEL_MIN_WORK
        if sp.issparse(P2):
            (k.sweep_csr_par if par else k.sweep_csr)(P2.data, P2.indices, P2.indptr, r, gamma,
                                                      V, outV, pi)
        else:
            (k.sweep_dense_par if par else k.sweep_dense)(P2, r, gamma, V, outV, pi)
        return outV, pi
    if backend == "torch":
        from provable.backends import _torch

        return _torch.bellman_numpy(P2, r, gamma, V)
    Q = (r + gamma * (P2 @ V)).reshape(S, -1)
    pi = Q.argmax(axis=1)
    return Q[np.arange(S), pi], pi


def value_iteration_loop(P2: Any, r: np.ndarray, gamma: float, V: np.ndarray, tol: float,
                         max_iter: int, span: bool, backend: str = "auto",
                         active: np.ndarray | None = None
                         ) -> tuple[np.ndarray, np.ndarray, int, float, float, bool]:
    r"""Run VI from ``V`` until the certified bound is at most ``tol``.

    Returns ``(V_last, policy, iterations, lo, hi, converged)`` with ``lo``/``hi`` the
    min/max of the last difference :math:`u = V_{k+1} - V_k`; the caller turns them
    into the certified bound (sup norm, or MacQueen–Porteus when ``span``).

    With ``active`` (a boolean array of S*A entries, row ``s*A + a``, updated in place)
    the sweeps skip inactive actions and, after each sweep, deactivate every action
    that is certified suboptimal (MacQueen 1967; Puterman 1994, Sec. 6.7.2): since
    :math:`V^* - V_k \in [\min u, \max u] / (1-\gamma)`,

    .. math::

        Q^*(s,a) \in Q_k(s,a) + \tfrac{\gamma}{1-\gamma}[\min u, \max u],

    so an action whose :math:`Q_k` is more than :math:`\tfrac{\gamma}{1-\gamma}
    (\max u - \min u)` (plus a floating-point margin) below the best at its state
    is worse than that best action under :math:`Q^*`. The reduced MDP has the same
    :math:`V^*`, so the bounds stay valid and the sweeps get cheaper: numba's loop
    reads only the live rows of P once fewer than half the actions are active (before
    that, a large dense P is swept by one BLAS matvec). numpy eliminates too but
    still sweeps all of P (it is the reference); torch leaves ``active`` untouched.
    """
    backend = resolve(backend, P2=P2)
    V = np.array(V, dtype=float, copy=True)
    S = V.shape[0]
    pi = np.zeros(S, dtype=np.int64)
    c = gamma / (1.0 - gamma) if gamma < 1 else np.inf
    if backend == "numba":
        from provable.backends import _numba_kernels as k

        par = _work(P2) >= PARALLEL_MIN_WORK
        rmax = float(np.abs(r).max(initial=0.0)) if active is not None else -1.0
        mask = np.ones(r.shape[0], dtype=np.bool_) if active is None else active
        if sp.issparse(P2):
            it, lo, hi, conv, _ = (k.vi_csr_par if par else k.vi_csr)(
                P2.data, P2.indices, P2.indptr, r, gamma, V, pi, tol, max_iter, span, mask,
                rmax)
        else:
            P2 = np.ascontiguousarray(P2)
            if active is not None and P2.size >= DENSE_BLAS_MIN_SIZE:
                return _vi_dense_matvec_then_rows(P2, r, gamma, V, tol, max_iter, span,
                                                  active, rmax)
            it, lo, hi, conv, _ = (k.vi_dense_par if par else k.vi_dense)(
                P2, r, gamma, V, pi, tol, max_iter, span, mask, rmax)
        return V, pi, int(it), float(lo), float(hi), bool(conv)
    if active is not None and backend == "numpy":
        return _vi_numpy_eliminating(P2, r, gamma, V, tol, max_iter, span, active)
    lo = hi = 0.0
    for it in range(1, max_iter + 1):
        W, pi = bellman(P2, r, gamma, V, backend)
        d = W - V
        lo, hi = float(d.min()), float(d.max())
        V = W
        bound = c * (hi - lo) / 2 if span else c * max(abs(lo), abs(hi))
        if bound <= tol:
            return V, pi, it, lo, hi, True
        if not np.isfinite(bound):  # overflow or NaN: the certificate reports it
            return V, pi, it, lo, hi, False
    return V, pi, max_iter, lo, hi, False


_EPS = float(np.finfo(float).eps)  # as in the numba kernels (conservative: 2u)


def _vi_dense_matvec_then_rows(P2: np.ndarray, r: np.ndarray, gamma: float, V: np.ndarray,
                               tol: float, max_iter: int, span: bool, active: np.ndarray,
                               rmax: float
                               ) -> tuple[np.ndarray, np.ndarray, int, float, float, bool]:
    """Eliminating VI on a large dense P: while more than half the actions are live, a
    sweep is numpy's BLAS matvec (the bandwidth floor); after that numba's loop reads
    only the live rows. Its serial build: numba's OpenMP threads and OpenBLAS's pool
    spinning side by side cost more than the threads save on a memory-bound sweep."""
    from provable.backends import _numba_kernels as k

    S = V.shape[0]
    W, Qb = np.empty(S), np.empty(r.shape[0])
    pi = np.zeros(S, dtype=np.int64)
    n_active = int(active.sum())
    it, lo, hi = 0, 0.0, 0.0
    while it < max_iter and 2 * n_active > active.size:
        k.finish_matvec_sweep(P2 @ V, r, gamma, active, Qb, W, pi)
        lo, hi = k._diff_update(V, W)
        it += 1
        b = k._bound(gamma, lo, hi, span)
        if b <= tol:
            return V, pi, it, float(lo), float(hi), True
        if b == np.inf:
            return V, pi, it, float(lo), float(hi), False
        n_active = k._eliminate(active, Qb, V, r.shape[0] // S,
                                k._elimination_threshold(gamma, lo, hi, V, rmax, S))
    if it == max_iter:
        return V, pi, it, float(lo), float(hi), False
    more, lo, hi, conv, _ = k.vi_dense(P2, r, gamma, V, pi, tol, max_iter - it, span, active,
                                       rmax)
    return V, pi, it + int(more), float(lo), float(hi), bool(conv)


def _vi_numpy_eliminating(P2: Any, r: np.ndarray, gamma: float, V: np.ndarray, tol: float,
                          max_iter: int, span: bool, active: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray, int, float, float, bool]:
    """The numpy reference for the eliminating loop: every sweep is the full matvec,
    with eliminated actions masked out (the numba loop reads only the live rows)."""
    S = V.shape[0]
    c = gamma / (1.0 - gamma)
    width = int(np.diff(P2.indptr).max()) if sp.issparse(P2) else S
    rmax = float(np.abs(r).max(initial=0.0))
    lo = hi = 0.0
    converged = False
    it = 0
    while it < max_iter and not converged:
        Q = (r + gamma * (P2 @ V)).reshape(S, -1)
        Q[~active.reshape(S, -1)] = -np.inf
        pi = Q.argmax(axis=1)
        W = Q[np.arange(S), pi]
        d = W - V
        lo, hi = float(d.min()), float(d.max())
        V = W
        it += 1
        b = c * (hi - lo) / 2 if span else c * max(abs(lo), abs(hi))
        converged = b <= tol
        if not np.isfinite(b):
            break
        if not converged:
            vmax = float(np.abs(W).max()) + max(abs(lo), abs(hi))
            dr = (width + 4) * _EPS * (rmax + vmax)
            threshold = c * ((hi - lo) * (1 + 4 * _EPS) + 4 * dr) + 4 * dr
            active &= (W[:, None] - Q <= threshold).ravel()
    return V, pi, it, lo, hi, converged
