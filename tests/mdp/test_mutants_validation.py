"""Input checks (provable/_validation.py) at their boundaries: every interval end open
and closed, every refusal with the place it names, and the values passed through."""

import fractions

import numpy as np
import pytest

from provable import _validation as v
from provable.errors import InvalidArgument, InvalidModel, InvalidType, UnknownName


def test_check_choice_and_suggestions():
    assert v.check_choice("method", "vi", ["vi", "pi"]) == "vi"
    with pytest.raises(UnknownName, match=r"method='v1' is not known, expected one of "
                                          r"\['pi', 'vi'\]\. Did you mean 'vi'\?"):
        v.check_choice("method", "v1", ["vi", "pi"])
    with pytest.raises(UnknownName) as e:
        v.check_choice("method", "zzzzzz", ["vi", "pi"])
    assert "Did you mean" not in str(e.value)
    assert v.suggest("polcy", ["policy", "value", "poly", "x"]) == ["policy", "poly"]
    assert len(v.suggest("a", [f"a{i}" for i in range(10)])) == 3


@pytest.mark.parametrize("value", [True, 1.0, "3", None, np.float64(2.0)])
def test_check_int_types(value):
    with pytest.raises(InvalidType, match="expected an integer"):
        v.check_int("n", value)


def test_check_int_bounds_are_inclusive():
    assert v.check_int("n", 3, min_value=3, max_value=3) == 3
    assert type(v.check_int("n", np.int32(4))) is int
    with pytest.raises(InvalidArgument, match="n=2, expected n >= 3"):
        v.check_int("n", 2, min_value=3)
    with pytest.raises(InvalidArgument, match="n=4, expected n <= 3"):
        v.check_int("n", 4, max_value=3)
    assert v.check_int("n", -5) == -5


@pytest.mark.parametrize("value", [True, "1", None, 1j, np.array([1.0])])
def test_check_real_types(value):
    with pytest.raises(InvalidType, match="expected a real number"):
        v.check_real("x", value)


def test_check_real_values():
    assert v.check_real("x", 2) == 2.0 and type(v.check_real("x", 2)) is float
    assert v.check_real("x", fractions.Fraction(1, 4)) == 0.25
    for bad in (np.inf, -np.inf, np.nan):
        with pytest.raises(InvalidArgument, match="expected a finite number"):
            v.check_real("x", bad)
    with pytest.raises(InvalidArgument, match="does not fit a float"):
        v.check_real("x", 10 ** 400)
    with pytest.raises(InvalidArgument, match="<integer with 401 digits>"):
        v.check_real("x", 10 ** 400)


@pytest.mark.parametrize("value, kw, ok", [
    (0.0, {"lower": 0.0}, True), (0.0, {"lower": 0.0, "lower_open": True}, False),
    (-1e-300, {"lower": 0.0}, False),
    (1.0, {"upper": 1.0}, True), (1.0, {"upper": 1.0, "upper_open": True}, False),
    (1.0 + 1e-15, {"upper": 1.0}, False),
    (0.5, {"lower": 0.0, "upper": 1.0, "lower_open": True, "upper_open": True}, True),
])
def test_check_real_interval_ends(value, kw, ok):
    if ok:
        assert v.check_real("x", value, **kw) == value
    else:
        with pytest.raises(InvalidArgument, match=r"expected x in"):
            v.check_real("x", value, **kw)


def test_check_real_message_names_the_interval():
    with pytest.raises(InvalidArgument, match=r"x=2\.0, expected x in \(0, 1\]"):
        v.check_real("x", 2.0, lower=0.0, upper=1.0, lower_open=True)
    with pytest.raises(InvalidArgument, match=r"expected x in \[-inf, 1\)"):
        v.check_real("x", 2.0, upper=1.0, upper_open=True)
    with pytest.raises(InvalidArgument, match=r"expected x in \[3, inf\]"):
        v.check_real("x", 2.0, lower=3.0)


def test_short_repr():
    assert v._short("abc") == "'abc'"
    s = v._short("x" * 100)
    assert len(s) == 60 and s.endswith("...")
    assert v._short("x" * 58) == repr("x" * 58)          # exactly 60 characters: kept
    assert v._short(2 ** 199) == repr(2 ** 199)          # 200 bits: printed
    assert v._short(2 ** 200) == "<integer with 61 digits>"
    assert v._short(-(10 ** 5000)) == "<integer with over 4000 digits>"
    assert v._short(True) == "True"


def test_probability_and_interval():
    assert v.check_probability("p", 0.0) == 0.0 and v.check_probability("p", 1.0) == 1.0
    with pytest.raises(InvalidArgument):
        v.check_probability("p", 1.0000001)
    v.check_valid_interval(1.0, 1.0, "lo", "hi")
    with pytest.raises(InvalidArgument, match="Cannot have hi=0.5 < lo=1.0"):
        v.check_valid_interval(1.0, 0.5, "lo", "hi")


def test_finite_and_stochastic_name_the_entry():
    v.check_finite_array("R", np.zeros((2, 2)))
    with pytest.raises(InvalidModel, match=r"R\[1, 0\] = nan"):
        v.check_finite_array("R", np.array([[0.0, 1.0], [np.nan, np.inf]]))
    P = np.array([[[0.5, 0.5], [1.0, 0.0]], [[0.25, 0.75], [0.0, 1.0]]])
    v.check_stochastic("P", P)
    bad = P.copy()
    bad[1, 1] = [0.2, 0.7]
    with pytest.raises(InvalidModel, match=r"P\[1, 1, :\] sums to 0\.9, expected 1 \(tol 1e-09\)"):
        v.check_stochastic("P", bad)
    neg = P.copy()
    neg[0, 1] = [1.5, -0.5]
    with pytest.raises(InvalidModel, match=r"P\[0, 1, 1\] = -0\.5 is negative"):
        v.check_stochastic("P", neg)
    # the tolerance is closed: a defect of exactly tol passes, beyond it fails
    near = P.copy()
    near[0, 0] = [0.5, 0.5 + 2 ** -30]
    v.check_stochastic("P", near, tol=2 ** -30)
    with pytest.raises(InvalidModel):
        v.check_stochastic("P", near, tol=2 ** -31)
    # another axis: columns of a (2, 2) matrix
    with pytest.raises(InvalidModel, match=r"M\[:, 1\] sums to"):
        v.check_stochastic("M", np.array([[1.0, 0.2], [0.0, 0.2]]), axis=0)
    with pytest.raises(InvalidModel, match=r"P\[0, 0, 0\] = nan"):
        v.check_stochastic("P", np.full((1, 1, 1), np.nan))


def test_as_generator():
    g = np.random.default_rng(0)
    assert v.as_generator(g) is g
    assert v.as_generator(5).integers(1 << 30) == np.random.default_rng(5).integers(1 << 30)
    assert v.as_generator(0).integers(1 << 30) == np.random.default_rng(0).integers(1 << 30)
    ss = np.random.SeedSequence(3)
    assert v.as_generator(ss).integers(1 << 30) == np.random.default_rng(
        np.random.SeedSequence(3)).integers(1 << 30)
    assert isinstance(v.as_generator(None), np.random.Generator)
    assert v.as_generator(np.int64(7)).integers(99) == np.random.default_rng(7).integers(99)
    for bad, err in ((True, InvalidType), (1.5, InvalidType), ("1", InvalidType),
                     (-1, InvalidArgument)):
        with pytest.raises(err):
            v.as_generator(bad)


def test_format_bytes_units():
    assert v.format_bytes(0) == "0 B" and v.format_bytes(1023) == "1023 B"
    assert v.format_bytes(1024) == "1 KiB" and v.format_bytes(1024 ** 2) == "1 MiB"
    assert v.format_bytes(5 * 1024 ** 5) == "5 PiB"
    assert v.format_bytes(3 * 1024 ** 6) == "3.07e+03 PiB"


def test_default_cap_is_four_gib():
    assert v.DEFAULT_MAX_BYTES == 4 * 1024 ** 3


def test_check_choice_accepts_any_iterable():
    with pytest.raises(UnknownName, match=r"expected one of \['pi', 'vi'\]"):
        v.check_choice("method", "xx", iter(["vi", "pi"]))
    assert v.check_choice("method", "pi", (m for m in ["vi", "pi"])) == "pi"


def test_max_bytes_from_the_environment(monkeypatch):
    monkeypatch.delenv("PROVABLE_MAX_BYTES", raising=False)
    assert v.max_bytes_default() == v.DEFAULT_MAX_BYTES
    monkeypatch.setenv("PROVABLE_MAX_BYTES", "  ")
    assert v.max_bytes_default() == v.DEFAULT_MAX_BYTES
    monkeypatch.setenv("PROVABLE_MAX_BYTES", "1e3")
    assert v.max_bytes_default() == 1000
    monkeypatch.setenv("PROVABLE_MAX_BYTES", "1")
    assert v.max_bytes_default() == 1
    for bad in ("0", "-5", "lots", "1e999"):
        monkeypatch.setenv("PROVABLE_MAX_BYTES", bad)
        with pytest.raises(InvalidArgument, match="PROVABLE_MAX_BYTES"):
            v.max_bytes_default()


def test_check_memory_boundary(monkeypatch):
    assert v.check_memory("P", 100, max_bytes=100) == 100     # at the cap: allowed
    with pytest.raises(InvalidArgument, match=r"P needs 101 B, above max_bytes=100 B.*hint!"):
        v.check_memory("P", 101, max_bytes=100, hint=" hint!")
    with pytest.raises(InvalidArgument):
        v.check_memory("P", 1, max_bytes=0)
    monkeypatch.setenv("PROVABLE_MAX_BYTES", "50")
    assert v.check_memory("P", 50) == 50
    with pytest.raises(InvalidArgument):
        v.check_memory("P", 51)


def test_as_real_array_accepts_and_copies():
    src = np.array([[1.0, 2.0]])
    out = v.as_real_array("R", src)
    assert out.dtype == np.float64 and out is not src and not np.shares_memory(out, src)
    out[0, 0] = 9.0
    assert src[0, 0] == 1.0
    assert v.as_real_array("R", [True, False]).tolist() == [1.0, 0.0]
    assert v.as_real_array("R", np.array([3], dtype=np.uint8)).tolist() == [3.0]
    assert v.as_real_array("R", [fractions.Fraction(1, 2), 2]).tolist() == [0.5, 2.0]
    lst = [[1.0, 2.0]]
    assert v.as_real_array("R", lst).tolist() == lst
    assert v.as_real_array("R", np.float32(0.1)).dtype == np.float64
    assert v.as_real_array("R", [1e308 * 10 ** 0]).tolist() == [1e308]
    assert v.as_real_array("R", np.array([1], dtype=np.float128)
                           if hasattr(np, "float128") else [1.0]).tolist() == [1.0]


@pytest.mark.parametrize("value, err, match", [
    (None, InvalidType, "has type NoneType"),
    ("abc", InvalidType, "has type str"),
    ({"a": 1}, InvalidType, "has type dict"),
    ({1, 2}, InvalidType, "has type set"),
    (np.ma.masked_array([1.0], mask=[True]), InvalidType, "masked array"),
    ([1 + 2j], InvalidType, "complex numbers"),
    (np.array(["a"]), InvalidType, "strings"),
    (np.array([b"a"]), InvalidType, "bytes"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), InvalidType, "datetimes"),
    (np.array([1], dtype="timedelta64[s]"), InvalidType, "time differences"),
    ([[1.0, 2.0], [3.0]], InvalidModel, "ragged"),
    ([[1.0], [[2.0]]], InvalidModel, "ragged"),
    (np.array([1.0, "x"], dtype=object), InvalidType, r"R\[1\] = 'x' has type str"),
    (np.array([1.0, None], dtype=object), InvalidType, r"R\[1\] = None"),
    (np.array([1.0, True], dtype=object), InvalidType, r"R\[1\] = True has type bool"),
    ([10 ** 400, 1], InvalidModel, r"R\[0\] = <integer with 401 digits> does not fit a float64"),
])
def test_as_real_array_refusals(value, err, match):
    with pytest.raises(err, match=match):
        v.as_real_array("R", value)


def test_as_real_array_ndim():
    assert v.as_real_array("R", [[1.0]], ndim=2).shape == (1, 1)
    assert v.as_real_array("R", [[1.0]], ndim=(2, 3)).shape == (1, 1)
    with pytest.raises(InvalidModel, match=r"R has shape \(1,\) \(1-D\), expected 2-D or 3-D"):
        v.as_real_array("R", [1.0], ndim=(2, 3))
    with pytest.raises(InvalidModel, match=r"expected 3-D"):
        v.as_real_array("R", [[1.0]], ndim=3)


def test_check_csr_accepts_and_returns_owned_int64():
    data, ind, ptr, shape = v.check_csr("P", [1.0, 0.5, 0.5], np.array([0, 0, 1], np.int32),
                                        np.array([0, 1, 3], np.uint32), np.array([2, 2]))
    assert shape == (2, 2) and ind.dtype == np.int64 and ptr.dtype == np.int64
    assert data.tolist() == [1.0, 0.5, 0.5] and ptr.tolist() == [0, 1, 3]
    # empty rows and an empty matrix
    none = np.array([], dtype=np.int64)
    assert v.check_csr("P", [], none, [0, 0, 0], (2, 3))[3] == (2, 3)
    assert v.check_csr("P", [], none, [0], (0, 0))[3] == (0, 0)
    # the last column is allowed
    assert v.check_csr("P", [1.0], [2], [0, 1], (1, 3))[1].tolist() == [2]


@pytest.mark.parametrize("args, err, match", [
    (([1.0], [0], [0, 1], (1, 1, 1)), InvalidModel, r"P\.shape = \(1, 1, 1\)"),
    (([1.0], [0], [0, 1], (1, 1.0)), InvalidModel, "expected two integers"),
    (([1.0], [0], [0, 1], (True, 1)), InvalidModel, "expected two integers"),
    (([1.0], [0], [0, 1], np.array([1.0, 1.0])), InvalidType, "expected two integers"),
    (([1.0], [0], [0, 1], np.array([[1, 1]])), InvalidType, "expected two integers"),
    (([1.0], [0], [0, 1], (-1, 1)), InvalidModel, "non-negative sizes"),
    (([1.0], [0], [0, 1], (1, -1)), InvalidModel, "non-negative sizes"),
    (([1.0], [0], [0.0, 1.0], (1, 1)), InvalidType, r"P\.indptr has dtype float64"),
    (([1.0], [0.0], [0, 1], (1, 1)), InvalidType, r"P\.indices has dtype"),
    (([1.0], [[0]], [0, 1], (1, 1)), InvalidModel, r"P\.indices has shape"),
    (([[1.0]], [0], [0, 1], (1, 1)), InvalidModel, r"P\.data has shape \(1, 1\)"),
    (([1.0], [0], [0, 1, 1], (1, 1)), InvalidModel, r"indptr has length 3, expected rows \+ 1 = 2"),
    (([1.0, 1.0], [0], [0, 1], (1, 1)), InvalidModel, r"indices has length 1 but P\.data has length 2"),
    (([1.0], [0], [1, 1], (1, 1)), InvalidModel, r"P\.indptr\[0\] = 1, expected 0"),
    (([1.0, 1.0], [0, 0], [0, 2, 1, 2], (3, 1)), InvalidModel, r"decreases at row 1"),
    (([1.0, 1.0], [0, 0], [0, 1, 1], (2, 1)), InvalidModel, r"indptr\[-1\] = 1, expected"),
    (([1.0, 1.0], [0, 3], [0, 1, 2], (2, 3)), InvalidModel, r"indices\[1\] = 3 \(row 1\)"),
    (([1.0, 1.0], [-1, 0], [0, 1, 2], (2, 3)), InvalidModel, r"indices\[0\] = -1 \(row 0\)"),
    (([1.0, 1.0, 1.0], [0, 0, 5], [0, 0, 2, 3], (3, 5)), InvalidModel, r"indices\[2\] = 5 \(row 2\)"),
    (([1.0], [0], np.array([0, 2 ** 63], dtype=np.uint64), (1, 1)), InvalidModel, "beyond int64"),
])
def test_check_csr_refusals(args, err, match):
    with pytest.raises(err, match=match):
        v.check_csr("P", *args)


def test_format_bytes_of_negative_sizes():
    assert v.format_bytes(-2048) == "-2 KiB" and v.format_bytes(-5) == "-5 B"
    assert v.format_bytes(1024 ** 4) == "1 TiB" and v.format_bytes(1024 ** 5 - 1) == "1.02e+03 TiB"


def test_check_memory_cap_must_be_positive():
    with pytest.raises(InvalidArgument, match="max_bytes"):
        v.check_memory("P", 0, max_bytes=0)
    assert v.check_memory("P", 1, max_bytes=1) == 1


def test_torch_tensors_are_read_as_float64_copies():
    torch = pytest.importorskip("torch")
    t = torch.tensor([[1.0, 2.0]], requires_grad=True)
    out = v.as_real_array("R", t)
    assert out.dtype == np.float64 and out.tolist() == [[1.0, 2.0]]
    with pytest.raises(InvalidType, match="cannot read this torch tensor"):
        v.as_real_array("R", torch.empty(2, device="meta"))


class _Unreadable:
    def __array__(self, dtype=None, copy=None):
        raise TypeError("boom")


def test_unreadable_and_ragged_object_inputs():
    with pytest.raises(InvalidModel, match=r"cannot be read as an array of real numbers "
                                           r"\(TypeError: boom\)"):
        v.as_real_array("R", _Unreadable())
    ragged = np.empty(2, dtype=object)
    ragged[0], ragged[1] = [1.0], [2.0, 3.0]
    with pytest.raises(InvalidModel, match="ragged"):
        v.as_real_array("R", ragged)
    obj = np.array([1, 2.5, fractions.Fraction(1, 4)], dtype=object).reshape(3, 1)
    out = v.as_real_array("R", obj)
    assert out.shape == (3, 1) and out.ravel().tolist() == [1.0, 2.5, 0.25]
