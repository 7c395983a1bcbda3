"""The verdict cache: instant re-runs, --force, resume, corrupt files."""

from __future__ import annotations

import json

import pc_toy_claims as toy
import pytest

from provable import proofs_checks as pc
from provable.proofs_checks import _cache
from provable.proofs_checks._cache import cache_key, cache_path, read_cached, write_cached


def test_key_depends_on_every_ingredient():
    base = cache_key("a.b", {"n": 1}, "quick", 0, version="1.0")
    assert base["hash"] == cache_key("a.b", {"n": 1}, "quick", 0, version="1.0")["hash"]
    for other in (cache_key("a.c", {"n": 1}, "quick", 0, version="1.0"),
                  cache_key("a.b", {"n": 2}, "quick", 0, version="1.0"),
                  cache_key("a.b", {"n": 1}, "full", 0, version="1.0"),
                  cache_key("a.b", {"n": 1}, "quick", 1, version="1.0"),
                  cache_key("a.b", {"n": 1}, "quick", 0, version="1.1")):
        assert other["hash"] != base["hash"]


def test_rerun_reads_the_cache(toy_registry, tmp_path):
    first = pc.verify("toy.sqrt_rate", out=tmp_path)
    assert toy.CALLS == {"sqrt_rate": 1} and not first.get("cached")
    again = pc.verify("toy.sqrt_rate", out=tmp_path)
    assert toy.CALLS == {"sqrt_rate": 1} and again.cached
    assert again.status == first.status and again.measured == first.measured
    assert again.ci == first.ci and again.control.status == first.control.status
    assert again.data["ys"] == first.data["ys"]
    pc.verify("toy.sqrt_rate", out=tmp_path, force=True)
    assert toy.CALLS == {"sqrt_rate": 2}
    pc.verify("toy.sqrt_rate", out=tmp_path, seed=1)  # another seed: another entry
    assert toy.CALLS == {"sqrt_rate": 3}


def test_verify_all_caches_and_resumes(toy_registry, tmp_path):
    pc.verify_all(["toy.identity", "toy.flags"], out=tmp_path, progress=False)
    assert toy.CALLS == {"identity": 1, "flags": 1}
    # "interrupted" after two claims: the full run only computes the rest
    vs = pc.verify_all(out=tmp_path, progress=False)
    assert toy.CALLS["identity"] == 1 and toy.CALLS["flags"] == 1
    assert toy.CALLS["sqrt_rate"] == 1
    assert [v.get("cached", False) for v in vs if v.claim in ("toy.identity", "toy.flags")] \
        == [True, True]
    # everything cached now but the claim that could not run (errors are never cached)
    vs = pc.verify_all(out=tmp_path, progress=False)
    assert [v.claim for v in vs if not v.get("cached")] == ["toy.broken"]
    assert toy.CALLS["broken"] == 2
    assert sum(toy.CALLS.values()) == len(vs) + 1


def test_interrupted_run_keeps_what_finished(toy_registry, tmp_path):
    def stop_after_two(done, total, v):  # toy.broken (never cached), then two verdicts
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pc.verify_all(out=tmp_path, progress=stop_after_two)
    assert len(list((tmp_path / "cache").glob("*.json"))) == 2
    assert not list((tmp_path / "cache").glob("*.lock"))  # leases released
    report = (tmp_path / "report.md").read_text()
    assert "Incomplete" in report
    assert json.loads((tmp_path / "results.json").read_text())["complete"] is False
    vs = pc.verify_all(out=tmp_path, progress=False)
    assert sum(bool(v.get("cached")) for v in vs) == 2
    assert "Partial report" not in (tmp_path / "report.md").read_text()
    pc.verify_all([i for i in toy_registry if i != "toy.broken"], out=tmp_path, progress=False)
    assert json.loads((tmp_path / "results.json").read_text())["complete"] is True


def test_corrupt_cache_file_is_recomputed_with_a_warning(toy_registry, tmp_path):
    pc.verify("toy.identity", out=tmp_path)
    (path,) = (tmp_path / "cache").glob("*.json")
    path.write_text("{ not json")
    with pytest.warns(RuntimeWarning, match="unreadable"):
        v = pc.verify("toy.identity", out=tmp_path)
    assert v.notes[0]["level"] == "warning" and "unreadable" in v.notes[0]["message"]
    assert v.status == "holds" and not v.get("cached")
    assert toy.CALLS == {"identity": 2}
    json.loads(path.read_text())  # rewritten
    assert pc.verify("toy.identity", out=tmp_path).cached


def test_cache_file_with_another_key_is_not_trusted(tmp_path):
    key = cache_key("a.b", {}, "quick", 0, version="1")
    write_cached(tmp_path, key, pc.Verdict(claim="a.b", status="holds"))
    payload = json.loads(cache_path(tmp_path, key).read_text())
    payload["key"]["hash"] = "0" * 64
    cache_path(tmp_path, key).write_text(json.dumps(payload))
    with pytest.warns(RuntimeWarning):
        assert read_cached(tmp_path, key) is None
    # the same, with a checksum recomputed to match: the key itself is checked
    body = {k: payload[k] for k in ("format", "key", "code", "verdict")}
    payload["checksum"] = _cache._checksum(body)
    cache_path(tmp_path, key).write_text(json.dumps(payload))
    with pytest.warns(RuntimeWarning, match="another key"):
        assert read_cached(tmp_path, key) is None
