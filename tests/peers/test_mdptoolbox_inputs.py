"""pymdptoolbox's input tests (sawcordwell/pymdptoolbox ``src/tests/test_MDP.py``,
``test_utils.py``, ``test_examples.py``), ported to ``TabularMDP.from_mdptoolbox``.

pymdptoolbox's ``util.check(P, R)`` returning None becomes "from_mdptoolbox builds the
model", with the layout checked; its ``InvalidError`` / ``SquareError`` /
``StochasticError`` / ``NonNegativeError`` become provable's ``InvalidModel`` (a
ProvableError and a ValueError) naming the place in the caller's layout, and its
``TypeError`` on a string becomes ``InvalidType`` (a TypeError). A single matrix checked
by ``checkSquareStochastic`` is a one-action model.

The example generators' own argument checks (``forest(S=0)``, ``rand(mask=...)``) test
pymdptoolbox's generator, not a model; where the arguments describe an invalid model
(S = 0, A = 0, p outside [0, 1]) the port checks that provable refuses that model. Not
ported: ``test_example_forest_r1_raise`` (defined twice in the peer's file, so only its
second body, r2=0, runs: a positive-reward policy of the generator, the model is valid),
``test_mask_raise_1`` and ``test_mask_raise_2`` (the generator's mask argument checks).
"""

from __future__ import annotations

import _mdptoolbox_examples as ex
import numpy as np
import pytest
import scipy.sparse as sp

import provable as pv
from provable.errors import InvalidModel, InvalidType, ProvableError

pytestmark = pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")

STATES, ACTIONS, SMALLNUM = ex.STATES, ex.ACTIONS, ex.SMALLNUM
rng = np.random.RandomState(20130824)   # the peer draws unseeded rewards


def build(P, R, gamma=0.9):
    return pv.TabularMDP.from_mdptoolbox(P, R, gamma=gamma)


def P_of(m, a):
    """P[a] of a provable model, in pymdptoolbox's (S, S) layout."""
    return m.dense_P()[:, a, :]


# ------------------------------------------------------------------ test_MDP.py
class TestMDP:
    """test_MDP.py::TestMDP."""

    P = (((0.0, 0.0, 0.6, 0.4, 0.0), (0.0, 0.0, 0.0, 0.0, 1.0), (0.0, 0.0, 1.0, 0.0, 0.0),
          (0.0, 0.0, 0.0, 1.0, 0.0), (0.0, 0.0, 0.0, 0.0, 1.0)),
         ((0.0, 0.4, 0.0, 0.0, 0.6), (0.0, 1.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0, 1.0),
          (0.0, 0.0, 0.0, 0.0, 1.0), (0.0, 0.0, 0.0, 0.0, 1.0)))
    R = (((0,) * 5,) * 5, ((0, 0, 0, 0, 1),) + ((0,) * 5,) * 4)
    computed_R = ((0.0, 0.0, 0.0, 0.0, 0.0), (0.6, 0.0, 0.0, 0.0, 0.0))

    def _check(self, m):
        assert (m.S, m.A) == (5, 2)
        assert m.R[:, 0].tolist() == list(self.computed_R[0])
        assert m.R[:, 1].tolist() == list(self.computed_R[1])
        for a in range(2):
            assert P_of(m, a).tolist() == [list(r) for r in self.P[a]]

    def test_a(self):
        self._check(build(np.array(self.P), np.array(self.R)))

    def test_b(self):
        R = np.array(self.computed_R).T
        m = build(np.array(self.P), R)
        self._check(m)
        assert m.R.tolist() == R.tolist()

    def test_c(self):
        R = (0, 1, 0, 1, 0)
        m = build(np.array(self.P), R)
        assert (m.S, m.A) == (5, 2)
        assert m.R[:, 0].tolist() == list(R) and m.R[:, 1].tolist() == list(R)

    def test_d(self):
        P = [sp.csr_matrix(np.array(p)) for p in self.P]
        R = [sp.csr_matrix(np.array(r)) for r in self.R]
        m = build(P, R)
        assert m.sparse
        self._check(m)

    def test_e(self):
        P = np.empty(shape=2, dtype=object)
        P[0], P[1] = np.array(self.P[0]), np.array(self.P[1])
        R = np.empty(shape=2, dtype=object)
        R[0], R[1] = np.array(self.R[0]), np.array(self.R[1])
        self._check(build(P, R))


def test_MDP_P_R_1():
    """test_MDP.py::test_MDP_P_R_1: example.small read as P[a] and R[:, a]."""
    m = build(ex.P_small, ex.R_small)
    P1 = ([[0.5, 0.5], [0.8, 0.2]], [[0, 1], [0.1, 0.9]])
    R1 = ([5, -1], [10, 2])
    for kk in range(2):
        assert P_of(m, kk).tolist() == P1[kk]
        assert m.R[:, kk].tolist() == R1[kk]


def test_MDP_P_R_2():
    """test_MDP.py::test_MDP_P_R_2: R (A, S, S) reduced to its expectation under P."""
    R = np.array([[[5, 10], [-1, 2]], [[1, 2], [3, 4]]])
    R1 = ([7.5, -0.4], [2, 3.9])
    for P in (ex.P_small, ex.P_sparse):
        m = build(P, R)
        for kk in range(2):
            assert np.abs(m.R[:, kk] - R1[kk]).max() < SMALLNUM


def test_MDP_P_R_3():
    """test_MDP.py::test_MDP_P_R_3."""
    P = np.array([[[0.6116, 0.3884], [0, 1]], [[0.6674, 0.3326], [0, 1]]])
    R = np.array([[[-0.2433, 0.7073], [0, 0.1871]], [[-0.0069, 0.6433], [0, 0.2898]]])
    PR = ([0.12591304, 0.1871], [0.20935652, 0.2898])
    for Pf in (P, [sp.csr_matrix(x) for x in P]):
        m = build(Pf, R)
        for kk in range(2):
            assert np.abs(m.R[:, kk] - PR[kk]).max() < SMALLNUM


# ------------------------------------------------------------------ test_utils.py
def _eyes(kind, container):
    conv = {"array": np.eye, "matrix": lambda n: np.asmatrix(np.eye(n)),
            "sparse": lambda n: sp.eye(n, n).tocsr()}[kind]
    mats = [conv(STATES) for _ in range(ACTIONS)]
    if container == "dict":
        return dict(enumerate(mats))
    if container == "object":
        P = np.empty(ACTIONS, dtype=object)
        for a in range(ACTIONS):
            P[a] = mats[a]
        return P
    return mats


def test_check_square_stochastic_nonnegative_array_1():
    """test_utils.py::test_check_square_stochastic_nonnegative_array_1."""
    P = np.zeros((ACTIONS, STATES, STATES))
    R = np.zeros((STATES, ACTIONS))
    for a in range(ACTIONS):
        P[a] = np.eye(STATES)
        R[:, a] = rng.rand(STATES)
    m = build(P, R)
    assert m.R.tolist() == R.tolist() and not m.sparse


def test_check_square_stochastic_nonnegative_array_2():
    """test_utils.py::test_check_square_stochastic_nonnegative_array_2: R (A, S, S)."""
    P = np.zeros((ACTIONS, STATES, STATES))
    R = rng.rand(ACTIONS, STATES, STATES)
    for a in range(ACTIONS):
        P[a] = np.eye(STATES)
    m = build(P, R)
    assert m.R.tolist() == [[R[a, s, s] for a in range(ACTIONS)] for s in range(STATES)]


@pytest.mark.parametrize("container", ["object", "list", "dict"])
@pytest.mark.parametrize("kind", ["array", "matrix", "sparse"])
def test_check_P_square_stochastic_nonnegative(container, kind):
    """test_utils.py::test_check_P_square_stochastic_nonnegative_{object,list,dict}_
    {array,matrix,sparse} (9 tests)."""
    R = rng.rand(STATES, ACTIONS)
    m = build(_eyes(kind, container), R)
    assert m.sparse == (kind == "sparse")
    assert (m.S, m.A) == (STATES, ACTIONS) and m.R.tolist() == R.tolist()
    assert all(P_of(m, a).tolist() == np.eye(STATES).tolist() for a in range(ACTIONS))


def test_check_R_square_stochastic_nonnegative_sparse():
    """test_utils.py::test_check_R_square_stochastic_nonnegative_sparse: R sparse (S, A)."""
    P = np.stack([np.eye(STATES)] * ACTIONS)
    R = rng.rand(STATES, ACTIONS)
    assert build(P, sp.csr_matrix(R)).R.tolist() == R.tolist()


@pytest.mark.parametrize("kind", ["array", "matrix", "sparse"])
def test_check_R_square_stochastic_nonnegative_object(kind):
    """test_utils.py::test_check_R_square_stochastic_nonnegative_object_{array,matrix,
    sparse}: R an object array of A (S, S) matrices."""
    P = np.stack([np.eye(STATES)] * ACTIONS)
    R = np.empty(ACTIONS, dtype=object)
    raw = [rng.rand(STATES, STATES) for _ in range(ACTIONS)]
    conv = {"array": np.asarray, "matrix": np.asmatrix, "sparse": sp.csr_matrix}[kind]
    for a in range(ACTIONS):
        R[a] = conv(raw[a])
    m = build(P, R)
    assert m.R.tolist() == [[raw[a][s, s] for a in range(ACTIONS)] for s in range(STATES)]


def _stochastic():
    P = rng.rand(STATES, STATES)
    for s in range(STATES):
        P[s, :] = P[s, :] / P[s, :].sum()
    return P


@pytest.mark.parametrize("kind", ["array", "matrix", "sparse"])
@pytest.mark.parametrize("which", ["square_stochastic_nonnegative", "eye"])
def test_checkSquareStochastic(which, kind):
    """test_utils.py::test_checkSquareStochastic_{square_stochastic_nonnegative,eye}_
    {array,matrix,sparse} (6 tests): one matrix is a one-action model."""
    M = _stochastic() if which != "eye" else np.eye(STATES)
    conv = {"array": np.asarray, "matrix": np.asmatrix, "sparse": sp.csr_matrix}[kind]
    m = build([conv(M)], np.zeros(STATES))
    assert (m.S, m.A) == (STATES, 1) and np.abs(P_of(m, 0) - M).max() == 0


def test_check_vector_R():
    """test_utils.py::test_check_vector_R."""
    R = rng.rand(STATES)
    m = build([np.asmatrix(np.eye(STATES))] * 3, R)
    assert all(m.R[:, a].tolist() == R.tolist() for a in range(3))


def test_check_vector_R_error():
    """test_utils.py::test_check_vector_R_error: R of length S + 1."""
    with pytest.raises(InvalidModel, match=r"R has shape \(11,\), expected \(S,\) = \(10,\)"):
        build([np.asmatrix(np.eye(STATES))] * 3, rng.rand(STATES + 1))


def test_check_P_shape_error_1():
    """test_utils.py::test_check_P_shape_error_1: a 2-D, non-square P."""
    with pytest.raises(InvalidModel, match=r"P has shape \(9, 10\), expected pymdptoolbox"):
        build(np.eye(STATES)[:STATES - 1, :STATES], rng.rand(STATES, ACTIONS))


def test_check_P_shape_error_2():
    """test_utils.py::test_check_P_shape_error_2: one (9, 5) matrix among (9, 9) ones."""
    P = (rng.rand(9, 9), rng.rand(9, 9), rng.rand(9, 5))
    with pytest.raises(InvalidModel, match=r"P\[action 2\] has shape \(9, 5\), expected a "
                                           r"square"):
        build(P, rng.rand(9))


def test_check_R_shape_error_1():
    """test_utils.py::test_check_R_shape_error_1: the peer's P (A, 10, 10) is random, so
    its rows are refused first; with a stochastic P the (9, 9) R matrices are named."""
    R = (rng.rand(9, 9), rng.rand(9, 9), rng.rand(9, 5))
    with pytest.raises(InvalidModel, match=r"P\[action 0\]\[0, :\] sums to"):
        build(rng.rand(3, 10, 10), R)
    with pytest.raises(InvalidModel, match=r"R\[action 0\] has shape \(9, 9\), expected "
                                           r"\(S, S\) = \(10, 10\)"):
        build(np.stack([np.eye(10)] * 3), R)


TUPLE_EYE = ((1, 0, 0), (0, 1, 0), (0, 0, 1))
STRING = "a string, the wrong type"


@pytest.mark.parametrize("name", ["test_isSqaure_tuple", "test_isStochastic_tuple",
                                  "test_isNonNegative_tuple"])
def test_tuple_matrix_is_accepted(name):
    """test_utils.py::test_isSqaure_tuple, test_isStochastic_tuple,
    test_isNonNegative_tuple: a nested tuple is a square stochastic matrix."""
    m = build([TUPLE_EYE], (0, 0, 0))
    assert P_of(m, 0).tolist() == [list(r) for r in TUPLE_EYE]


@pytest.mark.parametrize("name", ["test_isSqaure_string", "test_isStochastic_string",
                                  "test_isNonNegative_string"])
def test_string_is_a_type_error(name):
    """test_utils.py::test_isSqaure_string (False there), test_isStochastic_string and
    test_isNonNegative_string (TypeError there): InvalidType, a TypeError."""
    for P in (STRING, [STRING]):
        with pytest.raises(TypeError, match="has type str") as info:
            build(P, np.zeros(3))
        assert isinstance(info.value, InvalidType)


def test_checkSquareStochastic_SquareError():
    """test_utils.py::test_checkSquareStochastic_SquareError."""
    with pytest.raises(InvalidModel, match=r"P\[action 0\] has shape \(9, 10\), expected a "
                                           r"square"):
        build([np.eye(STATES)[:STATES - 1, :STATES]], np.zeros(9))


def test_checkSquareStochastic_StochasticError():
    """test_utils.py::test_checkSquareStochastic_StochasticError."""
    with pytest.raises(InvalidModel, match=r"P\[action 0\]\[0, :\] sums to .*, expected 1"):
        build([rng.rand(STATES, STATES) + 0.01], np.zeros(STATES))


def test_checkSquareStochastic_NonNegativeError():
    """test_utils.py::test_checkSquareStochastic_NonNegativeError."""
    P = np.eye(STATES)
    P[0, 0], P[0, 1] = -0.5, 1.5
    for Pf in (P, sp.csr_matrix(P)):
        with pytest.raises(InvalidModel, match=r"P\[action 0\]\[0, 0\] = -0\.5 is negative"):
            build([Pf], np.zeros(STATES))


# ------------------------------------------------------------------ test_examples.py
def assert_equal_numpy_spacing(A, B):
    A, B = np.array(A), np.array(B)
    x = np.amax(np.maximum(np.abs(A), np.abs(B)))
    assert (np.abs(A - B) <= np.spacing(x)).all()


class TestExampleForest:
    """test_examples.py::TestExampleForest."""

    P = np.array([[[0.1, 0.9, 0.0], [0.1, 0.0, 0.9], [0.1, 0.0, 0.9]],
                  [[1, 0, 0], [1, 0, 0], [1, 0, 0]]])
    R = np.array([[0, 0], [0, 1], [4, 2]])

    def test_dense_PR(self):
        P, R = ex.forest()
        assert_equal_numpy_spacing(P, self.P)
        assert_equal_numpy_spacing(R, self.R)
        m = build(P, R)
        assert all(P_of(m, a).tolist() == self.P[a].tolist() for a in range(2))

    def test_sparse_PR(self):
        P, R = ex.forest(is_sparse=True)
        assert len(P) == 2 and all((P[a] != sp.csr_matrix(self.P[a])).nnz == 0
                                   for a in range(2))
        m = build(P, R)
        assert m.sparse and m.P.nnz == 9
        assert all(P_of(m, a).tolist() == self.P[a].tolist() for a in range(2))
        assert m.R.tolist() == self.R.tolist()


def test_example_forest_dense_check():
    """test_examples.py::test_example_forest_dense_check: forest(10, 5, 3, 0.2)."""
    m = build(*ex.forest(10, 5, 3, 0.2))
    assert (m.S, m.A) == (10, 2) and m.R[9].tolist() == [5.0, 3.0]


def test_example_forest_sparse_check():
    """test_examples.py::test_example_forest_sparse_check: forest(S=30, is_sparse=True)."""
    m = build(*ex.forest(S=30, is_sparse=True))
    assert m.sparse and (m.S, m.A) == (30, 2) and m.P.nnz == 90


@pytest.mark.parametrize("name, kwargs, pattern", [
    ("test_example_forest_S_raise", {"S": 0}, r"P\[action 0\] has shape \(0, 0\)"),
    ("test_example_forest_p_low_raise", {"p": -1}, r"P\[action 0\]\[0, 0\] = -1\.0 is negative"),
    ("test_example_forest_p_high_raise", {"p": 1.1}, r"is negative"),
])
def test_example_forest_raise(name, kwargs, pattern):
    """test_examples.py::test_example_forest_{S,p_low,p_high}_raise: the generator
    refuses these arguments; the model they describe is refused by provable."""
    S = kwargs.get("S", 3)
    if S == 0:
        P, R = [np.zeros((0, 0)), np.zeros((0, 0))], np.zeros((0, 2))
    else:
        P, R = ex.forest(**kwargs)
    with pytest.raises(InvalidModel, match=pattern):
        build(P, R)


class TestExampleRand:
    """test_examples.py::TestExampleRand."""

    S, A = 3, 2
    P = np.array(
        [[[0.28109922699468015, 0.4285572503528079, 0.2903435226525119],
          [0.0, 1.0, 0.0], [0.0, 1.0, 0.0]],
         [[0.4656280088928742, 0.21500769329533384, 0.31936429781179193],
          [0.0, 0.0, 1.0], [0.19806726878845474, 0.8019327312115453, 0.0]]])
    R = np.array(
        [[[0.7835460015641595, 0.9273255210020586, -0.2331169623484446],
          [0.0, -0.7192984391747097, 0.0], [0.0, -0.7881847856244157, -0.0]],
         [[-0.22702203774827612, 0.8051969510588093, -0.10010002017754482],
          [-0.0, -0.0, 0.14039354083575928],
          [-0.06737845428738742, -0.5111488159967945, -0.0]]])

    def test_dense_PR(self):
        P, R = ex.rand(self.S, self.A, rs=np.random.RandomState(0))
        assert_equal_numpy_spacing(P, self.P)
        assert_equal_numpy_spacing(R, self.R)
        m = build(P, R)
        expected = (self.P * self.R).sum(axis=2).T
        assert np.abs(m.R - expected).max() < 1e-15

    def test_sparse_PR(self):
        P, R = ex.rand(self.S, self.A, is_sparse=True, rs=np.random.RandomState(1))
        assert all(P[a].shape == (3, 3) and R[a].shape == (3, 3) for a in range(self.A))
        m = build(P, R)
        assert m.sparse and m.R.shape == (3, 2)
        Pd = [P[a].toarray() for a in range(2)]
        Rd = [R[a].toarray() for a in range(2)]
        assert np.abs(m.R - np.stack([(Pd[a] * Rd[a]).sum(1) for a in range(2)], 1)).max() < 1e-15

    @pytest.mark.parametrize("is_sparse", [False, True])
    def test_PR_check(self, is_sparse):
        """test_dense_PR_check and test_sparse_PR_check."""
        m = build(*ex.rand(self.S, self.A, is_sparse=is_sparse, rs=np.random.RandomState(0)))
        assert m.sparse == is_sparse and (m.S, m.A) == (3, 2)

    @pytest.mark.parametrize("name, S, A", [("test_S_raise", 0, 2), ("test_A_raise", 3, 0)])
    def test_raise(self, name, S, A):
        """test_S_raise / test_A_raise: no states or no actions is not a model."""
        P = np.zeros((A, S, S))
        with pytest.raises(InvalidModel, match="at least one"):
            build(P, np.zeros((S, A)))

    @pytest.mark.parametrize("name, mask", [
        ("test_mask_dense_1", np.array([[1, 0, 0], [0, 1, 1], [1, 0, 1]])),
        ("test_mask_dense_2", np.zeros((3, 3), dtype=int)),
        ("test_mask_dense_3", np.array([[[1, 1, 0], [0, 1, 1], [1, 0, 1]],
                                        [[0, 0, 1], [0, 1, 0], [1, 0, 0]]])),
        ("test_mask_sparse_1", sp.csr_matrix([[1, 0, 0], [0, 1, 1], [1, 0, 1]])),
        ("test_mask_sparse_2", np.zeros((3, 3), dtype=int)),
    ])
    def test_mask(self, name, mask):
        for is_sparse in (False, True):
            P, R = ex.rand(self.S, self.A, mask=mask, is_sparse=is_sparse,
                           rs=np.random.RandomState(7))
            m = build(P, R)
            assert m.sparse == is_sparse
            if name in ("test_mask_dense_1", "test_mask_sparse_1"):
                allowed = np.array([[1, 0, 0], [0, 1, 1], [1, 0, 1]], dtype=bool)
                assert not (m.dense_P() > 0)[~np.repeat(allowed[:, None, :], 2, 1)].any()


@pytest.mark.skip(reason="tests pymdptoolbox's example generator's own argument checks "
                         "(r2=0 is a valid model; a mask of the wrong shape or type is a "
                         "generator argument, not a model)")
@pytest.mark.parametrize("name", ["test_example_forest_r1_raise", "test_mask_raise_1",
                                  "test_mask_raise_2"])
def test_generator_argument_checks(name):
    """test_examples.py::test_example_forest_r1_raise (second definition, r2=0),
    TestExampleRand::test_mask_raise_1, TestExampleRand::test_mask_raise_2."""


def test_errors_are_provable_errors():
    """Every refusal above is a ProvableError (pymdptoolbox raises its own classes)."""
    for P, R in (([np.eye(3)[:2]], np.zeros(2)), ("x", np.zeros(3)),
                 ([np.eye(3)], np.zeros(4))):
        with pytest.raises(ProvableError):
            build(P, R)


# ------------------------------------------------------------------ example.py / util.py docstrings
def test_example_rand_docstring():
    """example.py rand docstring: rand(4, 3) after numpy.random.seed(0) (P[0] and R[0]
    rows as printed, 8 digits), and rand(100, 5, is_sparse=True): 3296 stored entries in
    P[0] and R[0], equal nnz in P[1] and R[1]; the models build, sparse stays sparse."""
    P, R = ex.rand(4, 3, rs=np.random.RandomState(0))
    assert np.abs(P[0, 0] - [0.21977283, 0.14889403, 0.30343592, 0.32789723]).max() < 5e-9
    assert np.abs(P[2, 3] - [0.0, 0.0, 1.0, 0.0]).max() == 0
    assert np.abs(R[0, 0] - [-0.23311696, 0.58345008, 0.05778984, 0.13608912]).max() < 5e-9
    assert np.abs(R[2, 2] - [-0.13716313, 0.0, 0.0, 0.0]).max() < 5e-9
    m = build(P, R)
    assert np.abs(m.R - (P * R).sum(axis=2).T).max() < 1e-15
    Psp, Rsp = ex.rand(100, 5, is_sparse=True, rs=np.random.RandomState(0))
    assert (len(Psp), len(Rsp)) == (5, 5)
    assert Psp[0].nnz == Rsp[0].nnz == 3296 and Psp[1].nnz == Rsp[1].nnz
    ms = build(Psp, Rsp)
    assert ms.sparse and ms.P.nnz == sum(p.nnz for p in Psp)


def test_util_check_docstring():
    """util.py check docstring: rand(100, 5) is valid; a random P (5, 100, 100) is not."""
    P_valid, R_valid = ex.rand(100, 5, rs=np.random.RandomState(1))
    build(P_valid, R_valid)
    with pytest.raises(InvalidModel, match=r"P\[action 0\]\[0, :\] sums to"):
        build(rng.rand(5, 100, 100), R_valid)
