"""Fork server of ``scripts/mutation.py --fork``: start once, import the heavy third-party
modules (numpy, scipy, numba, sympy, hypothesis, pytest), then run each requested test
selection in a forked child, so that a mutant pays for importing provable (from its
mutated source) and running its tests, not for the interpreter and its libraries.

Nothing of provable is imported here: the child imports it fresh, from the checkout
on ``PYTHONPATH``, with the mutant in place. Protocol: one JSON object per line on
stdin, ``{"args": [...], "timeout": seconds}``; one per line on stdout,
``{"status": "passed" | "failed" | "timeout", "seconds": s}``.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import time

for _name in ("numpy", "scipy", "scipy.sparse", "scipy.sparse.linalg", "scipy.linalg",
              "scipy.stats", "scipy.optimize", "scipy.special", "numba", "sympy",
              "hypothesis", "hypothesis.strategies", "pytest", "_pytest.doctest",
              "matplotlib", "matplotlib.pyplot", "joblib"):
    try:
        importlib.import_module(_name)
    except Exception:  # noqa: BLE001 - a library that is not installed is simply not preloaded
        pass
if any(m == "provable" or m.startswith("provable.") for m in sys.modules):
    raise SystemExit("the fork server must not import provable")


def _run(args: list[str], timeout: float) -> dict:
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child: its own process group, quiet, then pytest
        os.setsid()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        code = 1
        try:
            import pytest

            code = int(pytest.main(args))
        finally:
            os._exit(code)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            return {"status": "passed" if code == 0 else "failed",
                    "seconds": time.perf_counter() - t0}
        if time.perf_counter() - t0 > timeout:
            for kill in (os.killpg, os.kill):  # the group, or the child before setsid
                try:
                    kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            os.waitpid(pid, 0)
            return {"status": "timeout", "seconds": time.perf_counter() - t0}
        time.sleep(0.01)


def main() -> None:
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        print(json.dumps(_run(req["args"], float(req["timeout"]))), flush=True)


if __name__ == "__main__":
    main()
