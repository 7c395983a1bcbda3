r"""Statistics behind verdicts: exponent fits that judge the expectation, in the
asymptotic regime, with intervals whose coverage is measured.

A rate claim :math:`\mathbb E[y(x)] = O(x^{b})` is judged on the curve of the
*statistic the theorem bounds* — the mean over seeds by default, an upper quantile
for a high-probability bound — never on the average of :math:`\log y` (that is the
geometric mean, in which a few seeds locked onto linear regret disappear).

The exponent is read where the theorem speaks, at the top of the grid. The log-log
curve of the statistic is cut into two windows of (up to) one decade each, the top
window and the one below it; the slope of each is a least-squares slope, and the
*curvature* is the change of slope per decade between them. Before it is compared
with a threshold, the top slope's interval is projected along the curvature (a
burn-in, a constant offset, a sum of two powers all bend the curve): to the end of the
grid along any bend the data allow, and two decades on along a bend they resolve
(:func:`projected_interval`). A curve still bending towards a threshold thus gets
``inconclusive``, with what to extend, rather than a confident verdict from an
average slope.

Intervals are studentized jackknife intervals over *seeds*, i.e. whole curves
(estimate ± Student's t with n − 1 degrees of freedom times the jackknife standard
error), so they reflect seed-to-seed variation. Their coverage on
planted data is measured by ``benchmarks/verdict_coverage.py``. A confident verdict
needs at least :data:`MIN_SEEDS` seeds, unless the curve is declared exact
(``deterministic=True``: a computation without randomness, whose only uncertainty is
the bending of the curve).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from provable._result import RichResult
from provable._validation import check_choice, check_int, check_real
from provable.errors import InvalidArgument, InvalidType

__all__ = ["ExponentFit", "fit_exponent", "judge_exponent", "judge_residual", "judge_all_true",
           "RATE_KINDS", "MIN_SEEDS", "TIE_TOL", "EXTRAPOLATE_DECADES", "RESOLVED_DECADES",
           "MIN_POINTS", "projected_interval"]

RATE_KINDS = ("upper", "lower", "tight")

#: Fewest independent seeds for a confident verdict on noisy data: the interval's
#: coverage on the planted cases of ``benchmarks/verdict_coverage.py`` is measured
#: from this many replicates up.
MIN_SEEDS = 8

#: Fewest grid points: two windows need three points to measure a curvature.
MIN_POINTS = 3

#: Interval ends within this distance of a threshold count as on it; the thresholds
#: are closed (an exponent exactly ``expected + tol`` satisfies an upper bound).
TIE_TOL = 1e-9

#: How far (in decades of x) the top window's slope is projected along the whole
#: curvature interval: from the window's centre to the end of the grid.
EXTRAPOLATE_DECADES = 0.5

#: How far it is projected along the measured curvature: a bend is assumed to go on
#: for two more decades, so c + x^b and x^b + x^c / 1e6 get no confident verdict
#: until their bending has stopped.
RESOLVED_DECADES = 2.0

_STATISTICS = ("mean", "quantile")


class ExponentFit(RichResult):
    r"""Result of :func:`fit_exponent`.

    Attributes
    ----------
    slope, ci : float, (float, float)
        Least-squares slope of :math:`\log(\text{statistic})` against :math:`\log x`
        over the whole grid, and its interval (a summary; verdicts use the top window).
    intercept : float
        Intercept of that fit (natural logs).
    top_slope, top_ci : float, (float, float)
        Slope over the top window of the grid and its interval.
    curvature, curvature_ci : float, (float, float)
        Change of slope per decade of x between the window below the top and the top
        window (positive: bending upwards) and its interval.
    windows : list of (float, float)
        The two windows ``(x_low, x_high)``: the one below the top, then the top.
    local_slopes : list of float
        Secant slopes between consecutive grid points (for reports).
    statistic : str
        ``"mean"`` or ``"quantile q"``: what was fitted at each grid point.
    decades, n_seeds, n_points, polylog, level : float, int, int, float, float
        Span of the grid, replicates, grid size, power of :math:`\log x` divided out,
        two-sided confidence level.
    interval : str
        How the intervals were computed: ``"studentized jackknife over seeds"``,
        ``"exact (deterministic)"`` or ``"none (1 seed)"``.
    deterministic : bool
        Whether every seed gave the same curve or the caller declared it exact.
    """

    _fields = ("top_slope", "top_ci", "curvature", "curvature_ci", "slope", "ci", "intercept",
               "windows", "local_slopes", "statistic", "decades", "n_seeds", "n_points",
               "polylog", "level", "interval", "deterministic")


def _prepare(xs: Any, ys: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        x = np.asarray(xs, dtype=float)
        y = np.asarray(ys, dtype=float)
    except (TypeError, ValueError) as e:
        raise InvalidType(f"xs and ys must be arrays of real numbers ({e})") from e
    if x.ndim != 1 or x.size < 2:
        raise InvalidArgument(f"xs has shape {x.shape}, expected a 1-D grid of at least 2 points")
    if y.ndim == 1:
        y = y[None, :]
    if y.ndim != 2 or y.shape[1] != x.size:
        raise InvalidArgument(
            f"ys has shape {np.shape(ys)}, expected (n_seeds, {x.size}) or ({x.size},)")
    if not np.all(np.isfinite(x)) or np.any(x <= 0):
        i = int(np.argmax(~np.isfinite(x) | (x <= 0)))
        raise InvalidArgument(
            f"xs[{i}]={float(x[i])!r}, expected a positive finite grid for a log-log fit")
    if np.any(np.diff(x) <= 0):
        i = int(np.argmax(np.diff(x) <= 0))
        raise InvalidArgument(
            f"xs[{i + 1}]={float(x[i + 1])!r} <= xs[{i}]={float(x[i])!r}, expected a strictly "
            "increasing grid")
    bad = ~np.isfinite(y)
    if bad.any():
        s, j = (int(v) for v in np.argwhere(bad)[0])
        raise InvalidArgument(
            f"ys[{s}, {j}]={float(y[s, j])!r} at x={x[j]:g}, expected a finite value (a "
            "regret that is NaN or infinite cannot be fitted)")
    return x, y


def _windows(u: np.ndarray, width: float) -> tuple[np.ndarray, np.ndarray]:
    """Index arrays of the window below the top and of the top window (log10 grid ``u``).

    The top window holds the points within ``width`` decades of the largest x (at least
    the last two points); the window below it ends at the top window's first point and
    reaches ``width`` decades further down (at least two points). They share one point.
    """
    eps = 1e-9
    n = u.size
    top_first = min(int(np.searchsorted(u, u[-1] - width - eps)), n - 2)
    low_first = min(int(np.searchsorted(u, u[top_first] - width - eps)), top_first - 1)
    return np.arange(low_first, top_first + 1), np.arange(top_first, n)


def _statistic_of(y: np.ndarray, statistic: str, q: float) -> np.ndarray:
    """Statistic over the last axis (seeds)."""
    if statistic == "mean":
        return y.mean(axis=-1)
    return np.quantile(y, q, axis=-1)


def fit_exponent(xs: Any, ys: Any, *, polylog: float = 0.0, statistic: str = "mean",
                 quantile: float = 0.9, n_boot: int = 2000, level: float = 0.95,
                 deterministic: bool = False, window_decades: float = 1.0,
                 seed: Any = 0) -> ExponentFit:
    r"""Fit the growth exponent of a statistic over seeds, :math:`s(x) \approx c\,x^{b}(\log x)^p`.

    At every grid point the statistic of the seeds' values is taken (their mean, or
    their ``quantile``); :math:`\log s` is then fitted against :math:`\log x` by least
    squares over the whole grid (``slope``) and over the two top windows
    (``top_slope`` and ``curvature``, see the module docstring). Intervals are
    studentized jackknife intervals over seeds (whole curves).

    Parameters
    ----------
    xs : array_like(float, ndim=1)
        Strictly increasing positive grid of the swept variable.
    ys : array_like(float, ndim=1 or 2)
        Measurements, shape ``(n_seeds, len(xs))`` (or one curve); finite, with a
        positive statistic over seeds at every grid point.
    polylog : float, default 0
        Power ``p`` of :math:`\log x` divided out before fitting (for Õ rates).
    statistic : {"mean", "quantile"}
        What the theorem bounds: the expectation (default) or, for a high-probability
        bound, the ``quantile`` of the distribution over seeds.
    quantile : float, default 0.9
        The quantile level when ``statistic="quantile"``.
    n_boot : int, default 2000
        Accepted for compatibility; the jackknife interval needs no resamples.
    level : float, default 0.95
        Two-sided confidence level of every interval.
    deterministic : bool, default False
        The curve is exact (no randomness): intervals collapse to the point estimates.
        Also set automatically when every seed gave the same curve.
    window_decades : float, default 1
        Width of the two top windows in decades (narrowed to half the grid's span on
        grids spanning fewer than two decades).
    seed : int or Generator
        Accepted for compatibility; the jackknife interval is deterministic.

    Returns
    -------
    ExponentFit

    Examples
    --------
    Mean regret of 16 seeds, 12 of them at :math:`5\log T` and 4 locked onto a bad arm
    (:math:`0.1\,T`): the expectation is linear, and so is the fitted exponent.

    >>> import numpy as np
    >>> T = np.geomspace(1e2, 1e5, 7)
    >>> ys = np.vstack([np.tile(5 * np.log(T), (12, 1)), np.tile(0.1 * T, (4, 1))])
    >>> fit = fit_exponent(T, ys)
    >>> round(fit.top_slope, 2), fit.statistic
    (0.95, 'mean')

    A pure power has no curvature:

    >>> fit = fit_exponent(T, 3 * np.sqrt(T), deterministic=True)
    >>> round(fit.top_slope, 6), round(fit.curvature, 6), fit.interval
    (0.5, 0.0, 'exact (deterministic)')
    """
    x, y = _prepare(xs, ys)
    statistic = check_choice("statistic", statistic, _STATISTICS)
    q = check_real("quantile", quantile, lower=0.0, upper=1.0, lower_open=True, upper_open=True)
    check_int("n_boot", n_boot, min_value=100)
    check_real("level", level, lower=0.5, upper=1.0, upper_open=True)
    check_real("window_decades", window_decades, lower=0.0, lower_open=True)
    if not isinstance(deterministic, (bool, np.bool_)):
        raise InvalidType(f"deterministic={deterministic!r}, expected a bool")
    lx = np.log(x)
    u = np.log10(x)
    logpoly = np.zeros_like(lx)
    if polylog:
        if np.any(x <= 1):
            raise InvalidArgument("polylog fit needs xs > 1 (log x must be positive)")
        logpoly = polylog * np.log(lx)
    decades = float(u[-1] - u[0])
    width = min(float(window_decades), decades / 2)  # decades > 0: xs strictly increase
    J = x.size
    if J >= MIN_POINTS:
        low_w, top_w = _windows(u, width)
    else:
        low_w, top_w = np.arange(J), np.arange(J)
    gap = float(u[top_w].mean() - u[low_w].mean())

    def ols(lx_part: np.ndarray, ly_part: np.ndarray) -> float:
        # least-squares slope of ly_part against lx_part
        c = lx_part - lx_part.mean()
        return float(((ly_part - ly_part.mean()) * c).sum() / (c @ c))

    def summary(ly: np.ndarray) -> np.ndarray:
        s_all = ols(lx, ly)
        s_top = ols(lx[top_w], ly[top_w])
        s_low = ols(lx[low_w], ly[low_w])
        # the windows' mean log10 x differ (gap > 0) whenever there are two windows
        curv = (s_top - s_low) / gap if J >= MIN_POINTS else 0.0
        return np.array([s_all, s_top, curv])

    def log_stat(yy: np.ndarray) -> np.ndarray:
        # yy: (J, n) -> (J,)
        return np.log(_statistic_of(yy, statistic, q)) - logpoly

    yT = y.T  # (J, n)
    stat = _statistic_of(yT, statistic, q)
    if np.any(stat <= 0):
        j = int(np.argmax(stat <= 0))
        raise InvalidArgument(
            f"the {statistic} over seeds at x={x[j]:g} is {float(stat[j])!r}, expected a "
            "positive value for a log-log fit (single seeds may be negative, e.g. regret "
            "against the best fixed arm; their statistic may not)")
    ly_hat = log_stat(yT)
    est = summary(ly_hat)
    n_seeds = y.shape[0]
    same = bool(np.all(y == y[:1]))
    det = bool(deterministic) or (same and n_seeds >= 2)
    if det:
        lo = hi = est
        how = "exact (deterministic)"
    elif n_seeds < 2:
        lo = np.full(3, -np.inf)
        hi = np.full(3, np.inf)
        how = "none (1 seed)"
    else:
        from scipy import stats

        # studentized jackknife interval: est +- t_{n-1} * jackknife standard error.
        # On the planted cases of benchmarks/verdict_coverage.py it keeps its nominal
        # coverage from 8 seeds where BCa and the percentile bootstrap do not.
        n = n_seeds
        loo = np.empty((3, n))
        for k in range(n):
            keep = np.r_[0:k, k + 1:n]
            with np.errstate(invalid="ignore", divide="ignore"):
                loo[:, k] = summary(log_stat(yT[:, keep]))
        centred = loo - loo.mean(axis=1, keepdims=True)
        # a leave-one-out statistic <= 0 has no logarithm: the data cannot bound the
        # slope, and the interval is the whole line
        se = np.where(np.all(np.isfinite(loo), axis=1),
                      np.sqrt((n - 1) / n * (centred ** 2).sum(axis=1)), np.inf)
        t = float(stats.t.ppf(0.5 + level / 2, n - 1))
        lo, hi = est - t * se, est + t * se
        how = "studentized jackknife over seeds"
    slope = float(est[0])
    intercept = float(ly_hat.mean() - slope * lx.mean())
    secants = np.diff(ly_hat) / np.diff(lx)
    stat_name = "mean" if statistic == "mean" else f"quantile {q:g}"
    return ExponentFit(
        top_slope=float(est[1]), top_ci=(float(lo[1]), float(hi[1])),
        curvature=float(est[2]), curvature_ci=(float(lo[2]), float(hi[2])),
        slope=slope, ci=(float(lo[0]), float(hi[0])), intercept=intercept,
        windows=[(float(x[low_w[0]]), float(x[low_w[-1]])),
                 (float(x[top_w[0]]), float(x[top_w[-1]]))],
        local_slopes=[float(s) for s in secants], statistic=stat_name, decades=decades,
        n_seeds=int(n_seeds), n_points=int(J), polylog=float(polylog), level=float(level),
        interval=how, deterministic=det)


def projected_interval(fit: ExponentFit, extrapolate: float = EXTRAPOLATE_DECADES,
                       resolved: float = RESOLVED_DECADES) -> tuple[float, float]:
    r"""Where the top slope can be once the curve has bent a little further.

    With the top slope's interval :math:`[s_-, s_+]`, the curvature's
    :math:`[\kappa_-, \kappa_+]` and its estimate :math:`\hat\kappa` (per decade),

    .. math::

        lo = s_- + \min(0,\ e\,\kappa_-,\ r\,\hat\kappa), \qquad
        hi = s_+ + \max(0,\ e\,\kappa_+,\ r\,\hat\kappa),

    with ``e = extrapolate`` (the end of the grid, along any bend the data allow) and
    ``r = resolved`` (two decades on, along the measured bend). A bend that noise hides
    still widens the interval; a bend that is there keeps a curve that is still
    approaching a threshold from a confident verdict on it.

    Examples
    --------
    :math:`\sqrt T + T/300` on :math:`10^2..10^4`: slope 0.58 at the top, rising by
    0.052 a decade, so it may well pass 0.6 soon.

    >>> import numpy as np
    >>> T = np.geomspace(1e2, 1e4, 5)
    >>> fit = fit_exponent(T, np.sqrt(T) + T / 300, deterministic=True)
    >>> lo, hi = projected_interval(fit)
    >>> round(fit.top_slope, 3), round(fit.curvature, 3), round(hi, 3)
    (0.581, 0.052, 0.686)
    """
    lo, hi = fit["top_ci"]
    clo, chi = fit["curvature_ci"]
    k = fit["curvature"]
    return (lo + min(0.0, clo * extrapolate, k * resolved),
            hi + max(0.0, chi * extrapolate, k * resolved))


def _fmt_ci(ci: tuple[float, float]) -> str:
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def judge_exponent(fit: ExponentFit, expected: float, *, kind: str = "upper", tol: float = 0.1,
                   min_decades: float = 1.0, max_ci_width: float | None = None,
                   min_seeds: int = MIN_SEEDS, extrapolate: float = EXTRAPOLATE_DECADES,
                   resolved: float = RESOLVED_DECADES) -> tuple[str, str]:
    r"""Turn an exponent fit into ``(status, reason)``.

    The judged interval is :func:`projected_interval`: the top window's slope interval,
    projected along the curvature (to the end of the grid along any bend the data
    allow, two decades on along a bend they resolve). With ``[lo, hi]`` that interval:

    * ``"upper"`` (:math:`O(x^b)`): ``holds`` when ``hi <= b + tol``, ``violated`` when
      ``lo > b + tol``;
    * ``"lower"`` (:math:`\Omega(x^b)`): ``holds`` when ``lo >= b - tol``, ``violated``
      when ``hi < b - tol``;
    * ``"tight"`` (:math:`\Theta(x^b)`): ``holds`` inside ``[b - tol, b + tol]``,
      ``violated`` entirely outside.

    Thresholds are closed: an end within :data:`TIE_TOL` of a threshold counts as on it.
    Everything else is ``inconclusive`` with the reason, and so is any fit with fewer
    than ``min_decades`` decades, fewer than :data:`MIN_POINTS` grid points, fewer than
    ``min_seeds`` seeds (unless deterministic) or a top interval wider than
    ``max_ci_width``.

    Examples
    --------
    :math:`\sqrt T + T/300` on :math:`10^2..10^5` is not :math:`O(\sqrt T)`: its slope is
    still rising at the top of the grid.

    >>> import numpy as np
    >>> T = np.geomspace(1e2, 1e5, 7)
    >>> fit = fit_exponent(T, np.sqrt(T) + T / 300, deterministic=True)
    >>> judge_exponent(fit, 0.5, kind="upper", tol=0.1)[0]
    'violated'
    >>> fit = fit_exponent(T[:5], (np.sqrt(T) + T / 300)[:5], deterministic=True)
    >>> judge_exponent(fit, 0.5, kind="upper", tol=0.1)[0]
    'inconclusive'
    """
    check_choice("kind", kind, RATE_KINDS)
    expected = check_real("expected", expected)
    tol = check_real("tol", tol, lower=0.0)
    check_real("extrapolate", extrapolate, lower=0.0)
    check_int("min_seeds", min_seeds, min_value=1)
    top_lo, top_hi = fit["top_ci"]
    check_real("resolved", resolved, lower=0.0)
    lo, hi = projected_interval(fit, extrapolate, resolved)
    curv = fit["curvature"]
    slopes = ", ".join(f"{s:.3f}" for s in fit["local_slopes"])
    meas = (f"{fit['statistic']} over {fit['n_seeds']} seed{'s' if fit['n_seeds'] != 1 else ''}: "
            f"exponent {fit['top_slope']:.3f} over the top window "
            f"[{fit['windows'][1][0]:g}, {fit['windows'][1][1]:g}] "
            f"(CI {_fmt_ci((top_lo, top_hi))}), "
            f"curvature {curv:+.3f}/decade (CI {_fmt_ci(fit['curvature_ci'])}), "
            f"{fit['decades']:.2f} decades; local slopes {slopes}")
    if fit["decades"] < min_decades:
        return "inconclusive", (f"{meas}: the grid spans fewer than {min_decades:g} decades; "
                                "extend it to larger x")
    if fit["n_points"] < MIN_POINTS:
        return "inconclusive", (f"{meas}: {fit['n_points']} grid points cannot show whether the "
                                f"curve still bends; use at least {MIN_POINTS}")
    if not fit["deterministic"] and fit["n_seeds"] < min_seeds:
        more = min_seeds - fit["n_seeds"]
        return "inconclusive", (f"{meas}: a confident verdict needs at least {min_seeds} seeds "
                                f"({more} more), or deterministic=True for an exact curve")
    if max_ci_width is not None and top_hi - top_lo > max_ci_width:
        return "inconclusive", f"{meas}: CI wider than {max_ci_width:g}; add seeds"
    proj = f"; projected along the bend: [{lo:.3f}, {hi:.3f}]" if (lo, hi) != (top_lo, top_hi) \
        else ""
    meas = meas + proj
    up, down = expected + tol, expected - tol
    clo, chi = fit["curvature_ci"]

    def bending(direction: str) -> str:
        if clo <= 0.0 <= chi:
            return (" — the curvature at the top of the grid is not resolved (its interval holds "
                    "0); add seeds or grid points")
        return (f" — the curve is still bending {direction} at the top of the grid; extend the "
                "grid to larger x (more decades)")

    if kind == "upper":
        thr = f"{expected:g} + {tol:g}"
        if hi <= up + TIE_TOL:
            return "holds", f"{meas} lies below {thr}"
        if lo > up + TIE_TOL:
            return "violated", f"{meas} lies entirely above {thr}"
        if top_hi <= up + TIE_TOL:
            return "inconclusive", f"{meas} straddles {thr}" + bending("upwards")
        if top_lo > up + TIE_TOL:
            return "inconclusive", f"{meas} straddles {thr}" + bending("downwards")
        return "inconclusive", f"{meas} straddles {thr}; add seeds or decades"
    if kind == "lower":
        thr = f"{expected:g} - {tol:g}"
        if lo >= down - TIE_TOL:
            return "holds", f"{meas} lies above {thr}"
        if hi < down - TIE_TOL:
            return "violated", f"{meas} lies entirely below {thr}"
        if top_lo >= down - TIE_TOL:
            return "inconclusive", f"{meas} straddles {thr}" + bending("downwards")
        if top_hi < down - TIE_TOL:
            return "inconclusive", f"{meas} straddles {thr}" + bending("upwards")
        return "inconclusive", f"{meas} straddles {thr}; add seeds or decades"
    band = f"{expected:g} ± {tol:g}"
    if down - TIE_TOL <= lo and hi <= up + TIE_TOL:
        return "holds", f"{meas} lies within {band}"
    if hi < down - TIE_TOL or lo > up + TIE_TOL:
        return "violated", f"{meas} lies outside {band}"
    inside = down - TIE_TOL <= top_lo and top_hi <= up + TIE_TOL
    outside = top_hi < down - TIE_TOL or top_lo > up + TIE_TOL
    if inside or outside:
        return "inconclusive", (f"{meas} overlaps the boundary of {band}"
                                + bending("upwards" if fit["curvature"] > 0 else "downwards"))
    return "inconclusive", f"{meas} overlaps the boundary of {band}; add seeds or decades"


def judge_residual(residual: float, tol: float, what: str = "max |lhs - rhs|") -> tuple[str, str]:
    """``holds`` when ``residual <= tol`` (an identity checked numerically), else ``violated``."""
    residual = float(residual)
    if not math.isfinite(residual):
        return "violated", f"{what} is {residual!r}"
    if residual <= tol:
        return "holds", f"{what} = {residual:.3g} <= {tol:g}"
    return "violated", f"{what} = {residual:.3g} > {tol:g}"


def judge_all_true(flags: Any, what: str) -> tuple[str, str]:
    """``holds`` when every flag is true; otherwise ``violated`` naming the first failure."""
    f = np.asarray(flags, dtype=bool).ravel()
    if f.all():
        return "holds", f"{what}: all {f.size} cases pass"
    i = int(np.argmin(f))
    return "violated", f"{what}: case {i} fails ({int((~f).sum())} of {f.size} fail)"
