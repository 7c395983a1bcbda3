"""The verdict of a claim check."""

from __future__ import annotations

from typing import Any

from provable._result import RichResult
from provable.errors import InvalidArgument

__all__ = ["Verdict", "STATUSES", "VERDICT_STATUSES", "ERROR"]

#: What an experiment can conclude about its claim.
VERDICT_STATUSES = ("holds", "violated", "inconclusive")
#: The status of a claim that could not run (its experiment raised, its worker process
#: died twice): not a verdict, never cached, and ``provable verify`` exits 3.
ERROR = "error"
STATUSES = (*VERDICT_STATUSES, ERROR)


class Verdict(RichResult):
    """Outcome of checking one claim.

    Attributes
    ----------
    claim : str
        Claim id (``"nash_mp.last_iterate"``) or a user label.
    status : {"holds", "violated", "inconclusive", "error"}
        The verdict. ``inconclusive`` always comes with a ``reason``. ``error`` is not a
        verdict: the claim could not run (its experiment raised, or the worker process
        running it died twice); the reason says why, and the runner never caches it.
    measured : float or None
        The statistic measured (a fitted exponent, a max residual, …).
    expected : float or None
        What the claim says the statistic should be (or bound it by).
    ci : tuple of float or None
        Confidence interval of ``measured`` (bootstrap over seeds) when it has one.
    tolerance : float
        Slack allowed around ``expected``.
    reason : str
        One sentence a reader can check: why the status is what it is.
    data : dict
        The raw numbers (grid, per-seed values, fit) for plots and reports.
    control : Verdict or None
        The negative control: the same harness run against a deliberately wrong
        expectation. A trustworthy harness says ``violated`` there.

    Examples
    --------
    >>> v = Verdict(claim="demo", status="holds", measured=0.49, expected=0.5,
    ...             ci=(0.47, 0.51), tolerance=0.05, reason="CI below 0.55")
    >>> v.ok
    True
    """

    _fields = ("claim", "status", "measured", "expected", "ci", "tolerance", "reason",
               "seconds", "control", "data")

    def __init__(self, *, claim: str, status: str, measured: Any = None, expected: Any = None,
                 ci: tuple[float, float] | None = None, tolerance: float = 0.0,
                 reason: str = "", data: dict | None = None, **extra: Any) -> None:
        if status not in STATUSES:
            raise InvalidArgument(f"status={status!r}, expected one of {STATUSES}")
        if status in ("inconclusive", ERROR) and not reason:
            raise InvalidArgument(f"status={status!r} needs a reason")
        super().__init__(claim=claim, status=status, measured=measured, expected=expected,
                         ci=None if ci is None else (float(ci[0]), float(ci[1])),
                         tolerance=float(tolerance), reason=reason, data=data or {}, **extra)

    @property
    def ok(self) -> bool:
        """``True`` when the status is ``holds``."""
        return self["status"] == "holds"

    @property
    def is_error(self) -> bool:
        """``True`` when the claim could not run (status ``error``): not a verdict."""
        return self["status"] == ERROR

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Verdict:
        """Rebuild a verdict from :meth:`to_dict` output (the cache and results.json)."""
        d = dict(d)
        ctrl = d.pop("control", None)
        v = cls(**d)
        if ctrl is not None:
            v["control"] = cls.from_dict(ctrl)
        return v
