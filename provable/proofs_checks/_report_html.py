"""``report.html``: the claim report as one self-contained page.

The summary figure of every rate claim comes first (:func:`plot_forest`), then a table
with a row per claim linking to its section, then one section per claim with its figure
and the evidence: the statement and paper, what the measured number is, the statistic
and the number of seeds, the verdict's reason and the negative control. Every image is
embedded as base64, so the file can be mailed or attached alone.

Each section is built from a list of *evidence lines* (:func:`evidence_lines`); a
caller that wants one more line per claim appends a function to :data:`EVIDENCE`.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from provable.proofs_checks._claim import Claim
from provable.proofs_checks._report import (
    _anchor,
    _control_status,
    _expected,
    _measured,
    _outcome_meaning,
    _seconds,
    is_rate,
    plot_forest,
    statistic_label,
    status_colour,
    unique_anchors,
)
from provable.proofs_checks._verdict import ERROR, STATUSES

__all__ = ["write_html", "evidence_lines", "EVIDENCE", "HTML_FILE", "FOREST_FILE"]

HTML_FILE = "report.html"
FOREST_FILE = "plots/summary-forest.png"

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
       max-width: 1280px; padding: 1.2em 2em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.15em; margin-top: 2em; border-top: 1px solid #ddd;
       padding-top: 1em; } code { background: #f4f4f4; padding: 0 .2em; }
table.summary { border-collapse: collapse; font-size: .85em; width: 100%; }
table.summary th, table.summary td { border-bottom: 1px solid #e2e2e2; padding: .3em .5em;
       text-align: left; vertical-align: top; }
table.summary td.claim { overflow-wrap: anywhere; }
.status { font-weight: 600; padding: 0 .35em; border-radius: 3px; color: white; }
.row { display: flex; gap: 1.5em; align-items: flex-start; flex-wrap: wrap; }
.row img { max-width: 620px; width: 100%; border: 1px solid #eee; }
.evidence { flex: 1; min-width: 320px; font-size: .92em; }
.evidence dt { font-weight: 600; margin-top: .35em; } .evidence dd { margin-left: 1em; }
blockquote { color: #555; border-left: 3px solid #ccc; margin: .3em 0; padding-left: .8em; }
figure.forest img { max-width: 100%; } .note { color: #8a5a00; }
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _badge(status: Any, control: bool = False) -> str:
    colour = status_colour(status, control=control)
    if not isinstance(colour, str) or not colour.startswith("#"):
        colour = "#777"
    return f'<span class="status" style="background:{colour}">{_e(status)}</span>'


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _what_measured(v: dict) -> str:
    """What the measured number of a verdict is, in words."""
    if is_rate(v):
        data = v.get("data") or {}
        fit = data.get("fit") or {}
        where = "the top window of the grid" if fit.get("windows") else "the grid"
        how = fit.get("interval")
        level = fit.get("level")
        ci = ""
        if how and not str(how).startswith("none"):
            exact = str(how).startswith("exact")
            ci = f"; interval: {how}" + (f", {100 * float(level):.0f}%"
                                         if level and not exact else "")
        return (f"exponent of {data.get('var', 'x')} fitted over {where}; statistic: "
                f"{statistic_label(v)}{ci}")
    if "figure" in (v.get("data") or {}):
        return "see the figure; " + _outcome_meaning(v)
    return _outcome_meaning(v)


def _line_statement(v: dict, c: Claim | None) -> list[tuple[str, str]]:
    if c is None:
        return [("Source", "user check")]
    cit = c.citation
    src = _e(f"{cit.short()}, ") + f"<i>{_e(cit.title)}</i>"
    if cit.url():
        src += f' (<a href="{_e(cit.url())}">arXiv:{_e(cit.arxiv)}</a>)'
    out = [("Statement", _e(c.statement)), ("Paper", src)]
    if cit.seed_text:
        out.append(("Abstract (verbatim)", f"<blockquote>{_e(cit.seed_text)}</blockquote>"))
    if cit.restored:
        out.append(("Restored statement", f"<blockquote>{_e(cit.restored)}</blockquote>"))
    if c.design:
        out.append(("Experiment", _e(c.design)))
    if cit.note:
        out.append(("Note", _e(cit.note)))
    if c.rate_id:
        out.append(("Rate", f"<code>{_e(c.rate_id)}</code> in <code>provable.bounds</code>"))
    return out


def _line_verdict(v: dict, c: Claim | None) -> list[tuple[str, str]]:
    head = "Could not run" if v.get("status") == ERROR else "Verdict"
    out = [(head, f"{_badge(v.get('status'))} {_e(v.get('reason', ''))}"),
           ("Claim says", _e(_expected(v))),
           ("Measured", f"{_e(_measured(v))} — {_e(_what_measured(v))}")]
    ctrl = v.get("control")
    if isinstance(ctrl, dict):
        out.append(("Negative control",
                    f"{_badge(ctrl.get('status'), control=True)} "
                    f"{_e(ctrl.get('reason', ''))}"))
    elif v.get("status") not in ("inconclusive", ERROR):
        out.append(("Negative control", "missing: the experiment attached no control"))
    out.append(("Run", _e(f"budget {v.get('budget', '—')}, seed {v.get('seed', '—')}, "
                          f"{_seconds(v)}")))
    for n in v.get("notes") or ():
        if isinstance(n, dict):
            out.append((f"Note ({_e(n.get('level', 'info'))})",
                        f'<span class="note">{_e(n.get("message", ""))}</span>'))
    return out


#: Functions ``(verdict, claim or None) -> [(label, html), ...]`` whose lines make up a
#: claim's evidence, in order. Append one to add a line to every section.
EVIDENCE: list[Callable[[dict, Claim | None], list[tuple[str, str]]]] = [
    _line_statement, _line_verdict]


def evidence_lines(v: dict, c: Claim | None) -> list[tuple[str, str]]:
    """The ``(label, html)`` lines of a claim's section (see :data:`EVIDENCE`)."""
    out: list[tuple[str, str]] = []
    for f in EVIDENCE:
        try:
            out += f(v, c)
        except Exception as e:  # noqa: BLE001 - a bad line must not lose the report
            out.append(("Missing line", _e(f"{type(e).__name__}: {e}")))
    return out


def _section(v: dict, c: Claim | None, out: Path, plot: str | None,
             plot_error: str | None, anchor: str | None = None) -> str:
    claim = str(v.get("claim", "?"))
    parts = [f'<h2 id="{_e(anchor or _anchor(claim))}">{_e(claim)} {_badge(v.get("status"))}</h2>',
             '<div class="row">']
    if plot and (out / plot).is_file():
        parts.append(f'<div><a href="{_e(plot)}">{_img(out / plot, claim)}</a></div>')
    elif plot_error:
        parts.append(f"<p><i>The figure could not be drawn: {_e(plot_error)}.</i></p>")
    parts.append('<dl class="evidence">')
    for label, body in evidence_lines(v, c):
        parts.append(f"<dt>{_e(label)}</dt><dd>{body}</dd>")
    parts.append("</dl></div>")
    err = (v.get("data") or {}).get("error")
    if isinstance(err, dict) and err.get("traceback"):
        parts.append(f"<details><summary>traceback</summary><pre>{_e(err['traceback'])}"
                     "</pre></details>")
    return "\n".join(parts)


def write_html(verdicts: Sequence[dict], claims: Sequence[Claim | None], out: Path,
               plots: Sequence[str | None], plot_errors: Sequence[str | None], *,
               title: str, meta: str, banner: Sequence[str] = (),
               anchors: Sequence[str] | None = None) -> Path:
    """Write ``report.html`` into ``out`` from the verdicts and the plots already drawn
    (paths relative to ``out``); returns its path. ``banner`` holds plain-text lines
    shown under the title (incomplete run, failures)."""
    counts = {s: sum(v.get("status") == s for v in verdicts) for s in STATUSES}
    if anchors is None:
        anchors = unique_anchors([str(v.get("claim", "")) for v in verdicts])
    body = [f"<h1>{_e(title)}</h1>", f"<p>{_e(meta)}</p>"]
    body += [f"<p><b>{_e(b)}</b></p>" for b in banner]
    if not verdicts:
        body.append("<p>No claims were run: none matched, or no claim is registered.</p>")
    else:
        body.append("<p>" + ", ".join(f"{counts[s]} {_badge(s)}" for s in STATUSES
                                      if counts[s] or s != ERROR) + "</p>")
        forest = None
        try:
            forest = plot_forest(verdicts, out / FOREST_FILE)
        except Exception as e:  # noqa: BLE001
            body.append(f"<p><i>The summary figure could not be drawn: {_e(type(e).__name__)}: "
                        f"{_e(e)}.</i></p>")
        if forest is not None:
            body.append('<figure class="forest">' + _img(forest, "summary of rate claims")
                        + "<figcaption>Every rate claim: the exponent fitted over the top "
                        "window of its grid (dot) with its interval (thick bar) and that interval "
                        "projected along the curve's bend (thin bar, what the verdict "
                        "compares), against the "
                        "exponents the claim allows (shaded, bounded by the black "
                        "threshold). A bar that crosses the threshold is "
                        "<i>inconclusive</i>, not a pass.</figcaption></figure>")
        body.append('<table class="summary"><tr><th>claim</th><th>claim says</th>'
                    "<th>measured (interval)</th><th>what is measured</th><th>verdict</th>"
                    "<th>control</th><th>time</th></tr>")
        for v, anchor in zip(verdicts, anchors):
            claim = str(v.get("claim", ""))
            try:
                what = _what_measured(v)
            except Exception:  # noqa: BLE001
                what = "—"
            body.append(
                f'<tr><td class="claim"><a href="#{_e(anchor)}">{_e(claim)}</a></td>'
                f"<td>{_e(_expected(v))}</td><td>{_e(_measured(v))}</td><td>{_e(what)}</td>"
                f"<td>{_badge(v.get('status'))}</td>"
                f"<td>{_badge(_control_status(v), control=True)}</td>"
                f"<td>{_e(_seconds(v))}</td></tr>")
        body.append("</table>")
        for v, c, plot, perr, anchor in zip(verdicts, claims, plots, plot_errors, anchors):
            try:
                body.append(_section(v, c, out, plot, perr, anchor))
            except Exception as e:  # noqa: BLE001
                body.append(f"<h2>{_e(v.get('claim', '?'))}</h2><p><i>This section could not "
                            f"be written: {_e(type(e).__name__)}: {_e(e)}.</i></p>")
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
    path = out / HTML_FILE
    path.write_text(page, encoding="utf-8")
    return path

