"""Registry look-ups: :func:`get`, :func:`search`, :func:`all`."""

from __future__ import annotations

import builtins

from provable._validation import check_choice, suggest
from provable.bounds._rate import KINDS, QUANTITIES, SETTINGS, Rate
from provable.bounds._registry import registry
from provable.errors import InvalidType, UnknownName

__all__ = ["get", "search", "all"]


def get(id: str) -> Rate:
    """The rate registered under ``id``.

    Raises
    ------
    UnknownName
        With the nearest registered ids.

    Examples
    --------
    >>> from provable import bounds
    >>> bounds.get("ucbvi.regret").exponent("T")
    1/2
    """
    if not isinstance(id, str):
        raise InvalidType(f"id={id!r} has type {type(id).__name__}, expected a rate id (str)")
    reg = registry()
    if id in reg:
        return reg[id]
    near = suggest(id, reg, n=5)
    if not near:
        near = [k for k in reg if k.split(".")[0] == id.split(".")[0]][:5]
    hint = f" Did you mean {', '.join(repr(v) for v in near)}?" if near else ""
    raise UnknownName(f"id={id!r} is not a registered rate ({len(reg)} rates; "
                      f"see provable.bounds.all()).{hint}")


def all() -> list[Rate]:  # noqa: A001 - public name required by the API
    """Every registered rate, in registry order.

    Examples
    --------
    >>> from provable import bounds
    >>> len(bounds.all()) >= 40
    True
    """
    return builtins.list(registry().values())


def search(setting: str | None = None, quantity: str | None = None, kind: str | None = None,
           text: str | None = None, origin: str | None = None) -> list[Rate]:
    """Rates matching every given filter.

    Parameters
    ----------
    setting, quantity, kind : str, optional
        Exact values (validated, with "did you mean" suggestions).
    text : str, optional
        Case-insensitive substring of the id, algorithm, title, authors, convention or note.
    origin : {"seed", "reference"}, optional

    Examples
    --------
    >>> from provable import bounds
    >>> [r.id for r in bounds.search(setting="average-reward MDP")]
    ['avg_reward.tmix', 'avg_reward.tmix_prior', 'avg_reward.tmix_lower']
    """
    if setting is not None:
        check_choice("setting", setting, SETTINGS)
    if quantity is not None:
        check_choice("quantity", quantity, QUANTITIES)
    if kind is not None:
        check_choice("kind", kind, KINDS)
    if origin is not None:
        check_choice("origin", origin, ("seed", "reference"))
    if text is not None and not isinstance(text, str):
        raise InvalidType(f"text={text!r} has type {type(text).__name__}, expected str")
    out = []
    for r in registry().values():
        if setting is not None and r.setting != setting:
            continue
        if quantity is not None and r.quantity != quantity:
            continue
        if kind is not None and r.kind != kind:
            continue
        if origin is not None and r.citation.origin != origin:
            continue
        if text is not None:
            hay = " ".join(str(x) for x in (
                r.id, r.algorithm, r.citation.title, r.citation.authors, r.convention,
                r.note or "", r.citation.note or "")).lower()
            if text.lower() not in hay:
                continue
        out.append(r)
    return out
