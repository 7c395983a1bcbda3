"""Torch kernel for batch runs (imported only when ``backend="torch"`` is asked for)."""

from __future__ import annotations

from typing import Any

import numpy as np

from provable.errors import NotSupported

__all__ = ["run_batch_torch"]


def run_batch_torch(delta: np.ndarray, start: int, codes: np.ndarray, lens: np.ndarray,
                    device: Any = None) -> Any:
    """Final states of padded coded words: one gather ``delta[q, x_t]`` per position.

    ``device`` defaults to CUDA when available, else CPU. Returns an int64 tensor.
    """
    try:
        import torch
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise NotSupported("backend='torch' needs PyTorch: pip install provable[torch]") from e
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    dev = torch.device(device)
    k = delta.shape[1]
    flat = torch.as_tensor(np.array(delta, dtype=np.int64).reshape(-1), device=dev)
    x = torch.as_tensor(codes, device=dev)
    n = torch.as_tensor(lens, device=dev)
    q = torch.full((codes.shape[0],), int(start), dtype=torch.int64, device=dev)
    for t in range(codes.shape[1]):
        nxt = flat[q * k + x[:, t]]
        q = torch.where(n > t, nxt, q)
    return q
