"""The ``.npz`` and ``.json`` model formats: bounded, fully checked reading and writing of
the raw arrays. Nothing here knows about models; :mod:`provable.mdp._tabular` builds and
validates the :class:`~provable.mdp.TabularMDP`.

Reading is bounded before anything is allocated: the sizes an ``.npz`` declares (in its
zip directory and in every ``.npy`` header) and the size of a ``.json`` text are checked
against ``max_bytes`` (default :data:`provable._validation.DEFAULT_MAX_BYTES`, 4 GiB,
or the environment variable ``PROVABLE_MAX_BYTES``). Every problem with a file raises
:class:`~provable.errors.InvalidModel` (or :class:`~provable.errors.InvalidArgument` for
the path and the cap) naming the file and the field.
"""

from __future__ import annotations

import json
import math
import os
import zipfile
import zlib
from typing import Any

import numpy as np

from provable._validation import _short, check_memory, format_bytes, max_bytes_default
from provable.errors import InvalidArgument, InvalidModel, InvalidType, ProvableError

__all__ = ["ARRAY_KEYS", "JSON_BYTES_FACTOR", "file_ext", "read_model_file", "write_model_file"]

#: the entries a model file may hold; others are ignored (and never read)
ARRAY_KEYS = ("P", "R", "meta", "gamma", "horizon", "P_data", "P_indices", "P_indptr", "P_shape")
_SPARSE_KEYS = ("P_data", "P_indices", "P_indptr", "P_shape")
#: a ``.json`` text may be at most ``max_bytes / JSON_BYTES_FACTOR`` bytes: each number
#: of the text becomes a Python float (32 bytes with its list slot) and then a float64
JSON_BYTES_FACTOR = 4
_META_MAX_CHARS = 1 << 16


def file_ext(path: Any) -> str:
    """``'.npz'`` or ``'.json'`` (lower case), else :class:`InvalidArgument`."""
    ext = os.path.splitext(str(path))[1].lower()
    if ext not in (".npz", ".json"):
        raise InvalidArgument(f"path={str(path)!r} has extension {ext!r}, expected .npz or .json")
    return ext


def read_model_file(path: Any, *, max_bytes: int | None = None) -> dict[str, Any]:
    """Read the raw content of a model file.

    Returns a dict with ``R`` (array or nested lists), ``gamma`` and ``horizon`` (scalars
    or None) and either ``P`` (dense array or nested lists) or ``P_data``, ``P_indices``,
    ``P_indptr``, ``P_shape`` (the CSR arrays, not yet checked). Raises
    :class:`InvalidModel` naming the file and the field for any malformed content.
    """
    path = str(path)
    ext = file_ext(path)
    cap = max_bytes_default() if max_bytes is None else max_bytes
    if not os.path.exists(path):
        raise InvalidArgument(f"path={path!r} does not exist")
    if not os.path.isfile(path):
        raise InvalidArgument(f"path={path!r} is not a regular file")
    try:
        doc = _read_npz(path, cap) if ext == ".npz" else _read_json(path, cap)
    except OSError as e:
        raise InvalidArgument(f"{path}: cannot be read ({e.strerror or e})") from None
    found = sorted(k for k in doc if k not in ("gamma", "horizon") or doc[k] is not None)
    if "P" not in doc and not any(k in doc for k in _SPARSE_KEYS):
        raise InvalidModel(f"{path}: no 'P' (nor the sparse 'P_data', 'P_indices', 'P_indptr', "
                           f"'P_shape'); found {found}")
    if "P" not in doc:
        missing = [k for k in _SPARSE_KEYS if k not in doc]
        if missing:
            raise InvalidModel(f"{path}: sparse P lacks {missing}, expected all of "
                               f"{list(_SPARSE_KEYS)}")
    if "R" not in doc:
        raise InvalidModel(f"{path}: no 'R' (found {found})")
    return doc


# ---------------------------------------------------------------------------- npz

def _read_npz(path: str, cap: int) -> dict[str, Any]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError,
            NotImplementedError) as e:
        raise InvalidModel(f"{path}: not a valid .npz (zip) archive ({e})") from None
    with zf:
        members: dict[str, zipfile.ZipInfo] = {}
        for info in zf.infolist():
            key = info.filename[:-4] if info.filename.endswith(".npy") else None
            if key in ARRAY_KEYS:
                if key in members:
                    raise InvalidModel(f"{path}: entry {info.filename!r} appears twice")
                members[key] = info
        declared = sum(int(i.file_size) for i in members.values())
        check_memory(f"{path}: its arrays, uncompressed as the archive declares,",
                     declared, cap)
        arrays = {key: _read_member(zf, info, path, cap) for key, info in members.items()}
    doc: dict[str, Any] = {k: v for k, v in arrays.items() if k not in ("meta", "gamma", "horizon")}
    meta: dict[str, Any] = {}
    if "meta" in arrays:
        meta = _parse_meta(path, arrays["meta"])
    for k in ("gamma", "horizon"):
        if k in arrays:
            a = arrays[k]
            if a.size != 1:
                raise InvalidModel(f"{path}: '{k}' has shape {a.shape}, expected a single number")
            meta[k] = a.reshape(()).item()
    doc["gamma"] = meta.get("gamma")
    doc["horizon"] = meta.get("horizon")
    return doc


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, cap: int) -> np.ndarray:
    fmt = np.lib.format
    where = f"{path}: entry {info.filename!r}"
    try:
        with zf.open(info) as f:
            version = fmt.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = fmt.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, fortran, dtype = fmt.read_array_header_2_0(f)
            else:
                raise InvalidModel(f"{where}: .npy format version {version} is not supported, "
                                   "expected 1.0 or 2.0")
            if dtype.hasobject:
                raise InvalidModel(f"{where} holds Python objects (pickled data), which are "
                                   "never loaded; expected numbers")
            if dtype.shape != () or dtype.itemsize == 0:
                raise InvalidModel(f"{where} has dtype {dtype}, expected plain numbers")
            if any((not isinstance(n, int)) or n < 0 for n in shape):
                raise InvalidModel(f"{where} declares shape {shape}, expected non-negative sizes")
            count = math.prod(shape)
            nbytes = count * dtype.itemsize
            if nbytes > info.file_size:
                raise InvalidModel(f"{where} declares shape {shape} of {dtype} "
                                   f"({format_bytes(nbytes)}) but holds only "
                                   f"{format_bytes(info.file_size)}: truncated or corrupt")
            check_memory(f"{where}: shape {shape} of {dtype}", nbytes, cap)
            buf = np.empty(nbytes, dtype=np.uint8)
            view, pos = memoryview(buf), 0
            while pos < nbytes:
                n = f.readinto(view[pos:])
                if not n:
                    break
                pos += n
            if pos < nbytes:
                raise InvalidModel(f"{where}: {pos} of the {nbytes} data bytes its header "
                                   "declares are present: truncated")
            if f.read(1):  # reading to the end also makes zipfile verify the CRC-32
                raise InvalidModel(f"{where} holds more bytes than its header declares "
                                   f"(shape {shape} of {dtype}): corrupt")
            arr = buf.view(dtype)
            return arr.reshape(shape[::-1]).T if fortran else arr.reshape(shape)
    except ProvableError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, SyntaxError, OSError,
            NotImplementedError, RuntimeError, TypeError, KeyError, OverflowError) as e:
        raise InvalidModel(f"{where} is corrupt ({type(e).__name__}: {_short(str(e), 160)})") from None


def _parse_meta(path: str, arr: np.ndarray) -> dict[str, Any]:
    if arr.dtype.kind not in "US" or arr.size != 1:
        raise InvalidModel(f"{path}: 'meta' has dtype {arr.dtype} and shape {arr.shape}, "
                           "expected a single JSON string")
    text = arr.reshape(()).item()
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InvalidModel(f"{path}: 'meta' is not UTF-8 ({e.reason} at byte {e.start})") from None
    if len(text) > _META_MAX_CHARS:
        raise InvalidModel(f"{path}: 'meta' has {len(text)} characters, expected at most "
                           f"{_META_MAX_CHARS} (it holds only gamma and horizon)")
    meta = _json_loads(text, f"{path}: 'meta'")
    if not isinstance(meta, dict):
        raise InvalidModel(f"{path}: 'meta' is a JSON {type(meta).__name__}, expected an object "
                           "with keys 'gamma' and 'horizon'")
    return meta


# ---------------------------------------------------------------------------- json

def _json_loads(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InvalidModel(f"{where} is not valid JSON ({e.msg} at line {e.lineno} "
                           f"column {e.colno})") from None
    except RecursionError:
        raise InvalidModel(f"{where} is JSON nested too deeply to read (a model needs at most "
                           "4 levels of lists)") from None
    except ValueError as e:  # e.g. an integer literal beyond Python's 4300-digit limit
        raise InvalidModel(f"{where} holds a number that cannot be read "
                           f"({_short(str(e), 100)})") from None


def _read_json(path: str, cap: int) -> dict[str, Any]:
    size = os.path.getsize(path)
    limit = cap // JSON_BYTES_FACTOR
    if size > limit:
        raise InvalidArgument(
            f"{path}: a .json of {format_bytes(size)} is above max_bytes/{JSON_BYTES_FACTOR} = "
            f"{format_bytes(limit)} (JSON numbers take several times their text size in "
            "memory); store large models as .npz, or raise max_bytes / PROVABLE_MAX_BYTES")
    with open(path, "rb") as f:
        raw = f.read(limit + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidModel(f"{path}: not UTF-8 text (byte 0x{raw[e.start]:02x} at offset "
                           f"{e.start}), expected a UTF-8 JSON document") from None
    doc = _json_loads(text, path)
    if not isinstance(doc, dict):
        raise InvalidModel(f"{path}: the document is a JSON {type(doc).__name__}, expected an "
                           "object with keys 'P', 'R' and optionally 'gamma', 'horizon'")
    out = {k: doc[k] for k in ("P", "R", *_SPARSE_KEYS) if k in doc}
    out["gamma"], out["horizon"] = doc.get("gamma"), doc.get("horizon")
    return out


# ---------------------------------------------------------------------------- writing

def write_model_file(path: Any, *, P: Any, R: np.ndarray, gamma: float | None,
                     horizon: int | None) -> None:
    """Write a model: ``P`` a dense array or a scipy CSR matrix (kept sparse in both
    formats: ``.json`` stores ``P_data``, ``P_indices``, ``P_indptr``, ``P_shape``)."""
    path = str(path)
    ext = file_ext(path)
    meta = {"gamma": gamma, "horizon": horizon}
    sparse = hasattr(P, "indptr")
    if sparse:
        arrays = {"P_data": P.data, "P_indices": P.indices, "P_indptr": P.indptr,
                  "P_shape": np.array(P.shape, dtype=np.int64)}
    elif isinstance(P, np.ndarray):
        arrays = {"P": P}
    else:  # pragma: no cover - callers pass arrays
        raise InvalidType(f"P has type {type(P).__name__}, expected an array or CSR matrix")
    if ext == ".npz":
        np.savez_compressed(path, R=R, meta=np.array(json.dumps(meta)), **arrays)
    else:
        doc = {k: v.tolist() for k, v in arrays.items()}
        doc.update(R=R.tolist(), **meta)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f)
