"""pytest plugin of ``scripts/mutation.py``: which test executes which line of a module.

Loaded with ``-p _mutation_coverage`` (``scripts/`` on ``PYTHONPATH``) when the
environment names a target file (``PROVABLE_MUTATION_TARGET``, an absolute path) and an
output file (``PROVABLE_MUTATION_MAP``). Each test runs under its own coverage context
(its pytest node id); at the end the plugin writes JSON::

    {"lines": {"<line>": ["<node id>", ...]}, "outside": [<line>, ...],
     "durations": {"<node id>": seconds}, "order": ["<node id>", ...]}

A mutant whose lines no test executes cannot be killed by the selection; one that only
some tests execute needs only those (a test that never reaches the mutated line runs
the same program). ``outside`` lists the lines executed outside any test (at import
or collection): a change there can reach every test.
"""

from __future__ import annotations

import json
import os
import time

import pytest

_TARGET = os.environ.get("PROVABLE_MUTATION_TARGET")
_OUT = os.environ.get("PROVABLE_MUTATION_MAP")
_state: dict = {"cov": None, "durations": {}, "order": []}


def pytest_configure(config):  # noqa: ARG001
    if not (_TARGET and _OUT):
        return
    import coverage

    cov = coverage.Coverage(data_file=None, include=[_TARGET], branch=False,
                            config_file=False)
    cov.start()
    _state["cov"] = cov


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):  # noqa: ARG001
    cov = _state["cov"]
    if cov is None:
        yield
        return
    cov.switch_context(item.nodeid)
    t0 = time.perf_counter()
    yield
    _state["durations"][item.nodeid] = time.perf_counter() - t0
    _state["order"].append(item.nodeid)
    cov.switch_context("")


def pytest_unconfigure(config):  # noqa: ARG001
    cov = _state["cov"]
    if cov is None:
        return
    cov.stop()
    data = cov.get_data()
    lines: dict[str, list[str]] = {}
    outside: list[int] = []
    for f in data.measured_files():
        if os.path.realpath(f) != os.path.realpath(_TARGET):
            continue
        for line, ctxs in data.contexts_by_lineno(f).items():
            named = sorted(c for c in ctxs if c)
            if named:
                lines[str(line)] = named
            if "" in ctxs:
                outside.append(line)
    with open(_OUT, "w") as fh:
        json.dump({"lines": lines, "outside": sorted(outside),
                   "durations": _state["durations"], "order": _state["order"]}, fh)
