"""The linear-RL claims: registration, provenance, quick verdicts and their controls."""

from __future__ import annotations

import pytest

from provable.proofs_checks._claim import get_claim

IDS = ["lsvi_ucb.regret", "oful.regret"]


@pytest.mark.parametrize("cid", IDS)
def test_registered_with_provenance(cid: str) -> None:
    c = get_claim(cid)
    assert c.kind == "rate_upper" and c.rate_id == cid
    assert c.citation.origin == "reference" and c.citation.authors and c.citation.year
    assert set(c.budgets) == {"quick", "full"} and c.design
    from provable import bounds

    assert bounds.get(cid).kind == "upper"


def test_lsvi_citation_has_arxiv() -> None:
    assert get_claim("lsvi_ucb.regret").citation.arxiv == "1907.05388"


@pytest.mark.parametrize("cid", IDS)
def test_quick_verdict_holds_and_control_is_violated(cid: str) -> None:
    c = get_claim(cid)
    v = c.experiment(c.params("quick"), 0)
    assert v.status == "holds", v.reason
    assert v.control.status == "violated", v.control.reason
    assert v.ci[1] <= 0.6 and v.control.ci[0] > 0.6
    assert v.data["fit"]["decades"] >= 1.5
