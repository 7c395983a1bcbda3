"""Plain function behind ``provable rates`` (wired into the typer app in provable/cli.py)."""

from __future__ import annotations

from provable.bounds._table import bibtex, table

__all__ = ["rates_command"]


def rates_command(format: str = "markdown", setting: str | None = None,
                  quantity: str | None = None, kind: str | None = None, *,
                  columns: str | None = None, cite: bool = True,
                  width: str = r"\linewidth") -> str:
    r"""Return the rate table as a string (``provable rates --format latex --setting bandit``).

    ``format="bibtex"`` (``provable rates --bib``) gives the BibTeX entries of the
    sources instead, keyed as the LaTeX table's ``\cite{key}``. ``columns`` is a
    comma-separated list of column names (``"algorithm,bound,source"``); ``cite`` and
    ``width`` are for LaTeX (see :func:`provable.bounds.table`).

    Examples
    --------
    >>> out = rates_command("markdown", setting="average-reward MDP")
    >>> out.count("\n")
    5
    >>> print(rates_command("latex", setting="average-reward MDP").splitlines()[3])
    Algorithm & Bound & Source \\
    """
    if format == "bibtex":
        return bibtex(setting=setting, quantity=quantity, kind=kind)
    return table(fmt=format, setting=setting, quantity=quantity, kind=kind, columns=columns,
                 cite=cite, width=width)
