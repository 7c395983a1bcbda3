"""The exponent fit's inputs, windows and options at their boundaries
(provable/proofs_checks/_stats.py): refusals naming the entry, the window edge
tolerance, the curvature on grids whose windows are not one decade apart, and every
option's admissible range."""

import numpy as np
import pytest

from provable.errors import InvalidArgument, InvalidType, UnknownName
from provable.proofs_checks._stats import _windows, fit_exponent

X = np.geomspace(1e2, 1e5, 7)


def _ys(n=8, seed=0):
    rng = np.random.default_rng(seed)
    return np.sqrt(X) * rng.lognormal(0, 0.1, (n, X.size))


@pytest.mark.parametrize("xs, ys, err, match", [
    (["a", "b"], [1.0, 2.0], InvalidType, "arrays of real numbers"),
    ([[1.0, 2.0]], [1.0, 2.0], InvalidArgument, r"xs has shape \(1, 2\)"),
    ([1.0], [1.0], InvalidArgument, r"at least 2 points"),
    ([1.0, 2.0], [1.0, 2.0, 3.0], InvalidArgument, r"ys has shape \(3,\), expected \(n_seeds, 2\)"),
    ([1.0, 2.0], np.ones((2, 2, 2)), InvalidArgument, "ys has shape"),
    ([1.0, 0.0, 3.0], [1.0, 1.0, 1.0], InvalidArgument, r"xs\[1\]=0\.0, expected a positive"),
    ([1.0, 2.0, -3.0, 0.0], [1.0] * 4, InvalidArgument, r"xs\[2\]=-3\.0"),
    ([1.0, np.inf, 3.0], [1.0] * 3, InvalidArgument, r"xs\[1\]=inf"),
    ([1.0, 2.0, 2.0, 3.0], [1.0] * 4, InvalidArgument,
     r"xs\[2\]=2\.0 <= xs\[1\]=2\.0, expected a strictly increasing"),
    ([1.0, 3.0, 2.0, 1.5], [1.0] * 4, InvalidArgument, r"xs\[2\]=2\.0 <= xs\[1\]=3\.0"),
])
def test_bad_grids_are_refused_naming_the_entry(xs, ys, err, match):
    with pytest.raises(err, match=match):
        fit_exponent(xs, ys)


def test_non_finite_measurement_named_first():
    ys = _ys()
    ys[0, 3] = np.nan
    ys[2, 1] = np.inf
    with pytest.raises(InvalidArgument, match=r"ys\[0, 3\]=nan at x=3162"):
        fit_exponent(X, ys)
    ys = _ys()
    ys[5, 6] = -np.inf
    with pytest.raises(InvalidArgument, match=r"ys\[5, 6\]=-inf at x=100000"):
        fit_exponent(X, ys)


def test_non_positive_statistic_is_refused_at_its_point():
    ys = _ys()
    ys[:, 2] = 0.0          # a mean of exactly zero has no logarithm
    ys[:, 4] = -1.0
    with pytest.raises(InvalidArgument, match=r"the mean over seeds at x=1000 is 0\.0"):
        fit_exponent(X, ys)
    ok = _ys()
    ok[0, 2] = -1.0          # a single negative seed is fine while the mean is positive
    assert np.isfinite(fit_exponent(X, ok).top_slope)


@pytest.mark.parametrize("kw, err", [
    ({"statistic": "median"}, UnknownName),
    ({"statistic": "quantile", "quantile": 0.0}, InvalidArgument),
    ({"statistic": "quantile", "quantile": 1.0}, InvalidArgument),
    ({"statistic": "quantile", "quantile": 1.5}, InvalidArgument),
    ({"n_boot": 99}, InvalidArgument),
    ({"n_boot": 1.5}, InvalidType),
    ({"level": 0.49}, InvalidArgument),
    ({"level": 0.3}, InvalidArgument),
    ({"level": 1.0}, InvalidArgument),
    ({"level": 1.5}, InvalidArgument),
    ({"window_decades": 0.0}, InvalidArgument),
    ({"deterministic": 1}, InvalidType),
])
def test_option_ranges(kw, err):
    with pytest.raises(err):
        fit_exponent(X, _ys(), **kw)


def test_option_range_ends_that_are_allowed():
    for kw in ({"n_boot": 100}, {"level": 0.5}, {"statistic": "quantile", "quantile": 1e-9},
               {"statistic": "quantile", "quantile": 1 - 1e-9}, {"window_decades": 1e-3},
               {"deterministic": np.bool_(False)}):
        assert np.isfinite(fit_exponent(X, _ys(), **kw).top_slope), kw
    fit = fit_exponent(X, _ys(), statistic="quantile", quantile=0.25)
    assert fit.statistic == "quantile 0.25"


def test_level_sets_the_interval_width():
    a = fit_exponent(X, _ys(), level=0.5)
    b = fit_exponent(X, _ys(), level=0.99)
    wa, wb = a.top_ci[1] - a.top_ci[0], b.top_ci[1] - b.top_ci[0]
    # t quantiles of 7 degrees of freedom: 0.711 (50 %) and 3.499 (99 %)
    assert wb / wa == pytest.approx(3.4995 / 0.7111, rel=1e-3)
    assert a.level == 0.5


def test_polylog_needs_x_above_one():
    ys = np.log(np.array([1.5, 10.0, 100.0])) * 2.0
    fit = fit_exponent([1.5, 10.0, 100.0], ys, polylog=1.0, deterministic=True)
    assert fit.top_slope == pytest.approx(0.0, abs=1e-12) and fit.polylog == 1.0
    with pytest.raises(InvalidArgument, match="xs > 1"):
        fit_exponent([1.0, 10.0, 100.0], [1.0, 2.0, 3.0], polylog=1.0)


def test_window_edge_tolerance_is_one_nano_decade():
    # a point 0.75e-9 decades below the top window's edge counts as inside it, one
    # 1.5e-9 below does not
    inside = np.array([3.0, 4.0 - 0.75e-9, 4.5, 5.0])
    outside = np.array([3.0, 4.0 - 1.5e-9, 4.5, 5.0])
    assert _windows(inside, 1.0)[1].tolist() == [1, 2, 3]
    assert _windows(outside, 1.0)[1].tolist() == [2, 3]
    low, top = _windows(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), 1.0)
    assert low.tolist() == [2, 3] and top.tolist() == [3, 4]


def test_curvature_of_a_log_parabola_on_a_half_decade_grid():
    # log y = c (log x)^2: the secant slope over a symmetric window is 2 c times its mean
    # log x, so the slope changes by 2 c ln(10) per decade, whatever the windows' gap
    # (here 0.5 decade: a grid of one decade has windows of half a decade)
    c = 0.05
    x = 10.0 ** np.array([0.0, 0.5, 1.0])
    fit = fit_exponent(x, np.exp(c * np.log(x) ** 2), deterministic=True)
    assert fit.windows == [(1.0, 10 ** 0.5), (10 ** 0.5, 10.0)]
    assert fit.curvature == pytest.approx(2 * c * np.log(10), rel=1e-9)
    assert fit.top_slope == pytest.approx(2 * c * np.log(10) * 0.75, rel=1e-9)


def test_two_points_have_no_curvature():
    fit = fit_exponent([10.0, 1000.0], [1.0, 10.0], deterministic=True)
    assert fit.curvature == 0.0 and fit.top_slope == pytest.approx(0.5)
    assert fit.n_points == 2


def test_the_fit_prints_its_fields():
    text = repr(fit_exponent(X, _ys()))
    for name in ("top_slope", "curvature", "interval", "n_seeds"):
        assert name in text


def test_judge_argument_checks():
    from provable.proofs_checks._stats import judge_exponent

    fit = fit_exponent(X, _ys())
    for kw, err in (({"expected": "0.5"}, InvalidType), ({"tol": -0.1}, InvalidArgument),
                    ({"extrapolate": -1.0}, InvalidArgument), ({"min_seeds": 0}, InvalidArgument),
                    ({"resolved": -0.5}, InvalidArgument), ({"kind": "above"}, UnknownName)):
        args = {"expected": 0.5, **kw}
        with pytest.raises(err):
            judge_exponent(fit, args.pop("expected"), **args)
    # the ends of the admissible ranges
    for kw in ({"tol": 0.0}, {"extrapolate": 0.0}, {"min_seeds": 1}, {"resolved": 0.0}):
        assert judge_exponent(fit, 0.5, **kw)[0] in ("holds", "violated", "inconclusive")
    status, reason = judge_exponent(fit, 0.5, tol=0.2)
    assert status == "holds"
    assert __import__("re").search(r"\(CI \[-?\d+\.\d{3}, -?\d+\.\d{3}\]\)", reason), reason


# -- the verdict rules on fits built by hand: every comparison at its exact boundary ------

from provable.proofs_checks._stats import TIE_TOL, ExponentFit, judge_exponent  # noqa: E402

E, TOL = 0.5, 0.1
UP, DOWN = E + TOL, E - TOL


def _fit(lo, hi, clo=0.0, chi=0.0, k=0.0, decades=3.0, n_points=7, n_seeds=16, det=False):
    return ExponentFit(top_slope=(lo + hi) / 2, top_ci=(lo, hi), curvature=k,
                       curvature_ci=(clo, chi), slope=(lo + hi) / 2, ci=(lo, hi), intercept=0.0,
                       windows=[(10.0, 100.0), (100.0, 1000.0)], local_slopes=[0.5, 0.5],
                       statistic="mean", decades=decades, n_seeds=n_seeds, n_points=n_points,
                       polylog=0.0, level=0.95, interval="test", deterministic=det)


def _judge(fit, kind, **kw):
    return judge_exponent(fit, E, kind=kind, tol=TOL, **kw)


@pytest.mark.parametrize("fit, kind, status, says", [
    # upper: holds with hi exactly on the tie, violated only strictly above it
    (_fit(0.4, UP + TIE_TOL), "upper", "holds", "lies below"),
    (_fit(UP + TIE_TOL, 0.9), "upper", "inconclusive", "add seeds or decades"),
    (_fit(UP + 2 * TIE_TOL, 0.9), "upper", "violated", "entirely above"),
    # upper, the top interval below the threshold but the projection above it
    (_fit(0.4, UP + TIE_TOL, clo=0.0, chi=0.4), "upper", "inconclusive", "not resolved"),
    (_fit(0.4, UP + TIE_TOL, clo=0.1, chi=0.4), "upper", "inconclusive", "bending upwards"),
    (_fit(UP + 2 * TIE_TOL, 0.9, clo=-0.4, chi=0.0), "upper", "inconclusive", "not resolved"),
    (_fit(UP + 2 * TIE_TOL, 0.9, clo=-0.4, chi=-0.1), "upper", "inconclusive",
     "bending downwards"),
    # lower: the mirror image
    (_fit(DOWN - TIE_TOL, 0.7), "lower", "holds", "lies above"),
    (_fit(0.1, DOWN - TIE_TOL), "lower", "inconclusive", "add seeds or decades"),
    (_fit(0.1, DOWN - 2 * TIE_TOL), "lower", "violated", "entirely below"),
    (_fit(DOWN - TIE_TOL, 0.7, clo=-0.4, chi=0.0), "lower", "inconclusive", "not resolved"),
    (_fit(DOWN - TIE_TOL, 0.7, clo=-0.4, chi=-0.1), "lower", "inconclusive",
     "bending downwards"),
    (_fit(0.1, DOWN - 2 * TIE_TOL, clo=0.0, chi=0.4), "lower", "inconclusive", "not resolved"),
    (_fit(0.1, DOWN - 2 * TIE_TOL, clo=0.1, chi=0.4), "lower", "inconclusive",
     "bending upwards"),
    # tight: closed band
    (_fit(DOWN - TIE_TOL, UP + TIE_TOL), "tight", "holds", "within"),
    (_fit(0.1, DOWN - TIE_TOL), "tight", "inconclusive", "add seeds or decades"),
    (_fit(0.1, DOWN - 2 * TIE_TOL), "tight", "violated", "outside"),
    (_fit(UP + TIE_TOL, 0.9), "tight", "inconclusive", "add seeds or decades"),
    (_fit(UP + 2 * TIE_TOL, 0.9), "tight", "violated", "outside"),
    (_fit(DOWN - TIE_TOL, UP + TIE_TOL, clo=0.1, chi=0.4, k=0.2), "tight", "inconclusive",
     "bending upwards"),
    (_fit(DOWN - TIE_TOL, UP + TIE_TOL, clo=-0.4, chi=-0.1, k=-0.2), "tight", "inconclusive",
     "bending downwards"),
    (_fit(0.1, DOWN - 2 * TIE_TOL, clo=0.1, chi=0.4, k=0.01), "tight", "inconclusive",
     "overlaps the boundary"),
    (_fit(UP + 2 * TIE_TOL, 0.9, clo=-0.4, chi=-0.1, k=-0.01), "tight", "inconclusive",
     "overlaps the boundary"),
])
def test_rule_boundaries(fit, kind, status, says):
    got, reason = _judge(fit, kind)
    assert (got, says in reason) == (status, True), reason


def test_gates_at_their_boundaries():
    ok = dict(lo=0.45, hi=0.55)
    assert _judge(_fit(**ok, decades=1.0), "upper")[0] == "holds"
    assert "fewer than 1 decades" in _judge(_fit(**ok, decades=1.0 - 1e-12), "upper")[1]
    assert _judge(_fit(**ok, n_points=3), "upper")[0] == "holds"
    assert "2 grid points" in _judge(_fit(**ok, n_points=2), "upper")[1]
    assert _judge(_fit(**ok, n_seeds=8), "upper")[0] == "holds"
    assert "(1 more)" in _judge(_fit(**ok, n_seeds=7), "upper")[1]
    assert _judge(_fit(**ok, n_seeds=1, det=True), "upper")[0] == "holds"
    assert _judge(_fit(**ok, n_seeds=3), "upper", min_seeds=3)[0] == "holds"
    # max_ci_width: a width equal to it passes, a wider one does not
    assert _judge(_fit(0.45, 0.55), "upper", max_ci_width=0.55 - 0.45)[0] == "holds"
    assert "CI wider than 0.05" in _judge(_fit(0.45, 0.55), "upper", max_ci_width=0.05)[1]


def test_projection_is_reported_only_when_it_moves_the_interval():
    assert "projected along the bend" not in _judge(_fit(0.45, 0.55), "upper")[1]
    r = _judge(_fit(0.45, 0.55, clo=-0.1, chi=0.1), "upper")[1]
    assert "projected along the bend: [0.400, 0.600]" in r
