"""The runner under failure: dead workers, damaged or stale cache entries, colliding
plot names, concurrent runs on one report directory, and the module layering."""

from __future__ import annotations

import ast
import importlib.util
import json
import multiprocessing as mp
import os
import time
from pathlib import Path

import pc_runner_claims as rc
import pc_toy_claims as toy
import pytest

from provable import proofs_checks as pc
from provable.errors import InvalidArgument
from provable.proofs_checks import _cache, _claim
from provable.proofs_checks._cache import (
    Leases,
    cache_key,
    cache_path,
    lease_path,
    lookup,
    write_cached,
)
from provable.proofs_checks._report import exit_code, figure_spec, write_report

PKG = Path(pc.__file__).parent


@pytest.fixture
def marks(tmp_path):
    d = tmp_path / "marks"
    d.mkdir()
    return d


@pytest.fixture
def crash_registry(toy_registry, marks):
    """The toy claims plus the runner's killers, writing attempts into ``marks``."""
    for c in rc.claims(marks, os.getpid()):
        toy_registry[c.id] = c
    return toy_registry


def _wait_for(cond, what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


# ------------------------------------------------------------------ dead workers


def test_a_dead_worker_fails_only_its_claim_which_is_retried(crash_registry, marks, tmp_path):
    ids = ["toy.sqrt_rate", "toy.identity", "toy.flags", "runner.dies_once",
           "toy.fast_rate", "runner.plain"]
    serial = {v.claim: v.status for v in pc.verify_all(
        [i for i in ids if i != "runner.dies_once"], progress=False)}
    vs = pc.verify_all(ids, jobs=2, out=tmp_path / "rep", progress=False)
    got = {v.claim: v.status for v in vs}
    assert got == {**serial, "runner.dies_once": "holds"}, [v.reason for v in vs]
    assert (marks / "died-once").exists()  # it did kill a worker
    assert rc.attempts(marks, "dies_once") == 2  # the first run died, the retry held
    assert exit_code(vs) == 1  # toy.fast_rate is violated; nothing is an error
    results = json.loads((tmp_path / "rep" / "results.json").read_text())
    assert results["complete"] is True and results["counts"]["error"] == 0


def test_a_claim_whose_worker_always_dies_is_an_error_never_cached(crash_registry, marks,
                                                                     tmp_path):
    ids = ["toy.identity", "runner.dies_always", "toy.flags", "runner.plain"]
    out = tmp_path / "rep"
    vs = pc.verify_all(ids, jobs=2, out=out, progress=False)
    by = {v.claim: v for v in vs}
    err = by["runner.dies_always"]
    assert err.status == "error" and err.is_error
    assert "died 2 times" in err.reason and "not cached" in err.reason
    assert {by[i].status for i in ids if i != "runner.dies_always"} == {"holds"}
    # retried once alone after a death charged to it (twice when the first death
    # happened beside another claim and could not be told apart)
    assert rc.attempts(marks, "dies_always") in (2, 3)
    assert exit_code(vs) == 3
    assert pc.failures(vs) == [("runner.dies_always", f"could not run: {err.reason}")]
    cached = {json.loads(p.read_text())["key"]["claim"] for p in (out / "cache").glob("*.json")}
    assert cached == {"toy.identity", "toy.flags", "runner.plain"}
    results = json.loads((out / "results.json").read_text())
    assert results["complete"] is False and results["counts"]["error"] == 1
    assert results["exit_code"] == 3
    report = (out / "report.md").read_text()
    assert "**Incomplete:** 1 claim could not run" in report
    assert "**Could not run.**" in report
    # a re-run retries the error and reads the rest from the cache
    before = rc.attempts(marks, "dies_always")
    vs = pc.verify_all(ids, jobs=2, out=out, progress=False)
    assert [bool(v.get("cached")) for v in vs] == [True, False, True, True]
    assert rc.attempts(marks, "dies_always") > before


def test_cli_exits_3_when_a_claim_could_not_run(crash_registry, marks, tmp_path):
    from typer.testing import CliRunner

    from provable.cli import app

    r = CliRunner().invoke(app, ["verify", "runner.dies_always", "runner.plain", "--jobs", "2",
                                 "--out", str(tmp_path)], catch_exceptions=False)
    assert r.exit_code == 3, r.output
    assert "error" in r.output and "could not run" in r.output
    r = CliRunner().invoke(app, ["verify", "toy.broken", "toy.fast_rate", "--out",
                                 str(tmp_path)], catch_exceptions=False)
    assert r.exit_code == 1, r.output  # a violated claim outranks one that could not run


# ------------------------------------------------------------- errors and the cache


def test_an_experiment_that_raises_is_an_error_and_never_cached(toy_registry, tmp_path):
    v = pc.verify("toy.broken", out=tmp_path)
    assert v.status == "error" and "boom at n=100" in v.reason
    assert not list((tmp_path / "cache").glob("*.json"))
    v = pc.verify("toy.broken", out=tmp_path)
    assert not v.get("cached") and toy.CALLS == {"broken": 2}
    with pytest.raises(InvalidArgument, match="never cached|not cached"):
        write_cached(tmp_path, cache_key("toy.broken", {}, "quick", 0), v)


def test_results_json_is_not_complete_when_a_claim_could_not_run(toy_registry, tmp_path):
    pc.verify_all(["toy.identity", "toy.broken"], out=tmp_path, progress=False)
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["complete"] is False
    assert results["counts"] == {"holds": 1, "violated": 0, "inconclusive": 0, "error": 1}


@pytest.mark.parametrize("edit", ["status", "measured", "control", "checksum", "code"])
def test_an_edited_cache_entry_is_recomputed_with_a_warning(toy_registry, tmp_path, edit):
    first = pc.verify("toy.fast_rate", out=tmp_path)
    assert first.status == "violated"
    (path,) = (tmp_path / "cache").glob("*.json")
    payload = json.loads(path.read_text())
    if edit == "status":
        payload["verdict"]["status"] = "holds"
    elif edit == "measured":
        payload["verdict"]["measured"] = 0.5
    elif edit == "control":
        payload["verdict"]["control"]["status"] = "holds"
    elif edit == "checksum":
        payload["checksum"] = "0" * 64
    else:
        payload["code"] = "0" * 64
    path.write_text(json.dumps(payload))  # still valid JSON
    with pytest.warns(RuntimeWarning, match="checksum"):
        v = pc.verify("toy.fast_rate", out=tmp_path)
    assert not v.get("cached") and v.status == "violated" and v.measured == first.measured
    assert toy.CALLS == {"fast_rate": 2}
    assert any(n["level"] == "warning" and "checksum" in n["message"] for n in v.notes)
    again = pc.verify("toy.fast_rate", out=tmp_path)  # rewritten intact
    assert again.cached and "notes" not in again


def test_the_warning_reaches_the_report(toy_registry, tmp_path):
    pc.verify_all(["toy.identity"], out=tmp_path, progress=False)
    (path,) = (tmp_path / "cache").glob("*.json")
    payload = json.loads(path.read_text())
    payload["verdict"]["reason"] = "edited by hand"
    path.write_text(json.dumps(payload))
    with pytest.warns(RuntimeWarning):
        pc.verify_all(["toy.identity"], out=tmp_path, progress=False)
    report = (tmp_path / "report.md").read_text()
    assert "**Warnings:**" in report and "does not match its checksum" in report
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["warnings"][0]["claim"] == "toy.identity"


def test_an_entry_of_an_older_layout_is_recomputed(toy_registry, tmp_path):
    pc.verify("toy.identity", out=tmp_path)
    (path,) = (tmp_path / "cache").glob("*.json")
    payload = json.loads(path.read_text())
    path.write_text(json.dumps({"key": payload["key"], "verdict": payload["verdict"]}))
    v = pc.verify("toy.identity", out=tmp_path)
    assert not v.get("cached") and "format" in v.notes[0]["message"]
    assert v.notes[0]["level"] == "info"


def test_a_changed_claim_module_invalidates_its_entries(toy_registry, tmp_path):
    src = tmp_path / "pc_user_claim_mod.py"

    def load(residual: float, name: str):
        src.write_text(
            "from provable.proofs_checks import Verdict\n"
            "def exp(params, seed):\n"
            f"    r = {residual!r}\n"
            "    v = Verdict(claim='', status='holds' if r == 0 else 'violated', measured=r,\n"
            "                expected=0.0, reason=f'residual {r}')\n"
            "    v['control'] = Verdict(claim='', status='violated', reason='planted')\n"
            "    return v\n")
        spec = importlib.util.spec_from_file_location(name, src)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        toy_registry["user.c"] = _claim.Claim(
            id="user.c", statement="r = 0", kind="identity", citation=toy.CLASSIC,
            experiment=mod.exp, budgets={"quick": {}, "full": {}})

    load(0.0, "pc_user_claim_v1")
    assert pc.verify("user.c", out=tmp_path).status == "holds"
    assert pc.verify("user.c", out=tmp_path).cached
    load(0.25, "pc_user_claim_v2")  # a fixed bug: same id, params and version
    v = pc.verify("user.c", out=tmp_path)
    assert v.status == "violated" and not v.get("cached")
    assert "code" in v.notes[0]["message"] and v.notes[0]["level"] == "info"


def test_the_package_code_is_part_of_the_entry(toy_registry, tmp_path, monkeypatch):
    pc.verify("toy.identity", out=tmp_path)
    monkeypatch.setattr(_cache, "_package_digest", lambda: "another build")
    v = pc.verify("toy.identity", out=tmp_path)
    assert not v.get("cached") and toy.CALLS == {"identity": 2}


def test_a_directory_in_place_of_an_entry_is_a_miss_not_a_traceback(toy_registry, tmp_path):
    pc.verify_all(["toy.identity", "toy.flags"], out=tmp_path, progress=False)
    path = cache_path(tmp_path, cache_key("toy.identity", {"n": 100}, "quick", 0))
    path.unlink()
    path.mkdir()
    (path / "inside").write_text("x")
    with pytest.warns(RuntimeWarning) as rec:
        vs = pc.verify_all(["toy.identity", "toy.flags"], out=tmp_path, progress=False)
    warned = " ".join(str(w.message) for w in rec)
    assert "not a regular file" in warned and "could not be cached" in warned
    assert [v.status for v in vs] == ["holds", "holds"]
    assert not vs[0].get("cached") and vs[1].cached
    msgs = [n["message"] for n in vs[0].notes]
    assert any("not a regular file" in m for m in msgs)
    assert any("could not be cached" in m for m in msgs)
    assert (path / "inside").read_text() == "x"  # nothing of the user's was deleted
    results = json.loads((tmp_path / "results.json").read_text())
    assert len(results["warnings"]) == 2


@pytest.mark.parametrize("content", [b"", b"\xff\xfe garbage", b"[1, 2]", b"null",
                                     b"[" * 100000, b'{"format": 2}'])
def test_damaged_entries_are_misses(tmp_path, content):
    key = cache_key("a.b", {}, "quick", 0, version="1")
    path = cache_path(tmp_path, key)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    res = lookup(tmp_path, key, code="c")
    assert res.verdict is None and res.level in ("warning", "info") and res.note


def test_lookup_without_entry_is_a_silent_miss(tmp_path):
    res = lookup(tmp_path, cache_key("a.b", {}, "quick", 0, version="1"), code="c")
    assert res == (None, None, None)


# ------------------------------------------------------------------------- plots


def test_plot_stems_are_one_to_one():
    from provable.proofs_checks._report import plot_stem

    ids = ["a b", "a_b", "a/b", "A_b", "a-b", "a.b", ".a", "a.", "a~20b", "", "é", "x" * 300,
           "x" * 299 + "y", "a b-0123456789", "~", "~~"]
    stems = [plot_stem(i) for i in ids]
    assert len(set(stems)) == len(ids)
    assert len({s.lower() for s in stems}) == len(ids)  # also on case-insensitive disks
    assert all(0 < len(s) <= 100 and "/" not in s and not s.startswith(".") for s in stems)


def test_plots_of_ids_that_look_alike_do_not_replace_each_other(tmp_path):
    vs = []
    for k, cid in enumerate(["a b", "a_b"]):
        fig = figure_spec([1, 2, 3], [1.0, 2.0, 3.0 + k], xlabel="x", ylabel="y")
        vs.append(pc.Verdict(claim=cid, status="holds", reason="r", data={"figure": fig}))
    write_report(vs, tmp_path)
    write_report(vs, tmp_path)  # a re-run keeps both
    results = json.loads((tmp_path / "results.json").read_text())
    plots = [d["plot"] for d in results["verdicts"]]
    assert len(set(plots)) == 2
    for p in plots:
        assert (tmp_path / p).is_file()
    assert len(list((tmp_path / "plots").glob("*.png"))) == 2


# ------------------------------------------------------------------------ leases


def test_two_runs_on_one_out_compute_a_claim_once(toy_registry, marks, tmp_path):
    out = str(tmp_path / "rep")
    ctx = mp.get_context("spawn")
    args = (out, str(marks), os.getpid())
    a = ctx.Process(target=rc.child_verify, args=(*args, "a"))
    a.start()
    try:
        _wait_for(lambda: rc.attempts(marks, "gated") == 1, "the first run to start")
        b = ctx.Process(target=rc.child_verify, args=(*args, "b"))
        b.start()
        try:
            _wait_for(lambda: (marks / "ready-b").exists(), "the second run to start")
            # give the second run the chance to start the experiment too (it must not)
            deadline = time.monotonic() + 3.0
            while rc.attempts(marks, "gated") < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            (marks / "go").touch()
            b.join(90)
        finally:
            if b.is_alive():
                b.kill()
        a.join(90)
    finally:
        if a.is_alive():
            a.kill()
    assert a.exitcode == 0 and b.exitcode == 0
    assert rc.attempts(marks, "gated") == 1
    ra = json.loads((marks / "result-a.json").read_text())
    rb = json.loads((marks / "result-b.json").read_text())
    assert ra == {"status": "holds", "cached": False}
    assert rb == {"status": "holds", "cached": True}
    assert not list(Path(out, "cache").glob("*.lock"))


def test_a_lease_of_a_dead_process_is_broken(crash_registry, marks, tmp_path):
    key = cache_key("runner.plain", {"dir": str(marks), "parent": os.getpid()}, "quick", 0)
    lock = lease_path(tmp_path, key)
    lock.parent.mkdir(parents=True)
    ctx = mp.get_context("spawn")
    p = ctx.Process(target=time.sleep, args=(0,))
    p.start()
    p.join()
    lock.write_text(json.dumps({"host": _cache.socket.gethostname(), "pid": p.pid,
                                "start": None, "token": "x", "time": 0}))
    v = pc.verify("runner.plain", out=tmp_path)
    assert v.status == "holds" and not lock.exists()
    # a lease with this process's pid but another token is from an earlier process
    lock.write_text(json.dumps({"host": _cache.socket.gethostname(), "pid": os.getpid(),
                                "start": None, "token": "earlier", "time": 0}))
    assert pc.verify("runner.plain", out=tmp_path, force=True).status == "holds"
    assert rc.attempts(marks, "plain") == 2


def test_odd_things_in_place_of_a_lease_or_the_cache_do_not_block(toy_registry, tmp_path):
    key = cache_key("toy.identity", {"n": 100}, "quick", 0)
    lease_path(tmp_path, key).mkdir(parents=True)  # a directory where the lease goes
    assert pc.verify("toy.identity", out=tmp_path).status == "holds"
    assert pc.verify("toy.identity", out=tmp_path).cached
    out = tmp_path / "other"
    out.mkdir()
    (out / "cache").write_text("a file where the cache directory goes")
    with pytest.warns(RuntimeWarning, match="could not be cached"):
        vs = pc.verify_all(["toy.identity", "toy.flags"], out=out, progress=False)
    assert [v.status for v in vs] == ["holds", "holds"]
    assert json.loads((out / "results.json").read_text())["complete"] is True


def test_leases_exclude_each_other_and_are_released(tmp_path):
    key = cache_key("a.b", {}, "quick", 0, version="1")
    with Leases(tmp_path) as one:
        assert one.acquire(key) and one.acquire(key)  # re-entrant for its holder
        two = Leases(tmp_path)
        assert not two.acquire(key) and not two.free(key)
        one.release(key)
        assert two.free(key) and two.acquire(key)
        two.release_all()
    assert not lease_path(tmp_path, key).exists()


# ---------------------------------------------------------------------- layering


def _imported_modules(path: Path) -> set[str]:
    mods = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            mods.add(node.module)
        elif isinstance(node, ast.Import):
            mods.update(a.name for a in node.names)
    return mods


def test_report_does_not_import_the_runner():
    mods = _imported_modules(PKG / "_report.py")
    assert not any(m.endswith("_runner") for m in mods), mods
    assert "provable.proofs_checks._report" in _imported_modules(PKG / "_runner.py")
    assert not any(m.endswith(("_runner", "_report")) for m in
                   _imported_modules(PKG / "_cache.py") | _imported_modules(PKG / "_verdict.py"))
