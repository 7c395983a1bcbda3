r"""Batched solvers and simulators: many small problems in one call.

:func:`batch_value_iteration` solves B discounted MDPs at once with the certified
MacQueen–Porteus rule (per-MDP stopping and per-MDP ``error_bound``), on the numba
back end (a compiled loop over MDPs) or the torch back end (one batched tensor program
per sweep, CPU or CUDA, float32 or float64). :func:`batch_policy_evaluation`,
:func:`batch_ucb1` and :func:`batch_dfa_accept` batch policy evaluation, bandit
simulation over seeds and DFA membership over words.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import scipy.sparse as sp

from provable._result import RichResult
from provable._validation import check_choice, check_int, check_real, check_stochastic
from provable.errors import InvalidArgument, InvalidModel, InvalidType

__all__ = ["BatchResult", "batch_value_iteration", "batch_policy_evaluation", "batch_ucb1",
           "batch_dfa_accept"]

_U64 = float(np.finfo(np.float64).eps)


class BatchResult(RichResult):
    """Result of :func:`batch_value_iteration`.

    Attributes
    ----------
    V : ndarray (B, S)
        Values, each within ``error_bound[b]`` of :math:`V^*_b` in sup norm.
    policy : ndarray(int) (B, S)
        Greedy policy of the last sweep (lowest index among ties).
    iterations : ndarray(int) (B,)
        Sweeps run for each MDP.
    error_bound : ndarray (B,)
        Certified :math:`\\max_s |V_b(s) - V^*_b(s)|`, floating-point rounding included.
    converged : ndarray(bool) (B,)
        Whether MDP b met the stopping rule within ``max_iter``.
    backend, device, dtype : str
    seconds : float
        Wall time of the solve (validation excluded).
    """

    _fields = ("backend", "device", "dtype", "seconds", "converged", "iterations",
               "error_bound", "V", "policy")


def _is_torch(x: Any) -> bool:
    return type(x).__module__.startswith("torch")


def _default_max_iter(R_span: float, gamma: float, tol: float) -> int:
    if gamma == 0:
        return 100
    k = np.log(tol * (1 - gamma) / (R_span + 1e-300)) / np.log(gamma)
    return int(min(max(2 * k, 0) + 100, 10_000_000))


def batch_value_iteration(P: Any, R: Any, gamma: float, tol: float = 1e-8, *,
                          backend: str = "numba", device: str = "cpu", dtype: Any = np.float64,
                          max_iter: int | None = None, validate: bool = True,
                          certify64: bool = True) -> BatchResult:
    r"""Certified value iteration on a batch of discounted MDPs of equal size.

    Parameters
    ----------
    P : array_like (B, S, A, S), torch tensor, or sequence of B scipy CSR (S*A, S)
        Transitions of each MDP. A list of CSR matrices selects the sparse kernels.
    R : array_like (B, S, A)
        Expected rewards.
    gamma : float in [0, 1)
    tol : float, default 1e-8
        Target certified sup-norm error of each MDP's V.
    backend : {"numba", "torch"}
        ``numba``: compiled loop over MDPs, float64 (``dtype`` must be float64).
        ``torch``: one batched matmul per sweep on ``device``.
    device : str, default "cpu"
        torch device (``"cuda"`` needs a GPU); numba runs on the CPU.
    dtype : float32 or float64, default float64
        Working precision of the torch back end. The rounding slack in
        ``error_bound`` uses this precision, so float32 bounds are ~1e-6 relative.
    max_iter : int, optional
        Default: twice the a-priori sweep count for ``tol``, plus 100.
    validate : bool, default True
        Check that every row of every P is a distribution (names ``P[b, s, a, :]``).
    certify64 : bool, default True
        With float32 torch work, finish with one float64 Bellman sweep of the float64
        model on the host and report *its* MacQueen–Porteus midpoint and bound: the
        float32 sweeps do the work, the certificate is float64 (the float32 rounding
        of P and of the midpoint correction, amplified by gamma/(1-gamma), would
        otherwise dominate the bound).

    Returns
    -------
    BatchResult
        Each ``error_bound[b]`` is the a-posteriori certificate of ``V[b]``: one float64
        Bellman backup of MDP b with its rounding bounded,
        :math:`\|TV - V\| / (1 - \kappa)`, :math:`\kappa \ge \gamma \max` row sum
        (the span rule that stops the sweeps assumes rows summing to exactly 1; the
        certificate does not). ``converged[b]`` is ``error_bound[b] <= tol``.

    Examples
    --------
    >>> import numpy as np
    >>> from provable.backends.batched import batch_value_iteration
    >>> rng = np.random.default_rng(0)
    >>> P = rng.dirichlet(np.ones(4), size=(3, 4, 2))         # B=3 MDPs, S=4, A=2
    >>> R = rng.uniform(size=(3, 4, 2))
    >>> res = batch_value_iteration(P, R, gamma=0.9, tol=1e-8)
    >>> res.V.shape, bool(res.converged.all()), bool((res.error_bound <= 1e-8 + 1e-12).all())
    ((3, 4), True, True)
    """
    check_choice("backend", backend, ("numba", "torch"))
    gamma = check_real("gamma", gamma, lower=0.0, upper=1.0, upper_open=True)
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    sparse = isinstance(P, (list, tuple)) and len(P) > 0 and all(sp.issparse(m) for m in P)
    if _is_torch(R):
        R = R.detach().cpu().numpy()
    R = np.asarray(R, dtype=float)
    if sparse:
        mats = [sp.csr_matrix(m, dtype=float) for m in P]
        S = mats[0].shape[1]
        SA = mats[0].shape[0]
        if S == 0 or SA % S:
            raise InvalidModel(f"P[0] has shape {mats[0].shape}, expected (S*A, S)")
        A = SA // S
        B = len(mats)
        for b, m in enumerate(mats):
            if m.shape != (SA, S):
                raise InvalidModel(f"P[{b}] has shape {m.shape}, expected {(SA, S)} like P[0]")
            if validate:
                if m.data.size and m.data.min() < 0:
                    raise InvalidModel(f"P[{b}] has a negative entry {m.data.min()!r}")
                sums = np.asarray(m.sum(axis=1)).ravel()
                bad = np.abs(sums - 1) > 1e-9
                if bad.any():
                    row = int(np.argmax(bad))
                    raise InvalidModel(f"P[{b}][row {row} = (s={row // A}, a={row % A}), :] sums"
                                       f" to {sums[row]:.10g}, expected 1 (tol 1e-09)")
    else:
        if isinstance(P, (str, bytes)) or P is None:
            raise InvalidType(f"P has type {type(P).__name__}, expected an array")
        if _is_torch(P) and backend == "torch":
            Pshape = tuple(P.shape)
        else:
            if _is_torch(P):
                P = P.detach().cpu().numpy()
            P = np.asarray(P, dtype=float)
            Pshape = P.shape
        if len(Pshape) != 4 or Pshape[1] != Pshape[3]:
            raise InvalidModel(f"P has shape {Pshape}, expected (B, S, A, S)")
        B, S, A, _ = Pshape
        if validate:
            Pn = P if isinstance(P, np.ndarray) else P.detach().cpu().numpy()
            check_stochastic("P", Pn)
    if R.shape != (B, S, A):
        raise InvalidModel(f"R has shape {R.shape}, expected (B, S, A) = {(B, S, A)}")
    if not np.all(np.isfinite(R)):
        from provable._validation import check_finite_array

        check_finite_array("R", R)
    max_iter = (_default_max_iter(float(np.ptp(R)) if R.size else 0.0, gamma, tol)
                if max_iter is None else check_int("max_iter", max_iter, min_value=1))
    c = gamma / (1 - gamma)
    t0 = time.perf_counter()
    if backend == "numba":
        if np.dtype(dtype) != np.float64:
            raise InvalidArgument(f"dtype={np.dtype(dtype).name!r} with backend='numba', "
                                  "expected float64 (use backend='torch' for float32)")
        if str(device) != "cpu":
            raise InvalidArgument(f"device={device!r} with backend='numba', expected 'cpu'")
        V = np.zeros((B, S))
        pi = np.zeros((B, S), dtype=np.int64)
        iters = np.zeros(B, dtype=np.int64)
        lo = np.zeros(B)
        hi = np.zeros(B)
        if sparse:
            from provable.backends._dispatch import value_iteration_loop

            for b, m in enumerate(mats):
                V[b], pi[b], iters[b], lo[b], hi[b], _ = value_iteration_loop(
                    m, R[b].ravel(), gamma, V[b], tol, max_iter, True, "numba")
            width = max(int(np.diff(m.indptr).max(initial=0)) for m in mats)
        else:
            from provable.backends._numba_kernels import batch_vi_dense

            batch_vi_dense(np.ascontiguousarray(P.reshape(B, S * A, S)),
                           np.ascontiguousarray(R.reshape(B, S * A)), gamma, tol, max_iter,
                           V, pi, iters, lo, hi)
            width = S
        conv = c * (hi - lo) / 2 <= tol
        Vc = V + c * ((lo + hi) / 2)[:, None]
        scale = np.abs(Vc).max(axis=1) + np.abs(R.reshape(B, -1)).max(axis=1)
        slack = (width + 4) * _U64 * scale / (1 - gamma)
        out = {"V": Vc, "policy": pi, "iterations": iters, "error_bound": c * (hi - lo) / 2 + slack,
               "converged": conv}
        dname = "float64"
        device = "cpu"
    else:
        from provable.backends import _torch

        if sparse:
            out = _torch.batch_vi_csr(mats, R, gamma, tol, max_iter, device=device, dtype=dtype)
        else:
            out = _torch.batch_vi_dense(P, R, gamma, tol, max_iter, device=device, dtype=dtype)
        dname = str(_torch.torch_dtype(dtype)).replace("torch.", "")
        if dname == "float32" and certify64:
            cert = _certify64(mats if sparse else P, R, gamma, out["V"], sparse)
            # float32 noise can fake a small span; only the float64 bracket counts
            cert["converged"] = cert.pop("span_bound") <= tol
            out.update(cert)
    out.update(_certify_batch(mats if sparse else P, R, gamma, np.asarray(out["V"]), tol,
                              sparse))
    return BatchResult(backend=backend, device=str(device), dtype=dname,
                       seconds=time.perf_counter() - t0, **out)


def _certify_batch(P: Any, R: np.ndarray, gamma: float, V: np.ndarray, tol: float,
                   sparse: bool) -> dict[str, np.ndarray]:
    """Replace each MDP's bound by the a-posteriori certificate of its returned V (one
    float64 backup of the float64 model, rounding bounded; valid for rows summing to
    ``1 +- tol``, where the span rule can be fooled): ``error_bound`` and
    ``converged = error_bound <= tol``."""
    from provable.backends._certificate import certify_backup

    B, S, A = R.shape
    bounds = np.empty(B)
    for b in range(B):
        if sparse:
            P2 = P[b]
            width = int(np.diff(P2.indptr).max(initial=1))
        else:
            Pb = P[b].detach().cpu().numpy() if _is_torch(P) else P[b]
            P2 = np.asarray(Pb, dtype=np.float64).reshape(S * A, S)
            width = S
        bounds[b] = certify_backup(P2, R[b].ravel(), gamma, V[b], width, A)[0]
    return {"error_bound": bounds, "converged": bounds <= tol}


def _certify64(P: Any, R: np.ndarray, gamma: float, V: np.ndarray, sparse: bool
               ) -> dict[str, np.ndarray]:
    """One float64 sweep from V: MacQueen–Porteus midpoint, bound and greedy policy."""
    B, S, A = R.shape
    if sparse:
        PV = np.stack([m @ V[b] for b, m in enumerate(P)]).reshape(B, S, A)
        width = max(int(np.diff(m.indptr).max(initial=0)) for m in P)
    else:
        Pn = P.detach().cpu().numpy() if _is_torch(P) else P
        PV = np.matmul(Pn.reshape(B, S * A, S).astype(np.float64, copy=False),
                       V[:, :, None]).reshape(B, S, A)
        width = S
    Q = R + gamma * PV
    pi = Q.argmax(axis=2)
    W = np.take_along_axis(Q, pi[:, :, None], axis=2)[:, :, 0]
    D = W - V
    lo, hi = D.min(axis=1), D.max(axis=1)
    c = gamma / (1 - gamma)
    Vc = W + c * ((lo + hi) / 2)[:, None]
    scale = np.abs(Vc).max(axis=1) + np.abs(R.reshape(B, -1)).max(axis=1)
    span_bound = c * (hi - lo) / 2
    bound = span_bound + (width + 4) * _U64 * scale / (1 - gamma)
    return {"V": Vc, "policy": pi.astype(np.int64), "error_bound": bound,
            "span_bound": span_bound}


def batch_policy_evaluation(P: Any, R: Any, policy: Any, gamma: float, *,
                            device: str = "cpu", dtype: Any = np.float64) -> np.ndarray:
    r"""Exact values :math:`V^{\pi_b}_b` of one deterministic policy per MDP (torch).

    Parameters
    ----------
    P : array_like (B, S, A, S)
    R : array_like (B, S, A)
    policy : array_like(int) (B, S)
    gamma : float in [0, 1)
    device, dtype
        As in :func:`batch_value_iteration`.

    Returns
    -------
    ndarray (B, S)

    Examples
    --------
    >>> import numpy as np
    >>> from provable.backends.batched import batch_policy_evaluation
    >>> P = np.ones((2, 3, 2, 3)) / 3
    >>> R = np.ones((2, 3, 2))
    >>> batch_policy_evaluation(P, R, np.zeros((2, 3), int), 0.5).round(6).tolist()
    [[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]
    """
    from provable.backends import _torch

    gamma = check_real("gamma", gamma, lower=0.0, upper=1.0, upper_open=True)
    Pn = np.asarray(P, dtype=float) if not _is_torch(P) else P.detach().cpu().numpy()
    if Pn.ndim != 4 or Pn.shape[1] != Pn.shape[3]:
        raise InvalidModel(f"P has shape {Pn.shape}, expected (B, S, A, S)")
    B, S, A, _ = Pn.shape
    pol = np.asarray(policy)
    if pol.shape != (B, S) or not np.issubdtype(pol.dtype, np.integer):
        raise InvalidArgument(f"policy has shape {pol.shape} and dtype {pol.dtype}, expected "
                              f"integer actions of shape {(B, S)}")
    if pol.size and (pol.min() < 0 or pol.max() >= A):
        raise InvalidArgument(f"policy has actions in [{pol.min()}, {pol.max()}], expected "
                              f"[0, {A - 1}]")
    return _torch.batch_policy_evaluation(Pn, R, pol, gamma, device=device, dtype=dtype)


def batch_ucb1(means: Any, T: int, n_seeds: int, seed: int = 0, *, device: str = "cpu",
               dtype: Any = np.float64, checkpoints: Any = None) -> np.ndarray:
    r"""UCB1 on a Bernoulli bandit over many seeds in lock-step (torch).

    Parameters
    ----------
    means : array_like (K,) in [0, 1]
    T : int
        Rounds per run.
    n_seeds : int
        Independent runs (rows of the output).
    seed : int
        Seed of the torch generator.
    device, dtype
        As in :func:`batch_value_iteration`.
    checkpoints : array_like(int), optional
        Rounds at which the regret is read (default every round).

    Returns
    -------
    ndarray (n_seeds, n_checkpoints)
        Pseudo-regret.

    Examples
    --------
    >>> from provable.backends.batched import batch_ucb1
    >>> reg = batch_ucb1([0.9, 0.5], T=200, n_seeds=4, checkpoints=[100, 200])
    >>> reg.shape, bool((reg[:, 1] < 40).all())
    ((4, 2), True)
    """
    from provable.backends import _torch

    m = np.asarray(means, dtype=float)
    if m.ndim != 1 or m.size < 1 or (m < 0).any() or (m > 1).any():
        raise InvalidArgument(f"means={means!r}, expected a 1-D array of Bernoulli means in [0, 1]")
    T = check_int("T", T, min_value=1)
    n_seeds = check_int("n_seeds", n_seeds, min_value=1)
    if checkpoints is not None:
        cp = np.asarray(checkpoints, dtype=np.int64)
        if cp.ndim != 1 or cp.size == 0 or cp.min() < 1 or cp.max() > T or (np.diff(cp) <= 0).any():
            raise InvalidArgument(f"checkpoints={checkpoints!r}, expected increasing rounds in "
                                  f"[1, T={T}]")
        checkpoints = cp
    return _torch.batch_ucb1(m, T, n_seeds, seed, device=device, dtype=dtype,
                             checkpoints=checkpoints)


def batch_dfa_accept(delta: Any, accepting: Any, words: Any, start: int = 0, *,
                     backend: str = "numpy", device: str = "cpu") -> np.ndarray:
    """Membership of many words in one DFA, vectorised over words.

    Parameters
    ----------
    delta : array_like(int) (n, k)
        Transition table, ``delta[q, a]`` = next state.
    accepting : array_like(bool) (n,)
    words : array_like(int) (W, L)
        Symbols in ``0..k-1``, each row padded with -1 after the word ends.
    start : int, default 0
    backend : {"numpy", "torch"}
    device : str
        torch device.

    Returns
    -------
    ndarray(bool) (W,)

    Examples
    --------
    >>> import numpy as np
    >>> from provable.backends.batched import batch_dfa_accept
    >>> even_a = np.array([[1, 0], [0, 1]])                  # parity of the number of 'a' (0)
    >>> words = np.array([[0, 0, 1], [0, 1, -1], [-1, -1, -1]])
    >>> batch_dfa_accept(even_a, [True, False], words).tolist()
    [True, False, True]
    """
    check_choice("backend", backend, ("numpy", "torch"))
    dt = np.asarray(delta)
    if dt.ndim != 2 or not np.issubdtype(dt.dtype, np.integer):
        raise InvalidModel(f"delta has shape {dt.shape} and dtype {dt.dtype}, expected an (n, k) "
                           "integer table")
    n, k = dt.shape
    if dt.size and (dt.min() < 0 or dt.max() >= n):
        q, a = (int(i) for i in np.argwhere((dt < 0) | (dt >= n))[0])
        raise InvalidModel(f"delta[{q}, {a}] = {dt[q, a]}, expected a state in [0, {n - 1}]")
    acc = np.asarray(accepting, dtype=bool)
    if acc.shape != (n,):
        raise InvalidModel(f"accepting has shape {acc.shape}, expected ({n},)")
    start = check_int("start", start, min_value=0, max_value=n - 1)
    w = np.asarray(words)
    if w.ndim != 2 or not np.issubdtype(w.dtype, np.integer):
        raise InvalidArgument(f"words has shape {w.shape} and dtype {w.dtype}, expected a (W, L) "
                              "integer array padded with -1")
    if w.size and (w.max() >= k or w.min() < -1):
        i, j = (int(x) for x in np.argwhere((w >= k) | (w < -1))[0])
        raise InvalidArgument(f"words[{i}, {j}] = {w[i, j]}, expected a symbol in [0, {k - 1}] "
                              "or the pad -1")
    if backend == "torch":
        from provable.backends import _torch

        return _torch.batch_dfa_accept(dt, acc, start, w, device=device)
    state = np.full(w.shape[0], start, dtype=np.int64)
    for j in range(w.shape[1]):
        sym = w[:, j]
        state = np.where(sym >= 0, dt[state, np.maximum(sym, 0)], state)
    return acc[state]
