"""What the report's figures and texts say: the y-axis names the quantity the claim's
rate bounds, an exponential rate is drawn semi-log with short slopes, the legend names
the negative control, exact zeros are labelled, red marks only what needs attention,
and the text shows the paper, never the files it was prepared from."""

from __future__ import annotations

import re

import numpy as np
import pytest

from provable import proofs_checks as pc
from provable.bounds import Citation
from provable.proofs_checks import _claim, _report
from provable.proofs_checks._claim import Claim


def _register(monkeypatch, cid, rate_id=None, citation=None):
    cit = citation or Citation("A Paper", "Someone", 2020, origin="reference")
    c = Claim(id=cid, statement="s", kind="rate_upper", citation=cit,
              experiment=lambda p, s: None, rate_id=rate_id)
    monkeypatch.setattr(_claim, "_REGISTRY", {cid: c})
    monkeypatch.setattr(_claim, "_LOADED", True)
    return c


def _legend(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def _sig_digits(label: str) -> list[int]:
    """Significant digits of every decimal number in a label."""
    out = []
    for num in re.findall(r"-?\d+\.\d+(?:e[-+]?\d+)?|-?\d+(?:e[-+]?\d+)?", label):
        mant = num.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
        out.append(len(mant))
    return out


def _noisy(xs, fn, n=8, seed=0):
    rng = np.random.default_rng(seed)
    return np.array([fn(xs) * np.exp(0.05 * rng.standard_normal(len(xs))) for _ in range(n)])


def test_the_y_axis_names_what_the_claims_rate_bounds(monkeypatch):
    xs = np.geomspace(1e2, 1e4, 5)
    v = pc.rate_verdict(xs, _noisy(xs, lambda x: x ** -0.5), expected=-0.5, kind="upper",
                        tol=0.1, var="N")
    v["claim"] = "nash_mp.last_iterate"
    _register(monkeypatch, "nash_mp.last_iterate", rate_id="nash_mp.kl")
    assert _report.rate_figure(v).axes[0].get_ylabel() == \
        "KL to the regularised Nash equilibrium (mean)"
    _register(monkeypatch, "lstar.exact", rate_id="lstar.membership_queries")
    v["claim"] = "lstar.exact"
    assert _report.rate_figure(v).axes[0].get_ylabel().startswith("membership queries")
    # a user's check names its own quantity; without one the axis says so plainly
    w = pc.check_rate(lambda T, seed: 2.0 * np.sqrt(T) * (1 + 0.01 * seed), grid=[1e2, 1e3, 1e4],
                      seeds=4, quantity="regret of my bandit")
    assert _report.rate_figure(w).axes[0].get_ylabel() == "regret of my bandit (mean)"
    w["data"].pop("quantity")
    assert _report.rate_figure(w).axes[0].get_ylabel() == "measured value (mean)"


def test_an_exponential_rate_is_drawn_semi_log_with_three_digit_slopes():
    N = np.arange(4.0, 44.0, 4.0)      # x = e^N reaches e^40 ~ 2e17 on a log axis
    xs = np.exp(N)
    v = pc.rate_verdict(xs, _noisy(xs, lambda x: x ** (-1 / 3)), expected=-1 / 3,
                        kind="upper", tol=0.05, var="N (as e^N)")
    fig = _report.rate_figure(v)
    ax = fig.axes[0]
    assert ax.get_xscale() == "linear" and ax.get_yscale() == "log"
    assert ax.get_xlim()[1] < 100          # N itself, not e^N
    labels = _legend(fig)
    assert any(lab.startswith("fit over the top window: e^(") for lab in labels)
    for lab in labels:
        assert all(d <= 3 for d in _sig_digits(lab)), lab
    assert "semi-log" in ax.get_xlabel()


def test_the_legend_names_the_control_of_both_kinds():
    xs = np.geomspace(1e2, 1e4, 5)
    ys = _noisy(xs, np.sqrt)
    planted = pc.rate_verdict(xs, ys, expected=0.5, kind="upper", tol=0.1, var="T",
                              control_ys=_noisy(xs, lambda x: x, seed=1))
    assert planted.control.status == "violated"
    assert "control: planted wrong algorithm, mean (violated)" in _legend(
        _report.rate_figure(planted))
    auto = pc.rate_verdict(xs, ys, expected=0.5, kind="upper", tol=0.1, var="T")
    (lab,) = [t for t in _legend(_report.rate_figure(auto)) if t.startswith("control:")]
    ce = auto.control.expected
    assert lab == f"control: slope ≤ {ce:.3g}, a false statement (violated)"


def test_an_exact_zero_residual_is_labelled():
    v = pc.residual_verdict(0.0, tol=1e-9, control_residual=0.5, what="identity")
    fig = _report.outcome_figure(v)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "claim: holds (exactly 0)" in texts
    assert "exactly 0 (at the left edge of the log axis)" in _legend(fig)
    spec = _report.figure_spec([1, 2, 3], [0.0, 1e-3, 1e-2], xlabel="n", ylabel="gap",
                               logy=True)
    w = pc.Verdict(claim="z", status="holds", reason="r", data={"figure": spec})
    assert "exactly 0 (at the floor of the log axis)" in _legend(_report.spec_figure(w))


def test_red_marks_only_what_needs_attention():
    from provable.cli import _status
    from provable.proofs_checks._report_html import _badge

    red = _report.status_colour("violated")
    assert _report.status_colour("violated", control=True) != red     # correctly rejected
    assert _report.status_colour("holds", control=True) == red        # a control that failed
    assert "red" not in str(_status("violated", control=True).style)
    assert "red" in str(_status("violated").style) and "red" in str(_status("holds", True).style)
    assert red not in _badge("violated", control=True) and red in _badge("violated")
    v = pc.residual_verdict(0.0, tol=1e-9, control_residual=0.5, what="identity")
    bars = [p for p in _report.outcome_figure(v).axes[0].patches]
    from matplotlib.colors import to_hex

    assert to_hex(bars[1].get_facecolor()) == _report.status_colour("violated", control=True)


def test_the_report_shows_the_paper_and_not_the_seed_files(monkeypatch, tmp_path):
    cit = Citation("A Paper on Rates", "Someone, Else", 2021, arxiv="2101.00001",
                   seed_file="017_0123456789abcdef.txt", seed_text="We prove a rate.")
    _register(monkeypatch, "paper.rate", citation=cit)
    xs = np.geomspace(1e2, 1e4, 5)
    v = pc.rate_verdict(xs, _noisy(xs, np.sqrt), expected=0.5, kind="upper", tol=0.1, var="T")
    v["claim"] = "paper.rate"
    pc.write_report([v], tmp_path)
    for name in ("report.md", "report.html"):
        text = (tmp_path / name).read_text()
        assert "017_0123456789abcdef" not in text and "seed file" not in text.lower(), name
        assert "origin:" not in text and "Seed text" not in text, name
        assert "A Paper on Rates" in text and "arXiv:2101.00001" in text, name
        assert "Abstract (verbatim)" in text and "We prove a rate." in text, name


@pytest.mark.parametrize("quantity", [3, ""])
def test_check_rate_refuses_a_bad_quantity(quantity):
    from provable.errors import InvalidType

    with pytest.raises(InvalidType, match="quantity="):
        pc.check_rate(lambda T, seed: float(T), grid=[10, 100, 1000], quantity=quantity)
