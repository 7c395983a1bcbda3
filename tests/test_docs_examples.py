"""Every code block in docs/ runs, so that an example cannot drift from the code.

* ``python`` blocks are executed in order, one namespace per page, in a temporary
  working directory; a block that defines ``test_*`` functions has them called.
* ``pycon`` blocks (``>>>`` prompts) are doctests: their printed outputs are checked.
* ``console`` / ``bash`` / ``shell`` blocks: every ``provable ...`` command is checked
  against the CLI (the subcommand and each option exist; ``verify``'s claim ids are
  registered). Other commands (pip, pytest, python scripts) are not run.
* A block is skipped when the line before its fence is ``<!-- no-test -->`` or its
  fence reads ``title="not run"``: an illustration with elided parts.

Claims registered by an example are removed again after its page.
"""

from __future__ import annotations

import doctest
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,})(?P<info>[^`]*)$")
SKIP_MARK = "<!-- no-test -->"


def blocks(text: str) -> list[tuple[int, str, str, bool]]:
    """``(line, language, code, skipped)`` for every fenced block of a markdown text."""
    out = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = len(m["indent"]), m["fence"], m["info"].strip()
        lang = info.split()[0] if info else ""
        prev = next((ln.strip() for ln in reversed(lines[:i]) if ln.strip()), "")
        skipped = prev == SKIP_MARK or 'title="not run"' in info
        body = []
        j = i + 1
        while j < len(lines) and not (lines[j].strip() == fence and
                                      len(lines[j]) - len(lines[j].lstrip()) == indent):
            body.append(lines[j][indent:])
            j += 1
        out.append((i + 1, lang, "\n".join(body) + "\n", skipped))
        i = j + 1
    return out


def test_block_parser_reads_languages_marks_and_indented_fences():
    text = ("x\n```python\na = 1\n```\n<!-- no-test -->\n\n```python\nb = ...\n```\n"
            '??? note\n    ```pycon title="not run"\n    >>> 1\n    ```\n')
    got = [(ln, lang, code, skip) for ln, lang, code, skip in blocks(text)]
    assert got == [(2, "python", "a = 1\n", False), (7, "python", "b = ...\n", True),
                   (11, "pycon", ">>> 1\n", True)]


PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")
               if any(lang in ("python", "pycon", "console", "bash", "shell", "sh")
                      and not skip for _, lang, _, skip in blocks(p.read_text("utf-8"))))


def _cli_help(args: list[str]) -> str:
    from typer.testing import CliRunner

    from provable.cli import app

    res = CliRunner().invoke(app, [*args, "--help"], terminal_width=200)
    assert res.exit_code == 0, f"provable {' '.join(args)} --help: {res.output[-500:]}"
    return res.output


def _options(help_text: str) -> dict[str, bool]:
    """Option name (long and short) -> whether it takes a value, from ``--help``."""
    out: dict[str, bool] = {}
    for m in re.finditer(r"│ (--[\w-]+)(?:\s+(-\w))?\s+<([^>]+)>", help_text):
        takes = m[3] != "bool"
        out[m[1]] = takes
        if m[2]:
            out[m[2]] = takes
    return out


def _check_command(words: list[str], where: str) -> None:
    from provable import proofs_checks as pc

    if len(words) < 2 or words[1].startswith("-"):
        opts = _options(_cli_help([]))
        for w in words[1:]:
            assert w.split("=")[0] in opts, f"{where}: provable has no option {w}"
        return
    sub, rest = words[1], words[2:]
    opts = _options(_cli_help([sub]))
    args = []
    k = 0
    while k < len(rest):
        w = rest[k]
        if w.startswith("-"):
            name = w.split("=")[0]
            assert name in opts, f"{where}: provable {sub} has no option {name}"
            k += 2 if opts[name] and "=" not in w else 1
            continue
        args.append(w)
        k += 1
    if sub == "verify":
        known = {c.id for c in pc.catalogue()}
        missing = [i for i in args if i not in known]
        assert not missing, f"{where}: provable verify names unregistered claims {missing}"


def _shell_commands(code: str) -> list[list[str]]:
    cmds = []
    for line in code.replace("\\\n", " ").splitlines():
        line = line.strip()
        if line.startswith("$ "):
            line = line[2:]
        line = line.split("#")[0] if " #" in line or line.startswith("#") else line
        for part in re.split(r"&&|;|\|\|", line):
            try:
                words = shlex.split(part)
            except ValueError:
                continue
            while words and "=" in words[0] and not words[0].startswith("-"):
                words = words[1:]  # VAR=value prefix
            if words and Path(words[0]).name == "provable":
                cmds.append(words)
    return cmds


@pytest.mark.parametrize("page", PAGES)
def test_code_blocks_run(page, tmp_path, monkeypatch):
    from provable.proofs_checks import _claim

    monkeypatch.chdir(tmp_path)
    _claim.catalogue()  # load the registry first, so that a page's own claims are extra
    before = dict(_claim._REGISTRY)
    ns: dict = {"__name__": f"docs_{page}"}
    try:
        for line, lang, code, skipped in blocks((DOCS / page).read_text("utf-8")):
            where = f"docs/{page}:{line}"
            if skipped:
                continue
            if lang == "python":
                known = set(ns)
                exec(compile(code, where, "exec"), ns)  # noqa: S102 - the docs' own examples
                for name in [n for n in ns if n not in known and n.startswith("test_")]:
                    if callable(ns[name]):
                        ns[name]()
            elif lang == "pycon":
                test = doctest.DocTestParser().get_doctest(code, ns, where, where, line)
                runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS
                                               | doctest.NORMALIZE_WHITESPACE)
                out: list[str] = []
                runner.run(test, out=out.append, clear_globs=False)
                ns.update(test.globs)  # DocTest copies its globals: keep what it defined
                assert not runner.failures, "".join(out)
            elif lang in ("console", "bash", "shell", "sh"):
                for words in _shell_commands(code):
                    _check_command(words, where)
    finally:
        _claim._REGISTRY.clear()
        _claim._REGISTRY.update(before)
