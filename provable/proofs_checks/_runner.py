"""Run claims: one at a time, in parallel (joblib/loky) or on a Dask cluster.

:func:`verify` runs one claim, :func:`verify_all` a list of them (the whole catalogue
by default). Both fill ``claim``, ``seconds``, ``budget`` and ``seed`` on the verdict
and keep the negative control. An experiment that raises gives an ``inconclusive``
verdict whose reason names the exception; the run goes on.

With ``out`` given, each verdict is cached under ``out/cache/`` as soon as it finishes
(:mod:`provable.proofs_checks._cache`), so a re-run is instant and an interrupted run
resumes; :func:`verify_all` also writes the report (``report.md``, ``results.json``,
plots) there.
"""

from __future__ import annotations

import importlib
import os
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from provable._validation import check_choice, check_int
from provable.errors import InvalidArgument, InvalidType
from provable.proofs_checks._cache import cache_key, read_cached, write_cached
from provable.proofs_checks._claim import BUDGETS, Claim, catalogue, get_claim
from provable.proofs_checks._verdict import Verdict

__all__ = ["verify", "verify_all", "load_claim_modules", "failures", "ProgressCallback"]

#: ``callback(done, total, verdict)`` called in the parent process as each claim finishes.
ProgressCallback = Callable[[int, int, Verdict], None]


def load_claim_modules(modules: Iterable[str] | None) -> None:
    """Import modules that register extra claims (a user's own ``@claim`` functions).

    Parameters
    ----------
    modules : iterable of str or None
        Importable module names, e.g. ``["mypkg.claims"]``.

    Examples
    --------
    >>> load_claim_modules(["provable.proofs_checks._claim"])
    """
    for name in modules or ():
        try:
            importlib.import_module(name)
        except ImportError as e:
            raise InvalidArgument(f"module={name!r} cannot be imported ({e}), expected an "
                                  "importable module that registers claims") from e


def _check_budget(budget: str) -> str:
    return check_choice("budget", budget, BUDGETS)


def _check_seed(seed: Any) -> int:
    return check_int("seed", seed, min_value=0)


def _run_experiment(c: Claim, budget: str, seed: int) -> Verdict:
    """Run one claim's experiment, never raising for a failure inside the experiment."""
    params = c.params(budget)
    t0 = time.perf_counter()
    try:
        v = c.experiment(params, seed)
        if isinstance(v, dict) and not isinstance(v, Verdict):
            v = Verdict.from_dict(v)
        if not isinstance(v, Verdict):
            raise InvalidType(f"experiment returned {type(v).__name__}, expected a Verdict")
    except Exception as e:  # noqa: BLE001 - a failing experiment is an outcome, not a crash
        tb = traceback.extract_tb(e.__traceback__)
        where = f" at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno}" if tb else ""
        v = Verdict(claim=c.id, status="inconclusive",
                    reason=f"the experiment raised {type(e).__name__}: {e}{where}",
                    data={"error": {"type": type(e).__name__, "message": str(e),
                                    "traceback": traceback.format_exc(limit=8)}})
    seconds = time.perf_counter() - t0
    v["claim"] = c.id
    v["seconds"] = float(seconds)
    v["budget"] = budget
    v["seed"] = seed
    ctrl = v.get("control")
    if isinstance(ctrl, dict) and not isinstance(ctrl, Verdict):
        v["control"] = Verdict.from_dict(ctrl)
    if isinstance(v.get("control"), Verdict):
        v["control"]["claim"] = f"{c.id} (control)"
    return v


def _key(c: Claim, budget: str, seed: int) -> dict:
    return cache_key(c.id, c.params(budget), budget, seed)


def verify(claim_id: str, budget: str = "quick", seed: int = 0,
           out: str | os.PathLike | None = None, force: bool = False) -> Verdict:
    """Check one claim of the catalogue.

    Parameters
    ----------
    claim_id : str
        Claim id (``pc.catalogue()`` lists them). An unknown id raises
        :class:`~provable.errors.UnknownName` suggesting the nearest ids.
    budget : {"quick", "full"}
        Which parameter set of the claim to run.
    seed : int
        Seed passed to the experiment.
    out : path, optional
        Report directory; the verdict is cached in ``out/cache/`` and read back from
        there on a re-run.
    force : bool
        Recompute even when a cached verdict exists.

    Returns
    -------
    Verdict
        With ``claim``, ``seconds``, ``budget``, ``seed`` filled in and the negative
        control in ``control``. ``cached`` is ``True`` when read from the cache.

    Examples
    --------
    >>> from provable import proofs_checks as pc
    >>> pc.verify("no.such.claim")  # doctest: +SKIP
    Traceback (most recent call last):
    UnknownName: claim id='no.such.claim' is not in the catalogue ...
    """
    c = get_claim(claim_id)
    budget = _check_budget(budget)
    seed = _check_seed(seed)
    return _verify_claim(c, budget, seed, out, force)


def _verify_claim(c: Claim, budget: str, seed: int, out: Any, force: bool) -> Verdict:
    key = _key(c, budget, seed) if out is not None else None
    if key is not None and not force:
        cached = read_cached(out, key)
        if cached is not None:
            cached["cached"] = True
            return cached
    v = _run_experiment(c, budget, seed)
    if key is not None:
        write_cached(out, key, v)
    return v


def _task(c: Claim, budget: str, seed: int, modules: Sequence[str]) -> Verdict:
    """Body of one parallel task (runs in a worker process or on a Dask worker)."""
    load_claim_modules(modules)
    return _run_experiment(c, budget, seed)


def _failed(c: Claim, budget: str, seed: int, e: BaseException) -> Verdict:
    return Verdict(claim=c.id, status="inconclusive", budget=budget, seed=seed, seconds=0.0,
                   reason=f"the worker running it failed: {type(e).__name__}: {e}")


def verify_all(ids: Sequence[str] | None = None, budget: str = "quick", seed: int = 0,
               jobs: int = 1, scheduler: Any = None, out: str | os.PathLike | None = None,
               force: bool = False, progress: bool | ProgressCallback = True,
               modules: Sequence[str] = (), report: bool = True) -> list[Verdict]:
    """Check many claims (the whole catalogue by default), serially or in parallel.

    Parameters
    ----------
    ids : sequence of str, optional
        Claim ids; ``None`` runs every registered claim. Unknown ids raise
        :class:`~provable.errors.UnknownName` before anything runs.
    budget : {"quick", "full"}
        Parameter set of every claim.
    seed : int
        Seed passed to every experiment.
    jobs : int
        Worker processes (joblib, loky backend) when greater than 1; ``-1`` uses every core.
    scheduler : str or distributed.Client, optional
        Address of a Dask scheduler (``"tcp://host:8786"``) or a connected client: the
        claims run as Dask tasks on that cluster instead (``jobs`` is then ignored).
    out : path, optional
        Report directory: verdicts are cached in ``out/cache/`` as each claim
        finishes, and (with ``report=True``) ``report.md``, ``results.json`` and plots
        are written there at the end — also, partially, when the run is interrupted.
    force : bool
        Ignore cached verdicts.
    progress : bool or callable
        ``True`` shows a progress bar on a terminal's stderr; a callable
        ``callback(done, total, verdict)`` is called instead as each claim finishes.
    modules : sequence of str
        Extra modules registering claims, imported here and in every worker.
    report : bool
        Write the report into ``out`` (ignored when ``out`` is ``None``).

    Returns
    -------
    list of Verdict
        In the order of ``ids`` (catalogue order by default).

    Examples
    --------
    >>> from provable import proofs_checks as pc
    >>> verdicts = pc.verify_all([], progress=False)
    >>> verdicts
    []
    """
    budget = _check_budget(budget)
    seed = _check_seed(seed)
    jobs = check_int("jobs", jobs, min_value=-1)
    if jobs == 0:
        raise InvalidArgument("jobs=0, expected jobs >= 1 (or -1 for every core)")
    modules = tuple(modules)
    load_claim_modules(modules)
    claims = catalogue() if ids is None else [get_claim(i) for i in ids]
    total = len(claims)
    results: dict[int, Verdict] = {}
    pending: list[int] = []
    for i, c in enumerate(claims):
        if out is not None and not force:
            cached = read_cached(out, _key(c, budget, seed))
            if cached is not None:
                cached["cached"] = True
                results[i] = cached
                continue
        pending.append(i)

    bar, callback = _progress(progress, total)

    def finish(i: int, v: Verdict) -> None:
        results[i] = v
        if out is not None and not v.get("cached"):
            write_cached(out, _key(claims[i], budget, seed), v)
        if callback is not None:
            callback(len(results), total, v)

    try:
        if callback is not None:
            for i in sorted(results):
                callback(len(results), total, results[i])
        if scheduler is not None:
            _run_dask(claims, pending, budget, seed, modules, scheduler, finish)
        elif jobs == 1 or len(pending) <= 1:
            for i in pending:
                finish(i, _run_experiment(claims[i], budget, seed))
        else:
            _run_joblib(claims, pending, budget, seed, modules, jobs, finish, results)
    finally:
        if bar is not None:
            bar.stop()
        if out is not None and report:
            from provable.proofs_checks._report import write_report

            write_report([results[i] for i in sorted(results)], out,
                         complete=len(results) == total)
    return [results[i] for i in range(total)]


def _run_joblib(claims: list[Claim], pending: list[int], budget: str, seed: int,
                modules: tuple[str, ...], jobs: int, finish: Callable[[int, Verdict], None],
                results: dict[int, Verdict]) -> None:
    from joblib import Parallel, delayed

    par = Parallel(n_jobs=jobs, backend="loky", return_as="generator_unordered")
    try:
        for i, v in par(delayed(_indexed_task)(i, claims[i], budget, seed, modules)
                        for i in pending):
            finish(i, v)
    except Exception as e:  # noqa: BLE001 - a worker died: keep what finished, mark the rest
        for i in pending:
            if i not in results:
                finish(i, _failed(claims[i], budget, seed, e))


def _indexed_task(i: int, c: Claim, budget: str, seed: int, modules: Sequence[str]
                  ) -> tuple[int, Verdict]:
    return i, _task(c, budget, seed, modules)


def _run_dask(claims: list[Claim], pending: list[int], budget: str, seed: int,
              modules: tuple[str, ...], scheduler: Any, finish: Callable[[int, Verdict], None]
              ) -> None:
    try:
        from distributed import Client, as_completed
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise InvalidArgument("scheduler=... needs dask.distributed "
                              "(pip install 'provable[dask]')") from e
    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        futures = {}
        for i in pending:
            f = client.submit(_task, claims[i], budget, seed, modules, pure=False,
                              key=f"provable-{claims[i].id}-{budget}-{seed}-{time.time_ns()}")
            futures[f] = i
        for f in as_completed(list(futures)):
            i = futures[f]
            try:
                v = f.result()
            except Exception as e:  # noqa: BLE001 - a lost worker, an unpicklable result
                v = _failed(claims[i], budget, seed, e)
            finish(i, v)
    finally:
        if own:
            client.close()


def _progress(progress: bool | ProgressCallback, total: int) -> tuple[Any, Any]:
    if callable(progress):
        return None, progress
    if not progress or total == 0:
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        return None, None
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   console=console, transient=True)
    task = bar.add_task("claims", total=total)
    bar.start()

    def cb(done: int, total_: int, v: Verdict) -> None:
        bar.update(task, completed=done, description=f"{v.get('claim', '')} {v.get('status')}")

    return bar, cb


def failures(verdicts: Iterable[Verdict]) -> list[tuple[str, str]]:
    """The verdicts that make a run fail, as ``(claim, why)`` pairs.

    A run fails when a claim is ``violated``, or when a claim that ``holds`` has a
    negative control that does not say ``violated`` (or none at all): a harness that
    cannot see a planted error gives no evidence. ``inconclusive`` claims are not
    failures (their reason is reported).

    Examples
    --------
    >>> ok = Verdict(claim="a", status="holds", reason="")
    >>> ok["control"] = Verdict(claim="a (control)", status="violated", reason="")
    >>> failures([ok])
    []
    """
    out: list[tuple[str, str]] = []
    for v in verdicts:
        status = v.get("status")
        ctrl = v.get("control")
        if status == "violated":
            out.append((v.get("claim", ""), f"violated: {v.get('reason', '')}"))
        elif status == "holds":
            if not isinstance(ctrl, dict):
                out.append((v.get("claim", ""), "holds but has no negative control"))
            elif ctrl.get("status") != "violated":
                out.append((v.get("claim", ""),
                            f"negative control says {ctrl.get('status')!r}, expected "
                            f"'violated': {ctrl.get('reason', '')}"))
    return out
