r"""Check the rate of *your own* algorithm: :func:`check_rate`.

The same statistics as the catalogue's rate claims (a log-log exponent fit with a
bootstrap interval over independent seeds, DESIGN.md's decision rules) and the same
negative control, exposed for a function you write.
"""

from __future__ import annotations

import inspect
import math
import numbers
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from provable._validation import check_choice, check_int, check_real
from provable.errors import InvalidArgument, InvalidType
from provable.proofs_checks._claim import rate_verdict
from provable.proofs_checks._stats import MIN_SEEDS, RATE_KINDS
from provable.proofs_checks._verdict import Verdict

__all__ = ["check_rate"]

#: Swept variables that count things (rounds, samples, arms, states, …): a grid for one
#: of them is rounded to integers. The variable registry of :mod:`provable.bounds` records
#: domains, not integrality, so the list is kept here.
INTEGER_VARS = frozenset({"T", "n", "K", "N", "H", "S", "A", "d", "k", "m"})


def _check_value(y: Any, x: Any, seed: int, where: str) -> float:
    try:
        f = float(y)
    except (TypeError, ValueError) as e:
        raise InvalidType(f"{where} returned {y!r} (type {type(y).__name__}) at x={x!r}, "
                          f"seed={seed}, expected a real number") from e
    if math.isnan(f):
        problem = "NaN"
    elif math.isinf(f):
        problem = "infinite"
    elif f < 0:
        problem = "negative"
    elif f == 0:
        problem = "zero"
    else:
        return f
    raise InvalidArgument(
        f"{where} returned {f!r} at x={x!r}, seed={seed}: the value is {problem}, expected a "
        "positive finite number (a log-log fit needs y > 0; if your quantity can reach 0, "
        "fit a positive surrogate such as 1 + regret, or drop that grid point)")


def _check_var(run: Callable[..., Any], var: Any) -> None:
    if not isinstance(var, str) or not var.isidentifier():
        raise InvalidType(f"var={var!r}, expected the name of run's swept argument (an "
                          "identifier such as 'T')")
    try:
        sig = inspect.signature(run)
    except (TypeError, ValueError):  # builtins and C functions: nothing to check
        return
    params = [p for p in sig.parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if params and params[0].name != var:
        raise InvalidArgument(
            f"var={var!r}, but run{sig} sweeps its first argument {params[0].name!r}: name "
            f"the variable that is swept (var={params[0].name!r}), or rename run's argument")


def _seed_list(seeds: int | Sequence[int]) -> list[int]:
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        n = check_int("seeds", seeds, min_value=1)
        return list(range(n))
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Sequence | np.ndarray):
        raise InvalidType(f"seeds={seeds!r} has type {type(seeds).__name__}, expected an int "
                          "(number of seeds) or a sequence of int seeds")
    out = [check_int(f"seeds[{i}]", s, min_value=0) for i, s in enumerate(seeds)]
    if not out:
        raise InvalidArgument("seeds=[], expected at least one seed")
    if len(set(out)) != len(out):
        raise InvalidArgument(f"seeds={list(seeds)!r} has repeated seeds, expected independent "
                              "replicates")
    return out


def check_rate(run: Callable[..., Any], grid: Sequence[float], var: str = "T",
               expected: float = 0.5, kind: str = "upper", seeds: int | Sequence[int] = 16,
               tol: float = 0.1, polylog: float = 0, vectorized: bool = False,
               label: str = "user", *, control_offset: float = 0.25,
               min_decades: float = 1.0, boot_seed: int = 0, statistic: str = "mean",
               quantile: float = 0.9, deterministic: bool = False,
               min_seeds: int = MIN_SEEDS) -> Verdict:
    r"""Check that ``run(x, seed)`` grows like :math:`x^{\text{expected}}`.

    Runs ``run`` on every grid point and seed, takes the statistic the theorem
    bounds at every grid point (the mean over seeds; an upper ``quantile`` for a
    high-probability bound), fits its exponent in log-log space at the top of the grid
    with BCa bootstrap intervals over seeds, and judges it by
    :func:`~provable.proofs_checks.judge_exponent` (docs/claims.md states the rules):

    * ``kind="upper"`` (:math:`y = O(x^b)`): ``violated`` when the interval lies
      above ``expected + tol``, ``holds`` when it lies below, else ``inconclusive``;
    * ``kind="lower"`` (:math:`y = \Omega(x^b)`): the mirror image around
      ``expected - tol``;
    * ``kind="tight"`` (:math:`y = \Theta(x^b)`): ``holds`` inside
      ``[expected - tol, expected + tol]``, ``violated`` entirely outside.

    The interval is the top window's slope interval widened by one decade of the
    curve's measured curvature, so a curve still bending at the top of the grid gives
    ``inconclusive`` with what to extend. Fewer than ``min_seeds`` seeds give
    ``inconclusive`` unless ``deterministic=True``.

    The verdict carries a *negative control* in ``verdict.control``: the tightest false
    statement on the other side of the measured exponent (``control_offset`` beyond
    it). The data reject it exactly when they resolve the exponent to within
    ``control_offset``; when they cannot, a ``holds`` becomes ``inconclusive``.

    Parameters
    ----------
    run : callable
        ``run(x, seed) -> float``: the quantity at grid point ``x`` (regret at horizon
        ``T``, error after ``n`` samples, …) for one seed. With ``vectorized=True``,
        ``run(x, seeds) -> array`` gets an int array of seeds and returns one value per
        seed. Values must be positive and finite.
    grid : sequence of float
        At least two positive grid points, ideally spanning at least ``min_decades``
        decades (geometric spacing: ``np.geomspace(1e2, 1e4, 5)``).
    var : str
        Name of the swept variable: the name of ``run``'s first parameter (checked
        when ``run`` has an inspectable signature, so sweeping ``K`` while the report
        says ``T`` is an error). When ``var`` counts something (one of ``T``, ``n``,
        ``K``, ``N``, ``H``, ``S``, ``A``, ``d``, ``k``, ``m``), a grid with
        non-integer points is rounded to the nearest integers and repeated points are
        dropped, so ``grid=np.geomspace(1e2, 1e5, 7)`` passes ``int`` values of ``T``
        to ``run``; fewer than 3 distinct points after rounding (or a point rounded to
        0) is an error. ``verdict.data["xs"]`` is the grid actually used.
    expected : float
        The exponent the theorem states.
    kind : {"upper", "lower", "tight"}
        Which kind of bound.
    seeds : int or sequence of int
        Number of independent seeds (``0 .. seeds-1``) or the seeds themselves.
    tol : float
        Slack on the exponent (``>= 0``).
    polylog : float
        Power of :math:`\log x` divided out first (for :math:`\tilde O` rates).
    vectorized : bool
        Call ``run`` once per grid point with all the seeds.
    label : str
        Name of the check in the verdict (``verdict.claim``).
    control_offset : float
        Distance of the control's false exponent from the measured one (``> 0``).
    min_decades : float
        Fewer decades in ``grid`` make the verdict ``inconclusive``.
    boot_seed : int
        Seed of the bootstrap.
    statistic : {"mean", "quantile"}
        The statistic over seeds that the theorem bounds: the expectation (default),
        or the ``quantile`` for a high-probability bound.
    quantile : float
        Level of the quantile when ``statistic="quantile"``.
    deterministic : bool
        ``run`` has no randomness: one seed suffices and intervals are exact.
    min_seeds : int
        Fewest seeds for a confident verdict on noisy data.

    Returns
    -------
    Verdict
        ``status``, fitted exponent ``measured`` with ``ci``, ``reason``, ``data``
        (``var``, ``xs`` — the grid used, rounded for an integer ``var`` —, ``ys``,
        ``fit``, ``rate_kind``: plottable with
        :func:`~provable.proofs_checks.write_report`), ``seconds`` and ``control``.

    Raises
    ------
    InvalidArgument
        For a grid with fewer than two points or non-positive points, a bad ``kind``
        or ``tol``, and when ``run`` returns NaN, an infinite, negative or zero value
        (the message names ``x`` and ``seed``).

    Examples
    --------
    A function whose value grows like :math:`\sqrt{T}` (synthetic noise stands in for
    your algorithm's regret). Put this in your own ``test_*.py``:

    >>> import numpy as np
    >>> from provable import proofs_checks as pc
    >>> def regret(T, seed):
    ...     rng = np.random.default_rng(seed)
    ...     return 2.0 * np.sqrt(T) * np.exp(0.1 * rng.standard_normal())
    >>> v = pc.check_rate(regret, grid=[1e2, 1e3, 1e4, 1e5], var="T", expected=0.5,
    ...                   kind="upper", seeds=16)
    >>> v.status, v.control.status
    ('holds', 'violated')

    In a pytest file::

        def test_my_bandit_regret_is_sqrt_T():
            v = pc.check_rate(my_regret, grid=np.geomspace(1e2, 1e5, 7), expected=0.5)
            assert v.status == "holds", v.reason
            assert v.control.status == "violated", v.control.reason
    """
    if not callable(run):
        raise InvalidType(f"run={run!r} is not callable, expected run(x, seed) -> float")
    kind = check_choice("kind", kind, RATE_KINDS)
    expected = check_real("expected", expected)
    tol = check_real("tol", tol, lower=0.0)
    polylog = check_real("polylog", polylog, lower=0.0)
    control_offset = check_real("control_offset", control_offset, lower=0.0, lower_open=True)
    min_decades = check_real("min_decades", min_decades, lower=0.0)
    _check_var(run, var)
    if not isinstance(label, str):
        raise InvalidType(f"label={label!r} has type {type(label).__name__}, expected str")
    try:
        xs = np.asarray(grid, dtype=float)
    except (TypeError, ValueError) as e:
        raise InvalidType(f"grid={grid!r} is not a sequence of numbers") from e
    if xs.ndim != 1 or xs.size < 2:
        raise InvalidArgument(f"grid={grid!r} has {xs.size} point{'s' if xs.size != 1 else ''}"
                              f" (shape {xs.shape}), expected a 1-D grid of at least 2 points")
    for j, x in enumerate(xs):
        if not np.isfinite(x) or x <= 0:
            raise InvalidArgument(f"grid[{j}]={grid[j]!r}, expected a positive finite number")
    if len(np.unique(xs)) != xs.size:
        raise InvalidArgument(f"grid={list(grid)!r} has repeated points, expected distinct ones")
    if var in INTEGER_VARS and not all(float(x).is_integer() for x in xs):
        rounded = np.rint(xs)
        if np.any(rounded < 1):
            raise InvalidArgument(
                f"grid={list(grid)!r} for the integer variable {var}: grid[{int(np.argmin(xs))}]"
                f"={xs.min()!r} rounds to {rounded.min():g}, expected every point to round to a "
                f"positive integer {var}")
        _, first = np.unique(rounded, return_index=True)
        rounded = rounded[np.sort(first)]
        if rounded.size < 3:
            raise InvalidArgument(
                f"grid={list(grid)!r} for the integer variable {var} rounds to "
                f"{[int(x) for x in rounded]}: {rounded.size} distinct integer point"
                f"{'s' if rounded.size != 1 else ''}, expected at least 3 (spread the grid "
                "over a wider range)")
        xs = rounded
    if polylog and np.any(xs <= 1):
        raise InvalidArgument(f"grid has a point <= 1 with polylog={polylog:g}, expected every "
                              "point > 1 (log x must be positive)")
    seed_list = _seed_list(seeds)
    # whole numbers are passed as int so that run(T, seed) can loop over range(T)
    xs_user = [int(x) if float(x).is_integer() else float(x) for x in xs]

    t0 = time.perf_counter()
    ys = np.empty((len(seed_list), xs.size))
    for j, x in enumerate(xs_user):
        if vectorized:
            arr = np.asarray(seed_list, dtype=np.int64)
            out = run(x, arr)
            vals = np.asarray(out, dtype=float).reshape(-1) if np.ndim(out) else None
            if vals is None or vals.size != arr.size:
                raise InvalidArgument(
                    f"run(x={x!r}, seeds) returned shape {np.shape(out)}, expected "
                    f"({arr.size},): one value per seed (vectorized=True)")
            for s, (sd, y) in enumerate(zip(seed_list, vals)):
                ys[s, j] = _check_value(y, x, sd, "run(x, seeds)")
        else:
            for s, sd in enumerate(seed_list):
                ys[s, j] = _check_value(run(x, sd), x, sd, "run(x, seed)")
    v = rate_verdict(xs, ys, expected=expected, kind=kind, tol=tol, var=var, polylog=polylog,
                     seed=boot_seed, min_decades=min_decades, control_offset=control_offset,
                     statistic=statistic, quantile=quantile, deterministic=deterministic,
                     min_seeds=min_seeds)
    v["claim"] = label
    v["seconds"] = time.perf_counter() - t0
    v["control"]["claim"] = f"{label} (control)"
    return v
