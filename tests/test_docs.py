"""Generated docs are current, claims point at real rates, and the site builds."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from provable import bounds
from provable import proofs_checks as pc

ROOT = Path(__file__).resolve().parent.parent


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_claim_catalogue_is_current():
    mod = _load("gen_claim_catalogue")
    assert mod.render() == (ROOT / "docs" / "catalogue.md").read_text(), \
        "run: python scripts/gen_claim_catalogue.py"


def test_every_claim_rate_id_is_in_the_registry():
    missing = {c.id: c.rate_id for c in pc.catalogue()
               if c.rate_id is not None and c.rate_id not in {r.id for r in bounds.all()}}
    assert not missing


def test_every_claim_has_quick_and_full_budgets_and_provenance():
    for c in pc.catalogue():
        assert {"quick", "full"} <= set(c.budgets), c.id
        assert c.citation.title and c.statement, c.id
        if c.citation.origin == "seed":
            assert c.citation.seed_text, c.id


@pytest.mark.skipif(shutil.which("mkdocs") is None and
                    importlib.util.find_spec("mkdocs") is None, reason="docs extra not installed")
def test_mkdocs_build_strict(tmp_path):
    out = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                          "-d", str(tmp_path / "site")], cwd=ROOT, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr[-2000:]
