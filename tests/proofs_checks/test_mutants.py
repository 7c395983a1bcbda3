"""Mutant batteries: the scoring rules, the registration checks, the bandit simulators'
planted mistakes, and `provable verify --mutants`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from provable import proofs_checks as pc
from provable.bounds._citation import Citation
from provable.cli import app
from provable.errors import InvalidArgument, InvalidType, NotSupported
from provable.learners.bandits import BernoulliBandit, simulate
from provable.proofs_checks._claim import Claim, claim
from provable.proofs_checks._verdict import Verdict

CIT = Citation("toy", "nobody", 2020, origin="reference")


def _toy(outcomes: dict[str, str]) -> Claim:
    """A claim whose verdict on mutant ``m`` is ``outcomes[m]`` (``holds`` unmutated)."""

    def experiment(params: dict, seed: int) -> Verdict:
        status = outcomes.get(params.get("which", ""), "holds")
        if status == "raise":
            raise RuntimeError("boom")
        return Verdict(claim="", status=status, reason=f"planted {status}")

    muts = tuple(pc.Mutant(n, f"mutant {n}", {"which": n}, equivalent=n.startswith("eq"))
                 for n in outcomes)
    return Claim(id="toy.mutants", statement="s", kind="property", citation=CIT,
                 experiment=experiment, budgets={"quick": {}, "full": {}}, mutants=muts)


def test_only_violated_kills_and_equivalents_do_not_count():
    c = _toy({"a": "violated", "b": "inconclusive", "c": "holds", "d": "raise",
              "eq_ok": "holds", "eq_bad": "violated"})
    r = pc.run_mutants(c)
    assert (r.killed, r.non_equivalent) == (1, 4)
    assert r.score == pytest.approx(0.25)
    assert r.survivors == ["b", "c", "d"]
    assert r.false_alarms == ["eq_bad"]
    rows = {m["name"]: m for m in r.mutants}
    assert rows["d"]["status"] == "error" and "RuntimeError: boom" in rows["d"]["reason"]
    assert rows["a"]["killed"] and not rows["eq_ok"]["killed"]
    table = pc.mutation_table([r])
    assert "`toy.mutants` | 1/4" in table and "**survived**" in table
    assert "**false alarm**" in table and "not violated (as it must)" in table


def test_mutant_params_are_merged_into_the_budget():
    seen = []

    def experiment(params: dict, seed: int) -> Verdict:
        seen.append((dict(params), seed))
        return Verdict(claim="", status="violated", reason="x")

    c = Claim(id="toy.params", statement="s", kind="property", citation=CIT,
              experiment=experiment, budgets={"quick": {"n": 1, "k": 2}, "full": {"n": 9}},
              mutants=(pc.Mutant("m", "r", {"k": 5}),))
    pc.run_mutants(c, budget="full", seed=3)
    pc.run_mutants(c, budget="quick")
    assert seen == [({"n": 9, "k": 5}, 3), ({"n": 1, "k": 5}, 0)]
    assert pc.run_mutants(c, names=[]).score is None
    with pytest.raises(InvalidArgument):
        pc.run_mutants(c, names=["nope"])


def test_registration_checks():
    with pytest.raises(InvalidType):
        claim(id="toy.bad_mutant", statement="s", kind="property", citation=CIT,
              budgets={"quick": {}}, mutants=("no_bonus",))
    with pytest.raises(InvalidArgument, match="repeated mutant names"):
        claim(id="toy.dup_mutant", statement="s", kind="property", citation=CIT,
              budgets={"quick": {}}, mutants=(pc.Mutant("a", "r"), pc.Mutant("a", "r")))


def test_default_mutation_is_the_algorithm_bit_for_bit():
    inst = BernoulliBandit([0.7, 0.5, 0.4])
    for alg in ("ucb1", "moss", "klucb", "exp3"):
        base = simulate(alg, inst, 3000, 4)
        same = simulate(alg, inst, 3000, 4, mutation={
            "bonus_scale": 1.0, "bonus_power": 0.5, "forced_exploration": 0.0,
            "importance_weighting": 1.0})
        assert np.array_equal(base.regret, same.regret), alg


def test_planted_mistakes_change_what_they_should():
    inst = BernoulliBandit([0.9, 0.5])
    T = 20000
    greedy = simulate("ucb1", inst, T, 16, mutation={"bonus_scale": 0.0})
    ucb = simulate("ucb1", inst, T, 16)
    # greedy: a seed that locks onto the worse arm pays 0.4 per round
    assert greedy.regret[:, -1].max() > 0.3 * T and ucb.regret[:, -1].max() < 0.05 * T
    # forced exploration with exponent a ~ 0 pulls each arm about half the time
    uniform = simulate("ucb1", inst, T, 4, mutation={"forced_exploration": 1e-9})
    assert np.all(np.abs(uniform.pulls[:, 1] / T - 0.5) < 0.02)
    # n^-1/4 bonus over-explores: more pulls of the worse arm than UCB1
    quarter = simulate("ucb1", inst, T, 4, mutation={"bonus_power": 0.25})
    assert quarter.pulls[:, 1].min() > 3 * ucb.pulls[:, 1].max()
    e = simulate("exp3", inst, T, 4)
    e0 = simulate("exp3", inst, T, 4, mutation={"importance_weighting": 0.0})
    assert not np.array_equal(e.regret, e0.regret)


def test_mutation_argument_errors():
    inst = BernoulliBandit([0.9, 0.5])
    with pytest.raises(InvalidArgument, match="not known"):
        simulate("ucb1", inst, 10, 1, mutation={"bonus": 0})
    with pytest.raises(InvalidType):
        simulate("ucb1", inst, 10, 1, mutation=[("bonus_scale", 0)])
    with pytest.raises(InvalidArgument):
        simulate("ucb1", inst, 10, 1, mutation={"forced_exploration": -1})
    with pytest.raises(NotSupported):
        simulate("banker_omd", inst, 10, 1, mutation={"bonus_scale": 0})


def test_batteries_are_large_enough():
    # at least 4 non-equivalent mutants for rate and bound claims, 2 for identity and
    # property claims; optimistic OMD has three after two candidates turned out to keep
    # the rate
    for c in pc.catalogue():
        if c.mutants:
            live = [m for m in c.mutants if not m.equivalent]
            need = 2 if c.kind in ("identity", "property") else 4
            if c.id in ("optimistic_omd.duality_gap", "dueling_rl.regret"):
                need = 3
            assert len(live) >= need, c.id
            assert all(m.rationale for m in c.mutants)


def test_ucb1_explicit_bound_kills_a_missing_bonus():
    r = pc.run_mutants("ucb1.explicit_bound", names=["no_bonus", "negated_bonus"])
    assert r.killed == 2 and r.survivors == []


def test_cli_verify_mutants_writes_the_battery(tmp_path):
    res = CliRunner().invoke(app, ["verify", "ucb1.explicit_bound", "--mutants",
                                   "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output  # quick budget: survivors are reported, not fatal
    assert "Mutants:" in res.output and "non-equivalent mutants killed" in res.output
    data = json.loads((tmp_path / "mutants.json").read_text())
    assert data[0]["claim"] == "ucb1.explicit_bound"
    assert {m["name"] for m in data[0]["mutants"]} >= {"no_bonus", "bonus_n^-1/4"}
    assert "| `ucb1.explicit_bound` |" in (tmp_path / "mutants.md").read_text()


def test_switching_bandit_costs_and_exp3_importance_weights():
    from provable.learners.bandits import SwitchingBandit

    b = SwitchingBandit([0.9, 0.5, 0.5], [0.3, 0.8, 0.5], switch=1 / 3)
    g1, g2 = b.phase_gaps()
    assert b.best_arm == 1  # 0.9/3 + 0.3*2/3 = 0.5 < 0.5/3 + 0.8*2/3 = 0.7
    assert g1.tolist() == pytest.approx([-0.4, 0.0, 0.0]) and g2.tolist() == pytest.approx(
        [0.5, 0.0, 0.3])
    T = 30000
    # deterministic rewards: greedy tries each arm once, then stays on arm 0 (its mean
    # never drops below the 0 of the others); costs -1 before the switch, +1 after it
    det = SwitchingBandit([1.0, 0.0, 0.0], [0.0, 1.0, 0.0], switch=1 / 3)
    stuck = simulate("eps_greedy", det, T, 2, checkpoints=[T], epsilon=0.0).regret[:, -1]
    assert stuck.tolist() == [-1 - (T // 3 - 3) + 2 * T // 3] * 2
    w = simulate("exp3", b, T, 8, checkpoints=[T]).regret[:, -1].mean()
    w0 = simulate("exp3", b, T, 8, checkpoints=[T],
                  mutation={"importance_weighting": 0.0}).regret[:, -1].mean()
    assert w < 6 * np.sqrt(T) and w0 > 0.1 * T
    with pytest.raises(NotSupported):
        simulate("banker_omd", b, 10, 1)


def test_forced_exploration_applies_to_every_algorithm():
    inst = BernoulliBandit([0.9, 0.5])
    for alg in ("exp3", "etc", "thompson", "klucb", "moss"):
        res = simulate(alg, inst, 4000, 2, mutation={"forced_exploration": 1e-9})
        assert np.all(np.abs(res.pulls[:, 1] / 4000 - 0.5) < 0.05), alg
