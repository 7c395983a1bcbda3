"""TabularMDP's constructor at its boundaries: the layout warning and who gets it, the
criteria's discount ranges, sparse-row errors naming the entry, read-only storage,
the finite-horizon memory cap and rewards given per transition."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

import provable as pv
from provable.errors import InvalidArgument, InvalidModel
from provable.mdp import LayoutWarning


def _asym2():
    """S = A = 2 with P[s, a] != P[a, s]: the two layouts are different models."""
    P = np.zeros((2, 2, 2))
    P[0, 0] = [1.0, 0.0]
    P[0, 1] = [0.0, 1.0]
    P[1, 0] = [1.0, 0.0]
    P[1, 1] = [0.5, 0.5]
    return P


def _warns(P, **kw):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        pv.TabularMDP(P, np.zeros(P.shape[:2]), gamma=0.9, **kw)
    return [x for x in w if issubclass(x.category, LayoutWarning)]


def test_layout_warning_only_when_the_readings_differ():
    assert len(_warns(_asym2())) == 1
    sym = np.zeros((2, 2, 2))
    sym[:, :, 0] = 1.0                      # P[s, a] == P[a, s] for every pair
    assert _warns(sym) == []
    assert _warns(np.ones((1, 1, 1))) == []  # S = A = 1: one reading
    rect = np.zeros((2, 3, 2))
    rect[..., 0] = 1.0
    assert _warns(rect) == []               # S != A
    assert _warns(_asym2(), layout="sas") == []
    w = _warns(_asym2())[0]
    assert "S = A = 2" in str(w.message) and w.filename == __file__


def test_layout_warning_for_subclasses_but_not_provables_own_constructors():
    class MyMDP(pv.TabularMDP):
        def __init__(self, P, R):
            super().__init__(P, R, gamma=0.9)

    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        MyMDP(_asym2(), np.zeros((2, 2)))
        pv.mdp.random_mdp(2, 2, gamma=0.9, seed=0)
        pv.TabularMDP.from_mdptoolbox(np.swapaxes(_asym2(), 0, 1), np.zeros((2, 2)), gamma=0.9)
    assert [x.category for x in w].count(LayoutWarning) == 1


def test_ass_layout_swaps_p_and_per_transition_rewards():
    P_ass = np.swapaxes(_asym2(), 0, 1)
    R3 = np.arange(8, dtype=float).reshape(2, 2, 2)      # R[a, s, s']
    m = pv.TabularMDP(P_ass, R3, gamma=0.9, layout="ass")
    np.testing.assert_array_equal(m.dense_P(), _asym2())
    # R[s, a] = sum_s' P[s, a, s'] R[a, s, s']
    expect = np.einsum("sak,ask->sa", _asym2(), R3)
    np.testing.assert_array_equal(m.R, expect)
    with pytest.raises(InvalidModel, match=r"expected \(A, S, S\) for layout='ass'"):
        pv.TabularMDP(np.ones((2, 3, 1)), np.zeros((3, 2)), gamma=0.9, layout="ass")
    with pytest.raises(InvalidModel, match="layout='ass' is for a dense"):
        pv.TabularMDP(sp.csr_matrix(np.eye(2)), np.zeros((2, 1)), gamma=0.9, layout="ass")
    for bad in ("SAS", 3):
        with pytest.raises(InvalidArgument, match="layout="):
            pv.TabularMDP(_asym2(), np.zeros((2, 2)), gamma=0.9, layout=bad)


def test_discount_ranges_per_criterion():
    P = np.ones((1, 1, 1))
    R = np.zeros((1, 1))
    assert pv.TabularMDP(P, R, gamma=0.0).gamma == 0.0
    with pytest.raises(InvalidArgument):
        pv.TabularMDP(P, R, gamma=1.0)          # discounted: gamma < 1
    fh = pv.TabularMDP(P, R, gamma=1.0, horizon=3)
    assert fh.gamma == 1.0 and fh.criterion == "finite_horizon"
    assert pv.TabularMDP(P, R, horizon=3).gamma == 1.0
    assert pv.TabularMDP(P, R, gamma=0.0, horizon=3).gamma == 0.0
    for g in (1.5, -0.1):
        with pytest.raises(InvalidArgument):
            pv.TabularMDP(P, R, gamma=g, horizon=3)
    with pytest.raises(InvalidArgument, match="tol"):
        pv.TabularMDP(P, R, gamma=0.5, tol=-1e-9)
    assert pv.TabularMDP(P * (1 + 1e-12), R, gamma=0.5, tol=0.0 + 1e-11).S == 1


def test_sparse_rows_errors_name_row_state_action_and_column():
    def csr(data, cols, ptr, shape):
        return sp.csr_matrix((np.array(data, float), np.array(cols), np.array(ptr)), shape=shape)

    R = np.zeros((2, 2))
    with pytest.raises(InvalidModel, match=r"P\[row 3 = \(s=1, a=1\), col 0\] = nan"):
        pv.TabularMDP(csr([1, 1, 1, np.nan], [0, 1, 0, 0], [0, 1, 2, 3, 4], (4, 2)), R, 0.9)
    with pytest.raises(InvalidModel, match=r"P\[row 2 = \(s=1, a=0\), col 1\] = -0\.5 is negative"):
        pv.TabularMDP(csr([1, 1, 1.5, -0.5, 1], [0, 1, 0, 1, 0], [0, 1, 2, 4, 5], (4, 2)), R, 0.9)
    with pytest.raises(InvalidModel, match=r"P\[row 1 = \(s=0, a=1\), :\] sums to 0\.5"):
        pv.TabularMDP(csr([1, 0.5, 1, 1], [0, 1, 0, 0], [0, 1, 2, 3, 4], (4, 2)), R, 0.9)
    with pytest.raises(InvalidModel, match="not a multiple of S=2"):
        pv.TabularMDP(csr([1, 1, 1], [0, 1, 0], [0, 1, 2, 3], (3, 2)), R, 0.9)
    with pytest.raises(InvalidModel, match="at least one state"):
        pv.TabularMDP(sp.csr_matrix((0, 0)), np.zeros((0, 0)), 0.9)
    # duplicate entries are summed and rows sorted before the checks
    dup = sp.csr_matrix((np.array([0.5, 0.5, 1.0]), np.array([0, 0, 1]), np.array([0, 2, 3])),
                        shape=(2, 2))
    m = pv.TabularMDP(dup, np.zeros((2, 1)), 0.9)
    assert m.P.nnz == 2 and m.P.has_sorted_indices
    np.testing.assert_array_equal(m.P.toarray(), np.eye(2))


def test_other_sparse_formats_and_their_errors():
    P = np.eye(2)
    for conv in (sp.coo_matrix, sp.csc_matrix, sp.lil_matrix, sp.dok_matrix, sp.coo_array):
        m = pv.TabularMDP(conv(P), np.zeros((2, 1)), 0.9)
        np.testing.assert_array_equal(m.P.toarray(), P)
        assert m.P.format == "csr"
    bad = sp.coo_matrix((np.ones(2), (np.array([0, 1]), np.array([0, 1]))), shape=(2, 2))
    bad.col = np.array([0, 5])
    with pytest.raises(InvalidModel, match=r"P \(COO\) col index 5 at entry 1"):
        pv.TabularMDP(bad, np.zeros((2, 1)), 0.9)
    bad = sp.coo_matrix((np.ones(2), (np.array([0, 1]), np.array([0, 1]))), shape=(2, 2))
    bad.row = np.array([-1, 1])
    with pytest.raises(InvalidModel, match=r"P \(COO\) row index -1 at entry 0"):
        pv.TabularMDP(bad, np.zeros((2, 1)), 0.9)
    csc = sp.csc_matrix(P)
    csc.indices = np.array([0, 7], dtype=csc.indices.dtype)
    with pytest.raises(InvalidModel, match=r"sparse P \(csc\) is malformed"):
        pv.TabularMDP(csc, np.zeros((2, 1)), 0.9)
    one_d = sp.coo_array(np.ones(3))
    with pytest.raises(InvalidModel, match=r"sparse P has shape \(3,\), expected \(S\*A, S\)"):
        pv.TabularMDP(one_d, np.zeros((3, 1)), 0.9)
    # a sparse reward is read densely
    m = pv.TabularMDP(P.reshape(2, 1, 2), sp.csr_matrix(np.array([[1.0], [0.0]])), 0.9)
    np.testing.assert_array_equal(m.R, [[1.0], [0.0]])
    with pytest.raises(InvalidModel, match=r"sparse R has shape \(2,\), expected a 2-D"):
        pv.TabularMDP(P.reshape(2, 1, 2), sp.coo_array(np.ones(2)), 0.9)


def test_storage_is_read_only():
    m = pv.mdp.random_mdp(4, 2, gamma=0.9, seed=0)
    with pytest.raises(ValueError):
        m.P[0, 0, 0] = 0.5
    with pytest.raises(ValueError):
        m.R[0, 0] = 9.0
    s = pv.mdp.random_mdp(50, 2, gamma=0.9, nnz_per_row=3, seed=0)
    for arr in (s.P.data, s.P.indices, s.P.indptr):
        with pytest.raises(ValueError):
            arr[0] = arr[0]


def test_finite_horizon_memory_is_checked_before_allocating():
    P = np.ones((2, 1, 2)) / 2
    with pytest.raises(InvalidArgument, match=r"horizon=1000000000 with S=2.*needs 29\.8 GiB"):
        pv.TabularMDP(P, np.zeros((2, 1)), horizon=10 ** 9)
    # 16 (H + 1) S bytes: H = 2**20 - 1 with S = 2 is 32 MiB, allowed under a 32 MiB cap
    import os

    old = os.environ.get("PROVABLE_MAX_BYTES")
    os.environ["PROVABLE_MAX_BYTES"] = str(16 * 2 ** 20 * 2)
    try:
        assert pv.TabularMDP(P, np.zeros((2, 1)), horizon=2 ** 20 - 1).horizon == 2 ** 20 - 1
        with pytest.raises(InvalidArgument):
            pv.TabularMDP(P, np.zeros((2, 1)), horizon=2 ** 20)
    finally:
        if old is None:
            del os.environ["PROVABLE_MAX_BYTES"]
        else:
            os.environ["PROVABLE_MAX_BYTES"] = old


def test_time_varying_models_and_rewards():
    P = np.ones((3, 2, 1, 2)) / 2
    with pytest.raises(InvalidModel, match="needs horizon=H"):
        pv.TabularMDP(P, np.zeros((2, 1)))
    with pytest.raises(InvalidModel, match="first axis = horizon=4"):
        pv.TabularMDP(P, np.zeros((2, 1)), horizon=4)
    m = pv.TabularMDP(P, np.arange(6.0).reshape(3, 2, 1), horizon=3)
    assert m.time_varying and m.R_at(2).tolist() == [[4.0], [5.0]]
    with pytest.raises(InvalidModel, match=r"R has shape \(2, 1, 2\), expected one of"):
        pv.TabularMDP(P, np.zeros((2, 1, 2)), horizon=3)
    with pytest.raises(InvalidModel, match=r"expected \(S, A, S\) or \(H, S, A, S\)"):
        pv.TabularMDP(np.ones((2, 2)), np.zeros((2, 1)), horizon=3)
    with pytest.raises(InvalidModel, match=r"expected \(S, A, S\)$"):
        pv.TabularMDP(np.ones((2, 2)), np.zeros((2, 1)), gamma=0.5)


def test_feasible_mask_of_a_plain_model_is_read_only():
    m = pv.mdp.random_mdp(3, 2, gamma=0.9, seed=0)
    mask = m.feasible
    assert mask.all() and mask.shape == (3, 2)
    with pytest.raises(ValueError):
        mask[0, 0] = False


def test_gymnasium_tables_are_checked():
    from provable.mdp._tabular import _gymnasium_table

    ok = {0: {0: [(1.0, 1, 0.0, False)], 1: [(1.0, 0, 1.0, False)]},
          1: {0: [(1.0, 1, 0.0, True)], 1: [(1.0, 1, 0.0, True)]}}
    P, R = _gymnasium_table(ok)
    assert P.shape == (2, 2, 2) and R[0, 1] == 1.0
    # list-of-actions form reads the same
    P2, R2 = _gymnasium_table({s: list(acts.values()) for s, acts in ok.items()})
    np.testing.assert_array_equal(P, P2)
    np.testing.assert_array_equal(R, R2)
    with pytest.raises(InvalidModel, match=r"keys such as \[2\], expected the states 0\.\.1"):
        _gymnasium_table({0: ok[0], 2: ok[1]})
    with pytest.raises(InvalidModel, match="expected a dict of actions"):
        _gymnasium_table({0: 3})
    with pytest.raises(InvalidModel, match="no actions"):
        _gymnasium_table({0: {}})
    with pytest.raises(InvalidModel, match="is empty"):
        _gymnasium_table({})


def test_gymnasium_dense_size_is_capped(monkeypatch):
    from provable.mdp._tabular import _gymnasium_table

    table = {s: {0: [(1.0, s, 0.0, False)]} for s in range(4)}
    monkeypatch.setenv("PROVABLE_MAX_BYTES", str(8 * 4 * 1 * 4))   # exactly 8 S A S bytes
    assert _gymnasium_table(table)[0].shape == (4, 1, 4)
    monkeypatch.setenv("PROVABLE_MAX_BYTES", str(8 * 4 * 1 * 4 - 1))
    with pytest.raises(InvalidArgument, match=r"env.unwrapped.P with S=4, A=1: dense P"):
        _gymnasium_table(table)


def test_loaded_sparse_shape_must_be_s_times_a_by_s(tmp_path):
    m = pv.mdp.random_mdp(4, 2, gamma=0.9, nnz_per_row=2, seed=0)
    good = tmp_path / "m.npz"
    m.save(str(good))
    doc = dict(np.load(good, allow_pickle=False))
    for shape, data, ind, ptr in (((3, 2), [1.0, 1, 1], [0, 1, 0], [0, 1, 2, 3]),
                                  ((2, 0), [], [], [0, 0, 0])):
        bad = dict(doc, P_data=np.array(data, float), P_indices=np.array(ind, np.int32),
                   P_indptr=np.array(ptr, np.int32), P_shape=np.array(shape, np.int64))
        path = tmp_path / f"bad{shape[0]}.npz"
        np.savez(path, **bad)
        with pytest.raises(InvalidModel,
                           match=rf"P_shape = \({shape[0]}, {shape[1]}\), expected \(S\*A, S\)"):
            pv.TabularMDP.load(str(path))
