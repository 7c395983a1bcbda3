import json

import gymnasium_stub  # noqa: F401  (local helper module, see tests/mdp/gymnasium_stub.py)
import numpy as np
import pytest

import provable as pv
from provable.errors import InvalidArgument


@pytest.mark.parametrize("kw", [dict(S=7, A=3), dict(S=40, A=2, density=0.2),
                                dict(S=30, A=4, nnz_per_row=3)])
def test_random_mdp_is_seeded(kw):
    a = pv.mdp.random_mdp(**kw, seed=5)
    b = pv.mdp.random_mdp(**kw, seed=5)
    c = pv.mdp.random_mdp(**kw, seed=6)
    assert np.array_equal(a.dense_P(), b.dense_P()) and np.array_equal(a.R, b.R)
    assert not np.array_equal(a.R, c.R)


def test_density_controls_successors():
    m = pv.mdp.random_mdp(40, 2, density=0.1, seed=0)
    counts = np.diff(m.P.indptr)
    assert np.all(counts == 4)


def test_river_swim_structure():
    m = pv.mdp.river_swim(6)
    assert m.P[3, 1].tolist() == [0, 0, 0.05, 0.6, 0.35, 0]
    assert m.R[0, 0] == 0.005 and m.R[5, 1] == 1.0
    # the optimal policy swims right everywhere (Strehl & Littman 2008)
    assert pv.solve(m).policy.tolist() == [1] * 6


def test_gridworld_walls_and_slip():
    g = pv.mdp.gridworld((3, 3), walls=[(1, 1)], slip=0.2, gamma=0.9)
    assert g.S == 8 and (1, 1) not in g.cells
    s = g.cells.index((0, 1))
    down = 2
    # moving down from (0,1) hits the wall: stays w.p. 0.8, slips left/right w.p. 0.1 each
    assert g.P[s, down, s] == pytest.approx(0.8)
    with pytest.raises(InvalidArgument, match="outside the grid"):
        pv.mdp.gridworld((2, 2), walls=[(5, 5)])


def test_two_state_gadget_gain_gap():
    for t_mix in (5, 50, 500):
        for eps in (0.05, 0.2):
            m = pv.mdp.two_state_gadget(t_mix, eps)
            gains = [pv.solvers.evaluate_policy(m, np.array([0, a]))[1] for a in (0, 1)]
            assert gains[0] == pytest.approx(0.5, abs=1e-12)
            assert gains[0] - gains[1] == pytest.approx(eps, abs=1e-12)


@pytest.mark.parametrize("ext", [".npz", ".json"])
@pytest.mark.parametrize("sparse", [False, True])
def test_save_load_roundtrip(tmp_path, ext, sparse):
    m = pv.mdp.random_mdp(12, 3, gamma=0.8, density=0.5 if sparse else 1.0, seed=2)
    path = str(tmp_path / f"m{ext}")
    m.save(path)
    m2 = pv.TabularMDP.load(path)
    np.testing.assert_array_equal(m.dense_P(), m2.dense_P())
    np.testing.assert_array_equal(m.R, m2.R)
    assert m2.gamma == 0.8
    if ext == ".npz":
        assert m2.sparse == m.sparse


def test_load_errors(tmp_path):
    with pytest.raises(InvalidArgument, match="expected .npz or .json"):
        pv.mdp.load(str(tmp_path / "m.txt"))
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps({"P": [[[1.0]]]}))
    with pytest.raises(InvalidArgument, match="no .R."):
        pv.mdp.load(str(bad))


def test_mdptoolbox_roundtrip():
    mdptoolbox = pytest.importorskip("mdptoolbox.example")
    P, R = mdptoolbox.forest()
    m = pv.TabularMDP.from_mdptoolbox(P, R, gamma=0.9)
    P2, R2 = m.to_mdptoolbox()
    np.testing.assert_array_equal(P2, P)
    np.testing.assert_array_equal(R2, R)


def test_from_gymnasium_frozenlake_like():
    env = gymnasium_stub.frozen_lake_2x2()
    m = pv.TabularMDP.from_gymnasium(env, gamma=0.9)
    assert m.S == 4 and m.A == 4
    # the goal (state 3) and the hole (state 1) become absorbing with zero reward
    assert m.P[3, :, 3].tolist() == [1, 1, 1, 1] and m.R[3].tolist() == [0, 0, 0, 0]
    assert m.P[1, :, 1].tolist() == [1, 1, 1, 1]
    # reaching the goal from state 2 by moving right pays 1
    assert m.R[2, 2] == 1.0


def test_from_mdptoolbox_accepts_a_list_of_sparse_matrices():
    import scipy.sparse as sp

    dense = pv.mdp.random_mdp(6, 3, gamma=0.9, seed=4)
    P_ass, R = dense.to_mdptoolbox()
    m = pv.TabularMDP.from_mdptoolbox([sp.csr_matrix(Pa) for Pa in P_ass], R, gamma=0.9)
    np.testing.assert_array_equal(m.dense_P(), dense.dense_P())
    np.testing.assert_array_equal(m.R, dense.R)
