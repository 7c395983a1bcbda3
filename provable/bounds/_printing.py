"""Plain-text (unicode) and LaTeX rendering of rate expressions."""

from __future__ import annotations

import re
from collections.abc import Mapping

import sympy as sp

__all__ = ["to_text", "to_latex", "escape_latex", "NOTATION_TEXT", "NOTATION_LATEX"]

_GREEK = [
    ("mu_star", "μ*"), ("epsilon", "ε"), ("gamma", "γ"), ("Delta", "Δ"), ("delta", "δ"),
    ("beta", "β"), ("mu", "μ"), ("pi", "π"),
]

NOTATION_TEXT = {"O": "O", "Otilde": "Õ", "Omega": "Ω", "Omegatilde": "Ω̃", "Theta": "Θ",
                 "=": "=", "<=": "≤", ">=": "≥"}
NOTATION_LATEX = {"O": r"O", "Otilde": r"\tilde{O}", "Omega": r"\Omega",
                  "Omegatilde": r"\tilde{\Omega}", "Theta": r"\Theta", "=": "=",
                  "<=": r"\le", ">=": r"\ge"}


def to_text(expr: sp.Expr) -> str:
    """Compact unicode rendering: ``sqrt(A*H*S*T)`` → ``√(A·H·S·T)``.

    Examples
    --------
    >>> import sympy as sp
    >>> T, K = sp.symbols("T K", positive=True)
    >>> to_text(sp.sqrt(K * T))
    '√(K·T)'
    """
    s = sp.sstr(_tidy(expr))
    s = s.replace("**", "^").replace("*", "·").replace("sqrt(", "√(")
    for name, sym in _GREEK:
        s = re.sub(rf"\b{name}\b", sym, s)
    s = re.sub(r"\bE\b", "e", s)
    return _join(s, r"√\(([^()\s+\-]+)\)·√\(([^()\s+\-]+)\)", r"√(\1·\2)")


def _join(s: str, pattern: str, repl: str) -> str:
    while True:
        new = re.sub(pattern, repl, s)
        if new == s:
            return s
        s = new


def to_latex(expr: sp.Expr, symbol_names: Mapping[sp.Symbol, str] | None = None) -> str:
    """LaTeX of ``expr`` with the variables' own LaTeX names."""
    s = sp.latex(_tidy(expr), symbol_names=dict(symbol_names or {}))
    return _join(s, r"\\sqrt\{([^{}+\-]+)\} \\sqrt\{([^{}+\-]+)\}", r"\\sqrt{\1 \2}")


def _tidy(expr: sp.Expr) -> sp.Expr:
    """Recombine powers split by sympy (``sqrt(K)*sqrt(T)`` → ``sqrt(K*T)``) for display."""
    try:
        return sp.powsimp(expr, force=True)
    except Exception:  # pragma: no cover - display only
        return expr


_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


def escape_latex(text: str) -> str:
    """Escape LaTeX special characters in plain text (``&`` → ``\\&`` …).

    Examples
    --------
    >>> escape_latex("T = KH & 100%")
    'T = KH \\\\& 100\\\\%'
    """
    return "".join(_LATEX_ESCAPES.get(ch, ch) for ch in text)
