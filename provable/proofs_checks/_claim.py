"""Claims: a theorem as an executable experiment with a verdict.

A claim module (``provable/proofs_checks/claims/<area>.py``) registers each claim with
:func:`claim`::

    @claim(
        id="kl_rl.bayes_posterior",
        statement="J_beta(pi) = beta log Z - beta KL(pi || pi*)",
        kind="identity",
        citation=Citation(...),
        budgets={"quick": {"n": 50}, "full": {"n": 2000}},
    )
    def _kl_rl_bayes(params: dict, seed: int) -> Verdict:
        ...
        return residual_verdict(residual, tol=1e-9, control_residual=wrong, what="...")

The experiment returns a :class:`Verdict` *with its negative control attached*
(built by :func:`rate_verdict` / :func:`residual_verdict` / :func:`flags_verdict`).
The runner fills in ``claim`` and ``seconds``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from provable._validation import check_choice, check_real, suggest
from provable.bounds._citation import Citation
from provable.errors import InvalidArgument, InvalidType, UnknownName
from provable.proofs_checks._stats import (
    MIN_SEEDS,
    fit_exponent,
    judge_all_true,
    judge_exponent,
    judge_residual,
)
from provable.proofs_checks._verdict import Verdict

__all__ = ["Claim", "Mutant", "claim", "catalogue", "get_claim", "rate_verdict",
           "residual_verdict", "flags_verdict", "CLAIM_KINDS", "BUDGETS"]

CLAIM_KINDS = ("rate_upper", "rate_lower", "rate_tight", "bound_holds", "identity",
               "inequality", "property")
BUDGETS = ("quick", "full")

# modules that register claims; imported on first use of the catalogue
_CLAIM_MODULES = [
    "provable.proofs_checks.claims.bandits",
    "provable.proofs_checks.claims.online",
    "provable.proofs_checks.claims.games",
    "provable.proofs_checks.claims.alignment",
    "provable.proofs_checks.claims.tabular",
    "provable.proofs_checks.claims.rl",
    "provable.proofs_checks.claims.rl_preference_generative",
    "provable.proofs_checks.claims.rl_imitation_actor_critic",
    "provable.proofs_checks.claims.rl_dueling",
    "provable.proofs_checks.claims.policy_gradient",
    "provable.proofs_checks.claims.automata",
    "provable.proofs_checks.claims.linear",
    "provable.proofs_checks.claims.sequence_models",
    "provable.proofs_checks.claims.diffusion",
]

_REGISTRY: dict[str, Claim] = {}
_LOADED = False


@dataclass(frozen=True)
class Mutant:
    """A planted implementation mistake that a claim's experiment must catch.

    Attributes
    ----------
    name : str
        Short id, unique within its claim (``"no_bonus"``).
    rationale : str
        The mistake in a sentence, and why it breaks (or keeps) the theorem.
    params : dict
        Merged into the budget's parameters when the experiment runs the mutant; the
        experiment reads them (``params["mutation"]`` for the bandit simulators).
    equivalent : bool
        The mutant still satisfies the theorem (a larger constant that keeps the rate):
        it must *not* be reported violated, and it does not count in the score.
    """

    name: str
    rationale: str
    params: dict[str, Any] = field(default_factory=dict)
    equivalent: bool = False


@dataclass(frozen=True)
class Claim:
    """One executable claim.

    Attributes
    ----------
    id : str
        Dotted id, ``"<paper>.<statement>"``.
    statement : str
        The claim in words, as a reader would check it against the paper.
    kind : str
        One of ``rate_upper``, ``rate_lower``, ``rate_tight``, ``bound_holds``,
        ``identity``, ``inequality``, ``property``.
    citation : Citation
        Provenance (verbatim seed text, restored text).
    experiment : callable
        ``experiment(params: dict, seed: int) -> Verdict`` with the negative control
        attached as ``verdict.control``.
    budgets : dict
        Parameters per budget: ``{"quick": {...}, "full": {...}}``.
    rate_id : str or None
        Id in :mod:`provable.bounds` of the rate this claim checks.
    design : str
        The experiment in a sentence or two (instance family, algorithm, statistic).
    expected_seconds : dict
        Rough single-core time per budget, for the docs.
    mutants : tuple of Mutant
        Planted mistakes the experiment must kill (``provable verify --mutants``).
    """

    id: str
    statement: str
    kind: str
    citation: Citation
    experiment: Callable[[dict, int], Verdict] = field(repr=False)
    budgets: dict[str, dict[str, Any]] = field(default_factory=dict)
    rate_id: str | None = None
    design: str = ""
    expected_seconds: dict[str, float] = field(default_factory=dict)
    mutants: tuple[Mutant, ...] = ()

    def params(self, budget: str) -> dict[str, Any]:
        """Parameters of ``budget`` (``"quick"`` or ``"full"``)."""
        check_choice("budget", budget, BUDGETS)
        return dict(self.budgets.get(budget, {}))


def claim(*, id: str, statement: str, kind: str, citation: Citation,
          budgets: dict[str, dict[str, Any]], rate_id: str | None = None, design: str = "",
          expected_seconds: dict[str, float] | None = None, mutants: Any = ()
          ) -> Callable[[Callable[[dict, int], Verdict]], Callable[[dict, int], Verdict]]:
    """Decorator registering an experiment as a :class:`Claim` (see module docstring)."""
    check_choice("kind", kind, CLAIM_KINDS)
    for b in budgets:
        check_choice("budget", b, BUDGETS)
    mutants = tuple(mutants)
    for m in mutants:
        if not isinstance(m, Mutant):
            raise InvalidType(f"mutants of claim id={id!r} contain {m!r}, expected Mutant")
    names = [m.name for m in mutants]
    if len(set(names)) != len(names):
        raise InvalidArgument(f"claim id={id!r} has repeated mutant names {names}")

    def deco(fn: Callable[[dict, int], Verdict]) -> Callable[[dict, int], Verdict]:
        if id in _REGISTRY and _REGISTRY[id].experiment is not fn:
            raise InvalidArgument(f"claim id={id!r} is registered twice")
        _REGISTRY[id] = Claim(id=id, statement=statement, kind=kind, citation=citation,
                              experiment=fn, budgets=budgets, rate_id=rate_id, design=design,
                              expected_seconds=expected_seconds or {}, mutants=mutants)
        return fn

    return deco


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    for mod in _CLAIM_MODULES:  # every listed area must import: a missing one is a bug
        importlib.import_module(mod)
    _LOADED = True


def catalogue() -> list[Claim]:
    """All registered claims, sorted by id.

    Examples
    --------
    >>> from provable import proofs_checks as pc
    >>> all(c.citation.title for c in pc.catalogue())
    True
    """
    _load()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def get_claim(claim_id: str) -> Claim:
    """Look a claim up by id; an unknown id raises UnknownName with the nearest ids."""
    _load()
    if claim_id in _REGISTRY:
        return _REGISTRY[claim_id]
    near = suggest(claim_id, _REGISTRY)
    hint = f" Did you mean {', '.join(repr(n) for n in near)}?" if near else ""
    raise UnknownName(f"claim id={claim_id!r} is not in the catalogue ({len(_REGISTRY)} claims;"
                      f" `provable claims` lists them).{hint}")


# ---------------------------------------------------------------------------
# verdict builders used by claim experiments

def rate_verdict(xs: Any, ys: Any, *, expected: float, kind: str, tol: float, var: str,
                 polylog: float = 0.0, seed: int = 0, min_decades: float = 1.0,
                 max_ci_width: float | None = None, control_ys: Any = None,
                 control_offset: float = 0.25, statistic: str = "mean", quantile: float = 0.9,
                 deterministic: bool = False, min_seeds: int = MIN_SEEDS,
                 extra: dict | None = None) -> Verdict:
    """Fit the exponent of ``ys`` against ``xs``, judge it and attach the negative control.

    The statistic over seeds (``statistic``: the mean, or a ``quantile`` for a
    high-probability bound) is fitted by :func:`~provable.proofs_checks.fit_exponent`
    and judged at the top of the grid by
    :func:`~provable.proofs_checks.judge_exponent`.

    The control is a statement that is false for the data at hand:

    * with ``control_ys`` (the data of a planted wrong algorithm), that data judged
      against the claim itself;
    * otherwise the tightest false exponent on the other side of the measured one: for
      an upper bound, :math:`O(x^{c})` with ``c + tol`` = measured top exponent −
      ``control_offset``; for a lower or tight bound the mirror image above it. The
      data reject it exactly when they resolve the exponent (bending included) to
      within ``control_offset``.

    A control that is not ``violated`` means the data could not have rejected the
    claim either: a ``holds`` then becomes ``inconclusive``, saying so.

    Parameters
    ----------
    xs, ys : array_like
        Grid and measurements ``(n_seeds, len(xs))``.
    expected, kind, tol : float, str, float
        The claimed exponent, ``"upper"``/``"lower"``/``"tight"``, and the slack.
    var : str
        Name of the swept variable (reports).
    polylog, statistic, quantile, deterministic, seed
        Passed to :func:`~provable.proofs_checks.fit_exponent`.
    min_decades, max_ci_width, min_seeds
        Passed to :func:`~provable.proofs_checks.judge_exponent`.
    control_ys : array_like, optional
        Data of a planted wrong algorithm on the same grid.
    control_offset : float, default 0.25
        Distance of the automatic control's exponent from the measured one.
    extra : dict, optional
        More data to keep in ``verdict.data``.

    Returns
    -------
    Verdict

    Examples
    --------
    >>> import numpy as np
    >>> T = np.geomspace(1e2, 1e5, 7)
    >>> rng = np.random.default_rng(0)
    >>> ys = np.sqrt(T) * rng.lognormal(0, 0.1, (16, 7))
    >>> v = rate_verdict(T, ys, expected=0.5, kind="upper", tol=0.1, var="T")
    >>> v.status, v.control.status
    ('holds', 'violated')
    """
    if not isinstance(var, str) or not var:
        raise InvalidType(f"var={var!r}, expected the name of the swept variable (a non-empty str)")
    check_real("control_offset", control_offset, lower=0.0, lower_open=True)
    fit = fit_exponent(xs, ys, polylog=polylog, statistic=statistic, quantile=quantile,
                       deterministic=deterministic, seed=seed)
    judge = {"kind": kind, "tol": tol, "min_decades": min_decades, "min_seeds": min_seeds}
    status, reason = judge_exponent(fit, expected, max_ci_width=max_ci_width, **judge)
    data = {"var": var, "xs": np.asarray(xs, float).tolist(),
            "ys": np.atleast_2d(np.asarray(ys, float)).tolist(), "fit": fit.to_dict(),
            "rate_kind": kind, "statistic": fit.statistic, **(extra or {})}
    v = Verdict(claim="", status=status, measured=fit.top_slope, expected=expected,
                ci=fit.top_ci, tolerance=tol, reason=reason, data=data)
    if control_ys is not None:
        cfit = fit_exponent(xs, control_ys, polylog=polylog, statistic=statistic,
                            quantile=quantile, deterministic=deterministic, seed=seed)
        cs, cr = judge_exponent(cfit, expected, **judge)
        control = Verdict(claim="", status=cs, measured=cfit.top_slope, expected=expected,
                          ci=cfit.top_ci, tolerance=tol, reason="planted wrong algorithm: " + cr,
                          data={"ys": np.atleast_2d(np.asarray(control_ys, float)).tolist(),
                                "fit": cfit.to_dict()})
        why = "the planted wrong algorithm's data were not rejected"
    else:
        if kind == "upper":
            c_exp = fit.top_slope - control_offset - tol
        else:
            c_exp = fit.top_slope + control_offset + tol
        # never "holds": the projected interval contains the measured exponent, which
        # lies control_offset beyond c_exp + tol
        cs, cr = judge_exponent(fit, c_exp, **judge)
        control = Verdict(claim="", status=cs, measured=fit.top_slope, expected=c_exp,
                          ci=fit.top_ci, tolerance=tol,
                          reason=(f"false exponent {c_exp:.3f} ({control_offset:g} beyond the "
                                  f"measured one, {kind} bound): " + cr))
        why = (f"the data could not reject an exponent {control_offset:g} beyond the measured "
               "one either")
    v["control"] = control
    if v["status"] == "holds" and control["status"] != "violated":
        v["status"] = "inconclusive"
        v["reason"] = f"{reason}; but {why} (control: {control['status']}), so this is no evidence"
    return v


def residual_verdict(residual: float, *, tol: float, control_residual: float, what: str,
                     control_what: str = "deliberately wrong identity",
                     measured: Any = None, expected: Any = 0.0, data: dict | None = None
                     ) -> Verdict:
    """Judge an identity by its largest residual; the control is a wrong identity's residual."""
    status, reason = judge_residual(residual, tol, what)
    cs, cr = judge_residual(control_residual, tol, control_what)
    v = Verdict(claim="", status=status, measured=float(residual) if measured is None else measured,
                expected=expected, tolerance=tol, reason=reason,
                data={"residual": float(residual), **(data or {})})
    v["control"] = Verdict(claim="", status=cs, measured=float(control_residual),
                           expected=expected, tolerance=tol, reason=cr)
    return v


def flags_verdict(flags: Any, *, what: str, control_flags: Any, control_what: str,
                  measured: Any = None, expected: Any = None, data: dict | None = None
                  ) -> Verdict:
    """Judge a property checked case by case (all must pass); the control must fail one."""
    status, reason = judge_all_true(flags, what)
    cs, cr = judge_all_true(control_flags, control_what)
    f = np.asarray(flags, bool)
    v = Verdict(claim="", status=status,
                measured=float(f.mean()) if measured is None else measured,
                expected=1.0 if expected is None else expected, reason=reason, data=data or {})
    v["control"] = Verdict(claim="", status=cs,
                           measured=float(np.asarray(control_flags, bool).mean()),
                           expected=1.0, reason=cr)
    return v
