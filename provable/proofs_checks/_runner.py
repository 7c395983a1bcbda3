"""Run claims: one at a time, in parallel (joblib/loky) or on a Dask cluster.

:func:`verify` runs one claim, :func:`verify_all` a list of them (the whole catalogue
by default). Both fill ``claim``, ``seconds``, ``budget`` and ``seed`` on the verdict
and keep the negative control.

A claim that cannot run is not a verdict: an experiment that raises, or a claim whose
worker process died twice, gets status ``error`` (its reason names the exception or
the death), is never cached, and the run goes on. In a process pool, a worker that
dies fails only the claims it was running: each is retried alone in a fresh process,
and becomes an ``error`` when a worker running it alone dies twice.

With ``out`` given, each verdict is cached under ``out/cache/`` as soon as it finishes
(:mod:`provable.proofs_checks._cache`), so a re-run is instant and an interrupted run
resumes; a damaged, edited or stale entry is recomputed with a note on the verdict
(``verdict["notes"]``, shown in the report). A run holds a lease on each entry while
computing it, so that two runs sharing ``out`` compute each claim once: the second
waits for the first and reads its entry. :func:`verify_all` also writes the report
(``report.md``, ``results.json``, plots) there.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import re
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from provable._validation import check_choice, check_int
from provable.errors import InvalidArgument, InvalidType
from provable.proofs_checks._cache import Leases, cache_key, code_hash, lookup, write_cached
from provable.proofs_checks._claim import BUDGETS, Claim, catalogue, get_claim
from provable.proofs_checks._report import exit_code, failures, write_report
from provable.proofs_checks._search import _database_env
from provable.proofs_checks._verdict import ERROR, Verdict

__all__ = ["verify", "verify_all", "load_claim_modules", "failures", "exit_code",
           "ProgressCallback"]

#: ``callback(done, total, verdict)`` called in the parent process as each claim finishes.
ProgressCallback = Callable[[int, int, Verdict], None]


def _import_path(path: Path) -> None:
    """Import a ``.py`` file by path, under its stem (once per file)."""
    import importlib.util
    import sys
    import zlib

    path = path.resolve()
    name = path.stem
    mod = sys.modules.get(name)
    if mod is not None and getattr(mod, "__file__", None) and Path(mod.__file__).resolve() == path:
        return
    if mod is not None or not name.isidentifier():
        name = f"_provable_claims_{zlib.crc32(str(path).encode()):08x}"
        if name in sys.modules:
            return
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise InvalidArgument(f"module={str(path)!r} cannot be imported, expected a .py file")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    except BaseException:
        del sys.modules[name]
        raise
    # worker processes cannot import the file by name: send its functions by value
    for cp in ("joblib.externals.cloudpickle", "cloudpickle"):
        with contextlib.suppress(Exception):
            importlib.import_module(cp).register_pickle_by_value(mod)


def load_claim_modules(modules: Iterable[str] | None) -> None:
    """Import modules that register extra claims (a user's own ``@claim`` functions).

    Parameters
    ----------
    modules : iterable of str or None
        Importable module names (``"mypkg.claims"``; a module in the current directory
        is found: the directory is on ``sys.path`` during the import) or paths to
        ``.py`` files (``"./my_claims.py"``, imported by path, once per file).

    Raises
    ------
    InvalidArgument
        When a module cannot be found or raises while it is imported; the one-line
        message names the module and the exception.

    Examples
    --------
    >>> load_claim_modules(["provable.proofs_checks._claim"])
    """
    import sys

    for name in modules or ():
        if not isinstance(name, str):
            raise InvalidType(f"module={name!r} has type {type(name).__name__}, expected str")
        as_path = name.endswith(".py") or os.sep in name or "/" in name
        cwd = os.getcwd()
        added = False
        try:
            if as_path:
                path = Path(name)
                if not path.is_file():
                    raise InvalidArgument(f"module={name!r}: no such file (looked in {cwd}), "
                                          "expected a .py file that registers claims")
                _import_path(path)
            else:
                if cwd not in sys.path:
                    sys.path.insert(0, cwd)
                    added = True
                importlib.import_module(name)
        except InvalidArgument:
            raise
        except Exception as e:
            what = " ".join(f"{type(e).__name__}: {e}".split())
            hint = ("an importable module name or a path to a .py file" if not as_path
                    else "a .py file that imports cleanly")
            raise InvalidArgument(f"module={name!r} cannot be imported ({what}), expected "
                                  f"{hint} that registers claims") from e
        finally:
            if added and cwd in sys.path:
                sys.path.remove(cwd)


def _check_budget(budget: str) -> str:
    return check_choice("budget", budget, BUDGETS)


def _check_seed(seed: Any) -> int:
    return check_int("seed", seed, min_value=0)


def _error(c: Claim, budget: str, seed: int, reason: str, data: dict | None = None
           ) -> Verdict:
    """The record of a claim that could not run (status ``error``: not a verdict)."""
    return Verdict(claim=c.id, status=ERROR, reason=reason, data=data or {}, budget=budget,
                   seed=seed, seconds=0.0)


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
    except (Exception, SystemExit) as e:  # noqa: BLE001 - a failing experiment is an outcome
        tb = traceback.extract_tb(e.__traceback__)
        where = f" at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno}" if tb else ""
        v = Verdict(claim=c.id, status=ERROR,
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
        there on a re-run (an ``error`` is never cached).
    force : bool
        Recompute even when a cached verdict exists.

    Returns
    -------
    Verdict
        With ``claim``, ``seconds``, ``budget``, ``seed`` filled in and the negative
        control in ``control``. ``cached`` is ``True`` when read from the cache;
        ``status`` is ``"error"`` when the experiment raised (the reason names the
        exception, ``data["error"]`` holds the traceback).

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
    results: dict[int, Verdict] = {}
    _execute([c], budget, seed, jobs=1, scheduler=None, out=out, force=force, callback=None,
             modules=(), results=results)
    return results[0]


def _pool_task(i: int, c: Claim, budget: str, seed: int, modules: Sequence[str],
               mark: str | None) -> tuple[int, Verdict]:
    """Body of one task in a worker process: never raises; ``mark`` is a directory where
    the task keeps a file named ``i`` while it runs (what the parent reads when a worker
    dies, to know which claims were running)."""
    path = Path(mark) / str(i) if mark else None
    if path is not None:
        path.write_text(str(os.getpid()))
    try:
        try:
            load_claim_modules(modules)
            v = _run_experiment(c, budget, seed)
        except Exception as e:  # noqa: BLE001 - e.g. a module importable here but not there
            v = _error(c, budget, seed, f"the worker could not run it: {type(e).__name__}: {e}")
        try:
            pickle.dumps(v)
        except Exception as e:  # noqa: BLE001
            v = _error(c, budget, seed, "its verdict cannot be sent back from the worker "
                       f"({type(e).__name__}: {e})")
        return i, v
    finally:
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()


def _task(c: Claim, budget: str, seed: int, modules: Sequence[str]) -> Verdict:
    """Body of one Dask task."""
    return _pool_task(0, c, budget, seed, modules, None)[1]


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
        Worker processes (joblib, loky backend) when greater than 1; ``-1`` uses every
        core. A worker that dies fails only the claims it was running; each is retried
        alone in a fresh process and becomes an ``error`` when that dies too.
    scheduler : str or distributed.Client, optional
        Address of a Dask scheduler (``"tcp://host:8786"``) or a connected client: the
        claims run as Dask tasks on that cluster instead (``jobs`` is then ignored; a
        task whose workers keep dying is Dask's ``KilledWorker``, reported as ``error``).
    out : path, optional
        Report directory: verdicts are cached in ``out/cache/`` as each claim
        finishes, and (with ``report=True``) ``report.md``, ``results.json`` and plots
        are written there at the end — also, partially, when the run is interrupted.
        Another run computing a claim in the same ``out`` is waited for, not repeated.
    force : bool
        Ignore cached verdicts (those written by a concurrent run while this one
        waited for it are used).
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
        In the order of ``ids`` (catalogue order by default). A claim that could not
        run has status ``"error"``.

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
    bar, callback = _progress(progress, total)
    try:
        _execute(claims, budget, seed, jobs=jobs, scheduler=scheduler, out=out, force=force,
                 callback=callback, modules=modules, results=results)
    finally:
        if bar is not None:
            bar.stop()
        if out is not None and report:
            done = [results[i] for i in sorted(results)]
            write_report(done, out, complete=len(results) == total
                         and not any(v.get("status") == ERROR for v in done))
    return [results[i] for i in range(total)]


def _execute(claims: list[Claim], budget: str, seed: int, *, jobs: int, scheduler: Any,
             out: Any, force: bool, callback: ProgressCallback | None,
             modules: tuple[str, ...], results: dict[int, Verdict]) -> None:
    """Fill ``results[i]`` for every claim: from the cache, from a concurrent run that
    holds its lease, or by running it (serially, on a process pool or on Dask)."""
    total = len(claims)
    keys = [_key(c, budget, seed) for c in claims] if out is not None else []
    codes = [code_hash(c.experiment) for c in claims] if out is not None else []
    notes: dict[int, list[dict[str, str]]] = {}

    def note(i: int, level: str, message: str) -> None:
        lst = notes.setdefault(i, [])
        if all(n["message"] != message for n in lst):
            lst.append({"level": level, "message": message})
            if level == "warning":
                warnings.warn(f"{claims[i].id}: {message}", RuntimeWarning, stacklevel=4)

    def from_cache(i: int) -> Verdict | None:
        res = lookup(out, keys[i], codes[i])
        if res.note:
            note(i, res.level or "info", res.note)
        if res.verdict is not None:
            res.verdict["cached"] = True
        return res.verdict

    # searches over instance spaces keep their example database beside the verdicts
    search_db = None if out is None else Path(out) / "cache" / "search"
    with _database_env(search_db), \
            Leases(out) if out is not None else contextlib.nullcontext() as leases:

        def finish(i: int, v: Verdict) -> None:
            if out is not None:
                if not v.get("cached") and v.get("status") != ERROR:
                    try:
                        write_cached(out, keys[i], v, codes[i])
                    except OSError as e:
                        note(i, "warning", f"the verdict could not be cached "
                                           f"({type(e).__name__}: {e})")
                leases.release(keys[i])
            if notes.get(i):
                v["notes"] = list(notes[i])
            results[i] = v
            if callback is not None:
                callback(len(results), total, v)

        todo: list[int] = []
        for i in range(total):
            v = from_cache(i) if out is not None and not force else None
            if v is not None:
                finish(i, v)
            else:
                todo.append(i)
        waited: dict[int, int] = {}
        waiting: list[int] = []
        while todo or waiting:
            mine: list[int] = []
            for i in todo:
                if leases is None or waited.get(i, 0) > 20:  # a lease that cannot be had
                    mine.append(i)
                elif leases.acquire(keys[i]):
                    # another run may have finished it since we looked
                    v = from_cache(i) if (not force or i in waited) else None
                    if v is not None:
                        finish(i, v)
                    else:
                        mine.append(i)
                else:
                    waiting.append(i)
            todo = []
            if mine:
                _dispatch(claims, mine, budget, seed, modules, jobs, scheduler, finish,
                          results)
            if waiting:
                freed = _wait_for_any(leases, [keys[i] for i in waiting])
                for j in sorted(freed, reverse=True):
                    i = waiting.pop(j)
                    waited[i] = waited.get(i, 0) + 1
                    v = from_cache(i)
                    if v is not None:
                        finish(i, v)
                    else:  # its owner died or could not run it: take it over
                        todo.append(i)
                todo.sort()


def _wait_for_any(leases: Leases, keys: list[dict]) -> list[int]:
    """Block until at least one of ``keys`` has no live lease; their positions."""
    delay = 0.02
    while True:
        freed = [j for j, k in enumerate(keys) if leases.free(k)]
        if freed:
            return freed
        time.sleep(delay)
        delay = min(2 * delay, 0.5)


def _dispatch(claims: list[Claim], mine: list[int], budget: str, seed: int,
              modules: tuple[str, ...], jobs: int, scheduler: Any,
              finish: Callable[[int, Verdict], None], results: dict[int, Verdict]) -> None:
    if scheduler is not None:
        _run_dask(claims, mine, budget, seed, modules, scheduler, finish)
    elif jobs == 1 or len(mine) <= 1:
        for i in mine:
            finish(i, _run_experiment(claims[i], budget, seed))
    else:
        _run_joblib(claims, mine, budget, seed, modules, jobs, finish, results)


def _death(e: BaseException) -> str:
    """One line saying how a worker died (loky's message runs over several lines)."""
    text = str(e)
    first = text.strip().split("\n")[0].split(". ")[0].rstrip(".")
    m = re.search(r"exit codes? of the workers? (?:are|is) (\{[^}]*\})", text)
    return f"{type(e).__name__}: {first}" + (f", exit codes {m.group(1)}" if m else "")


def _run_joblib(claims: list[Claim], pending: list[int], budget: str, seed: int,
                modules: tuple[str, ...], jobs: int, finish: Callable[[int, Verdict], None],
                results: dict[int, Verdict]) -> None:
    """Run ``pending`` on a loky pool of ``jobs`` workers.

    When a worker dies the pool breaks: the claims that were running then (each task
    keeps a marker file while it runs) are rerun alone in fresh processes
    (:func:`_run_isolated`); the others go back to a new pool. A death is charged to a
    claim when it was the only one running; two charged deaths make it an ``error``.
    """
    from joblib import Parallel, delayed

    deaths: dict[int, int] = {}
    why: dict[int, str] = {}
    isolate: list[int] = []
    remaining = list(pending)
    with tempfile.TemporaryDirectory(prefix="provable-run-") as tmp:
        rnd = 0
        while remaining:
            rnd += 1
            mark = Path(tmp) / f"round{rnd}"
            mark.mkdir()
            par = Parallel(n_jobs=jobs, backend="loky", return_as="generator_unordered")
            gen = par(delayed(_pool_task)(i, claims[i], budget, seed, modules, str(mark))
                      for i in remaining)
            broken: Exception | None = None
            try:
                while True:
                    try:
                        i, v = next(gen)
                    except StopIteration:
                        break
                    except Exception as e:  # noqa: BLE001 - a worker died, the pool broke
                        broken = e
                        break
                    finish(i, v)
            finally:
                close = getattr(gen, "close", None)
                if close is not None:
                    with contextlib.suppress(Exception):
                        close()
            left = [i for i in remaining if i not in results]
            if broken is None or not left:
                remaining = []
                continue
            running = [i for i in left if (mark / str(i)).exists()] or left
            if len(running) == 1:
                deaths[running[0]] = deaths.get(running[0], 0) + 1
            for i in running:
                why[i] = _death(broken)
            isolate += running
            remaining = [i for i in left if i not in running]
    n = jobs if jobs > 0 else (os.cpu_count() or 1)
    _run_isolated(claims, isolate, budget, seed, modules, n, finish, deaths, why)


def _run_isolated(claims: list[Claim], queue: list[int], budget: str, seed: int,
                  modules: tuple[str, ...], n: int, finish: Callable[[int, Verdict], None],
                  deaths: dict[int, int], why: dict[int, str]) -> None:
    """Run each claim of ``queue`` alone in a fresh process, ``n`` at a time; a claim
    whose process dies is charged a death and retried until it has two."""
    from concurrent.futures import as_completed

    from joblib.externals.loky import ProcessPoolExecutor

    queue = list(queue)
    while queue:
        batch, queue = queue[:n], queue[n:]
        futures = {}
        execs = []
        try:
            for i in batch:
                ex = ProcessPoolExecutor(max_workers=1)
                execs.append(ex)
                futures[ex.submit(_pool_task, i, claims[i], budget, seed, modules, None)] = i
            for f in as_completed(futures):
                i = futures[f]
                try:
                    _, v = f.result()
                except Exception as e:  # noqa: BLE001 - its process died
                    deaths[i] = deaths.get(i, 0) + 1
                    why[i] = _death(e)
                    if deaths[i] < 2:
                        queue.append(i)
                        continue
                    v = _error(claims[i], budget, seed,
                               f"the worker process running it died {deaths[i]} times, the "
                               f"last time alone ({why[i]}); not cached, re-run to retry",
                               {"error": {"type": "WorkerDied", "message": why[i]}})
                finish(i, v)
        finally:
            for ex in execs:
                with contextlib.suppress(Exception):
                    ex.shutdown(wait=False, kill_workers=True)


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
                v = _error(claims[i], budget, seed,
                           f"the Dask worker running it failed ({type(e).__name__}: {e}); "
                           "not cached, re-run to retry")
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
