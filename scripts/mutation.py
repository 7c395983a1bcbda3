#!/usr/bin/env python
"""Mutation testing of provable's core modules: a small AST mutation driver.

Each mutant is one small change to one module (a comparison flipped, a constant
changed, ``abs`` dropped, a statement deleted, ...). The driver writes the mutated
source over the module in ``--root`` (a checkout, normally a separate git worktree of a
committed snapshot), runs the module's configured test selection in a subprocess with a
time limit, and restores the original source afterwards (also on Ctrl-C or SIGTERM;
a copy of the original is kept in the temp dir and put back by the next run if the
driver was killed outright).

A mutant is *killed* when the selection fails, *timed out* when it runs past
``--timeout-factor`` times the unmutated run (plus ``--timeout-extra`` seconds), and
*survived* otherwise. Mutants listed in ``scripts/mutation_equivalent.toml`` (with the
reason why no input can tell them from the original) are reported as *equivalent* and
not run. Score = killed / (run - equivalent), timed-out mutants count as not killed.

Usage::

    git worktree add --detach /tmp/mutwt HEAD
    python scripts/mutation.py --root /tmp/mutwt --out mutation-report.md
    python scripts/mutation.py --root /tmp/mutwt --module provable/solvers/_common.py
    python scripts/mutation.py --root /tmp/mutwt --sample 20 --seed 0   # seeded sample
    python scripts/mutation.py --list --module provable/solvers/tabular/exact.py

Mutant ids are stable across edits elsewhere in the file: ``<operator>:<original>-><new>``
on the stripped text of the source line, with an occurrence number among identical
(line text, operator, change) triples; line numbers are reported but not part of the id.

numba: the selected modules' njit kernels live in provable/backends and are compiled
with ``cache=True``. Every driver run gives its subprocesses a private, initially empty
``NUMBA_CACHE_DIR`` (warmed by the unmutated run and reused while the kernel sources are
untouched); a module whose source mentions ``njit``/``numba.jit`` gets a fresh, empty
cache dir for every mutant, so that no cache compiled from the unmutated source can
hide a mutant (numba keys its cache on the file's mtime and size, which a same-length
mutation written within the same second would not change). The JIT stays on: the
tests of the solvers run the compiled kernels as users do, and NUMBA_DISABLE_JIT=1
would make the larger tests too slow. Byte code is handled the same way: the
subprocess runs with PYTHONDONTWRITEBYTECODE=1 and the mutated module's .pyc files are
removed before and after each mutant.
"""

from __future__ import annotations

import argparse
import ast
import copy
import dataclasses
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import tomllib

HERE = Path(__file__).resolve().parent
DEFAULT_EQUIVALENT = HERE / "mutation_equivalent.toml"
PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "--hypothesis-profile=ci"]

# module -> test selection (pytest paths / node ids, relative to the root). A module's
# own path runs its doctests (pyproject's addopts has --doctest-modules). Selections are
# kept to a few seconds each; they are a subset of the package's tests, so a score is a
# lower bound for the whole suite.
_AGREE = "tests/solvers/test_agreement.py::"
MODULES: dict[str, list[str]] = {
    "provable/solvers/tabular/policy_iteration.py": [
        "provable/solvers/tabular/policy_iteration.py",
        "tests/solvers/test_mutants_policy_iteration.py",
        "tests/solvers/test_certificate_soundness.py",
        _AGREE + "test_iterative_methods_agree_with_exact",
        "tests/solvers/test_published.py::test_sutton_barto_optimal_values",
    ],
    "provable/solvers/tabular/exact.py": [
        "provable/solvers/tabular/exact.py",
        "tests/solvers/test_mutants_exact.py",
        "tests/solvers/test_exact_flint.py",
        _AGREE + "test_iterative_methods_agree_with_exact",
        _AGREE + "test_exact_solve_refuses_large_mdps_at_once",
    ],
    "provable/solvers/tabular/finite_horizon.py": [
        "provable/solvers/tabular/finite_horizon.py",
        "tests/solvers/test_mutants_finite_horizon.py",
        _AGREE + "test_backward_induction_matches_enumeration",
        _AGREE + "test_time_inhomogeneous_backward_induction",
    ],
    "provable/solvers/_common.py": [
        "provable/solvers/_common.py",
        "tests/solvers/test_mutants_common.py",
        "tests/solvers/test_certificate_soundness.py",
        _AGREE + "test_iterative_methods_agree_with_exact",
        _AGREE + "test_average_reward_rvi_matches_lp",
        _AGREE + "test_multichain_average_reward_is_refused_clearly",
        _AGREE + "test_backward_induction_matches_enumeration",
        "tests/solvers/test_published.py::test_sutton_barto_random_policy_values",
    ],
    "provable/solvers/tabular/value_iteration.py": [
        "provable/solvers/tabular/value_iteration.py",
        "tests/solvers/test_mutants_value_iteration.py",
        "tests/solvers/test_certificate_soundness.py",
        _AGREE + "test_value_iteration_is_within_its_error_bound",
        _AGREE + "test_truncated_vi_still_certifies",
        _AGREE + "test_span_correction_fixes_the_constant_offset",
        _AGREE + "test_gauss_seidel",
        "tests/solvers/test_action_elimination.py",
    ],
    "provable/solvers/tabular/average_reward.py": [
        "provable/solvers/tabular/average_reward.py",
        "tests/solvers/test_mutants_average_reward.py",
        _AGREE + "test_average_reward_rvi_matches_lp",
        _AGREE + "test_multichain_average_reward_is_refused_clearly",
    ],
    "provable/backends/_certificate.py": [
        "provable/backends/_certificate.py",
        "tests/solvers/test_mutants_certificate.py",
        "tests/solvers/test_certificate_soundness.py",
        _AGREE + "test_value_iteration_is_within_its_error_bound",
        _AGREE + "test_iterative_methods_agree_with_exact",
    ],
    # statistics and verdicts: the planted corpus pins every rule branch
    "provable/proofs_checks/_stats.py": [
        "provable/proofs_checks/_stats.py",
        "tests/proofs_checks/test_mutants_stats.py",
        "tests/proofs_checks/test_rate_planted.py",
        "tests/proofs_checks/test_check_rate.py",
    ],
    "provable/proofs_checks/_claim.py": [
        "provable/proofs_checks/_claim.py",
        "tests/proofs_checks/test_mutants_claim.py",
        "tests/proofs_checks/test_rate_planted.py",
        "tests/proofs_checks/test_check_rate.py",
        "tests/proofs_checks/test_claim_data.py",
        "tests/proofs_checks/test_mutants.py::test_only_violated_kills_and_equivalents_do_not_count",
        "tests/proofs_checks/test_mutants.py::test_mutant_params_are_merged_into_the_budget",
        "tests/proofs_checks/test_mutants.py::test_registration_checks",
    ],
    "provable/proofs_checks/_check_rate.py": [
        "provable/proofs_checks/_check_rate.py",
        "tests/proofs_checks/test_mutants_check_rate.py",
        "tests/proofs_checks/test_check_rate.py",
        "tests/proofs_checks/test_rate_planted.py",
    ],
    # falsification search and mutant batteries: planted false statements must be found
    "provable/proofs_checks/_search.py": [
        "provable/proofs_checks/_search.py",
        "tests/proofs_checks/test_search.py",
    ],
    "provable/proofs_checks/_mutants.py": [
        "provable/proofs_checks/_mutants.py",
        "tests/proofs_checks/test_mutants.py",
    ],
    "provable/_validation.py": [
        "provable/_validation.py",
        "tests/mdp/test_mutants_validation.py",
        "tests/mdp/test_tabular_validation.py",
        "tests/test_fuzz_inputs.py",
    ],
    "provable/mdp/_tabular.py": [
        "provable/mdp/_tabular.py",
        "tests/mdp/test_mutants_tabular.py",
        "tests/mdp",
        "tests/test_fuzz_inputs.py",
        "tests/peers",
    ],
}
# run by default (no --module): the modules whose table is recorded in docs/mutation.md
DEFAULT_MODULES = [
    "provable/solvers/tabular/policy_iteration.py",
    "provable/solvers/tabular/exact.py",
    "provable/solvers/tabular/finite_horizon.py",
    "provable/solvers/_common.py",
]


# ---------------------------------------------------------------------------- mutants

@dataclasses.dataclass(frozen=True)
class Mutant:
    module: str
    line: int            # 1-based, for the report only
    line_text: str       # stripped source line where the change starts
    operator: str
    original: str
    replacement: str
    occurrence: int      # among mutants with the same (line_text, operator, change)
    start: tuple[int, int]  # (line index 0-based, byte column)
    end: tuple[int, int]
    new_text: str        # source text replacing [start, end)

    @property
    def key(self) -> str:
        return f"{self.operator}:{self.original}->{self.replacement}"

    @property
    def ident(self) -> str:
        h = hashlib.sha1(f"{self.module}|{self.line_text}|{self.key}|{self.occurrence}"
                         .encode()).hexdigest()[:8]
        return h

    def describe(self) -> str:
        return f"`{self.original}` -> `{self.replacement}` ({self.operator})"


_CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
             ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
             ast.In: ast.NotIn, ast.NotIn: ast.In}
_BIN_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
             ast.FloorDiv: ast.Div, ast.Pow: ast.Mult}
_MINMAX = {"max": "min", "min": "max", "maximum": "minimum", "minimum": "maximum",
           "argmax": "argmin", "argmin": "argmax", "amax": "amin", "amin": "amax",
           "nanmax": "nanmin", "nanmin": "nanmax"}
_SIMPLE_STMTS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Raise,
                 ast.Assert, ast.Break, ast.Continue, ast.Delete)
OPERATORS = ("cmp", "arith", "const", "abs", "not", "negate", "delete", "return",
             "minmax", "boolop", "usub")


def _sym(op: ast.AST) -> str:
    return {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
            ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
            ast.NotIn: "not in", ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/",
            ast.FloorDiv: "//", ast.Pow: "**", ast.And: "and", ast.Or: "or"}[type(op)]


def _skip_ids(tree: ast.AST) -> set[int]:
    """Nodes not to mutate: docstrings, annotations, f-strings, imports, __all__."""
    skip: set[int] = set()

    def mark(node: ast.AST | None) -> None:
        if node is not None:
            skip.update(id(n) for n in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                mark(body[0])
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            mark(node.returns)
            for a in node.args.args + node.args.kwonlyargs + node.args.posonlyargs:
                mark(a.annotation)
            for a in (node.args.vararg, node.args.kwarg):
                if a is not None:
                    mark(a.annotation)
        if isinstance(node, ast.AnnAssign):
            mark(node.annotation)
        if isinstance(node, (ast.JoinedStr, ast.Import, ast.ImportFrom)):
            mark(node)
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            mark(node)
        # array axes (a changed axis fails at once or is caught by shape checks) and
        # wall-clock timing (a measurement, not a result)
        if isinstance(node, ast.keyword) and node.arg in ("axis", "seconds"):
            mark(node.value)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and \
                isinstance(node.value.func, ast.Attribute) and \
                node.value.func.attr == "perf_counter":
            mark(node)
    return skip


def _unparse(node: ast.AST) -> str:
    return ast.unparse(node)


def generate(module: str, source: str, operators: tuple[str, ...] = OPERATORS) -> list[Mutant]:
    """All mutants of ``source`` (the text of ``module``), in source order."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    blines = [ln.encode() for ln in lines]
    skip = _skip_ids(tree)
    raw: list[tuple] = []

    def seg(node: ast.AST) -> str:
        return ast.get_source_segment(source, node) or _unparse(node)

    def add(node: ast.AST, op: str, original: str, replacement: str, new_text: str,
            start: tuple[int, int] | None = None, end: tuple[int, int] | None = None) -> None:
        if op not in operators:
            return
        s = start or (node.lineno - 1, node.col_offset)
        e = end or (node.end_lineno - 1, node.end_col_offset)
        raw.append((s, e, op, original, replacement, new_text))

    def add_expr(node: ast.expr, op: str, new: ast.expr, original: str | None = None,
                 replacement: str | None = None) -> None:
        text = "(" + _unparse(new) + ")"
        add(node, op, original or seg(node), replacement or _unparse(new), text)

    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in _CMP_SWAP:
                    new = copy.deepcopy(node)
                    new.ops[i] = _CMP_SWAP[type(op)]()
                    add_expr(node, "cmp", new, _sym(op), _sym(new.ops[i]))
        elif isinstance(node, ast.BinOp) and type(node.op) in _BIN_SWAP:
            new = copy.deepcopy(node)
            new.op = _BIN_SWAP[type(node.op)]()
            add_expr(node, "arith", new, _sym(node.op), _sym(new.op))
        elif isinstance(node, ast.AugAssign) and type(node.op) in _BIN_SWAP:
            new = copy.deepcopy(node)
            new.op = _BIN_SWAP[type(node.op)]()
            add(node, "arith", _sym(node.op) + "=", _sym(new.op) + "=", _unparse(new))
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            v = node.value
            if type(v) is int:
                news = [v + 1] + ([v - 1] if v == 1 else [])
            else:
                news = [v * 2, v / 2] if v != 0.0 else [1.0]
            for nv in news:
                add(node, "const", repr(v), repr(nv), repr(nv))
        elif isinstance(node, ast.Constant) and type(node.value) is bool:
            add(node, "const", repr(node.value), repr(not node.value), repr(not node.value))
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) \
                else None
            if name in ("abs", "fabs") and len(node.args) == 1 and not node.keywords:
                add_expr(node, "abs", node.args[0], seg(node), seg(node.args[0]))
            if name in _MINMAX:
                if isinstance(f, ast.Name):
                    new_f: ast.expr = ast.Name(_MINMAX[name], ast.Load())
                    add(f, "minmax", name, _MINMAX[name], _MINMAX[name])
                else:
                    new_f = copy.deepcopy(f)
                    new_f.attr = _MINMAX[name]
                    # replace the attribute name only (the tail of the Attribute node)
                    e = (f.end_lineno - 1, f.end_col_offset)
                    s = (e[0], e[1] - len(name))
                    add(f, "minmax", name, _MINMAX[name], _MINMAX[name], s, e)
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            add_expr(node, "not", node.operand, seg(node), seg(node.operand))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
                and not isinstance(node.operand, ast.Constant):
            add_expr(node, "usub", node.operand, seg(node), seg(node.operand))
        elif isinstance(node, ast.BoolOp):
            new = copy.deepcopy(node)
            new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            add_expr(node, "boolop", new, _sym(node.op), _sym(new.op))
        if isinstance(node, (ast.If, ast.While, ast.IfExp)) and id(node.test) not in skip:
            t = node.test
            if not (isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not)):
                neg = ast.UnaryOp(ast.Not(), copy.deepcopy(t))
                add_expr(t, "negate", neg, seg(t), "not (" + seg(t) + ")")
        if isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value is None):
            text = seg(node).splitlines()
            add(node, "return", text[0] + (" ..." if len(text) > 1 else ""), "return None",
                "return None")
        if isinstance(node, _SIMPLE_STMTS):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue
            first = seg(node).splitlines()[0]
            add(node, "delete", first + (" ..." if "\n" in seg(node) else ""), "pass",
                "pass")

    raw.sort(key=lambda r: (r[0], r[1], r[2], r[4]))
    counts: Counter = Counter()
    out: list[Mutant] = []
    for s, e, op, original, replacement, new_text in raw:
        line_text = lines[s[0]].strip()
        k = (line_text, op, original, replacement)
        occ = counts[k]
        counts[k] += 1
        out.append(Mutant(module, s[0] + 1, line_text, op, original, replacement, occ,
                          s, e, new_text))
    # sanity: every mutant must parse
    good = []
    for m in out:
        try:
            ast.parse(apply(blines, m))
        except SyntaxError:
            continue
        good.append(m)
    return good


def functions_of(source: str) -> dict[str, tuple[int, int]]:
    """Top-level functions and classes of ``source``: name -> (first line, last line)."""
    tree = ast.parse(source)
    return {n.name: (n.lineno, n.end_lineno) for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def statement_lines(source: str) -> tuple[dict[int, int], set[int]]:
    """``(first, body)``: for every source line, the first line of the innermost
    statement containing it (the line coverage reports as executed), and the lines
    inside a function body (run only when the function is called, never at import)."""
    tree = ast.parse(source)
    first: dict[int, tuple[int, int]] = {}  # line -> (span, statement's first line)
    body: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            lo, hi = node.lineno, node.end_lineno or node.lineno
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                # the header (decorators, defaults) runs at definition time
                hi = node.body[0].lineno - 1 if node.body else hi
                if not isinstance(node, ast.ClassDef) and node.body:
                    body.update(range(node.body[0].lineno,
                                      (node.end_lineno or node.lineno) + 1))
            elif hasattr(node, "body") and isinstance(node.body, list) and node.body:
                hi = max(lo, node.body[0].lineno - 1)  # if/while/for/with header
            for line in range(lo, hi + 1):
                if line not in first or hi - lo < first[line][0]:
                    first[line] = (hi - lo, lo)
    return {line: v[1] for line, v in first.items()}, body


def apply(blines: list[bytes], m: Mutant) -> str:
    """Source text with mutant ``m`` applied (columns are UTF-8 byte offsets)."""
    (l0, c0), (l1, c1) = m.start, m.end
    head = b"".join(blines[:l0]) + blines[l0][:c0]
    tail = blines[l1][c1:] + b"".join(blines[l1 + 1:])
    return (head + m.new_text.encode() + tail).decode()


# ------------------------------------------------------------------ equivalent list

def load_equivalent(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    entries = data.get("mutant", [])
    for i, e in enumerate(entries):
        for field in ("module", "line", "mutation", "reason"):
            if field not in e:
                raise SystemExit(f"{path}: mutant[{i}] lacks '{field}'")
    return entries


def is_equivalent(m: Mutant, entries: list[dict]) -> dict | None:
    for e in entries:
        if (e["module"] == m.module and e["line"].strip() == m.line_text
                and e["mutation"] == m.key and int(e.get("occurrence", 0)) == m.occurrence):
            return e
    return None


# ------------------------------------------------------------------------- running

_BACKUP_DIR = Path(tempfile.gettempdir()) / "provable-mutation-backup"


def _backup_path(target: Path) -> Path:
    h = hashlib.sha1(str(target.resolve()).encode()).hexdigest()[:16]
    return _BACKUP_DIR / f"{h}-{target.name}"


def _drop_pyc(target: Path) -> None:
    cache = target.parent / "__pycache__"
    if cache.is_dir():
        for f in cache.glob(target.stem + ".*.pyc"):
            f.unlink(missing_ok=True)


def recover(target: Path) -> None:
    """Put back an original left behind by a driver that was killed outright."""
    b = _backup_path(target)
    if b.exists():
        print(f"restoring {target} from {b} (left by an interrupted run)", file=sys.stderr)
        shutil.copyfile(b, target)
        b.unlink()
        _drop_pyc(target)


class _Sigterm(Exception):
    pass


#: set on SIGTERM; with --jobs the module threads stop at their next mutant (only the
#: main thread receives signals), restoring their files on the way out
_STOP = threading.Event()


def _on_sigterm(signum, frame):  # noqa: ARG001
    _STOP.set()
    raise _Sigterm()


def plugin_args(root: Path) -> list[str]:
    """``-p no:NAME`` for each installed pytest plugin of provable's that the checkout at
    ``root`` does not have (an older snapshot than the installed package)."""
    from importlib.metadata import entry_points

    out: list[str] = []
    for ep in entry_points(group="pytest11"):
        mod = ep.value.split(":")[0]
        if mod.startswith("provable.") and not (root / (mod.replace(".", "/") + ".py")).exists():
            out += ["-p", f"no:{ep.name}"]
    return out


def run_tests(root: Path, tests: list[str], timeout: float, env: dict[str, str]
              ) -> tuple[str, float, str]:
    """('passed' | 'failed' | 'timeout', seconds, output tail)."""
    cmd = [sys.executable, "-m", "pytest", *PYTEST_ARGS, *plugin_args(root), *tests]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return "timeout", time.perf_counter() - t0, ""
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    status = "passed" if proc.returncode == 0 else "failed"
    return status, time.perf_counter() - t0, out.decode(errors="replace")[-3000:]


class ForkServer:
    """A long-lived interpreter with the heavy libraries imported that forks a child
    per test run (``scripts/_mutation_forkserver.py``); same interface as
    :func:`run_tests`. Only for modules without numba kernels: numba reads its cache
    directory once, at import, so every child shares the server's."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        import json

        self._json = json
        self.root = root
        self.proc = subprocess.Popen([sys.executable, str(HERE / "_mutation_forkserver.py")],
                                     cwd=root, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, start_new_session=True)
        ready = self.proc.stdout.readline()
        if not ready:
            raise SystemExit("the fork server did not start")

    def run(self, tests: list[str], timeout: float) -> tuple[str, float, str]:
        args = [*PYTEST_ARGS, *plugin_args(self.root), *tests]
        self.proc.stdin.write(self._json.dumps({"args": args, "timeout": timeout}) + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline()
        if not reply:
            raise SystemExit("the fork server died")
        r = self._json.loads(reply)
        return r["status"], float(r["seconds"]), ""

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)


def _env(root: Path, numba_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["NUMBA_CACHE_DIR"] = str(numba_dir)
    env.setdefault("HYPOTHESIS_PROFILE", "ci")
    return env


def coverage_map(root: Path, tests: list[str], target: Path, env: dict[str, str],
                 work: Path) -> dict:
    """Run the unmutated selection once under coverage, one context per test:
    ``{"lines": {line: [node ids]}, "durations": {...}, "order": [...]}``."""
    out = work / "coverage-map.json"
    env = dict(env)
    env["PYTHONPATH"] = str(HERE) + os.pathsep + env["PYTHONPATH"]
    env["PROVABLE_MUTATION_TARGET"] = str(target.resolve())
    env["PROVABLE_MUTATION_MAP"] = str(out)
    cmd = [sys.executable, "-m", "pytest", *[a for a in PYTEST_ARGS if a != "-x"],
           *plugin_args(root), "-p", "_mutation_coverage", *tests]
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"{target}: the selection under coverage fails\n"
                         f"{(proc.stdout + proc.stderr)[-3000:]}")
    import json

    return json.loads(out.read_text())


def _select(m: Mutant, cmap: dict, first: dict[int, int], body: set[int],
            tests: list[str], base_s: float, factor: float, extra: float
            ) -> tuple[list[str], float, str]:
    """Tests that execute the statement(s) of mutant ``m``, in selection order, and the
    time limit for them. No test and a line inside a function body: nothing can kill
    it. A line run at import (module level, a def's header): the whole selection."""
    lines = range(m.start[0] + 1, m.end[0] + 2)
    stmts = {first.get(line, line) for line in lines}
    outside = set(cmap.get("outside", ()))
    if not all(line in body and line not in outside for line in stmts):
        # run at import: whichever test imported the module first is not the only
        # one that sees the change
        return tests, factor * base_s + extra, ""
    hit: set[str] = set()
    for line in stmts:
        hit.update(cmap["lines"].get(str(line), ()))
    if not hit:
        return [], 0.0, "no test executes this line"
    order = [t for t in cmap["order"] if t in hit]
    spent = sum(cmap["durations"].get(t, 0.0) for t in order)
    total = sum(cmap["durations"].values())
    startup = max(base_s - total, 0.0)
    return order, factor * (spent + startup) + extra, ""


@dataclasses.dataclass
class Outcome:
    mutant: Mutant
    status: str  # killed | survived | timeout | equivalent
    seconds: float = 0.0
    reason: str = ""


def run_module(root: Path, module: str, tests: list[str], mutants: list[Mutant],
               equivalent: list[dict], timeout_factor: float, timeout_extra: float,
               verbose: bool = True, carried: frozenset[str] = frozenset(),
               warm: bool = True, by_coverage: bool = False,
               checkpoint=None, fork: bool = False,
               confirm: bool = False) -> tuple[list[Outcome], float, float]:
    target = root / module
    recover(target)
    missing = [t for t in tests if not (root / t.split("::")[0]).exists()]
    if missing and verbose:
        print(f"{module}: not in this checkout, left out: {', '.join(missing)}",
              file=sys.stderr)
    tests = [t for t in tests if t not in missing]
    original = target.read_bytes()
    uses_jit = b"njit" in original or b"numba.jit" in original
    work = Path(tempfile.mkdtemp(prefix="provable-mutation-"))
    shared_numba = work / "numba-cache"
    outcomes: list[Outcome] = []
    t_module = time.perf_counter()
    try:
        status, base_s, tail = run_tests(root, tests, 3600, _env(root, shared_numba))
        if status != "passed":
            raise SystemExit(f"{module}: the unmutated selection fails; fix it first\n{tail}")
        if warm:  # time a second run: the first one also filled the numba cache
            status, base_s, tail = run_tests(root, tests, 3600, _env(root, shared_numba))
        timeout = timeout_factor * base_s + timeout_extra
        cmap = None
        if by_coverage and not uses_jit:
            cmap = coverage_map(root, tests, target, _env(root, shared_numba), work)
            first, body = statement_lines(original.decode())
        if verbose:
            how = (f"coverage-selected tests ({len(cmap['order'])} in the map)" if cmap
                   else "the whole selection")
            print(f"{module}: {len(mutants)} mutants, unmutated selection {base_s:.1f} s, "
                  f"limit {timeout:.1f} s; each mutant runs {how}", file=sys.stderr)
        server = ForkServer(root, _env(root, shared_numba)) if fork and not uses_jit else None
        blines = original.splitlines(keepends=True)
        backup = _backup_path(target)
        _BACKUP_DIR.mkdir(exist_ok=True)
        shutil.copyfile(target, backup)
        main = threading.current_thread() is threading.main_thread()
        old = signal.signal(signal.SIGTERM, _on_sigterm) if main else None
        try:
            for i, m in enumerate(mutants, 1):
                if _STOP.is_set():
                    raise _Sigterm()
                eq = is_equivalent(m, equivalent)
                if eq is not None:
                    outcomes.append(Outcome(m, "equivalent", reason=eq["reason"]))
                    continue
                if m.ident in carried:
                    outcomes.append(Outcome(m, "killed", reason="carried over"))
                    continue
                mutated = apply(blines, m)
                numba_dir = work / f"numba-{i}" if uses_jit else shared_numba
                sel, limit = tests, timeout
                if cmap is not None:
                    sel, limit, why = _select(m, cmap, first, body, tests, base_s,
                                              timeout_factor, timeout_extra)
                    if not sel:
                        outcomes.append(Outcome(m, "survived", 0.0, why))
                        if verbose:
                            print(f"  [{i}/{len(mutants)}] survived   0.0s  L{m.line} "
                                  f"{m.describe()} ({why})", file=sys.stderr)
                        if checkpoint:
                            checkpoint(outcomes)
                        continue
                try:
                    target.write_text(mutated)
                    _drop_pyc(target)
                    if server is not None:
                        status, secs, _ = server.run(sel, limit)
                    else:
                        status, secs, _ = run_tests(root, sel, limit, _env(root, numba_dir))
                finally:
                    target.write_bytes(original)
                    _drop_pyc(target)
                    if uses_jit:
                        shutil.rmtree(numba_dir, ignore_errors=True)
                st = {"failed": "killed", "passed": "survived", "timeout": "timeout"}[status]
                reason = ""
                if st == "survived" and confirm and cmap is not None and sel != tests:
                    # coverage does not see tests that run the code in a subprocess: give
                    # a survivor the whole selection before reporting it
                    try:
                        target.write_text(mutated)
                        _drop_pyc(target)
                        if server is not None:
                            status2, secs2, _ = server.run(tests, timeout)
                        else:
                            status2, secs2, _ = run_tests(root, tests, timeout,
                                                          _env(root, numba_dir))
                    finally:
                        target.write_bytes(original)
                        _drop_pyc(target)
                    secs += secs2
                    if status2 == "failed":
                        st, reason = "killed", "killed by the whole selection"
                outcomes.append(Outcome(m, st, secs, reason))
                if verbose:
                    n_sel = f" [{len(sel)} tests]" if cmap is not None else ""
                    print(f"  [{i}/{len(mutants)}] {st:8s} {secs:5.1f}s  L{m.line} "
                          f"{m.describe()}{n_sel}", file=sys.stderr)
                if checkpoint:
                    checkpoint(outcomes)
        finally:
            if main:
                signal.signal(signal.SIGTERM, old)
            target.write_bytes(original)
            _drop_pyc(target)
            backup.unlink(missing_ok=True)
            if server is not None:
                server.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return outcomes, base_s, time.perf_counter() - t_module


# -------------------------------------------------------------------------- report

def score(outcomes: list[Outcome]) -> dict[str, float]:
    c = Counter(o.status for o in outcomes)
    run = len(outcomes)
    denom = run - c["equivalent"]
    return {"mutants": run, "killed": c["killed"], "survived": c["survived"],
            "timeout": c["timeout"], "equivalent": c["equivalent"],
            "score": c["killed"] / denom if denom else float("nan")}


def report(results: dict[str, tuple[list[Outcome], float, float]], header: str) -> str:
    out = [header, "",
           "| module | mutants | killed | survived | timed out | equivalent | score | time |",
           "|---|---|---|---|---|---|---|---|"]
    for module, (outcomes, _base, secs) in results.items():
        s = score(outcomes)
        out.append(f"| `{module}` | {s['mutants']} | {s['killed']} | {s['survived']} | "
                   f"{s['timeout']} | {s['equivalent']} | {100 * s['score']:.0f} % | "
                   f"{secs:.0f} s |")
    for module, (outcomes, _base, _secs) in results.items():
        surv = [o for o in outcomes if o.status in ("survived", "timeout")]
        if not surv:
            continue
        out += ["", f"Survivors in `{module}`:", ""]
        for o in surv:
            m = o.mutant
            tag = " (timed out)" if o.status == "timeout" else ""
            out.append(f"- L{m.line} `{m.line_text}`: {m.describe()}"
                       f"{' #' + str(m.occurrence) if m.occurrence else ''}{tag} [{m.ident}]")
    return "\n".join(out) + "\n"


def _git_head(root: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _write(args: argparse.Namespace, root: Path,
           results: dict[str, tuple[list[Outcome], float, float]], elapsed: float) -> str:
    """Write the markdown report (--out) and the JSON outcomes (--json); return the text."""
    sample = f", seeded sample of {args.sample} (seed {args.seed})" if args.sample else ""
    if args.function:
        sample += f"; functions {', '.join(args.function)}"
    if args.rerun_from:
        sample += f"; killed mutants of {args.rerun_from.name} carried over"
        if args.carry_edited:
            sample += " (also across edits of the module, by mutant id)"
    header = (f"Mutation testing at commit {_git_head(root)}{sample}; "
              f"{elapsed:.0f} s in all, jobs={args.jobs}.")
    text = report(results, header)
    if args.out:
        args.out.write_text(text)
    if args.json:
        import json

        data = {mod: {"source_sha1": hashlib.sha1((root / mod).read_bytes()).hexdigest(),
                      "seconds": secs, "baseline_seconds": base,
                      "outcomes": [{"id": o.mutant.ident, "line": o.mutant.line,
                                    "line_text": o.mutant.line_text,
                                    "mutation": o.mutant.key,
                                    "occurrence": o.mutant.occurrence,
                                    "status": o.status, "seconds": round(o.seconds, 2)}
                                   for o in outs]}
                for mod, (outs, base, secs) in results.items()}
        args.json.write_text(json.dumps(data, indent=1))
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=HERE.parent,
                    help="checkout to mutate (a git worktree of a committed snapshot)")
    ap.add_argument("--module", action="append",
                    help="module path relative to the root (repeatable); default: "
                    + ", ".join(DEFAULT_MODULES))
    ap.add_argument("--tests", action="append",
                    help="override the module's test selection (repeatable)")
    ap.add_argument("--operators", default=",".join(OPERATORS),
                    help="comma-separated subset of " + ",".join(OPERATORS))
    ap.add_argument("--function", action="append", metavar="NAME",
                    help="only mutants inside these top-level functions/classes (repeatable); "
                    "'-NAME' excludes one")
    ap.add_argument("--sample", type=int, help="run a seeded sample of N mutants per module")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1,
                    help="modules mutated in parallel (each module's mutants run one at a "
                    "time, since they share the module file)")
    ap.add_argument("--timeout-factor", type=float, default=4.0)
    ap.add_argument("--timeout-extra", type=float, default=10.0)
    ap.add_argument("--equivalent", type=Path, default=DEFAULT_EQUIVALENT)
    ap.add_argument("--out", type=Path, help="write the markdown report here")
    ap.add_argument("--json", type=Path, help="also write the outcomes as JSON here")
    ap.add_argument("--rerun-from", type=Path, metavar="JSON",
                    help="incremental run after tests were added: mutants this earlier "
                    "--json report found killed are carried over as killed (only where the "
                    "module's source is byte-identical); the others are run again")
    ap.add_argument("--by-coverage", action="store_true",
                    help="run each mutant against only the tests of the selection that "
                    "execute its line (a coverage map of the unmutated run, one context "
                    "per test; needs the `coverage` package); a mutant in a function body "
                    "that no test executes is reported survived without running. Modules "
                    "with numba kernels always run the whole selection")
    ap.add_argument("--fork", action="store_true",
                    help="run the tests of each mutant in a child forked from a server that "
                    "has numpy, scipy, numba, sympy, hypothesis and pytest imported (provable "
                    "itself is imported fresh by each child); not for modules with numba "
                    "kernels, which always start a new interpreter")
    ap.add_argument("--carry-edited", action="store_true",
                    help="with --rerun-from: carry killed mutants over even where the module "
                    "was edited since (by mutant id: same line text, change and occurrence); "
                    "the report says so. For edits that remove code, not for rewrites")
    ap.add_argument("--confirm-survivors", action="store_true",
                    help="with --by-coverage: run each survivor once more against the whole "
                    "selection (coverage does not see tests that run the code in a subprocess)")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--stale-equivalents", action="store_true",
                    help="list the entries of the equivalent list that match no mutant of "
                    "the current source (their line changed: review them) and exit")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)

    root = args.root.resolve()
    modules = args.module or DEFAULT_MODULES
    ops = tuple(o.strip() for o in args.operators.split(",") if o.strip())
    unknown = set(ops) - set(OPERATORS)
    if unknown:
        ap.error(f"unknown operators {sorted(unknown)}; expected some of {OPERATORS}")
    equivalent = load_equivalent(args.equivalent)
    if args.stale_equivalents:
        stale = 0
        for e in equivalent:
            path = root / e["module"]
            ms = generate(e["module"], path.read_text(), OPERATORS) if path.exists() else []
            if not any(is_equivalent(m, [e]) for m in ms):
                stale += 1
                print(f"stale: {e['module']}: {e['line']!r} {e['mutation']} "
                      f"#{e.get('occurrence', 0)}")
        print(f"{stale} of {len(equivalent)} entries match no mutant")
        return 1 if stale else 0
    plan: dict[str, tuple[list[str], list[Mutant]]] = {}
    for module in modules:
        if module not in MODULES and not args.tests:
            ap.error(f"no test selection configured for {module}; configured: "
                     + ", ".join(MODULES) + " (or pass --tests)")
        path = root / module
        recover(path)
        source = path.read_text()
        mutants = generate(module, source, ops)
        if args.function:
            spans = functions_of(source)
            unknown_f = {f.lstrip("-") for f in args.function} - set(spans)
            if unknown_f:
                ap.error(f"{module} has no top-level {sorted(unknown_f)}; it has "
                         + ", ".join(spans))

            def inside(m: Mutant, names: list[str], spans=spans) -> bool:
                return any(spans[n][0] <= m.line <= spans[n][1] for n in names)

            keep = [f for f in args.function if not f.startswith("-")]
            drop = [f[1:] for f in args.function if f.startswith("-")]
            mutants = [m for m in mutants if (not keep or inside(m, keep))
                       and not inside(m, drop)]
        if args.sample is not None and args.sample < len(mutants):
            rng = random.Random(f"{args.seed}:{module}")
            mutants = sorted(rng.sample(mutants, args.sample), key=lambda m: (m.start, m.end))
        plan[module] = (args.tests or MODULES[module], mutants)

    if args.list:
        for module, (_tests, mutants) in plan.items():
            for m in mutants:
                eq = " [equivalent]" if is_equivalent(m, equivalent) else ""
                print(f"{module}:{m.line} {m.ident} {m.describe()} #{m.occurrence}  "
                      f"| {m.line_text}{eq}")
        return 0

    carried: dict[str, frozenset[str]] = {}
    if args.rerun_from:
        import json

        old = json.loads(args.rerun_from.read_text())
        for mod in plan:
            prev = old.get(mod)
            sha = hashlib.sha1((root / mod).read_bytes()).hexdigest()
            if prev is None:
                continue
            if prev["source_sha1"] != sha and not args.carry_edited:
                print(f"{mod}: source differs from {args.rerun_from}; running every mutant",
                      file=sys.stderr)
                continue
            if prev["source_sha1"] != sha:
                print(f"{mod}: source edited since {args.rerun_from}; carrying its killed "
                      "mutants whose line and change still exist (--carry-edited)",
                      file=sys.stderr)
            carried[mod] = frozenset(o["id"] for o in prev["outcomes"]
                                     if o["status"] == "killed")

    results: dict[str, tuple[list[Outcome], float, float]] = {}
    t0 = time.perf_counter()
    if args.jobs > 1 and len(plan) > 1:
        from concurrent.futures import ThreadPoolExecutor

        old = signal.signal(signal.SIGTERM, _on_sigterm)
        pool = ThreadPoolExecutor(args.jobs)
        try:
            futs = {mod: pool.submit(run_module, root, mod, tests, muts, equivalent,
                                     args.timeout_factor, args.timeout_extra, not args.quiet,
                                     carried.get(mod, frozenset()), True, args.by_coverage,
                                     None, args.fork, args.confirm_survivors)
                    for mod, (tests, muts) in plan.items()}
            results = {mod: f.result() for mod, f in futs.items()}
        except (_Sigterm, KeyboardInterrupt):
            _STOP.set()          # the threads restore their modules at the next mutant
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=_STOP.is_set())
            signal.signal(signal.SIGTERM, old)
    else:
        for mod, (tests, muts) in plan.items():
            def checkpoint(outs, mod=mod):  # partial results survive an interrupted run
                _write(args, root, {**results, mod: (outs, 0.0, time.perf_counter() - t0)},
                       time.perf_counter() - t0)

            results[mod] = run_module(root, mod, tests, muts, equivalent,
                                      args.timeout_factor, args.timeout_extra,
                                      not args.quiet, carried.get(mod, frozenset()),
                                      by_coverage=args.by_coverage, checkpoint=checkpoint,
                                      fork=args.fork, confirm=args.confirm_survivors)
            _write(args, root, results, time.perf_counter() - t0)  # after each module
    text = _write(args, root, results, time.perf_counter() - t0)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
