"""The catalogue: every claim is well formed. With ``PROVABLE_CLAIMS=quick`` (or
``full``) every claim is also run at that budget and must pass the CLI's rule: not
``violated``, and a claim that holds has a negative control that says ``violated``."""

from __future__ import annotations

import os

import pytest

from provable.proofs_checks import catalogue, failures, verify
from provable.proofs_checks._claim import BUDGETS, CLAIM_KINDS

CLAIMS = catalogue()
IDS = [c.id for c in CLAIMS]
BUDGET = os.environ.get("PROVABLE_CLAIMS", "")


def test_catalogue_ids_are_unique_and_dotted():
    assert len(IDS) == len(set(IDS))
    for i in IDS:
        assert "." in i and i == i.strip(), i


@pytest.mark.parametrize("c", CLAIMS, ids=IDS)
def test_claim_is_well_formed(c):
    assert c.statement.strip(), c.id
    assert c.kind in CLAIM_KINDS
    assert set(c.budgets) == set(BUDGETS), f"{c.id} budgets {sorted(c.budgets)}"
    assert c.citation.title
    if c.citation.origin == "seed":
        assert c.citation.seed_text, f"{c.id}: a seed claim quotes its seed text"


@pytest.mark.skipif(BUDGET not in BUDGETS,
                    reason="set PROVABLE_CLAIMS=quick or full to run the claims")
@pytest.mark.parametrize("claim_id", IDS)
def test_claim_verdict(claim_id):
    v = verify(claim_id, budget=BUDGET, seed=0)
    assert not failures([v]), f"{claim_id}: {failures([v])[0][1]}"
