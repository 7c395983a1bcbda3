"""Strict input: CSR arrays checked in full, real-valued arrays only, models that own
their arrays, bounded loading, generators that refuse before allocating."""

from __future__ import annotations

import ast
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import provable as pv
from provable.errors import InvalidArgument, InvalidModel, InvalidType, ProvableError

MDP_DIR = Path(pv.__file__).parent / "mdp"


def csr_arrays(S=20, A=2, k=3, seed=0):
    rng = np.random.default_rng(seed)
    n = S * A
    cols = np.concatenate([rng.choice(S, k, replace=False) for _ in range(n)])
    w = rng.random((n, k)) + 0.1
    w /= w.sum(1, keepdims=True)
    return w.ravel(), cols.astype(np.int64), np.arange(0, n * k + 1, k), (n, S)


def build(data, indices, indptr, shape, R=None, **kw):
    P = sp.csr_matrix((data, indices, indptr), shape=shape)
    S, A = shape[1], shape[0] // shape[1]
    return pv.TabularMDP(P, np.zeros((S, A)) if R is None else R, gamma=0.9, **kw)


# ------------------------------------------------------------------ CSR checks

def _set(arr, k, v):
    arr = arr.copy()
    arr[k] = v
    return arr


CSR_MUTANTS = {
    # an index past the end was read by every backend (a segfault at 2e9)
    "col_2e9": (lambda d, i, p: (d, _set(i, 5, 2_000_000_000), p), r"P\.indices\[5\] = 2000000000"),
    # an index of 25 in a 20-state model gave other values with a "certified" bound
    "col_25": (lambda d, i, p: (d, _set(i, 5, 25), p), r"P\.indices\[5\] = 25 .*\[0, 20\)"),
    "col_negative": (lambda d, i, p: (d, _set(i, 7, -1), p), r"P\.indices\[7\] = -1"),
    "indptr_decreasing": (lambda d, i, p: (d, i, _set(p, 3, p[4] + 1)), r"indptr decreases"),
}
# scipy itself refuses an indptr not starting at 0, so this one is only for files
FILE_MUTANTS = {**CSR_MUTANTS, "indptr_start": (lambda d, i, p: (d, i, _set(p, 0, 1)),
                                                r"indptr\[0\] = 1, expected 0")}


@pytest.mark.parametrize("name", sorted(CSR_MUTANTS))
def test_csr_arrays_are_checked_before_use(name):
    mutate, msg = CSR_MUTANTS[name]
    d, i, p, shape = csr_arrays()
    d2, i2, p2 = mutate(d, i, p)
    # scipy accepts these arrays without a full check: the model must not
    P = sp.csr_matrix((d2, i2, p2), shape=shape)
    with pytest.raises(InvalidModel, match=msg):
        pv.TabularMDP(P, np.zeros((20, 2)), gamma=0.9)


@pytest.mark.parametrize("fmt", ["csc", "coo", "bsr", "lil", "csr_array"])
def test_every_sparse_format_is_checked_and_accepted(fmt):
    d, i, p, shape = csr_arrays()
    good = sp.csr_matrix((d, i, p), shape=shape)
    conv = sp.csr_array(good) if fmt == "csr_array" else good.asformat(fmt)
    m = pv.TabularMDP(conv, np.zeros((20, 2)), gamma=0.9)
    np.testing.assert_array_equal(m.dense_P(), good.toarray().reshape(20, 2, 20))


def test_csc_with_an_index_out_of_range_is_refused():
    d, i, p, shape = csr_arrays()
    P = sp.csc_matrix(sp.csr_matrix((d, i, p), shape=shape))
    P.indices[0] = 10**6  # a row index past the 40 rows
    with pytest.raises(InvalidModel, match="sparse P"):
        pv.TabularMDP(P, np.zeros((20, 2)), gamma=0.9)


def test_duplicate_column_indices_are_summed_then_rows_checked():
    # row 0 names successor 1 twice: 0.25 + 0.25, then 0.5 on successor 0
    P = sp.csr_matrix((np.array([0.25, 0.25, 0.5, 1.0]), np.array([1, 1, 0, 1]),
                       np.array([0, 3, 4])), shape=(2, 2))
    m = pv.TabularMDP(P, np.zeros((2, 1)), gamma=0.5)
    assert m.dense_P()[0, 0].tolist() == [0.5, 0.5]
    assert m.nnz == 3


# ------------------------------------------------------------------ ownership

def test_editing_the_callers_csr_after_construction_cannot_change_the_model():
    d, i, p, shape = csr_arrays()
    P = sp.csr_matrix((d.copy(), i.copy(), p.copy()), shape=shape)
    m = pv.TabularMDP(P, np.zeros((20, 2)), gamma=0.9)
    before = m.dense_P().copy()
    P.data[:] = 7.0
    P.indices[:] = 0
    np.testing.assert_array_equal(m.dense_P(), before)
    assert np.allclose(m.dense_P().sum(axis=2), 1.0)
    for arr in (m.P.data, m.P.indices, m.P.indptr, m.R):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 3


def test_editing_the_callers_dense_arrays_cannot_change_the_model():
    P = np.full((3, 2, 3), 1 / 3)
    R = np.ones((3, 2))
    m = pv.TabularMDP(P, R, gamma=0.9)
    P[0, 0] = [1.0, 0.0, 5.0]
    R[:] = -1
    assert m.P[0, 0].tolist() == [1 / 3] * 3 and m.R.min() == 1.0
    with pytest.raises(ValueError, match="read-only"):
        m.P[0, 0, 0] = 0.0


# ------------------------------------------------------------------ real values only

P2 = np.array([[[0.5, 0.5]], [[1.0, 0.0]]])
R2 = np.array([[1.0], [0.0]])


@pytest.mark.parametrize("which, value, exc, msg", [
    ("P", P2 + 0j, InvalidType, "P holds complex"),
    ("P", P2 + 1e-3j, InvalidType, "imaginary part"),
    ("R", R2 + 2j, InvalidType, "R holds complex"),
    ("P", np.ma.masked_array(P2, mask=P2 == 0), InvalidType, "P is a masked array"),
    ("R", np.ma.masked_array(R2), InvalidType, "R is a masked array"),
    ("P", P2.astype("datetime64[s]"), InvalidType, "P holds datetimes"),
    ("R", np.array([["x"], ["y"]]), InvalidType, "R holds strings"),
    ("R", [["1.0"], ["0.0"]], InvalidType, "R holds strings"),
    ("P", [[[0.5, 0.5]], [[1.0]]], InvalidModel, "P is a ragged"),
    ("R", [[1.0], [0.0, 2.0]], InvalidModel, "R is a ragged"),
    ("R", [[None], [0.0]], InvalidType, r"R\[0, 0\] = None"),
    ("R", [[10**400], [0.0]], InvalidModel, "does not fit a float64"),
    ("P", {"a": 1}, InvalidType, "P has type dict"),
    ("R", "R", InvalidType, "R has type str"),
])
def test_non_real_input_is_refused_naming_the_argument(which, value, exc, msg):
    args = {"P": P2, "R": R2, which: value}
    with pytest.raises(exc, match=msg):
        pv.TabularMDP(args["P"], args["R"], gamma=0.9)


def test_sparse_complex_data_is_refused():
    P = sp.csr_matrix(P2.reshape(2, 2).astype(complex))
    with pytest.raises(InvalidType, match="P.data holds complex"):
        pv.TabularMDP(P, R2, gamma=0.9)


def test_fractions_bools_and_ints_are_exact_reals():
    from fractions import Fraction as F

    m = pv.TabularMDP([[[F(1, 2), F(1, 2)]], [[1, 0]]], [[True], [0]], gamma=0.9)
    assert m.P.tolist() == P2.tolist() and m.R.tolist() == [[1.0], [0.0]]


def test_linear_mdp_refuses_complex_features():
    phi = np.array([[[1.0, 0.0]], [[0.0, 1.0]]]) + 1e-3j
    mu = np.eye(2)
    with pytest.raises(InvalidType, match="phi holds complex"):
        pv.mdp.LinearMDP(phi, mu, np.array([0.5, 0.5]), horizon=2)


def test_average_reward_model_has_a_repr():
    m = pv.TabularMDP(P2, R2)
    assert m.criterion == "average"
    assert repr(m) == "TabularMDP(S=2, A=1, average reward, dense)"


# ------------------------------------------------------------------ gymnasium tables

class _Env:
    def __init__(self, table):
        self.unwrapped = self
        self.P = table


def _ok_table():
    return {0: {0: [(1.0, 1, 0.0, False)]}, 1: {0: [(1.0, 1, 1.0, True)]}}


@pytest.mark.parametrize("edit, msg", [
    (lambda t: t.clear(), "is empty"),
    (lambda t: t.update({5: t[1]}), "keys such as"),
    (lambda t: t.__setitem__(1, {}), r"P\[1\] has actions"),
    (lambda t: t[0].__setitem__(0, [(1.0, 7, 0.0, False)]), "next_state=7"),
    (lambda t: t[0].__setitem__(0, [(1.0, -1, 0.0, False)]), "next_state=-1"),
    (lambda t: t[0].__setitem__(0, [(1.0, 1.5, 0.0, False)]), "next_state=1.5"),
    (lambda t: t[0].__setitem__(0, [(1.0, 1, 0.0)]), r"P\[0\]\[0\]\[0\] = "),
    (lambda t: t[0].__setitem__(0, [("1", 1, 0.0, False)]), "probability='1'"),
    (lambda t: t[0].__setitem__(0, [(1.0, 1, float("nan"), False)]), "reward=nan"),
    (lambda t: t[0].__setitem__(0, [(0.5, 1, 0.0, False)]), r"P\[0, 0, :\] sums to 0.5"),
    (lambda t: t[0].__setitem__(0, 3), "expected a list"),
    (lambda t: t[0].__setitem__(0, [(1.0, 1, 0.0, "yes")]), "terminated = 'yes'"),
])
def test_malformed_gymnasium_tables_give_clean_errors(edit, msg):
    table = _ok_table()
    edit(table)
    with pytest.raises(ProvableError, match=msg):
        pv.TabularMDP.from_gymnasium(_Env(table), gamma=0.9)


def test_well_formed_gymnasium_table():
    m = pv.TabularMDP.from_gymnasium(_Env(_ok_table()), gamma=0.9)
    assert m.P[0, 0].tolist() == [0.0, 1.0] and m.R[1, 0] == 0.0  # terminal made absorbing


# ------------------------------------------------------------------ memory caps

def test_random_mdp_refuses_before_allocating_naming_the_size():
    with pytest.raises(InvalidArgument, match=r"random_mdp\(S=100000, A=4.*GiB.*max_bytes"):
        pv.mdp.random_mdp(100000, 4)
    with pytest.raises(InvalidArgument, match="max_bytes"):
        pv.mdp.random_mdp(50, 2, seed=0, max_bytes=1000)
    assert pv.mdp.random_mdp(50, 2, seed=0, max_bytes=10**7).S == 50
    # a sparse model of the same S is small and allowed
    assert pv.mdp.random_mdp(100000, 4, nnz_per_row=2, seed=0).nnz <= 800000


def test_memory_cap_from_the_environment(monkeypatch):
    monkeypatch.setenv("PROVABLE_MAX_BYTES", "1000")
    with pytest.raises(InvalidArgument, match="max_bytes=1000 B"):
        pv.mdp.random_mdp(50, 2, seed=0)
    monkeypatch.setenv("PROVABLE_MAX_BYTES", "lots")
    with pytest.raises(InvalidArgument, match="PROVABLE_MAX_BYTES='lots'"):
        pv.mdp.random_mdp(5, 2, seed=0)


def test_random_dfa_refuses_before_allocating():
    with pytest.raises(InvalidArgument, match=r"random_dfa\(n=10000000000, k=2\).*GiB"):
        pv.automata.random_dfa(10**10, 2)


def test_finite_horizon_beyond_memory_is_refused():
    with pytest.raises(InvalidArgument, match=r"horizon=1000000000000000000 with S=2"):
        pv.TabularMDP(P2, R2, horizon=10**18)


# ------------------------------------------------------------------ files

def _save_csr(path, data, indices, indptr, shape, R, meta=None):
    np.savez(path, P_data=data, P_indices=indices, P_indptr=indptr, P_shape=np.array(shape),
             R=R, meta=np.array(json.dumps(meta or {"gamma": 0.9})))


@pytest.mark.parametrize("name", sorted(FILE_MUTANTS))
def test_files_with_bad_csr_arrays_name_the_file_and_field(tmp_path, name):
    mutate, msg = FILE_MUTANTS[name]
    d, i, p, shape = csr_arrays()
    path = tmp_path / f"{name}.npz"
    _save_csr(path, *mutate(d, i, p), shape, np.zeros((20, 2)))
    with pytest.raises(InvalidModel, match=f"{name}.npz: .*{msg}"):
        pv.mdp.load(str(path))


def _bad_npz(tmp_path):
    d, i, p, shape = csr_arrays()
    R = np.zeros((20, 2))
    cases = {
        "negative_shape": dict(P_shape=np.array([-40, 20])),
        "float_shape": dict(P_shape=np.array([40.5, 20.0])),
        "indptr_short": dict(P_indptr=p[:-3]),
        "indices_float": dict(P_indices=i + 0.5),
        "data_strings": dict(P_data=d.astype(str)),
        "meta_not_json": dict(meta=np.array("{not json")),
        "meta_list": dict(meta=np.array("[1, 2]")),
        "meta_5000_digits": dict(meta=np.array('{"horizon": ' + "9" * 5000 + "}")),
        "gamma_array": dict(gamma=np.array([0.9, 0.8])),
    }
    msgs = {"negative_shape": "non-negative", "float_shape": "expected two integers",
            "indptr_short": "indptr has length 38", "indices_float": "P.indices has dtype",
            "data_strings": "P.data holds strings", "meta_not_json": "'meta' is not valid JSON",
            "meta_list": "'meta' is a JSON list", "meta_5000_digits": "cannot be read",
            "gamma_array": "'gamma' has shape"}
    out = []
    for name, edit in cases.items():
        arrays = dict(P_data=d, P_indices=i, P_indptr=p, P_shape=np.array(shape), R=R,
                      meta=np.array('{"gamma": 0.9}'))
        arrays.update(edit)
        path = tmp_path / f"{name}.npz"
        np.savez(path, **arrays)
        out.append((path, msgs[name]))
    return out


def test_malformed_npz_files_give_clean_errors(tmp_path):
    for path, msg in _bad_npz(tmp_path):
        with pytest.raises(ProvableError, match=msg) as e:
            pv.mdp.load(str(path))
        assert path.name in str(e.value)


def test_zip_level_corruption_gives_clean_errors(tmp_path):
    good = tmp_path / "good.npz"
    pv.mdp.random_mdp(6, 2, gamma=0.9, seed=0).save(str(good))
    raw = good.read_bytes()
    (tmp_path / "truncated.npz").write_bytes(raw[: len(raw) // 2])
    (tmp_path / "empty.npz").write_bytes(b"")
    (tmp_path / "noise.npz").write_bytes(bytes(range(256)) * 3)
    np.savez(tmp_path / "no_arrays.npz")
    np.savez(tmp_path / "pickled.npz", P=np.array([[[1.0]]], dtype=object), R=np.ones((1, 1)))
    for name, msg in [("truncated", "not a valid .npz"), ("empty", "not a valid .npz"),
                      ("noise", "not a valid .npz"), ("no_arrays", "no 'P'"),
                      ("pickled", "pickled")]:
        with pytest.raises(InvalidModel, match=msg) as e:
            pv.mdp.load(str(tmp_path / f"{name}.npz"))
        assert f"{name}.npz" in str(e.value)


def test_a_small_npz_that_inflates_past_the_cap_is_refused_before_reading(tmp_path):
    # 8 MB of zeros deflate to a few kB: the cap is checked on the declared sizes
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, P=np.zeros((1000, 1, 1000)), R=np.zeros((1000, 1)))
    assert path.stat().st_size < 100_000
    with pytest.raises(InvalidArgument, match=r"bomb.npz: .*7.6\d* MiB, above max_bytes=1 MiB"):
        pv.mdp.load(str(path), max_bytes=2**20)


def test_an_npy_header_declaring_more_than_the_entry_holds_is_refused(tmp_path):
    path = tmp_path / "liar.npz"
    hdr = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        hdr, {"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)})
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("P.npy", hdr.getvalue())
        z.writestr("R.npy", hdr.getvalue())
    with pytest.raises(InvalidModel, match=r"declares shape \(1000000, 1000000\).*TiB"):
        pv.mdp.load(str(path))


@pytest.mark.parametrize("text, msg", [
    ("{P: [", "not valid JSON"),
    ("", "not valid JSON"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"P": [[[' + "1" * 5000 + ']]], "R": [[1.0]]}', "cannot be read"),
    ('{"P": [[[1.0]]], "R": [[1.0]], "gamma": ' + "9" * 5000 + "}", "cannot be read"),
    ('{"P": [[[1.0]]], "R": [[1.0]], "gamma": ' + "9" * 400 + "}", "does not fit a float"),
    ("[1, 2, 3]", "JSON list, expected an object"),
    ('"P R"', "JSON str, expected an object"),
    ('{"P": [[[1.0]], [[0.5, 0.5]]], "R": [[1.0], [1.0]], "gamma": 0.9}', "ragged"),
    ('{"P": {"a": 1}, "R": [[1.0]], "gamma": 0.9}', "P has type dict"),
    ('{"P": [[[NaN]]], "R": [[1.0]], "gamma": 0.9}', "nan, expected a finite"),
])
def test_malformed_json_files_give_clean_errors(tmp_path, text, msg):
    path = tmp_path / "m.json"
    path.write_text(text)
    with pytest.raises(ProvableError, match=msg) as e:
        pv.mdp.load(str(path))
    assert "m.json" in str(e.value)


def test_json_must_be_utf8(tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes('{"P": [[[1.0]]], "R": [[1.0]], "note": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(InvalidModel, match=r"latin.json: not UTF-8 text \(byte 0xe9"):
        pv.mdp.load(str(path))


def test_json_text_is_capped(tmp_path):
    path = tmp_path / "m.json"
    pv.mdp.random_mdp(10, 2, seed=0).save(str(path))
    with pytest.raises(InvalidArgument, match="above max_bytes/4"):
        pv.mdp.load(str(path), max_bytes=400)


def test_sparse_model_saves_sparse_json_without_densifying(tmp_path):
    # dense, this P would take 8 * S * S = 80 GB
    S = 100_000
    P = sp.csr_matrix((np.ones(S), (np.arange(S), (np.arange(S) + 1) % S)), shape=(S, S))
    m = pv.TabularMDP(P, np.zeros((S, 1)), gamma=0.5)
    path = tmp_path / "big.json"
    m.save(str(path))
    assert path.stat().st_size < 10 * 2**20
    doc = json.loads(path.read_text())
    assert set(doc) == {"P_data", "P_indices", "P_indptr", "P_shape", "R", "gamma", "horizon"}
    m2 = pv.mdp.load(str(path))
    assert m2.sparse and (m2.P != m.P).nnz == 0 and m2.gamma == 0.5


def test_the_io_module_depends_on_the_model_not_the_reverse():
    def imports(name):
        tree = ast.parse((MDP_DIR / name).read_text())
        return {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
            f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
            and n.module for a in n.names}

    assert "provable.mdp._tabular" in imports("_io.py")
    assert not any("_io" in m.split(".")[-1] for m in imports("_tabular.py"))
    assert not any(m.startswith("provable.mdp._") and "_format" not in m
                   for m in imports("_format.py"))


# ------------------------------------------------------------------ other inputs

def test_regex_nesting_is_bounded():
    am = pv.automata
    with pytest.raises(InvalidArgument, match="nested more than 100 deep"):
        am.from_regex("(" * 5000 + "a" + ")" * 5000)
    assert am.from_regex("(" * 100 + "ab" + ")" * 100).accepts("ab")


def test_accepts_batch_refuses_fractional_lengths():
    d = pv.automata.random_dfa(5, 2, seed=0)
    codes = np.zeros((1, 3), dtype=np.int64)
    with pytest.raises(InvalidType, match="lengths has dtype float64"):
        d.accepts_batch(codes, lengths=[1.7])
    assert d.accepts_batch(codes, lengths=[0])[0] == d.accepts("")


def test_bounds_refuse_values_beyond_float_and_non_string_search():
    from provable import bounds

    r = bounds.get("ucbvi.regret")
    with pytest.raises(InvalidArgument, match="T=<integer with 401 digits>"):
        r.evaluate(H=10, S=5, A=3, T=10**400)
    with pytest.raises(InvalidType, match="text=123"):
        bounds.search(text=123)


@pytest.mark.parametrize("rr", [(1,), "ab", None, (0, 1, 2), (0, float("nan")), (1, 0)])
def test_random_mdp_reward_range_errors_are_provable_errors(rr):
    with pytest.raises(ProvableError, match="reward_range"):
        pv.mdp.random_mdp(5, 2, reward_range=rr, seed=0)
