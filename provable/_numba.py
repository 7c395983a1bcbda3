"""Compiling one kernel source as a serial and a parallel numba build.

numba's on-disk cache names an entry after the Python function (module, qualified
name, first line) and keys it by the signature, *not* by the ``parallel`` flag. Two
builds of one function object, ``njit(cache=True)(f)`` and
``njit(cache=True, parallel=True)(f)``, therefore share cache entries: whichever is
compiled first is loaded for both in every later process. A "parallel" kernel then
runs serially (half the speed on two cores), and a "serial" one that is really
parallel, called from another cached kernel, can crash the process.
:func:`serial_and_parallel` compiles the parallel build from a copy of the function
under its own name, so each build gets its own cache entry.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

__all__ = ["serial_and_parallel"]


def serial_and_parallel(py_func: Callable[..., Any], **flags: Any) -> tuple[Any, Any]:
    """``(serial, parallel)`` cached numba builds of ``py_func`` (``prange`` is ``range``
    in the serial one); ``flags`` go to both (e.g. ``fastmath``)."""
    from numba import njit

    name = py_func.__name__ + "_parallel"
    twin = types.FunctionType(py_func.__code__, py_func.__globals__, name,
                              py_func.__defaults__, py_func.__closure__)
    twin.__qualname__ = py_func.__qualname__ + "_parallel"
    twin.__module__ = py_func.__module__
    twin.__doc__ = py_func.__doc__
    return (njit(cache=True, **flags)(py_func),
            njit(cache=True, parallel=True, **flags)(twin))
