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
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from provable._validation import _short, check_choice, check_int, check_real
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


def _check_var(run: Callable[..., Any], var: Any, curve: bool = False) -> None:
    if not isinstance(var, str) or not var.isidentifier():
        raise InvalidType(f"var={var!r}, expected the name of run's swept argument (an "
                          "identifier such as 'T')")
    try:
        sig = inspect.signature(run)
    except (TypeError, ValueError):  # builtins and C functions: nothing to check
        return
    params = [p for p in sig.parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    names = (var, var + "s") if curve else (var,)
    if params and params[0].name not in names:
        raise InvalidArgument(
            f"var={var!r}, but run{sig} sweeps its first argument {params[0].name!r}: name "
            f"the variable that is swept (var={params[0].name!r}), or rename run's argument")


def _curve_values(out: Any, xs_user: list, where: str, n_seeds: int | None = None) -> list:
    """The curve ``run`` returned, one entry per grid point in grid order: from a mapping
    keyed by the grid points, or a sequence (``n_seeds`` given: a ``(seeds, grid)`` array
    or a mapping from grid point to one value per seed; each entry is then a row over the
    seeds)."""
    n = len(xs_user)
    if isinstance(out, Mapping):
        missing = [x for x in xs_user if x not in out]
        if missing:
            raise InvalidArgument(f"{where} returned a mapping without the grid point "
                                  f"{missing[0]!r} (keys {_short(sorted(out, key=repr))}), "
                                  "expected one entry per grid point")
        if n_seeds is None:
            return [out[x] for x in xs_user]
        cols = []
        for x in xs_user:
            try:
                col = np.asarray(out[x], dtype=float)
            except (TypeError, ValueError):
                col = None
            if col is None or col.shape != (n_seeds,):
                raise InvalidArgument(f"{where} returned {_short(out[x])} at x={x!r}, expected "
                                      f"{n_seeds} real numbers: one per seed")
            cols.append(col)
        return cols
    shape = (n,) if n_seeds is None else (n_seeds, n)
    try:
        arr = np.asarray(out, dtype=float)
    except (TypeError, ValueError):
        arr = None
    if isinstance(out, (str, bytes)) or arr is None or arr.shape != shape:
        raise InvalidArgument(f"{where} returned {_short(out)}, expected {shape} real numbers"
                              + (": one per grid point, in grid order (or a mapping from grid "
                                 "point to value)" if n_seeds is None else
                                 ": one curve over the grid per seed (or a mapping from grid "
                                 "point to one value per seed)"))
    return list(arr) if n_seeds is None else list(arr.T)


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
               min_seeds: int = MIN_SEEDS, curve: bool = False,
               quantity: str | None = None) -> Verdict:
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
        seed. Values must be positive and finite. With ``curve=True``,
        ``run(xs, seed)`` gets the whole grid (a list, in grid order) and returns the
        curve at those checkpoints from one run up to ``max(xs)``: a sequence of one
        value per grid point, or a mapping ``{x: value}``; with ``vectorized=True`` as
        well, ``run(xs, seeds)`` returns an array of shape ``(len(seeds), len(xs))``.
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
    curve : bool
        ``run`` returns the whole curve over the grid (one simulation per seed up to the
        largest grid point, read at every checkpoint) instead of one value per call.
        Its first parameter may be named ``var`` or ``var + "s"`` (``Ts``).
    quantity : str, optional
        What ``run`` returns, in words (``"regret"``, ``"KL to the target"``): the y-axis
        of the verdict's plot (``verdict.data["quantity"]``).

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

    An anytime quantity (cumulative regret) is read off one run per seed at every grid
    point with ``curve=True``:

    >>> def regret_curve(Ts, seed):
    ...     rng = np.random.default_rng(seed)
    ...     T_max = max(Ts)
    ...     increments = 1.0 / np.sqrt(np.arange(1, T_max + 1)) * rng.uniform(0.5, 1.5, T_max)
    ...     cumulative = np.cumsum(increments)
    ...     return {T: cumulative[T - 1] for T in Ts}
    >>> v = pc.check_rate(regret_curve, grid=np.geomspace(1e2, 1e5, 7), expected=0.5,
    ...                   curve=True)
    >>> v.status, [int(T) for T in v.data["xs"]]
    ('holds', [100, 316, 1000, 3162, 10000, 31623, 100000])
    """
    if not callable(run):
        raise InvalidType(f"run={run!r} is not callable, expected run(x, seed) -> float")
    kind = check_choice("kind", kind, RATE_KINDS)
    expected = check_real("expected", expected)
    tol = check_real("tol", tol, lower=0.0)
    polylog = check_real("polylog", polylog, lower=0.0)
    control_offset = check_real("control_offset", control_offset, lower=0.0, lower_open=True)
    min_decades = check_real("min_decades", min_decades, lower=0.0)
    if not isinstance(curve, (bool, np.bool_)):
        raise InvalidType(f"curve={curve!r}, expected True or False")
    if quantity is not None and (not isinstance(quantity, str) or not quantity.strip()):
        raise InvalidType(f"quantity={quantity!r}, expected a non-empty string such as "
                          "'regret'")
    _check_var(run, var, bool(curve))
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
    if curve:   # one call per seed (or one for all seeds) gives the whole grid
        if vectorized:
            arr = np.asarray(seed_list, dtype=np.int64)
            cols = _curve_values(run(list(xs_user), arr), xs_user, "run(xs, seeds)", arr.size)
            for j, (x, col) in enumerate(zip(xs_user, cols)):
                for s, sd in enumerate(seed_list):
                    ys[s, j] = _check_value(col[s], x, sd, "run(xs, seeds)")
        else:
            for s, sd in enumerate(seed_list):
                vals = _curve_values(run(list(xs_user), sd), xs_user, "run(xs, seed)")
                for j, x in enumerate(xs_user):
                    ys[s, j] = _check_value(vals[j], x, sd, "run(xs, seed)")
    for j, x in enumerate([] if curve else xs_user):
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
    if quantity is not None:
        v["data"]["quantity"] = quantity
    v["seconds"] = time.perf_counter() - t0
    v["control"]["claim"] = f"{label} (control)"
    return v
