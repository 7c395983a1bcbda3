"""Tables (markdown, LaTeX, HTML, JSON), the CLI function, docs/rates.md and exports."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

import provable.bounds as bounds_pkg
from provable import bounds
from provable.bounds._cli import rates_command
from provable.bounds._table import COLUMNS
from provable.errors import UnknownName

ROOT = Path(__file__).resolve().parents[2]


def _strip_math(cell: str) -> str:
    return re.sub(r"\$[^$]*\$", "", cell)


def _spec_columns(spec: str) -> str:
    """The column letters of a tabular spec (``>{...}`` prefixes and ``@{}`` removed)."""
    spec = re.sub(r">\{(?:[^{}]|\{[^{}]*\})*\}", "", spec)
    return spec.replace("@{}", "")


def _check_latex(text: str, width: str = r"\linewidth") -> None:
    lines = text.strip().splitlines()
    assert lines[0].startswith("% ") and "tabularx" in lines[0] and "booktabs" in lines[0]
    m = re.fullmatch(r"\\begin\{tabularx\}\{(.+?)\}\{(.*)\}", lines[1])
    assert m and m.group(1) == width, lines[1]
    cols = _spec_columns(m.group(2))
    assert set(cols) <= {"X", "l"} and "X" in cols, cols
    ncols = len(cols)
    hsizes = [float(h) for h in re.findall(r"\\hsize=([\d.]+)\\hsize", m.group(2))]
    if hsizes:   # tabularx needs the X widths to add up to the number of X columns
        assert abs(sum(hsizes) + (cols.count("X") - len(hsizes)) - cols.count("X")) < 0.01
    assert lines[-1] == r"\end{tabularx}" and lines[2] == r"\toprule"
    assert lines[4] == r"\midrule" and lines[-2] == r"\bottomrule"
    assert text.count(r"\begin{tabularx}") == text.count(r"\end{tabularx}") == 1
    depth = 0
    prev = ""
    for ch in text:  # balanced braces, ignoring escaped ones
        if prev != "\\":
            depth += ch == "{"
            depth -= ch == "}"
            assert depth >= 0
        prev = ch if not (prev == "\\" and ch == "\\") else ""
    assert depth == 0
    assert r"\textasciicircum" not in text and "[seed]" not in text
    for row in lines[3:4] + lines[5:-2]:
        assert row.endswith(r" \\")
        body = row[:-3]
        # every & outside math is a column separator: unescaped & count = ncols - 1
        unescaped = re.findall(r"(?<!\\)&", body)
        assert len(unescaped) == ncols - 1, row
        assert body.count("$") % 2 == 0, row
        for cell in body.split(" & "):
            plain = _strip_math(cell)
            assert not re.search(r"(?<!\\)[%#_^]", plain), cell
            assert plain.count("$") == 0


def test_latex_table_syntax_all_rates():
    _check_latex(bounds.table(fmt="latex"))
    _check_latex(bounds.table(fmt="latex", columns=list(COLUMNS), width=r"\textwidth"),
                 width=r"\textwidth")


def test_latex_escapes_special_characters():
    r = bounds.get("avg_reward.tmix")
    out = bounds.table([r], fmt="latex", columns="algorithm,convention,source")
    assert r"$t_{\mathrm{mix}}$ bounds" in out  # the convention's maths typeset
    _check_latex(out)
    from provable.bounds._printing import escape_latex
    assert escape_latex("a & b % c _ d # e $ f") == r"a \& b \% c \_ d \# e \$ f"
    assert escape_latex("{x}~^\\") == (r"\{x\}\textasciitilde{}\textasciicircum{}"
                                       r"\textbackslash{}")


def test_markdown_table():
    out = bounds.table(setting="bandit")
    lines = out.strip().splitlines()
    assert lines[0] == "| Setting | Algorithm | Quantity | Bound | Lower bound | Convention | Source |"
    assert all(re.sub(r"\\\|", "", ln).count("|") == 8 for ln in lines)
    assert "| bandit | MOSS | regret (upper) | O(√(K·T)) | Ω(√(K·T)) |" in out
    assert len(lines) == 2 + len(bounds.search(setting="bandit"))


def test_html_and_json():
    out = bounds.table(["ucbvi.regret", "ucbvi.lower"], fmt="html")
    assert out.count("<tr>") == 3 and "<th>Lower bound</th>" in out
    assert "&lt;" not in out.split("<tbody>")[0]
    data = json.loads(bounds.table(fmt="json", kind="lower"))
    assert {d["id"] for d in data} == {r.id for r in bounds.search(kind="lower")}
    ucbvi = json.loads(bounds.table(["ucbvi.regret"], fmt="json"))[0]
    assert ucbvi["lower_bound"] == "ucbvi.lower"
    assert ucbvi["citation"]["arxiv"] == "1703.05449"
    assert ucbvi["polylog"] == "log(T)"


def test_table_filters_and_errors():
    assert bounds.table(setting="automata").count("\n") == 2 + 4
    with pytest.raises(UnknownName, match="fmt='tex'"):
        bounds.table(fmt="tex")
    with pytest.raises(UnknownName, match="nope"):
        bounds.table(["nope"])


def test_rates_command():
    out = rates_command("latex", setting="average-reward MDP")
    _check_latex(out)
    assert out.count(r" \\") == 4  # header + 3 rates
    assert rates_command("bibtex", setting="average-reward MDP").startswith("@")
    assert rates_command(kind="lower", quantity="regret").startswith("| Setting |")
    with pytest.raises(UnknownName, match="Did you mean"):
        rates_command(setting="tabular")


def test_docs_rates_md_is_current():
    spec = importlib.util.spec_from_file_location("gen_rate_tables",
                                                  ROOT / "scripts" / "gen_rate_tables.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    committed = (ROOT / "docs" / "rates.md").read_text(encoding="utf-8")
    assert mod.render() == committed, "run: python scripts/gen_rate_tables.py"


def test_public_exports():
    assert set(bounds_pkg.__all__) == {
        "Rate", "Citation", "Variable", "Growth", "Comparison", "get", "search", "all",
        "table", "bibtex", "compare"}
    public = {n for n in dir(bounds_pkg) if not n.startswith("_")}
    assert set(bounds_pkg.__all__) <= public
    assert public - set(bounds_pkg.__all__) <= {"annotations"}


def test_bounds_depends_only_on_small_modules():
    for path in (ROOT / "provable" / "bounds").rglob("*.py"):
        src = path.read_text(encoding="utf-8")
        for mod in re.findall(r"^\s*(?:from|import)\s+(provable[\w.]*)", src, re.M):
            assert mod.startswith(("provable.bounds", "provable.errors",
                                   "provable._validation", "provable._result")), (path, mod)
