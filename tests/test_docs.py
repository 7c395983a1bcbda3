"""Generated docs are current, claims point at real rates, and the site builds."""

import importlib.util
import os
import re
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


DOCS_EXTRA = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python",
              "pymdownx")


def _have(mod: str) -> bool:
    try:
        return importlib.util.find_spec(mod) is not None
    except ModuleNotFoundError:
        return False


needs_docs = pytest.mark.skipif(not all(_have(m) for m in DOCS_EXTRA),
                                reason="docs extra not installed (pip install -e '.[docs]')")

#: One API page per public module, generated from its docstrings.
API_MODULES = ("provable", "provable.mdp", "provable.solvers", "provable.backends",
               "provable.bounds", "provable.automata", "provable.proofs_checks",
               "provable.errors", "provable.learners.bandits", "provable.learners.oco",
               "provable.learners.games", "provable.learners.alignment",
               "provable.learners.tabular_rl", "provable.learners.generative",
               "provable.learners.policy_gradient", "provable.learners.linear_rl")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built with ``mkdocs build --strict`` (any warning fails the build)."""
    out = tmp_path_factory.mktemp("site")
    res = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                          "-d", str(out)], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert res.returncode == 0, res.stderr[-3000:]
    return out


@needs_docs
def test_mkdocs_build_strict(site):
    assert (site / "index.html").is_file()


@needs_docs
def test_rates_page_typesets_maths_from_rate_latex(site):
    html = (site / "rates" / "index.html").read_text(encoding="utf-8")
    spans = re.findall(r'<span class="arithmatex">(.*?)</span>', html, re.S)
    # every rate is typeset, from Rate.latex() (the KL-UCB bound with kl() named)
    assert len(spans) >= len(bounds.all())
    moss = bounds.get("moss.regret").latex()
    assert any(moss in s for s in spans)
    assert r"\operatorname{kl}(\mu, \mu^{\star})" in html
    # KaTeX is served by the site itself and loaded by the page
    for asset in ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js"):
        assert (site / "assets" / "katex" / asset).is_file()
        assert f"assets/katex/{asset}" in html
    assert list((site / "assets" / "katex" / "fonts").glob("KaTeX_Main-Regular.woff2"))


@needs_docs
def test_an_api_page_per_public_module_from_the_docstrings(site):
    import importlib

    for mod in API_MODULES:
        page = site / "api" / mod / "index.html"
        assert page.is_file(), mod
        html = page.read_text(encoding="utf-8")
        m = importlib.import_module(mod)
        names = [n for n in getattr(m, "__all__", []) if callable(getattr(m, n, None))]
        # the top level's lazy names are documented on their modules' pages: linked here
        anchor = r'href="[^"]*#provable\.[\w.]+\.' if mod == "provable" else \
            rf'id="{re.escape(mod)}\.|id="provable\.[\w.]+\.'
        documented = [n for n in names if re.search(rf'(?:{anchor}){n}"', html)]
        # the page renders the module's public callables with their docstrings
        assert len(documented) >= min(len(names), 1) and \
            len(documented) >= 0.8 * len(names), (mod, sorted(set(names) - set(documented)))
        assert "doc-contents" in html, mod


@needs_docs
def test_site_has_figures_generated_by_the_script(site):
    srcs = set()
    for page in site.rglob("*.html"):
        for src in re.findall(r'<img[^>]+src="([^"]+\.png)"', page.read_text("utf-8")):
            target = (page.parent / src).resolve()
            assert target.is_file(), (page, src)
            srcs.add(target.name)
    assert len(srcs) >= 6, srcs
    generated = {p.name for p in (ROOT / "docs" / "figures").glob("*.png")}
    assert srcs <= generated  # every figure on the site comes from scripts/gen_figures.py


def test_speedup_chart_numbers_are_those_of_the_performance_page():
    text = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    for label, x, _ in _load("gen_figures").SUMMARY_SPEEDUPS:
        assert f"{x:g}x" in text or f"{x}x" in text, (label, x)


def test_api_reference_turns_rest_roles_into_maths_and_code():
    if not _have("griffe"):
        pytest.skip("docs extra not installed")
    mod = _load("griffe_rst_roles")
    text = ("Fit :math:`s(x) \\approx c x^b` with :func:`~provable.proofs_checks.fit_exponent`"
            " (:class:`provable.bounds.Rate`).\n\n    .. math::\n\n        lo = s_- + e\n\n"
            "    After.")
    assert mod.rewrite(text) == (
        "Fit \\(s(x) \\approx c x^b\\) with `fit_exponent` (`provable.bounds.Rate`).\n\n"
        "    \\[\n    lo = s_- + e\n    \\]\n\n    After.")
