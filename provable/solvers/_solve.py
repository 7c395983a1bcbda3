"""``solve(mdp, method=...)``: validate once, look the method up, dispatch."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from provable._validation import check_choice, check_real
from provable.errors import InvalidType, NotSupported
from provable.mdp._tabular import TabularMDP
from provable.solvers._result import SolveResult

__all__ = ["solve", "METHODS"]


def _vi(mdp: TabularMDP, tol: float, backend: str, **kw: Any) -> SolveResult:
    from provable.solvers.tabular.value_iteration import value_iteration

    return value_iteration(mdp, tol, backend=backend, **kw)


def _pi(mdp: TabularMDP, tol: float, backend: str, **kw: Any) -> SolveResult:
    from provable.solvers.tabular.policy_iteration import policy_iteration

    return policy_iteration(mdp, **kw)


def _mpi(mdp: TabularMDP, tol: float, backend: str, **kw: Any) -> SolveResult:
    from provable.solvers.tabular.policy_iteration import modified_policy_iteration

    return modified_policy_iteration(mdp, tol, **kw)


def _lp(mdp: TabularMDP, tol: float, backend: str, **kw: Any) -> SolveResult:
    from provable.solvers.tabular.linear_program import linear_program

    return linear_program(mdp, **kw)


def _exact(mdp: TabularMDP, tol: float, backend: str, **kw: Any) -> SolveResult:
    from provable.solvers.tabular.exact import exact_solve

    return exact_solve(mdp, **kw)


def _bi(mdp: TabularMDP, tol: float, backend: str, **kw: Any) -> SolveResult:
    from provable.solvers.tabular.finite_horizon import backward_induction

    return backward_induction(mdp, **kw)


def _avg(mdp: TabularMDP, tol: float, backend: str, **kw: Any) -> SolveResult:
    from provable.solvers.tabular.average_reward import average_reward

    return average_reward(mdp, tol=min(tol, 1e-6), **kw)


# canonical name -> (runner, criteria it handles); aliases below
METHODS: dict[str, tuple[Callable[..., SolveResult], tuple[str, ...]]] = {
    "value_iteration": (_vi, ("discounted",)),
    "policy_iteration": (_pi, ("discounted",)),
    "modified_policy_iteration": (_mpi, ("discounted",)),
    "linear_program": (_lp, ("discounted",)),
    "exact": (_exact, ("discounted",)),
    "backward_induction": (_bi, ("finite_horizon",)),
    "average_reward": (_avg, ("average",)),
}
ALIASES = {"vi": "value_iteration", "pi": "policy_iteration", "mpi": "modified_policy_iteration",
           "lp": "linear_program", "bi": "backward_induction", "rvi": "average_reward",
           "avg": "average_reward"}


def _target(name: str) -> Callable[..., SolveResult]:
    """The public function a method runs (its signature lists the method's options)."""
    from provable.solvers.tabular import (
        average_reward,
        exact,
        finite_horizon,
        linear_program,
        policy_iteration,
        value_iteration,
    )

    return {"value_iteration": value_iteration.value_iteration,
            "policy_iteration": policy_iteration.policy_iteration,
            "modified_policy_iteration": policy_iteration.modified_policy_iteration,
            "linear_program": linear_program.linear_program,
            "exact": exact.exact_solve,
            "backward_induction": finite_horizon.backward_induction,
            "average_reward": average_reward.average_reward}[name]


# arguments that solve() itself takes, never forwarded as options
_OWN = ("mdp", "tol", "backend", "method")


@functools.cache
def _options(name: str) -> tuple[str, ...]:
    import inspect

    params = inspect.signature(_target(name)).parameters
    return tuple(p for p in params if p not in _OWN)


def method_options(name: str) -> list[str]:
    """Names of the options ``solve(..., method=name, **options)`` accepts."""
    return list(_options(name))


def _check_options(name: str, options: dict[str, Any]) -> None:
    if not options:
        return
    valid = method_options(name)
    unknown = [k for k in options if k not in valid]
    if unknown:
        from provable._validation import suggest
        from provable.errors import InvalidArgument

        near = suggest(unknown[0], valid)
        hint = f" Did you mean {', '.join(repr(v) for v in near)}?" if near else ""
        raise InvalidArgument(
            f"{unknown[0]}={options[unknown[0]]!r} is not an option of method={name!r}, "
            f"expected one of {valid} (or tol, backend).{hint}")


def _auto(mdp: TabularMDP) -> str:
    if mdp.criterion == "finite_horizon":
        return "backward_induction"
    if mdp.criterion == "average":
        return "average_reward"
    # VI with span stopping wins unless gamma is close to 1 and the model is small
    if mdp.gamma >= 0.999 and mdp.S <= 2000:
        return "policy_iteration"
    return "value_iteration"


def solve(mdp: TabularMDP, method: str = "auto", tol: float = 1e-8, backend: str = "auto",
          **options: Any) -> SolveResult:
    """Solve a tabular MDP with a certified answer.

    Parameters
    ----------
    mdp : TabularMDP
    method : str, default "auto"
        ``auto``, ``value_iteration`` (``vi``), ``policy_iteration`` (``pi``),
        ``modified_policy_iteration`` (``mpi``), ``linear_program`` (``lp``), ``exact``,
        ``backward_induction`` (``bi``), ``average_reward`` (``rvi``). ``auto`` picks by the
        criterion and size and the result's ``method`` says which ran.
    tol : float
        Target certified error (iterative methods).
    backend : {"auto", "numpy", "numba", "torch"}
    **options
        Passed to the method (e.g. ``stop="sup"``, ``solver="cvxpy"``, ``m=10``); an
        option the method does not take raises
        :class:`~provable.errors.InvalidArgument` listing those it does.

    Examples
    --------
    >>> import provable as pv
    >>> res = pv.solve(pv.mdp.river_swim(6))
    >>> res.method, res.converged
    ('value_iteration', True)
    >>> pv.solve(pv.mdp.river_swim(6), method="simplex")
    Traceback (most recent call last):
    ...
    provable.errors.UnknownName: method='simplex' is not known, expected one of [...]. Did you mean 'mpi'?
    >>> pv.solve(pv.mdp.river_swim(6), method="vi", stopping="sup")
    Traceback (most recent call last):
    ...
    provable.errors.InvalidArgument: stopping='sup' is not an option of method='value_iteration', expected one of ['stop', 'max_iter', 'V0', 'gauss_seidel', 'eliminate'] (or tol, backend). Did you mean 'stop'?
    """
    if not isinstance(mdp, TabularMDP):
        raise InvalidType(f"mdp has type {type(mdp).__name__}, expected TabularMDP "
                          "(LinearMDP: use provable.solvers.lsvi)")
    tol = check_real("tol", tol, lower=0.0, lower_open=True)
    name = str(method).lower()
    name = ALIASES.get(name, name)
    if name == "auto":
        name = _auto(mdp)
    check_choice("method", name, ["auto", *METHODS, *ALIASES])
    runner, criteria = METHODS[name]
    if mdp.criterion not in criteria:
        raise NotSupported(f"method={name!r} handles {', '.join(criteria)} problems; this MDP "
                           f"is {mdp.criterion}")
    _check_options(name, options)
    return runner(mdp, tol, backend, **options)
