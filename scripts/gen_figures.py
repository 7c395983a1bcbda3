"""Generate the figures of the docs site into docs/figures/ (``python scripts/gen_figures.py``).

Claim figures come from a real run of the catalogue on the quick budget (the same
verdicts ``provable verify --suite quick`` writes), drawn by the report's own plotting
functions: the summary forest of every rate claim, a claim that holds, its negative
control (violated), an inconclusive claim, an identity's residuals and
a property's pass/fail figure. The tutorial figures (a claim that holds, and a wrong
exponent for the same algorithm, violated) are drawn from the verdicts that
docs/tutorial_rate.md computes (its code blocks are executed). Speed-up charts are drawn
from the tables in docs/performance*.md, which the benchmark scripts printed.

``--results DIR`` reuses the ``results.json`` of an earlier run instead of running the
catalogue (about 3 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import doctest
import json
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "figures"

#: The claims shown on the claims page, with the status each figure is meant to show;
#: the first listed claim with that status in the run is drawn.
PICKS = {
    "holds": ["ucb1.log_regret", "moss.minimax", "exp3.minimax"],
    "inconclusive": ["softmax_pg.convergence", "demo_reg.rate", "generative.minimax"],
    "identity": ["dual_rl.lp_duality", "lssl.recurrence_equals_convolution"],
    "property": ["bon.kl_bound", "coverage.dpo_vs_online", "dpo.implicit_q"],
}

#: Speed-ups quoted in docs/performance.md (provable against its baseline, same run);
#: tests/test_docs.py checks that each figure appears in that page.
SUMMARY_SPEEDUPS = [
    ("certified solve, dense S=2000\nvs pymdptoolbox PI", 7.9, 3.0),
    ("1000 small MDPs, batched\nvs pymdptoolbox VI", 146.0, None),
    ("UCB1, K=10, T=10⁶, 64 seeds\nvs a Python loop", 242.0, 100.0),
    ("UCBVI, 16 seeds\nvs direct Python", 116.5, 50.0),
    ("L*, n=500, k=10\nvs AALpy", 20.0, 5.0),
    ("KV, n=500, k=10\nvs AALpy", 78.2, 5.0),
]


def _verdicts(results_dir: Path | None) -> list[dict]:
    from provable import proofs_checks as pc
    from provable.proofs_checks import Verdict

    pc.catalogue()  # the registry: claim kinds and rate quantities label the figures
    if results_dir is None:
        out = Path(tempfile.mkdtemp(prefix="provable-figures-"))
        pc.verify_all(budget="quick", out=out, progress=False)
        results_dir = out
    data = json.loads((results_dir / "results.json").read_text(encoding="utf-8"))
    drop = ("plot", "statement", "kind", "source")
    return [Verdict.from_dict({k: v for k, v in d.items() if k not in drop})
            for d in data["verdicts"]]


def _pick(verdicts: list[dict], ids: list[str], status: str | None) -> dict | None:
    by_id = {v["claim"]: v for v in verdicts}
    for i in ids:
        v = by_id.get(i)
        if v is not None and (status is None or v["status"] == status):
            return v
    return None


def _control_view(v: dict) -> dict:
    """The negative control of a rate verdict as a verdict over the same data: the data
    judged against the false exponent."""
    ctrl = v["control"]
    w = dict(v)
    w.update(claim=f"{v['claim']} (negative control)", status=ctrl["status"],
             expected=ctrl["expected"], reason=ctrl.get("reason", ""), control=None)
    from provable.proofs_checks import _report

    quantity = _report._rate_quantity(v)
    w["data"] = {**v["data"], "quantity": quantity}
    if "ys" in (ctrl.get("data") or {}):
        w["data"].update(ys=ctrl["data"]["ys"], fit=ctrl["data"]["fit"],
                         quantity=f"{quantity} of the planted wrong algorithm")
    return w


def claim_figures(verdicts: list[dict]) -> list[Path]:
    from provable.proofs_checks import _report

    written = [_report.plot_forest(verdicts, OUT / "forest.png")]
    holds = _pick(verdicts, PICKS["holds"], "holds")
    if holds is not None:
        written.append(_report.plot_rate(holds, OUT / "holds.png"))
        written.append(_report.plot_rate(_control_view(holds), OUT / "control_violated.png"))
    v = _pick(verdicts, PICKS["inconclusive"], "inconclusive")
    if v is not None:
        written.append(_report.plot_rate(v, OUT / "inconclusive.png"))
    for name in ("identity", "property"):
        v = _pick(verdicts, PICKS[name], None)
        if v is not None:
            draw = _report.plot_figure if "figure" in (v.get("data") or {}) \
                else _report.plot_outcome
            written.append(draw(v, OUT / f"{name}.png"))
    return [p for p in written if p is not None]


def tutorial_figures() -> list[Path]:
    """Run docs/tutorial_rate.md's code blocks and draw its verdicts: ``v`` (the claim,
    which holds) and ``w`` (a wrong exponent on the same algorithm, violated)."""
    from provable.proofs_checks import _report

    text = (ROOT / "docs" / "tutorial_rate.md").read_text(encoding="utf-8")
    ns: dict = {"__name__": "tutorial_rate"}
    with tempfile.TemporaryDirectory() as tmp:
        import os

        here = os.getcwd()
        os.chdir(tmp)
        try:
            for lang, code in re.findall(r"```(python|pycon)\n(.*?)```", text, re.S):
                if lang == "python":
                    exec(compile(code, "tutorial_rate.md", "exec"), ns)  # noqa: S102
                else:
                    test = doctest.DocTestParser().get_doctest(code, ns, "t", "t", 0)
                    doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(
                        test, out=lambda s: None, clear_globs=False)
                    ns.update(test.globs)
        finally:
            os.chdir(here)
    return [_report.plot_rate(ns["v"], OUT / "tutorial_etc.png"),
            _report.plot_rate(ns["w"], OUT / "violated.png")]


def _automata_rows() -> list[tuple[str, int, int, float]]:
    text = (ROOT / "docs" / "performance_automata.md").read_text(encoding="utf-8")
    rows = []
    for m in re.finditer(r"^\| (lstar|kv) \| (\d+) \| (\d+) \| [\d.]+ \| [\d.]+ \| ([\d.]+)x \|",
                         text, re.M):
        rows.append((m[1], int(m[2]), int(m[3]), float(m[4])))
    return rows


def speedup_figures() -> list[Path]:
    from matplotlib.figure import Figure

    written = []
    fig = Figure(figsize=(7.5, 3.8), layout="constrained")
    ax = fig.subplots()
    names = [s[0] for s in SUMMARY_SPEEDUPS]
    ax.barh(range(len(names)), [s[1] for s in SUMMARY_SPEEDUPS], color="tab:blue")
    for i, (_, x, goal) in enumerate(SUMMARY_SPEEDUPS):
        ax.text(x * 1.08, i, f"{x:g}x", va="center", fontsize=8)
        if goal:
            ax.plot([goal, goal], [i - 0.4, i + 0.4], color="black", lw=1.6,
                    label="goal" if i == 0 else None)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(1, 1000)
    ax.set_xlabel("speed-up of provable over the baseline (same run, log scale)")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(True, axis="x", which="both", alpha=0.25)
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / "speedups.png", dpi=110)
    written.append(OUT / "speedups.png")

    rows = _automata_rows()
    if rows:
        fig = Figure(figsize=(6.4, 3.8), layout="constrained")
        ax = fig.subplots()
        for (alg, k), style in zip([("lstar", 2), ("lstar", 10), ("kv", 2), ("kv", 10)],
                                   ("o-", "s-", "o--", "s--")):
            pts = sorted((n, s) for a, n, kk, s in rows if a == alg and kk == k)
            if pts:
                ax.plot([p[0] for p in pts], [p[1] for p in pts], style,
                        label=f"{'L*' if alg == 'lstar' else 'KV'}, alphabet k={k}")
        ax.axhline(5, color="black", ls=":", lw=1.4, label="goal at n=500: 5x")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("states n of the target DFA")
        ax.set_ylabel("speed-up over AALpy (wall time)")
        ax.legend(fontsize=8)
        ax.grid(True, which="both", alpha=0.25)
        fig.savefig(OUT / "automata_speedup.png", dpi=110)
        written.append(OUT / "automata_speedup.png")
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=Path, help="directory with results.json of a quick run")
    ap.add_argument("--only", choices=("claims", "tutorial", "speedups"), action="append")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    only = set(args.only or ("claims", "tutorial", "speedups"))
    OUT.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    if "claims" in only:
        written += claim_figures(_verdicts(args.results))
    if "tutorial" in only:
        written += tutorial_figures()
    if "speedups" in only:
        written += speedup_figures()
    for p in written:
        print(f"wrote {p.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
