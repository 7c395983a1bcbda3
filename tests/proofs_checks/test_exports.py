"""Public names of provable.proofs_checks (hypothesis-style export check)."""

from __future__ import annotations

import importlib


def test_all_matches_public_names():
    pc = importlib.import_module("provable.proofs_checks")
    # "@py_builtins", "@pytest_ar": pytest's assertion rewriting of a plugin's package
    public = {n for n in dir(pc) if not n.startswith(("_", "@"))}
    submodules = {"claims", "strategies", "tests_suite", "pytest_plugin"}
    assert set(pc.__all__) == public - submodules


def test_strategies_all():
    st = importlib.import_module("provable.proofs_checks.strategies")
    for name in st.__all__:
        assert callable(getattr(st, name)), name
