"""report.html: self-contained, summary figure first, a figure per claim, truthful labels."""

from __future__ import annotations

import base64
import math
import re

import numpy as np
import pytest

from provable import proofs_checks as pc
from provable.proofs_checks import _report, _report_html

PNG = b"\x89PNG\r\n\x1a\n"


def _images(html: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'src="data:image/png;base64,([^"]+)"', html)]


def test_html_report_is_self_contained_with_a_figure_per_claim(toy_registry, tmp_path):
    vs = pc.verify_all(out=tmp_path, progress=False)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    # no image is loaded from outside the file: every <img> is a data URI of a real PNG
    assert len(re.findall(r"<img ", html)) == len(_images(html))
    imgs = _images(html)
    assert all(b[:8] == PNG for b in imgs)
    ran = [v for v in vs if v.status != "error"]
    # the summary figure plus one per claim that ran (the broken one has none)
    assert len(imgs) == len(ran) + 1
    # the summary figure comes before the first claim section
    assert html.index('class="forest"') < html.index("<h2")
    assert html.count("<h2") == len(vs)
    # each row links to its section
    for v in vs:
        anchor = _report._anchor(v.claim)
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    # identity and property rows say what their number is
    assert "largest residual |lhs − rhs|; holds when ≤ 1e-12" in html
    assert "fraction of the cases that pass; holds only when every case passes (1)" in html
    assert "statistic: mean over 8 seeds; interval: studentized jackknife over seeds, 95%" \
        in html
    # the "claim says" cell of an identity and of a property states its threshold
    assert "<td>residual ≤ 1e-12</td>" in html and "<td>every case passes (fraction 1)</td>" in html
    assert "ValueError: boom at n=100" in html  # the broken claim's traceback


def test_one_seed_is_never_called_a_mean_with_an_interval(tmp_path):
    v = pc.check_rate(lambda T, s: T ** 0.5, [10, 100, 1000, 10000], seeds=1, label="one")
    assert _report.statistic_label(v) == "1 seed (no interval)"
    pc.write_report([v], tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    measured = re.search(r"<dt>Measured</dt><dd>(.*?)</dd>", html).group(1)
    assert measured.endswith("statistic: 1 seed (no interval)"), measured


def test_one_exact_curve_is_called_deterministic():
    v = pc.check_rate(lambda T, s: T ** 0.5, [10, 100, 1000, 10000], seeds=1, label="exact",
                      deterministic=True)
    assert _report.statistic_label(v) == "1 curve (deterministic)"


def test_threshold_is_the_claimed_band():
    def v(kind, e=0.5, tol=0.1):
        return {"expected": e, "tolerance": tol, "data": {"rate_kind": kind}}

    assert _report.threshold(v("upper")) == (-math.inf, 0.6)
    assert _report.threshold(v("lower")) == (0.4, math.inf)
    assert _report.threshold(v("tight")) == (0.4, 0.6)
    assert _report.threshold({"expected": 1.0, "data": {}}) is None


def _rate(claim, slope, status):
    xs = np.geomspace(10, 1e4, 6)
    ys = xs[None, :] ** slope * np.ones((8, 1))
    v = pc.rate_verdict(xs, ys, expected=0.5, kind="upper", tol=0.1, var="T",
                        deterministic=True)
    v["claim"] = claim
    assert v.status == status
    return v


def test_forest_has_a_row_per_rate_claim_and_none_without_rates(tmp_path):
    from matplotlib.image import imread

    vs = [_rate("a", 0.5, "holds"), _rate("b", 0.9, "violated")]
    p = _report.plot_forest(vs, tmp_path / "f.png")
    h2 = imread(p).shape[0]
    p = _report.plot_forest(vs + [_rate("c", 0.3, "holds")], tmp_path / "g.png")
    assert imread(p).shape[0] > h2  # one more row, a taller figure
    ident = pc.Verdict(claim="i", status="holds", measured=0.0, expected=0.0, tolerance=1e-9,
                       data={"residual": 0.0})
    assert _report.plot_forest([ident], tmp_path / "h.png") is None
    assert not (tmp_path / "h.png").exists()


@pytest.mark.parametrize("kind, v", [
    ("residual", {"measured": 1e-14, "tolerance": 1e-12, "data": {"residual": 1e-14}}),
    ("cases", {"measured": 0.25, "expected": 1.0, "tolerance": 0.0, "data": {},
               "reason": "p: case 1 fails (3 of 4 fail)"}),
    ("value", {"measured": 3.0, "expected": 2.0, "tolerance": 0.5, "data": {}}),
])
def test_outcome_figure_for_every_non_rate_kind(tmp_path, kind, v):
    v = {"claim": "x", "status": "holds", "reason": "", **v,
         "control": {"status": "violated", "measured": 0.5}}
    assert _report.outcome_kind(v) == kind
    p = _report.plot_outcome(v, tmp_path / "o.png")
    assert p.read_bytes()[:8] == PNG


def test_an_evidence_line_can_be_added(tmp_path, monkeypatch):
    monkeypatch.setattr(_report_html, "EVIDENCE", [*_report_html.EVIDENCE,
                                                   lambda v, c: [("Extra", "line 42")]])
    v = pc.Verdict(claim="demo", status="inconclusive", reason="short grid")
    pc.write_report([v], tmp_path)
    assert "<dt>Extra</dt><dd>line 42</dd>" in (tmp_path / "report.html").read_text()


def test_case_fraction_is_read_from_the_reason_not_from_an_unrelated_measured_value():
    v = {"measured": 0.183, "expected": 1.0, "reason": "mean + 3 SE <= bound: all 51 cases pass"}
    assert _report.outcome_kind(v) == "cases" and _report.case_fraction(v) == 1.0
    assert _report.case_fraction({"reason": "q: case 2 fails (1 of 4 fail)"}) == 0.75
    assert "the claim's own statistic" in _report._outcome_meaning(v)


def test_exponential_rate_is_drawn_semi_log(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    N = np.arange(1.0, 11.0)
    xs = np.exp(N)
    v = pc.rate_verdict(xs, np.exp(-0.5 * N)[None, :] * np.ones((8, 1)), expected=-0.5,
                        kind="upper", tol=0.05, var="N (as e^N)", deterministic=True,
                        min_decades=0.5)
    seen = {}
    orig = Figure.savefig

    def spy(self, *a, **k):
        ax = self.axes[0]
        seen.update(x=ax.get_xscale(), y=ax.get_yscale(), label=ax.get_xlabel(),
                    xmax=ax.get_xlim()[1])
        return orig(self, *a, **k)

    monkeypatch.setattr(Figure, "savefig", spy)
    _report.plot_rate(v, tmp_path / "e.png")
    assert seen["x"] == "linear" and seen["y"] == "log"
    assert seen["label"].startswith("N (semi-log")
    assert 10 <= seen["xmax"] < 12  # the axis is N itself, not e^N
