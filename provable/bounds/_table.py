"""Rate tables in markdown, LaTeX (booktabs + tabularx), HTML and JSON, and the BibTeX
of their sources."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable

from provable._validation import check_choice
from provable.bounds._api import get, search
from provable.bounds._printing import compact_latex, escape_latex, prose_latex
from provable.bounds._rate import Rate
from provable.errors import InvalidArgument, InvalidType

__all__ = ["table", "bibtex", "COLUMNS", "FORMATS", "LATEX_COLUMNS"]

FORMATS = ("markdown", "latex", "html", "json")
COLUMNS = ("Setting", "Algorithm", "Quantity", "Bound", "Lower bound", "Convention", "Source")
#: the columns of a LaTeX table unless others are asked for: they fit one column of a
#: two-column article
LATEX_COLUMNS = ("Algorithm", "Bound", "Source")
#: columns typeset as maths (natural width) and as the citation (natural width)
_MATH = ("Bound", "Lower bound")


def _column_name(c: object) -> str:
    """``"lower_bound"``, ``"Lower bound"``, ``"lower-bound"`` → ``"Lower bound"``."""
    if not isinstance(c, str):
        raise InvalidType(f"columns contains {c!r} (type {type(c).__name__}), expected "
                          f"column names from {list(COLUMNS)}")
    want = c.strip().lower().replace("_", " ").replace("-", " ")
    for name in COLUMNS:
        if name.lower() == want or (want == "lower" and name == "Lower bound"):
            return name
    raise InvalidArgument(f"column {c!r} is not known, expected some of "
                          f"{[n.lower().replace(' ', '_') for n in COLUMNS]}")


def _columns(columns: Iterable[str] | str | None, default: tuple[str, ...]) -> list[str]:
    if columns is None:
        return list(default)
    if isinstance(columns, str):
        columns = [x for x in columns.split(",") if x.strip()]
    out = [_column_name(c) for c in columns]
    if not out:
        raise InvalidArgument("columns=[], expected at least one column")
    dup = [c for i, c in enumerate(out) if c in out[:i]]
    if dup:
        raise InvalidArgument(f"column {dup[0]!r} is asked for twice")
    return out


def _source(r: Rate) -> str:
    c = r.citation
    s = c.short()
    if c.arxiv:
        s += f", arXiv:{c.arxiv}"
    return s


def _lower(r: Rate) -> Rate | None:
    return get(r.lower_bound) if r.lower_bound else None


def _md_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("_", "\\_").replace(
        "*", "\\*").replace("<", "&lt;").replace(">", "&gt;")


def _rows_text(rates: list[Rate], columns: list[str]) -> list[list[str]]:
    rows = []
    for r in rates:
        lo = _lower(r)
        cells = {"Setting": r.setting, "Algorithm": r.algorithm,
                 "Quantity": f"{r.quantity} ({r.kind})", "Bound": r.text(),
                 "Lower bound": lo.text() if lo else "", "Convention": r.convention,
                 "Source": _source(r)}
        rows.append([cells[c] for c in columns])
    return rows


def _latex_cells(r: Rate, columns: list[str], cite: bool) -> list[str]:
    lo = _lower(r)
    c = r.citation
    cells = {"Setting": escape_latex(r.setting), "Algorithm": escape_latex(r.algorithm),
             "Quantity": escape_latex(f"{r.quantity} ({r.kind})"), "Bound": f"${compact_latex(r.latex())}$",
             "Lower bound": f"${compact_latex(lo.latex())}$" if lo else "",
             "Convention": prose_latex(r.convention),
             "Source": rf"\cite{{{c.key()}}}" if cite else escape_latex(c.short())}
    return [cells[x] for x in columns]


def _latex(chosen: list[Rate], columns: list[str], cite: bool, width: str) -> str:
    # every column but the citation wraps (tabularx X, ragged right); a bound gets a
    # wider share of the width than prose, and breaks after a + when it must
    wrap = [c for c in columns if not (c == "Source" and cite)] or columns[:1]
    weight = {c: (1.4 if c in _MATH else 1.0) for c in wrap}
    total = sum(weight.values())
    spec = ""
    for c in columns:
        if c in weight:
            h = weight[c] * len(wrap) / total
            size = "" if abs(h - 1) < 1e-9 else rf"\hsize={h:.3f}\hsize"
            spec += rf">{{{size}\raggedright\arraybackslash}}X"
        else:
            spec += "l"
    out = [r"% provable rate table: needs \usepackage{amsmath,booktabs,tabularx}",
           rf"\begin{{tabularx}}{{{width}}}{{@{{}}{spec}@{{}}}}", r"\toprule",
           " & ".join(escape_latex(c) for c in columns) + r" \\", r"\midrule"]
    for r in chosen:
        out.append(" & ".join(_latex_cells(r, columns, cite)) + r" \\")
    out += [r"\bottomrule", r"\end{tabularx}"]
    return "\n".join(out) + "\n"


def _choose(rates: Iterable[Rate | str] | None, setting: str | None, quantity: str | None,
            kind: str | None) -> list[Rate]:
    if rates is None:
        return search(setting=setting, quantity=quantity, kind=kind)
    chosen = []
    for r in rates:
        if isinstance(r, str):
            r = get(r)
        if not isinstance(r, Rate):
            raise InvalidType(f"rates contains {r!r}, expected Rate objects or rate ids")
        chosen.append(r)
    keep = {x.id for x in search(setting=setting, quantity=quantity, kind=kind)}
    return [r for r in chosen if r.id in keep or r.id not in {x.id for x in search()}]


def bibtex(rates: Iterable[Rate | str] | None = None, setting: str | None = None,
           quantity: str | None = None, kind: str | None = None) -> str:
    r"""BibTeX of the sources of the rates (every registered rate by default), one entry
    per paper, keyed as the ``\cite{key}`` of a LaTeX :func:`table`.

    Examples
    --------
    >>> from provable import bounds
    >>> print(bounds.bibtex(["ucbvi.regret"]))
    @article{azar2017minimax,
      title = {{Minimax Regret Bounds for Reinforcement Learning}},
      author = {Azar and Osband and Munos},
      year = {2017},
      eprint = {1703.05449},
      archivePrefix = {arXiv},
      url = {https://arxiv.org/abs/1703.05449},
    }
    <BLANKLINE>
    """
    entries: dict[str, str] = {}
    for r in _choose(rates, setting, quantity, kind):
        for c in [r.citation] + ([_lower(r).citation] if r.lower_bound else []):
            entries.setdefault(c.key(), c.bibtex())
    return "".join(e + "\n\n" for e in entries.values()).rstrip("\n") + "\n"


def table(rates: Iterable[Rate | str] | None = None, fmt: str = "markdown",
          setting: str | None = None, quantity: str | None = None,
          kind: str | None = None, *, columns: Iterable[str] | str | None = None,
          cite: bool = True, width: str = r"\linewidth") -> str:
    r"""Render rates as a table a paper would print.

    Columns: setting, algorithm, quantity (kind), bound, matching lower bound where known,
    convention, source (all of them by default; a LaTeX table has algorithm, bound,
    lower bound and source unless ``columns`` says otherwise).

    Parameters
    ----------
    rates : iterable of Rate or id, optional
        Default: every registered rate passing the filters.
    fmt : {"markdown", "latex", "html", "json"}
        ``latex`` is a booktabs ``tabularx`` fragment (needs
        ``\usepackage{booktabs,tabularx}``) of the given ``width``: the prose columns
        wrap, ragged right; bounds are LaTeX maths, conventions have their maths
        typeset, and the source is ``\cite{key}`` (:func:`bibtex` writes the entries).
    setting, quantity, kind : str, optional
        Filters as in :func:`search`.
    columns : sequence of str or str, optional
        The columns, in order: names from :data:`COLUMNS`, case-insensitive, ``_`` or
        ``-`` for spaces (``"algorithm,bound,source"``); not for ``json``.
    cite : bool, default True
        LaTeX: the source as ``\cite{key}``; ``False``: as "Authors (year)".
    width : str, default ``"\linewidth"``
        LaTeX: the table's width (one column of a two-column article; ``"\textwidth"``
        in a ``table*``).

    Examples
    --------
    >>> from provable import bounds
    >>> print(bounds.table(["moss.regret"]).splitlines()[2])
    | bandit | MOSS | regret (upper) | O(√(K·T)) | Ω(√(K·T)) | K arms, T rounds (T &gt;= K), rewards in [0, 1] | Audibert, Bubeck (2009) |
    """
    check_choice("fmt", fmt, FORMATS)
    if not isinstance(cite, bool):
        raise InvalidType(f"cite={cite!r}, expected True or False")
    if not isinstance(width, str) or not width.strip():
        raise InvalidType(f"width={width!r}, expected a LaTeX length such as '\\linewidth'")
    if fmt == "json" and columns is not None:
        raise InvalidArgument("columns= is for the markdown, latex and html tables; json "
                              "holds every field")
    cols = _columns(columns, LATEX_COLUMNS if fmt == "latex" else COLUMNS)
    chosen = _choose(rates, setting, quantity, kind)
    if fmt == "json":
        return json.dumps([dict(r.to_dict(), lower_bound_text=(_lower(r).text()
                                                               if r.lower_bound else None))
                           for r in chosen], indent=2, ensure_ascii=False)
    if fmt == "markdown":
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for row in _rows_text(chosen, cols):
            lines.append("| " + " | ".join(_md_escape(c) for c in row) + " |")
        return "\n".join(lines) + "\n"
    if fmt == "html":
        out = ['<table class="provable-rates">', "  <thead>", "    <tr>"]
        out += [f"      <th>{html.escape(c)}</th>" for c in cols]
        out += ["    </tr>", "  </thead>", "  <tbody>"]
        for row in _rows_text(chosen, cols):
            out.append("    <tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row)
                       + "</tr>")
        out += ["  </tbody>", "</table>"]
        return "\n".join(out) + "\n"
    return _latex(chosen, cols, cite, width)
