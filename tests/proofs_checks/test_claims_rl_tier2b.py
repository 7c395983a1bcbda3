"""Quick runs of the second batch of Tier 2 RL claims: verdict, control, verbatim seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from provable.proofs_checks._claim import get_claim

SEEDS = Path("/work/shared/seeds")
IDS = ["demo_reg.rate", "actor_critic.regret"]


@pytest.mark.parametrize("cid", IDS)
def test_quick_claim(cid):
    c = get_claim(cid)
    assert c.citation.title and c.design and c.expected_seconds
    assert set(c.budgets) == {"quick", "full"}
    v = c.experiment(c.params("quick"), 0)
    assert v.status == "holds", v.reason
    assert v.control.status == "violated", v.control.reason


@pytest.mark.parametrize("cid", IDS)
def test_seed_text_verbatim(cid):
    cit = get_claim(cid).citation
    assert cit.origin == "seed" and cit.seed_text and cit.seed_file
    if not SEEDS.exists():
        pytest.skip("seed files not available")
    for f in cit.seed_file.split(","):
        assert cit.seed_text in (SEEDS / f).read_text(errors="replace"), (cid, f)


@pytest.mark.parametrize("cid", IDS)
def test_rate_id_exists(cid):
    from provable import bounds

    assert get_claim(cid).rate_id in {r.id for r in bounds.all()}
