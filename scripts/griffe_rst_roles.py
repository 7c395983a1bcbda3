"""Griffe extension for the API reference: the reST roles of the docstrings as markdown.

The docstrings are numpy style with Sphinx roles; mkdocstrings renders markdown. This
rewrites, in the rendered copy only (the source and its doctests are untouched):

* ``:math:`x``` -> ``\\(x\\)`` and a ``.. math::`` block -> ``\\[ ... \\]`` (typeset by
  KaTeX through pymdownx.arithmatex);
* ``:func:`~a.b.c``` / ``:class:`` / ``:mod:`` / ``:meth:`` / ``:data:`` / ``:attr:``
  -> a code span (``c`` with the tilde, the full path without it).

Configured in mkdocs.yml (``extensions: [scripts/griffe_rst_roles.py]``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_MATH = re.compile(r":math:`([^`]+)`")
_ROLE = re.compile(r":(?:func|class|mod|meth|data|attr|obj|exc):`(~?)([^`]+)`")


def _role(m: re.Match) -> str:
    target = m[2].strip()
    if "<" in target and target.endswith(">"):  # :func:`title <target>`
        target = target[:target.index("<")].strip()
    if m[1]:
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


def _math_blocks(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() == ".. math::":
            indent = line[: len(line) - len(line.lstrip())]
            body: list[str] = []
            i += 1
            while i < len(lines) and (not lines[i].strip() or
                                      len(lines[i]) - len(lines[i].lstrip()) > len(indent)):
                body.append(lines[i].strip())
                i += 1
            while body and not body[-1]:
                body.pop()
            formula = " ".join(b for b in body if b)
            out += [f"{indent}\\[", f"{indent}{formula}", f"{indent}\\]", ""]
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


def rewrite(text: str) -> str:
    r"""The markdown form of a docstring's reST roles.

    >>> rewrite(":math:`x^2` by :func:`~provable.proofs_checks.fit_exponent`")
    '\\(x^2\\) by `fit_exponent`'
    """
    text = _math_blocks(text)
    text = _MATH.sub(lambda m: r"\(" + m[1] + r"\)", text)
    return _ROLE.sub(_role, text)


class RstRoles(griffe.Extension):
    """Rewrite every docstring when its object is loaded."""

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:  # noqa: D102
        doc = getattr(obj, "docstring", None)
        if doc is not None and doc.value:
            doc.value = rewrite(doc.value)
