r"""torch kernels: one Bellman backup, batched value iteration and policy evaluation,
batched UCB1 simulation and batched DFA acceptance — on CPU or CUDA, float32 or float64.

Private: :mod:`provable.backends._dispatch` and :mod:`provable.backends.batched` call
these with validated arrays. torch is imported inside the functions only, so
``import provable`` never imports torch.

The batched value iteration stops each MDP by the MacQueen–Porteus rule used by the
numba kernels (:func:`provable.backends._numba_kernels.batch_vi_dense`): with
:math:`D_b = T V_b - V_b` and :math:`c = \gamma / (1 - \gamma)`, MDP ``b`` stops at the
first sweep with :math:`c (\max D_b - \min D_b) / 2 \le` ``tol``; converged MDPs are
frozen (their values are no longer updated) so every MDP runs exactly the sweeps it
would run alone.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp

from provable.errors import InvalidArgument, NotSupported

__all__ = ["torch_module", "resolve_device", "torch_dtype", "bellman_numpy", "batch_vi_dense",
           "batch_vi_csr", "batch_policy_evaluation", "batch_ucb1", "batch_dfa_accept"]


def torch_module() -> Any:
    """Import torch, or raise :class:`NotSupported` naming the extra to install."""
    try:
        import torch
    except ImportError:  # pragma: no cover - exercised only without torch
        raise NotSupported("backend='torch' needs PyTorch: pip install 'provable[torch]'") from None
    return torch


def resolve_device(device: Any) -> Any:
    """``"cpu"``, ``"cuda"``, ``"cuda:1"`` or a ``torch.device``; CUDA must be available."""
    torch = torch_module()
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as e:
        raise InvalidArgument(f"device={device!r} is not a torch device ({e})") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise NotSupported(f"device={device!r} but torch.cuda.is_available() is False "
                           "(no GPU or a CPU-only torch build)")
    return dev


def torch_dtype(dtype: Any) -> Any:
    """numpy / torch / string float dtype -> ``torch.float32`` or ``torch.float64``."""
    torch = torch_module()
    if dtype in (torch.float32, torch.float64):
        return dtype
    try:
        nd = np.dtype(dtype)
    except TypeError:
        nd = None
    if nd == np.float32:
        return torch.float32
    if nd == np.float64:
        return torch.float64
    raise InvalidArgument(f"dtype={dtype!r}, expected float32 or float64")


def _eps(tdtype: Any) -> float:
    torch = torch_module()
    return float(torch.finfo(tdtype).eps)


# --------------------------------------------------------------------- one backup
def bellman_numpy(P2: Any, r: np.ndarray, gamma: float, V: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    r"""One Bellman optimality backup in float64 with torch on the CPU, numpy in/out.

    Parameters
    ----------
    P2 : ndarray (S*A, S) or scipy CSR
    r : ndarray (S*A,)
    gamma : float
    V : ndarray (S,)

    Returns
    -------
    TV : ndarray (S,)
    policy : ndarray (S,) int64 (lowest index among ties)

    Examples
    --------
    >>> import numpy as np
    >>> from provable.backends._torch import bellman_numpy
    >>> P2 = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    >>> TV, pi = bellman_numpy(P2, np.array([0.0, 1.0, 2.0, 0.0]), 0.5, np.zeros(2))
    >>> TV.tolist(), pi.tolist()
    ([1.0, 2.0], [1, 0])
    """
    torch = torch_module()
    S = V.shape[0]
    # the model's arrays are read-only and torch only reads them here: no copy
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        Vt = torch.from_numpy(np.ascontiguousarray(V, dtype=np.float64))
        rt = torch.from_numpy(np.ascontiguousarray(r, dtype=np.float64))
    if sp.issparse(P2):
        P2 = sp.csr_matrix(P2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            Pt = torch.sparse_csr_tensor(torch.from_numpy(P2.indptr.astype(np.int64)),
                                         torch.from_numpy(P2.indices.astype(np.int64)),
                                         torch.from_numpy(P2.data.astype(np.float64)),
                                         size=P2.shape)
        PV = (Pt @ Vt.unsqueeze(1)).squeeze(1)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            Pt = torch.from_numpy(np.ascontiguousarray(P2, dtype=np.float64))
        PV = Pt @ Vt
    Q = (rt + gamma * PV).reshape(S, -1)
    TV, pi = torch.max(Q, dim=1)
    return TV.numpy().copy(), pi.numpy().astype(np.int64)


# --------------------------------------------------------------------- batched VI
def _vi_loop(sweep: Any, B: int, S: int, gamma: float, tol: float, max_iter: int,
             V: Any, compact: Any) -> tuple[Any, Any, np.ndarray, Any, Any]:
    """Shared loop. ``sweep(V_op) -> (W_op, pi_op)`` backs up every MDP the current
    operator covers; ``compact(pos)`` rebuilds the operator for the MDPs at positions
    ``pos`` of the current operator once at most half of them are still running.
    """
    torch = torch_module()
    dev = V.device
    c = gamma / (1.0 - gamma)
    pi = torch.zeros((B, S), dtype=torch.int64, device=dev)
    lo = torch.zeros(B, dtype=V.dtype, device=dev)
    hi = torch.zeros(B, dtype=V.dtype, device=dev)
    iters = np.zeros(B, dtype=np.int64)
    idx = torch.arange(B, device=dev)      # MDPs still running
    op_idx = idx                           # MDPs the current operator covers
    pos = torch.arange(B, device=dev)      # positions of idx inside op_idx
    it = 0
    while it < max_iter and idx.numel():
        W_op, p_op = sweep(V[op_idx])
        if pos.numel() != op_idx.numel():
            W, p = W_op[pos], p_op[pos]
        else:
            W, p = W_op, p_op
        D = W - V[idx]
        dlo = D.min(dim=1).values
        dhi = D.max(dim=1).values
        V[idx] = W
        pi[idx] = p
        lo[idx] = dlo
        hi[idx] = dhi
        it += 1
        done = c * (dhi - dlo) / 2 <= tol
        if bool(done.any()):
            iters[idx[done].cpu().numpy()] = it
            keep = ~done
            idx = idx[keep]
            pos = pos[keep]
            if 0 < idx.numel() <= op_idx.numel() // 2:
                compact(pos)
                op_idx = idx
                pos = torch.arange(idx.numel(), device=dev)
    if idx.numel():
        iters[idx.cpu().numpy()] = it
    converged = c * (hi - lo) / 2 <= tol
    return V, pi, iters, (lo, hi), converged


def batch_vi_dense(P: Any, R: Any, gamma: float, tol: float, max_iter: int, *,
                   device: Any = "cpu", dtype: Any = np.float64, V0: Any = None
                   ) -> dict[str, Any]:
    r"""MacQueen–Porteus value iteration on a batch of dense MDPs.

    Parameters
    ----------
    P : ndarray or tensor (B, S, A, S)
    R : ndarray or tensor (B, S, A)
    gamma : float in [0, 1)
    tol : float
        Certified sup-norm error per MDP (before the rounding slack).
    max_iter : int
    device : str or torch.device
    dtype : float32 or float64
    V0 : (B, S), optional

    Returns
    -------
    dict
        ``V`` (B, S) corrected midpoint :math:`TV + c(\max D + \min D)/2`, ``policy``
        (B, S), ``iterations`` (B,), ``error_bound`` (B,) including a rounding slack,
        ``converged`` (B,); numpy arrays.
    """
    torch = torch_module()
    dev = resolve_device(device)
    td = torch_dtype(dtype)
    Pt = torch.as_tensor(P).to(device=dev, dtype=td)
    Rt = torch.as_tensor(R).to(device=dev, dtype=td)
    if Pt.ndim != 4:
        raise InvalidArgument(f"P has shape {tuple(Pt.shape)}, expected (B, S, A, S)")
    B, S, A, _ = Pt.shape
    P3 = Pt.reshape(B, S * A, S).contiguous()
    r2 = Rt.reshape(B, S * A).contiguous()
    V = (torch.zeros((B, S), dtype=td, device=dev) if V0 is None
         else torch.as_tensor(V0).to(device=dev, dtype=td).clone())
    state = {"P": P3, "r": r2}

    def sweep(Vb: Any) -> tuple[Any, Any]:
        PV = torch.bmm(state["P"], Vb.unsqueeze(2)).squeeze(2)
        Q = (state["r"] + gamma * PV).reshape(-1, S, A)
        return torch.max(Q, dim=2)

    def compact(pos: Any) -> None:
        state["P"] = state["P"][pos].contiguous()
        state["r"] = state["r"][pos].contiguous()

    with torch.no_grad():
        V, pi, iters, (lo, hi), conv = _vi_loop(sweep, B, S, gamma, tol, max_iter, V, compact)
        return _finish(V, pi, iters, lo, hi, conv, gamma, Rt, S, td)


def _finish(V: Any, pi: Any, iters: np.ndarray, lo: Any, hi: Any, conv: Any, gamma: float,
            Rt: Any, width: int, td: Any) -> dict[str, Any]:
    """Span correction and per-MDP bound with a rounding slack (Higham dot product)."""
    c = gamma / (1.0 - gamma)
    V64 = V.double()
    lo64, hi64 = lo.double(), hi.double()
    Vc = V64 + c * ((lo64 + hi64) / 2).unsqueeze(1)
    bound = c * (hi64 - lo64) / 2
    scale = Vc.abs().amax(dim=1) + Rt.double().abs().reshape(Rt.shape[0], -1).amax(dim=1)
    # a computed sweep errs by at most (w+4) u scale (Higham); through the MacQueen-Porteus
    # bracket that widens the bound by (1 + c) times it, i.e. by / (1 - gamma)
    slack = (width + 4) * _eps(td) * scale / max(1.0 - gamma, 1e-300)
    return {"V": Vc.cpu().numpy(), "policy": pi.cpu().numpy().astype(np.int64),
            "iterations": iters, "error_bound": (bound + slack).cpu().numpy(),
            "converged": conv.cpu().numpy().astype(bool)}


def batch_vi_csr(mats: list[sp.csr_matrix], R: Any, gamma: float, tol: float, max_iter: int,
                 *, device: Any = "cpu", dtype: Any = np.float64) -> dict[str, Any]:
    """Sparse variant of :func:`batch_vi_dense`: ``mats`` are B CSR matrices (S*A, S)
    (same S and A), stacked as one block-diagonal CSR tensor; ``R`` (B, S, A)."""
    torch = torch_module()
    dev = resolve_device(device)
    td = torch_dtype(dtype)
    B = len(mats)
    S = mats[0].shape[1]
    SA = mats[0].shape[0]
    A = SA // S
    block = sp.block_diag(mats, format="csr")
    Rt = torch.as_tensor(np.asarray(R)).to(device=dev, dtype=td)
    r_all = Rt.reshape(B * SA)
    width = max(int(np.diff(m.indptr).max(initial=0)) for m in mats)

    def to_t(M: sp.csr_matrix) -> Any:
        with warnings.catch_warnings():   # "sparse CSR support is in beta"
            warnings.simplefilter("ignore", UserWarning)
            return torch.sparse_csr_tensor(torch.from_numpy(M.indptr.astype(np.int64)),
                                           torch.from_numpy(M.indices.astype(np.int64)),
                                           torch.from_numpy(M.data), size=M.shape,
                                           dtype=td, device=dev)

    state = {"M": to_t(block), "r": r_all, "n": B, "block": block, "rows": np.arange(B)}
    V = torch.zeros((B, S), dtype=td, device=dev)

    def sweep(Vb: Any) -> tuple[Any, Any]:
        n = state["n"]
        PV = (state["M"] @ Vb.reshape(n * S, 1)).reshape(n, SA)
        Q = (state["r"].reshape(n, SA) + gamma * PV).reshape(n, S, A)
        return torch.max(Q, dim=2)

    def compact(pos: Any) -> None:
        keep = pos.cpu().numpy()
        rows = state["rows"][keep]
        state["rows"] = rows
        state["M"] = to_t(sp.block_diag([mats[i] for i in rows], format="csr"))
        state["r"] = Rt.reshape(B, SA)[torch.as_tensor(rows, device=dev)].reshape(-1)
        state["n"] = len(rows)

    with torch.no_grad():
        V, pi, iters, (lo, hi), conv = _vi_loop(sweep, B, S, gamma, tol, max_iter, V, compact)
        return _finish(V, pi, iters, lo, hi, conv, gamma, Rt, width, td)


# --------------------------------------------------------------------- policy evaluation
def batch_policy_evaluation(P: Any, R: Any, policy: Any, gamma: float, *, device: Any = "cpu",
                            dtype: Any = np.float64) -> np.ndarray:
    r"""Exact :math:`V^\pi_b = (I - \gamma P^{\pi}_b)^{-1} r^{\pi}_b` for a batch, by one
    batched LU solve. ``P`` (B, S, A, S), ``R`` (B, S, A), ``policy`` (B, S) int.
    Returns V (B, S) as numpy."""
    torch = torch_module()
    dev = resolve_device(device)
    td = torch_dtype(dtype)
    Pt = torch.as_tensor(P).to(device=dev, dtype=td)
    Rt = torch.as_tensor(R).to(device=dev, dtype=td)
    pit = torch.as_tensor(np.asarray(policy, dtype=np.int64), device=dev)
    B, S, A, _ = Pt.shape
    with torch.no_grad():
        idx = pit.reshape(B, S, 1, 1).expand(B, S, 1, S)
        Ppi = torch.gather(Pt, 2, idx).squeeze(2)                     # (B, S, S)
        rpi = torch.gather(Rt, 2, pit.unsqueeze(2)).squeeze(2)        # (B, S)
        M = torch.eye(S, dtype=td, device=dev).expand(B, S, S) - gamma * Ppi
        V = torch.linalg.solve(M, rpi.unsqueeze(2)).squeeze(2)
    return V.cpu().numpy()


# --------------------------------------------------------------------- bandits
def batch_ucb1(means: Any, T: int, n_seeds: int, seed: int = 0, *, device: Any = "cpu",
               dtype: Any = np.float64, checkpoints: Any = None) -> np.ndarray:
    r"""UCB1 (Auer, Cesa-Bianchi & Fischer 2002) on a Bernoulli bandit, ``n_seeds`` runs
    advanced in lock-step as one tensor program.

    Index :math:`\hat\mu_i + \sqrt{2 \ln t / n_i}` after one pull of each arm; ties go
    to the lowest arm. Rewards are drawn from one ``torch.Generator`` seeded with
    ``seed`` on ``device`` (bit-reproducible for a given device and torch version;
    not the same stream as the numba simulators).

    Returns
    -------
    ndarray (n_seeds, len(checkpoints))
        Pseudo-regret :math:`\sum_{t \le n} \Delta_{a_t}` at the checkpoints (default:
        every round ``1..T``).
    """
    torch = torch_module()
    dev = resolve_device(device)
    td = torch_dtype(dtype)
    mu = torch.as_tensor(np.asarray(means, dtype=np.float64)).to(device=dev, dtype=td)
    K = mu.numel()
    gap = mu.max() - mu
    cps = np.arange(1, T + 1) if checkpoints is None else np.asarray(checkpoints, dtype=np.int64)
    want = np.zeros(T + 1, dtype=bool)
    want[cps] = True
    gen = torch.Generator(device=dev)
    gen.manual_seed(int(seed))
    n = torch.zeros((n_seeds, K), dtype=td, device=dev)
    s = torch.zeros((n_seeds, K), dtype=td, device=dev)
    reg = torch.zeros(n_seeds, dtype=td, device=dev)
    out = []
    rows = torch.arange(n_seeds, device=dev)
    with torch.no_grad():
        for t in range(1, T + 1):
            if t <= K:
                a = torch.full((n_seeds,), t - 1, dtype=torch.int64, device=dev)
            else:
                idx = s / n + torch.sqrt(2.0 * np.log(t - 1) / n)
                a = torch.argmax(idx, dim=1)
            u = torch.rand(n_seeds, generator=gen, device=dev, dtype=td)
            x = (u < mu[a]).to(td)
            n[rows, a] += 1
            s[rows, a] += x
            reg += gap[a]
            if want[t]:
                out.append(reg.clone())
    return torch.stack(out, dim=1).cpu().numpy().astype(np.float64)


# --------------------------------------------------------------------- automata
def batch_dfa_accept(delta: Any, accepting: Any, start: int, words: Any, *,
                     device: Any = "cpu") -> np.ndarray:
    """Run one DFA on many words at once.

    ``delta`` (n, k) int transition table, ``accepting`` (n,) bool, ``words`` (W, L)
    int padded with -1 after each word's end. Returns the (W,) bool accept mask.
    """
    torch = torch_module()
    dev = resolve_device(device)
    dt = torch.as_tensor(np.asarray(delta, dtype=np.int64), device=dev)
    acc = torch.as_tensor(np.asarray(accepting, dtype=bool), device=dev)
    w = torch.as_tensor(np.asarray(words, dtype=np.int64), device=dev)
    state = torch.full((w.shape[0],), int(start), dtype=torch.int64, device=dev)
    with torch.no_grad():
        for j in range(w.shape[1]):
            sym = w[:, j]
            live = sym >= 0
            nxt = dt[state, sym.clamp(min=0)]
            state = torch.where(live, nxt, state)
    return acc[state].cpu().numpy()
