"""LaTeX rate tables for a paper: every setting's table is well formed, its maths is
LaTeX, its sources are \\cite keys that the BibTeX export defines, and (where a LaTeX
install is present) it compiles in a two-column article without an overfull box."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from test_tables import _check_latex

from provable import bounds
from provable.bounds._printing import compact_latex, prose_latex
from provable.bounds._rate import SETTINGS
from provable.errors import InvalidArgument, InvalidType

USED = [s for s in SETTINGS if bounds.search(setting=s)]


@pytest.mark.parametrize("setting", USED)
def test_every_settings_table_is_well_formed_and_cites_its_sources(setting):
    out = bounds.table(fmt="latex", setting=setting)
    _check_latex(out)
    rows = out.strip().splitlines()[5:-2]
    assert len(rows) == len(bounds.search(setting=setting))
    cited = re.findall(r"\\cite\{([^}]+)\}", out)
    assert len(cited) == len(rows)
    bib = bounds.bibtex(setting=setting)
    keys = re.findall(r"^@(?:article|misc)\{([^,]+),$", bib, re.M)
    assert set(cited) <= set(keys) and len(keys) == len(set(keys))
    assert bib.count("{") == bib.count("}")


def test_the_bibtex_export_has_every_source_once():
    bib = bounds.bibtex()
    keys = re.findall(r"^@(?:article|misc)\{([^,]+),$", bib, re.M)
    sources = {r.citation.key() for r in bounds.all()}
    assert sorted(keys) == sorted(sources)


def test_conventions_are_typeset_as_maths():
    # the examples of the issue: ASCII maths becomes LaTeX, not escaped carets
    out = bounds.table(["vi.iterations"], fmt="latex", columns="convention")
    assert r"\gamma^{k}/(1-\gamma) \le \varepsilon" in out and r"\textasciicircum" not in out
    assert prose_latex("T = KH steps (K episodes of horizon H)") == \
        r"$T = KH$ steps ($K$ episodes of horizon $H$)"
    assert prose_latex("Bernoulli arms with means mu (suboptimal) and mu_star (optimal)") == \
        r"Bernoulli arms with means $\mu$ (suboptimal) and $\mu^{\star}$ (optimal)"
    assert prose_latex("KL(pi_BoN || pi_ref) in nats") == \
        r"$\mathrm{KL}(\pi_{\mathrm{BoN}} \| \pi_{\mathrm{ref}})$ in nats"
    assert prose_latex("d-dimensional, R-sub-Gaussian noise") == \
        r"$d$-dimensional, $R$-sub-Gaussian noise"
    assert prose_latex("the sum over arms, a set; 1 bit & 50%") == \
        r"the sum over arms, a set; 1 bit \& 50\%"


def test_bounds_are_compact_inline_maths():
    assert compact_latex(r"O\left(\frac{K \log{\left(T \right)}}{\Delta}\right)") == \
        r"O(\frac{K \log T}{\Delta})"
    assert compact_latex(r"\Omega\left(\left(2 \beta + 1\right)^{- \frac{N}{2}}\right)") == \
        r"\Omega((2 \beta + 1)^{-N/2})"
    out = bounds.table(["klucb.regret"], fmt="latex")
    assert r"\operatorname{kl}(\mu, \mu^{\star})" in out and r"\left(" not in out


def test_column_selection_and_its_errors():
    out = bounds.table(["moss.regret"], fmt="latex", columns=["Setting", "lower-bound"])
    assert out.splitlines()[3] == r"Setting & Lower bound \\"
    md = bounds.table(["moss.regret"], columns="algorithm,source")
    assert md.splitlines()[0] == "| Algorithm | Source |"
    assert md.splitlines()[2] == "| MOSS | Audibert, Bubeck (2009) |"   # no [seed]-style tag
    with pytest.raises(InvalidArgument, match="column 'speed' is not known"):
        bounds.table(columns="algorithm,speed")
    with pytest.raises(InvalidArgument, match="'Bound' is asked for twice"):
        bounds.table(columns="bound,Bound")
    with pytest.raises(InvalidArgument, match="json holds every field"):
        bounds.table(fmt="json", columns="bound")
    with pytest.raises(InvalidType, match="cite='no'"):
        bounds.table(fmt="latex", cite="no")


def _overfull(tmp_path, tables: list[str], env: str) -> list[str]:
    body = "\n".join(f"\\begin{{{env}}}\\centering\n{t}\\end{{{env}}}\n\\clearpage" for t in tables)
    (tmp_path / "t.tex").write_text(
        "\\documentclass[twocolumn]{article}\n\\usepackage{amsmath,booktabs,tabularx}\n"
        "\\begin{document}\n" + body + "\n\\bibliographystyle{plain}\\bibliography{refs}\n"
        "\\end{document}\n")
    (tmp_path / "refs.bib").write_text(bounds.bibtex())
    runs = [["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"]]
    if shutil.which("bibtex"):
        runs += [["bibtex", "t"]] + runs * 2
    for cmd in runs:
        r = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        if cmd[0] == "pdflatex":
            assert r.returncode == 0, r.stdout[-3000:]
    log = (tmp_path / "t.log").read_text(errors="replace")
    assert "Citation" not in log or not shutil.which("bibtex"), "an undefined \\cite key"
    return re.findall(r"Overfull \\hbox[^\n]*\n[^\n]*", log)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no LaTeX install (pdflatex)")
def test_every_settings_table_compiles_in_a_two_column_article_without_overfull_boxes(
        tmp_path):
    tables = [bounds.table(fmt="latex", setting=s) for s in USED]
    assert _overfull(tmp_path, tables, "table") == []
    wide = [bounds.table(fmt="latex", setting=s, width=r"\textwidth",
                         columns="algorithm,quantity,bound,lower_bound,source") for s in USED]
    assert _overfull(tmp_path, wide, "table*") == []
