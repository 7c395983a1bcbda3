"""Plain function behind ``provable rates`` (wired into the typer app in provable/cli.py)."""

from __future__ import annotations

from provable.bounds._table import table

__all__ = ["rates_command"]


def rates_command(format: str = "markdown", setting: str | None = None,
                  quantity: str | None = None, kind: str | None = None) -> str:
    """Return the rate table as a string (``provable rates --format latex --setting bandit``).

    Examples
    --------
    >>> out = rates_command("markdown", setting="average-reward MDP")
    >>> out.count("\\n")
    5
    """
    return table(fmt=format, setting=setting, quantity=quantity, kind=kind)
