"""Claims for the runner's robustness tests: experiments that kill their own worker
process, one that waits for a go signal (to overlap two runs), and the body of a
child process running :func:`verify_all`.

Each experiment records every attempt as a file in ``params["dir"]`` (visible
across processes). They are module-level functions so that workers unpickle them
by reference. The killers refuse to run in the test process itself
(``params["parent"]``).
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

from provable.bounds._citation import Citation
from provable.proofs_checks import Claim, Verdict

REF = Citation("Runner Robustness", "Tester", 2024, origin="reference")


def attempts(d: str | os.PathLike, name: str) -> int:
    """How many times experiment ``name`` started (in any process)."""
    return len(list(Path(d).glob(f"attempt-{name}-*")))


def _attempt(params: dict, name: str) -> Path:
    d = Path(params["dir"])
    (d / f"attempt-{name}-{os.getpid()}-{time.time_ns()}").touch()
    return d


def _holds(what: str) -> Verdict:
    v = Verdict(claim="", status="holds", measured=0.0, expected=0.0, tolerance=0.0,
                reason=f"{what}: residual 0 <= 0")
    v["control"] = Verdict(claim="", status="violated", measured=1.0, expected=0.0,
                           reason=f"{what} (control): residual 1 > 0")
    return v


def _die(params: dict) -> None:
    if os.getpid() == params["parent"]:
        raise RuntimeError("refusing to kill the test process: run with jobs >= 2")
    os.kill(os.getpid(), signal.SIGKILL)


def dies_once(params: dict, seed: int) -> Verdict:
    """Kills its worker the first time it runs, holds the second time."""
    d = _attempt(params, "dies_once")
    flag = d / "died-once"
    if not flag.exists():
        flag.touch()
        _die(params)
    return _holds("dies once")


def dies_always(params: dict, seed: int) -> Verdict:
    """Kills its worker every time it runs."""
    _attempt(params, "dies_always")
    _die(params)
    return _holds("unreachable")


def plain(params: dict, seed: int) -> Verdict:
    """Holds at once."""
    _attempt(params, "plain")
    return _holds("plain")


def gated(params: dict, seed: int) -> Verdict:
    """Holds once the file ``go`` exists in ``params["dir"]`` (at most a minute)."""
    d = _attempt(params, "gated")
    deadline = time.monotonic() + 60.0
    while not (d / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return _holds("gated")


def claims(d: str | os.PathLike, parent: int) -> list[Claim]:
    """The claims, with their marker directory and the test process id as parameters."""
    p = {"dir": str(d), "parent": int(parent)}

    def mk(id: str, fn) -> Claim:
        return Claim(id=id, statement=(fn.__doc__ or "").strip(), kind="property",
                     citation=REF, experiment=fn, budgets={"quick": p, "full": p},
                     design="runner robustness test")

    return [mk("runner.dies_once", dies_once), mk("runner.dies_always", dies_always),
            mk("runner.plain", plain), mk("runner.gated", gated)]


def child_verify(out: str, d: str, parent: int, name: str) -> None:
    """Body of a child process: register :func:`claims`, say so (file ``ready-<name>``),
    run ``verify_all(["runner.gated"])`` on ``out`` and write what it got."""
    from provable.proofs_checks import _claim, verify_all

    _claim._REGISTRY = {c.id: c for c in claims(d, parent)}
    _claim._LOADED = True
    (Path(d) / f"ready-{name}").touch()
    (v,) = verify_all(["runner.gated"], out=out, progress=False, report=False)
    (Path(d) / f"result-{name}.json").write_text(json.dumps(
        {"status": v.status, "cached": bool(v.get("cached"))}))
