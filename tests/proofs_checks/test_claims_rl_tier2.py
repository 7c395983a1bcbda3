"""Quick runs of the Tier 2 RL claims: expected verdict, control violated, verbatim seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from provable.proofs_checks._claim import get_claim

SEEDS = Path("/work/shared/seeds")
IDS = ["dpo.implicit_q", "grpo.unsampled_tokens", "mdvi.generative"]


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


def test_grpo_scope_is_reported():
    c = get_claim("grpo.unsampled_tokens")
    d = c.experiment(c.params("quick"), 1)["data"]
    # outside the claimed scope the unsampled gradient is not zero, and the data says so
    assert d["per_response_length_norm_max_unsampled_grad"] > 1e-6
    assert d["deeper_prefix_unsampled_nonzero"][0] > 0
    assert d["max_unsampled_grad"] <= 1e-12


def test_mdvi_rate_id_exists():
    from provable import bounds

    assert get_claim("mdvi.generative").rate_id in {r.id for r in bounds.all()}
