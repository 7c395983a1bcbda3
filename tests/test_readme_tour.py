"""The README's Tour runs as written, top to bottom."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"


def tour_block() -> str:
    """The first ```python block under the "## Tour" heading of README.md."""
    text = README.read_text(encoding="utf-8")
    m = re.search(r"^## Tour\s*$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    if m is None:
        pytest.fail("README.md has no '## Tour' section")
    code = re.search(r"^```python\n(.*?)^```", m.group(1), flags=re.M | re.S)
    if code is None:
        pytest.fail("README.md's Tour has no ```python block")
    return code.group(1)


def test_tour_block_is_found():
    src = tour_block()
    assert "import provable as pv" in src and "pc.check_rate(" in src


def test_readme_tour_runs_top_to_bottom(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything the tour writes stays out of the tree
    ns: dict = {"__name__": "__readme_tour__"}
    exec(compile(tour_block(), str(README) + ":Tour", "exec"), ns)
    # what the tour's comments say about the names it binds
    import sympy as sp

    assert ns["r"].exponent("T") == sp.Rational(1, 2)
    assert (ns["v"].status, ns["v"].control.status) == ("holds", "violated")
    assert 1 <= ns["res"].equivalence_queries <= 50  # EQ <= n (n = 50 states)
    assert ns["exact"].method == "exact"
