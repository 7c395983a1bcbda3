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
