"""Quick runs of the RL claims: expected verdict, control violated."""

from __future__ import annotations

import pytest

from provable.proofs_checks._claim import get_claim

IDS = ["ucbvi.regret", "qlearning_ucb_h.regret", "softmax_pg.convergence",
       "npg.convergence", "diffusion_lm.kl_rate"]


@pytest.mark.parametrize("cid", IDS)
def test_quick_claim(cid):
    c = get_claim(cid)
    assert c.citation.title and c.design and c.expected_seconds
    if c.citation.origin == "seed":
        assert c.citation.seed_text
    v = c.experiment(c.params("quick"), 0)
    assert v.status == "holds", v.reason
    assert v.control.status == "violated", v.control.reason
