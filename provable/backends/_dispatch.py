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
                         max_iter: int, span: bool, backend: str = "auto"
                         ) -> tuple[np.ndarray, np.ndarray, int, float, float, bool]:
    """Run VI from ``V`` until the certified bound is at most ``tol``.

    Returns ``(V_last, policy, iterations, lo, hi, converged)`` with ``lo``/``hi`` the
    min/max of the last difference :math:`V_{k+1} - V_k`; the caller turns them into
    the certified bound (sup norm, or MacQueen–Porteus when ``span``).
    """
    backend = resolve(backend, P2=P2)
    V = np.array(V, dtype=float, copy=True)
    S = V.shape[0]
    pi = np.zeros(S, dtype=np.int64)
    c = gamma / (1.0 - gamma) if gamma < 1 else np.inf
    if backend == "numba":
        from provable.backends import _numba_kernels as k

        par = _work(P2) >= PARALLEL_MIN_WORK
        if sp.issparse(P2):
            it, lo, hi, conv = (k.vi_csr_par if par else k.vi_csr)(
                P2.data, P2.indices, P2.indptr, r, gamma, V, pi, tol, max_iter, span)
        else:
            it, lo, hi, conv = (k.vi_dense_par if par else k.vi_dense)(
                np.ascontiguousarray(P2), r, gamma, V, pi, tol, max_iter, span)
        return V, pi, int(it), float(lo), float(hi), bool(conv)
    lo = hi = 0.0
    for it in range(1, max_iter + 1):
        W, pi = bellman(P2, r, gamma, V, backend)
        d = W - V
        lo, hi = float(d.min()), float(d.max())
        V = W
        bound = c * (hi - lo) / 2 if span else c * max(abs(lo), abs(hi))
        if bound <= tol:
            return V, pi, it, lo, hi, True
    return V, pi, max_iter, lo, hi, False
