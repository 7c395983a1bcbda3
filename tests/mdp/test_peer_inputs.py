"""Every input form pymdptoolbox accepts, through ``TabularMDP.from_mdptoolbox`` and the
constructor: per-action matrices in lists, tuples, dicts and object arrays, dense or
sparse; rewards as vectors, dense or sparse (S, A) matrices, (A, S, S) arrays and lists
of per-action matrices. Sparse input stays sparse; every error is a ProvableError in the
caller's own layout; a validated model cannot change when its inputs do."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import provable as pv
from provable.errors import InvalidModel, InvalidType, ProvableError

pytestmark = pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")

E = np.eye(3)
# a 2-state, 2-action model whose V* is known in closed form (rewards 5/10 and -1/2,
# pymdptoolbox's example.small); gamma = 0.9 gives V* = (42.4418604651163, 36.0465116279070)
SMALL_P = [np.array([[0.5, 0.5], [0.8, 0.2]]), np.array([[0.0, 1.0], [0.1, 0.9]])]
SMALL_R = np.array([[5.0, 10.0], [-1.0, 2.0]])
SMALL_V = np.array([42.4418604651163, 36.0465116279070])


def forest_sparse(S: int, r1: float = 4.0, r2: float = 2.0, p: float = 0.1):
    """pymdptoolbox's ``example.forest(S, is_sparse=True)``: a tuple of CSR matrices."""
    rows = list(range(S)) * 2
    cols = [0] * S + list(range(1, S)) + [S - 1]
    P0 = sp.coo_matrix(([p] * S + [1 - p] * S, (rows, cols)), shape=(S, S)).tocsr()
    P1 = sp.coo_matrix(([1] * S, (list(range(S)), [0] * S)), shape=(S, S)).tocsr()
    R = np.zeros((S, 2))
    R[S - 1, 0] = r1
    R[:, 1] = 1
    R[0, 1] = 0
    R[S - 1, 1] = r2
    return (P0, P1), R


# ------------------------------------------------------------------ rewards
@pytest.mark.parametrize("form", ["list_csr", "tuple_csr", "object_array", "dict_csr",
                                  "list_dense", "sparse_SA", "coo_SA"])
def test_reward_forms_give_the_expected_reward(form):
    """r(s, a) = sum_j P[a][s, j] R[a][s, j]; with P = I and R[a] = (a + 1) I, r = a + 1."""
    Rs = [(a + 1) * E for a in range(2)]
    if form == "list_csr":
        R = [sp.csr_matrix(x) for x in Rs]
    elif form == "tuple_csr":
        R = tuple(sp.csr_matrix(x) for x in Rs)
    elif form == "object_array":
        R = np.empty(2, dtype=object)
        R[0], R[1] = sp.csr_matrix(Rs[0]), Rs[1]
    elif form == "dict_csr":
        R = {1: sp.csr_matrix(Rs[1]), 0: sp.csr_matrix(Rs[0])}
    elif form == "list_dense":
        R = [np.asmatrix(x) for x in Rs]
    elif form == "sparse_SA":
        R = sp.csr_matrix(np.array([[1.0, 2.0]] * 3))
    else:
        R = sp.coo_matrix(np.array([[1.0, 2.0]] * 3))
    m = pv.TabularMDP.from_mdptoolbox([E, E], R, gamma=0.9)
    assert m.R.tolist() == [[1.0, 2.0]] * 3
    # V* of "stay and take reward 2 forever": 2 / (1 - 0.9) = 20
    assert pv.solve(m, "pi").V == pytest.approx([20.0] * 3, abs=1e-12)


def test_issue_reproduction_list_of_sparse_rewards():
    m = pv.TabularMDP.from_mdptoolbox([E, E], [sp.csr_matrix(E)] * 2, gamma=0.9)
    assert m.R.tolist() == [[1.0, 1.0]] * 3


def test_sparse_SA_reward_in_the_constructor():
    P = np.stack([E, E], axis=1)
    m = pv.TabularMDP(P, sp.csr_matrix([[0.0, 1.0]] * 3), gamma=0.5)
    assert m.R.tolist() == [[0.0, 1.0]] * 3 and not m.R.flags.writeable


def test_reward_on_transition_with_sparse_P():
    """R (A, S, S) with sparse P: expectation over the stored entries only
    (pymdptoolbox's test_MDP.py::TestMDP numbers, computed_R = 0.6 at (s=0, a=1))."""
    P1 = np.zeros((5, 5))
    P1[0, 1], P1[0, 4] = 0.4, 0.6
    P1[1:, 1] = [1, 0, 0, 0]
    P1[2:, 4] = 1
    P0 = np.eye(5)
    R1 = np.zeros((5, 5))
    R1[0, 4] = 1
    for P in ([sp.csr_matrix(P0), sp.csr_matrix(P1)], [P0, P1]):
        for R in (np.stack([np.zeros((5, 5)), R1]), [sp.csr_matrix(np.zeros((5, 5))), R1]):
            m = pv.TabularMDP.from_mdptoolbox(P, R, gamma=0.9)
            assert m.R[:, 0].tolist() == [0.0] * 5
            assert m.R[:, 1].tolist() == [0.6, 0, 0, 0, 0]


# ------------------------------------------------------------------ transitions
@pytest.mark.parametrize("container", ["list", "tuple", "dict", "object_array"])
@pytest.mark.parametrize("kind", ["dense", "matrix", "csr", "coo", "lil"])
def test_P_containers_solve_to_the_known_values(container, kind):
    conv = {"dense": np.asarray, "matrix": np.asmatrix, "csr": sp.csr_matrix,
            "coo": sp.coo_matrix, "lil": sp.lil_matrix}[kind]
    mats = [conv(x) for x in SMALL_P]
    if container == "tuple":
        P = tuple(mats)
    elif container == "dict":
        P = {1: mats[1], 0: mats[0]}
    elif container == "object_array":
        P = np.empty(2, dtype=object)
        P[0], P[1] = mats
    else:
        P = mats
    m = pv.TabularMDP.from_mdptoolbox(P, SMALL_R, gamma=0.9)
    assert m.sparse == (kind in ("csr", "coo", "lil"))
    assert m.dense_P()[1, 0].tolist() == [0.8, 0.2] and m.dense_P()[0, 1].tolist() == [0.0, 1.0]
    res = pv.solve(m, "pi")
    assert res.V == pytest.approx(SMALL_V, abs=1e-12)
    assert res.policy.tolist() == [1, 0]


def test_issue_reproduction_dict_P():
    m = pv.TabularMDP.from_mdptoolbox({0: E, 1: E}, np.ones((3, 2)), gamma=0.9)
    assert (m.S, m.A) == (3, 2)


def test_sparse_P_stays_sparse():
    S = 3000
    P, R = forest_sparse(S)
    m = pv.TabularMDP.from_mdptoolbox(P, R, gamma=0.96)
    assert m.sparse and m.P.shape == (2 * S, S)
    assert m.P.nnz == 3 * S                      # 2 entries a row for wait, 1 for cut
    assert m.P.data.nbytes + m.P.indices.nbytes < 1_000_000   # dense would be 137 MiB
    # row s*A + a is P[a][s]: the oldest stand (s = S-1) waits in place with 1 - p
    row = m.P.getrow((S - 1) * 2 + 0)
    assert dict(zip(row.indices.tolist(), row.data.tolist())) == {0: 0.1, S - 1: 0.9}
    assert m.P.getrow(5 * 2 + 1).indices.tolist() == [0]
    m2 = pv.TabularMDP.from_mdptoolbox([sp.csr_matrix(E)] * 2, np.zeros(3), gamma=0.9)
    assert m2.sparse


def test_mixed_dense_and_sparse_actions_make_a_sparse_model():
    m = pv.TabularMDP.from_mdptoolbox([SMALL_P[0], sp.csr_matrix(SMALL_P[1])], SMALL_R,
                                      gamma=0.9)
    assert m.sparse
    assert pv.solve(m, "pi").V == pytest.approx(SMALL_V, abs=1e-12)


def test_to_mdptoolbox_round_trip_dense_and_sparse():
    for P in (SMALL_P, [sp.csr_matrix(x) for x in SMALL_P]):
        m = pv.TabularMDP.from_mdptoolbox(P, SMALL_R, gamma=0.9)
        P2, R2 = m.to_mdptoolbox()
        assert sp.issparse(P2[0]) == m.sparse
        for a in range(2):
            got = P2[a].toarray() if sp.issparse(P2[a]) else P2[a]
            assert got.tolist() == SMALL_P[a].tolist()
        assert R2.tolist() == SMALL_R.tolist()


# ------------------------------------------------------------------ errors
def test_bad_row_is_named_in_the_callers_layout():
    bad = [E.copy(), E.copy()]
    bad[0][1] = [0.0, 0.5, 0.4]
    for P in (bad, np.stack(bad), {0: bad[0], 1: bad[1]}, [sp.csr_matrix(x) for x in bad]):
        with pytest.raises(InvalidModel, match=r"P\[action 0\]\[1, :\] sums to 0\.9, "
                                               r"expected 1 \(tol 1e-09\)"):
            pv.TabularMDP.from_mdptoolbox(P, np.zeros(3), gamma=0.9)


def test_negative_and_nan_entries_are_named():
    bad = E.copy()
    bad[2] = [1.5, -0.5, 0.0]
    for P in ([E, bad], [E, sp.csr_matrix(bad)]):
        with pytest.raises(InvalidModel, match=r"P\[action 1\]\[2, 1\] = -0\.5 is negative"):
            pv.TabularMDP.from_mdptoolbox(P, np.zeros(3), gamma=0.9)
    nan = E.copy()
    nan[0, 0] = np.nan
    with pytest.raises(InvalidModel, match=r"P\[action 1\]\[0, 0\] = nan"):
        pv.TabularMDP.from_mdptoolbox([E, nan], np.zeros(3), gamma=0.9)


@pytest.mark.parametrize("P, R, exc, pattern", [
    ([E, np.eye(4)], np.zeros(3), InvalidModel, r"P\[action 1\] has shape \(4, 4\), expected "
                                                r"\(S, S\) = \(3, 3\)"),
    ([E, np.ones((3, 4)) / 4], np.zeros(3), InvalidModel, r"P\[action 1\] has shape \(3, 4\), "
                                                          r"expected a square"),
    ("a string, the wrong type", np.zeros(3), InvalidType, r"P has type str"),
    (np.eye(3)[:2], np.zeros(3), InvalidModel, r"P has shape \(2, 3\), expected pymdptoolbox"),
    ({0: E, 2: E}, np.zeros(3), InvalidModel, r"P is a dict with keys \[0, 2\]"),
    ([], np.zeros(3), InvalidModel, r"P holds no matrices"),
    ([E, [[1, 0, 0], [0, 1]]], np.zeros(3), InvalidModel, r"P\[action 1\] is a ragged"),
    ([E, E], [[1.0, 2.0], [3.0]], InvalidModel, r"R is a ragged nested list"),
    ([E, E], np.zeros(4), InvalidModel, r"R has shape \(4,\), expected \(S,\) = \(3,\)"),
    ([E, E], [E, np.ones((3, 2))], InvalidModel, r"R\[action 1\] has shape \(3, 2\)"),
    ([E, E], [E, sp.csr_matrix(np.full((3, 3), np.inf))], InvalidModel,
     r"R\[action 1\]\[0, 0\] = inf"),
    ([E, E], sp.csr_matrix(np.ones((4, 2))), InvalidModel, r"sparse R has shape \(4, 2\)"),
    ([E, E], "rewards", InvalidType, r"R has type str"),
    ([E, E], np.array([1 + 1j, 0, 0]), InvalidType, r"R holds complex"),
])
def test_errors_are_provable_errors_naming_the_argument(P, R, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        pv.TabularMDP.from_mdptoolbox(P, R, gamma=0.9)
    assert isinstance(info.value, ProvableError)


def test_a_string_P_is_a_type_error_as_in_pymdptoolbox():
    with pytest.raises(TypeError):
        pv.TabularMDP.from_mdptoolbox("a string, the wrong type", np.zeros(3), gamma=0.9)


# ------------------------------------------------------------------ ownership
def test_issue_reproduction_sparse_P_mutated_after_validation():
    C = sp.csr_matrix(np.full((2, 2), 0.5))
    m = pv.TabularMDP(C, [[1.0], [0.0]], gamma=0.9)
    C.data[:] = 1.0
    res = pv.solve(m, "pi")
    # V = r + 0.9 * mean(V): mean(V) = 0.5 / 0.1 = 5, V = (1 + 4.5, 0 + 4.5)
    assert res.V == pytest.approx([5.5, 4.5], abs=1e-12) and res.converged


def test_mutating_every_input_after_construction_changes_nothing():
    P_list = [x.copy() for x in SMALL_P]
    P_csr = [sp.csr_matrix(x) for x in SMALL_P]
    P_dict = {a: x.copy() for a, x in enumerate(SMALL_P)}
    R_dense = SMALL_R.copy()
    R_sparse = sp.csr_matrix(SMALL_R)
    R_trans = [np.tile(SMALL_R[:, a:a + 1], (1, 2)) for a in range(2)]   # R[a][s, j] = r(s, a)
    builds = []
    for P in (P_list, P_csr, P_dict):
        for R in (R_dense, R_sparse, R_trans):
            builds.append(pv.TabularMDP.from_mdptoolbox(P, R, gamma=0.9))
    P_sas = np.stack(SMALL_P, axis=1)
    P_flat = sp.csr_matrix(P_sas.reshape(4, 2))
    builds += [pv.TabularMDP(P_sas, R_dense, gamma=0.9, layout="sas"), pv.TabularMDP(P_flat, R_sparse, gamma=0.9)]
    for x in (*P_list, *P_dict.values(), R_dense, *R_trans, P_sas):
        x[...] = 0.0
    for M in (*P_csr, R_sparse, P_flat):
        M.data[:] = 0.0
        M.indices[:] = 0
    for m in builds:
        res = pv.solve(m, "pi")
        assert res.V == pytest.approx(SMALL_V, abs=1e-12)
        assert res.policy.tolist() == [1, 0]
        with pytest.raises(ValueError):
            m.R[0, 0] = 1.0
        arrays = (m.P.data, m.P.indices, m.P.indptr) if m.sparse else (m.P,)
        for a in arrays:
            with pytest.raises(ValueError):
                a[0] = 0


# ------------------------------------------------------------------ options the peer suites use
def test_gauss_seidel_on_sparse_models_matches_dense():
    """In-place sweeps over CSR rows compute the dense sweeps' backups (up to rounding:
    the compiled dense loop may fuse or vectorise the products differently)."""
    m = pv.mdp.random_mdp(40, 3, gamma=0.95, seed=5)
    ms = pv.TabularMDP(sp.csr_matrix(m.P_at()), m.R, gamma=0.95)
    a = pv.solve(m, "vi", tol=1e-8, gauss_seidel=True)
    b = pv.solve(ms, "vi", tol=1e-8, gauss_seidel=True)
    assert np.abs(b.V - a.V).max() < 1e-12 and b.iterations == a.iterations
    assert b.policy.tolist() == pv.solve(ms, "pi").policy.tolist()
    assert np.abs(b.V - pv.solve(ms, "pi").V).max() <= b.error_bound <= 1e-8


def test_starting_values_for_policy_iteration_and_mpi():
    m = pv.TabularMDP.from_mdptoolbox(SMALL_P, SMALL_R, gamma=0.9)
    for V0 in ([0.0, 0.0], [100.0, -100.0], [-1e6, 1e6]):
        pi = pv.solve(m, "pi", V0=V0)
        mpi = pv.solve(m, "mpi", V0=V0, tol=1e-9)
        assert pi.policy.tolist() == mpi.policy.tolist() == [1, 0]
        assert np.abs(mpi.V - SMALL_V).max() <= mpi.error_bound <= 1e-9
        assert np.abs(pi.V - SMALL_V).max() < 1e-11
    # V0 = (0, 100) makes (1, 1) greedy, the first policy; it is then improved to (1, 0)
    start = pv.solvers.greedy(pv.solvers.q_from_v(m, np.array([0.0, 100.0])))
    assert start.tolist() == [1, 1]
    assert pv.solve(m, "pi", V0=[0.0, 100.0]).iterations == \
        pv.solve(m, "pi", policy0=[1, 1]).iterations
    with pytest.raises(ProvableError, match="at most one starting point"):
        pv.solve(m, "pi", V0=[0.0, 0.0], policy0=[0, 0])
    for method in ("pi", "mpi"):
        with pytest.raises(ProvableError, match="V0"):
            pv.solve(m, method, V0=[0.0, 0.0, 0.0])
        with pytest.raises(ProvableError, match="V0"):
            pv.solve(m, method, V0=[0.0, np.nan])


def test_lp_iteration_limit_is_reported_and_checked():
    m = pv.mdp.random_mdp(30, 4, gamma=0.9, seed=1)
    res = pv.solve(m, "lp", max_iter=1)
    assert not res.converged and "teration limit" in res.message
    full = pv.solve(m, "lp", max_iter=10_000)
    assert full.converged and np.abs(full.V - pv.solve(m, "pi").V).max() <= full.error_bound
    for bad in (0, -1):
        with pytest.raises(ProvableError, match="max_iter"):
            pv.solve(m, "lp", max_iter=bad)
    with pytest.raises(TypeError, match="max_iter"):
        pv.solve(m, "lp", max_iter=2.5)
    with pytest.raises(NotImplementedError, match="solver='highs' only"):
        pv.solvers.linear_program(m, solver="cvxpy", max_iter=10)


def test_exact_fractions_in_object_arrays():
    from fractions import Fraction

    P = np.array([[[Fraction(1, 2), Fraction(1, 2)], [Fraction(4, 5), Fraction(1, 5)]],
                  [[Fraction(0), Fraction(1)], [Fraction(1, 10), Fraction(9, 10)]]], dtype=object)
    R = np.array([[Fraction(5), Fraction(10)], [Fraction(-1), Fraction(2)]], dtype=object)
    m = pv.TabularMDP.from_mdptoolbox(P, R, gamma=0.9)
    assert pv.solve(m, "pi").V == pytest.approx(SMALL_V, abs=1e-12)
