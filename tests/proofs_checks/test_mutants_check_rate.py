"""check_rate's curve form at its edges (provable/proofs_checks/_check_rate.py): what a
whole-curve run may return, and the swept variable's name."""

import numpy as np
import pytest

from provable.errors import InvalidArgument
from provable.proofs_checks._check_rate import _check_var, _curve_values

XS = [10, 100, 1000]


def test_per_point_name_unless_curve():
    _check_var(lambda T, seed: 0, "T")
    with pytest.raises(InvalidArgument, match="sweeps its first argument 'Ts'"):
        _check_var(lambda Ts, seed: 0, "T")
    _check_var(lambda Ts, seed: 0, "T", curve=True)
    _check_var(lambda T, seed: 0, "T", curve=True)


def test_curve_from_a_sequence_or_a_mapping():
    assert [float(v) for v in _curve_values([1.0, 2.0, 3.0], XS, "run")] == [1.0, 2.0, 3.0]
    assert _curve_values({1000: 3, 10: 1, 100: 2}, XS, "run") == [1, 2, 3]
    with pytest.raises(InvalidArgument, match="without the grid point 100"):
        _curve_values({10: 1, 1000: 3}, XS, "run")
    for bad in ("abc", [1.0, 2.0], [[1.0, 2.0, 3.0]], [object(), 1, 2]):
        with pytest.raises(InvalidArgument, match=r"expected \(3,\) real numbers"):
            _curve_values(bad, XS, "run")


def test_vectorized_curves_are_rows_per_grid_point():
    arr = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])       # (seeds, grid)
    cols = _curve_values(arr, XS, "run", n_seeds=2)
    assert [c.tolist() for c in cols] == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    with pytest.raises(InvalidArgument, match=r"expected \(2, 3\) real numbers"):
        _curve_values(arr.T, XS, "run", n_seeds=2)
    cols = _curve_values({10: [1, 4], 100: [2, 5], 1000: [3, 6]}, XS, "run", n_seeds=2)
    assert [c.tolist() for c in cols] == [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]
    for bad in ({10: [1, 4], 100: [2], 1000: [3, 6]}, {10: [1, 4], 100: ["x", 5], 1000: [3, 6]},
                {10: [1, 4], 100: object(), 1000: [3, 6]}):
        with pytest.raises(InvalidArgument, match="at x=100, expected 2 real numbers"):
            _curve_values(bad, XS, "run", n_seeds=2)


import provable.proofs_checks as pc  # noqa: E402
from provable.errors import InvalidType  # noqa: E402

G = np.geomspace(1e2, 1e5, 7)


def _sqrt(T, seed):
    return np.sqrt(T) * np.random.default_rng(seed).lognormal(0, 0.05)


def test_curve_error_messages_name_the_expected_form():
    with pytest.raises(InvalidArgument, match="one per grid point, in grid order"):
        _curve_values([1.0], XS, "run")
    with pytest.raises(InvalidArgument, match="one curve over the grid per seed"):
        _curve_values([1.0], XS, "run", n_seeds=2)


def test_defaults_of_check_rate():
    v = pc.check_rate(_sqrt, grid=G)
    assert len(v.data["ys"]) == 16 and v.tolerance == 0.1 and v.expected == 0.5
    assert v.data["fit"]["polylog"] == 0.0 and v.data["rate_kind"] == "upper"
    assert "quantity" not in v.data and v.claim == "user"
    short = pc.check_rate(_sqrt, grid=np.geomspace(1e3, 10 ** 3.9, 5))
    assert short.status == "inconclusive" and "fewer than 1 decades" in short.reason
    assert pc.check_rate(_sqrt, grid=np.geomspace(1e3, 10 ** 3.9, 5), min_decades=0.5,
                         tol=0.3).status == "holds"
    q = pc.check_rate(_sqrt, grid=G, statistic="quantile")
    assert q.data["statistic"] == "quantile 0.9"


def test_check_rate_argument_errors():
    for kw, err in (({"seeds": []}, InvalidArgument), ({"quantity": ""}, InvalidType),
                    ({"quantity": 3}, InvalidType), ({"label": 3}, InvalidType),
                    ({"grid": ["a", "b"]}, InvalidType), ({"min_decades": -1.0}, InvalidArgument),
                    ({"curve": 1}, InvalidType)):
        args = {"grid": G, **kw}
        with pytest.raises(err):
            pc.check_rate(_sqrt, **args)
    v = pc.check_rate(_sqrt, grid=G, quantity="regret", label="mine")
    assert v.data["quantity"] == "regret" and v.claim == "mine"
    assert v.control.claim == "mine (control)"


def test_integer_grids_and_polylog_edges():
    # a point rounding to exactly 1 is allowed for a counting variable
    v = pc.check_rate(lambda T, seed: float(T) + 1.0, grid=[0.6, 10.4, 100.3, 1000.2],
                      deterministic=True, expected=1.0)
    assert v.data["xs"] == [1.0, 10.0, 100.0, 1000.0]
    with pytest.raises(InvalidArgument, match="rounds to 0"):
        pc.check_rate(lambda T, seed: 1.0 + T, grid=[0.4, 10.0, 100.0], deterministic=True)
    # polylog needs every point > 1: 1 itself is refused, 1.5 is not
    with pytest.raises(InvalidArgument, match="point <= 1 with polylog=1"):
        pc.check_rate(lambda x, seed: 1.0 + x, grid=[1.0, 10.0, 100.0], var="x", polylog=1.0)
    v = pc.check_rate(lambda x, seed: np.log(x) * x, grid=[1.5, 10.5, 100.5, 1000.5], var="x",
                      polylog=1.0, expected=1.0, deterministic=True)
    assert v.data["fit"]["polylog"] == 1.0


def test_vectorized_per_point_returns_one_value_per_seed():
    ok = pc.check_rate(lambda T, seeds: np.sqrt(T) * (1 + 0.01 * seeds), grid=G,
                       vectorized=True, seeds=8)
    assert len(ok.data["ys"]) == 8
    for bad in (lambda T, seeds: 1.0, lambda T, seeds: np.ones(3)):
        with pytest.raises(InvalidArgument, match="one value per seed"):
            pc.check_rate(bad, grid=G, vectorized=True, seeds=8)
