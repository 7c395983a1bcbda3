"""Exceptions raised by provable.

Every error caused by bad input is a :class:`ProvableError`. Each subclass also
derives from the matching builtin (``ValueError`` or ``TypeError``) so that code
written against the standard library keeps working::

    >>> import provable as pv
    >>> try:
    ...     pv.TabularMDP([[[0.5, 0.4]]], [[1.0]], gamma=0.9)
    ... except ValueError as e:
    ...     print(type(e).__name__)
    InvalidModel

Outcomes of a computation (an iteration limit reached, an inconclusive test) are
reported as data in result objects and are never raised.
"""

from __future__ import annotations

__all__ = [
    "ProvableError",
    "InvalidArgument",
    "InvalidModel",
    "InvalidType",
    "UnknownName",
    "NotSupported",
    "OracleInconsistency",
]


class ProvableError(Exception):
    """Base class of every exception raised by provable for misuse."""


class InvalidArgument(ProvableError, ValueError):
    """An argument has a value outside its domain (``name=value …, expected …``)."""


class InvalidModel(InvalidArgument):
    """A model (MDP, automaton, rate) is malformed: shape, NaN, non-stochastic row, …"""


class InvalidType(ProvableError, TypeError):
    """An argument has the wrong type."""


class UnknownName(InvalidArgument, KeyError):
    """A name looked up in a registry (method, claim id, rate id, backend) does not exist.

    The message lists the valid names or suggests the nearest ones.
    """

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class NotSupported(ProvableError, NotImplementedError):
    """The request is well formed but the chosen method cannot handle it
    (e.g. a method that needs a unichain MDP given a multichain one)."""


class OracleInconsistency(ProvableError, RuntimeError):
    """A teacher/oracle gave answers that contradict each other."""
