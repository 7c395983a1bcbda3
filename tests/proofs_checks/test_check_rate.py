"""check_rate: the public entry for a user's own algorithm."""

from __future__ import annotations

import numpy as np
import pytest

from provable import proofs_checks as pc
from provable.errors import InvalidArgument, InvalidType, UnknownName

GRID = [1e2, 1e3, 1e4, 1e5]


def noisy(power, noise=0.1):
    def run(T, seed):
        rng = np.random.default_rng(seed)
        return 2.0 * T ** power * np.exp(noise * rng.standard_normal())
    return run


def test_docstring_example_holds_and_control_is_violated():
    v = pc.check_rate(noisy(0.5), grid=GRID, var="T", expected=0.5, kind="upper", seeds=16)
    assert v.status == "holds" and v.control.status == "violated"
    assert v.claim == "user" and v.control.claim == "user (control)"
    # the control: the tightest false exponent below the measured one
    assert v.control.expected == pytest.approx(v.measured - 0.25 - 0.1)
    assert v.ci[0] <= v.measured <= v.ci[1] and abs(v.measured - 0.5) < 0.05 and v.seconds >= 0
    assert np.shape(v.data["ys"]) == (16, 4) and v.data["rate_kind"] == "upper"


def test_too_fast_growth_is_violated():
    v = pc.check_rate(noisy(1.0), grid=GRID, expected=0.5, label="linear")
    assert v.status == "violated" and v.claim == "linear"


def test_lower_and_tight_bounds():
    lower = pc.check_rate(noisy(0.5), grid=GRID, expected=0.5, kind="lower")
    assert lower.status == "holds" and lower.control.status == "violated"
    assert lower.control.expected == pytest.approx(lower.measured + 0.25 + 0.1)
    tight = pc.check_rate(noisy(0.5), grid=GRID, expected=0.5, kind="tight")
    assert tight.status == "holds" and tight.control.status == "violated"
    assert pc.check_rate(noisy(0.2), grid=GRID, expected=0.5, kind="lower").status == "violated"


def test_polylog_rate():
    def run(T, seed):
        return np.sqrt(T) * np.log(T) * (1 + 0.01 * seed)
    v = pc.check_rate(run, grid=GRID, expected=0.5, kind="tight", polylog=1, seeds=8, tol=0.05)
    assert v.status == "holds" and abs(v.measured - 0.5) < 1e-6


def test_vectorized_run_gets_all_seeds():
    calls = []

    def run(T, seeds):
        calls.append((T, seeds.copy()))
        return np.sqrt(T) * (1 + 0.01 * seeds)

    v = pc.check_rate(run, grid=GRID, seeds=[3, 5, 8], vectorized=True)
    assert len(calls) == 4 and calls[0][1].tolist() == [3, 5, 8]
    assert isinstance(calls[0][0], int) and calls[0][0] == 100
    assert v.status == "inconclusive" and "at least 8 seeds (5 more)" in v.reason
    assert pc.check_rate(run, grid=GRID, seeds=list(range(8)), vectorized=True).status == "holds"


def test_few_decades_is_inconclusive():
    v = pc.check_rate(noisy(0.5), grid=[100, 200, 400], seeds=8)
    assert v.status == "inconclusive" and "decades" in v.reason


@pytest.mark.parametrize("value, word", [(np.nan, "NaN"), (0.0, "zero"), (-1.0, "negative"),
                                         (np.inf, "infinite")])
def test_bad_values_name_x_and_seed(value, word):
    def run(T, seed):
        return value if (T == 1000 and seed == 2) else float(T)

    with pytest.raises(InvalidArgument, match=rf"x=1000, seed=2: the value is {word}"):
        pc.check_rate(run, grid=GRID, seeds=4)


def test_bad_vectorized_values_name_the_seed():
    def run(T, seeds):
        out = np.sqrt(T) * np.ones(seeds.size)
        out[seeds == 7] = np.nan
        return out

    with pytest.raises(InvalidArgument, match="x=100, seed=7"):
        pc.check_rate(run, grid=GRID, seeds=[1, 7], vectorized=True)
    with pytest.raises(InvalidArgument, match=r"shape \(\), expected \(2,\)"):
        pc.check_rate(lambda T, s: 1.0, grid=GRID, seeds=2, vectorized=True)


def test_non_numeric_value():
    with pytest.raises(InvalidType, match="x=100, seed=0"):
        pc.check_rate(lambda T, s: "big", grid=GRID)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"grid": [100]}, InvalidArgument, "at least 2 points"),
    ({"grid": []}, InvalidArgument, "at least 2 points"),
    ({"grid": [[1, 2], [3, 4]]}, InvalidArgument, "1-D grid"),
    ({"grid": [10, -1]}, InvalidArgument, r"grid\[1\]=-1"),
    ({"grid": [10, 10, 100]}, InvalidArgument, "repeated points"),
    ({"grid": [1, 10, 100], "polylog": 1}, InvalidArgument, "polylog"),
    ({"kind": "upperr"}, UnknownName, "Did you mean 'upper'"),
    ({"tol": -0.1}, InvalidArgument, "tol=-0.1"),
    ({"seeds": 0}, InvalidArgument, "seeds=0"),
    ({"seeds": [1, 1]}, InvalidArgument, "repeated seeds"),
    ({"seeds": "abc"}, InvalidType, "seeds='abc'"),
    ({"run": 3}, InvalidType, "not callable"),
])
def test_invalid_arguments(kwargs, exc, match):
    args = {"run": noisy(0.5), "grid": GRID} | kwargs
    with pytest.raises(exc, match=match):
        pc.check_rate(**args)


def test_integer_variable_grid_is_rounded_and_recorded():
    seen = []

    def regret(T, seed):
        seen.append(T)
        return float(sum(1.0 for _ in range(T))) ** 0.5 * (1 + 0.01 * seed)

    grid = np.geomspace(1e2, 1e5, 7)
    v = pc.check_rate(regret, grid=grid, var="T", expected=0.5, seeds=2, deterministic=True)
    assert all(type(T) is int for T in seen)
    # 10**(2 + j/2): 100, 316.2..., 1000, 3162.2..., ...
    assert v.data["xs"] == [100, 316, 1000, 3162, 10000, 31623, 100000]
    assert sorted(set(seen)) == v.data["xs"]


def test_integer_variable_rounding_drops_duplicates_and_refuses_too_few():
    def run(K, seed):
        return float(K)

    v = pc.check_rate(run, grid=[10.2, 9.8, 100.4, 1000.0], var="K", expected=1.0, seeds=1,
                      deterministic=True)
    assert v.data["xs"] == [10, 100, 1000]
    with pytest.raises(InvalidArgument, match="2 distinct integer points"):
        pc.check_rate(run, grid=[10.2, 9.8, 100.4], var="K", expected=1.0, seeds=1,
                      deterministic=True)
    with pytest.raises(InvalidArgument, match="positive integer K"):
        pc.check_rate(run, grid=[0.3, 10.5, 100.5, 1000.0], var="K", expected=1.0, seeds=1,
                      deterministic=True)


def test_real_variable_grid_is_not_rounded():
    def run(epsilon, seed):
        return 1.0 / epsilon

    grid = [0.0015, 0.015, 0.15]
    v = pc.check_rate(run, grid=grid, var="epsilon", expected=-1.0, seeds=1,
                      deterministic=True, kind="tight")
    assert v.data["xs"] == grid


# --------------------------------------------------------------- whole curves (curve=True)
def _increments(seed, T_max, power):
    """Increments of a planted cumulative curve growing like T**power (noisy, positive)."""
    rng = np.random.default_rng(seed)
    t = np.arange(1, T_max + 1)
    return power * t ** (power - 1.0) * rng.uniform(0.5, 1.5, T_max)


@pytest.mark.parametrize("power, expected_status", [(0.5, "holds"), (0.8, "violated")])
def test_curve_form_gives_the_per_point_verdict_on_a_planted_curve(power, expected_status):
    grid = np.geomspace(1e2, 1e4, 5)
    calls = {"point": 0, "curve": 0}

    def per_point(T, seed):            # re-simulates from scratch up to T
        calls["point"] += 1
        return float(np.cumsum(_increments(seed, T, power))[-1])

    def whole(Ts, seed):               # one run up to max(T), read at every checkpoint
        calls["curve"] += 1
        cum = np.cumsum(_increments(seed, max(Ts), power))
        return {T: cum[T - 1] for T in Ts}

    def as_sequence(Ts, seed):
        cum = np.cumsum(_increments(seed, max(Ts), power))
        return [cum[T - 1] for T in Ts]

    a = pc.check_rate(per_point, grid=grid, expected=0.5, seeds=8)
    b = pc.check_rate(whole, grid=grid, expected=0.5, seeds=8, curve=True)
    c = pc.check_rate(as_sequence, grid=grid, expected=0.5, seeds=8, curve=True)
    assert a.status == b.status == c.status == expected_status
    assert a.control.status == b.control.status == "violated"
    # the prefix sums of one run are the per-point sums: the same data, bit for bit
    np.testing.assert_array_equal(np.asarray(a.data["ys"]), np.asarray(b.data["ys"]))
    np.testing.assert_array_equal(np.asarray(b.data["ys"]), np.asarray(c.data["ys"]))
    assert (a.measured, a.ci) == (b.measured, b.ci)
    assert calls == {"point": 8 * 5, "curve": 8}


def test_curve_form_vectorized_over_seeds():
    grid = [100, 300, 1000, 3000, 10000]
    got = []

    def curves(Ts, seeds):
        got.append((list(Ts), list(seeds)))
        return np.array([np.cumsum(_increments(s, max(Ts), 0.5))[np.array(Ts) - 1]
                         for s in seeds])

    def as_mapping(Ts, seeds):
        arr = curves(Ts, seeds)
        return {T: arr[:, j] for j, T in enumerate(Ts)}

    v = pc.check_rate(curves, grid=grid, expected=0.5, seeds=8, curve=True, vectorized=True)
    w = pc.check_rate(as_mapping, grid=grid, expected=0.5, seeds=8, curve=True,
                      vectorized=True)
    assert got[0] == (grid, list(range(8)))
    assert v.status == w.status == "holds"
    np.testing.assert_array_equal(np.asarray(v.data["ys"]), np.asarray(w.data["ys"]))
    # row s of the data is the curve of seed s
    np.testing.assert_array_equal(np.asarray(v.data["ys"])[3],
                                  np.cumsum(_increments(3, 10000, 0.5))[np.array(grid) - 1])


@pytest.mark.parametrize("run, vectorized, match", [
    (lambda Ts, seed: {T: 1.0 * T for T in Ts[:-1]}, False,
     r"run\(xs, seed\) returned a mapping without the grid point 1000"),
    (lambda Ts, seed: [1.0, 2.0], False, r"run\(xs, seed\) returned .*expected \(3,\) real"),
    (lambda Ts, seed: "abc", False, r"expected \(3,\) real numbers"),
    (lambda Ts, seeds: np.ones((3, 4)), True, r"expected \(4, 3\) real numbers"),
    (lambda Ts, seeds: {T: np.ones(3) for T in Ts}, True, r"at x=10, expected 4 real numbers"),
])
def test_curve_form_refuses_a_curve_of_the_wrong_shape(run, vectorized, match):
    with pytest.raises(InvalidArgument, match=match):
        pc.check_rate(run, grid=[10, 100, 1000], expected=0.5, seeds=4, curve=True,
                      vectorized=vectorized)


def test_curve_form_checks_each_value_and_the_flag():
    with pytest.raises(InvalidArgument, match=r"returned 0.0 at x=100, seed=2: the value is zero"):
        pc.check_rate(lambda Ts, seed: [0.0 if (T == 100 and seed == 2) else 1.0 for T in Ts],
                      grid=[10, 100, 1000], seeds=4, curve=True)
    with pytest.raises(InvalidType, match="curve='yes', expected True or False"):
        pc.check_rate(lambda Ts, seed: [1.0] * 3, grid=[10, 100, 1000], curve="yes")
    # the swept argument may be named T or Ts; another name is still refused
    with pytest.raises(InvalidArgument, match="sweeps its first argument 'K'"):
        pc.check_rate(lambda K, seed: [1.0] * 3, grid=[10, 100, 1000], curve=True)
