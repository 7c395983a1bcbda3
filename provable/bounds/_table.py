"""Rate tables in markdown, LaTeX (booktabs), HTML and JSON."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable

from provable._validation import check_choice
from provable.bounds._api import get, search
from provable.bounds._printing import escape_latex
from provable.bounds._rate import Rate
from provable.errors import InvalidType

__all__ = ["table", "COLUMNS", "FORMATS"]

FORMATS = ("markdown", "latex", "html", "json")
COLUMNS = ("Setting", "Algorithm", "Quantity", "Bound", "Lower bound", "Convention", "Source")


def _source(r: Rate) -> str:
    c = r.citation
    s = c.short()
    if c.arxiv:
        s += f", arXiv:{c.arxiv}"
    return s + (" [seed]" if c.origin == "seed" else "")


def _lower(r: Rate) -> Rate | None:
    return get(r.lower_bound) if r.lower_bound else None


def _md_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("_", "\\_").replace(
        "*", "\\*").replace("<", "&lt;").replace(">", "&gt;")


def _rows_text(rates: list[Rate]) -> list[list[str]]:
    rows = []
    for r in rates:
        lo = _lower(r)
        rows.append([r.setting, r.algorithm, f"{r.quantity} ({r.kind})", r.text(),
                     lo.text() if lo else "", r.convention, _source(r)])
    return rows


def table(rates: Iterable[Rate | str] | None = None, fmt: str = "markdown",
          setting: str | None = None, quantity: str | None = None,
          kind: str | None = None) -> str:
    """Render rates as a table a paper would print.

    Columns: setting, algorithm, quantity (kind), bound, matching lower bound where known,
    convention, source.

    Parameters
    ----------
    rates : iterable of Rate or id, optional
        Default: every registered rate passing the filters.
    fmt : {"markdown", "latex", "html", "json"}
        ``latex`` is a booktabs ``tabular`` fragment (needs ``\\usepackage{booktabs}``).
    setting, quantity, kind : str, optional
        Filters as in :func:`search`.

    Examples
    --------
    >>> from provable import bounds
    >>> print(bounds.table(["moss.regret"]).splitlines()[2])
    | bandit | MOSS | regret (upper) | O(√(K·T)) | Ω(√(K·T)) | K arms, T rounds (T &gt;= K), rewards in [0, 1] | Audibert, Bubeck (2009) |
    """
    check_choice("fmt", fmt, FORMATS)
    if rates is None:
        chosen = search(setting=setting, quantity=quantity, kind=kind)
    else:
        chosen = []
        for r in rates:
            if isinstance(r, str):
                r = get(r)
            if not isinstance(r, Rate):
                raise InvalidType(f"rates contains {r!r}, expected Rate objects or rate ids")
            chosen.append(r)
        keep = {x.id for x in search(setting=setting, quantity=quantity, kind=kind)}
        chosen = [r for r in chosen if r.id in keep or r.id not in {x.id for x in search()}]
    if fmt == "json":
        return json.dumps([dict(r.to_dict(), lower_bound_text=(_lower(r).text()
                                                               if r.lower_bound else None))
                           for r in chosen], indent=2, ensure_ascii=False)
    if fmt == "markdown":
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        for row in _rows_text(chosen):
            lines.append("| " + " | ".join(_md_escape(c) for c in row) + " |")
        return "\n".join(lines) + "\n"
    if fmt == "html":
        out = ['<table class="provable-rates">', "  <thead>", "    <tr>"]
        out += [f"      <th>{html.escape(c)}</th>" for c in COLUMNS]
        out += ["    </tr>", "  </thead>", "  <tbody>"]
        for row in _rows_text(chosen):
            out.append("    <tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row)
                       + "</tr>")
        out += ["  </tbody>", "</table>"]
        return "\n".join(out) + "\n"
    # latex
    out = [r"\begin{tabular}{" + "l" * len(COLUMNS) + "}", r"\toprule",
           " & ".join(escape_latex(c) for c in COLUMNS) + r" \\", r"\midrule"]
    for r in chosen:
        lo = _lower(r)
        cells = [escape_latex(r.setting), escape_latex(r.algorithm),
                 escape_latex(f"{r.quantity} ({r.kind})"), f"${r.latex()}$",
                 f"${lo.latex()}$" if lo else "", escape_latex(r.convention),
                 escape_latex(_source(r))]
        out.append(" & ".join(cells) + r" \\")
    out += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(out) + "\n"
