"""A user's own claim, from the command line in a fresh directory: verified, re-verified
from the cache, edited (the claim's module, then a helper module it calls) and
re-verified. Each edit gives a new verdict that reflects it; an unchanged re-run says
that it reused the cached verdict."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CLAIMS = '''\
import my_algos

from provable.bounds import Citation
from provable.proofs_checks import claim, flags_verdict


@claim(id="mine.e2e", statement="my_algos.score() is true", kind="property",
       citation=Citation("A note", origin="reference"), budgets={"quick": {}, "full": {}})
def _check(params, seed):
    ok = OK
    return flags_verdict([ok and my_algos.score()], what="score",
                         control_flags=[False], control_what="never")
'''


def _verify(cwd: Path) -> tuple[int, str, str, str]:
    r = subprocess.run([sys.executable, "-m", "provable", "verify", "mine.e2e", "--load",
                        "my_claims", "--out", "o"], capture_output=True, text=True, cwd=cwd,
                       timeout=300)
    res = json.loads((cwd / "o" / "results.json").read_text())
    (v,) = res["verdicts"]
    return r.returncode, v["status"], r.stdout + r.stderr, (cwd / "o" / "report.md").read_text()


def _row(report: str) -> str:
    (row,) = [ln for ln in report.splitlines() if ln.startswith("| [mine.e2e]")]
    return row


def test_edits_to_a_users_claim_and_its_helpers_give_new_verdicts(tmp_path):
    algos = tmp_path / "my_algos.py"
    claims = tmp_path / "my_claims.py"
    algos.write_text("def score():\n    return True\n")
    claims.write_text(CLAIMS.replace("OK", "True"))

    rc, status, out, report = _verify(tmp_path)
    assert (rc, status) == (0, "holds"), out
    assert "(cached)" not in out and "(cached)" not in _row(report)

    rc, status, out, report = _verify(tmp_path)           # nothing changed: reused
    assert (rc, status) == (0, "holds"), out
    assert "(cached)" in out and "(cached)" in _row(report)

    algos.write_text("def score():\n    return 1 > 2\n")   # the helper the claim calls
    rc, status, out, report = _verify(tmp_path)
    assert (rc, status) == (1, "violated"), out
    assert "(cached)" not in out and "(cached)" not in _row(report)

    algos.write_text("def score():\n    return True\n")    # the helper fixed and the
    claims.write_text(CLAIMS.replace("OK", "False"))       # claim's own code broken
    rc, status, out, report = _verify(tmp_path)
    assert (rc, status) == (1, "violated"), out           # the helper alone would hold
    assert "(cached)" not in out


def test_user_sources_follows_the_users_code_and_leaves_libraries_out(tmp_path, monkeypatch):
    import importlib

    from provable.proofs_checks._cache import code_hash, user_sources

    (tmp_path / "e2e_deep.py").write_text("def leaf():\n    return 1\n")
    (tmp_path / "e2e_mid.py").write_text(
        "from e2e_deep import leaf\n\nclass Algo:\n    def run(self):\n        return leaf()\n")
    (tmp_path / "e2e_unused.py").write_text("X = 1\n")
    (tmp_path / "e2e_top.py").write_text(
        "import numpy as np\nimport e2e_unused\nimport e2e_mid\n\n"
        "def experiment(params, seed):\n"
        "    return [e2e_mid.Algo().run() + np.zeros(1) for _ in range(2)]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    top = importlib.import_module("e2e_top")
    names = sorted(p.name for p in user_sources(top.experiment))
    # e2e_unused is imported but never used by the experiment; numpy is a library
    assert names == ["e2e_deep.py", "e2e_mid.py", "e2e_top.py"]
    before = code_hash(top.experiment)
    (tmp_path / "e2e_deep.py").write_text("def leaf():\n    return 22\n")
    assert code_hash(top.experiment) != before
    (tmp_path / "e2e_unused.py").write_text("X = 2222\n")
    after = code_hash(top.experiment)
    (tmp_path / "e2e_unused.py").write_text("X = 33333\n")
    assert code_hash(top.experiment) == after
