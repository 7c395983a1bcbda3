"""Bandit claims: each quick budget holds and its negative control is violated."""

from __future__ import annotations

import pytest

from provable.proofs_checks import get_claim

BANDIT_CLAIMS = [
    "ucb1.explicit_bound",
    "ucb1.log_regret",
    "moss.minimax",
    "exp3.minimax",
    "klucb.lai_robbins",
    "banker_omd.scale_invariance",
    "banker_omd.regret",
    "banker_omd.delayed",
]


@pytest.mark.parametrize("cid", BANDIT_CLAIMS)
def test_quick_holds_and_control_violated(cid):
    c = get_claim(cid)
    v = c.experiment(c.params("quick"), 0)
    assert v.status == "holds", v.reason
    assert v.control.status == "violated", v.control.reason


@pytest.mark.parametrize("cid", BANDIT_CLAIMS)
def test_claim_metadata(cid):
    c = get_claim(cid)
    assert c.citation.title and c.statement and c.design
    assert set(c.budgets) == {"quick", "full"} and set(c.expected_seconds) == {"quick", "full"}
    assert c.rate_id
    if c.id.startswith("banker_omd"):
        assert c.citation.origin == "seed" and c.citation.seed_text and c.citation.restored
        assert "STAND-IN" in c.citation.note
    else:
        assert c.citation.origin == "reference"
