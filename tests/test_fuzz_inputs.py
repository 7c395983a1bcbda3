"""Fuzzing of inputs: malformed models, corrupted files and odd arguments.

Each input must give a :class:`~provable.errors.ProvableError`, or an answer checked
against an independent reading of the same input (a pure-Python CSR expansion, numpy's
own ``.npz`` reader, :mod:`json`, Python's :mod:`re`): never another exception, a crash
or a hang. Per-area tallies (inputs tried, clean errors, correct answers) are written to
the file named by ``PROVABLE_FUZZ_REPORT`` when it is set.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import provable as pv
from provable.errors import ProvableError

TALLY: dict[str, Counter] = defaultdict(Counter)


def n_examples(mult: float) -> int:
    """Examples per test: a multiple of the profile's (``ci`` 25, ``thorough`` 1000)."""
    return max(1, int(settings.default.max_examples * mult))
ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    out = os.environ.get("PROVABLE_FUZZ_REPORT")
    if out:
        Path(out).write_text(json.dumps({k: dict(v) for k, v in TALLY.items()}, indent=1))


def outcome(area: str, fn, check=None):
    """Run ``fn``; a ProvableError is a clean error, a result must pass ``check``."""
    TALLY[area]["tried"] += 1
    try:
        result = fn()
    except ProvableError as e:
        assert str(e), "an error must say what is wrong"
        TALLY[area]["clean error"] += 1
        return None
    except BaseException:
        TALLY[area]["raw exception"] += 1
        raise
    if check is not None:
        check(result)
    TALLY[area]["correct answer"] += 1
    return result


def csr_to_dense(data, indices, indptr, shape):
    """Reference: the dense matrix a CSR triple denotes (duplicates summed), pure Python."""
    out = [[0.0] * shape[1] for _ in range(shape[0])]
    for r in range(shape[0]):
        for k in range(int(indptr[r]), int(indptr[r + 1])):
            out[r][int(indices[k])] += float(data[k])
    return np.array(out)


def check_model_is(expected_P: np.ndarray, expected_R: np.ndarray):
    def check(m):
        S, A = m.S, m.A
        np.testing.assert_array_equal(m.dense_P().reshape(S * A, S), expected_P.reshape(S * A, S))
        np.testing.assert_array_equal(m.R, expected_R.reshape(S, A))
        P = m.dense_P()
        assert (P >= 0).all() and np.abs(P.sum(axis=2) - 1).max() <= 1e-9
    return check


# ------------------------------------------------------------------ CSR arrays

@st.composite
def csr_inputs(draw):
    S = draw(st.integers(1, 5))
    A = draw(st.integers(1, 3))
    n = S * A
    k = draw(st.integers(1, S))
    indices = [draw(st.integers(0, S - 1)) for _ in range(n * k)]
    data = [1.0 / k] * (n * k)
    indptr = list(range(0, n * k + 1, k))
    shape = [n, S]
    # corrupt one of the arrays, or none
    what = draw(st.sampled_from(["none", "index", "indptr", "data", "shape", "dtype", "length"]))
    big = st.integers(-2**40, 2**40) | st.sampled_from([-1, S, S + 1, 2_000_000_000, 2**62])
    if what == "index":
        indices[draw(st.integers(0, n * k - 1))] = draw(big)
    elif what == "indptr":
        indptr[draw(st.integers(0, n))] = draw(big)
    elif what == "data":
        data[draw(st.integers(0, n * k - 1))] = draw(st.floats(allow_nan=True, allow_infinity=True))
    elif what == "shape":
        shape[draw(st.integers(0, 1))] = draw(big)
    elif what == "length":
        arr = draw(st.sampled_from(["indices", "indptr", "data"]))
        {"indices": indices, "indptr": indptr, "data": data}[arr].pop()
    dtype = np.float64
    if what == "dtype":
        dtype = draw(st.sampled_from([np.complex128, np.float32, np.int64, "U8", "datetime64[s]"]))
    return (np.asarray(data).astype(dtype) if dtype != "datetime64[s]"
            else np.asarray(data, dtype=np.int64).astype(dtype),
            np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64),
            tuple(shape), S, A)


@given(csr_inputs())
@settings(max_examples=n_examples(2.4), suppress_health_check=[HealthCheck.too_slow])
def test_fuzz_csr_constructor(case):
    data, indices, indptr, shape, S, A = case
    R = np.zeros((S, A))

    def make():
        try:
            P = sp.csr_matrix((data, indices, indptr), shape=shape)
        except (ValueError, TypeError, OverflowError):
            # scipy's own (partial) check refused: hand the raw arrays to the file path
            P = None
        if P is None:
            return pv.TabularMDP.load(_write_csr(data, indices, indptr, shape, R))
        return pv.TabularMDP(P, R, gamma=0.9)

    def check(m):
        ref = csr_to_dense(data, indices, indptr, shape)
        check_model_is(ref, R)(m)

    outcome("constructor (CSR arrays)", make, check)


_TMP = Path(os.environ.get("TMPDIR", "/tmp")) / f"provable-fuzz-{os.getpid()}"


def _write_csr(data, indices, indptr, shape, R):
    _TMP.mkdir(exist_ok=True)
    path = _TMP / "m.npz"
    np.savez(path, P_data=data, P_indices=indices, P_indptr=indptr,
             P_shape=np.asarray(shape, dtype=np.int64), R=R,
             meta=np.array('{"gamma": 0.9}'))
    return str(path)


# ------------------------------------------------------------------ dense arrays

nested = st.recursive(
    st.floats(allow_nan=True) | st.integers(-3, 3) | st.booleans() | st.none() | st.text(max_size=2)
    | st.complex_numbers(max_magnitude=2) | st.integers(10**30, 10**40),
    lambda children: st.lists(children, min_size=0, max_size=3), max_leaves=20)


@st.composite
def dense_models(draw):
    """A valid (S, A, S) model as nested lists, with at most one leaf or row spoiled."""
    S, A = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    P = [[[1.0 / S] * S for _ in range(A)] for _ in range(S)]
    R = [[draw(st.floats(-5, 5)) for _ in range(A)] for _ in range(S)]
    how = draw(st.sampled_from(["none", "leaf_P", "leaf_R", "ragged"]))
    leaf = draw(nested.filter(lambda x: not isinstance(x, list)))
    s, a = draw(st.integers(0, S - 1)), draw(st.integers(0, A - 1))
    if how == "leaf_P":
        P[s][a][draw(st.integers(0, S - 1))] = leaf
    elif how == "leaf_R":
        R[s][a] = leaf
    elif how == "ragged":
        P[s][a] = P[s][a][:-1] if S > 1 else P[s][a] + [0.0]
    return P, R


@given(st.tuples(nested, nested) | dense_models())
@settings(max_examples=n_examples(3.2))
def test_fuzz_dense_constructor(case):
    P, R = case
    def check(m):
        ref_P = np.array(P, dtype=float)
        check_model_is(ref_P, np.array(R, dtype=float))(m)

    outcome("constructor (dense arrays)", lambda: pv.TabularMDP(P, R, gamma=0.9), check)


# ------------------------------------------------------------------ files

def _valid_model(seed: int, sparse: bool):
    return pv.mdp.random_mdp(4, 2, gamma=0.9, density=0.5 if sparse else 1.0, seed=seed)


def _reference_npz(path):
    """numpy's own reader (no pickle), or None when it refuses."""
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except Exception:  # noqa: BLE001 - any refusal is a refusal
        return None


@st.composite
def corrupt_files(draw, tmp_dir: Path):
    seed = draw(st.integers(0, 5))
    sparse = draw(st.booleans())
    ext = draw(st.sampled_from([".npz", ".json"]))
    compressed = draw(st.booleans())
    m = _valid_model(seed, sparse)
    path = tmp_dir / f"f{ext}"
    if ext == ".npz" and not compressed:
        arrays = {"R": m.R, "meta": np.array('{"gamma": 0.9}')}
        if sparse:
            arrays.update(P_data=m.P.data, P_indices=m.P.indices, P_indptr=m.P.indptr,
                          P_shape=np.array(m.P.shape))
        else:
            arrays["P"] = m.P
        kind = draw(st.sampled_from(["wrong_dtype", "wrong_shape", "drop", "none"]))
        key = draw(st.sampled_from(sorted(arrays)))
        if kind == "wrong_dtype":
            to = draw(st.sampled_from(["complex128", "U4", "int8", "float16", "bool",
                                       "datetime64[s]"]))
            try:
                arrays[key] = np.asarray(arrays[key]).astype(to)
            except (ValueError, TypeError):  # e.g. the meta string as complex: keep it
                pass
        elif kind == "wrong_shape":
            a = np.asarray(arrays[key])
            arrays[key] = a.reshape(-1)[: max(a.size - draw(st.integers(0, 3)), 0)]
        elif kind == "drop":
            del arrays[key]
        np.savez(path, **arrays)
    else:
        m.save(str(path))
    raw = bytearray(path.read_bytes())
    how = draw(st.sampled_from(["truncate", "flip", "flip", "none", "huge_header"]))
    if how == "truncate" and raw:
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    elif how == "flip" and raw:
        for _ in range(draw(st.integers(1, 4))):
            raw[draw(st.integers(0, len(raw) - 1))] ^= draw(st.integers(1, 255))
    elif how == "huge_header" and ext == ".npz":
        raw = bytearray(_huge_header_npz(draw(st.sampled_from(
            [(10**6, 10**6), (2**40,), (-1, 3), (3, 2**62)]))))
    path.write_bytes(bytes(raw))
    return path


def _huge_header_npz(shape) -> bytes:
    import io

    hdr = io.BytesIO()
    d = {"descr": "<f8", "fortran_order": False, "shape": shape}
    try:
        np.lib.format.write_array_header_1_0(hdr, d)
    except Exception:  # noqa: BLE001 - a shape numpy cannot even write: hand-craft it
        body = repr(d).encode() + b" " * 10 + b"\n"
        hdr = io.BytesIO(b"\x93NUMPY\x01\x00" + len(body).to_bytes(2, "little") + body)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("P.npy", hdr.getvalue())
        z.writestr("R.npy", hdr.getvalue())
    return out.getvalue()


def _check_loaded_against_reference(path: Path):
    def check(m):
        if path.suffix == ".json":
            doc = json.loads(path.read_text(encoding="utf-8"))
            if "P" in doc:
                ref_P = np.array(doc["P"], dtype=float)
            else:
                ref_P = csr_to_dense(doc["P_data"], doc["P_indices"], doc["P_indptr"],
                                     doc["P_shape"])
            check_model_is(ref_P, np.array(doc["R"], dtype=float))(m)
        else:
            z = _reference_npz(path)
            assert z is not None, "loaded a file numpy's own reader refuses"
            ref_P = z["P"] if "P" in z else csr_to_dense(
                z["P_data"], z["P_indices"], z["P_indptr"], z["P_shape"])
            check_model_is(np.asarray(ref_P, dtype=float), np.asarray(z["R"], dtype=float))(m)
    return check


@given(st.data())
@settings(max_examples=n_examples(4.8), suppress_health_check=[HealthCheck.too_slow,
                                                   HealthCheck.function_scoped_fixture])
def test_fuzz_model_files(tmp_path, data):
    path = data.draw(corrupt_files(tmp_path))
    outcome(f"files ({path.suffix})", lambda: pv.mdp.load(str(path), max_bytes=2**26),
            _check_loaded_against_reference(path))


# ------------------------------------------------------------------ arguments

odd = (st.integers(-5, 12) | st.integers(10**9, 10**12) | st.floats(allow_nan=True)
       | st.none() | st.text(max_size=3) | st.booleans() | st.complex_numbers(max_magnitude=3))


@given(S=st.integers(1, 6) | odd, A=st.integers(1, 4) | odd,
       gamma=st.floats(0, 0.99) | odd, density=st.floats(0.01, 1) | odd)
@settings(max_examples=n_examples(2.4))
def test_fuzz_random_mdp_arguments(S, A, gamma, density):
    def check(m):
        P = m.dense_P()
        assert m.S == S and m.A == A and (P >= 0).all()
        assert np.abs(P.sum(axis=2) - 1).max() <= 1e-9

    outcome("arguments (random_mdp)",
            lambda: pv.mdp.random_mdp(S, A, gamma=gamma, density=density, seed=0,
                                      max_bytes=2**24), check)


regex_text = st.text(alphabet="ab()|*+?", max_size=14) | st.builds(
    lambda d: "(" * d + "a" + ")" * d, st.integers(0, 3000))


@given(regex_text)
@settings(max_examples=n_examples(3.2))
def test_fuzz_regex(text):
    def check(d):
        if re.search(r"[*+?][*+?]", text):
            return  # "a?+", "a*+": possessive in Python's re, a repeated repeat here
        try:
            py = re.compile(text)
        except re.error:
            return  # a syntax Python refuses: nothing to compare
        words = [""] + ["".join(w) for n in range(1, 5)
                        for w in __import__("itertools").product("ab", repeat=n)]
        for w in words:
            if set(w) <= set(d.alphabet.symbols):
                assert d.accepts(w) == bool(py.fullmatch(w)), (text, w)

    outcome("arguments (from_regex)", lambda: pv.automata.from_regex(text, alphabet="ab"), check)


@given(st.lists(odd | st.integers(-2, 6), min_size=0, max_size=4))
@settings(max_examples=n_examples(1.6))
def test_fuzz_accepts_batch_lengths(lengths):
    d = pv.automata.random_dfa(6, 2, seed=1)
    codes = np.random.default_rng(0).integers(0, 2, size=(len(lengths), 5))

    def check(acc):
        for b, L in enumerate(lengths):
            assert bool(acc[b]) == d.accepts(d.alphabet.decode(codes[b, :L]))

    outcome("arguments (accepts_batch)", lambda: d.accepts_batch(codes, lengths=lengths), check)


@given(T=odd | st.integers(10**300, 10**500), text=odd)
@settings(max_examples=n_examples(1.6))
def test_fuzz_bounds_arguments(T, text):
    from provable import bounds

    r = bounds.get("ucbvi.regret")

    def check(v):
        assert isinstance(v, float) and not np.isnan(v)
        assert v == r.evaluate(H=10, S=5, A=3, T=float(T))

    outcome("arguments (bounds)", lambda: r.evaluate(H=10, S=5, A=3, T=T), check)
    def check_search(rs):
        if text is None:  # no filter
            assert [q.id for q in rs] == [q.id for q in bounds.all()]
            return
        for q in rs:
            hay = " ".join(str(x) for x in (q.id, q.algorithm, q.citation.title,
                                            q.citation.authors, q.convention, q.note or "",
                                            q.citation.note or "")).lower()
            assert text.lower() in hay

    outcome("arguments (bounds)", lambda: bounds.search(text=text), check_search)


# ------------------------------------------------------------------ the CLI, in processes

_DRIVER = r"""
import sys
from typer.testing import CliRunner
from provable.cli import app
runner = CliRunner()
for path in sys.argv[1:]:
    r = runner.invoke(app, ["solve", path, "--max-states", "2"], catch_exceptions=True)
    tb = "Traceback" in (r.output or "") or (r.exception is not None
                                             and not isinstance(r.exception, SystemExit))
    print(path, r.exit_code, int(tb), flush=True)
"""


def _corrupt_copies(tmp_path: Path, n: int) -> list[str]:
    """``n`` seeded corruptions (truncations, byte flips) of valid model files."""
    rng = np.random.default_rng(0)
    paths = []
    for i in range(n):
        ext = (".npz", ".json")[i % 2]
        path = tmp_path / f"c{i}{ext}"
        _valid_model(i, sparse=bool(i % 3)).save(str(path))
        raw = bytearray(path.read_bytes())
        if i % 4 == 0:
            raw = raw[: int(rng.integers(0, len(raw)))]
        else:
            for _ in range(int(rng.integers(1, 4))):
                raw[int(rng.integers(0, len(raw)))] ^= int(rng.integers(1, 256))
        path.write_bytes(bytes(raw))
        paths.append(str(path))
    return paths


def test_fuzz_cli_solve_never_crashes(tmp_path):
    """Corrupted files through `provable solve` in child processes: exit 0 or 2 only (a
    native crash shows as a signal, a raw traceback as 1, an internal error as 3)."""
    # the file that segfaulted every backend, through the real entry point
    crafted = tmp_path / "col2e9.npz"
    np.savez(crafted, P_data=np.full(2, 1.0), P_indices=np.array([0, 2_000_000_000]),
             P_indptr=np.array([0, 1, 2]), P_shape=np.array([2, 2]), R=np.zeros((2, 1)),
             meta=np.array('{"gamma": 0.9}'))
    r = subprocess.run([sys.executable, "-m", "provable", "solve", str(crafted)],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    TALLY["cli (subprocess)"]["tried"] += 1
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr and "P.indices[1] = 2000000000" in r.stderr
    TALLY["cli (subprocess)"]["clean error"] += 1

    paths = _corrupt_copies(tmp_path, 24)
    r = subprocess.run([sys.executable, "-c", _DRIVER, *paths], capture_output=True, text=True,
                       cwd=ROOT, timeout=600)
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])
    lines = [ln.rsplit(" ", 2) for ln in r.stdout.strip().splitlines()]
    assert len(lines) == len(paths)
    for path, code, tb in lines:
        TALLY["cli (subprocess)"]["tried"] += 1
        assert code in ("0", "2") and tb == "0", (path, code, tb)
        TALLY["cli (subprocess)"]["clean error" if code == "2" else "correct answer"] += 1
