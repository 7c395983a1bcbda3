"""report.md, results.json and the plots."""

from __future__ import annotations

import json
import re

import pytest

from provable import proofs_checks as pc
from provable.proofs_checks import _report


def test_report_files(toy_registry, tmp_path):
    vs = pc.verify_all(out=tmp_path, progress=False)
    report = (tmp_path / "report.md").read_text()
    results = json.loads((tmp_path / "results.json").read_text())
    assert {d["claim"] for d in results["verdicts"]} == set(toy_registry)
    assert results["counts"] == {"holds": 4, "violated": 1, "inconclusive": 0, "error": 1}
    assert results["complete"] is False  # toy.broken could not run
    assert results["exit_code"] == 1  # toy.fast_rate is violated
    assert {f["claim"] for f in results["failures"]} == {"toy.fast_rate", "toy.no_control",
                                                         "toy.broken"}
    assert "4 holds, 1 violated, 0 inconclusive, 1 could not run (error)." in report
    assert "Could not run:" in report and "**Incomplete:** 1 claim could not run" in report
    # table with source, arXiv link, control, time
    assert "| claim | source | expected | measured (CI) | verdict | control | time |" in report
    assert "[arXiv:2401.00001](https://arxiv.org/abs/2401.00001)" in report
    assert "exponent of T ≤ 0.5 + 0.1" in report
    # per-claim section: seed text verbatim, restored text, design, reason, plot
    assert "> the regret is O( T) after T rounds" in report
    assert "> the regret is O(√T) after T rounds" in report
    assert "**Design.** toy experiment" in report
    assert re.search(r"!\[toy\.sqrt_rate\]\(plots/toy\.sqrt_rate-[0-9a-f]{10}\.png\)", report)
    assert "ValueError: boom at n=100" in report
    assert "toy.no_control`: holds but has no negative control" in report
    for name in ("toy.sqrt_rate", "toy.fast_rate"):
        (png,) = (tmp_path / "plots").glob(f"{name}-*.png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # an identity without a figure of its own gets its residual against the tolerance
    (png,) = (tmp_path / "plots").glob("toy.identity-*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # results.json round-trips into verdicts
    back = [pc.Verdict.from_dict({k: v for k, v in d.items()
                                  if k not in ("plot", "statement", "kind", "source")})
            for d in results["verdicts"]]
    assert [b.status for b in back] == [v.status for v in vs]
    assert pc.read_results(tmp_path)["counts"] == results["counts"]


def test_empty_report_says_so(tmp_path):
    path = pc.write_report([], tmp_path)
    assert "No claims were run" in path.read_text()
    assert json.loads((tmp_path / "results.json").read_text())["verdicts"] == []


def test_a_failing_plot_still_gives_a_report(toy_registry, tmp_path, monkeypatch):
    def boom(v, path):
        raise RuntimeError("no canvas")

    monkeypatch.setattr(_report, "plot_rate", boom)
    vs = pc.verify_all(["toy.sqrt_rate", "toy.identity"], progress=False)
    pc.write_report(vs, tmp_path)
    text = (tmp_path / "report.md").read_text()
    assert "The plot could not be drawn: RuntimeError: no canvas" in text
    assert "## toy.identity" in text


def test_user_verdict_without_claim_and_odd_values(tmp_path):
    v = pc.check_rate(lambda T, s: T ** 0.5 * (1 + 0.01 * s), [10, 100, 1000], seeds=3,
                      label="my|algo")
    w = pc.Verdict(claim="weird", status="holds", measured=[1, 2], expected="x | y",
                   reason="multi\nline")
    path = pc.write_report([v, w], tmp_path)
    text = path.read_text()
    assert "user check" in text and "my\\|algo" in text
    assert len(list((tmp_path / "plots").glob("my~7Calgo-*.png"))) == 1


def test_unreadable_results_is_none(tmp_path):
    assert pc.read_results(tmp_path) is None
    (tmp_path / "results.json").write_text("[")
    assert pc.read_results(tmp_path) is None


@pytest.mark.parametrize("polylog", [0, 1])
def test_plot_rate_with_polylog(tmp_path, polylog):
    import numpy as np

    xs = np.array([10.0, 100, 1000, 10000])
    ys = np.sqrt(xs) * np.log(xs) ** polylog * np.ones((4, 1))
    # ys = x^(1/2) (log x)^p exactly: slope 1/2, intercept 0 after dividing out the polylog
    fit = {"slope": 0.5, "intercept": 0.0, "ci": [0.5, 0.5], "polylog": polylog}
    v = pc.Verdict(claim="demo", status="holds", expected=0.5, tolerance=0.1, reason="exact",
                   data={"xs": xs.tolist(), "ys": ys.tolist(), "fit": fit, "var": "n",
                         "rate_kind": "tight"})
    v["control"] = pc.Verdict(claim="demo (control)", status="violated", expected=1.0,
                              reason="slope 1/2 is not 1")
    p = _report.plot_rate(v, tmp_path / "p.png")
    assert p.stat().st_size > 1000


def test_plots_are_reused_for_identical_verdicts_and_replaced_otherwise(toy_registry, tmp_path):
    v = pc.verify("toy.sqrt_rate")
    pc.write_report([v], tmp_path)
    (png,) = (tmp_path / "plots").glob("toy.sqrt_rate-*.png")
    mtime = png.stat().st_mtime_ns
    pc.write_report([v], tmp_path)
    assert png.stat().st_mtime_ns == mtime
    pc.write_report([pc.verify("toy.sqrt_rate", seed=1)], tmp_path)
    (png2,) = (tmp_path / "plots").glob("toy.sqrt_rate-*.png")
    assert png2 != png


def test_non_rate_verdict_with_a_figure_gets_a_plot(tmp_path):
    from provable.proofs_checks import Verdict
    from provable.proofs_checks._report import figure_spec, write_report

    fig = figure_spec([1, 2, 3], [1e-12, 3e-13, 2e-12], xlabel="case", ylabel="residual",
                      logy=True, hline=1e-9, hline_label="tolerance")
    v = Verdict(claim="toy.identity", status="holds", measured=3e-12, expected=0.0,
                tolerance=1e-9, reason="max residual 3e-12 <= 1e-9", data={"figure": fig})
    write_report([v], tmp_path)
    pngs = list((tmp_path / "plots").glob("toy.identity-*.png"))
    assert len(pngs) == 1 and pngs[0].stat().st_size > 1000
    assert f"plots/{pngs[0].name}" in (tmp_path / "report.md").read_text()


def test_two_verdicts_with_one_label_keep_both_plots_and_links(tmp_path):
    import numpy as np

    def sqrt_like(power):
        return lambda T, seed: (2.0 * T ** power
                                * np.exp(0.1 * np.random.default_rng(seed).standard_normal()))

    grid = [1e2, 1e3, 1e4]
    a = pc.check_rate(sqrt_like(0.5), grid=grid, expected=0.5, seeds=4)
    b = pc.check_rate(sqrt_like(0.9), grid=grid, expected=0.5, seeds=4)
    assert a.claim == b.claim == "user" and a.data["ys"] != b.data["ys"]
    pc.write_report([a, b], tmp_path)
    res = json.loads((tmp_path / "results.json").read_text())
    plots = [v["plot"] for v in res["verdicts"]]
    assert plots[0] != plots[1] and all((tmp_path / p).is_file() for p in plots)
    md = (tmp_path / "report.md").read_text()
    for p in plots:    # every linked figure exists
        assert f"]({p})" in md
    for link in re.findall(r"\]\((plots/[^)]+)\)", md):
        assert (tmp_path / link).is_file(), link
    # the rows link to two distinct sections (GitHub numbers a repeated heading)
    assert "[user](#user)" in md and "[user](#user-1)" in md
    html = (tmp_path / "report.html").read_text()
    assert html.count('id="user"') == 1 and html.count('id="user-1"') == 1
    # a re-run showing only the second verdict removes the first plot, keeps the second
    pc.write_report([b], tmp_path)
    assert not (tmp_path / plots[0]).exists() and (tmp_path / plots[1]).is_file()
