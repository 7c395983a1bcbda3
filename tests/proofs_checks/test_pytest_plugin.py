"""provable's pytest plugin and the property-test pattern of the docs, in a user's
project: a fresh directory and a fresh process, no ``-p`` and no ``conftest.py``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PATTERN = '''\
from hypothesis import given

import provable as pv
from provable.proofs_checks import strategies as pst


@given(pst.tabular_mdps(max_states=5, gamma=0.9))
def test_value_iteration_is_certified(mdp):
    res = pv.solve(mdp)
    assert res.converged and res.error_bound <= 1e-6


@given(pst.bandit_instances(max_arms=4))
def test_ucb1_pulls_every_arm(bandit):
    from provable.learners.bandits import simulate

    res = simulate("ucb1", bandit, T=50, seeds=2)
    assert (res.pulls >= 1).all()
'''

PROFILE = '''\
from hypothesis import settings


def test_the_profile_is_loaded():
    assert settings().max_examples == {n} and settings().deadline is None
'''


def _pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    (cwd / "pytest.ini").write_text("[pytest]\n")   # the user's project is its own rootdir
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTEST_", "HYPOTHESIS_"))}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)


def test_documented_property_test_passes_on_the_first_try_in_a_fresh_process(tmp_path):
    # hypothesis's default profile, with its 200 ms deadline: the first solve in a
    # process must not land in the first example
    (tmp_path / "test_mdp_property.py").write_text(PATTERN)
    r = _pytest(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "2 passed" in r.stdout and "Flaky" not in r.stdout


def test_thorough_profile_without_p_or_conftest(tmp_path):
    (tmp_path / "test_profile.py").write_text(PROFILE.format(n=1000))
    r = _pytest(tmp_path, "--hypothesis-profile", "thorough")
    assert r.returncode == 0, (r.stdout + r.stderr + "\n(is the pytest11 entry point of "
                               "pyproject.toml installed? pip install -e .)")


def test_a_projects_own_profiles_load_alongside_the_plugin(tmp_path):
    # provable's own tests/conftest.py registers ci and thorough again; a project's
    # conftest may redefine thorough: the later registration wins, nothing conflicts
    (tmp_path / "conftest.py").write_text(
        "from hypothesis import settings\n"
        "from provable.proofs_checks.tests_suite import register_profiles\n"
        "register_profiles()\n"
        "settings.register_profile('thorough', max_examples=7, deadline=None)\n")
    (tmp_path / "test_profile.py").write_text(PROFILE.format(n=7))
    r = _pytest(tmp_path, "--hypothesis-profile", "thorough", "-p",
                "provable.proofs_checks.tests_suite.plugin")
    assert r.returncode == 0, r.stdout + r.stderr
