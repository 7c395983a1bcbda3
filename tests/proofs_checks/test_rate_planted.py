"""Rate verdicts on planted data whose growth is known by construction.

Each case states the true curve, the claim, and the verdicts a sound harness may give
from first principles. ``{"holds"}`` or ``{"violated"}`` means the data are strong
enough that anything else is a failure of power; a set with ``"inconclusive"`` means
the data cannot settle the claim (a curve still bending, too few seeds) and the one
verdict that must never come is the confident wrong one.

Claims are read as exponent statements: ``upper`` is y = O(x^(b + tol)), ``lower`` is
y = Omega(x^(b - tol)), ``tight`` is x^(b - tol) <~ y <~ x^(b + tol), all for the
statistic over seeds (the mean unless stated).
"""

from __future__ import annotations

import numpy as np
import pytest

from provable import proofs_checks as pc
from provable.errors import InvalidArgument, InvalidType
from provable.proofs_checks._claim import rate_verdict
from provable.proofs_checks._stats import (
    EXTRAPOLATE_DECADES,
    MIN_SEEDS,
    RESOLVED_DECADES,
    TIE_TOL,
    fit_exponent,
    judge_exponent,
    projected_interval,
)

G = np.geomspace(1e2, 1e5, 7)          # 3 decades, half-decade steps


def lognormal(f, grid=G, n=32, sigma=0.1, seed=0):
    rng = np.random.default_rng(seed)
    return f(grid) * rng.lognormal(-sigma ** 2 / 2, sigma, (n, grid.size))


def heavy(f, grid=G, n=32, alpha=2.5, seed=0):
    """Multiplicative Pareto noise with mean 1 (finite variance only for alpha > 2)."""
    rng = np.random.default_rng(seed)
    z = rng.pareto(alpha, (n, grid.size)) + 1.0
    return f(grid) * z * (alpha - 1) / alpha


def lock_in(n_bad, n=16, grid=G, seed=0):
    """``n - n_bad`` seeds at 5 log T, ``n_bad`` locked onto a bad arm at 0.1 T."""
    rng = np.random.default_rng(seed)
    good = 5 * np.log(grid) * rng.lognormal(0, 0.1, (n - n_bad, grid.size))
    bad = 0.1 * grid * rng.lognormal(0, 0.1, (n_bad, grid.size))
    return np.vstack([good, bad])


def verdict(xs, ys, expected, kind, tol=0.1, **kw):
    return rate_verdict(xs, ys, expected=expected, kind=kind, tol=tol, var="T", **kw)


def sqrt2(x):
    return 2 * np.sqrt(x)


CASES = [
    # name, xs, ys, (expected, kind, tol), options, allowed verdicts
    ("sqrt T, O(sqrt T)", G, lognormal(sqrt2), (0.5, "upper", 0.1), {}, {"holds"}),
    ("sqrt T, Theta(sqrt T)", G, lognormal(sqrt2), (0.5, "tight", 0.1), {}, {"holds"}),
    ("sqrt T, Omega(sqrt T)", G, lognormal(sqrt2), (0.5, "lower", 0.1), {}, {"holds"}),
    ("sqrt T, O(T^0.3)", G, lognormal(sqrt2), (0.3, "upper", 0.1), {}, {"violated"}),
    ("sqrt T, Omega(T^0.8)", G, lognormal(sqrt2), (0.8, "lower", 0.1), {}, {"violated"}),
    ("sqrt T, Theta(T^0.8)", G, lognormal(sqrt2), (0.8, "tight", 0.1), {}, {"violated"}),
    ("sqrt T, Theta(T^0.2)", G, lognormal(sqrt2), (0.2, "tight", 0.1), {}, {"violated"}),
    ("T^0.65 just above O(T^0.6)", G, lognormal(lambda x: x ** 0.65), (0.5, "upper", 0.1), {},
     {"violated", "inconclusive"}),
    ("T^0.55 just below O(T^0.6)", G, lognormal(lambda x: x ** 0.55), (0.5, "upper", 0.1), {},
     {"holds", "inconclusive"}),
    ("T^0.35 just below Omega(T^0.4)", G, lognormal(lambda x: x ** 0.35), (0.5, "lower", 0.1),
     {}, {"violated", "inconclusive"}),
    ("log T, O(sqrt T)", G, lognormal(lambda x: 5 * np.log(x)), (0.5, "upper", 0.1), {},
     {"holds"}),
    ("T^0.3, O(sqrt T)", G, lognormal(lambda x: x ** 0.3), (0.5, "upper", 0.1), {}, {"holds"}),
    ("T, Omega(sqrt T)", G, lognormal(lambda x: x), (0.5, "lower", 0.1), {}, {"holds"}),
    ("log T, Omega(sqrt T)", G, lognormal(lambda x: 5 * np.log(x)), (0.5, "lower", 0.1), {},
     {"violated"}),
    # polylog factors
    ("sqrt T log T, Theta(sqrt T) with polylog=1", G,
     lognormal(lambda x: np.sqrt(x) * np.log(x), n=64, seed=4), (0.5, "tight", 0.05),
     {"polylog": 1.0},
     {"holds"}),
    ("sqrt T log T, Theta(sqrt T) without polylog", G,
     lognormal(lambda x: np.sqrt(x) * np.log(x)), (0.5, "tight", 0.05), {},
     {"violated", "inconclusive"}),
    ("sqrt T log T, O(T^0.6) without polylog", G,
     lognormal(lambda x: np.sqrt(x) * np.log(x)), (0.5, "upper", 0.1), {},
     {"holds", "inconclusive"}),
    ("sqrt T log^2 T, O~(sqrt T) with polylog=2", G,
     lognormal(lambda x: np.sqrt(x) * np.log(x) ** 2), (0.5, "upper", 0.05), {"polylog": 2.0},
     {"holds"}),
    # offsets: c + x^b bends upwards towards b
    ("100 + sqrt T, Omega(sqrt T)", G, lognormal(lambda x: 100 + np.sqrt(x)),
     (0.5, "lower", 0.1), {}, {"holds", "inconclusive"}),
    ("100 + sqrt T, Theta(sqrt T)", G, lognormal(lambda x: 100 + np.sqrt(x)),
     (0.5, "tight", 0.1), {}, {"holds", "inconclusive"}),
    ("100 + sqrt T, O(sqrt T)", G, lognormal(lambda x: 100 + np.sqrt(x)),
     (0.5, "upper", 0.1), {}, {"holds", "inconclusive"}),
    # transients: linear, then sqrt(T T0) beyond T0 = 100
    ("linear-then-sqrt on 10..1000, O(sqrt T)", np.geomspace(10, 1000, 7),
     lognormal(lambda x: x / (1 + np.sqrt(x / 100)), grid=np.geomspace(10, 1000, 7)),
     (0.5, "upper", 0.1), {}, {"holds", "inconclusive"}),
    ("linear-then-sqrt on 10..1e5, O(sqrt T)", np.geomspace(10, 1e5, 9),
     lognormal(lambda x: x / (1 + np.sqrt(x / 100)), grid=np.geomspace(10, 1e5, 9)),
     (0.5, "upper", 0.1), {}, {"holds", "inconclusive"}),
    # sums of two powers: the larger exponent wins
    ("sqrt T + T/300 on 1e2..1e5, O(sqrt T)", G, lognormal(lambda x: np.sqrt(x) + x / 300),
     (0.5, "upper", 0.1), {}, {"violated"}),
    ("sqrt T + T/300 on 1e2..1e4, O(sqrt T)", G[:5],
     lognormal(lambda x: np.sqrt(x) + x / 300, grid=G[:5]), (0.5, "upper", 0.1), {},
     {"violated", "inconclusive"}),
    ("T^0.3 * 30 + sqrt T, O(sqrt T)", G, lognormal(lambda x: 30 * x ** 0.3 + np.sqrt(x)),
     (0.5, "upper", 0.1), {}, {"holds", "inconclusive"}),
    # lock-in seeds make the expectation linear
    ("4 of 16 seeds locked in, O(sqrt T)", G, lock_in(4), (0.5, "upper", 0.1), {},
     {"violated"}),
    ("4 of 16 seeds locked in, Theta(T)", G, lock_in(4), (1.0, "tight", 0.1), {},
     {"holds", "inconclusive"}),
    ("2 of 32 locked in, 0.7-quantile O(sqrt T)", G, lock_in(2, n=32), (0.5, "upper", 0.1),
     {"statistic": "quantile", "quantile": 0.7}, {"holds"}),
    # heavy tails and lognormal noise
    ("sqrt T, Pareto(2.5) noise, O(sqrt T)", G, heavy(sqrt2), (0.5, "upper", 0.1), {},
     {"holds", "inconclusive"}),
    ("sqrt T, Pareto(2.5) noise, O(T^0.2)", G, heavy(sqrt2), (0.2, "upper", 0.1), {},
     {"violated", "inconclusive"}),
    ("sqrt T, lognormal(1) noise, 16 seeds, O(sqrt T)", G, lognormal(sqrt2, sigma=1.0),
     (0.5, "upper", 0.1), {}, {"holds", "inconclusive"}),
    # decreasing rates
    ("1/t, O(1/t)", G, lognormal(lambda x: 3 / x), (-1.0, "upper", 0.1), {}, {"holds"}),
    ("1/t, Theta(1/t)", G, lognormal(lambda x: 3 / x), (-1.0, "tight", 0.1), {}, {"holds"}),
    ("1/sqrt t, O(1/t)", G, lognormal(lambda x: 3 / np.sqrt(x)), (-1.0, "upper", 0.1), {},
     {"violated"}),
    ("1/t, Omega(1/sqrt t) lower bound on the error", G, lognormal(lambda x: 3 / x),
     (-0.5, "lower", 0.1), {}, {"violated"}),
    # too little data
    ("1 noisy seed", G, lognormal(sqrt2, n=1), (0.5, "upper", 0.1), {}, {"inconclusive"}),
    ("2 seeds", G, lognormal(sqrt2, n=2), (0.5, "upper", 0.1), {}, {"inconclusive"}),
    ("less than a decade", np.geomspace(100, 800, 5),
     lognormal(sqrt2, grid=np.geomspace(100, 800, 5)), (0.5, "upper", 0.1), {},
     {"inconclusive"}),
]


@pytest.mark.parametrize("name, xs, ys, claim, options, allowed", CASES,
                         ids=[c[0] for c in CASES])
def test_planted_verdict(name, xs, ys, claim, options, allowed):
    expected, kind, tol = claim
    v = verdict(xs, ys, expected, kind, tol, **options)
    assert v.status in allowed, f"{name}: {v.status}: {v.reason}"
    if v.status == "holds":  # a holds is only evidence when the control was rejected
        assert v.control.status == "violated", v.control.reason


def test_lock_in_seeds_are_invisible_to_the_geometric_mean():
    """The point of judging the mean: the log-average of the same data looks like log T."""
    ys = lock_in(4)
    geo = np.exp(np.log(ys).mean(axis=0))
    assert judge_exponent(fit_exponent(G, geo[None, :], deterministic=True), 0.5,
                          kind="upper")[0] == "holds"
    v = verdict(G, ys, 0.5, "upper")
    assert v.status == "violated" and v.data["statistic"] == "mean"
    assert v.measured > 0.9


def test_quantile_and_mean_differ_on_lock_in():
    ys = lock_in(6, n=48)
    assert verdict(G, ys, 0.5, "upper").status == "violated"
    q = verdict(G, ys, 0.5, "upper", statistic="quantile", quantile=0.7)
    assert q.status == "holds" and q.data["statistic"] == "quantile 0.7"


# --- exact properties of the fit ---------------------------------------------------

@pytest.mark.parametrize("b, a", [(0.5, 0.0), (0.5, 0.05), (-1.0, -0.03), (1.0, 0.1)])
def test_window_slopes_and_curvature_are_exact_on_a_parabola(b, a):
    """log10 y = b u + a u^2 (u = log10 x): the local slope is b + 2 a u, the curvature 2a.

    On an evenly spaced u grid, the least-squares slope over a window equals the
    derivative at the window's centre, so both numbers are known in closed form.
    """
    u = np.linspace(2, 5, 7)
    xs = 10 ** u
    ys = 10 ** (b * u + a * u ** 2)
    fit = fit_exponent(xs, ys, deterministic=True)
    assert fit.windows == [(10 ** 3.0, 10 ** 4.0), (10 ** 4.0, 10 ** 5.0)]
    assert fit.top_slope == pytest.approx(b + 2 * a * 4.5, abs=1e-12)
    assert fit.curvature == pytest.approx(2 * a, abs=1e-12)
    assert fit.slope == pytest.approx(b + 2 * a * 3.5, abs=1e-12)
    assert fit.local_slopes == pytest.approx([b + 2 * a * (c + 0.25) for c in u[:-1]], abs=1e-12)
    assert fit.top_ci == (fit.top_slope, fit.top_slope)
    lo, hi = projected_interval(fit)    # an exact bend is resolved: two decades of slope 2a
    assert lo == pytest.approx(fit.top_slope + min(4 * a, 0))
    assert hi == pytest.approx(fit.top_slope + max(4 * a, 0))
    assert projected_interval(fit, extrapolate=1.0, resolved=0.0)[1] == pytest.approx(
        fit.top_slope + max(2 * a, 0))


def test_windows_on_short_and_sparse_grids():
    fit = fit_exponent([100, 1e3, 1e4, 1e5], np.sqrt([100, 1e3, 1e4, 1e5]), deterministic=True)
    assert fit.windows == [(1e3, 1e4), (1e4, 1e5)]
    # 1.5 decades: windows narrowed to 0.75 decades
    x = np.geomspace(100, 10 ** 3.5, 7)
    fit = fit_exponent(x, x, deterministic=True)
    assert fit.windows[1] == (pytest.approx(10 ** 2.75), pytest.approx(10 ** 3.5))
    assert fit.windows[0][1] == fit.windows[1][0]
    # three points: the smallest grid with a curvature
    fit = fit_exponent([10, 100, 1000], [1, 10, 1000], deterministic=True)
    assert fit.windows == [(10, 100), (100, 1000)]
    assert fit.curvature == pytest.approx(1.0) and fit.top_slope == pytest.approx(2.0)


def test_mean_not_geometric_mean_is_fitted():
    # two seeds: one at x, one at x^2 / 1e3; the mean's top slope is near 2, the log-mean's 1.5
    x = np.geomspace(1e3, 1e6, 4)
    ys = np.vstack([x, x ** 2 / 1e3])
    fit = fit_exponent(x, ys)
    exact = np.diff(np.log(ys.mean(0))) / np.diff(np.log(x))
    assert fit.local_slopes == pytest.approx(exact)
    assert fit.n_seeds == 2 and fit.interval == "studentized jackknife over seeds"


def test_quantile_statistic_is_the_seed_quantile():
    x = np.geomspace(10, 1e4, 4)
    ys = np.outer(np.arange(1, 11), x)  # seed k at k x
    fit = fit_exponent(x, ys, statistic="quantile", quantile=0.9)
    assert fit.statistic == "quantile 0.9"
    assert fit.intercept == pytest.approx(np.log(np.quantile(np.arange(1, 11), 0.9)))
    assert fit.top_slope == pytest.approx(1.0)


def test_polylog_is_divided_out_exactly():
    x = np.geomspace(1e2, 1e6, 5)
    fit = fit_exponent(x, np.sqrt(x) * np.log(x) ** 1.5, polylog=1.5, deterministic=True)
    assert fit.top_slope == pytest.approx(0.5, abs=1e-12)
    assert fit.curvature == pytest.approx(0.0, abs=1e-12)


def test_identical_seeds_are_deterministic_and_one_seed_has_no_interval():
    x = np.geomspace(10, 1e4, 5)
    fit = fit_exponent(x, np.tile(x ** 0.7, (5, 1)))
    assert fit.deterministic and fit.top_ci == (fit.top_slope, fit.top_slope)
    one = fit_exponent(x, x ** 0.7)
    assert not one.deterministic and one.interval == "none (1 seed)"
    assert one.top_ci == (-np.inf, np.inf)


def test_bca_interval_contains_estimate_and_narrows_with_seeds():
    small = fit_exponent(G, lognormal(sqrt2, n=8, seed=3))
    large = fit_exponent(G, lognormal(sqrt2, n=128, seed=3))
    for f in (small, large):
        assert f.top_ci[0] <= f.top_slope <= f.top_ci[1]
        assert f.curvature_ci[0] <= f.curvature <= f.curvature_ci[1]
        assert f.ci[0] <= f.slope <= f.ci[1]
    w_small = small.top_ci[1] - small.top_ci[0]
    w_large = large.top_ci[1] - large.top_ci[0]
    # the width scales like 1/sqrt(n): 4x from 8 to 128 seeds, allow 2.5x..6x
    assert 2.5 < w_small / w_large < 6
    assert fit_exponent(G, lognormal(sqrt2, n=8, seed=3), level=0.99).top_ci[1] > small.top_ci[1]


def test_jackknife_interval_is_the_studentized_leave_one_out_formula():
    from scipy import stats

    ys = lognormal(sqrt2, n=10, seed=5)
    fit = fit_exponent(G, ys)
    top = np.arange(4, 7)  # [1e4, 1e5]

    def top_slope(y):
        ly = np.log(y.mean(axis=0))[top]
        return np.polyfit(np.log(G[top]), ly, 1)[0]

    loo = np.array([top_slope(np.delete(ys, k, axis=0)) for k in range(10)])
    se = np.sqrt(9 / 10 * ((loo - loo.mean()) ** 2).sum())
    t = stats.t.ppf(0.975, 9)
    assert fit.top_slope == pytest.approx(top_slope(ys), abs=1e-12)
    assert fit.top_ci == pytest.approx((fit.top_slope - t * se, fit.top_slope + t * se))
    assert fit_exponent(G, ys) == fit  # deterministic


# --- the judging rules, branch by branch -------------------------------------------

def _fit(top, curv, top_ci=None, curv_ci=None, n_seeds=16, decades=3.0, n_points=7,
         deterministic=False):
    """A hand-made fit: the rules are pure functions of these numbers."""
    return pc.ExponentFit(top_slope=top, top_ci=top_ci or (top, top), curvature=curv,
                          curvature_ci=curv_ci or (curv, curv), slope=top, ci=(top, top),
                          intercept=0.0, windows=[(1e3, 1e4), (1e4, 1e5)],
                          local_slopes=[top], statistic="mean", decades=decades,
                          n_seeds=n_seeds, n_points=n_points, polylog=0.0, level=0.95,
                          interval="test", deterministic=deterministic)


@pytest.mark.parametrize("kind, top, ci, curv_ci, status", [
    # projected interval: lo = s- + min(0, kappa- / 2, 2 kappa), hi = s+ + max(0, kappa+ / 2,
    # 2 kappa) with kappa the estimate; thresholds 0.4 (lower) and 0.6 (upper)
    ("upper", 0.5, (0.45, 0.55), (-0.01, 0.01), "holds"),
    ("upper", 0.5, (0.45, 0.59), (0.0, 0.03), "inconclusive"),     # hi 0.605
    ("upper", 0.5, (0.45, 0.58), (0.0, 0.03), "holds"),            # hi 0.595
    ("upper", 0.5, (0.45, 0.55), (0.03, 0.04), "inconclusive"),    # measured rise: hi 0.61
    ("upper", 0.5, (0.45, 0.55), (0.02, 0.024), "holds"),          # measured rise: hi 0.59
    ("upper", 0.7, (0.65, 0.75), (-0.01, 0.01), "violated"),
    ("upper", 0.7, (0.65, 0.75), (-0.04, -0.03), "inconclusive"),  # measured fall: lo 0.59
    ("upper", 0.7, (0.61, 0.75), (-0.03, 0.0), "inconclusive"),    # lo 0.595
    ("upper", 0.7, (0.62, 0.75), (-0.03, 0.0), "violated"),        # lo 0.605
    ("upper", 0.6, (0.55, 0.65), (0.0, 0.0), "inconclusive"),      # straddles
    ("lower", 0.5, (0.45, 0.55), (-0.01, 0.01), "holds"),
    ("lower", 0.5, (0.45, 0.55), (-0.04, -0.03), "inconclusive"),  # measured fall: lo 0.39
    ("lower", 0.5, (0.41, 0.55), (-0.03, 0.0), "inconclusive"),    # lo 0.395
    ("lower", 0.5, (0.42, 0.55), (-0.03, 0.0), "holds"),           # lo 0.405
    ("lower", 0.3, (0.25, 0.35), (-0.01, 0.01), "violated"),
    ("lower", 0.3, (0.25, 0.35), (0.03, 0.04), "inconclusive"),    # measured rise: hi 0.41
    ("tight", 0.5, (0.45, 0.55), (-0.01, 0.01), "holds"),
    ("tight", 0.5, (0.45, 0.55), (0.03, 0.04), "inconclusive"),
    ("tight", 0.5, (0.45, 0.55), (-0.04, -0.03), "inconclusive"),
    ("tight", 0.8, (0.75, 0.85), (-0.01, 0.01), "violated"),
    ("tight", 0.8, (0.75, 0.85), (-0.1, -0.08), "inconclusive"),   # falling into the band
    ("tight", 0.2, (0.15, 0.25), (-0.01, 0.01), "violated"),
    ("tight", 0.2, (0.15, 0.25), (0.08, 0.1), "inconclusive"),     # rising into the band
    ("tight", 0.6, (0.55, 0.65), (0.0, 0.0), "inconclusive"),
])
def test_rule_table(kind, top, ci, curv_ci, status):
    clo, chi = curv_ci  # the estimate: 0 inside an interval that holds 0, else its near end
    k = 0.0 if clo <= 0 <= chi else (clo if clo > 0 else chi)
    got, reason = judge_exponent(_fit(top, k, ci, curv_ci), 0.5, kind=kind, tol=0.1)
    assert got == status, reason


def test_thresholds_are_closed_with_a_stated_tie_rule():
    # an exact exponent on the threshold satisfies the bound, whatever the rounding
    for top in (0.6, 0.6 + TIE_TOL / 2, 0.6 - TIE_TOL / 2):
        assert judge_exponent(_fit(top, 0.0), 0.5, kind="upper", tol=0.1)[0] == "holds"
        assert judge_exponent(_fit(top - 0.2, 0.0), 0.5, kind="lower", tol=0.1)[0] == "holds"
    assert judge_exponent(_fit(0.6 + 3 * TIE_TOL, 0.0), 0.5, tol=0.1)[0] == "violated"
    assert judge_exponent(_fit(0.4 - 3 * TIE_TOL, 0.0), 0.5, kind="lower")[0] == "violated"
    x = np.geomspace(10, 1e5, 9)
    for p in (0.6, 0.6 + 1e-13):  # noise-free T^0.6 against 0.5 + 0.1, rounding either way
        v = verdict(x, x ** p, 0.5, "upper", deterministic=True)
        assert v.status == "holds", v.reason
    assert verdict(x, x ** 0.61, 0.5, "upper", deterministic=True).status == "violated"


def test_projection_constants():
    assert (EXTRAPOLATE_DECADES, RESOLVED_DECADES) == (0.5, 2.0)
    # a resolved bend of 0.05 a decade is followed for two decades: 0.5 + 0.1 = 0.6 holds
    assert judge_exponent(_fit(0.5, 0.05, curv_ci=(0.05, 0.05)), 0.5)[0] == "holds"
    assert judge_exponent(_fit(0.5, 0.0501, curv_ci=(0.0501, 0.0501)), 0.5)[0] == \
        "inconclusive"
    # an unresolved one only to the end of the grid: 0.5 + 0.18 / 2 = 0.59
    assert judge_exponent(_fit(0.5, 0.0, curv_ci=(-0.1, 0.18)), 0.5)[0] == "holds"
    assert judge_exponent(_fit(0.5, 0.0, curv_ci=(-0.1, 0.22)), 0.5)[0] == "inconclusive"
    assert judge_exponent(_fit(0.5, 0.0, curv_ci=(-0.1, 0.22)), 0.5, extrapolate=0.4)[0] == \
        "holds"
    assert judge_exponent(_fit(0.5, 0.06, curv_ci=(0.06, 0.06)), 0.5, resolved=1.0)[0] == \
        "holds"


@pytest.mark.parametrize("n, status", [(MIN_SEEDS - 1, "inconclusive"), (MIN_SEEDS, "holds")])
def test_minimum_seeds(n, status):
    got, reason = judge_exponent(_fit(0.5, 0.0, (0.45, 0.55), n_seeds=n), 0.5)
    assert got == status
    if status == "inconclusive":
        assert f"at least {MIN_SEEDS} seeds (1 more)" in reason
    # an exact curve needs one seed
    assert judge_exponent(_fit(0.5, 0.0, n_seeds=1, deterministic=True), 0.5)[0] == "holds"
    assert MIN_SEEDS == 8


def test_decades_points_and_width_gates():
    assert judge_exponent(_fit(0.5, 0.0, decades=0.99), 0.5)[0] == "inconclusive"
    assert judge_exponent(_fit(0.5, 0.0, decades=1.0), 0.5)[0] == "holds"
    assert judge_exponent(_fit(0.5, 0.0, decades=0.6), 0.5, min_decades=0.5)[0] == "holds"
    got, reason = judge_exponent(_fit(0.5, 0.0, n_points=2), 0.5)
    assert got == "inconclusive" and "grid points" in reason
    assert judge_exponent(_fit(0.5, 0.0, n_points=3), 0.5)[0] == "holds"
    wide = _fit(0.5, 0.0, (0.3, 0.55))
    assert judge_exponent(wide, 0.5, max_ci_width=0.2)[0] == "inconclusive"
    assert judge_exponent(wide, 0.5, max_ci_width=0.3)[0] == "holds"


def test_reasons_say_what_to_extend():
    rising = _fit(0.5, 0.05, (0.45, 0.55), (0.03, 0.07))
    assert "extend the grid" in judge_exponent(rising, 0.5)[1]
    unresolved = _fit(0.5, 0.05, (0.45, 0.55), (-0.02, 0.12))
    assert "not resolved" in judge_exponent(unresolved, 0.5)[1]


# --- controls ------------------------------------------------------------------------

@pytest.mark.parametrize("f, expected, kind", [
    (lambda x: 5 * np.log(x), 0.5, "upper"),
    (lambda x: x ** 0.3, 0.5, "upper"),
    (lambda x: 2 * np.sqrt(x), 0.5, "upper"),
    (lambda x: x, 0.5, "lower"),
    (lambda x: 2 * np.sqrt(x), 0.5, "tight"),
    (lambda x: 3 / x, -1.0, "upper"),
])
def test_control_is_violated_on_true_claims_with_enough_data(f, expected, kind):
    v = verdict(G, lognormal(f), expected, kind)
    assert v.status == "holds", v.reason
    assert v.control.status == "violated", v.control.reason
    if kind == "upper":
        assert v.control.expected == pytest.approx(v.measured - 0.25 - 0.1)
    else:
        assert v.control.expected == pytest.approx(v.measured + 0.25 + 0.1)


def test_a_control_the_data_cannot_reject_makes_holds_inconclusive():
    # 8 seeds of very noisy data: the claim is not contradicted, but nothing could be
    ys = lognormal(sqrt2, n=8, sigma=2.0, seed=1)
    v = verdict(G, ys, 0.5, "upper", tol=10.0)
    assert v.control.status != "violated"
    assert v.status == "inconclusive" and "no evidence" in v.reason


def test_planted_control_that_looks_right_makes_holds_inconclusive():
    ys = lognormal(sqrt2)
    v = verdict(G, ys, 0.5, "upper", control_ys=ys * 1.5)
    assert v.control.status == "holds"
    assert v.status == "inconclusive" and "planted wrong algorithm" in v.reason
    bad = verdict(G, ys, 0.5, "upper", control_ys=lognormal(lambda x: x / 10, seed=9))
    assert bad.status == "holds" and bad.control.status == "violated"
    assert bad.control.reason.startswith("planted wrong algorithm")


def test_control_offset_sets_the_power_demanded():
    ys = lognormal(sqrt2, n=8, sigma=0.6, seed=2)
    loose = verdict(G, ys, 0.5, "upper", tol=0.5, control_offset=1.0)
    strict = verdict(G, ys, 0.5, "upper", tol=0.5, control_offset=0.01)
    assert loose.control.status == "violated" and loose.status == "holds"
    assert strict.control.status != "violated" and strict.status == "inconclusive"


# --- check_rate's arguments ------------------------------------------------------------

def test_check_rate_var_must_name_the_swept_argument():
    def run(T, seed):
        return float(T)

    with pytest.raises(InvalidArgument, match="sweeps its first argument 'T'"):
        pc.check_rate(run, grid=[10, 100, 1000], var="K", seeds=8)
    with pytest.raises(InvalidType, match="var=123"):
        pc.check_rate(run, grid=[10, 100, 1000], var=123, seeds=8)
    v = pc.check_rate(run, grid=[10, 100, 1000], var="T", seeds=8, expected=1.0,
                      kind="tight", deterministic=True)
    assert v.status == "holds" and v.data["var"] == "T"


def test_check_rate_passes_statistic_and_determinism():
    def run(T, seed):
        return 0.1 * T if seed < 6 else 5 * np.log(T)

    grid = list(G)
    mean = pc.check_rate(run, grid=grid, seeds=48, expected=0.5)
    q = pc.check_rate(run, grid=grid, seeds=48, expected=0.5, statistic="quantile",
                      quantile=0.7)
    assert mean.status == "violated" and q.status == "holds"
    one = pc.check_rate(lambda T, seed: T ** 0.5, grid=grid, seeds=1, deterministic=True)
    assert one.status == "holds"
    assert pc.check_rate(lambda T, seed: T ** 0.5, grid=grid, seeds=1).status == "inconclusive"


def test_single_seeds_may_be_negative_but_not_their_statistic():
    x = np.geomspace(10, 1e4, 7)
    rng = np.random.default_rng(0)
    ys = np.sqrt(x) * (1 + rng.standard_normal((40, 7)))   # many seeds below 0
    assert (ys < 0).any()
    fit = fit_exponent(x, ys)
    assert fit.local_slopes == pytest.approx(np.diff(np.log(ys.mean(0))) / np.diff(np.log(x)))
    with pytest.raises(InvalidArgument, match=r"the mean over seeds at x=10 is"):
        fit_exponent(x, np.vstack([-np.sqrt(x), 0.5 * np.sqrt(x)]))
    with pytest.raises(InvalidArgument, match="expected a finite value"):
        fit_exponent(x, np.vstack([np.sqrt(x), np.full(7, np.nan)]))
    # one seed carries the whole mean: leaving it out leaves no logarithm, so no interval
    lone = np.vstack([np.sqrt(x)] + [np.zeros(7)] * 9)
    fit = fit_exponent(x, lone)
    assert fit.top_ci == (-np.inf, np.inf)
    assert judge_exponent(fit, 0.5)[0] == "inconclusive"


# --- argument checks and boundaries that the rules depend on ---------------------------

def test_fit_argument_checks():
    x = np.geomspace(10, 1e4, 4)
    assert fit_exponent([10, 100], [1.0, 10.0], deterministic=True).n_points == 2
    with pytest.raises(InvalidArgument, match=r"xs\[1\]=0.0"):
        fit_exponent([10, 0, 100], [1, 1, 1])
    with pytest.raises(InvalidArgument, match="window_decades"):
        fit_exponent(x, x, window_decades=0)
    with pytest.raises(InvalidType, match="deterministic"):
        fit_exponent(x, x, deterministic="yes")
    with pytest.raises(InvalidArgument, match="polylog fit needs xs > 1"):
        fit_exponent([0.5, 10, 100], [1, 2, 3], polylog=1.0)
    with pytest.raises(InvalidArgument, match="min_seeds"):
        judge_exponent(_fit(0.5, 0.0), 0.5, min_seeds=0)
    with pytest.raises(InvalidArgument, match="resolved"):
        judge_exponent(_fit(0.5, 0.0), 0.5, resolved=-1.0)
    assert judge_exponent(_fit(0.5, 0.0), 0.5, resolved=0.5)[0] == "holds"


def test_the_window_below_the_top_always_has_two_points():
    # u = 0, 1, 2.9, 3: the top window is [2.9, 3]; the one below must reach back to u = 1
    x = 10 ** np.array([0.0, 1.0, 2.9, 3.0])
    fit = fit_exponent(x, x ** 0.5 * np.log(x + 2), deterministic=True)
    assert fit.windows == [(pytest.approx(10.0), pytest.approx(10 ** 2.9)),
                           (pytest.approx(10 ** 2.9), pytest.approx(1e3))]
    assert np.isfinite(fit.curvature)


@pytest.mark.parametrize("kind, ci, status", [
    ("upper", (0.6, 0.7), "inconclusive"),     # lo exactly on 0.6: not above it
    ("lower", (0.3, 0.4), "inconclusive"),     # hi exactly on 0.4: not below it
    ("tight", (0.4, 0.6), "holds"),            # both ends on the band's edges
    ("tight", (0.3, 0.4), "inconclusive"),
])
def test_interval_ends_exactly_on_a_threshold(kind, ci, status):
    assert judge_exponent(_fit(float(np.mean(ci)), 0.0, ci), 0.5, kind=kind)[0] == status


def test_which_inconclusive_reason():
    # the top interval starts exactly on the threshold: not "bending", just unresolved
    fit = _fit(0.65, -0.05, (0.6, 0.7), (-0.1, -0.05))
    status, reason = judge_exponent(fit, 0.5)
    assert status == "inconclusive" and reason.endswith("add seeds or decades")
    fit = _fit(0.75, -0.05, (0.7, 0.8), (-0.1, -0.05))
    assert "still bending downwards" in judge_exponent(fit, 0.5)[1]


def test_residual_and_flag_rules():
    from provable.proofs_checks._stats import judge_all_true, judge_residual

    assert judge_residual(0.0, 1e-9)[0] == "holds"
    assert judge_residual(1e-9, 1e-9) == ("holds", "max |lhs - rhs| = 1e-09 <= 1e-09")
    assert judge_residual(2e-9, 1e-9)[0] == "violated"
    assert judge_residual(float("nan"), 1.0)[0] == "violated"
    assert judge_all_true([True, True], "w") == ("holds", "w: all 2 cases pass")
    assert judge_all_true([True, False, False], "w") == (
        "violated", "w: case 1 fails (2 of 3 fail)")


def test_check_rate_argument_checks_and_defaults():
    import time

    def run(T, seed):
        return float(T) ** 0.5

    grid = [10, 100, 1000, 1e4]
    for kw, err in [({"kind": "sideways"}, InvalidArgument), ({"tol": -1}, InvalidArgument),
                    ({"polylog": -1}, InvalidArgument), ({"min_decades": -1}, InvalidArgument)]:
        with pytest.raises(err):
            pc.check_rate(run, grid=grid, seeds=8, **kw)
    with pytest.raises(InvalidArgument, match=r"grid\[1\]=0"):
        pc.check_rate(run, grid=[10, 0, 100], seeds=8)
    t0 = time.perf_counter()
    v = pc.check_rate(run, grid=grid, seeds=8, deterministic=True)
    elapsed = time.perf_counter() - t0
    assert v.expected == 0.5 and v.data["rate_kind"] == "upper" and v.tolerance == 0.1
    assert 0 <= v.seconds <= elapsed
    assert v.status == "holds"


def test_more_rule_details():
    x = np.geomspace(10, 1e4, 4)
    assert fit_exponent(x, np.outer([1.0, 2.0], x), statistic="quantile").statistic == \
        "quantile 0.9"
    assert fit_exponent(x, np.tile(x, (2, 1))).deterministic       # two identical seeds
    with pytest.raises(InvalidArgument):
        judge_exponent(_fit(0.5, 0.0), 0.5, kind="sideways")
    bent = _fit(0.55, 0.05, (0.5, 0.6), (0.03, 0.07))
    status, reason = judge_exponent(bent, 0.5)
    assert status == "inconclusive" and "projected along the bend: [0.500, 0.700]" in reason
    assert "still bending upwards" in reason                       # top_hi exactly on 0.6
    assert judge_exponent(_fit(0.65, 0.0, (0.6, 0.7)), 0.5, kind="tight")[0] == "inconclusive"
    above = _fit(0.7, -0.05, (0.65, 0.75), (-0.1, -0.05))
    status, reason = judge_exponent(above, 0.5, kind="tight")
    assert status == "inconclusive" and "still bending downwards" in reason
    straddle = _fit(0.6, 0.0, (0.55, 0.65), (-0.01, 0.01))
    assert judge_exponent(straddle, 0.5, kind="tight")[1].endswith("add seeds or decades")


def test_check_rate_refuses_bad_arguments_before_running_anything():
    calls = []

    def run(T, seed):
        calls.append(T)
        return float(T)

    for kw in ({"kind": "sideways"}, {"tol": -1.0}, {"tol": "x"}):
        with pytest.raises((InvalidArgument, InvalidType)):
            pc.check_rate(run, grid=[10, 100, 1000], seeds=8, **kw)
    assert calls == []
