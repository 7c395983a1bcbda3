"""pg.fisher_nondegenerate and apg.rate: what their verdicts must say (status and control
for every claim are checked in test_catalogue_quick.py)."""

from provable.proofs_checks import get_claim


def test_fisher_claim_checks_both_methods():
    c = get_claim("pg.fisher_nondegenerate")
    v = c.experiment(c.params("quick"), 1)
    assert v.status == "holds", v.reason
    assert "N-HARPG" in v.reason
    assert v.data["parts"][0]["status"] == "holds"


def test_apg_says_why_it_is_inconclusive():
    c = get_claim("apg.rate")
    assert "NOT RECONSTRUCTED" in c.citation.note
    v = c.experiment(c.params("quick"), 0)
    assert "cannot be reconstructed" in v.reason
