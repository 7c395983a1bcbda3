"""Save and load tabular MDPs as ``.npz`` or ``.json``."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from provable.errors import InvalidArgument, InvalidModel

if TYPE_CHECKING:
    from provable.mdp._tabular import TabularMDP

__all__ = ["save", "load"]


def _ext(path: str) -> str:
    ext = os.path.splitext(str(path))[1].lower()
    if ext not in (".npz", ".json"):
        raise InvalidArgument(f"path={str(path)!r} has extension {ext!r}, expected .npz or .json")
    return ext


def save(mdp: TabularMDP, path: str) -> None:
    """Write ``mdp`` to ``path`` (``.npz`` keeps sparse matrices sparse)."""
    ext = _ext(path)
    meta = {"gamma": mdp.gamma, "horizon": mdp.horizon}
    if ext == ".npz":
        arrays = {"R": mdp.R, "meta": np.array(json.dumps(meta))}
        if mdp.sparse:
            P = mdp.P
            arrays.update(P_data=P.data, P_indices=P.indices, P_indptr=P.indptr,
                          P_shape=np.array(P.shape))
        else:
            arrays["P"] = mdp.P
        np.savez_compressed(path, **arrays)
    else:
        doc = {"P": mdp.dense_P().tolist(), "R": mdp.R.tolist(), **meta}
        with open(path, "w") as f:
            json.dump(doc, f)


def load(path: str) -> TabularMDP:
    """Read a model written by :func:`save`, or a ``.json``/``.npz`` with keys
    ``P``, ``R`` and optionally ``gamma``, ``horizon``."""
    from provable.mdp._tabular import TabularMDP

    ext = _ext(path)
    if not os.path.exists(path):
        raise InvalidArgument(f"path={str(path)!r} does not exist")
    if ext == ".npz":
        with np.load(path, allow_pickle=False) as z:
            keys = set(z.files)
            meta = json.loads(str(z["meta"])) if "meta" in keys else {}
            for k in ("gamma", "horizon"):
                if k in keys:
                    meta[k] = z[k].item()
            if "P" in keys:
                P = z["P"]
            elif "P_data" in keys:
                P = sp.csr_matrix((z["P_data"], z["P_indices"], z["P_indptr"]),
                                  shape=tuple(z["P_shape"]))
            else:
                raise InvalidModel(f"{path}: no array 'P' (found {sorted(keys)})")
            if "R" not in keys:
                raise InvalidModel(f"{path}: no array 'R' (found {sorted(keys)})")
            R = z["R"]
    else:
        with open(path) as f:
            try:
                doc = json.load(f)
            except json.JSONDecodeError as e:
                raise InvalidModel(f"{path}: not valid JSON ({e})") from None
        missing = [k for k in ("P", "R") if k not in doc]
        if missing:
            raise InvalidModel(f"{path}: missing key(s) {missing}, expected 'P' and 'R'")
        P, R, meta = doc["P"], doc["R"], doc
    return TabularMDP(P, R, gamma=meta.get("gamma"), horizon=meta.get("horizon"))
