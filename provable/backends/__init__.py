"""Compute back ends behind one small interface: ``numpy`` (reference), ``numba``
(fused, parallel kernels) and ``torch`` (batched, CPU or CUDA; optional extra).

The solvers call :func:`bellman` for one sweep and :func:`value_iteration_loop` for a
whole VI run; ``backend="auto"`` resolves through :func:`resolve`.
"""

from provable.backends import batched
from provable.backends._dispatch import (
    BACKENDS,
    bellman,
    resolve,
    value_iteration_loop,
)
from provable.backends.batched import BatchResult, batch_value_iteration

__all__ = ["BACKENDS", "BatchResult", "batch_value_iteration", "batched", "bellman", "resolve",
           "value_iteration_loop"]
