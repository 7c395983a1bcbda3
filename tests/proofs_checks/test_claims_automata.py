"""Quick runs of the automata / sequence-model claims: holds, control violated,
seed text verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from provable.proofs_checks._claim import get_claim

IDS = ["lstar.exact", "lrnn.parity_negative_eigs", "ssm.diagonal_commutative",
       "bounded_context.finite_automaton", "lm.markov_chain",
       "lssl.recurrence_equals_convolution"]
SEEDS = Path("/work/shared/seeds")


@pytest.mark.parametrize("cid", IDS)
def test_quick_claim(cid):
    c = get_claim(cid)
    assert c.citation.title and c.design and c.expected_seconds
    assert c.citation.origin == "seed" and c.citation.seed_text and c.citation.seed_file
    v = c.experiment(c.params("quick"), 0)
    assert v.status == "holds", v.reason
    assert v.control.status == "violated", v.control.reason


@pytest.mark.parametrize("cid", IDS)
def test_seed_text_is_verbatim(cid):
    cit = get_claim(cid).citation
    if not SEEDS.exists():
        pytest.skip("seed files not available")
    for f in cit.seed_file.split(","):
        assert cit.seed_text in (SEEDS / f).read_text(), f"seed_text of {cid} not in {f}"
