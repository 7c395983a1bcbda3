"""Sparse models store int32 CSR indices whenever they fit, whatever the input gave
(an int64 CSR, or an .npz written by another tool): the sweep kernels read half the
index bytes."""

import numpy as np
import scipy.sparse as sp

import provable as pv


def test_int64_input_is_stored_as_int32():
    m = pv.mdp.random_mdp(500, 3, gamma=0.9, nnz_per_row=6, seed=0)
    P = m.P.copy()
    P.indices, P.indptr = P.indices.astype(np.int64), P.indptr.astype(np.int64)
    m64 = pv.TabularMDP(P, m.R, gamma=0.9)
    assert m64.P.indices.dtype == np.int32 and m64.P.indptr.dtype == np.int32
    # the same answer either way
    a = pv.solvers.value_iteration(m, 1e-9)
    b = pv.solvers.value_iteration(m64, 1e-9)
    np.testing.assert_array_equal(a.V, b.V)
    assert sp.issparse(m64.P)


def test_saved_and_loaded_models_keep_int32(tmp_path):
    m = pv.mdp.random_mdp(300, 2, gamma=0.9, nnz_per_row=5, seed=1)
    path = str(tmp_path / "m.npz")
    m.save(path)
    back = pv.TabularMDP.load(path)
    assert back.P.indices.dtype == np.int32 and back.P.indptr.dtype == np.int32
