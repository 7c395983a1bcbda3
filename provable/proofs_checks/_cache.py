"""On-disk cache of verdicts: one JSON file per (claim, params, budget, seed, version).

The cache lives in ``<out>/cache/``. Each file is written as soon as its claim
finishes (atomically: write to a temporary file, then rename), so an interrupted
run resumes where it stopped. A file that cannot be read back is ignored with a
warning and the claim is recomputed.

Examples
--------
>>> import tempfile
>>> from provable.proofs_checks._verdict import Verdict
>>> out = tempfile.mkdtemp()
>>> key = cache_key("demo.claim", {"n": 10}, "quick", 0)
>>> v = Verdict(claim="demo.claim", status="holds", reason="residual 0")
>>> path = write_cached(out, key, v)
>>> read_cached(out, key).status
'holds'
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from provable.proofs_checks._verdict import Verdict

__all__ = ["CacheKey", "cache_key", "provable_version", "cache_path", "read_cached", "write_cached", "CACHE_DIR"]

CACHE_DIR = "cache"

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
    """A file-name-safe version of a claim id or label."""
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


def read_cached(out: str | os.PathLike, key: CacheKey) -> Verdict | None:
    """The cached verdict of ``key``, or ``None`` when absent or unreadable.

    A corrupt or mismatching file gives a :class:`RuntimeWarning` and ``None`` (the
    caller recomputes and overwrites it).
    """
    path = cache_path(out, key)
    if not path.is_file():
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            payload = json.load(fh)
        if payload.get("key", {}).get("hash") != key["hash"]:
            raise ValueError("the stored key does not match")
        return Verdict.from_dict(payload["verdict"])
    except Exception as e:  # noqa: BLE001 - any damage means "recompute"
        warnings.warn(f"cache file {str(path)!r} is unreadable ({type(e).__name__}: {e}); "
                      "recomputing the claim", RuntimeWarning, stacklevel=2)
        return None


def write_cached(out: str | os.PathLike, key: CacheKey, verdict: Verdict) -> Path:
    """Write ``verdict`` for ``key`` atomically; return the file path."""
    path = cache_path(out, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"key": key, "verdict": verdict.to_dict()}
    text = json.dumps(payload, indent=1, default=_json_default)
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
