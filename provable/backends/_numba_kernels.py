"""numba kernels for Bellman backups and whole value-iteration loops.

Private: called by :mod:`provable.backends` with validated, contiguous float64 arrays.
Each sweep exists in a serial and a parallel build compiled from the same Python
function (``prange`` is ``range`` in the serial build; see :mod:`provable._numba` for
why the two must not share a function object). Compilation is lazy and cached.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from provable._numba import serial_and_parallel


@njit(cache=True, inline="always")
def _backup_dense(P2, r, gamma, V, s, A, S):
    """max_a and argmax_a of r(s, a) + gamma P(s, a) . V for a dense (S*A, S) P."""
    best = -np.inf
    arg = 0
    for a in range(A):
        row = s * A + a
        acc = 0.0
        for j in range(S):
            acc += P2[row, j] * V[j]
        q = r[row] + gamma * acc
        if q > best:
            best = q
            arg = a
    return best, arg


@njit(cache=True, inline="always")
def _backup_csr(data, indices, indptr, r, gamma, V, s, A):
    """The same backup for a CSR (S*A, S) P."""
    best = -np.inf
    arg = 0
    for a in range(A):
        row = s * A + a
        acc = 0.0
        for k in range(indptr[row], indptr[row + 1]):
            acc += data[k] * V[indices[k]]
        q = r[row] + gamma * acc
        if q > best:
            best = q
            arg = a
    return best, arg


def _sweep_dense(P2, r, gamma, V, outV, outpi):
    S = V.shape[0]
    A = P2.shape[0] // S
    for s in prange(S):
        outV[s], outpi[s] = _backup_dense(P2, r, gamma, V, s, A, S)


def _sweep_csr(data, indices, indptr, r, gamma, V, outV, outpi):
    S = V.shape[0]
    A = (indptr.shape[0] - 1) // S
    for s in prange(S):
        outV[s], outpi[s] = _backup_csr(data, indices, indptr, r, gamma, V, s, A)


# "reassoc" + "nsz" let LLVM vectorise the dot-product reduction (reaching the
# memory-bandwidth floor needs SIMD loads; "reassoc" alone does not vectorise it); we
# deliberately leave out "nnan"/"ninf" so -inf and NaN keep their IEEE meaning in the max.
_FM = {"reassoc", "nsz", "arcp", "contract"}
sweep_dense, sweep_dense_par = serial_and_parallel(_sweep_dense, fastmath=_FM)
sweep_csr, sweep_csr_par = serial_and_parallel(_sweep_csr, fastmath=_FM)


@njit(cache=True)
def _diff_update(V, W):
    lo = np.inf
    hi = -np.inf
    for s in range(V.shape[0]):
        d = W[s] - V[s]
        if d != d:  # NaN: report it, so the bound is inf and the loop stops
            lo = d
            hi = d
        if d < lo:
            lo = d
        if d > hi:
            hi = d
        V[s] = W[s]
    return lo, hi


@njit(cache=True)
def _bound(gamma, lo, hi, span):
    """The stopping bound; ``inf`` when a difference was NaN or infinite (an overflowed
    or NaN iterate never stops the loop as converged)."""
    if not (lo <= hi) or lo - lo != 0.0 or hi - hi != 0.0:
        return np.inf
    c = gamma / (1.0 - gamma)
    if span:
        return c * (hi - lo) / 2.0
    return c * max(abs(lo), abs(hi))


@njit(cache=True, inline="always")
def _backup_dense_active(P2, r, gamma, V, s, A, S, active, Qb):
    """:func:`_backup_dense` over the actions still active at ``s``; stores each
    computed action value in ``Qb`` (row ``s*A + a``)."""
    best = -np.inf
    arg = 0
    for a in range(A):
        row = s * A + a
        if active[row]:
            acc = 0.0
            for j in range(S):
                acc += P2[row, j] * V[j]
            q = r[row] + gamma * acc
            Qb[row] = q
            if q > best:
                best = q
                arg = a
    return best, arg


@njit(cache=True, inline="always")
def _backup_csr_active(data, indices, indptr, r, gamma, V, s, A, active, Qb):
    """The same for a CSR (S*A, S) P."""
    best = -np.inf
    arg = 0
    for a in range(A):
        row = s * A + a
        if active[row]:
            acc = 0.0
            for k in range(indptr[row], indptr[row + 1]):
                acc += data[k] * V[indices[k]]
            q = r[row] + gamma * acc
            Qb[row] = q
            if q > best:
                best = q
                arg = a
    return best, arg


@njit(cache=True)
def _eliminate(active, Qb, W, A, threshold):
    """Deactivate every action whose value from this sweep is more than ``threshold``
    below the best at its state (the MacQueen test; see
    :func:`provable.backends.value_iteration_loop`). Returns the number still active."""
    n = 0
    for s in range(W.shape[0]):
        for a in range(A):
            row = s * A + a
            if active[row]:
                if W[s] - Qb[row] > threshold:
                    active[row] = False
                else:
                    n += 1
    return n


@njit(cache=True)
def _elimination_threshold(gamma, lo, hi, W, rmax, width):
    """``c (max u - min u)`` widened by the rounding error ``d`` of each computed value
    (Higham's dot-product bound, ``width`` the widest row of P): every action value
    and every entry of ``u`` is within ``2d`` of its exact counterpart."""
    vmax = 0.0
    for s in range(W.shape[0]):
        v = abs(W[s])
        if v > vmax:
            vmax = v
    vmax += max(abs(lo), abs(hi))  # bounds the previous iterate too
    u = 2.220446049250313e-16
    d = (width + 4) * u * (rmax + vmax)
    return gamma / (1.0 - gamma) * ((hi - lo) * (1.0 + 4.0 * u) + 4.0 * d) + 4.0 * d


def _vi_dense(P2, r, gamma, V, pi, tol, max_iter, span, active, rmax):
    """VI from V (updated in place). Returns (iterations, lo, hi, converged, n_active)
    where lo/hi are min/max of V_{k+1} - V_k at the last sweep. ``active`` (S*A bools,
    updated in place) holds the actions swept; with ``rmax >= 0`` the sweep eliminates
    certified-suboptimal actions from it (``rmax = max |r|``; -1 turns elimination
    off). The sweep is inlined (not a call to a parallel kernel) so that the serial
    and parallel builds are independent."""
    S = V.shape[0]
    A = P2.shape[0] // S
    W = np.empty_like(V)
    Qb = np.empty(S * A)
    lo = 0.0
    hi = 0.0
    it = 0
    n_active = 0
    for row in range(S * A):
        n_active += active[row]
    while it < max_iter:
        if n_active < S * A:
            for s in prange(S):
                W[s], pi[s] = _backup_dense_active(P2, r, gamma, V, s, A, S, active, Qb)
        elif rmax >= 0.0:  # all live, elimination on: keep the action values
            for s in prange(S):
                W[s], pi[s] = _backup_dense_active(P2, r, gamma, V, s, A, S, active, Qb)
        else:  # the plain sweep
            for s in prange(S):
                W[s], pi[s] = _backup_dense(P2, r, gamma, V, s, A, S)
        lo, hi = _diff_update(V, W)
        it += 1
        b = _bound(gamma, lo, hi, span)
        if b <= tol:
            return it, lo, hi, True, n_active
        if b == np.inf:  # an iterate overflowed or is NaN: give it to the certificate
            return it, lo, hi, False, n_active
        if rmax >= 0.0 and n_active > S:
            n_active = _eliminate(active, Qb, V, A,
                                  _elimination_threshold(gamma, lo, hi, V, rmax, S))
    return it, lo, hi, False, n_active


@njit(cache=True)
def finish_matvec_sweep(PV, r, gamma, active, Qb, W, pi):
    """Complete a sweep from ``PV = P @ V`` (computed by BLAS outside numba): the
    action values of the active actions into ``Qb``, their max and argmax into ``W``
    and ``pi``."""
    S = W.shape[0]
    A = PV.shape[0] // S
    for s in range(S):
        best = -np.inf
        arg = 0
        for a in range(A):
            row = s * A + a
            if active[row]:
                q = r[row] + gamma * PV[row]
                Qb[row] = q
                if q > best:
                    best = q
                    arg = a
        W[s] = best
        pi[s] = arg


def _vi_csr(data, indices, indptr, r, gamma, V, pi, tol, max_iter, span, active, rmax):
    """CSR version of :func:`_vi_dense`."""
    S = V.shape[0]
    A = (indptr.shape[0] - 1) // S
    W = np.empty_like(V)
    Qb = np.empty(S * A)
    width = 0
    for row in range(S * A):
        width = max(width, indptr[row + 1] - indptr[row])
    lo = 0.0
    hi = 0.0
    it = 0
    n_active = 0
    for row in range(S * A):
        n_active += active[row]
    while it < max_iter:
        if n_active < S * A or rmax >= 0.0:
            for s in prange(S):
                W[s], pi[s] = _backup_csr_active(data, indices, indptr, r, gamma, V, s, A,
                                                 active, Qb)
        else:  # the plain sweep
            for s in prange(S):
                W[s], pi[s] = _backup_csr(data, indices, indptr, r, gamma, V, s, A)
        lo, hi = _diff_update(V, W)
        it += 1
        b = _bound(gamma, lo, hi, span)
        if b <= tol:
            return it, lo, hi, True, n_active
        if b == np.inf:
            return it, lo, hi, False, n_active
        if rmax >= 0.0 and n_active > S:
            n_active = _eliminate(active, Qb, V, A,
                                  _elimination_threshold(gamma, lo, hi, V, rmax, width))
    return it, lo, hi, False, n_active


vi_dense, vi_dense_par = serial_and_parallel(_vi_dense, fastmath=_FM)
vi_csr, vi_csr_par = serial_and_parallel(_vi_csr, fastmath=_FM)


@njit(cache=True, fastmath=_FM)
def vi_gauss_seidel_dense(P2, r, gamma, V, pi, tol, max_iter):
    """Gauss-Seidel VI (in-place sweeps, a gamma-contraction in sup norm).
    Returns (iterations, max |V_{k+1} - V_k|, converged)."""
    S = V.shape[0]
    A = P2.shape[0] // S
    c = gamma / (1.0 - gamma)
    it = 0
    delta = 0.0
    while it < max_iter:
        delta = 0.0
        for s in range(S):
            best, arg = _backup_dense(P2, r, gamma, V, s, A, S)
            d = abs(best - V[s])
            if not (d <= delta):  # NaN propagates: never a stop
                delta = d
            V[s] = best
            pi[s] = arg
        it += 1
        if c * delta <= tol:
            return it, delta, True
        if not (delta < np.inf):
            return it, delta, False
    return it, delta, False


@njit(cache=True)
def vi_gauss_seidel_csr(data, indices, indptr, r, gamma, V, pi, tol, max_iter):
    """:func:`vi_gauss_seidel_dense` for a CSR (S*A, S) P."""
    S = V.shape[0]
    A = (indptr.shape[0] - 1) // S
    c = gamma / (1.0 - gamma)
    it = 0
    delta = 0.0
    while it < max_iter:
        delta = 0.0
        for s in range(S):
            best, arg = _backup_csr(data, indices, indptr, r, gamma, V, s, A)
            d = abs(best - V[s])
            if not (d <= delta):  # NaN propagates: never a stop
                delta = d
            V[s] = best
            pi[s] = arg
        it += 1
        if c * delta <= tol:
            return it, delta, True
        if not (delta < np.inf):
            return it, delta, False
    return it, delta, False


@njit(cache=True)
def batch_vi_dense(P, r, gamma, tol, max_iter, V, pi, iters, lo_out, hi_out):
    """Span-stopped VI on a batch of small dense MDPs: P (B, S*A, S), r (B, S*A)."""
    B = P.shape[0]
    S = P.shape[2]
    W = np.empty(S)
    for b in range(B):
        it = 0
        lo = 0.0
        hi = 0.0
        while it < max_iter:
            sweep_dense(P[b], r[b], gamma, V[b], W, pi[b])
            lo, hi = _diff_update(V[b], W)
            it += 1
            bd = _bound(gamma, lo, hi, True)
            if bd <= tol or bd == np.inf:
                break
        iters[b] = it
        lo_out[b] = lo
        hi_out[b] = hi


@njit(cache=True)
def reach_extrema(order, indptr, indices, vmax, vmin, out_max, out_min):
    """Over a DAG given in CSR (``indptr``/``indices``: edges c -> c') and a
    topological ``order`` of its nodes: the max of ``vmax`` and the min of ``vmin``
    over the nodes reachable from each node (itself included)."""
    for i in range(order.shape[0] - 1, -1, -1):
        c = order[i]
        hi = vmax[c]
        lo = vmin[c]
        for k in range(indptr[c], indptr[c + 1]):
            d = indices[k]
            if out_max[d] > hi:
                hi = out_max[d]
            if out_min[d] < lo:
                lo = out_min[d]
        out_max[c] = hi
        out_min[c] = lo


@njit(cache=True)
def topological_order(n, indptr, indices):
    """Kahn's algorithm on a DAG in CSR; returns the nodes in topological order."""
    indeg = np.zeros(n, dtype=np.int64)
    for k in range(indices.shape[0]):
        indeg[indices[k]] += 1
    order = np.empty(n, dtype=np.int64)
    head = 0
    tail = 0
    for c in range(n):
        if indeg[c] == 0:
            order[tail] = c
            tail += 1
    while head < tail:
        c = order[head]
        head += 1
        for k in range(indptr[c], indptr[c + 1]):
            d = indices[k]
            indeg[d] -= 1
            if indeg[d] == 0:
                order[tail] = d
                tail += 1
    return order[:tail]


def _certify_sweep_dense(P2, r, gamma, V, Q, TV, top, tmax):
    """One backup ``Q = r + gamma P V`` with the row sums of P, in one pass over P:
    per state, the largest row sum (``top``), the largest ``|gamma P V|`` (``tmax``)
    and ``TV = max_a Q``. Any summation order keeps Higham's bound, so the dot
    products may be vectorised."""
    S = V.shape[0]
    A = P2.shape[0] // S
    for s in prange(S):
        best = -np.inf
        tp = 0.0
        tm = 0.0
        for a in range(A):
            row = s * A + a
            acc = 0.0
            sm = 0.0
            for j in range(S):
                p = P2[row, j]
                acc += p * V[j]
                sm += p
            t = gamma * acc
            q = r[row] + t
            Q[row] = q
            if not (q <= best):  # NaN propagates
                best = q
            if sm > tp:
                tp = sm
            if not (abs(t) <= tm):
                tm = abs(t)
        TV[s] = best
        top[s] = tp
        tmax[s] = tm


def _certify_sweep_csr(data, indices, indptr, r, gamma, V, Q, TV, top, tmax):
    """:func:`_certify_sweep_dense` for a CSR (S*A, S) P."""
    S = V.shape[0]
    A = (indptr.shape[0] - 1) // S
    for s in prange(S):
        best = -np.inf
        tp = 0.0
        tm = 0.0
        for a in range(A):
            row = s * A + a
            acc = 0.0
            sm = 0.0
            for k in range(indptr[row], indptr[row + 1]):
                p = data[k]
                acc += p * V[indices[k]]
                sm += p
            t = gamma * acc
            q = r[row] + t
            Q[row] = q
            if not (q <= best):
                best = q
            if sm > tp:
                tp = sm
            if not (abs(t) <= tm):
                tm = abs(t)
        TV[s] = best
        top[s] = tp
        tmax[s] = tm


certify_sweep_dense, certify_sweep_dense_par = serial_and_parallel(_certify_sweep_dense,
                                                                   fastmath=_FM)
certify_sweep_csr, certify_sweep_csr_par = serial_and_parallel(_certify_sweep_csr, fastmath=_FM)
