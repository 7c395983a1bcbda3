"""On-disk cache of verdicts: one JSON file per (claim, params, budget, seed, version).

The cache lives in ``<out>/cache/``. Each file is written as soon as its claim
finishes (atomically: write to a temporary file, then rename), so an interrupted
run resumes where it stopped.

An entry is trusted only when everything about it checks out. Each file holds

* ``format``: the layout version (:data:`CACHE_FORMAT`);
* ``key``: what the verdict depends on (claim id, parameters, budget, seed,
  provable version) and its SHA-256 ``hash``, which also names the file;
* ``code``: :func:`code_hash`, a SHA-256 of the provable version, of every source
  file of the installed ``provable`` package and of the user's files the claim's
  experiment depends on (its own and those of the user's code it calls), as loaded
  by the process that computed the verdict;
* ``verdict``: the verdict;
* ``checksum``: a SHA-256 of the canonical JSON of the four fields above.

:func:`lookup` treats as a miss, and says why, an entry that is absent, not a
regular file (a directory in its place), unreadable, not JSON, of another format,
whose checksum does not match its content (edited or damaged), whose key is not the
one asked for, or whose code hash differs from the running code. Only claims that
ran write entries: a claim that could not run (status ``error``) is never cached.

Two runs sharing one ``out`` do not compute a claim twice: a run takes a *lease*
on an entry (:class:`Leases`, a lock file created with ``O_EXCL`` holding the
owner's host, pid and process start time) before computing it; another run waits
for the lease to go and then reads the entry. A lease whose owner has died is
stale and is broken.

Examples
--------
>>> import tempfile
>>> from provable.proofs_checks._verdict import Verdict
>>> out = tempfile.mkdtemp()
>>> key = cache_key("demo.claim", {"n": 10}, "quick", 0)
>>> v = Verdict(claim="demo.claim", status="holds", reason="residual 0")
>>> path = write_cached(out, key, v, code="c0de")
>>> read_cached(out, key, code="c0de").status
'holds'
>>> lookup(out, key, code="another").note
'the code that computed it has changed since (code hash differs): recomputed'
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
import socket
import tempfile
import threading
import time
import uuid
import warnings
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from provable.errors import InvalidArgument
from provable.proofs_checks._verdict import ERROR, Verdict

__all__ = ["CacheKey", "CacheLookup", "Leases", "cache_key", "code_hash", "user_sources",
           "provable_version",
           "cache_path", "lease_path", "lookup", "read_cached", "write_cached", "CACHE_DIR",
           "CACHE_FORMAT"]

CACHE_DIR = "cache"
#: Layout version of a cache file; entries of another format are recomputed.
CACHE_FORMAT = 2

CacheKey = dict[str, Any]


def _json_default(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (set, frozenset)):
        return sorted(v, key=repr)
    return repr(v)


def _safe(name: str) -> str:
    """A file-name-safe version of a claim id or label (not injective: the cache file
    name also carries the key hash)."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return s[:80] or "claim"


def provable_version() -> str:
    """``provable.__version__`` (from the installed metadata if the attribute is missing)."""
    import provable

    v = getattr(provable, "__version__", None)
    if v is None:  # e.g. a stale editable install that maps provable as a namespace
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("provable")
        except PackageNotFoundError:
            v = "unknown"
    return str(v)


@cache
def _file_digest(path: str) -> str:
    """SHA-256 of a source file, read once per process (the code this process loaded)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


@lru_cache(maxsize=256)
def _user_digest(path: str, stamp: tuple[int, int]) -> str:
    """SHA-256 of a source file outside the package, per (mtime, size) seen."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


@lru_cache(maxsize=1)
def _package_digest() -> str:
    """SHA-256 over the relative paths and contents of every ``provable/**/*.py``."""
    import provable

    root = Path(provable.__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(_file_digest(str(p)).encode() + b"\n")
    return h.hexdigest()


@lru_cache(maxsize=1)
def _library_roots() -> tuple[Path, ...]:
    """Folders whose files are installed code rather than a user's (the interpreter's
    prefixes and site-packages, and provable itself, hashed separately)."""
    import site
    import sys
    import sysconfig

    import provable

    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
            str(Path(provable.__file__).resolve().parent)}
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(name)
        if p:
            dirs.add(p)
    try:
        dirs.update(site.getsitepackages())
    except AttributeError:   # some virtualenvs' site module lacks it
        pass
    return tuple(Path(d).resolve() for d in dirs if d)


def _names(code: Any) -> set[str]:
    """Global names a code object and its nested functions refer to."""
    out = set(code.co_names)
    for c in code.co_consts:
        if inspect.iscode(c):
            out |= _names(c)
    return out


def user_sources(experiment: Callable[..., Any]) -> list[Path]:
    """The user's source files an experiment depends on: the file defining it and, through
    the global names its code uses (transitively), the files of the user's functions,
    classes and modules it calls. Files of the standard library, of installed packages
    and of provable are left out.

    Examples
    --------
    >>> import json
    >>> user_sources(json.dumps)       # installed code only: nothing of the user's
    []
    """
    roots = _library_roots()
    files: list[Path] = []
    seen: set[int] = set()
    stack: list[Any] = [experiment]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        try:
            obj = inspect.unwrap(obj)
            src = inspect.getsourcefile(obj)
        except (TypeError, ValueError):   # builtins, C extensions, objects without source
            continue
        if not src:
            continue
        path = Path(src).resolve()
        if any(r == path or r in path.parents for r in roots):
            continue
        if path not in files:
            files.append(path)
        if inspect.ismodule(obj):
            members = [v for v in vars(obj).values()
                       if getattr(v, "__module__", None) == obj.__name__]
        elif inspect.isclass(obj):
            members = [v for v in vars(obj).values() if inspect.isfunction(v)]
        else:
            code = getattr(obj, "__code__", None)
            glb = getattr(obj, "__globals__", {})
            members = [glb[n] for n in sorted(_names(code)) if n in glb] if code else []
            members += [c.cell_contents for c in (getattr(obj, "__closure__", None) or ())
                        if _has_contents(c)]
        stack.extend(m for m in members
                     if inspect.isfunction(m) or inspect.isclass(m) or inspect.ismodule(m)
                     or inspect.ismethod(m))
    return files


def _has_contents(cell: Any) -> bool:
    try:
        _ = cell.cell_contents
    except ValueError:   # an empty cell
        return False
    return True


def code_hash(experiment: Callable[..., Any] | None = None) -> str:
    """Hash of the code a verdict depends on.

    The provable version, every source file of the ``provable`` package and, when
    ``experiment`` is defined outside the package (a user's ``@claim``), the user's
    files it depends on (:func:`user_sources`: its own file and those of the user's
    functions, classes and modules it calls, followed through their global names). The
    package's files are read once per process (the hash describes the code the process
    loaded, not later edits on disk); a user's file is read again when its modification
    time or size changes (an edited, reloaded module).

    Parameters
    ----------
    experiment : callable, optional
        The claim's experiment function.

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> len(code_hash())
    64
    >>> code_hash() == code_hash()
    True
    """
    parts = [provable_version(), _package_digest()]
    if experiment is not None:
        for path in user_sources(experiment):
            try:
                st = path.stat()
                stamp = (st.st_mtime_ns, st.st_size)
            except OSError:
                stamp = (0, 0)
            parts.append(f"{path.name}:{_user_digest(str(path), stamp)}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cache_key(claim_id: str, params: dict[str, Any], budget: str, seed: int,
              version: str | None = None) -> CacheKey:
    """Everything a cached verdict depends on, plus its hash (``key["hash"]``).

    Parameters
    ----------
    claim_id : str
        Claim id.
    params : dict
        The experiment parameters of ``budget``.
    budget : str
        ``"quick"`` or ``"full"``.
    seed : int
        Experiment seed.
    version : str, optional
        ``provable.__version__`` (the default): a new release invalidates the cache.

    Returns
    -------
    dict
        ``{"claim", "params", "budget", "seed", "version", "hash"}``.
    """
    if version is None:
        version = provable_version()
    body = {"claim": claim_id, "params": params, "budget": budget, "seed": int(seed),
            "version": version}
    text = json.dumps(body, sort_keys=True, default=_json_default)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return {**json.loads(text), "hash": digest}


def cache_path(out: str | os.PathLike, key: CacheKey) -> Path:
    """Path of the cache file of ``key`` under ``out/cache/``."""
    name = f"{_safe(key['claim'])}__{key['budget']}__s{key['seed']}__{key['hash'][:16]}.json"
    return Path(out) / CACHE_DIR / name


def lease_path(out: str | os.PathLike, key: CacheKey) -> Path:
    """Path of the lease (lock) file of ``key``: the cache file's name plus ``.lock``."""
    p = cache_path(out, key)
    return p.with_name(p.name + ".lock")


def _canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=True)


def _checksum(body: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(body).encode()).hexdigest()


class CacheLookup(NamedTuple):
    """Result of :func:`lookup`: the verdict (``None`` on a miss), why it missed
    (``None`` on a hit or when there was no entry at all) and how serious that is
    (``"warning"`` for a damaged or edited entry, ``"info"`` for a stale one)."""

    verdict: Verdict | None
    note: str | None = None
    level: str | None = None


def lookup(out: str | os.PathLike, key: CacheKey, code: str) -> CacheLookup:
    """Read the entry of ``key`` if it is intact and was computed by the same code.

    Parameters
    ----------
    out : path
        Report directory.
    key : dict
        From :func:`cache_key`.
    code : str
        :func:`code_hash` of the claim's experiment.

    Returns
    -------
    CacheLookup
        Never raises for anything found on disk.
    """
    path = cache_path(out, key)

    def damaged(why: str) -> CacheLookup:
        return CacheLookup(None, f"cache entry {str(path)!r} {why}: recomputed", "warning")

    try:
        if not path.exists() and not path.is_symlink():
            return CacheLookup(None)
        if not path.is_file():
            return damaged("is not a regular file")
        with open(path, encoding="utf-8") as fh:
            payload = json.load(fh)
    except (OSError, ValueError, RecursionError) as e:
        return damaged(f"is unreadable ({type(e).__name__}: {e})")
    if not isinstance(payload, dict):
        return damaged(f"holds a JSON {type(payload).__name__}, expected an object")
    if payload.get("format") != CACHE_FORMAT:
        return CacheLookup(None, f"cache entry {str(path)!r} has format "
                           f"{payload.get('format')!r}, expected {CACHE_FORMAT}: recomputed",
                           "info")
    body = {k: payload.get(k) for k in ("format", "key", "code", "verdict")}
    try:
        ok = _checksum(body) == payload.get("checksum")
    except (TypeError, ValueError, RecursionError):
        ok = False
    if not ok:
        return damaged("does not match its checksum (edited or damaged)")
    stored = payload["key"]
    if not isinstance(stored, dict) or stored.get("hash") != key["hash"]:
        return damaged("was stored under another key")
    if payload["code"] != code:
        return CacheLookup(None, "the code that computed it has changed since (code hash "
                           "differs): recomputed", "info")
    try:
        v = Verdict.from_dict(payload["verdict"])
    except Exception as e:  # noqa: BLE001 - a well-formed file holding a malformed verdict
        return damaged(f"holds no valid verdict ({type(e).__name__}: {e})")
    if v.get("status") == ERROR:
        return damaged("holds a claim that could not run, which is never cached")
    return CacheLookup(v)


def read_cached(out: str | os.PathLike, key: CacheKey, code: str | None = None
                ) -> Verdict | None:
    """The cached verdict of ``key``, or ``None`` when absent, damaged or stale.

    A damaged entry (see :func:`lookup`) also gives a :class:`RuntimeWarning`; the
    caller recomputes and overwrites it. ``code`` defaults to :func:`code_hash` of no
    experiment.
    """
    res = lookup(out, key, code_hash() if code is None else code)
    if res.level == "warning":
        warnings.warn(res.note, RuntimeWarning, stacklevel=2)
    return res.verdict


def write_cached(out: str | os.PathLike, key: CacheKey, verdict: Verdict,
                 code: str | None = None) -> Path:
    """Write ``verdict`` for ``key`` atomically; return the file path.

    Raises :class:`~provable.errors.InvalidArgument` for a verdict of status
    ``error`` (a claim that could not run is never cached) and :class:`OSError` when
    the file cannot be written (e.g. a directory stands in its place). ``code``
    defaults to :func:`code_hash` of no experiment.
    """
    if verdict.get("status") == ERROR:
        raise InvalidArgument(f"verdict of {verdict.get('claim')!r} has status 'error', "
                              "expected a verdict: a claim that could not run is not cached")
    path = cache_path(out, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    d = {k: v for k, v in verdict.to_dict().items() if k not in ("cached", "notes")}
    body = json.loads(json.dumps({"format": CACHE_FORMAT, "key": key,
                                  "code": code_hash() if code is None else code,
                                  "verdict": d}, default=_json_default))
    payload = {**body, "checksum": _checksum(body)}
    text = json.dumps(payload, indent=1)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


# ---------------------------------------------------------------------------- leases

_TOKEN = uuid.uuid4().hex  # tells this process from an earlier one that had the same pid
#: A lease taken on another host is stale once its file has not been refreshed for
#: this many seconds (its owner refreshes it every ``_HEARTBEAT`` seconds).
LEASE_TTL = 600.0
_HEARTBEAT = 60.0


def _proc_start(pid: int) -> str | None:
    """Start time of process ``pid`` in clock ticks since boot (Linux), else ``None``."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            stat = fh.read()
        return stat.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except (OverflowError, ValueError):
        return False
    return True


def _owner() -> dict[str, Any]:
    pid = os.getpid()
    return {"host": socket.gethostname(), "pid": pid, "start": _proc_start(pid),
            "token": _TOKEN, "time": time.time()}


def _stale(path: Path, text: str) -> bool:
    """Whether the lease file ``path`` (content ``text``) belongs to no running process."""
    try:
        info = json.loads(text)
        host, pid = str(info["host"]), int(info["pid"])
    except (ValueError, KeyError, TypeError, RecursionError):
        # unreadable: a writer between O_EXCL and its write, or garbage; judge by age
        try:
            return time.time() - path.stat().st_mtime > 5.0
        except OSError:
            return False
    if host != socket.gethostname():
        try:
            return time.time() - path.stat().st_mtime > LEASE_TTL
        except OSError:
            return False
    if pid == os.getpid():
        return info.get("token") != _TOKEN  # an earlier process with our pid
    if not _alive(pid):
        return True
    start = info.get("start")
    now = _proc_start(pid)
    return start is not None and now is not None and str(start) != now  # pid reused


def _break(path: Path, seen: str) -> None:
    """Remove the stale lease ``path`` unless it changed since it was judged stale."""
    grave = path.with_name(f"{path.name}.stale-{os.getpid()}-{time.time_ns()}")
    try:
        os.rename(path, grave)
    except OSError:
        return  # gone already: another run broke it
    try:
        if grave.read_text(encoding="utf-8", errors="replace") != seen:
            try:  # a fresh lease was taken in between: put it back
                os.link(grave, path)
            except OSError:
                pass
    except OSError:
        pass
    finally:
        try:
            os.unlink(grave)
        except OSError:
            pass


class Leases:
    """The leases one run holds on cache entries of ``out``.

    Use as a context manager: leaving it releases every lease still held. While
    any is held, a background thread refreshes their files (so that a run on another
    host sharing ``out`` sees them alive).

    Examples
    --------
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> key = cache_key("demo.claim", {}, "quick", 0)
    >>> with Leases(out) as mine:
    ...     mine.acquire(key), Leases(out).acquire(key)
    (True, False)
    >>> with Leases(out) as again:  # released on leaving the block
    ...     again.acquire(key)
    True
    """

    def __init__(self, out: str | os.PathLike) -> None:
        self.out = out
        self._held: dict[str, Path] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Leases:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release_all()

    def acquire(self, key: CacheKey) -> bool:
        """Take the lease of ``key``: ``True`` when this run holds it now (breaking a
        stale one), ``False`` when a running process holds it. A lease that cannot be
        created at all (a read-only directory) counts as taken by this run."""
        if key["hash"] in self._held:
            return True
        path = lease_path(self.out, key)
        text = json.dumps(_owner())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return True  # nowhere to put a lease: run unguarded (the cache write says why)
        for _ in range(3):
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if not path.is_file():
                    return True  # a directory or a device in its place: run unguarded
                try:
                    seen = path.read_text(encoding="utf-8", errors="replace")
                except FileNotFoundError:
                    continue  # released between the two calls: try again
                except OSError:
                    return True
                if not _stale(path, seen):
                    return False
                _break(path, seen)
                continue
            except OSError:
                return True
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            with self._lock:
                self._held[key["hash"]] = path
            self._start_heartbeat()
            return True
        return False

    def free(self, key: CacheKey) -> bool:
        """Whether nobody (alive) holds the lease of ``key``."""
        if key["hash"] in self._held:
            return True
        path = lease_path(self.out, key)
        try:
            if not path.is_file():
                return True  # absent, or not a lease at all (acquire ignores it too)
            seen = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return True
        return _stale(path, seen)

    def release(self, key: CacheKey) -> None:
        """Give back the lease of ``key`` (no-op when not held)."""
        with self._lock:
            path = self._held.pop(key["hash"], None)
        if path is not None:
            try:
                os.unlink(path)
            except OSError:
                pass

    def release_all(self) -> None:
        """Give back every lease held."""
        self._stop.set()
        self._thread = None
        with self._lock:
            paths = list(self._held.values())
            self._held.clear()
        for p in paths:
            try:
                os.unlink(p)
            except OSError:
                pass

    def _start_heartbeat(self) -> None:
        if self._thread is not None:
            return
        stop = self._stop = threading.Event()

        def beat() -> None:
            while not stop.wait(_HEARTBEAT):
                with self._lock:
                    paths = list(self._held.values())
                for p in paths:
                    try:
                        os.utime(p)
                    except OSError:
                        pass

        self._thread = threading.Thread(target=beat, name="provable-leases", daemon=True)
        self._thread.start()
