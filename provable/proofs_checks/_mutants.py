"""Mutant batteries: run a claim's experiment on planted implementation mistakes.

A claim registers :class:`~provable.proofs_checks.Mutant` s — the mistakes a careful
implementer could make (an exploration bonus removed, a bonus shrinking at the wrong
rate, forced exploration, importance weights dropped). Each is run through the claim's
own experiment; a mutant is *killed* when the verdict is ``violated``. ``inconclusive``
is not a kill: an experiment that cannot tell a broken algorithm from the paper's is
not evidence. Equivalent mutants (they still satisfy the theorem) must not be
violated and do not count in the score.
"""

from __future__ import annotations

import time
import traceback
from typing import Any

from provable._result import RichResult
from provable._validation import check_choice, check_int
from provable.proofs_checks._claim import BUDGETS, Claim, get_claim

__all__ = ["MutationReport", "run_mutants", "mutation_table"]


class MutationReport(RichResult):
    """Result of :func:`run_mutants`.

    Attributes
    ----------
    claim, budget, seed : str, str, int
        What was run.
    mutants : list of dict
        One row per mutant: ``name``, ``rationale``, ``equivalent``, ``status`` (the
        claim's verdict on it), ``killed``, ``reason``, ``seconds``.
    killed, non_equivalent : int
        Killed non-equivalent mutants, and how many there are.
    score : float or None
        ``killed / non_equivalent`` (None without non-equivalent mutants).
    survivors : list of str
        Non-equivalent mutants that were not killed.
    false_alarms : list of str
        Equivalent mutants the experiment called ``violated`` (the harness is wrong).
    """

    _fields = ("claim", "budget", "seed", "score", "killed", "non_equivalent", "survivors",
               "false_alarms", "mutants")


def _run_one(c: Claim, params: dict, seed: int) -> tuple[str, str]:
    try:
        v = c.experiment(params, seed)
    except Exception as e:  # a mutant that crashes the experiment is not a kill
        tb = traceback.format_exception_only(type(e), e)[-1].strip()
        return "error", f"the experiment raised {tb}"
    return str(v["status"]), str(v.get("reason", ""))


def run_mutants(claim: str | Claim, budget: str = "quick", seed: int = 0,
                names: list[str] | None = None) -> MutationReport:
    """Run every mutant of ``claim`` through its experiment and score the battery.

    Parameters
    ----------
    claim : str or Claim
        Claim id or object.
    budget : {"quick", "full"}
        Budget whose parameters the mutants extend.
    seed : int
        Seed of every run.
    names : list of str, optional
        Only these mutants.

    Returns
    -------
    MutationReport

    Examples
    --------
    >>> from provable import proofs_checks as pc
    >>> r = pc.run_mutants("ucb1.explicit_bound", names=["no_bonus"])
    >>> r.mutants[0]["status"], r.score
    ('violated', 1.0)
    """
    c = claim if isinstance(claim, Claim) else get_claim(claim)
    check_choice("budget", budget, BUDGETS)
    check_int("seed", seed, min_value=0)
    chosen = list(c.mutants)
    if names is not None:
        known = {m.name for m in c.mutants}
        for n in names:
            check_choice("mutant", n, sorted(known))
        chosen = [m for m in c.mutants if m.name in set(names)]
    rows = []
    for m in chosen:
        t0 = time.perf_counter()
        status, reason = _run_one(c, {**c.params(budget), **m.params}, seed)
        rows.append({"name": m.name, "rationale": m.rationale, "equivalent": m.equivalent,
                     "status": status, "killed": status == "violated", "reason": reason,
                     "seconds": time.perf_counter() - t0})
    live = [r for r in rows if not r["equivalent"]]
    killed = sum(r["killed"] for r in live)
    return MutationReport(
        claim=c.id, budget=budget, seed=seed, mutants=rows, killed=killed,
        non_equivalent=len(live), score=killed / len(live) if live else None,
        survivors=[r["name"] for r in live if not r["killed"]],
        false_alarms=[r["name"] for r in rows if r["equivalent"] and r["killed"]])


def _outcome(m: dict) -> str:
    if m["equivalent"]:
        return "**false alarm**" if m["killed"] else "not violated (as it must)"
    return "killed" if m["killed"] else "**survived**"


def mutation_table(reports: list[Any]) -> str:
    """Markdown table of mutation reports: one row per mutant, the score per claim."""
    lines = ["| claim | score | mutant | equivalent | verdict on it | killed |",
             "|---|---|---|---|---|---|"]
    for r in reports:
        score = "—" if r["score"] is None else f"{r['killed']}/{r['non_equivalent']}"
        for i, m in enumerate(r["mutants"]):
            lines.append(f"| `{r['claim']}` | {score if i == 0 else ''} | `{m['name']}`: "
                         f"{m['rationale']} | {'yes' if m['equivalent'] else 'no'} | "
                         f"{m['status']} | {_outcome(m)} |")
    return "\n".join(lines) + "\n"
