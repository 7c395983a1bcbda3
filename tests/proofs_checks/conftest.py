"""Fixtures of the claim-engine tests: an isolated registry holding the toy claims."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import pc_toy_claims  # noqa: E402

from provable.proofs_checks import _claim  # noqa: E402


@pytest.fixture
def toy_registry(monkeypatch):
    """Replace the claim registry by the toy claims only (real claim modules not loaded)."""
    reg = {c.id: c for c in pc_toy_claims.TOY_CLAIMS}
    monkeypatch.setattr(_claim, "_REGISTRY", reg)
    monkeypatch.setattr(_claim, "_LOADED", True)
    pc_toy_claims.CALLS.clear()
    return reg


@pytest.fixture
def empty_registry(monkeypatch):
    """An empty catalogue."""
    monkeypatch.setattr(_claim, "_REGISTRY", {})
    monkeypatch.setattr(_claim, "_LOADED", True)
    return {}
