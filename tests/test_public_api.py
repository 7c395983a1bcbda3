"""The public face: names in DESIGN.md exist, have docstrings, and importing provable
does no heavy work."""

import importlib
import subprocess
import sys

import pytest

import provable as pv

PACKAGES = ["provable.mdp", "provable.solvers", "provable.backends", "provable.bounds",
            "provable.automata", "provable.proofs_checks", "provable.errors",
            "provable.learners.bandits", "provable.learners.oco", "provable.learners.games",
            "provable.learners.alignment", "provable.learners.tabular_rl",
            "provable.learners.generative", "provable.learners.policy_gradient",
            "provable.learners.linear_rl"]


def test_design_contract_names():
    for name in ("TabularMDP", "LinearMDP", "solve", "SolveResult"):
        assert hasattr(pv, name)
    for name in ("random_mdp", "river_swim", "gridworld", "chain"):
        assert callable(getattr(pv.mdp, name))
    for name in ("value_iteration", "policy_iteration", "modified_policy_iteration",
                 "linear_program", "exact_solve", "backward_induction", "average_reward",
                 "evaluate_policy", "occupancy", "lsvi"):
        assert callable(getattr(pv.solvers, name))
    assert callable(pv.TabularMDP.from_mdptoolbox) and callable(pv.TabularMDP.from_gymnasium)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_name_resolves_and_is_documented(package):
    mod = importlib.import_module(package)
    for name in mod.__all__:
        obj = getattr(mod, name)
        if callable(obj) or isinstance(obj, type):
            assert (obj.__doc__ or "").strip(), f"{package}.{name} has no docstring"


def test_import_is_light():
    code = ("import sys, provable; "
            "heavy = [m for m in ('numba', 'sympy', 'torch', 'scipy', 'matplotlib', 'cvxpy') "
            "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import provable loaded {out.stdout.strip()}"
