r"""Statistics behind verdicts: log-log exponent fits with bootstrap intervals and
the decision rules of DESIGN.md.

A rate claim :math:`f(x) = \Theta(x^{b})` is judged on the slope of
:math:`\log y` against :math:`\log x`. Seeds are independent replicates; the
bootstrap resamples seeds (whole curves), so the interval reflects seed-to-seed
variation rather than pretending grid points are independent.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from provable._result import RichResult
from provable._validation import as_generator, check_choice, check_int, check_real
from provable.errors import InvalidArgument

__all__ = ["ExponentFit", "fit_exponent", "judge_exponent", "judge_residual", "judge_all_true",
           "RATE_KINDS"]

RATE_KINDS = ("upper", "lower", "tight")


class ExponentFit(RichResult):
    """Result of :func:`fit_exponent`: ``slope``, its bootstrap ``ci``, ``intercept``,
    ``decades`` spanned by x, ``n_seeds``, ``polylog`` power divided out, ``level``."""

    _fields = ("slope", "ci", "intercept", "decades", "n_seeds", "polylog", "level")


def _prepare(xs: Any, ys: Any) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(xs, dtype=float)
    y = np.asarray(ys, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise InvalidArgument(f"xs has shape {x.shape}, expected a 1-D grid of at least 2 points")
    if y.ndim == 1:
        y = y[None, :]
    if y.ndim != 2 or y.shape[1] != x.size:
        raise InvalidArgument(
            f"ys has shape {np.shape(ys)}, expected (n_seeds, {x.size}) or ({x.size},)")
    if not np.all(np.isfinite(x)) or np.any(x <= 0):
        i = int(np.argmax(~np.isfinite(x) | (x <= 0)))
        raise InvalidArgument(f"xs[{i}]={x[i]!r}, expected a positive finite grid for a log-log fit")
    bad = ~np.isfinite(y) | (y <= 0)
    if bad.any():
        s, j = (int(v) for v in np.argwhere(bad)[0])
        raise InvalidArgument(
            f"ys[{s}, {j}]={y[s, j]!r} at x={x[j]:g}, expected a positive finite value for a "
            "log-log fit (a regret that is NaN, zero or negative cannot be fitted)")
    return x, y


def fit_exponent(xs: Any, ys: Any, *, polylog: float = 0.0, n_boot: int = 2000,
                 level: float = 0.95, seed: Any = 0) -> ExponentFit:
    r"""Fit :math:`y \approx c\,x^{b}(\log x)^{p}` by least squares in log-log space.

    Parameters
    ----------
    xs : array_like(float, ndim=1)
        Grid of the swept variable (positive).
    ys : array_like(float, ndim=1 or 2)
        Measurements, shape ``(n_seeds, len(xs))`` (or one curve).
    polylog : float, default 0
        Power ``p`` of :math:`\log x` divided out before fitting (for Õ rates).
    n_boot : int, default 2000
        Bootstrap resamples over seeds. With a single seed the interval is the
        normal-theory interval of the regression slope instead.
    level : float, default 0.95
        Two-sided confidence level.
    seed : int or Generator
        Seed of the bootstrap.

    Returns
    -------
    ExponentFit

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([10, 100, 1000, 10000.0])
    >>> rng = np.random.default_rng(0)
    >>> y = 3 * np.sqrt(x) * np.exp(0.01 * rng.standard_normal((8, 4)))
    >>> fit = fit_exponent(x, y)
    >>> round(fit.slope, 2), fit.ci[0] < 0.5 < fit.ci[1]
    (0.5, True)
    """
    x, y = _prepare(xs, ys)
    check_int("n_boot", n_boot, min_value=10)
    check_real("level", level, lower=0.5, upper=1.0, upper_open=True)
    lx = np.log(x)
    ly = np.log(y)
    if polylog:
        if np.any(x <= 1):
            raise InvalidArgument("polylog fit needs xs > 1 (log x must be positive)")
        ly = ly - polylog * np.log(lx)
    lxc = lx - lx.mean()
    denom = float(lxc @ lxc)
    if denom == 0:
        raise InvalidArgument("xs are all equal; cannot fit a slope")

    def slope_of(curves: np.ndarray) -> np.ndarray:
        m = curves.mean(axis=-2)
        return (m - m.mean(axis=-1, keepdims=True)) @ lxc / denom

    slope = float(slope_of(ly))
    intercept = float(ly.mean() - slope * lx.mean())
    n_seeds = ly.shape[0]
    alpha = 1 - level
    if n_seeds >= 2:
        rng = as_generator(seed)
        idx = rng.integers(0, n_seeds, size=(n_boot, n_seeds))
        boots = slope_of(ly[idx])
        lo, hi = np.quantile(boots, [alpha / 2, 1 - alpha / 2])
    else:
        from scipy import stats

        resid = ly[0] - (intercept + slope * lx)
        dof = max(x.size - 2, 1)
        se = float(np.sqrt(resid @ resid / dof / denom))
        t = stats.t.ppf(1 - alpha / 2, dof)
        lo, hi = slope - t * se, slope + t * se
    decades = float(np.log10(x.max() / x.min()))
    return ExponentFit(slope=slope, ci=(float(lo), float(hi)), intercept=intercept,
                       decades=decades, n_seeds=n_seeds, polylog=float(polylog), level=level)


def judge_exponent(fit: ExponentFit, expected: float, *, kind: str = "upper", tol: float = 0.1,
                   min_decades: float = 1.0, max_ci_width: float | None = None
                   ) -> tuple[str, str]:
    """Turn an exponent fit into ``(status, reason)``.

    Rules (DESIGN.md): for ``kind="upper"`` the claim is *violated* only when the whole
    CI lies above ``expected + tol`` and *holds* when the whole CI lies below
    ``expected + tol``; ``"lower"`` mirrors it; ``"tight"`` holds when the CI lies inside
    ``[expected - tol, expected + tol]`` and is violated when it lies entirely outside.
    Anything else is *inconclusive*, with the reason (too few decades, CI too wide,
    CI straddling the threshold).
    """
    check_choice("kind", kind, RATE_KINDS)
    lo, hi = fit.ci
    width = hi - lo
    ci_s = f"[{lo:.3f}, {hi:.3f}]"
    meas = f"fitted exponent {fit.slope:.3f} (CI {ci_s}, {fit.n_seeds} seeds, {fit.decades:.2f} decades)"
    if fit.decades < min_decades:
        return "inconclusive", f"{meas}: the grid spans fewer than {min_decades:g} decades"
    if max_ci_width is not None and width > max_ci_width:
        return "inconclusive", f"{meas}: CI wider than {max_ci_width:g}"
    up, down = expected + tol, expected - tol
    if kind == "upper":
        if lo > up:
            return "violated", f"{meas} lies entirely above {expected:g} + {tol:g}"
        if hi <= up:
            return "holds", f"{meas} lies below {expected:g} + {tol:g}"
        return "inconclusive", f"{meas} straddles {expected:g} + {tol:g}"
    if kind == "lower":
        if hi < down:
            return "violated", f"{meas} lies entirely below {expected:g} - {tol:g}"
        if lo >= down:
            return "holds", f"{meas} lies above {expected:g} - {tol:g}"
        return "inconclusive", f"{meas} straddles {expected:g} - {tol:g}"
    if down <= lo and hi <= up:
        return "holds", f"{meas} lies within {expected:g} ± {tol:g}"
    if hi < down or lo > up:
        return "violated", f"{meas} lies outside {expected:g} ± {tol:g}"
    return "inconclusive", f"{meas} overlaps the boundary of {expected:g} ± {tol:g}"


def judge_residual(residual: float, tol: float, what: str = "max |lhs - rhs|") -> tuple[str, str]:
    """``holds`` when ``residual <= tol`` (an identity checked numerically), else ``violated``."""
    residual = float(residual)
    if not np.isfinite(residual):
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
