"""Plain-text (unicode) and LaTeX rendering of rate expressions."""

from __future__ import annotations

import re
from collections.abc import Mapping

import sympy as sp

__all__ = ["to_text", "to_latex", "escape_latex", "prose_latex", "compact_latex",
           "NOTATION_TEXT", "NOTATION_LATEX", "NAMED_LATEX"]

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


#: Expanded sub-expressions that the papers write with a named function:
#: (LaTeX as sympy prints it, the name, its definition and its meaning, or None).
NAMED_LATEX = [
    (r"\mu \log{\left(\frac{\mu}{\mu^{\star}} \right)} + \left(1 - \mu\right) "
     r"\log{\left(\frac{1 - \mu}{1 - \mu^{\star}} \right)}",
     r"\operatorname{kl}(\mu, \mu^{\star})",
     (r"\operatorname{kl}(p, q) = p \log\frac{p}{q} + (1 - p) \log\frac{1 - p}{1 - q}",
      "the relative entropy of Bernoulli(p) to Bernoulli(q)")),
    (r"\left(- \mu + \mu^{\star}\right)", r"\left(\mu^{\star} - \mu\right)", None),
]

_ATOM = r"(?:\\[A-Za-z]+|[A-Za-z0-9])(?:_\{[^{}]*\}|_[A-Za-z0-9])?(?:\^\{[^{}]*\}|\^[A-Za-z0-9])?"


def compact_latex(s: str) -> str:
    r"""sympy's LaTeX as a paper prints it inline: the named functions of
    :data:`NAMED_LATEX` folded in, ``\log{\left(T \right)}`` as ``\log T`` (a one-symbol
    argument), fractional exponents as ``3/2``, and plain brackets for ``\left( \right)``
    (so that a long bound may break after a ``+``).

    Examples
    --------
    >>> compact_latex(r"\sqrt{K T} \sqrt{\log{\left(T \right)}}")
    '\\sqrt{K T} \\sqrt{\\log T}'
    >>> compact_latex(r"\tilde{O}\left(A^{\frac{3}{2}} + \sqrt{A T}\right)")
    '\\tilde{O}(A^{3/2} + \\sqrt{A T})'
    """
    for expanded, named, _ in NAMED_LATEX:
        s = s.replace(expanded, named)
    s = re.sub(r"\\(log|ln|exp){\\left\((" + _ATOM + r") \\right\)}", r"\\\1 \2", s)
    s = re.sub(r"\^\{(- )?\\frac\{([^{}]+)\}\{([^{}]+)\}\}",
               lambda m: "^{" + ("-" if m.group(1) else "") + f"{m.group(2)}/{m.group(3)}}}", s)
    s = re.sub(r"\\left\(\s*", "(", s)
    return re.sub(r"\s*\\right\)", ")", s)


def escape_latex(text: str) -> str:
    """Escape LaTeX special characters in plain text (``&`` → ``\\&`` …).

    Examples
    --------
    >>> escape_latex("T = KH & 100%")
    'T = KH \\\\& 100\\\\%'
    """
    return "".join(_LATEX_ESCAPES.get(ch, ch) for ch in text)


# ---------------------------------------------------------------- prose with maths
_GREEK_LATEX = {
    "alpha": r"\alpha", "beta": r"\beta", "gamma": r"\gamma", "delta": r"\delta",
    "Delta": r"\Delta", "epsilon": r"\varepsilon", "eta": r"\eta", "theta": r"\theta",
    "lambda": r"\lambda", "mu": r"\mu", "pi": r"\pi", "rho": r"\rho", "sigma": r"\sigma",
    "Sigma": r"\Sigma", "tau": r"\tau", "phi": r"\phi", "kappa": r"\kappa", "xi": r"\xi",
    "omega": r"\omega", "Omega": r"\Omega", "chi": r"\chi", "nu": r"\nu", "zeta": r"\zeta",
}
#: words that are operators when they carry a subscript or an argument
_FUNCS = {"log": r"\log", "sup": r"\sup", "sum": r"\sum", "grad": r"\nabla", "exp": r"\exp",
          "max": r"\max", "min": r"\min", "KL": r"\mathrm{KL}", "inf": r"\inf"}
#: products of variables written as one word
_PRODUCTS = {"KH", "SA", "HSA", "SAH", "dH", "HT"}
_TOKEN = re.compile(r"""
    (?P<norm>\|\|(?:_[A-Za-z0-9]+)?(?:\^[A-Za-z0-9]+)?)
  | (?P<rel>>=|<=|!=)
  | (?P<word>[A-Za-z][A-Za-z0-9]*(?:_\{[^{}]*\}|_[A-Za-z0-9]+|\^\{[^{}]*\}|\^[A-Za-z0-9]+|\*)*)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<op>[=+\-/^()\[\],;:*|<>])
  | (?P<space>\s+)
  | (?P<other>.)
""", re.X)
_OPEN, _CLOSE = "([", ")]"


def _base_latex(name: str) -> str:
    if name in _GREEK_LATEX:
        return _GREEK_LATEX[name]
    m = re.fullmatch(r"([A-Za-z]+)(\d+)", name)     # sigma2 -> sigma^2
    if m and m.group(1) in _GREEK_LATEX:
        return f"{_GREEK_LATEX[m.group(1)]}^{{{m.group(2)}}}"
    if name in _FUNCS:
        return _FUNCS[name]
    if len(name) == 1 or name in _PRODUCTS:
        return name
    return rf"\mathrm{{{name}}}"


def _script_latex(body: str) -> str:
    """A sub- or superscript: maths of its own (``t-1``, ``pi_E``) or a label (``mix``)."""
    if body == "star":
        return r"\star"
    if re.fullmatch(r"[A-Za-z]{2,}", body) and body not in _GREEK_LATEX:
        return rf"\mathrm{{{body}}}"
    return _math_latex([m for m in _TOKEN.finditer(body)])


def _word_latex(word: str) -> str:
    m = re.match(r"[A-Za-z][A-Za-z0-9]*", word)
    base, rest = m.group(0), word[m.end():]
    out = _base_latex(base)
    for sm in re.finditer(r"_\{([^{}]*)\}|_([A-Za-z0-9]+)|\^\{([^{}]*)\}|\^([A-Za-z0-9]+)|(\*)",
                          rest):
        sub, sub1, sup, sup1, star = sm.groups()
        if star:
            out += "^{*}"
        elif sub is not None or sub1 is not None:
            s = sub if sub is not None else sub1
            out += r"^{\star}" if s == "star" else f"_{{{_script_latex(s)}}}"
        else:
            out += f"^{{{_script_latex(sup if sup is not None else sup1)}}}"
    return out


def _math_latex(tokens: list) -> str:
    out = []
    for t in tokens:
        kind, s = t.lastgroup, t.group(0)
        if kind == "word":
            out.append(_word_latex(s))
        elif kind == "norm":
            rest = s[2:]
            out.append(r"\|" + re.sub(r"_inf\b", r"_{\\infty}", rest))
        elif kind == "rel":
            out.append({">=": r"\ge ", "<=": r"\le ", "!=": r"\ne "}[s])
        elif kind == "space" and out and out[-1].endswith(" "):
            continue
        elif kind == "space":
            out.append(" ")
        elif kind == "op":
            out.append({"*": r"\cdot ", "|": r"\vert ", "<": "<", ">": ">"}.get(s, s))
        else:
            out.append(escape_latex(s))
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def _is_math_word(tokens: list, i: int) -> bool:
    s = tokens[i].group(0)
    base = re.match(r"[A-Za-z][A-Za-z0-9]*", s).group(0)
    scripted = len(base) < len(s)
    if base in _FUNCS:
        if scripted:
            return True
        nxt = next((t for t in tokens[i + 1:] if t.lastgroup != "space"), None)
        if nxt is None or tokens[i + 1].lastgroup == "space" and nxt.lastgroup != "word":
            return False
        if nxt.group(0) in ("(", "|"):
            return True
        k = tokens.index(nxt)
        return nxt.lastgroup == "word" and nxt.group(0) not in _FUNCS and _is_math_word(tokens, k)
    if scripted or base in _GREEK_LATEX or base in _PRODUCTS:
        return True
    if re.fullmatch(r"([A-Za-z]+)(\d+)", base):
        return re.match(r"[A-Za-z]+", base).group(0) in _GREEK_LATEX
    return len(base) == 1 and base != "a"


def _encloses(pieces: list[str]) -> bool:
    """Whether the first ``(`` of ``pieces`` closes at the last ``)``."""
    depth = 0
    for k, p in enumerate(pieces):
        depth += p == "("
        depth -= p == ")"
        if depth == 0 and k < len(pieces) - 1:
            return False
    return depth == 0


def prose_latex(text: str) -> str:
    """LaTeX of prose that writes its maths in ASCII (``T >= K``, ``mu_star``,
    ``gamma^k/(1-gamma)``): the maths runs become ``$...$`` with LaTeX symbols, the rest
    is escaped text.

    A maths run is a stretch of variables (single letters, Greek names, names with a
    subscript ``_x`` / ``_{...}``, a superscript ``^k`` or a star), numbers, operators
    and brackets; it holds at least one variable or bracket pair, and a bracket it
    does not close stays in the text.

    Examples
    --------
    >>> prose_latex("K arms, T rounds (T >= K), rewards in [0, 1]")
    '$K$ arms, $T$ rounds ($T \\\\ge K$), rewards in $[0, 1]$'
    >>> prose_latex("means mu and mu_star; t_mix bounds the mixing times")
    'means $\\\\mu$ and $\\\\mu^{\\\\star}$; $t_{\\\\mathrm{mix}}$ bounds the mixing times'
    >>> prose_latex("the sum over arms; 100% & more")
    'the sum over arms; 100\\\\% \\\\& more'
    """
    tokens = list(_TOKEN.finditer(text))
    kinds = []
    depth = 0
    for i, t in enumerate(tokens):
        k = t.lastgroup
        depth += t.group(0) in ("(", "[")
        depth -= t.group(0) in (")", "]") and depth > 0
        if t.group(0) in (";", ":") or (t.group(0) == "," and depth == 0):
            kinds.append("W")    # a clause ends: so does the maths
        elif k == "word":
            kinds.append("M" if _is_math_word(tokens, i) else "W")
        elif k == "num":
            kinds.append("N")
        elif k in ("op", "rel", "norm"):
            kinds.append("O")
        elif k == "space":
            kinds.append("S")
        else:
            kinds.append("W")
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if kinds[i] == "W" or kinds[i] == "S":
            out.append(escape_latex(tokens[i].group(0)))
            i += 1
            continue
        j = i
        while j < len(tokens) and kinds[j] != "W":
            j += 1
        run = list(range(i, j))
        lead: list[int] = []
        trail: list[int] = []

        def piece(k: int) -> str:
            return tokens[k].group(0)

        changed = True
        while changed and run:
            changed = False
            while run and (kinds[run[0]] == "S" or (kinds[run[0]] == "O"
                           and piece(run[0]) not in ("(", "[", "|", "||")
                           and tokens[run[0]].lastgroup != "norm")):
                lead.append(run.pop(0))
                changed = True
            while run and (kinds[run[-1]] == "S" or (kinds[run[-1]] == "O"
                           and piece(run[-1]) not in (")", "]", "|")
                           and not (tokens[run[-1]].lastgroup == "norm"))):
                trail.insert(0, run.pop())
                changed = True
            if len(run) > 2 and piece(run[0]) == "(" and piece(run[-1]) == ")" \
                    and _encloses([piece(k) for k in run]):
                lead.append(run.pop(0))       # (T >= K): the brackets are prose
                trail.insert(0, run.pop())
                changed = True
                continue
            body = "".join(piece(k) for k in run)
            for o, c in ("()", "[]"):
                if run and piece(run[0]) == o and body.count(o) > body.count(c):
                    lead.append(run.pop(0))
                    changed = True
                    break
                if run and piece(run[-1]) == c and body.count(c) > body.count(o):
                    trail.insert(0, run.pop())
                    changed = True
                    break
        has_var = any(kinds[k] == "M" for k in run)
        has_brackets = any(piece(k) in "([" for k in run) and any(piece(k) in ")]" for k in run)
        out += [escape_latex(piece(k)) for k in lead]
        if run and (has_var or has_brackets):
            out.append("$" + _math_latex([tokens[k] for k in run]) + "$")
        else:
            out += [escape_latex(piece(k)) for k in run]
        out += [escape_latex(piece(k)) for k in trail]
        i = j
    return "".join(out)
