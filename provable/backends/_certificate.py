"""The a-posteriori certificate of one Bellman backup, with its float64 rounding bounded.

Shared by the solvers (:func:`provable.solvers._common.bellman_certificate`) and the
batched back ends. See that function for the mathematics.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from provable.errors import InvalidModel

__all__ = ["certify_backup", "modulus_from_sums", "gamma_n"]

_UNIT = float(np.finfo(float).eps) / 2  # unit roundoff of float64, 2**-53
_ETA = 2.0 ** -1074  # smallest subnormal: the absolute error of an underflowing product


def gamma_n(n: int) -> float:
    r"""Higham's constant :math:`\gamma_n = n u / (1 - n u)`, rounded up."""
    nu = n * _UNIT
    if nu >= 0.5:
        return np.inf
    return float(np.nextafter(nu / (1.0 - nu) * (1 + 4 * _UNIT), np.inf))


def _up(x: float) -> float:
    return float(np.nextafter(x, np.inf))


def modulus_from_sums(top: float, width: int, gamma: float) -> tuple[float, float]:
    """``(rho, kappa)``: upper bounds of the largest row sum (computed as ``top`` from
    at most ``width`` non-negative terms) and of ``gamma * rho``."""
    rho = _up(top / (1.0 - gamma_n(width)) * (1 + 2 * _UNIT))
    return rho, _up(gamma * rho * (1 + 2 * _UNIT))


def certify_backup(P2: Any, r: np.ndarray, gamma: float, V: np.ndarray, width: int, A: int
                   ) -> tuple[float, float, float, float, np.ndarray, bool]:
    """``(bound, residual, rounding, kappa, Q, finite)`` for ``V``: one pass over the
    (S*A, S) dense or CSR ``P2`` (a numba kernel) computes the backup and the row sums.
    Raises :class:`~provable.errors.InvalidModel` when ``kappa >= 1``."""
    import scipy.sparse as sp

    from provable.backends import _numba_kernels as k
    from provable.backends._dispatch import PARALLEL_MIN_WORK

    S = V.shape[0]
    V = np.ascontiguousarray(V, dtype=np.float64)
    r = np.ascontiguousarray(r, dtype=np.float64)
    q = np.empty(S * A)
    TV = np.empty(S)
    tops = np.empty(S)
    tmaxs = np.empty(S)
    if sp.issparse(P2):
        par = P2.nnz >= PARALLEL_MIN_WORK
        (k.certify_sweep_csr_par if par else k.certify_sweep_csr)(
            P2.data, P2.indices, P2.indptr, r, gamma, V, q, TV, tops, tmaxs)
    else:
        P2 = np.ascontiguousarray(P2, dtype=np.float64)
        par = P2.size >= PARALLEL_MIN_WORK
        (k.certify_sweep_dense_par if par else k.certify_sweep_dense)(
            P2, r, gamma, V, q, TV, tops, tmaxs)
    top = float(tops.max())
    rho, kappa = modulus_from_sums(top, width, gamma)
    if not kappa < 1.0:
        row = int(np.argmax(tops))
        raise InvalidModel(
            f"gamma={gamma!r} times the largest row sum of P (a row P[{row}, a, :], "
            f"{top:.17g}) is {gamma * top:.17g} (rounded up {kappa:.17g}), expected < 1: "
            "the Bellman operator of this model is not a contraction, so no value can "
            "be certified (rows may sum to 1 +- tol; lower tol or gamma)")
    Q = q.reshape(S, A)
    finite = bool(np.isfinite(V).all() and np.isfinite(TV).all() and np.isfinite(q).all())
    if not finite:
        return np.inf, np.inf, np.inf, kappa, Q, False
    vmax = float(np.abs(V).max(initial=0.0))
    # python floats from here on: an overflow gives inf (reported), not a warning
    tmax = float(tmaxs.max())
    dot = gamma_n(width) * rho * vmax + width * _ETA
    E = (gamma * dot + _UNIT * tmax + _ETA
         + _UNIT * (float(np.abs(r).max()) + tmax)) * (1 + 8 * _UNIT)
    with np.errstate(over="ignore"):  # |TV - V| beyond the float64 range: inf, reported
        res = float(np.abs(TV - V).max()) * (1 + 2 * _UNIT)
    denom = (1.0 - kappa) * (1 - 2 * _UNIT)
    bound = _up((res + E) / denom * (1 + 4 * _UNIT))
    if not np.isfinite(bound):
        return np.inf, np.inf, np.inf, kappa, Q, False
    return bound, res, float(E), kappa, Q, True
