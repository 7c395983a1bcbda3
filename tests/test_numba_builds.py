"""The serial and parallel numba builds of one kernel source keep separate cache
entries (numba keys its disk cache by function, not by the ``parallel`` flag)."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numba import prange

import provable._numba as pn

_PROBE = textwrap.dedent("""
    import sys
    import numpy as np
    import scipy.sparse as sp
    from provable.backends import _numba_kernels as k
    fn = getattr(k, sys.argv[1])
    P = sp.random(12, 4, density=0.5, format="csr", random_state=0)
    S = 4
    fn(P.data, P.indices, P.indptr, np.ones(12), 0.9, np.ones(S), np.empty(S),
       np.empty(S, dtype=np.int64))
    print(len(fn.stats.cache_hits), fn.py_func.__qualname__)
""")


def _run(name, cache_dir):
    out = subprocess.run([sys.executable, "-c", _PROBE, name], capture_output=True, text=True,
                         env={"NUMBA_CACHE_DIR": str(cache_dir), "PATH": "",
                              "PYTHONHASHSEED": "0"}, check=True)
    hits, qualname = out.stdout.split()
    return int(hits), qualname


def test_parallel_build_does_not_load_the_serial_cache_entry(tmp_path):
    """Compile the serial build in one process, then ask for the parallel one in a
    fresh process: it must compile its own code (no cache hit), and a third process
    must find it in the cache under its own name."""
    assert _run("sweep_csr", tmp_path) == (0, "_sweep_csr")
    assert _run("sweep_csr_par", tmp_path) == (0, "_sweep_csr_parallel")
    assert _run("sweep_csr_par", tmp_path) == (1, "_sweep_csr_parallel")


def _total(x):
    s = 0.0
    for i in prange(x.shape[0]):
        s += x[i]
    return s


def test_serial_and_parallel_flags():
    ser, par = pn.serial_and_parallel(_total, fastmath=True)
    assert not ser.targetoptions.get("parallel") and par.targetoptions["parallel"]
    assert ser.targetoptions["fastmath"] and par.targetoptions["fastmath"]
    assert par.py_func is not _total and par.py_func.__code__ is _total.__code__
    x = np.arange(1000.0)
    assert par(x) == ser(x) == x.sum()


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
