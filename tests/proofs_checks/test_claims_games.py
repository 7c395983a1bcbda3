"""Quick budgets of the games claims return their expected status; controls say violated."""

from pathlib import Path

import pytest

from provable.proofs_checks import get_claim

SEEDS = Path("/work/shared/seeds")


def run_quick(cid):
    c = get_claim(cid)
    return c, c.experiment(c.params("quick"), 0)


def check_citation(c):
    cit = c.citation
    assert cit.title and c.design and c.budgets.get("quick") and c.budgets.get("full")
    assert set(c.expected_seconds) == {"quick", "full"}
    if cit.seed_text and cit.seed_file and SEEDS.exists():
        for f in cit.seed_file.split(","):
            text = (SEEDS / f).read_text(errors="replace")
            assert cit.seed_text in text, f"seed_text of {c.id} not verbatim in {f}"

IDS = ["optimistic_omd.duality_gap", "nash_mp.last_iterate", "self_play.minimax_winner"]


@pytest.mark.parametrize("cid", IDS)
def test_quick_holds_and_control_violated(cid):
    c, v = run_quick(cid)
    check_citation(c)
    assert v.status == "holds", v.reason
    assert v.control.status == "violated", v.control.reason
