"""The mutation driver (scripts/mutation.py) on a toy module with toy tests."""

import importlib.util
import sys
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "mutation.py"


@pytest.fixture(scope="module")
def mut():
    spec = importlib.util.spec_from_file_location("provable_mutation_driver", _SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    yield mod
    sys.modules.pop(spec.name, None)


TOY = '''\
"""Toy module."""


def add(a: int, b: int) -> int:
    return a + b


def is_small(x: float) -> bool:
    return x < 10


def count_to(n: int) -> int:
    i = 0
    while i < n:
        i += 1
    return i
'''

TOY_TESTS = '''\
from toy import add, count_to, is_small


def test_add():
    assert add(2, 3) == 5


def test_small():
    assert is_small(1) and not is_small(20)


def test_count():
    assert count_to(3) == 3
'''

CONFTEST = '''\
from hypothesis import settings

settings.register_profile("ci", derandomize=True)
'''

EVERY_OPERATOR = '''\
def f(x, y, flag):
    if x < y and not flag:
        z = abs(x) * 2.5 + max(x, y) - (-y)
        return z
    return 0
'''


def _find(mutants, line_text, operator, replacement):
    hits = [m for m in mutants if m.line_text == line_text and m.operator == operator
            and m.replacement == replacement]
    assert len(hits) == 1, (line_text, operator, replacement, hits)
    return hits[0]


def test_operator_set_and_expected_mutants(mut):
    ms = mut.generate("f.py", EVERY_OPERATOR)
    assert {m.operator for m in ms} == set(mut.OPERATORS)
    changes = {(m.operator, m.original, m.replacement) for m in ms}
    for expected in [("cmp", "<", "<="), ("boolop", "and", "or"), ("not", "not flag", "flag"),
                     ("abs", "abs(x)", "x"), ("arith", "*", "/"), ("arith", "+", "-"),
                     ("arith", "-", "+"), ("const", "2.5", "5.0"), ("const", "2.5", "1.25"),
                     ("const", "0", "1"), ("minmax", "max", "min"), ("usub", "-y", "y"),
                     ("return", "return z", "return None"),
                     ("negate", "x < y and not flag", "not (x < y and not flag)"),
                     ("delete", "z = abs(x) * 2.5 + max(x, y) - (-y)", "pass")]:
        assert expected in changes, expected
    # every mutant is valid Python and differs from the original
    lines = [ln.encode() for ln in EVERY_OPERATOR.splitlines(keepends=True)]
    for m in ms:
        src = mut.apply(lines, m)
        compile(src, "f.py", "exec")
        assert src != EVERY_OPERATOR


def test_ids_survive_edits_elsewhere(mut):
    a = {m.ident: m for m in mut.generate("toy.py", TOY)}
    shifted = TOY.replace('"""Toy module."""', '"""Toy module."""\n\nUNUSED = None\n')
    b = {m.ident: m for m in mut.generate("toy.py", shifted)}
    assert set(a) <= set(b)
    moved = [i for i in a if a[i].line != b[i].line]
    assert moved  # same ids although the lines moved


def test_killed_survived_timed_out_and_equivalent(mut, tmp_path):
    (tmp_path / "toy.py").write_text(TOY)
    (tmp_path / "test_toy.py").write_text(TOY_TESTS)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    ms = mut.generate("toy.py", TOY)
    killed = _find(ms, "return a + b", "arith", "-")
    survived = _find(ms, "return x < 10", "cmp", "<=")   # no test looks at x = 10
    looping = _find(ms, "i += 1", "delete", "pass")      # while i < n never ends
    equivalent = _find(ms, "return x < 10", "const", "11")
    eq_file = tmp_path / "equivalent.toml"
    eq_file.write_text('[[mutant]]\nmodule = "toy.py"\nline = "return x < 10"\n'
                       'mutation = "const:10->11"\noccurrence = 0\n'
                       'reason = "toy: no test input lies in [10, 11)"\n')
    entries = mut.load_equivalent(eq_file)
    outcomes, base, _ = mut.run_module(
        tmp_path, "toy.py", ["test_toy.py"], [killed, survived, looping, equivalent],
        entries, timeout_factor=1.0, timeout_extra=3.0, verbose=False, warm=False)
    status = {o.mutant: o.status for o in outcomes}
    assert status == {killed: "killed", survived: "survived", looping: "timeout",
                      equivalent: "equivalent"}
    assert (tmp_path / "toy.py").read_text() == TOY  # always restored
    s = mut.score(outcomes)
    assert (s["killed"], s["survived"], s["timeout"], s["equivalent"]) == (1, 1, 1, 1)
    assert s["score"] == pytest.approx(1 / 3)
    text = mut.report({"toy.py": (outcomes, base, 1.0)}, "header")
    assert "| `toy.py` | 4 | 1 | 1 | 1 | 1 | 33 % |" in text
    assert "`<` -> `<=`" in text and "(timed out)" in text


def test_an_interrupted_run_is_restored(mut, tmp_path):
    target = tmp_path / "toy.py"
    target.write_text(TOY)
    backup = mut._backup_path(target)
    backup.parent.mkdir(exist_ok=True)
    backup.write_text(TOY)
    target.write_text(TOY.replace("a + b", "a - b"))  # as if killed mid-mutant
    mut.recover(target)
    assert target.read_text() == TOY and not backup.exists()


def test_equivalent_list_is_well_formed(mut):
    """Every reviewed entry names a configured module, a line, a mutation in the
    driver's key format and a reason. (Entries whose line has since changed match no
    mutant and are listed by ``scripts/mutation.py --stale-equivalents``.)"""
    entries = mut.load_equivalent(mut.DEFAULT_EQUIVALENT)
    assert entries
    for e in entries:
        assert e["module"] in mut.MODULES
        op, _, change = e["mutation"].partition(":")
        assert op in mut.OPERATORS and "->" in change, e
        assert len(e["reason"]) > 40, e


TOY_MORE_TESTS = '''\
from toy import add


def test_add_again():
    assert add(1, 1) == 2
'''


def test_coverage_selection_runs_only_the_tests_that_reach_a_mutant(mut, tmp_path):
    pytest.importorskip("coverage")
    (tmp_path / "toy.py").write_text(TOY)
    (tmp_path / "test_toy.py").write_text(TOY_TESTS)
    (tmp_path / "test_more.py").write_text(TOY_MORE_TESTS)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    src = TOY + "\n\ndef unused(x):\n    return x + 1\n\n\nLIMIT = 10\n"
    (tmp_path / "toy.py").write_text(src)
    ms = mut.generate("toy.py", src)
    first, body = mut.statement_lines(src)
    cmap = mut.coverage_map(tmp_path, ["test_toy.py", "test_more.py"], tmp_path / "toy.py",
                            mut._env(tmp_path, tmp_path / "nb"), tmp_path)
    tests = ["test_toy.py", "test_more.py"]

    def sel(line_text, op, rep):
        return mut._select(_find(ms, line_text, op, rep), cmap, first, body, tests,
                           1.0, 1.0, 1.0)

    # add() is executed by two tests, in selection order
    assert sel("return a + b", "arith", "-")[0] == ["test_toy.py::test_add",
                                                    "test_more.py::test_add_again"]
    assert sel("i += 1", "delete", "pass")[0] == ["test_toy.py::test_count"]
    # a body no test reaches cannot be killed; a module-level line reaches every test
    assert sel("return x + 1", "arith", "-") == ([], 0.0, "no test executes this line")
    assert sel("LIMIT = 10", "const", "11")[0] == tests
    # the selected run kills what the whole selection kills
    outcomes, _, _ = mut.run_module(
        tmp_path, "toy.py", tests, [_find(ms, "return a + b", "arith", "-"),
                                    _find(ms, "return x + 1", "arith", "-")],
        [], timeout_factor=2.0, timeout_extra=5.0, verbose=False, warm=False,
        by_coverage=True)
    assert [o.status for o in outcomes] == ["killed", "survived"]
    assert (tmp_path / "toy.py").read_text() == src


def test_fork_server_gives_the_same_outcomes(mut, tmp_path):
    (tmp_path / "toy.py").write_text(TOY)
    (tmp_path / "test_toy.py").write_text(TOY_TESTS)
    (tmp_path / "conftest.py").write_text(CONFTEST)
    ms = mut.generate("toy.py", TOY)
    chosen = [_find(ms, "return a + b", "arith", "-"), _find(ms, "return x < 10", "cmp", "<="),
              _find(ms, "i += 1", "delete", "pass")]
    outcomes, _, _ = mut.run_module(tmp_path, "toy.py", ["test_toy.py"], chosen, [],
                                    timeout_factor=1.0, timeout_extra=3.0, verbose=False,
                                    warm=False, fork=True)
    assert [o.status for o in outcomes] == ["killed", "survived", "timeout"]
    assert (tmp_path / "toy.py").read_text() == TOY
