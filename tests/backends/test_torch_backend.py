"""torch back end: agreement with numba / numpy, certified bounds, batched helpers.

CPU tests need torch (skipped without it); CUDA tests also need a GPU.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

torch = pytest.importorskip("torch")

from provable.backends import _torch as tk  # noqa: E402
from provable.backends._dispatch import bellman, value_iteration_loop  # noqa: E402
from provable.backends.batched import (  # noqa: E402
    batch_dfa_accept,
    batch_policy_evaluation,
    batch_ucb1,
    batch_value_iteration,
)
from provable.errors import InvalidArgument, InvalidModel, NotSupported  # noqa: E402

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")


def _batch(B: int = 24, S: int = 12, A: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    alpha = rng.choice([0.05, 1.0], size=B)            # mix of sparse-ish and dense rows
    P = np.stack([rng.dirichlet(np.full(S, a), size=(S, A)) for a in alpha])
    P /= P.sum(-1, keepdims=True)
    return P, rng.uniform(size=(B, S, A))


def _sparse_batch(B: int = 10, S: int = 15, A: int = 3, seed: int = 1
                  ) -> tuple[list[sp.csr_matrix], np.ndarray]:
    rng = np.random.default_rng(seed)
    mats = []
    for _ in range(B):
        M = rng.uniform(size=(S * A, S)) * (rng.uniform(size=(S * A, S)) < 0.2)
        M[np.arange(S * A), rng.integers(0, S, S * A)] += 1.0
        mats.append(sp.csr_matrix(M / M.sum(1, keepdims=True)))
    return mats, rng.uniform(-1, 1, size=(B, S, A))


def _exact_values(P: np.ndarray, R: np.ndarray, gamma: float) -> np.ndarray:
    return batch_value_iteration(P, R, gamma, tol=1e-13).V


@pytest.mark.parametrize("gamma", [0.5, 0.9, 0.99])
def test_torch_float64_matches_numba(gamma: float) -> None:
    P, R = _batch()
    a = batch_value_iteration(P, R, gamma, tol=1e-8, backend="numba")
    b = batch_value_iteration(P, R, gamma, tol=1e-8, backend="torch", device="cpu")
    np.testing.assert_array_equal(a.iterations, b.iterations)
    np.testing.assert_allclose(b.V, a.V, rtol=0, atol=1e-10)
    np.testing.assert_allclose(b.error_bound, a.error_bound, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(a.policy, b.policy)
    assert a.converged.all() and b.converged.all()
    assert b.V.shape == (24, 12) and b.error_bound.shape == (24,) and b.dtype == "float64"


def test_torch_float32_matches_numba() -> None:
    P, R = _batch(seed=3)
    a = batch_value_iteration(P, R, 0.9, tol=1e-10, backend="numba")
    b = batch_value_iteration(P, R, 0.9, tol=1e-5, backend="torch", dtype=np.float32)
    assert b.dtype == "float32" and (b.error_bound <= 1e-4).all()
    # float32 sweeps + one float64 certification sweep: 1e-6 relative to the value scale
    assert np.abs(b.V - a.V).max() <= 1e-6 * np.abs(a.V).max()
    assert (np.abs(b.V - a.V).max(axis=1) <= b.error_bound + a.error_bound).all()
    # without the float64 certificate the float32 bound is honest but much looser
    c = batch_value_iteration(P, R, 0.9, tol=1e-5, backend="torch", dtype=np.float32,
                              certify64=False)
    assert (np.abs(c.V - a.V).max(axis=1) <= c.error_bound + a.error_bound).all()
    assert c.error_bound.max() > b.error_bound.max()


@pytest.mark.parametrize("backend", ["numba", "torch"])
def test_per_mdp_bounds_are_certified(backend: str) -> None:
    P, R = _batch(B=16, seed=5)
    res = batch_value_iteration(P, R, 0.95, tol=1e-5, backend=backend)
    Vs = _exact_values(P, R, 0.95)
    err = np.abs(res.V - Vs).max(axis=1)
    assert (err <= res.error_bound).all()
    assert (res.error_bound <= 1e-5 + 1e-9).all()
    # per-MDP stopping: not all MDPs need the same number of sweeps
    assert res.iterations.min() < res.iterations.max()


def test_sparse_batch_matches_numba() -> None:
    mats, R = _sparse_batch()
    a = batch_value_iteration(mats, R, 0.9, tol=1e-9, backend="numba")
    b = batch_value_iteration(mats, R, 0.9, tol=1e-9, backend="torch")
    np.testing.assert_array_equal(a.iterations, b.iterations)
    np.testing.assert_allclose(b.V, a.V, rtol=0, atol=1e-10)
    dense = np.stack([m.toarray().reshape(15, 3, 15) for m in mats])
    c = batch_value_iteration(dense, R, 0.9, tol=1e-9, backend="torch")
    np.testing.assert_allclose(c.V, a.V, rtol=0, atol=1e-10)


def test_torch_tensor_input_and_policy_evaluation() -> None:
    P, R = _batch(B=5, S=6, A=2, seed=2)
    res = batch_value_iteration(torch.from_numpy(P), R, 0.8, tol=1e-11, backend="torch")
    Vpi = batch_policy_evaluation(P, R, res.policy, 0.8)
    np.testing.assert_allclose(Vpi, res.V, atol=1e-9)
    Vpi32 = batch_policy_evaluation(P, R, res.policy, 0.8, dtype=np.float32)
    np.testing.assert_allclose(Vpi32, res.V, rtol=1e-5)


def test_bellman_dispatch_torch_matches_numpy() -> None:
    P, R = _batch(B=1, S=20, A=4, seed=7)
    P2, r = P[0].reshape(80, 20), R[0].ravel()
    V = np.random.default_rng(0).uniform(size=20)
    for M in (P2, sp.csr_matrix(P2)):
        TV, pi = bellman(M, r, 0.9, V, backend="torch")
        TVn, pin = bellman(M, r, 0.9, V, backend="numpy")
        np.testing.assert_allclose(TV, TVn, atol=1e-14)
        np.testing.assert_array_equal(pi, pin)
    Vt, pit, it, lo, hi, conv = value_iteration_loop(P2, r, 0.9, np.zeros(20), 1e-8, 10_000,
                                                     True, "torch")
    Vn, pin, itn, *_ = value_iteration_loop(P2, r, 0.9, np.zeros(20), 1e-8, 10_000, True, "numpy")
    assert conv and it == itn
    np.testing.assert_allclose(Vt, Vn, atol=1e-12)


def test_batch_validation_messages() -> None:
    P, R = _batch(B=3, S=4, A=2)
    bad = P.copy()
    bad[1, 2, 1, 0] += 0.1
    with pytest.raises(InvalidModel, match=r"P\[1, 2, 1, :\] sums to"):
        batch_value_iteration(bad, R, 0.9)
    with pytest.raises(InvalidModel, match=r"R has shape \(3, 4\), expected \(B, S, A\)"):
        batch_value_iteration(P, R[..., 0], 0.9)
    with pytest.raises(InvalidArgument, match="float32.*backend='numba'"):
        batch_value_iteration(P, R, 0.9, dtype=np.float32)
    with pytest.raises(InvalidArgument, match="expected float32 or float64"):
        batch_value_iteration(P, R, 0.9, backend="torch", dtype=np.int32)
    with pytest.raises(InvalidArgument, match="gamma=1.0"):
        batch_value_iteration(P, R, 1.0)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-GPU message")
def test_cuda_request_without_gpu_is_a_clear_error() -> None:
    P, R = _batch(B=2, S=3, A=2)
    with pytest.raises(NotSupported, match="cuda.is_available"):
        batch_value_iteration(P, R, 0.9, backend="torch", device="cuda")


def test_batch_ucb1_is_seeded_and_sublinear() -> None:
    a = batch_ucb1([0.7, 0.5, 0.4], T=4000, n_seeds=32, seed=3, checkpoints=[400, 4000])
    b = batch_ucb1([0.7, 0.5, 0.4], T=4000, n_seeds=32, seed=3, checkpoints=[400, 4000])
    np.testing.assert_array_equal(a, b)
    assert a.shape == (32, 2) and (a[:, 1] >= a[:, 0]).all()
    # uniform play would lose (0.2 + 0.3) / 3 per round: 667 after 4000 rounds
    assert a[:, 1].mean() < 0.2 * 667
    # sublinear: the second 3600 rounds cost less than 3x the first 400
    assert (a[:, 1] - a[:, 0]).mean() < 3 * a[:, 0].mean()
    full = batch_ucb1([0.6, 0.5], T=50, n_seeds=4, seed=0)
    assert full.shape == (4, 50)
    np.testing.assert_allclose(full[:, :2], [[0.0, 0.1]] * 4, atol=1e-12)


def test_batch_dfa_accept_torch_matches_numpy() -> None:
    rng = np.random.default_rng(0)
    delta = rng.integers(0, 9, size=(9, 3))
    acc = rng.uniform(size=9) < 0.4
    words = rng.integers(0, 3, size=(500, 12))
    lengths = rng.integers(0, 13, size=500)
    words[np.arange(12)[None, :] >= lengths[:, None]] = -1
    ref = []
    for w, n in zip(words, lengths):
        q = 0
        for a in w[:n]:
            q = delta[q, a]
        ref.append(acc[q])
    np.testing.assert_array_equal(batch_dfa_accept(delta, acc, words), ref)
    np.testing.assert_array_equal(batch_dfa_accept(delta, acc, words, backend="torch"), ref)
    with pytest.raises(InvalidArgument, match=r"words\[.*expected a symbol in \[0, 2\]"):
        batch_dfa_accept(delta, acc, np.full((1, 2), 3))


def test_torch_is_not_imported_by_provable() -> None:
    import subprocess
    import sys

    code = ("import sys, provable, provable.backends.batched, provable.mdp._linear; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@cuda
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cuda_matches_numba(dtype: type) -> None:
    P, R = _batch(B=64, S=16, A=4, seed=11)
    tol = 1e-4 if dtype == np.float32 else 1e-8
    a = batch_value_iteration(P, R, 0.9, tol=tol, backend="numba")
    b = batch_value_iteration(P, R, 0.9, tol=tol, backend="torch", device="cuda", dtype=dtype)
    atol = 1e-6 * np.abs(a.V).max() if dtype == np.float32 else 1e-10
    assert np.abs(b.V - a.V).max() <= atol
    mats, Rs = _sparse_batch()
    c = batch_value_iteration(mats, Rs, 0.9, tol=1e-9, backend="torch", device="cuda")
    d = batch_value_iteration(mats, Rs, 0.9, tol=1e-9, backend="numba")
    np.testing.assert_allclose(c.V, d.V, atol=1e-10)


@cuda
def test_cuda_helpers() -> None:
    reg = batch_ucb1([0.6, 0.5], T=100, n_seeds=8, device="cuda", checkpoints=[100])
    assert reg.shape == (8, 1)
    delta = np.array([[1, 0], [0, 1]])
    words = np.array([[0, 0, -1], [0, -1, -1]])
    assert batch_dfa_accept(delta, [True, False], words, backend="torch",
                            device="cuda").tolist() == [True, False]
    assert tk.resolve_device("cuda").type == "cuda"
