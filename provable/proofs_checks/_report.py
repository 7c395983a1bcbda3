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

__all__ = ["write_report", "plot_rate", "plot_figure", "plot_outcome", "plot_forest",
           "figure_spec", "read_results", "statistic_label", "threshold", "outcome_kind",
           "case_fraction",
           "failures", "exit_code", "plot_stem", "REPORT_FILE", "RESULTS_FILE",
           "EXIT_OK", "EXIT_FAILED", "EXIT_ERROR"]

#: Exit codes of a run (``provable verify``): every claim holds or is inconclusive
#: with sound controls; a claim is violated or a control failed; a claim could not
#: run (and nothing is violated). Code 2 is bad input.
EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 3

REPORT_FILE = "report.md"
RESULTS_FILE = "results.json"
PLOTS_DIR = "plots"
_PLOT_STYLE = 6  # bump when plot_rate changes, so that cached plots are redrawn


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
    if v.get("status") != ERROR and not is_rate(v):
        outcome = outcome_kind(v)
        if outcome == "residual" and v.get("tolerance") is not None:
            return f"residual ≤ {_num(v.get('tolerance'))}"
        if outcome == "cases":
            return "every case passes (fraction 1)"
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
    """Draw the ``data["figure"]`` of a non-rate verdict (see :func:`figure_spec`). On a
    log y-axis an exact zero is marked and labelled at the floor of the axis."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    spec_figure(v).savefig(path, dpi=110)
    return path


def spec_figure(v: dict) -> Any:
    """The matplotlib ``Figure`` that :func:`plot_figure` saves."""
    from matplotlib.figure import Figure

    spec = v["data"]["figure"]
    x = np.asarray(spec["x"], float)
    ys = np.atleast_2d(np.asarray(spec["y"], float))
    logy = bool(spec.get("logy"))
    fig = Figure(figsize=(6.0, 4.2), layout="constrained")
    ax = fig.subplots()
    for i, y in enumerate(ys):
        ax.plot(x, np.where(y == 0, np.nan, y) if logy else y, spec.get("style", "o"), ms=4,
                alpha=0.8, label=spec.get("label") if i == 0 and spec.get("label") else None)
    if spec.get("hline") is not None:
        ax.axhline(spec["hline"], ls="--", color="tab:red", label=spec.get("hline_label") or None)
    if spec.get("ref_y") is not None:
        ax.plot(x, spec["ref_y"], "--", color="tab:red", label=spec.get("ref_label") or None)
    if spec.get("logx"):
        ax.set_xscale("log")
    zeros = logy and bool(np.any(ys == 0))
    if logy:
        ax.set_yscale("log")
        if zeros:
            if not np.any(ys > 0):
                ax.set_ylim(1e-18, 1.0)
            floor = ax.get_ylim()[0]
            zx = np.concatenate([x[y == 0] for y in ys])
            ax.plot(zx, np.full(zx.shape, floor), "v", color="black", ms=6, clip_on=False,
                    label="exactly 0 (at the floor of the log axis)")
    ax.set_xlabel(spec.get("xlabel", ""))
    ax.set_ylabel(spec.get("ylabel", ""))
    ax.set_title(f"{v.get('claim', '')}: {v.get('status', '')}", fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    if spec.get("label") or spec.get("hline_label") or spec.get("ref_label") or zeros:
        ax.legend(fontsize=8, loc="best")
    return fig


_STATUS_COLOURS = {"holds": "#2e7d32", "violated": "#c62828", "inconclusive": "#ef8f00",
                   ERROR: "0.45"}
#: a negative control is meant to be rejected: ``violated`` is its correct outcome and is
#: drawn in a quiet colour; a control that holds (or is missing) is what needs attention
_CONTROL_COLOURS = {"violated": "#607d8b", "holds": "#c62828", "inconclusive": "#ef8f00",
                    "missing": "#c62828", ERROR: "0.45"}


def status_colour(status: Any, control: bool = False) -> str:
    """Colour of a status: red only for what needs attention (a violated claim, a control
    that was not rejected), a quiet grey-blue for a control correctly ``violated``.

    Examples
    --------
    >>> status_colour("violated"), status_colour("violated", control=True)
    ('#c62828', '#607d8b')
    """
    table = _CONTROL_COLOURS if control else _STATUS_COLOURS
    return table.get(str(status), "0.5")


def statistic_label(v: dict) -> str:
    """What a rate verdict's points are, stated as the fit used them: ``"mean over 8
    seeds"``, ``"quantile 0.9 over 16 seeds"``, ``"1 seed (no interval)"``.

    Examples
    --------
    >>> statistic_label({"data": {"statistic": "mean", "ys": [[1, 2]] * 8,
    ...                           "fit": {"n_seeds": 8}}})
    'mean over 8 seeds'
    >>> statistic_label({"data": {"ys": [[1, 2]], "fit": {}}})
    '1 seed (no interval)'
    """
    data = v.get("data") or {}
    fit = data.get("fit") or {}
    n = fit.get("n_seeds")
    if n is None:
        n = len(np.atleast_2d(np.asarray(data.get("ys", [[0]]), float)))
    n = int(n)
    if n == 1:
        return "1 curve (deterministic)" if fit.get("deterministic") else "1 seed (no interval)"
    stat = str(data.get("statistic") or fit.get("statistic") or "mean")
    return f"{stat} over {n} seeds" + (" (deterministic)" if fit.get("deterministic") else "")


def threshold(v: dict) -> tuple[float, float] | None:
    """The exponents a rate verdict allows, ``(low, high)`` (``±inf`` for an open side):
    ``(-inf, expected + tol]`` for an upper bound, ``[expected - tol, inf)`` for a lower
    one, ``expected ± tol`` for a tight one; ``None`` when the verdict is not a rate.

    Examples
    --------
    >>> threshold({"expected": 0.5, "tolerance": 0.1, "data": {"rate_kind": "upper"}})
    (-inf, 0.6)
    """
    data = v.get("data") or {}
    kind = data.get("rate_kind")
    e = v.get("expected")
    if kind not in ("upper", "lower", "tight") or not isinstance(e, (int, float)) \
            or isinstance(e, bool):
        return None
    tol = float(v.get("tolerance") or 0.0)
    lo = -math.inf if kind == "upper" else float(e) - tol
    hi = math.inf if kind == "lower" else float(e) + tol
    return (lo, hi)


def _top_fit(v: dict) -> tuple[float, tuple[float, float], tuple[float, float] | None]:
    """Slope the verdict judged (top window when the fit has one), its interval, window."""
    fit = v["data"]["fit"]
    slope = fit.get("top_slope", fit.get("slope"))
    ci = fit.get("top_ci", fit.get("ci")) or (math.nan, math.nan)
    windows = fit.get("windows")
    top = tuple(windows[-1]) if windows else None
    return float(slope), (float(ci[0]), float(ci[1])), top


def _rate_quantity(v: dict) -> str:
    """The y-axis of a rate plot: ``data["quantity"]`` (``check_rate(quantity=...)``),
    else what the claim's rate bounds (:attr:`provable.bounds.Rate.measure`: regret, KL
    to the equilibrium, membership queries, …), else ``"measured value"``."""
    c = _lookup(str(v.get("claim", "")))
    data = v.get("data") or {}
    if data.get("quantity"):
        return str(data["quantity"])
    if c is not None and c.rate_id:
        try:
            from provable import bounds

            return bounds.get(c.rate_id).measure
        except Exception:  # noqa: BLE001 - a label must never lose a plot
            return "measured value"
    return "measured value"


def plot_rate(v: dict, path: str | os.PathLike) -> Path:
    """Log-log plot of a rate verdict: the statistic the verdict judged (mean or quantile
    over seeds, each seed faint behind it), the fitted slope over the top window (the one
    the verdict reads), the claimed slope and the threshold slope ``expected ± tol``.

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
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rate_figure(v).savefig(path, dpi=110)
    return path


def rate_figure(v: dict) -> Any:
    """The matplotlib ``Figure`` that :func:`plot_rate` saves."""
    from matplotlib.figure import Figure

    data = v["data"]
    xs = np.asarray(data["xs"], float)
    ys = np.atleast_2d(np.asarray(data["ys"], float))
    fit = data["fit"]
    polylog = float(fit.get("polylog", 0.0) or 0.0)
    var = data.get("var", "x")
    n = ys.shape[0]
    stat = str(data.get("statistic") or fit.get("statistic") or "mean")
    if stat.startswith("quantile"):
        try:
            q = float(stat.split()[1])
        except (IndexError, ValueError):
            q = 0.9
        centre = np.quantile(ys, q, axis=0)
        err = None
    else:
        centre = ys.mean(axis=0)
        err = ys.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else None
    slope, ci, top = _top_fit(v)
    # an exponential rate y = O(e^{bN}) is fitted on x = e^N: draw it semi-log against N
    expo = re.fullmatch(r"\s*(\S+) \(as e\^(\S+)\)\s*", str(var))
    px = np.log if expo else (lambda a: a)

    fig = Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    if n > 1:
        for row in ys:
            ax.plot(px(xs), row, "-", color="tab:blue", alpha=0.12, lw=0.8)
    label = statistic_label(v) + (" (± s.e.)" if err is not None else "")
    ax.errorbar(px(xs), centre, yerr=None if err is None else np.minimum(err, centre * 0.999),
                fmt="o", color="tab:blue", ms=4, capsize=3 if xs.size <= 30 else 0,
                label=label, zorder=3)
    lx = np.log(xs)
    ly = np.log(centre) - (polylog * np.log(lx) if polylog else 0.0)
    inside = (xs >= top[0] * (1 - 1e-9)) & (xs <= top[1] * (1 + 1e-9)) if top else \
        np.ones_like(xs, bool)
    if inside.sum() < 2:
        inside = np.ones_like(xs, bool)

    def line(b: float, on: np.ndarray, grid: np.ndarray) -> np.ndarray:
        c0 = float(np.mean(ly[on]) - b * np.mean(lx[on]))
        lp = polylog * np.log(np.log(grid)) if polylog else 0.0
        return np.exp(c0 + b * np.log(grid) + lp)

    full = np.geomspace(xs.min(), xs.max(), 100)
    topg = np.geomspace(xs[inside].min(), xs[inside].max(), 50)
    interval = "" if math.isnan(ci[0]) or n == 1 and not fit.get("deterministic") else \
        f" [{ci[0]:.3g}, {ci[1]:.3g}]"
    where = "top window" if top else "grid"
    ax.plot(px(topg), line(slope, inside, topg), color="tab:red", lw=2,
            label=(f"fit over the {where}: e^({slope:.3g} {expo[1]}){interval}" if expo else
                   f"fit over the {where}: slope {slope:.3g}{interval}")
            + (f" × (log {var})^{polylog:g}" if polylog else ""))
    expected = v.get("expected")
    thr = threshold(v)
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        ax.plot(px(full), line(float(expected), inside, full), "--", color="0.35",
                label=f"claimed e^({float(expected):.3g} {expo[1]})" if expo else
                f"claimed slope {float(expected):.3g}")
    if thr is not None:
        for b, side in ((thr[1], "≤"), (thr[0], "≥")):
            if math.isfinite(b):
                ax.plot(px(full), line(b, inside, full), ":", color="black", lw=1.4,
                        label=f"threshold: rate {side} {b:.3g} per unit {expo[1]}" if expo
                        else f"threshold: slope {side} {b:.3g}")
    ctrl = v.get("control")
    if isinstance(ctrl, dict):
        cst = ctrl.get("status", "—")
        cdata = ctrl.get("data") or {}
        ce = ctrl.get("expected")
        if "ys" in cdata:      # the data of a planted wrong algorithm
            cy = np.atleast_2d(np.asarray(cdata["ys"], float))
            if cy.shape[1] == xs.size:
                cm = cy.mean(axis=0)
                ok = np.isfinite(cm) & (cm > 0)
                ax.plot(px(xs[ok]), cm[ok], "x", color="tab:orange", ms=6,
                        label=f"control: planted wrong algorithm, mean ({cst})")
        elif isinstance(ce, (int, float)) and not isinstance(ce, bool) and math.isfinite(ce):
            side = {"upper": "≤", "lower": "≥"}.get(str(data.get("rate_kind")), "=")
            ax.plot(px(full), line(float(ce), inside, full), "-.", lw=1.2,
                    color=status_colour(cst, control=True),
                    label=(f"control: rate {side} {float(ce):.3g} per unit {expo[1]}" if expo
                           else f"control: slope {side} {float(ce):.3g}")
                    + f", a false statement ({cst})")
    if not expo:
        ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"{expo[1]} (semi-log: the rate is exponential in {expo[1]})" if expo else var)
    ax.set_ylabel(f"{_rate_quantity(v)} ({stat})" if n > 1 else _rate_quantity(v))
    ax.set_title(f"{v.get('claim', '')}: {v.get('status', '')}", fontsize=10,
                 color=_STATUS_COLOURS.get(str(v.get("status")), "black"))
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=7.5, loc="best")
    return fig


_ALL_PASS = re.compile(r"all (\d+) cases? pass")
_SOME_FAIL = re.compile(r"case \d+ fails \((\d+) of (\d+) fail\)")


def case_fraction(v: dict) -> float | None:
    """The fraction of cases that pass in a case-by-case verdict, read from its reason
    (``"all 8 cases pass"``, ``"case 3 fails (2 of 8 fail)"``), else its measured value
    when that is a fraction; ``None`` when neither says.

    Examples
    --------
    >>> case_fraction({"reason": "x >= 0: case 0 fails (2 of 8 fail)"})
    0.75
    >>> case_fraction({"reason": "mean <= bound: all 51 cases pass", "measured": 0.18})
    1.0
    """
    reason = str(v.get("reason") or "")
    m = _SOME_FAIL.search(reason)
    if m:
        return 1.0 - int(m[1]) / int(m[2])
    if _ALL_PASS.search(reason):
        return 1.0
    x = v.get("measured")
    if isinstance(x, (int, float)) and not isinstance(x, bool) and 0.0 <= float(x) <= 1.0:
        return float(x)
    return None


def outcome_kind(v: dict) -> str:
    """How a verdict that is not a rate fit reads its number: ``"cases"`` (a property
    checked case by case, holds when every case passes), ``"residual"`` (an identity's
    largest residual, holds when ≤ tolerance), ``"value"`` otherwise.

    Examples
    --------
    >>> outcome_kind({"data": {"residual": 1e-12}, "reason": "max |a - b| = 1e-12 <= 1e-09"})
    'residual'
    >>> outcome_kind({"measured": 1.0, "expected": 1.0, "reason": "x: all 4 cases pass"})
    'cases'
    """
    reason = str(v.get("reason") or "")
    if _ALL_PASS.search(reason) or _SOME_FAIL.search(reason):
        return "cases"
    if "residual" in (v.get("data") or {}):
        return "residual"
    c = _lookup(str(v.get("claim", "")))
    if c is not None and c.kind in ("identity", "inequality"):
        return "residual"
    if c is not None and c.kind == "property":
        return "cases"
    return "value"


def _outcome_meaning(v: dict) -> str:
    kind = outcome_kind(v)
    if kind == "residual":
        return f"largest residual |lhs − rhs|; holds when ≤ {_num(v.get('tolerance'))}"
    if kind == "cases":
        frac = case_fraction(v)
        m = v.get("measured")
        if frac is not None and isinstance(m, (int, float)) and not isinstance(m, bool) \
                and abs(float(m) - frac) > 1e-12:
            return (f"the claim's own statistic (see the reason); {frac:.3g} of the cases "
                    "pass, and it holds only when every case passes")
        return "fraction of the cases that pass; holds only when every case passes (1)"
    return "measured value against the claimed one"


def plot_outcome(v: dict, path: str | os.PathLike) -> Path:
    """A pass/fail picture for a verdict with neither rate data nor a figure: the claim's
    number and its negative control's, against the threshold that decides them (the
    tolerance of an identity, "every case passes" for a property). An exact zero
    residual is marked and labelled at the floor of the log axis."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    outcome_figure(v).savefig(path, dpi=110)
    return path


def outcome_figure(v: dict) -> Any:
    """The matplotlib ``Figure`` that :func:`plot_outcome` saves."""
    from matplotlib.figure import Figure

    kind = outcome_kind(v)
    ctrl = v.get("control") if isinstance(v.get("control"), dict) else None
    rows = [("claim", v)] + ([("control", ctrl)] if ctrl else [])
    fig = Figure(figsize=(6.4, 1.3 + 0.55 * len(rows)), layout="constrained")
    ax = fig.subplots()
    vals = []
    zeros: list[int] = []
    for i, (name, w) in enumerate(rows):
        m = w.get("measured")
        try:
            val = float(m)
        except (TypeError, ValueError):
            val = math.nan
        if kind == "cases":
            frac = case_fraction(w)
            val = math.nan if frac is None else frac
            m = val
        vals.append(val)
        colour = status_colour(w.get("status"), control=name == "control")
        zero = kind == "residual" and val == 0.0
        if zero:   # an exact zero has no place on a log axis: a marked stub at its floor
            zeros.append(i)
            val = math.nan
        ax.barh(i, val if math.isfinite(val) else 0.0, color=colour, height=0.55)
        ax.text(1.01, i, f"{name}: {w.get('status')} ({'exactly 0' if zero else _num(m)})",
                va="center", transform=ax.get_yaxis_transform(), fontsize=8)
    ax.set_yticks(range(len(rows)), [r[0] for r in rows])
    ax.invert_yaxis()
    if kind == "residual":
        tol = float(v.get("tolerance") or 0.0)
        finite = [x for x in vals if math.isfinite(x) and x > 0] + ([tol] if tol > 0 else [])
        if finite:
            ax.set_xscale("log")
            ax.set_xlim(min(finite) / 30, max(finite) * 30)
        if tol > 0:
            ax.axvline(tol, color="black", ls=":", lw=1.4, label=f"tolerance {tol:.3g}")
        if zeros:
            lo = ax.get_xlim()[0]
            ax.plot([lo] * len(zeros), zeros, marker=">", ls="none", color="black", ms=7,
                    label="exactly 0 (at the left edge of the log axis)", clip_on=False)
        ax.set_xlabel("largest residual |lhs − rhs| (holds when ≤ tolerance)")
    elif kind == "cases":
        ax.set_xlim(0, 1.05)
        ax.axvline(1.0, color="black", ls=":", lw=1.4, label="every case passes")
        ax.set_xlabel("fraction of cases that pass (holds only at 1)")
    else:
        e = v.get("expected")
        if isinstance(e, (int, float)) and not isinstance(e, bool):
            ax.axvline(float(e), color="black", ls=":", lw=1.4, label=f"claimed {float(e):.3g}")
        ax.set_xlabel("measured")
    ax.set_title(f"{v.get('claim', '')}: {v.get('status', '')}", fontsize=10,
                 color=_STATUS_COLOURS.get(str(v.get("status")), "black"))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="lower right")
    ax.grid(True, axis="x", which="both", alpha=0.25)
    return fig


def _projected(v: dict) -> tuple[float, float] | None:
    """The top slope's interval projected along the bend (what the verdict compares with
    the threshold), when the fit carries a curvature."""
    fit = (v.get("data") or {}).get("fit") or {}
    if not all(k in fit for k in ("top_ci", "curvature_ci", "curvature")):
        return None
    from provable.proofs_checks._stats import projected_interval

    try:
        lo, hi = projected_interval(fit)
    except (TypeError, ValueError, KeyError):
        return None
    return float(lo), float(hi)


def plot_forest(verdicts: Sequence[dict], path: str | os.PathLike) -> Path | None:
    """Summary figure of every rate verdict: its fitted exponent (top window) with its
    interval, against the band of exponents the claim allows (``expected ± tol`` on the
    side the bound speaks of). ``None`` when no verdict is a rate.

    Each row is coloured by its verdict, so that an interval straddling the threshold
    (``inconclusive``) cannot be mistaken for a pass.
    """
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    rows = [v for v in verdicts if is_rate(v)]
    if not rows:
        return None
    fig = Figure(figsize=(8.0, 1.2 + 0.32 * len(rows)), layout="constrained")
    ax = fig.subplots()
    lows, highs = [], []
    for i, v in enumerate(rows):
        slope, ci, _ = _top_fit(v)
        colour = _STATUS_COLOURS.get(str(v.get("status")), "0.5")
        thr = threshold(v)
        if thr is not None:
            lo, hi = thr
            a = lo if math.isfinite(lo) else -1e3
            b = hi if math.isfinite(hi) else 1e3
            ax.fill_betweenx([i - 0.4, i + 0.4], a, b, color="#2e7d32", alpha=0.10, lw=0)
            for t in (lo, hi):
                if math.isfinite(t):
                    ax.plot([t, t], [i - 0.4, i + 0.4], color="black", lw=1.6)
                    lows.append(t)
                    highs.append(t)
        proj = _projected(v)
        if proj is not None and all(math.isfinite(c) for c in proj):
            ax.plot(proj, [i, i], color=colour, lw=0.9)
            lows.append(proj[0])
            highs.append(proj[1])
        if all(math.isfinite(c) for c in ci):
            ax.plot(ci, [i, i], color=colour, lw=2.6)
            lows.append(ci[0])
            highs.append(ci[1])
        ax.plot([slope], [i], "o", color=colour, ms=5)
        lows.append(slope)
        highs.append(slope)
    span = max(highs) - min(lows) if lows else 1.0
    ax.set_xlim(min(lows) - 0.08 * span - 0.05, max(highs) + 0.08 * span + 0.05)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(range(len(rows)),
                  [f"{v.get('claim', '')} ({(v.get('data') or {}).get('var', 'x')})"
                   for v in rows], fontsize=7.5)
    ax.set_xlabel("fitted exponent over the top window of the grid")
    ax.grid(True, axis="x", alpha=0.25)
    handles = [Line2D([], [], color=c, marker="o", lw=2, label=s)
               for s, c in _STATUS_COLOURS.items() if any(v.get("status") == s for v in rows)]
    handles.append(Line2D([], [], color="0.3", lw=0.9, label="projected along the bend"))
    handles.append(Line2D([], [], color="black", lw=1.6, label="claimed threshold"))
    ax.legend(handles=handles, fontsize=7.5, loc="upper center",
              bbox_to_anchor=(0.5, 1.0 + 0.9 / (1.2 + 0.32 * len(rows))), ncol=len(handles),
              frameon=False)
    ax.set_title("rate claims: fitted exponent against the claimed band (shaded)", fontsize=10,
                 pad=18)
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
        lines += [src + ".", ""]
        if cit.seed_text:
            lines += ["**Abstract (verbatim).**", ""]
            lines += ["> " + ln for ln in cit.seed_text.splitlines()] + [""]
        if cit.restored:
            lines += ["**Restored statement** (symbols the abstract's text lost put back).",
                      ""]
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
    """Write ``report.md``, ``report.html``, ``results.json`` and ``plots/*.png`` into ``out``.

    ``report.html`` is self-contained (figures embedded): the summary figure of every
    rate claim first, then a row per claim and a section with its figure and evidence.
    Every claim gets a figure: a rate its log-log fit, an identity its residual against
    the tolerance, a property the fraction of cases that pass.

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

    # plots first, so that results.json can point at them. A plot's file name is its
    # claim's stem and a fingerprint of what it shows: two verdicts with one label get
    # two files (or share one when they show the same thing), and only the plots of a
    # label that no verdict of this report shows any more are removed
    plots: list[str | None] = []
    plot_errors: list[str | None] = []
    stems: set[str] = set()
    for v in verdicts:
        plot, err = None, None
        draw = plot_rate if is_rate(v) else \
            plot_figure if "figure" in (v.get("data") or {}) else \
            None if v.get("status") == ERROR else plot_outcome
        if draw is not None:
            name = plot_stem(str(v.get("claim", "claim")))
            stems.add(name)
            rel = f"{PLOTS_DIR}/{name}-{_fingerprint(v)}.png"
            try:
                if not (out / rel).is_file():  # content-addressed: reuse an identical plot
                    draw(v, out / rel)
                plot = rel
            except Exception as e:  # noqa: BLE001 - a bad plot must not lose the report
                err = f"{type(e).__name__}: {e}"
        plots.append(plot)
        plot_errors.append(err)
    if stems and (out / PLOTS_DIR).is_dir():
        shown = {Path(p).name for p in plots if p}
        mine = re.compile("(" + "|".join(re.escape(n) for n in sorted(stems))
                          + r")-[0-9a-f]{10}\.png")
        for old in (out / PLOTS_DIR).iterdir():
            if old.name not in shown and mine.fullmatch(old.name) and old.is_file():
                try:
                    old.unlink()
                except OSError:   # another process's file, or gone already
                    pass
    anchors = unique_anchors([str(v.get("claim", "")) for v in verdicts])

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
             + (f" · budget {', '.join(budgets)}" if budgets else ""), "",
             "The same report with the summary figure and every figure embedded: "
             "[report.html](report.html).", ""]
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
        for v, c, anchor in zip(verdicts, claims, anchors):
            lines.append("| " + " | ".join(_cell(x) for x in (
                f"[{v.get('claim')}](#{anchor})", _source(c),
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
    try:
        from provable.proofs_checks._report_html import write_html

        banner = []
        if errors:
            banner.append(f"Incomplete: {len(errors)} claim{'s' if len(errors) != 1 else ''} "
                          "could not run (status error, not a verdict).")
        elif not complete:
            banner.append("Partial report: the run stopped before every claim finished.")
        banner += [f"Failure: {c}: {w}" for c, w in fails]
        write_html(verdicts, claims, out, plots, plot_errors, title=title, banner=banner,
                   meta=lines[2], anchors=anchors)
    except Exception as e:  # noqa: BLE001 - the markdown report is already written
        (out / "report.html").write_text(
            f"<!DOCTYPE html><p>The HTML report could not be written: {type(e).__name__}: "
            f"{e}. See {REPORT_FILE}.</p>", encoding="utf-8")
    return path


def _fingerprint(v: dict) -> str:
    """Short hash of everything a rate plot shows (its file name, so a re-run with the
    same cached verdict reuses the PNG instead of drawing it again)."""
    import hashlib

    ctrl = v.get("control")
    body = [_PLOT_STYLE, provable_version(), v.get("claim"), v.get("status"), v.get("expected"),
            v.get("data"), (ctrl.get("data") or {}).get("ys") if isinstance(ctrl, dict) else None,
            ctrl.get("expected") if isinstance(ctrl, dict) else None,
            [ctrl.get("status"), ctrl.get("measured")] if isinstance(ctrl, dict) else None,
            v.get("measured"), v.get("tolerance")]
    text = json.dumps(body, sort_keys=True, default=_json_default)
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def unique_anchors(headings: Sequence[str]) -> list[str]:
    """GitHub-style anchors of a page's headings: a repeated heading gets ``-1``,
    ``-2``, … as GitHub numbers them.

    Examples
    --------
    >>> unique_anchors(["user", "Other", "user"])
    ['user', 'other', 'user-1']
    """
    seen: dict[str, int] = {}
    out = []
    for h in headings:
        a = _anchor(h)
        k = seen.get(a, 0)
        seen[a] = k + 1
        out.append(a if k == 0 else f"{a}-{k}")
    return out


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
