"""Reading pymdptoolbox's layout: P indexed ``P[a][s, s']``, R as ``(S,)``, ``(S, A)`` or
``(A, S, S)``.

pymdptoolbox accepts P as a dense ``(A, S, S)`` array or as A per-action ``(S, S)``
matrices (list, tuple, dict keyed ``0..A-1`` or 1-D object array; dense arrays,
``numpy.matrix`` or scipy.sparse), and R as a vector ``(S,)``, a dense or sparse
``(S, A)`` matrix, a dense ``(A, S, S)`` array or A per-action ``(S, S)`` matrices in any
of P's containers. Every check here names the place in the caller's layout, e.g.
``P[action 0][1, :] sums to 0.9, expected 1 (tol 1e-09)``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import scipy.sparse as sp

from provable._validation import as_real_array, check_finite_array
from provable.errors import InvalidModel, InvalidType

__all__ = ["read_mdptoolbox"]

_WHAT_P = ("pymdptoolbox's P: an (A, S, S) array or A per-action (S, S) matrices "
           "(list, tuple, dict or object array; dense or scipy.sparse)")


def _is_container(x: Any) -> bool:
    """A sequence of per-action entries (an object array of more dimensions holds numbers,
    e.g. Fractions, and is read as an array)."""
    return isinstance(x, (list, tuple, dict)) or (
        isinstance(x, np.ndarray) and x.dtype == object and x.ndim == 1)


def _items(name: str, x: Any) -> list[Any]:
    """The per-action entries of a list / tuple / dict / 1-D object array."""
    if isinstance(x, dict):
        keys = list(x)
        bad = [k for k in keys if isinstance(k, bool) or not isinstance(k, numbers.Integral)]
        if bad or sorted(int(k) for k in keys) != list(range(len(keys))):
            raise InvalidModel(f"{name} is a dict with keys {sorted(keys, key=repr)[:6]}, "
                               f"expected the actions 0..{len(keys) - 1}")
        return [x[k] for k in sorted(keys, key=int)]
    if isinstance(x, np.ndarray):
        return list(x)
    return list(x)


def _dense_matrix(name: str, m: Any) -> np.ndarray:
    if isinstance(m, (str, bytes)) or m is None or isinstance(m, numbers.Number):
        raise InvalidType(f"{name} has type {type(m).__name__}, expected an (S, S) matrix")
    return as_real_array(name, m)


def _sparse_matrix(name: str, m: Any) -> sp.csr_matrix:
    from provable.mdp._tabular import _own_csr

    M = _own_csr(m, name=name)
    M.sum_duplicates()
    M.sort_indices()
    return M


def _check_square(name: str, shape: tuple[int, ...], S: int | None) -> int:
    if len(shape) != 2 or shape[0] != shape[1]:
        raise InvalidModel(f"{name} has shape {shape}, expected a square (S, S) matrix")
    if S is not None and shape[0] != S:
        raise InvalidModel(f"{name} has shape {shape}, expected (S, S) = ({S}, {S}) "
                           "like P[action 0]")
    if shape[0] == 0:
        raise InvalidModel(f"{name} has shape {shape}, expected at least one state")
    return int(shape[0])


def _check_rows_dense(name: str, M: np.ndarray, tol: float) -> None:
    check_finite_array(name, M)
    neg = M < 0
    if neg.any():
        i, j = (int(v) for v in np.argwhere(neg)[0])
        raise InvalidModel(f"{name}[{i}, {j}] = {float(M[i, j])!r} is negative, expected a "
                           "probability")
    sums = M.sum(axis=1)
    bad = np.abs(sums - 1.0) > tol
    if bad.any():
        i = int(np.argmax(bad))
        raise InvalidModel(f"{name}[{i}, :] sums to {sums[i]:.10g}, expected 1 (tol {tol:g})")


def _check_rows_sparse(name: str, M: sp.csr_matrix, tol: float) -> None:
    data = M.data
    if data.size:
        bad = ~np.isfinite(data) | (data < 0)
        if bad.any():
            k = int(np.argmax(bad))
            i = int(np.searchsorted(M.indptr, k, side="right") - 1)
            where = f"{name}[{i}, {int(M.indices[k])}] = {float(data[k])!r}"
            if np.isfinite(data[k]):
                raise InvalidModel(f"{where} is negative, expected a probability")
            raise InvalidModel(f"{where}, expected a finite number")
    sums = np.asarray(M.sum(axis=1)).ravel()
    bad = np.abs(sums - 1.0) > tol
    if bad.any():
        i = int(np.argmax(bad))
        raise InvalidModel(f"{name}[{i}, :] sums to {sums[i]:.10g}, expected 1 (tol {tol:g})")


def _read_P(P: Any, tol: float) -> tuple[list[np.ndarray | sp.csr_matrix], bool]:
    """The A per-action matrices, checked, and whether any was sparse."""
    if isinstance(P, (str, bytes)) or P is None or isinstance(P, (numbers.Number, set)):
        raise InvalidType(f"P has type {type(P).__name__}, expected {_WHAT_P}")
    if sp.issparse(P):
        raise InvalidModel(f"P is a single sparse matrix of shape {P.shape}, expected "
                           f"{_WHAT_P} (for provable's (S*A, S) layout use TabularMDP(P, R))")
    if _is_container(P):
        items = _items("P", P)
        if not items:
            raise InvalidModel(f"P holds no matrices, expected {_WHAT_P}")
        names = [f"P[action {a}]" for a in range(len(items))]
        mats: list[Any] = [_sparse_matrix(n, m) if sp.issparse(m) else _dense_matrix(n, m)
                           for n, m in zip(names, items)]
    else:
        arr = as_real_array("P", P)
        if arr.ndim != 3:
            raise InvalidModel(f"P has shape {arr.shape}, expected {_WHAT_P}")
        names = [f"P[action {a}]" for a in range(arr.shape[0])]
        mats = list(arr)
        if not mats:
            raise InvalidModel(f"P has shape {arr.shape}, expected at least one action")
    S = None
    for n, m in zip(names, mats):
        S = _check_square(n, tuple(m.shape), S)
    for n, m in zip(names, mats):
        if sp.issparse(m):
            _check_rows_sparse(n, m, tol)
        else:
            _check_rows_dense(n, m, tol)
    return mats, any(sp.issparse(m) for m in mats)


def _expected_reward(name: str, Ra: Any, Pa: Any, S: int) -> np.ndarray:
    """sum_j P[a][s, j] R[a][s, j] for one action, sparse stays sparse."""
    if sp.issparse(Ra):
        Ra = _sparse_matrix(name, Ra)
        if Ra.data.size and not np.isfinite(Ra.data).all():
            k = int(np.argmax(~np.isfinite(Ra.data)))
            i = int(np.searchsorted(Ra.indptr, k, side="right") - 1)
            raise InvalidModel(f"{name}[{i}, {int(Ra.indices[k])}] = {float(Ra.data[k])!r}, "
                               "expected a finite number")
    else:
        Ra = _dense_matrix(name, Ra)
        check_finite_array(name, Ra)
    if tuple(Ra.shape) != (S, S):
        raise InvalidModel(f"{name} has shape {tuple(Ra.shape)}, expected (S, S) = ({S}, {S})")
    if sp.issparse(Ra):
        prod = Ra.multiply(Pa)
    elif sp.issparse(Pa):
        prod = Pa.multiply(Ra)
    else:
        return np.einsum("ij,ij->i", Pa, Ra)
    return np.asarray(prod.sum(axis=1)).ravel()


def _read_R(R: Any, mats: list[Any]) -> np.ndarray:
    """Expected rewards r[s, a] from any of pymdptoolbox's reward layouts."""
    A, S = len(mats), int(mats[0].shape[0])
    shapes = f"(S,) = ({S},), (S, A) = ({S}, {A}) or (A, S, S) = ({A}, {S}, {S})"
    if isinstance(R, (str, bytes)) or R is None or isinstance(R, set):
        raise InvalidType(f"R has type {type(R).__name__}, expected rewards of shape {shapes}")
    if sp.issparse(R):
        if getattr(R, "ndim", 2) != 2 or tuple(R.shape) not in ((S, A), (S, 1), (1, S)):
            raise InvalidModel(f"sparse R has shape {tuple(R.shape)}, expected (S, A) = "
                               f"({S}, {A}) (or a vector of S rewards)")
        Rs = _sparse_matrix("R", R)
        dense = Rs.toarray()   # (S, A): as small as the answer itself
        check_finite_array("R", dense)
        return dense if dense.shape == (S, A) else np.repeat(dense.reshape(S, 1), A, axis=1)
    per_action = _is_container(R) and len(R) == A and all(
        sp.issparse(x) or np.ndim(x) == 2 for x in _items("R", R))
    if per_action:
        items = _items("R", R)
        cols = [_expected_reward(f"R[action {a}]", Ra, mats[a], S) for a, Ra in enumerate(items)]
        return np.stack(cols, axis=1)
    Rd = as_real_array("R", R)
    check_finite_array("R", Rd)
    if Rd.shape == (S,):
        return np.repeat(Rd[:, None], A, axis=1)
    if Rd.shape == (S, A):
        return Rd
    if Rd.shape == (A, S, S):
        cols = [_expected_reward(f"R[action {a}]", Rd[a], mats[a], S) for a in range(A)]
        return np.stack(cols, axis=1)
    raise InvalidModel(f"R has shape {Rd.shape}, expected {shapes}")


def read_mdptoolbox(P: Any, R: Any, tol: float) -> tuple[np.ndarray | sp.csr_matrix, np.ndarray]:
    """``(P, r)`` in provable's layout from pymdptoolbox's: dense ``(S, A, S)`` when every
    per-action matrix is dense, else CSR ``(S*A, S)`` (sparse input is never densified),
    and ``r`` of shape ``(S, A)``.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> E = np.eye(3)
    >>> P, r = read_mdptoolbox([sp.csr_matrix(E)] * 2, [sp.csr_matrix(E)] * 2, tol=1e-9)
    >>> P.shape, r.tolist()
    ((6, 3), [[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    >>> read_mdptoolbox([np.array([[1.0, 0.0], [0.5, 0.4]])], [0.0, 0.0], tol=1e-9)
    Traceback (most recent call last):
    ...
    provable.errors.InvalidModel: P[action 0][1, :] sums to 0.9, expected 1 (tol 1e-09)
    """
    mats, sparse = _read_P(P, tol)
    r = _read_R(R, mats)
    A, S = len(mats), int(mats[0].shape[0])
    if not sparse:
        return np.ascontiguousarray(np.stack(mats, axis=1)), r
    stacked = sp.vstack([m if sp.issparse(m) else sp.csr_matrix(m) for m in mats], format="csr")
    rows = np.arange(S * A)
    perm = (rows % A) * S + rows // A          # row s*A + a of the result is P[a][s]
    return stacked[perm].tocsr(), r
