"""Result base class: a dict with attribute access and an ordered, readable repr.

Modelled on scipy's ``OptimizeResult``: every result family in provable
(``SolveResult``, ``LearnResult``, ``Verdict`` …) subclasses it with fixed fields.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["RichResult"]


def _short(v: Any) -> str:
    if isinstance(v, np.ndarray):
        if v.size <= 8:
            return np.array2string(v, precision=6, separator=", ")
        return f"array(shape={v.shape}, dtype={v.dtype})"
    if isinstance(v, float):
        return f"{v:.6g}"
    r = repr(v)
    return r if len(r) <= 80 else r[:77] + "..."


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if hasattr(v, "to_dict"):
        return v.to_dict()
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return repr(v)


class RichResult(dict):
    """A dict whose keys are also attributes. Subclasses list ``_fields`` for the repr order."""

    _fields: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        del self[name]

    def __dir__(self) -> list[str]:
        return list(self.keys()) + list(super().__dir__())

    def __repr__(self) -> str:
        keys = [k for k in self._fields if k in self] + [k for k in self if k not in self._fields]
        if not keys:
            return f"{type(self).__name__}()"
        w = max(len(k) for k in keys)
        lines = [f"{k.rjust(w)}: {_short(self[k])}" for k in keys]
        return f"{type(self).__name__}(\n" + "\n".join("  " + ln for ln in lines) + "\n)"

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable copy (arrays become lists)."""
        return {k: _jsonable(v) for k, v in self.items()}
