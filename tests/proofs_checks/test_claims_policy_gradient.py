"""pg.fisher_nondegenerate and apg.rate: what their verdicts must say (status and control
for every claim are checked in test_catalogue_quick.py)."""

from provable.proofs_checks import get_claim


def test_fisher_claim_checks_both_methods():
    c = get_claim("pg.fisher_nondegenerate")
    v = c.experiment(c.params("quick"), 1)
    # at the quick budget the sample count is still bending upwards in 1/epsilon
    # (local slopes 0.75 -> 1.95, curvature about +0.8 per decade): the projected
    # interval straddles 2.5 + 0.25, so no confident verdict
    assert v.status == "inconclusive", v.reason
    assert "still bending upwards" in v.reason
    assert "N-HARPG" in v.reason


def test_apg_says_why_it_is_inconclusive():
    c = get_claim("apg.rate")
    assert "NOT RECONSTRUCTED" in c.citation.note
    v = c.experiment(c.params("quick"), 0)
    assert "cannot be reconstructed" in v.reason
