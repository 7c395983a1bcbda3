"""The result type returned by every planning solver."""

from __future__ import annotations

from provable._result import RichResult

__all__ = ["SolveResult"]


class SolveResult(RichResult):
    """Outcome of a planning solver; the same fields whatever the method.

    Attributes
    ----------
    V : ndarray
        Values: (S,) discounted/average (the bias for average reward), (H+1, S) finite horizon.
    Q : ndarray
        Action values (S, A) or (H, S, A).
    policy : ndarray(int)
        Greedy deterministic policy (S,) or (H, S).
    iterations : int
        Sweeps, improvement steps or LP iterations.
    error_bound : float
        Certified bound on ``max |V - V*|`` (for average reward: on ``|gain - g*|``),
        floating-point rounding included. 0 only for exact rational solutions.
    converged : bool
        Whether the stopping rule was met (hitting ``max_iter`` is reported here,
        never raised).
    method : str
        Canonical name of the method used.
    backend : str
        Back end that ran the computation.
    seconds : float
        Wall time.
    message : str
        How the method stopped, in words.

    Method-specific extras: ``occupancy`` (LP), ``gain`` and ``bias`` (average reward),
    ``V_exact`` (exact rational solve), ``policy_error_bound``. QuantEcon's names
    ``v``, ``sigma`` and ``num_iter`` read ``V``, ``policy`` and ``iterations``.

    Examples
    --------
    >>> import provable as pv
    >>> res = pv.solve(pv.mdp.river_swim(6))
    >>> (res.v is res.V, res.sigma is res.policy, res.num_iter == res.iterations)
    (True, True, True)
    """

    _fields = ("method", "converged", "error_bound", "iterations", "backend", "seconds",
               "message", "V", "Q", "policy")

    # the names of QuantEcon's DiscreteDP results, for code written against it
    @property
    def v(self):
        """``V`` (QuantEcon's ``DPSolveResult.v``)."""
        return self["V"]

    @property
    def sigma(self):
        """``policy`` (QuantEcon's ``DPSolveResult.sigma``)."""
        return self["policy"]

    @property
    def num_iter(self) -> int:
        """``iterations`` (QuantEcon's ``DPSolveResult.num_iter``)."""
        return int(self["iterations"])
