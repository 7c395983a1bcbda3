"""``solve(mdp, method=...)``: validate once, look the method up, dispatch."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

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
    """The method ``auto`` runs, before any probe: by criterion; discounted models
    start with value iteration (see :func:`_auto_discounted`)."""
    if mdp.criterion == "finite_horizon":
        return "backward_induction"
    if mdp.criterion == "average":
        return "average_reward"
    return "value_iteration"


# ``auto`` on a discounted model: value iteration for PROBE_SWEEPS sweeps; if that is not
# done, the certified bound's decay over the probe predicts the sweeps still needed, and
# policy iteration takes over from the probe's greedy policy when its predicted work is
# smaller. Work is counted in multiply-adds, not seconds, so the choice is the same on
# every machine: a sweep reads every stored entry of P once; an evaluation of policy
# iteration costs a dense LU (S^3 / 3) or, sparse, about SPARSE_SOLVE_SWEEPS sweeps of
# the policy's rows (GMRES with refinement), plus a sweep for the improvement step.
PROBE_SWEEPS = 32
PI_ITERATIONS = 8           # improvement steps policy iteration typically takes from a
                            # greedy start (Puterman 1994, §6.4.2: few, independent of S)
SPARSE_SOLVE_SWEEPS = 60
SMALL_WORK = 1e6            # below this (about a millisecond) VI just goes on


def _stored(mdp: TabularMDP) -> int:
    return int(mdp.P.nnz) if mdp.sparse else mdp.S * mdp.A * mdp.S


def _auto_discounted(mdp: TabularMDP, tol: float, backend: str) -> SolveResult:
    from provable.solvers._common import bellman_certificate
    from provable.solvers.tabular.policy_iteration import policy_iteration
    from provable.solvers.tabular.value_iteration import value_iteration

    probe = value_iteration(mdp, tol, max_iter=PROBE_SWEEPS, backend=backend)
    if probe.converged or probe.iterations < PROBE_SWEEPS or not np.isfinite(probe.error_bound):
        # done, or stopped before the budget because float64 cannot certify tol
        probe["auto"] = f"value_iteration: finished within the {PROBE_SWEEPS}-sweep probe"
        return probe
    # the certified bound of the start V = 0 against the probe's: the rate per sweep
    # (at most gamma, the a-priori rate; usually much faster)
    b0 = float(bellman_certificate(mdp, np.zeros(mdp.S)).bound)
    b1 = float(probe.error_bound)
    gamma = float(mdp.gamma)
    rate = (b1 / b0) ** (1.0 / probe.iterations) if 0 < b1 < b0 else gamma
    rate = min(max(rate, 1e-12), gamma)
    more = np.log(tol / b1) / np.log(rate) if b1 > tol else 0.0
    nnz = _stored(mdp)
    vi_work = more * nnz
    row_work = nnz / mdp.A  # one action a state
    solve = mdp.S ** 3 / 3 if not mdp.sparse else SPARSE_SOLVE_SWEEPS * row_work
    pi_work = PI_ITERATIONS * (solve + nnz)
    why = (f"the {PROBE_SWEEPS}-sweep probe shrank the certified bound by {rate:.4g} a sweep, "
           f"so about {more:.3g} more sweeps ({vi_work:.3g} multiply-adds) against policy "
           f"iteration's about {PI_ITERATIONS} evaluations ({pi_work:.3g})")
    if vi_work <= max(pi_work, SMALL_WORK):
        res = value_iteration(mdp, tol, V0=probe.V, backend=backend)
        res["iterations"] = int(res.iterations) + int(probe.iterations)
        res["auto"] = "value_iteration: " + why
    else:
        res = policy_iteration(mdp, policy0=probe.policy)
        res["auto"] = "policy_iteration: " + why
    return res


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
        criterion; on a discounted model it runs value iteration for a short probe and,
        if that is not done, continues with value iteration or switches to policy
        iteration (from the probe's greedy policy), whichever the probe's rate of
        contraction predicts to need fewer multiply-adds. The result's ``method`` says
        which ran and its ``auto`` field why.
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
    auto = name == "auto"
    if auto:
        name = _auto(mdp)
        if name == "value_iteration" and not options:
            return _auto_discounted(mdp, tol, backend)
    check_choice("method", name, ["auto", *METHODS, *ALIASES])
    runner, criteria = METHODS[name]
    if mdp.criterion not in criteria:
        raise NotSupported(f"method={name!r} handles {', '.join(criteria)} problems; this MDP "
                           f"is {mdp.criterion}")
    _check_options(name, options)
    return runner(mdp, tol, backend, **options)
