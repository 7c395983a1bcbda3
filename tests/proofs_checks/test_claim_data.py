"""RL claims: what their data must say beyond the verdict
(the verdicts themselves are checked for every claim in test_catalogue_quick.py)."""

from provable.proofs_checks import get_claim


def test_grpo_scope_is_reported():
    c = get_claim("grpo.unsampled_tokens")
    d = c.experiment(c.params("quick"), 1)["data"]
    # outside the claimed scope the unsampled gradient is not zero, and the data says so
    assert d["per_response_length_norm_max_unsampled_grad"] > 1e-6
    assert d["deeper_prefix_unsampled_nonzero"][0] > 0
    assert d["max_unsampled_grad"] <= 1e-12


def test_banker_omd_is_labelled_a_stand_in():
    for cid in ("banker_omd.regret", "banker_omd.delayed", "banker_omd.scale_invariance"):
        assert "STAND-IN" in get_claim(cid).citation.note
