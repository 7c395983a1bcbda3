"""Typed variables of rate expressions: a sympy symbol with a meaning and a domain.

Every variable is a positive real sympy symbol (``Symbol(name, positive=True)``) so
that one name is one symbol across the whole registry; the *domain* (which may
include 0, e.g. ``gamma`` in [0, 1)) is checked numerically by :meth:`Variable.check`.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import sympy as sp

from provable.errors import InvalidArgument, InvalidType

__all__ = ["Variable", "CATALOGUE", "variable", "syms"]

_ASYMPTOTES = ("oo", "0", "1")


@dataclass(frozen=True)
class Variable:
    """A variable of a rate: name, meaning and domain.

    Parameters
    ----------
    name : str
        Name used in :meth:`Rate.evaluate` keywords and in the sympy symbol
        (``"T"``, ``"epsilon"``, ``"t_mix"``).
    meaning : str
        What the variable counts or measures.
    lower, upper : float or None
        Domain end points (``None`` for unbounded above).
    lower_open, upper_open : bool
        Whether the end points are excluded.
    asymptote : {"oo", "0", "1"}
        The regime in which rates are stated, used by :meth:`Rate.exponent`:
        ``"oo"`` (``T → ∞``), ``"0"`` (``epsilon → 0``) or ``"1"`` (``gamma → 1``,
        where the exponent is that of the effective horizon ``1/(1 − gamma)``).
    typical : float
        A representative value (used by tables, tests and :func:`compare` defaults).
    latex : str or None
        LaTeX for the symbol when sympy's default is not right (``"\\sigma^2_{1:T}"``).

    Examples
    --------
    >>> eps = Variable("epsilon", "target accuracy", lower=0.0, lower_open=True,
    ...                asymptote="0", typical=0.1)
    >>> eps.check(0.05)
    0.05
    >>> eps.symbol
    epsilon
    """

    name: str
    meaning: str
    lower: float = 0.0
    upper: float | None = None
    lower_open: bool = True
    upper_open: bool = False
    asymptote: str = "oo"
    typical: float = 10.0
    latex: str | None = None

    def __post_init__(self) -> None:
        if self.asymptote not in _ASYMPTOTES:
            raise InvalidArgument(
                f"asymptote={self.asymptote!r} for variable {self.name!r}, "
                f"expected one of {_ASYMPTOTES}")

    @property
    def symbol(self) -> sp.Symbol:
        """The sympy symbol (positive real) named :attr:`name`."""
        return sp.Symbol(self.name, positive=True)

    def domain(self) -> str:
        """The domain as an interval string, e.g. ``"(0, 1)"``."""
        lb = "(" if self.lower_open else "["
        ub = ")" if (self.upper_open or self.upper is None) else "]"
        hi = "inf" if self.upper is None else f"{self.upper:g}"
        return f"{lb}{self.lower:g}, {hi}{ub}"

    def contains(self, value: float) -> bool:
        """Whether a finite float lies in the domain."""
        if not math.isfinite(value):
            return False
        if value < self.lower or (self.lower_open and value == self.lower):
            return False
        if self.upper is not None and (
                value > self.upper or (self.upper_open and value == self.upper)):
            return False
        return True

    def check(self, value: Any, rate_id: str | None = None) -> Any:
        """Validate a scalar or array value; return it as float or float ndarray.

        Raises
        ------
        InvalidType
            For non-numeric values (bools, strings, complex).
        InvalidArgument
            For values outside the domain; the message names the variable, the
            offending value and the domain.
        """
        where = f" (rate {rate_id!r})" if rate_id else ""
        if isinstance(value, (bool, np.bool_)) or not (
                isinstance(value, (numbers.Real, np.ndarray, list, tuple))):
            raise InvalidType(
                f"{self.name}={value!r} has type {type(value).__name__}{where}, "
                "expected a real number or an array of real numbers")
        if isinstance(value, numbers.Real):
            try:
                v = float(value)
            except OverflowError:
                digits = len(str(value)) if int(value).bit_length() < 14000 else "over 4000"
                raise InvalidArgument(
                    f"{self.name}=<integer with {digits} digits>{where} does not fit a float64 "
                    "(largest about 1.8e308); evaluate the symbolic form (rate.form()) "
                    "exactly instead") from None
            if not self.contains(v):
                raise InvalidArgument(
                    f"{self.name}={value!r}{where}, expected {self.name} in {self.domain()} "
                    f"({self.meaning})")
            return v
        arr = np.asarray(value)
        if arr.dtype.kind not in "iuf":
            raise InvalidType(
                f"{self.name} has dtype {arr.dtype}{where}, expected a real-valued array")
        arr = arr.astype(float)
        ok = np.isfinite(arr) & (arr >= self.lower)
        if self.lower_open:
            ok &= arr > self.lower
        if self.upper is not None:
            ok &= (arr < self.upper) if self.upper_open else (arr <= self.upper)
        if not ok.all():
            idx = tuple(int(i) for i in np.argwhere(~ok)[0])
            raise InvalidArgument(
                f"{self.name}[{', '.join(map(str, idx))}]={arr[idx]!r}{where}, "
                f"expected {self.name} in {self.domain()} ({self.meaning})")
        return arr

    def with_meaning(self, meaning: str, **changes: Any) -> Variable:
        """A copy with another meaning (and optionally another domain or typical value)."""
        return replace(self, meaning=meaning, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "meaning": self.meaning, "domain": self.domain(),
                "asymptote": self.asymptote, "typical": self.typical}


def _v(name: str, meaning: str, **kw: Any) -> Variable:
    return Variable(name, meaning, **kw)


_ONE = {"lower": 1.0, "lower_open": False}

#: Standard variables. Registry entries may override the meaning (``variable("N", "...")``).
CATALOGUE: dict[str, Variable] = {v.name: v for v in [
    _v("T", "number of rounds / interaction steps / iterations", typical=1e5, **_ONE),
    _v("t", "iteration counter", typical=1e3, **_ONE),
    _v("K", "number of arms, experts or episodes (see the rate's convention)", typical=10.0,
       **_ONE),
    _v("H", "horizon (steps per episode)", typical=10.0, **_ONE),
    _v("S", "number of states", typical=20.0, **_ONE),
    _v("A", "number of actions", typical=5.0, **_ONE),
    _v("d", "feature dimension", typical=8.0, **_ONE),
    _v("epsilon", "target accuracy", asymptote="0", typical=0.1, latex=r"\varepsilon"),
    _v("delta", "failure probability", upper=1.0, upper_open=True, asymptote="0",
       typical=0.05),
    _v("gamma", "discount factor", lower=0.0, lower_open=False, upper=1.0, upper_open=True,
       asymptote="1", typical=0.9),
    _v("t_mix", "uniform bound on total-variation mixing times", typical=10.0,
       latex=r"t_{\mathrm{mix}}", **_ONE),
    _v("N", "number of samples or queries", typical=100.0, **_ONE),
    _v("n", "number of states of the minimal automaton / problem size", typical=50.0, **_ONE),
    _v("m", "length of the longest counterexample", typical=20.0, **_ONE),
    _v("k", "alphabet size", typical=2.0, **_ONE),
    _v("l", "sequence length", typical=1024.0, latex=r"\ell", **_ONE),
    _v("beta", "regularisation strength", typical=0.5),
    _v("Delta", "suboptimality gap", upper=1.0, typical=0.1),
    _v("mu", "mean reward of a suboptimal Bernoulli arm", upper=1.0, upper_open=True,
       typical=0.4, latex=r"\mu"),
    _v("mu_star", "mean reward of the optimal Bernoulli arm", upper=1.0, upper_open=True,
       typical=0.6, latex=r"\mu^{\star}"),
    _v("G", "Lipschitz constant (bound on gradient norms)", typical=1.0),
    _v("D", "diameter of the decision set", typical=1.0),
    _v("L", "loss scale", typical=1.0),
    _v("u", "norm of the comparator ||u||", typical=1.0, latex=r"\lVert u\rVert"),
    _v("c", "lower bound on the probability of the optimal action along the iterates",
       upper=1.0, typical=0.1),
    _v("C", "distribution-mismatch coefficient", typical=10.0, **_ONE),
    _v("I", "total mutual information between tokens (nats)", typical=1.0),
]}


def variable(name: str, meaning: str | None = None, **changes: Any) -> Variable:
    """A catalogue variable, or a new one, optionally with another meaning or domain.

    Examples
    --------
    >>> variable("K", "number of experts").meaning
    'number of experts'
    """
    base = CATALOGUE.get(name)
    if base is None:
        if meaning is None:
            raise InvalidArgument(f"variable {name!r} is not in the catalogue, expected a meaning")
        return Variable(name, meaning, **changes)
    if meaning is None and not changes:
        return base
    return replace(base, meaning=meaning or base.meaning, **changes)


def syms(names: str) -> tuple[sp.Symbol, ...]:
    """Symbols for space-separated variable names (``syms("T K")``)."""
    return tuple(sp.Symbol(n, positive=True) for n in names.split())
