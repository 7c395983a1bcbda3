"""The runner: verify / verify_all, errors as verdicts, parallel and Dask execution."""

from __future__ import annotations

import pc_toy_claims as toy
import pytest

from provable import proofs_checks as pc
from provable.errors import InvalidArgument, InvalidType, UnknownName


def test_verify_fills_claim_seconds_and_keeps_control(toy_registry):
    v = pc.verify("toy.sqrt_rate", budget="quick", seed=3)
    assert v.claim == "toy.sqrt_rate" and v.status == "holds"
    assert v.seconds >= 0 and v.budget == "quick" and v.seed == 3
    assert v.control.status == "violated"
    assert v.control.claim == "toy.sqrt_rate (control)"
    assert v.data["var"] == "T" and len(v.data["ys"]) == 8


def test_budget_selects_params(toy_registry):
    v = pc.verify("toy.sqrt_rate", budget="full")
    assert len(v.data["ys"]) == 32


def test_experiment_that_raises_is_an_error_with_the_exception(toy_registry):
    v = pc.verify("toy.broken")
    assert v.status == "error" and v.is_error and not v.ok
    assert "ValueError" in v.reason and "boom at n=100" in v.reason
    assert "traceback" in v.data["error"]


def test_unknown_claim_suggests_the_nearest(toy_registry):
    with pytest.raises(UnknownName, match="toy.sqrt_rate"):
        pc.verify("toy.sqrt_rat")


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"budget": "medium"}, UnknownName, "budget='medium'.*quick"),
    ({"budget": "qick"}, UnknownName, "Did you mean 'quick'"),
    ({"seed": -1}, InvalidArgument, "seed=-1"),
    ({"seed": 1.5}, InvalidType, "seed=1.5"),
])
def test_invalid_arguments(toy_registry, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        pc.verify("toy.identity", **kwargs)
    with pytest.raises(exc, match=match):
        pc.verify_all(["toy.identity"], progress=False, **kwargs)


def test_verify_all_rejects_jobs_zero_and_unknown_ids_before_running(toy_registry):
    with pytest.raises(InvalidArgument, match="jobs=0"):
        pc.verify_all(jobs=0, progress=False)
    with pytest.raises(UnknownName, match="toy.flags"):
        pc.verify_all(["toy.identity", "toy.flag"], progress=False)
    assert toy.CALLS == {}


def test_verify_all_runs_the_catalogue_in_order(toy_registry):
    seen = []
    vs = pc.verify_all(progress=lambda done, total, v: seen.append((done, total, v.claim)))
    assert [v.claim for v in vs] == sorted(toy_registry)
    assert [s[0] for s in seen] == list(range(1, len(vs) + 1))
    assert {s[1] for s in seen} == {len(vs)}
    by = {v.claim: v for v in vs}
    assert by["toy.fast_rate"].status == "violated"
    assert by["toy.broken"].status == "error"
    assert by["toy.identity"].status == "holds"


def test_failures_rule():
    def mk(status, ctrl):
        v = pc.Verdict(claim=f"{status}/{ctrl}", status=status, reason="r")
        if ctrl:
            v["control"] = pc.Verdict(claim="c", status=ctrl, reason="r")
        return v

    vs = [mk("holds", "violated"), mk("holds", "inconclusive"), mk("holds", None),
          mk("violated", "violated"), mk("inconclusive", None),
          mk("inconclusive", "inconclusive"), mk("error", None)]
    fails = dict(pc.failures(vs))
    assert set(fails) == {"holds/inconclusive", "holds/None", "violated/violated", "error/None"}
    assert fails["error/None"] == "could not run: r"
    assert [pc.exit_code([v]) for v in vs] == [0, 1, 1, 1, 0, 0, 3]
    assert pc.exit_code(vs) == 1 and pc.exit_code(vs[-3:]) == 3 and pc.exit_code([]) == 0


def test_parallel_joblib_matches_serial(toy_registry):
    ids = ["toy.sqrt_rate", "toy.identity", "toy.broken", "toy.flags"]
    serial = pc.verify_all(ids, progress=False)
    par = pc.verify_all(ids, jobs=2, progress=False)
    assert [v.claim for v in par] == ids
    for a, b in zip(serial, par):
        assert a.status == b.status and a.measured == b.measured
        assert a.get("control", {}).get("status") == b.get("control", {}).get("status")


def test_dask_local_cluster(toy_registry):
    distributed = pytest.importorskip("distributed")
    ids = ["toy.sqrt_rate", "toy.identity", "toy.broken"]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        vs = pc.verify_all(ids, scheduler=cluster.scheduler_address, progress=False)
        with distributed.Client(cluster) as client:  # a connected client works too
            vs2 = pc.verify_all(["toy.flags"], scheduler=client, progress=False)
            assert client.status == "running"  # not closed by verify_all
    assert [v.claim for v in vs] == ids
    assert [v.status for v in vs] == ["holds", "holds", "error"]
    assert vs[0].control.status == "violated"
    assert "ValueError" in vs[2].reason
    assert vs2[0].status == "holds"


def test_modules_register_extra_claims(toy_registry, tmp_path, monkeypatch):
    (tmp_path / "pc_extra_claims_mod.py").write_text(
        "from provable.proofs_checks import claim, residual_verdict\n"
        "from provable.bounds._citation import Citation\n"
        "@claim(id='extra.zero', statement='0 == 0', kind='identity',\n"
        "       citation=Citation('Extra', origin='reference'),\n"
        "       budgets={'quick': {}, 'full': {}})\n"
        "def _zero(params, seed):\n"
        "    return residual_verdict(0.0, tol=1e-12, control_residual=1.0, what='0-0')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    vs = pc.verify_all(["extra.zero"], modules=["pc_extra_claims_mod"], progress=False)
    assert vs[0].status == "holds" and vs[0].control.status == "violated"
    with pytest.raises(InvalidArgument, match="no_such_module_xyz"):
        pc.verify_all(modules=["no_such_module_xyz"], progress=False)


def test_verify_all_covers_the_catalogue(toy_registry):
    vs = pc.verify_all(progress=False)
    assert sorted(v.claim for v in vs) == sorted(c.id for c in pc.catalogue())
