"""Reports of a claim run: ``report.md``, ``results.json`` and one log-log plot per rate.

:func:`write_report` never gives up half way: a plot or a section that fails is
replaced by a note saying why, and the rest of the report is still written.

This module also holds the rule that turns verdicts into the outcome of a run
(:func:`failures`, :func:`exit_code`); the runner depends on it, never the reverse.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from provable.proofs_checks._cache import _json_default, provable_version
from provable.proofs_checks._claim import Claim
from provable.proofs_checks._verdict import ERROR, STATUSES, Verdict

__all__ = ["write_report", "plot_rate", "plot_figure", "figure_spec", "read_results",
           "failures", "exit_code", "plot_stem", "REPORT_FILE", "RESULTS_FILE",
           "EXIT_OK", "EXIT_FAILED", "EXIT_ERROR"]

#: Exit codes of a run (``provable verify``): every claim holds or is inconclusive
#: with sound controls; a claim is violated or a control failed; a claim could not
#: run (and nothing is violated). Code 2 is bad input.
EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 3

REPORT_FILE = "report.md"
RESULTS_FILE = "results.json"
PLOTS_DIR = "plots"
_PLOT_STYLE = 3  # bump when plot_rate changes, so that cached plots are redrawn


def _lookup(claim_id: str) -> Claim | None:
    """The registered claim of a verdict, or ``None`` for a user label."""
    from provable.proofs_checks import _claim

    return _claim._REGISTRY.get(claim_id)


def failures(verdicts: Iterable[dict]) -> list[tuple[str, str]]:
    """The verdicts that make a run fail, as ``(claim, why)`` pairs.

    A run fails when a claim is ``violated``, when a claim that ``holds`` has a
    negative control that does not say ``violated`` (or none at all): a harness that
    cannot see a planted error gives no evidence, or when a claim could not run
    (status ``error``). ``inconclusive`` claims are not failures (their reason is
    reported).

    Examples
    --------
    >>> ok = Verdict(claim="a", status="holds", reason="")
    >>> ok["control"] = Verdict(claim="a (control)", status="violated", reason="")
    >>> failures([ok])
    []
    >>> failures([Verdict(claim="b", status="error", reason="the experiment raised")])
    [('b', 'could not run: the experiment raised')]
    """
    out: list[tuple[str, str]] = []
    for v in verdicts:
        status = v.get("status")
        ctrl = v.get("control")
        if status == "violated":
            out.append((v.get("claim", ""), f"violated: {v.get('reason', '')}"))
        elif status == ERROR:
            out.append((v.get("claim", ""), f"could not run: {v.get('reason', '')}"))
        elif status == "holds":
            if not isinstance(ctrl, dict):
                out.append((v.get("claim", ""), "holds but has no negative control"))
            elif ctrl.get("status") != "violated":
                out.append((v.get("claim", ""),
                            f"negative control says {ctrl.get('status')!r}, expected "
                            f"'violated': {ctrl.get('reason', '')}"))
    return out


def exit_code(verdicts: Iterable[dict]) -> int:
    """The exit code of a run: :data:`EXIT_FAILED` (1) when a claim is violated or a
    control failed, else :data:`EXIT_ERROR` (3) when a claim could not run, else
    :data:`EXIT_OK` (0).

    Examples
    --------
    >>> exit_code([Verdict(claim="b", status="error", reason="worker died twice")])
    3
    >>> exit_code([Verdict(claim="c", status="inconclusive", reason="short grid")])
    0
    """
    vs = list(verdicts)
    if any(v.get("status") != ERROR and failures([v]) for v in vs):
        return EXIT_FAILED
    if any(v.get("status") == ERROR for v in vs):
        return EXIT_ERROR
    return EXIT_OK


_KEEP = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-.")


def plot_stem(name: str) -> str:
    """File-name stem of a claim id's plots, one-to-one: lower-case letters, digits,
    ``_``, ``-`` and inner dots are kept, every other character (upper case included,
    so that case-insensitive file systems cannot merge two ids) becomes ``~XX`` per
    UTF-8 byte. A stem over 100 characters is cut to 80 plus ``~~`` and a hash of the
    id.

    Examples
    --------
    >>> plot_stem("toy.sqrt_rate"), plot_stem("a b"), plot_stem("a_b"), plot_stem("A")
    ('toy.sqrt_rate', 'a~20b', 'a_b', '~41')
    """
    chars = []
    for k, ch in enumerate(name):
        if ch in _KEEP and not (ch == "." and k in (0, len(name) - 1)):
            chars.append(ch)
        else:
            chars.append("".join(f"~{b:02X}" for b in ch.encode("utf-8", "surrogatepass")))
    stem = "".join(chars) or "~"
    if len(stem) > 100:
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        stem = stem[:80] + "~~" + digest
    return stem


def _num(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return "nan" if math.isnan(f) else f"{f:.3g}"
    r = str(v)
    return r if len(r) <= 40 else r[:37] + "..."


def _cell(text: Any) -> str:
    """Escape text for a markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip() or "—"


def _measured(v: dict) -> str:
    m = _num(v.get("measured"))
    ci = v.get("ci")
    if ci is not None and len(ci) == 2:
        m += f" [{_num(ci[0])}, {_num(ci[1])}]"
    return m


def _control_status(v: dict) -> str:
    ctrl = v.get("control")
    if isinstance(ctrl, dict):
        return ctrl.get("status", "—")
    return "—" if v.get("status") in ("inconclusive", ERROR) else "missing"


def _seconds(v: dict) -> str:
    s = v.get("seconds")
    t = "—" if s is None else f"{float(s):.2f} s"
    return t + (" (cached)" if v.get("cached") else "")


def _source(c: Claim | None, link: bool = True) -> str:
    if c is None:
        return "user check"
    cit = c.citation
    s = cit.short()
    url = cit.url()
    if url and link:
        s += f" ([arXiv:{cit.arxiv}]({url}))"
    return s


def _expected(v: dict) -> str:
    e = _num(v.get("expected"))
    data = v.get("data") or {}
    kind = data.get("rate_kind")
    if kind in ("upper", "lower", "tight") and v.get("expected") is not None:
        tol = _num(v.get("tolerance"))
        rel = {"upper": f"≤ {e} + {tol}", "lower": f"≥ {e} − {tol}", "tight": f"{e} ± {tol}"}
        return f"exponent of {data.get('var', 'x')} {rel[kind]}"
    return e


def is_rate(v: dict) -> bool:
    """Whether a verdict carries rate data (``xs``, ``ys``, ``fit``) that can be plotted."""
    data = v.get("data") or {}
    return all(k in data for k in ("xs", "ys", "fit"))


def figure_spec(x: Any, y: Any, *, xlabel: str, ylabel: str, logx: bool = False,
                logy: bool = False, hline: float | None = None, hline_label: str = "",
                label: str = "", style: str = "o", ref_y: Any = None,
                ref_label: str = "") -> dict[str, Any]:
    """A picture for a claim that is not a rate fit (an identity's residuals per case, a
    bound against its value, a contraction per iteration). Put it in ``verdict.data``
    under ``"figure"``; the report draws it. ``x`` and ``y`` are 1-D (one series) or
    ``y`` is 2-D (one series per row); ``ref_y`` is an optional reference curve over ``x``
    (a bound), ``hline`` a constant one."""
    return {"x": np.asarray(x, float).tolist(), "y": np.asarray(y, float).tolist(),
            "ref_y": None if ref_y is None else np.asarray(ref_y, float).tolist(),
            "ref_label": ref_label,
            "xlabel": xlabel, "ylabel": ylabel, "logx": bool(logx), "logy": bool(logy),
            "hline": None if hline is None else float(hline), "hline_label": hline_label,
            "label": label, "style": style}


def plot_figure(v: dict, path: str | os.PathLike) -> Path:
    """Draw the ``data["figure"]`` of a non-rate verdict (see :func:`figure_spec`)."""
    from matplotlib.figure import Figure

    spec = v["data"]["figure"]
    x = np.asarray(spec["x"], float)
    ys = np.atleast_2d(np.asarray(spec["y"], float))
    fig = Figure(figsize=(6.0, 4.2), layout="constrained")
    ax = fig.subplots()
    for i, y in enumerate(ys):
        ax.plot(x, y, spec.get("style", "o"), ms=4, alpha=0.8,
                label=spec.get("label") if i == 0 and spec.get("label") else None)
    if spec.get("hline") is not None:
        ax.axhline(spec["hline"], ls="--", color="tab:red", label=spec.get("hline_label") or None)
    if spec.get("ref_y") is not None:
        ax.plot(x, spec["ref_y"], "--", color="tab:red", label=spec.get("ref_label") or None)
    if spec.get("logx"):
        ax.set_xscale("log")
    if spec.get("logy"):
        ax.set_yscale("log")
    ax.set_xlabel(spec.get("xlabel", ""))
    ax.set_ylabel(spec.get("ylabel", ""))
    ax.set_title(f"{v.get('claim', '')}: {v.get('status', '')}", fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    if spec.get("label") or spec.get("hline_label") or spec.get("ref_label"):
        ax.legend(fontsize=8, loc="best")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path


def plot_rate(v: dict, path: str | os.PathLike) -> Path:
    """Log-log plot of a rate verdict: per-seed means with standard errors, the fitted
    slope and a reference line of slope ``expected`` through the data.

    Parameters
    ----------
    v : Verdict or dict
        A verdict built by :func:`~provable.proofs_checks.rate_verdict` (its ``data`` has
        ``var``, ``xs``, ``ys``, ``fit``, ``rate_kind``).
    path : path
        PNG file to write.

    Returns
    -------
    pathlib.Path
    """
    from matplotlib.figure import Figure

    data = v["data"]
    xs = np.asarray(data["xs"], float)
    ys = np.atleast_2d(np.asarray(data["ys"], float))
    fit = data["fit"]
    slope, intercept = float(fit["slope"]), float(fit["intercept"])
    polylog = float(fit.get("polylog", 0.0) or 0.0)
    var = data.get("var", "x")
    n = ys.shape[0]
    mean = ys.mean(axis=0)
    se = ys.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.zeros_like(mean)

    fig = Figure(figsize=(6.0, 4.2), layout="constrained")
    ax = fig.subplots()
    if n > 1:
        for row in ys:
            ax.scatter(xs, row, s=6, color="tab:blue", alpha=0.18, linewidths=0)
    ax.errorbar(xs, mean, yerr=np.minimum(se, mean * 0.999), fmt="o", color="tab:blue",
                ms=4, capsize=3, label=f"mean over {n} seed{'s' if n != 1 else ''} (± s.e.)")
    grid = np.geomspace(xs.min(), xs.max(), 100)
    logpoly = polylog * np.log(np.log(grid)) if polylog else 0.0
    ci = fit.get("ci") or (math.nan, math.nan)
    ax.plot(grid, np.exp(intercept + slope * np.log(grid) + logpoly), color="tab:red",
            label=f"fit: slope {slope:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"
            + (f" × (log {var})^{polylog:g}" if polylog else ""))
    ctrl = v.get("control")
    lx = np.log(xs)
    ly = np.log(mean) - (polylog * np.log(lx) if polylog else 0.0)

    def reference(slope_ref: object, style: str, color: str, label: str) -> None:
        if isinstance(slope_ref, (int, float)) and not isinstance(slope_ref, bool):
            b = float(np.mean(ly) - slope_ref * np.mean(lx))
            ax.plot(grid, np.exp(b + slope_ref * np.log(grid) + logpoly), style, color=color,
                    label=label)

    expected = v.get("expected")
    reference(expected, "--", "0.35", f"reference slope {expected}")
    # a control that re-judges the same data against a wrong exponent: draw that slope too,
    # so the plot shows what the data rules out (e.g. t_mix^1, not t_mix^2)
    if isinstance(ctrl, dict) and "ys" not in (ctrl.get("data") or {}):
        wrong = ctrl.get("expected")
        if wrong != expected:
            reference(wrong, ":", "tab:orange", f"control slope {wrong} (must be violated)")
    if isinstance(ctrl, dict) and "ys" in (ctrl.get("data") or {}):
        cy = np.atleast_2d(np.asarray(ctrl["data"]["ys"], float))
        if cy.shape[1] == xs.size and np.all(cy > 0):
            ax.plot(xs, cy.mean(axis=0), "x", color="0.5", label="planted control (mean)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(var)
    ax.set_ylabel("measured")
    ax.set_title(f"{v.get('claim', '')}: {v.get('status', '')}", fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=8, loc="best")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path


def _section(v: dict, c: Claim | None, plot: str | None, plot_error: str | None) -> list[str]:
    lines = [f"## {v.get('claim', '?')}", ""]
    if c is not None:
        cit = c.citation
        lines += [f"**Statement.** {c.statement}", ""]
        src = f"**Source.** {cit.short()}, *{cit.title}*"
        if cit.url():
            src += f", [arXiv:{cit.arxiv}]({cit.url()})"
        src += f" (origin: {cit.origin}"
        src += f", seed file `{cit.seed_file}`)" if cit.seed_file else ")"
        lines += [src + ".", ""]
        if cit.seed_text:
            lines += ["**Seed text (verbatim).**", ""]
            lines += ["> " + ln for ln in cit.seed_text.splitlines()] + [""]
        if cit.restored:
            lines += ["**Restored text.**", ""]
            lines += ["> " + ln for ln in cit.restored.splitlines()] + [""]
        if cit.note:
            lines += [f"**Note.** {cit.note}", ""]
        if c.design:
            lines += [f"**Design.** {c.design}", ""]
        if c.rate_id:
            lines += [f"**Rate.** `{c.rate_id}` in `provable.bounds`.", ""]
    head = "Could not run" if v.get("status") == ERROR else f"Verdict: {v.get('status')}"
    lines += [f"**{head}.** {v.get('reason', '')}", "",
              f"Expected {_expected(v)}; measured {_measured(v)}; "
              f"budget {v.get('budget', '—')}, seed {v.get('seed', '—')}, {_seconds(v)}.", ""]
    for n in v.get("notes") or ():
        if isinstance(n, dict):
            lines += [f"**Note ({n.get('level', 'info')}).** {n.get('message', '')}", ""]
    ctrl = v.get("control")
    if isinstance(ctrl, dict):
        lines += [f"**Negative control: {ctrl.get('status')}.** {ctrl.get('reason', '')}", ""]
    elif v.get("status") not in ("inconclusive", ERROR):
        lines += ["**Negative control: missing.** The experiment attached no control.", ""]
    if plot:
        lines += [f"![{v.get('claim', '')}]({plot})", ""]
    if plot_error:
        lines += [f"*The plot could not be drawn: {plot_error}.*", ""]
    err = (v.get("data") or {}).get("error")
    if isinstance(err, dict) and err.get("traceback"):
        lines += ["<details><summary>traceback</summary>", "", "```",
                  err["traceback"].rstrip(), "```", "", "</details>", ""]
    return lines


def write_report(verdicts: Sequence[dict], out: str | os.PathLike, *,
                 complete: bool = True, title: str = "provable claim report") -> Path:
    """Write ``report.md``, ``results.json`` and ``plots/*.png`` into ``out``.

    Parameters
    ----------
    verdicts : sequence of Verdict
        Verdicts of a run (from :func:`~provable.proofs_checks.verify_all`).
    out : path
        Report directory (created when missing).
    complete : bool
        ``False`` marks the report as partial (the run stopped early). A report with
        a claim that could not run (status ``error``) is never complete.
    title : str
        Heading of ``report.md``.

    Returns
    -------
    pathlib.Path
        Path of ``report.md``.

    Examples
    --------
    >>> import tempfile
    >>> from provable.proofs_checks import Verdict
    >>> v = Verdict(claim="demo", status="inconclusive", reason="grid too short")
    >>> write_report([v], tempfile.mkdtemp()).name
    'report.md'
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    verdicts = list(verdicts)
    claims = [_lookup(str(v.get("claim", ""))) for v in verdicts]

    # plots first, so that results.json can point at them
    plots: list[str | None] = []
    plot_errors: list[str | None] = []
    for v in verdicts:
        plot, err = None, None
        draw = plot_rate if is_rate(v) else \
            plot_figure if "figure" in (v.get("data") or {}) else None
        if draw is not None:
            name = plot_stem(str(v.get("claim", "claim")))
            rel = f"{PLOTS_DIR}/{name}-{_fingerprint(v)}.png"
            mine = re.compile(re.escape(name) + r"-[0-9a-f]{10}\.png")
            try:
                if not (out / rel).is_file():  # content-addressed: reuse an identical plot
                    if (out / PLOTS_DIR).is_dir():
                        for old in (out / PLOTS_DIR).iterdir():
                            if mine.fullmatch(old.name) and old.is_file():
                                old.unlink()
                    draw(v, out / rel)
                plot = rel
            except Exception as e:  # noqa: BLE001 - a bad plot must not lose the report
                err = f"{type(e).__name__}: {e}"
        plots.append(plot)
        plot_errors.append(err)

    counts = {s: sum(v.get("status") == s for v in verdicts) for s in STATUSES}
    fails = failures(verdicts)
    errors = [v for v in verdicts if v.get("status") == ERROR]
    complete = bool(complete) and not errors
    warns = [(str(v.get("claim", "")), str(n.get("message", "")))
             for v in verdicts for n in (v.get("notes") or ())
             if isinstance(n, dict) and n.get("level") == "warning"]
    version = provable_version()
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    results = {
        "provable_version": version,
        "created": now,
        "complete": complete,
        "counts": counts,
        "exit_code": exit_code(verdicts),
        "failures": [{"claim": c, "why": w} for c, w in fails],
        "warnings": [{"claim": c, "message": m} for c, m in warns],
        "verdicts": [],
    }
    for v, c, plot in zip(verdicts, claims, plots):
        d = v.to_dict() if isinstance(v, Verdict) else dict(v)
        d["plot"] = plot
        if c is not None:
            d["statement"] = c.statement
            d["kind"] = c.kind
            d["source"] = c.citation.to_dict()
        results["verdicts"].append(d)
    (out / RESULTS_FILE).write_text(json.dumps(results, indent=1, default=_json_default),
                                    encoding="utf-8")

    budgets = sorted({str(v.get("budget")) for v in verdicts if v.get("budget")})
    lines = [f"# {title}", "",
             f"provable {version} · {now} · {len(verdicts)} claim"
             f"{'s' if len(verdicts) != 1 else ''}"
             + (f" · budget {', '.join(budgets)}" if budgets else ""), ""]
    if errors:
        lines += [f"**Incomplete:** {len(errors)} claim{'s' if len(errors) != 1 else ''} "
                  "could not run (status `error`, not a verdict); errors are never cached: "
                  "re-run the same command to retry them.", ""]
    elif not complete:
        lines += ["**Partial report:** the run stopped before every claim finished; "
                  "re-run the same command to resume from the cache.", ""]
    if not verdicts:
        lines += ["No claims were run: none matched, or no claim is registered yet "
                  "(`provable claims` lists the catalogue).", ""]
    else:
        lines += [", ".join(f"{counts[s]} {s}" for s in STATUSES if s != ERROR)
                  + (f", {counts[ERROR]} could not run (error)" if counts[ERROR] else "")
                  + ".", ""]
        if warns:
            lines += ["**Warnings:**", ""]
            lines += [f"- `{c}`: {_cell(m)}" for c, m in warns] + [""]
        if fails:
            lines += [f"**{len(fails)} failure{'s' if len(fails) != 1 else ''}:**", ""]
            lines += [f"- `{c}`: {_cell(w)}" for c, w in fails] + [""]
        lines += ["| claim | source | expected | measured (CI) | verdict | control | time |",
                  "|---|---|---|---|---|---|---|"]
        for v, c in zip(verdicts, claims):
            lines.append("| " + " | ".join(_cell(x) for x in (
                f"[{v.get('claim')}](#{_anchor(str(v.get('claim', '')))})", _source(c),
                _expected(v), _measured(v), v.get("status"), _control_status(v),
                _seconds(v))) + " |")
        lines.append("")
        if errors:
            lines += ["Could not run:", ""]
            lines += [f"- `{v.get('claim')}`: {_cell(v.get('reason', ''))}"
                      for v in errors] + [""]
        inconclusive = [v for v in verdicts if v.get("status") == "inconclusive"]
        if inconclusive:
            lines += ["Inconclusive:", ""]
            lines += [f"- `{v.get('claim')}`: {_cell(v.get('reason', ''))}"
                      for v in inconclusive] + [""]
        for v, c, plot, perr in zip(verdicts, claims, plots, plot_errors):
            try:
                lines += _section(v, c, plot, perr)
            except Exception as e:  # noqa: BLE001
                lines += [f"## {v.get('claim', '?')}", "",
                          f"*This section could not be written: {type(e).__name__}: {e}.*", ""]
    path = out / REPORT_FILE
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _fingerprint(v: dict) -> str:
    """Short hash of everything a rate plot shows (its file name, so a re-run with the
    same cached verdict reuses the PNG instead of drawing it again)."""
    import hashlib

    ctrl = v.get("control")
    body = [_PLOT_STYLE, provable_version(), v.get("claim"), v.get("status"), v.get("expected"),
            v.get("data"), (ctrl.get("data") or {}).get("ys") if isinstance(ctrl, dict) else None,
            ctrl.get("expected") if isinstance(ctrl, dict) else None]
    text = json.dumps(body, sort_keys=True, default=_json_default)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def _anchor(heading: str) -> str:
    """GitHub-style anchor of a markdown heading."""
    import re

    return re.sub(r"[^a-z0-9 _-]", "", heading.lower()).replace(" ", "-")


def read_results(out: str | os.PathLike) -> dict[str, Any] | None:
    """The ``results.json`` of a previous run in ``out``, or ``None`` when absent/unreadable."""
    path = Path(out) / RESULTS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
