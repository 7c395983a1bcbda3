"""The ``provable`` command line (typer + rich).

::

    provable verify [CLAIM ...] [--suite quick|full] [--out DIR] [--jobs N]
                    [--scheduler ADDR] [--seed S] [--force] [--load MODULE]
    provable claims [--out DIR] [--plain]
    provable rates [--format markdown|latex|html|json] [--setting S] [--quantity Q] [--kind K]
    provable solve FILE [--method auto] [--tol 1e-8] [--max-states 30] [--json]

Heavy modules (numpy, matplotlib, joblib, the claim modules) are imported inside the
commands, so ``provable --help`` answers at once.

Exit codes of ``verify``: 0 when every claim holds or is inconclusive and every
negative control of a claim that holds says ``violated``; 1 when a claim is
``violated`` or a control fails; 2 for bad input (unknown claim id, bad option); 3 when
nothing is violated but a claim could not run (status ``error``: its experiment raised,
or its worker process died twice; errors are never cached, a re-run retries them).

Exit codes of ``solve``: 0 when the model was solved (whether or not the solver
converged: see ``converged`` in its table); 2 for bad input: a missing, unreadable,
malformed or oversized model file, or a bad option, with a one-line message and no
traceback; 3 for an unexpected internal error (with its traceback, to be reported).
The model file is loaded by :func:`provable.mdp.load`, whose checks and size cap
(``PROVABLE_MAX_BYTES``, default 4 GiB) apply.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

__all__ = ["app"]

app = typer.Typer(
    name="provable",
    help="provable: learning theory that computes and checks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Suite(str, Enum):
    quick = "quick"
    full = "full"


class Format(str, Enum):
    markdown = "markdown"
    latex = "latex"
    html = "html"
    json = "json"


_STYLE = {"holds": "green", "violated": "bold red", "inconclusive": "yellow",
          "error": "bold magenta", "missing": "bold red"}
#: a negative control is meant to be rejected: ``violated`` is its correct outcome (no
#: colour); one that holds, or is missing, is what needs attention
_CONTROL_STYLE = {"holds": "bold red", "violated": "", "inconclusive": "yellow",
                  "error": "bold magenta", "missing": "bold red"}

_OutOption = Annotated[Path, typer.Option("--out", "-o", help="Report directory.")]
_LoadOption = Annotated[list[str] | None, typer.Option(
    "--load", "-m", help="Import this module first (it registers extra claims): a module "
                         "name (the current directory is searched) or a path to a .py "
                         "file; repeatable.")]


def _consoles() -> tuple[Console, Console]:
    from rich.console import Console

    return Console(soft_wrap=True), Console(stderr=True, soft_wrap=True)


def _fail(err: Console, message: str, code: int = 2) -> None:
    from rich.text import Text

    err.print(Text("Error: ", style="bold red") + Text(message))
    raise typer.Exit(code)


def _status(s: Any, control: bool = False) -> Any:
    from rich.text import Text

    s = "—" if s is None else str(s)
    return Text(s, style=(_CONTROL_STYLE if control else _STYLE).get(s, ""))


def _version_callback(value: bool) -> None:
    if value:
        from provable.proofs_checks._cache import provable_version

        typer.echo(f"provable {provable_version()}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option(
        "--version", callback=_version_callback, is_eager=True,
        help="Print the version and exit.")] = False) -> None:
    """provable: learning theory that computes and checks."""


@app.command()
def verify(
    claims: Annotated[list[str] | None, typer.Argument(
        help="Claim ids to check (default: the whole catalogue).", show_default=False)] = None,
    suite: Annotated[Suite, typer.Option(
        "--suite", "-s", help="Budget of every claim.")] = Suite.quick,
    out: _OutOption = Path("provable-report"),
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", help="Parallel worker processes (-1: every core).")] = 1,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address (tcp://host:8786): run there.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of every experiment.")] = 0,
    force: Annotated[bool, typer.Option(
        "--force", help="Recompute instead of reading cached verdicts.")] = False,
    load: _LoadOption = None,
    mutants: Annotated[bool, typer.Option(
        "--mutants", help="Also run every claim's mutant battery (planted implementation "
                          "mistakes) and write mutants.md / mutants.json.")] = False,
) -> None:
    """Check claims and write report.md, results.json and plots into --out.

    Exit codes: 0 every claim holds (with a control that says violated) or is
    inconclusive; 1 a claim is violated or a control failed (with --mutants also: an
    equivalent mutant was called violated, or, at the full budget, a non-equivalent
    mutant survived); 2 bad input; 3 a claim could not run (error: not cached, re-run
    to retry).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.table import Table
    from rich.text import Text

    from provable.errors import ProvableError
    from provable.proofs_checks import _report, failures, get_claim, verify_all
    from provable.proofs_checks._report import exit_code
    from provable.proofs_checks._runner import load_claim_modules

    console, err = _consoles()
    try:
        load_claim_modules(load or [])
        ids = [get_claim(i).id for i in claims] if claims else None
    except ProvableError as e:
        _fail(err, str(e))

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[last]}"), console=err, transient=True,
                        disable=not err.is_terminal)
    task = progress.add_task("verifying", total=None, last="")

    def on_done(done: int, total: int, v: Any) -> None:
        progress.update(task, completed=done, total=total,
                        last=f"{v.get('claim', '')}: {v.get('status', '')}")

    try:
        with progress:
            verdicts = verify_all(ids, budget=suite.value, seed=seed, jobs=jobs,
                                  scheduler=scheduler, out=out, force=force, progress=on_done,
                                  modules=tuple(load or ()))
    except ProvableError as e:
        _fail(err, str(e))
    except KeyboardInterrupt:
        err.print(f"Interrupted; partial report in {out / _report.REPORT_FILE} "
                  "(re-run to resume from the cache).")
        raise typer.Exit(130) from None

    report = out / _report.REPORT_FILE
    if not verdicts:
        console.print("No claims to check: the catalogue is empty (or nothing matched).")
        console.print(f"Report: {report}")
        return

    table = Table(title=f"provable verify --suite {suite.value}", show_lines=False)
    width = min(max(len(str(v.get("claim", ""))) for v in verdicts), 32)
    table.add_column("claim", overflow="fold", min_width=width)
    for col in ("verdict", "control", "measured (CI)"):
        table.add_column(col, no_wrap=True)
    table.add_column("time")
    for v in verdicts:
        ctrl = v.get("control")
        cs = ctrl.get("status") if isinstance(ctrl, dict) else (
            "—" if v.get("status") in ("inconclusive", "error") else "missing")
        table.add_row(Text(str(v.get("claim"))), _status(v.get("status")), _status(cs, control=True),
                      Text(_report._measured(v)), Text(_report._seconds(v)))
    console.print(table)

    counts = {s: sum(v.get("status") == s for v in verdicts)
              for s in ("holds", "violated", "inconclusive", "error")}
    console.print(Text(", ".join(f"{n} {s}" for s, n in counts.items())))
    inconclusive = [v for v in verdicts if v.get("status") == "inconclusive"]
    if inconclusive:
        console.print(Text("Inconclusive:", style="yellow"))
        for v in inconclusive:
            console.print(Text(f"  {v.get('claim')}: {v.get('reason', '')}"))
    fails = failures(verdicts)
    if fails:
        console.print(Text(f"{len(fails)} failure{'s' if len(fails) != 1 else ''}:",
                           style="bold red"))
        for cid, why in fails:
            console.print(Text(f"  {cid}: {why}"))
    console.print(Text(f"Report: {report}"))
    html = report.with_suffix(".html")
    if html.exists():
        console.print(Text(f"HTML report: {html}"))
    code = exit_code(verdicts)
    if mutants:
        mcode = _run_mutant_batteries(ids, suite.value, seed, out, console, err)
        code = 1 if mcode == 1 or code == 1 else code
    if code:
        raise typer.Exit(code)


def _run_mutant_batteries(ids: list[str] | None, budget: str, seed: int, out: Path,
                          console: Any, err: Any) -> int:
    """Run the mutant batteries of ``ids`` (all claims by default); 1 when they fail."""
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
    from rich.text import Text

    from provable.proofs_checks import catalogue, get_claim, mutation_table, run_mutants

    claims = [get_claim(i) for i in ids] if ids else catalogue()
    claims = [c for c in claims if c.mutants]
    reports = []
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        console=err, transient=True, disable=not err.is_terminal)
    with progress:
        task = progress.add_task("mutants", total=len(claims))
        for c in claims:
            reports.append(run_mutants(c, budget=budget, seed=seed))
            progress.advance(task)
    out.mkdir(parents=True, exist_ok=True)
    (out / "mutants.json").write_text(json.dumps([r.to_dict() for r in reports], indent=1))
    (out / "mutants.md").write_text(
        f"# Mutant batteries ({budget} budget, seed {seed})\n\n" + mutation_table(reports))
    killed = sum(r.killed for r in reports)
    live = sum(r.non_equivalent for r in reports)
    console.print(Text(f"Mutants: {killed}/{live} non-equivalent mutants killed over "
                       f"{len(reports)} claims ({out / 'mutants.md'})"))
    bad = 0
    for r in reports:
        if r.survivors:
            console.print(Text(f"  {r.claim}: survived {', '.join(r.survivors)}",
                               style="bold red" if budget == "full" else "yellow"))
            bad = bad or budget == "full"
        if r.false_alarms:
            console.print(Text(f"  {r.claim}: equivalent mutants called violated (the "
                               f"experiment is wrong): {', '.join(r.false_alarms)}",
                               style="bold red"))
            bad = 1
    return int(bad)


@app.command("claims")
def claims_command(
    out: _OutOption = Path("provable-report"),
    load: _LoadOption = None,
    plain: Annotated[bool, typer.Option(
        "--plain", help="One line per claim: its id, a tab and its last status (or "
                        "'not run'); no table, nothing truncated.")] = False,
) -> None:
    """List the claim catalogue, with each claim's status from the last run in --out."""
    from rich.table import Table
    from rich.text import Text

    from provable.errors import ProvableError
    from provable.proofs_checks import catalogue, read_results
    from provable.proofs_checks._runner import load_claim_modules

    console, err = _consoles()
    try:
        load_claim_modules(load or [])
    except ProvableError as e:
        _fail(err, str(e))
    cat = catalogue()
    if not cat and not plain:
        console.print("No claims are registered.")
        return
    last = read_results(out) or {}
    status = {d.get("claim"): d for d in last.get("verdicts", [])}
    if plain:
        for c in cat:
            d = status.get(c.id)
            typer.echo(f"{c.id}\t{(d.get('status') if d else None) or 'not run'}")
        return
    table = Table(title=f"{len(cat)} claims" + (f" (last run: {last.get('created')})"
                                                 if last else ""))
    for col in ("claim", "kind", "source", "last run", "statement"):
        table.add_column(col, no_wrap=col in ("kind", "last run"))
    for c in cat:
        d = status.get(c.id)
        st = d.get("status") if d else None
        table.add_row(Text(c.id), Text(c.kind), Text(c.citation.short()),
                      _status(st) if st else Text("not run", style="dim"),
                      Text(c.statement))
    console.print(table)


@app.command()
def rates(
    format: Annotated[Format, typer.Option(
        "--format", "-f", help="Output format.")] = Format.markdown,
    setting: Annotated[str | None, typer.Option(help="Only this setting (bandit, ...).")] = None,
    quantity: Annotated[str | None, typer.Option(
        help="Only this quantity (regret, sample_complexity, ...).")] = None,
    kind: Annotated[str | None, typer.Option(help="Only this kind (upper, lower, ...).")] = None,
    columns: Annotated[str | None, typer.Option(
        help="Comma-separated columns, in order, from setting, algorithm, quantity, bound, "
             "lower_bound, convention, source (default: all of them; for LaTeX "
             "algorithm,bound,source, which fits one column of a two-column article).")] = None,
    cite: Annotated[bool, typer.Option(
        "--cite/--no-cite", help="LaTeX: the source as \\cite{key} (see --bib) or as "
                                 "'Authors (year)'.")] = True,
    width: Annotated[str, typer.Option(
        help="LaTeX: the table's width (\\linewidth: one column; \\textwidth in a "
             "table*).")] = "\\linewidth",
    bib: Annotated[bool, typer.Option(
        "--bib", help="Print the BibTeX entries of the sources of the selected rates "
                      "(the keys of the LaTeX table's \\cite) instead of a table.")] = False,
) -> None:
    """Print the table of rates in the registry (markdown, LaTeX, HTML or JSON), or with
    --bib the BibTeX of their sources."""
    from provable.errors import ProvableError

    _, err = _consoles()
    try:
        from provable.bounds._cli import rates_command
    except ImportError as e:
        _fail(err, f"the rate registry is not available ({e})", code=1)
    try:
        text = rates_command("bibtex" if bib else format.value, setting, quantity, kind,
                             columns=columns, cite=cite, width=width)
    except ProvableError as e:
        _fail(err, str(e))
    typer.echo(text)  # plain: no rich markup interpretation of the table


def _json_ready(v: Any) -> Any:
    import math

    if isinstance(v, dict):
        return {str(k): _json_ready(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_json_ready(x) for x in v]
    if hasattr(v, "tolist"):  # numpy arrays and scalars
        return _json_ready(v.tolist())
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else repr(v)
    from fractions import Fraction

    if isinstance(v, Fraction):
        return f"{v.numerator}/{v.denominator}"
    return str(v)


def _json_dumps(res: Any) -> str:
    import json

    return json.dumps(_json_ready(dict(res)), allow_nan=False)


@app.command()
def solve(
    file: Annotated[Path, typer.Argument(help="Model file (.npz or .json).")],
    method: Annotated[str, typer.Option(help="Solver method (auto, vi, pi, lp, ...).")] = "auto",
    tol: Annotated[float, typer.Option(help="Certified tolerance on V.")] = 1e-8,
    max_states: Annotated[int, typer.Option(
        "--max-states", min=0, help="Rows of the value table to print.")] = 30,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the whole result as one JSON object instead of tables: floats "
                       "at full precision (shortest repr that round-trips; non-finite ones "
                       "as the strings \"inf\", \"-inf\", \"nan\"), every state, and for "
                       "--method exact the rational values V_exact and Q_exact as \"p/q\" "
                       "strings.")] = False,
) -> None:
    """Solve an MDP stored in FILE and print its values and policy (--json: as JSON)."""
    import numpy as np
    from rich.table import Table
    from rich.text import Text

    from provable.errors import ProvableError

    console, err = _consoles()
    if not file.exists():
        _fail(err, f"file={str(file)!r} does not exist")
    try:
        from provable.solvers._cli import solve_command
    except ImportError as e:
        _fail(err, f"the solvers are not available ({e})", code=1)
    try:
        res = solve_command(str(file), method=method, tol=tol)
    except (ProvableError, OSError) as e:
        _fail(err, " ".join(str(e).split()) or type(e).__name__)
    except MemoryError as e:
        _fail(err, f"{file}: out of memory while solving ({e}); the model is too large for "
              "this machine")
    except Exception as e:  # noqa: BLE001 - a bug, not bad input: never exit 1 ("violated")
        import traceback

        traceback.print_exc()
        _fail(err, f"internal error ({type(e).__name__}: {e}); please report it", code=3)

    if as_json:
        typer.echo(_json_dumps(res))
        return
    summary = Table(show_header=False, title=f"solve {file.name}")
    summary.add_column("field", style="bold")
    summary.add_column("value")
    for k in ("method", "converged", "iterations", "error_bound", "seconds"):
        if k in res:
            v = res[k]
            txt = f"{v:.3g}" if isinstance(v, float) else str(v)
            summary.add_row(k, Text(txt, style="" if k != "converged" or v else "bold red"))
    console.print(summary)

    V = np.asarray(res.get("V", []), dtype=float)
    pol = np.asarray(res.get("policy", []))
    note = ""
    if V.ndim > 1:  # finite horizon: V (H+1, S), policy (H, S): show t = 0
        V, note = V[0], " at t = 0"
    if pol.ndim > 1:
        pol = pol[0]
    if V.size:
        tab = Table(title=f"values and policy{note}")
        tab.add_column("state", justify="right")
        tab.add_column("V", justify="right")
        tab.add_column("policy", justify="right")
        n = V.size
        for s in range(min(n, max_states)):
            a = pol[s] if s < pol.size else ""
            tab.add_row(str(s), f"{V[s]:.10g}", str(a))
        console.print(tab)
        if n > max_states:
            console.print(Text(f"... {n - max_states} more states (use --max-states)"))
